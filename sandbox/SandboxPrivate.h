#pragma once

// Internal state of the sandbox. Not installed, not for other code: use Sandbox.h.

#include "sandbox/Sandbox.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

#include <functional>
#include <map>
#include <random>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace intrvio {

namespace sandbox {

struct HttpRequest
{
    QByteArray method;
    QByteArray rawTarget; // path + query as received
    QString path; // decoded path
    QList<QPair<QString, QString>> query; // decoded, in order
    HeaderList headers;
    QByteArray body;
    QHostAddress remote;

    QByteArray header(QByteArrayView name) const;
    bool hasQuery(const QString &key) const;
    QString queryValue(const QString &key) const;
};

struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;

    void setHeader(const QByteArray &name, const QByteArray &value);
    static HttpResponse json(
        int status, const QJsonObject &doc, const QByteArray &type = "application/vnd.api+json");
    static HttpResponse html(int status, const QString &html);
    static HttpResponse raw(int status, const QByteArray &jsonApiBody);
    // JSON:API error document {"errors":[{status,title,detail,code,source.pointer?}]}
    static HttpResponse error(int status, const QString &title, const QString &detail,
        const QString &pointer = {}, const QString &code = {});
    static HttpResponse errors(int status, const QJsonArray &errors);
};

QJsonObject errorObject(int status, const QString &title, const QString &detail, const QString &pointer = {},
    const QString &code = {});
QByteArray reasonPhrase(int status);

// Hands every parsed request to a callback; the callback owns the answer (it may answer later).
class HttpServer : public QAbstractHttpServer
{
public:
    using Handler = std::function<void(HttpRequest &&, QTcpSocket *)>;
    explicit HttpServer(Handler handler, QObject *parent = nullptr)
        : QAbstractHttpServer(parent)
        , m_handler(std::move(handler))
    { }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override { }

private:
    Handler m_handler;
};

void writeResponse(QTcpSocket *socket, const HttpResponse &response);

// A relationship of a JSON:API resource.
struct Rel
{
    QString name;
    QString type;
    bool toMany = false;
    bool linkage = true; // include "data" (to-many relationships only when small)
    QStringList ids;
};

// Attributes in output order (kebab-case names).
using Attributes = QList<QPair<QString, QJsonValue>>;

void writeJsonString(QByteArray &out, QStringView s);
void writeJsonValue(QByteArray &out, const QJsonValue &v);

struct Resource
{
    QString type;
    QString id;
    Attributes attributes;
    QList<Rel> rels;
};

// A map from id to record stored as a vector sorted by id: ids are handed out in increasing
// order, so inserts append, lookups are binary searches and list endpoints iterate contiguous
// memory (a std::map walk over 30 000 applications dominated the cost of a page).
template<typename T> class IdMap
{
public:
    using value_type = std::pair<qint64, T>;
    using mapped_type = T;
    using iterator = typename std::vector<value_type>::iterator;
    using const_iterator = typename std::vector<value_type>::const_iterator;

    iterator begin() { return m_items.begin(); }
    iterator end() { return m_items.end(); }
    const_iterator begin() const { return m_items.begin(); }
    const_iterator end() const { return m_items.end(); }
    size_t size() const { return m_items.size(); }
    bool empty() const { return m_items.empty(); }
    void clear() { m_items.clear(); }
    void reserve(size_t n) { m_items.reserve(n); }

    iterator find(qint64 id)
    {
        auto it = lowerBound(id);
        return it != m_items.end() && it->first == id ? it : m_items.end();
    }
    const_iterator find(qint64 id) const
    {
        auto it = std::lower_bound(
            m_items.begin(), m_items.end(), id, [](const value_type &v, qint64 k) { return v.first < k; });
        return it != m_items.end() && it->first == id ? it : m_items.end();
    }
    size_t count(qint64 id) const { return find(id) != end() ? 1 : 0; }
    T &at(qint64 id)
    {
        auto it = find(id);
        Q_ASSERT(it != end());
        return it->second;
    }
    const T &at(qint64 id) const
    {
        auto it = find(id);
        Q_ASSERT(it != end());
        return it->second;
    }
    T &operator[](qint64 id)
    {
        auto it = lowerBound(id);
        if (it != m_items.end() && it->first == id)
            return it->second;
        return m_items.insert(it, value_type(id, T {}))->second;
    }
    iterator emplace_hint(const_iterator, qint64 id, T &&value)
    {
        auto it = lowerBound(id);
        if (it != m_items.end() && it->first == id) {
            it->second = std::move(value);
            return it;
        }
        return m_items.insert(it, value_type(id, std::move(value)));
    }
    iterator erase(iterator it) { return m_items.erase(it); }
    size_t erase(qint64 id)
    {
        auto it = find(id);
        if (it == m_items.end())
            return 0;
        m_items.erase(it);
        return 1;
    }

private:
    iterator lowerBound(qint64 id)
    {
        if (m_items.empty() || m_items.back().first < id)
            return m_items.end();
        return std::lower_bound(
            m_items.begin(), m_items.end(), id, [](const value_type &v, qint64 k) { return v.first < k; });
    }
    std::vector<value_type> m_items;
};

// Parsed JSON:API query parameters common to every list/show endpoint.
struct ListQuery
{
    int pageSize = 10;
    int pageNumber = 1;
    QHash<QString, QStringList> fields; // fields[type]
    QStringList include;
    QHash<QString, QString> filters; // "email", "updated-at][from" normalised to "updated-at.from"
    QString sort;
};

} // namespace sandbox

struct Sandbox::Private
{
    Sandbox *q = nullptr;
    Config config;
    bool derivedCompanyWebhookUrl = false;
    const Clock *clock = nullptr;
    sandbox::HttpServer *server = nullptr;
    QNetworkAccessManager *nam = nullptr;
    QUrl base;
    QString baseText; // base without a trailing slash, for links
    QString error;
    std::mt19937_64 rng;
    std::mt19937_64 faultRng;

    // Data
    sandbox::Company company;
    sandbox::IdMap<sandbox::User> users;
    sandbox::IdMap<sandbox::Job> jobs;
    sandbox::IdMap<sandbox::Stage> stages;
    sandbox::IdMap<sandbox::Candidate> candidates;
    sandbox::IdMap<sandbox::JobApplication> applications;
    sandbox::IdMap<sandbox::Note> notes;
    sandbox::IdMap<sandbox::Trigger> triggers; // by id
    QHash<qint64, qint64> triggerByStage;
    QHash<qint64, QList<qint64>> appsByCandidate;
    std::map<QString, sandbox::PartnerResult> partnerResults;
    QList<QString> partnerResultOrder; // creation order
    qint64 nextUser = 31, nextJob = 1426, nextStage = 22508, nextCandidate = 54321, nextApp = 130001,
           nextNote = 1, nextTrigger = 1;

    // Active/rejected application counts per stage, rebuilt lazily after any application change.
    mutable QHash<qint64, QPair<int, int>> stageCounts;
    mutable bool stageCountsValid = false;
    // Bumped on every change of the data; invalidates the derived caches.
    quint64 generation = 0;
    mutable QHash<QString, QByteArray> renderCache; // "type/id" -> rendered resource object
    mutable quint64 renderCacheGeneration = ~quint64(0);
    void changed()
    {
        ++generation;
        stageCountsValid = false;
    }

    // Activation
    bool activated = false;
    QString providerKey;
    QString providerKeyJwe;
    QJsonObject activationFields;

    // Faults and rate limiting
    sandbox::Faults faults;
    QDateTime faultsSetAt;
    void refuseConnections(int secs); // fault "refuse"
    struct Window
    {
        qint64 startMs = 0;
        int used = 0;
    };
    QHash<QString, Window> rateWindows;

    // Logs
    QList<sandbox::RequestRecord> requestLog;
    QList<sandbox::WebhookRecord> webhookLog;
    qint64 nextRequestSeq = 1, nextWebhookSeq = 1;

    // --- helpers (Sandbox.cpp) ---
    QString uuid();
    QByteArray randomBytes(int n);
    QString fmt(const QDateTime &t) const;
    QDateTime now() const { return clock->now(); }
    void clearData();
    QString urlFor(const QString &path) const; // base + path

    // Dispatch
    void handle(sandbox::HttpRequest &&request, QTcpSocket *socket);
    sandbox::HttpResponse dispatch(const sandbox::HttpRequest &request, QString *keyUsed);
    void finish(const sandbox::HttpRequest &request, QPointer<QTcpSocket> socket,
        sandbox::HttpResponse response, const QString &key, bool drop, bool processed = false);
    // Rate limit: returns remaining after consuming one; sets headers on the response.
    bool consumeRate(const QString &key, sandbox::HttpResponse *headersOut);

    // Behaviour
    void moved(qint64 applicationId, qint64 previousStageId);
    void setRejected(qint64 applicationId, const QDateTime &at); // null: restore
    void firePartnerEvent(qint64 applicationId, const sandbox::Trigger &trigger);
    void sendCompanyWebhook(const QString &eventName, const QJsonObject &data);
    qint64 sendOutbound(const QString &kind, const QString &eventName, const QByteArray &method,
        const QUrl &url, const sandbox::HeaderList &headers, const QByteArray &body,
        std::function<void(sandbox::WebhookRecord &)> onAnswer);
    sandbox::WebhookRecord *webhookRecord(qint64 seq);
    QJsonObject partnerEventBody(const sandbox::JobApplication &app, const sandbox::Trigger &trigger,
        const QString &eventId, const sandbox::PartnerResult &result) const;
    QJsonObject jobApplicationWebhookData(const sandbox::JobApplication &app) const;
    QJsonObject jobWebhookData(const sandbox::Job &job) const;

    // Seeding (SandboxSeed.cpp)
    void seedDemo();
    void seedSpec(const sandbox::SeedSpec &spec);

    // Public API (SandboxPublicApi.cpp)
    sandbox::HttpResponse publicApi(const sandbox::HttpRequest &request, const QStringList &segments);
    std::optional<sandbox::Resource> resource(const QString &type, const QString &id) const;
    sandbox::Resource jobResource(const sandbox::Job &job) const;
    sandbox::Resource stageResource(const sandbox::Stage &stage) const;
    sandbox::Resource candidateResource(const sandbox::Candidate &c) const;
    sandbox::Resource applicationResource(const sandbox::JobApplication &a) const;
    sandbox::Resource noteResource(const sandbox::Note &n) const;
    sandbox::Resource userResource(const sandbox::User &u) const;
    sandbox::Resource partnerResultV1Resource(const sandbox::PartnerResult &r) const;
    QByteArray renderResource(const sandbox::Resource &r, const sandbox::ListQuery &q) const;
    std::optional<QByteArray> renderById(
        const QString &type, const QString &id, const sandbox::ListQuery &q) const;

    // Partner API (SandboxPartnerApi.cpp)
    sandbox::HttpResponse partnerApi(const sandbox::HttpRequest &request, const QStringList &segments);
    QJsonObject partnerResultObject(const sandbox::PartnerResult &r) const;
    // Validates Partner API partner-result attributes (§5.1). Returns JSON:API error objects;
    // on success fills `out` with normalised attributes.
    QJsonArray validatePartnerResult(
        const QJsonObject &attributes, bool create, QJsonObject *out, const QString &pointerPrefix) const;
    void applyPartnerResultAttributes(sandbox::PartnerResult &r, const QJsonObject &normalised);

    // Control surface (SandboxControl.cpp)
    sandbox::HttpResponse control(const sandbox::HttpRequest &request, const QStringList &segments);
    QString candidatePage(const sandbox::Candidate &c) const;
    QString indexPage() const;
};

} // namespace intrvio

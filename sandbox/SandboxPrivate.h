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
#include <QTcpSocket>
#include <QUrlQuery>

#include <functional>
#include <map>
#include <random>

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

struct Resource
{
    QString type;
    QString id;
    QJsonObject attributes;
    QList<Rel> rels;
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
    const Clock *clock = nullptr;
    sandbox::HttpServer *server = nullptr;
    QNetworkAccessManager *nam = nullptr;
    QUrl base;
    QString error;
    std::mt19937_64 rng;
    std::mt19937_64 faultRng;

    // Data
    sandbox::Company company;
    std::map<qint64, sandbox::User> users;
    std::map<qint64, sandbox::Job> jobs;
    std::map<qint64, sandbox::Stage> stages;
    std::map<qint64, sandbox::Candidate> candidates;
    std::map<qint64, sandbox::JobApplication> applications;
    std::map<qint64, sandbox::Note> notes;
    std::map<qint64, sandbox::Trigger> triggers; // by id
    QHash<qint64, qint64> triggerByStage;
    QHash<qint64, QList<qint64>> appsByCandidate;
    std::map<QString, sandbox::PartnerResult> partnerResults;
    QList<QString> partnerResultOrder; // creation order
    qint64 nextUser = 31, nextJob = 1426, nextStage = 22508, nextCandidate = 54321, nextApp = 130001,
           nextNote = 1, nextTrigger = 1;

    // Activation
    bool activated = false;
    QString providerKey;
    QString providerKeyJwe;
    QJsonObject activationFields;

    // Faults and rate limiting
    sandbox::Faults faults;
    QDateTime faultsSetAt;
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
        sandbox::HttpResponse response, const QString &key, bool drop);
    // Rate limit: returns remaining after consuming one; sets headers on the response.
    bool consumeRate(const QString &key, sandbox::HttpResponse *headersOut);

    // Behaviour
    void moved(qint64 applicationId, qint64 previousStageId);
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
    QJsonObject renderResource(const sandbox::Resource &r, const sandbox::ListQuery &q) const;

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

#pragma once

// The Teamtailor sandbox: an embeddable imitation of Teamtailor's public API (/v1), Partner API
// (/partner/v1) and its outbound calls to a partner (GET /config, POST /webhook, company webhooks),
// following docs/teamtailor-protocol.md §8. Used in-process by `intrvio --demo`, the tests and the
// benchmarks, and stand-alone by the `teamtailor-sandbox` executable.
//
// It is deliberately independent of intrvio_net: it signs (HMAC, JWT, JWE) with its own OpenSSL
// code, so the app's verifiers and the sandbox cross-check each other.
//
// Everything is deterministic given Config::seed and Config::clock: numeric ids come from per-type
// counters, UUIDs and random choices from a seeded generator, timestamps from the clock.
//
// Minimal use:
//     intrvio::Sandbox::Config cfg;
//     cfg.partnerBaseUrl = QUrl(QStringLiteral("http://127.0.0.1:8080"));
//     intrvio::Sandbox sandbox(cfg);
//     sandbox.seedDemo();
//     const quint16 port = sandbox.listen();           // 127.0.0.1, ephemeral port
//     sandbox.activatePartner();                        // issues a UUID provider key
//     sandbox.setTrigger(sandbox.stageIdByName(jobId, QStringLiteral("Phone screen")), {});
//     sandbox.moveApplication(appId, thatStageId);      // fires POST {partnerBase}/webhook

#include "models/Clock.h"

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>

namespace intrvio {

namespace sandbox {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct Company
{
    QString uuid; // short string, like Teamtailor's company uuid ("vAXspNm0J2Y")
    QString name;
    QString url;
    QString logotype;
};

struct User
{
    qint64 id = 0;
    QString name;
    QString email;
    QString title;
    QString role; // "admin", "recruiter", "user"
    QDateTime createdAt;
};

struct Job
{
    qint64 id = 0;
    QString title;
    QString pitch;
    QString body;
    QString status = QStringLiteral("open"); // open | draft | archived | unlisted | temp
    QString remoteStatus = QStringLiteral("none");
    QStringList tags;
    qint64 userId = 0; // recruiter
    QString department;
    QString location;
    QDateTime createdAt;
    QDateTime updatedAt;
    QList<qint64> stageIds; // in row order
};

struct Stage
{
    qint64 id = 0;
    qint64 jobId = 0;
    QString name;
    QString stageType; // "Inbox", "In process", "Hired"
    int rowOrder = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct Candidate
{
    qint64 id = 0;
    QString uuid;
    QString firstName;
    QString lastName;
    QString email;
    QString phone;
    QString pitch;
    QString department;
    QString role;
    QString referringSite;
    QStringList tags;
    bool sourced = false;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct JobApplication
{
    qint64 id = 0;
    qint64 candidateId = 0;
    qint64 jobId = 0;
    qint64 stageId = 0;
    QString coverLetter;
    QString referringSite;
    bool sourced = false;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime changedStageAt;
    QDateTime rejectedAt; // null when not rejected
};

struct Note
{
    qint64 id = 0;
    qint64 candidateId = 0;
    qint64 userId = 0; // 0: no user
    QString note;
    bool createdByTrigger = false;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct Trigger
{
    qint64 id = 0;
    qint64 stageId = 0;
    qint64 userId = 0; // the recruiter who set it up (triggered-by)
    QJsonObject webhookData; // as the partner's /config form produced it (field ids may contain '_')
    int configStatus = 0; // status of the GET {partnerBase}/config call (0: none / network error)
    QByteArray configAnswer; // its body
    QDateTime createdAt;
};

// A partner result as the Partner API shows it. `attributes` holds the Partner API attributes
// (assessment, details, status, summary, url, candidate-id, job-id, attachments, actions,
// assessment-criteria), already validated and with duration normalised to seconds.
struct PartnerResult
{
    QString id; // UUID
    qint64 candidateId = 0;
    qint64 jobId = 0;
    qint64 applicationId = 0; // set when created by a trigger
    QString partnerEventId; // set when created by a trigger
    QJsonObject attributes;
    QString error; // plain-string error answered by the partner (>= 400)
    QDateTime createdAt;
    QDateTime updatedAt;

    QString status() const { return attributes.value(QStringLiteral("status")).toString(); }
    std::optional<int> score() const;
    QString grade() const; // empty when null/unset
    QString summary() const { return attributes.value(QStringLiteral("summary")).toString(); }
    QString url() const { return attributes.value(QStringLiteral("url")).toString(); }
};

// One request the sandbox received.
struct RequestRecord
{
    qint64 seq = 0;
    QDateTime time;
    QString method;
    QString pathAndQuery; // as received (not decoded)
    int status = 0; // 0: the connection was dropped (fault "down"); a lost answer keeps its status
    QString key; // which credential was used: "company-token", "partner-api-key", "invalid", "none"
    QByteArray body; // request body (bodies carry no credentials)
};

// One outbound call the sandbox made to the partner.
struct WebhookRecord
{
    qint64 seq = 0;
    QString kind; // "partner-event", "config", "company-webhook"
    QString eventName; // company webhooks: "job_application.update", ...
    QString method;
    QUrl url;
    HeaderList headers; // as sent (the test side may verify signatures with them)
    QByteArray body; // as sent
    int status = 0; // answer status; 0 while pending or on a network error
    QByteArray answer; // answer body
    QString networkError; // set when no HTTP answer arrived
    QString partnerResultId;
    QDateTime sentAt;
    QDateTime answeredAt;
    bool answered = false;
};

// Fault injection for /v1 and /partner/v1 (never for /_sandbox).
struct Faults
{
    int latencyMs = 0; // added to every answer
    double errorRate = 0; // share of requests answered 500 (0..1), seeded
    int storm429Secs = 0; // every request answered 429 for this long (from when set)
    int downSecs = 0; // every connection dropped without an answer for this long
    // The next N changing requests (POST, PUT, PATCH, DELETE) whose path starts with lostAnswerPath
    // (empty: any API path) are processed, then their connection is dropped without an answer: the
    // change happened, but the client cannot know (a lost response).
    int lostAnswers = 0;
    QString lostAnswerPath;
    // Process-level faults (used by tests that run the sandbox as a separate process):
    int noteLatencyMs = 0; // answers to POST /v1/notes come this much later (the note is stored first)
    int refuseSecs = 0; // the listening socket is closed (connections refused, open ones cut) this
                        // long, in real time; then it listens on the same port again

    // "latency=200,error-rate=0.1,storm429=30,down=15,lost-answers=1,lost-answer-path=/partner/v1,
    // note-latency=5000,refuse=15" (any subset; "none" or "" clears).
    static std::optional<Faults> parse(const QString &spec, QString *error);
    QString toString() const;
};

// What `seed()` generates. "demo" is a fixed believable company; the numeric form scales.
struct SeedSpec
{
    int jobs = 5;
    int stagesPerJob = 6;
    int candidates = 100;
    int applicationsPerCandidate = 1; // each candidate applies to this many distinct jobs (<= jobs)
    quint64 rng = 1;

    // "demo" is handled by Sandbox::seed(); this parses "N" (candidates) or
    // "candidates=N,jobs=J,stages=S,applications=A,rng=R".
    static std::optional<SeedSpec> parse(const QString &spec, QString *error);
};

enum class JweEnc { A128GCM, A256GCM };
enum class TtSignature { V1, V2 };

struct Config
{
    // Credentials Teamtailor and the partner share. Defaults are fixed, well-known sandbox values.
    QString partnerApiKey = QStringLiteral("sandbox-partner-api-key");
    QString webhookSecret = QStringLiteral("sandbox-webhook-secret");
    QString companyApiToken = QStringLiteral("sandbox-company-token");
    QString companyWebhookKey = QStringLiteral("sandbox-company-webhook-key");

    QUrl partnerBaseUrl; // the partner's base-url (Intrvio); empty: no outbound calls
    QUrl companyWebhookUrl; // default: partnerBaseUrl + "/company-webhooks"
    bool companyWebhooks = true;
    QUrl publicBaseUrl; // used in links; default http://<listen address>:<port>

    const Clock *clock = nullptr; // default Clock::system()
    quint64 seed = 1; // ids, UUIDs, JWE IVs, fault dice

    JweEnc jweEnc = JweEnc::A256GCM; // partner-activations provider-key encryption
    TtSignature ttSignature = TtSignature::V2;
    bool sendCompanyToken = true; // teamtailor-api-token on /config and /webhook
    bool sendTeamtailorHost = true;

    QString publicApiVersion = QStringLiteral("20240904"); // named in 406 errors
    QStringList acceptedPublicApiVersions { QStringLiteral("20161108"), QStringLiteral("20240404"),
        QStringLiteral("20240904") };
    // Requests per window and key (§7.2); 0 disables rate limiting. Windows follow `clock`: with a
    // ManualClock, advance it (or set 0) when a test makes more than 50 calls.
    int rateLimit = 50;
    int rateWindowSecs = 10;
    int utcOffsetSecs = 3600; // timestamps are rendered with this offset (+01:00)
    QString partnerName = QStringLiteral("Intrvio");
};

} // namespace sandbox

class Sandbox : public QObject
{
    Q_OBJECT
public:
    using Config = sandbox::Config;
    using JweEnc = sandbox::JweEnc;
    using TtSignature = sandbox::TtSignature;

    explicit Sandbox(QObject *parent = nullptr);
    explicit Sandbox(Config config, QObject *parent = nullptr);
    ~Sandbox() override;

    const Config &config() const;
    const Clock &clock() const;
    // For embedders that learn the partner's address after constructing the sandbox (e.g. the
    // app's own server binds an ephemeral port). A company-webhook URL derived from the old base
    // URL follows; an explicitly configured one is kept.
    void setPartnerBaseUrl(const QUrl &url);
    void setCompanyWebhookUrl(const QUrl &url);

    // --- Server -----------------------------------------------------------------------------
    // Returns the bound port, 0 on failure (see errorString()).
    quint16 listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QUrl baseUrl() const; // e.g. http://127.0.0.1:41234 (no trailing slash)
    QString errorString() const;

    // --- Seeding (replaces all data; logs are kept) -------------------------------------------
    void seedDemo();
    void seed(const sandbox::SeedSpec &spec);
    bool seed(const QString &spec, QString *error); // "demo" | SeedSpec::parse syntax

    // --- Control (what a recruiter or Teamtailor itself would do) -----------------------------
    // Moves an application to a stage of its job: updates changed-stage-at, fires the stage's
    // trigger (partner event) and a job_application.update company webhook.
    bool moveApplication(qint64 applicationId, qint64 stageId, QString *error = nullptr);
    bool rejectApplication(qint64 applicationId, QString *error = nullptr);
    bool restoreApplication(qint64 applicationId, QString *error = nullptr);
    // Creates a candidate (fires candidate.create) and an application into the job's first stage
    // (fires job_application.create). Returns the application id, 0 on error.
    qint64 createApplication(const QString &firstName, const QString &lastName, const QString &email,
        qint64 jobId, QString *error = nullptr);
    bool setJobStatus(qint64 jobId, const QString &status, QString *error = nullptr); // job.update
    bool deleteCandidate(qint64 candidateId, QString *error = nullptr); // candidate.destroy

    // Activates the partner for the company. Empty fields: the provider key is a UUID; otherwise
    // an HS256 JWT of the field values signed with the partner API key. Returns the provider key.
    QString activatePartner(const QJsonObject &activationFields = {});
    bool isActivated() const;
    QString providerKey() const; // as sent in Authorization: Bearer
    QString providerKeyJwe() const; // as the partner-activations resource shows it
    // Puts an Intrvio trigger on a stage (calls GET {partnerBase}/config first). Needs an
    // activation. Returns the trigger id, 0 on error.
    qint64 setTrigger(qint64 stageId, const QJsonObject &webhookData, QString *error = nullptr);
    bool removeTrigger(qint64 stageId);

    void setFaults(const sandbox::Faults &faults);
    sandbox::Faults faults() const;

    // --- Read access --------------------------------------------------------------------------
    sandbox::Company company() const;
    QList<sandbox::User> users() const;
    QList<sandbox::Job> jobs() const;
    QList<sandbox::Stage> stages(qint64 jobId) const; // row order
    QList<sandbox::Candidate> candidates() const;
    QList<sandbox::JobApplication> applications() const;
    QList<sandbox::JobApplication> applicationsOfCandidate(qint64 candidateId) const;
    std::optional<sandbox::Job> job(qint64 id) const;
    std::optional<sandbox::Stage> stage(qint64 id) const;
    std::optional<sandbox::Candidate> candidate(qint64 id) const;
    std::optional<sandbox::JobApplication> application(qint64 id) const;
    std::optional<sandbox::Trigger> triggerOnStage(qint64 stageId) const;
    QList<sandbox::Note> notesOfCandidate(qint64 candidateId) const;
    QList<sandbox::PartnerResult> partnerResults() const;
    std::optional<sandbox::PartnerResult> partnerResult(const QString &id) const;
    qint64 stageIdByName(qint64 jobId, const QString &name) const; // case-insensitive, 0 if none
    int jobCount() const;
    int candidateCount() const;
    int applicationCount() const;
    int noteCount() const;

    QList<sandbox::RequestRecord> requestLog() const;
    QList<sandbox::WebhookRecord> webhookLog() const;
    void clearLogs();

    // Timestamp format Teamtailor uses: 2017-01-18T21:04:56.178+01:00
    QString formatTime(const QDateTime &t) const;

Q_SIGNALS:
    void requestServed(const intrvio::sandbox::RequestRecord &record);
    void webhookSent(const intrvio::sandbox::WebhookRecord &record);
    void webhookAnswered(const intrvio::sandbox::WebhookRecord &record);
    void applicationChanged(qint64 applicationId);
    void partnerResultChanged(const QString &partnerResultId);
    void noteCreated(qint64 noteId, qint64 candidateId);

public:
    struct Private;

private:
    std::unique_ptr<Private> d;
};

} // namespace intrvio

Q_DECLARE_METATYPE(intrvio::sandbox::RequestRecord)
Q_DECLARE_METATYPE(intrvio::sandbox::WebhookRecord)

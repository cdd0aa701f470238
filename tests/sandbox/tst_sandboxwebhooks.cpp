// What the sandbox sends to the partner, received by a small local QHttpServer and checked with
// the protocol doc's algorithms computed here: GET /config, the signed partner event (§3.2, §4.1),
// the partner's answer (§3.3) and company webhooks with TT-Signature v1/v2 (§4.2, §6).
#include "sandbox/Sandbox.h"
#include "tests/sandbox/SandboxTestCrypto.h"
#include "tests/sandbox/SandboxTestHttp.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QRegularExpression>
#include <QtTest>
#include <QUrlQuery>

#include <memory>

using namespace intrvio;
using namespace intrvio::test;

namespace {

struct Delivery
{
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// The partner side (Intrvio's endpoints) as a recording stub.
class Receiver
{
public:
    QList<Delivery> webhooks, configs, companyWebhooks;
    QHttpServerResponse::StatusCode webhookStatus = QHttpServerResponse::StatusCode::Ok;
    QByteArray webhookAnswer = "{}";
    QByteArray webhookAnswerType = "application/json";

    quint16 listen()
    {
        m_server.route(QStringLiteral("/webhook"), QHttpServerRequest::Method::Post,
            [this](const QHttpServerRequest &r) {
                webhooks.append(capture(r));
                return QHttpServerResponse(webhookAnswerType, webhookAnswer, webhookStatus);
            });
        m_server.route(
            QStringLiteral("/config"), QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r) {
                configs.append(capture(r));
                return QHttpServerResponse(QJsonObject { { QStringLiteral("config"),
                    QJsonObject { { QStringLiteral("fields"),
                        QJsonArray {
                            QJsonObject { { QStringLiteral("id"), QStringLiteral("test_assessment") },
                                { QStringLiteral("type"), QStringLiteral("select") } } } } } } });
            });
        m_server.route(QStringLiteral("/company-webhooks"), QHttpServerRequest::Method::Post,
            [this](const QHttpServerRequest &r) {
                companyWebhooks.append(capture(r));
                return QHttpServerResponse(QHttpServerResponse::StatusCode::Ok);
            });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }

private:
    static Delivery capture(const QHttpServerRequest &r)
    {
        return Delivery { r.url(), r.headers(), r.body() };
    }
    QHttpServer m_server;
};

} // namespace

class tst_SandboxWebhooks : public QObject
{
    Q_OBJECT
private:
    ManualClock m_clock { QDateTime(QDate(2026, 3, 2), QTime(9, 30), Qt::UTC) };
    std::unique_ptr<Receiver> m_receiver;
    std::unique_ptr<Sandbox> m_sandbox;
    QNetworkAccessManager m_nam;
    qint64 m_job = 0;
    qint64 m_phoneScreen = 0;

    void start(Sandbox::TtSignature signature = Sandbox::TtSignature::V2)
    {
        m_receiver = std::make_unique<Receiver>();
        const quint16 port = m_receiver->listen();
        QVERIFY(port != 0);
        Sandbox::Config cfg;
        cfg.clock = &m_clock;
        cfg.webhookSecret = QStringLiteral("whsec_example");
        cfg.companyWebhookKey = QStringLiteral("company-key");
        cfg.ttSignature = signature;
        cfg.partnerBaseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        m_sandbox = std::make_unique<Sandbox>(cfg);
        m_sandbox->seedDemo();
        QVERIFY(m_sandbox->listen() != 0);
        m_job = m_sandbox->jobs().first().id;
        m_phoneScreen = m_sandbox->stageIdByName(m_job, QStringLiteral("Phone screen"));
        QVERIFY(m_phoneScreen);
    }

    // An application of the first job that is not yet in "Phone screen" and not rejected.
    qint64 inboxApplication() const
    {
        for (const auto &a : m_sandbox->applications()) {
            if (a.jobId == m_job && a.stageId != m_phoneScreen && !a.rejectedAt.isValid())
                return a.id;
        }
        return 0;
    }

    bool partnerEventAnswered() const
    {
        const auto log = m_sandbox->webhookLog();
        return std::any_of(log.cbegin(), log.cend(),
            [](const auto &w) { return w.kind == QLatin1String("partner-event") && w.answered; });
    }

    // Triggers a partner event and waits until the sandbox has the partner's answer.
    sandbox::PartnerResult fire()
    {
        QSignalSpy answered(m_sandbox.get(), &Sandbox::webhookAnswered);
        const qint64 app = inboxApplication();
        [&] { QVERIFY(m_sandbox->moveApplication(app, m_phoneScreen)); }();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(partnerEventAnswered(), 10000); }();
        const auto results = m_sandbox->partnerResults();
        return results.isEmpty() ? sandbox::PartnerResult {} : results.last();
    }

private Q_SLOTS:
    void cleanup()
    {
        m_sandbox.reset();
        m_receiver.reset();
    }

    void triggerSetupFetchesTheConfigForm()
    {
        start();
        const QString key = m_sandbox->activatePartner();
        QString error;
        QVERIFY(m_sandbox->setTrigger(m_phoneScreen, {}, &error));
        QTRY_COMPARE_WITH_TIMEOUT(m_receiver->configs.size(), 1, 10000);
        const Delivery &d = m_receiver->configs.first();
        const QUrlQuery q(d.url);
        QCOMPARE(q.queryItemValue(QStringLiteral("job_id")), QString::number(m_job));
        QCOMPARE(q.queryItemValue(QStringLiteral("stage_id")), QString::number(m_phoneScreen));
        QVERIFY(!q.queryItemValue(QStringLiteral("user_id")).isEmpty());
        QCOMPARE(d.header("Authorization"), "Bearer " + key.toLatin1());
        QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->triggerOnStage(m_phoneScreen)->configStatus, 200, 10000);
        QVERIFY(m_sandbox->triggerOnStage(m_phoneScreen)->configAnswer.contains("test_assessment"));
    }

    void partnerBaseUrlCanBeSetLater()
    {
        m_receiver = std::make_unique<Receiver>();
        const quint16 port = m_receiver->listen();
        QVERIFY(port != 0);
        Sandbox::Config cfg;
        cfg.clock = &m_clock;
        m_sandbox = std::make_unique<Sandbox>(cfg);
        m_sandbox->seedDemo();
        QVERIFY(m_sandbox->listen() != 0);
        QVERIFY(m_sandbox->config().companyWebhookUrl.isEmpty());
        m_sandbox->setPartnerBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        QCOMPARE(m_sandbox->config().companyWebhookUrl.path(), QStringLiteral("/company-webhooks"));
        m_job = m_sandbox->jobs().first().id;
        m_phoneScreen = m_sandbox->stageIdByName(m_job, QStringLiteral("Phone screen"));
        m_sandbox->activatePartner();
        QVERIFY(m_sandbox->setTrigger(m_phoneScreen, {}));
        fire();
        QCOMPARE(m_receiver->webhooks.size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!m_receiver->companyWebhooks.isEmpty(), 10000);
    }

    void triggerNeedsAnActivation()
    {
        start();
        QString error;
        QCOMPARE(m_sandbox->setTrigger(m_phoneScreen, {}, &error), 0);
        QVERIFY(error.contains(QLatin1String("activate")));
    }

    void partnerEventIsSignedAndShapedLikeTeamtailors()
    {
        start();
        const QString key = m_sandbox->activatePartner();
        QVERIFY(m_sandbox->setTrigger(m_phoneScreen,
            QJsonObject { { QStringLiteral("test_assessment"), QStringLiteral("1") },
                { QStringLiteral("threshold"), QStringLiteral("75") } }));
        const qint64 app = inboxApplication();
        const auto application = *m_sandbox->application(app);
        const sandbox::PartnerResult result = fire();
        QCOMPARE(m_receiver->webhooks.size(), 1);
        const Delivery &d = m_receiver->webhooks.first();

        // Headers (§1.3).
        QCOMPARE(d.header("Authorization"), "Bearer " + key.toLatin1());
        QCOMPARE(d.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(d.header("teamtailor-api-token"), QByteArray("sandbox-company-token"));
        QCOMPARE(d.header("Teamtailor-Host"), m_sandbox->baseUrl().toString().toLatin1());

        // Body (§3.2).
        const QJsonObject event = d.json().value(QStringLiteral("partner-event")).toObject();
        const QString eventId = event.value(QStringLiteral("id")).toString();
        QVERIFY(!QUuid::fromString(eventId).isNull());
        QCOMPARE(event.value(QStringLiteral("webhook-data")).toObject(),
            (QJsonObject { { QStringLiteral("test-assessment"), QStringLiteral("1") },
                { QStringLiteral("threshold"), QStringLiteral("75") } }));
        const QJsonObject pr = event.value(QStringLiteral("partner-result")).toObject();
        QCOMPARE(pr.value(QStringLiteral("id")).toString(), result.id);
        QCOMPARE(pr.value(QStringLiteral("status")).toString(), QStringLiteral("sending"));
        QCOMPARE(pr.value(QStringLiteral("update-url")).toString(),
            m_sandbox->baseUrl().toString() + QStringLiteral("/partner/v1/partner-results/") + result.id);
        const QJsonObject candidate = event.value(QStringLiteral("candidate")).toObject();
        QVERIFY(candidate.value(QStringLiteral("id")).isDouble());
        QCOMPARE(candidate.value(QStringLiteral("id")).toInteger(), application.candidateId);
        QVERIFY(!QUuid::fromString(candidate.value(QStringLiteral("uuid")).toString()).isNull());
        QCOMPARE(candidate.value(QStringLiteral("email")).toString(),
            m_sandbox->candidate(application.candidateId)->email);
        const QJsonObject job = candidate.value(QStringLiteral("job")).toObject();
        QCOMPARE(job.value(QStringLiteral("id")).toInteger(), m_job);
        QCOMPARE(job.value(QStringLiteral("stage-id")).toInteger(), m_phoneScreen);
        QCOMPARE(job.value(QStringLiteral("stage")).toString(), QStringLiteral("Phone screen"));
        QCOMPARE(job.value(QStringLiteral("trigger-id")).toInteger(),
            m_sandbox->triggerOnStage(m_phoneScreen)->id);
        QVERIFY(job.value(QStringLiteral("triggered-by")).toObject().value(QStringLiteral("id")).isDouble());
        QCOMPARE(
            job.value(QStringLiteral("status")).toObject().value(QStringLiteral("rejected")).toBool(), false);
        const QJsonObject company = d.json().value(QStringLiteral("company")).toObject();
        QCOMPARE(company.value(QStringLiteral("uuid")).toString(), m_sandbox->company().uuid);
        QCOMPARE(company.value(QStringLiteral("name")).toString(), m_sandbox->company().name);

        // Teamtailor-Signature (§4.1): HMAC-SHA256(secret, t + "." + event id), v0 is a decoy.
        const QString signature = QString::fromLatin1(d.header("Teamtailor-Signature"));
        static const QRegularExpression shape(
            QStringLiteral("^t=(\\d+),v1=([0-9a-f]{64}),v0=([0-9a-f]{64})$"));
        const auto m = shape.match(signature);
        QVERIFY2(m.hasMatch(), qPrintable(signature));
        QCOMPARE(m.captured(1).toLongLong(), m_clock.nowSecs());
        QCOMPARE(m.captured(2).toLatin1(),
            hmacHex("whsec_example", m.captured(1).toLatin1() + '.' + eventId.toLatin1()));
        QVERIFY(m.captured(3) != m.captured(2));

        // The result was created "sending" and stays so on a plain 2xx; the update-url works.
        QCOMPARE(result.status(), QStringLiteral("sending"));
        QCOMPARE(result.applicationId, app);
        const HttpReply put = httpRequest(m_nam, "PUT",
            QUrl(pr.value(QStringLiteral("update-url")).toString()), partnerHeaders(),
            "{\"data\":{\"type\":\"partner-results\",\"id\":\"" + result.id.toLatin1()
                + "\",\"attributes\":{\"status\":\"completed\",\"assessment\":{\"score\":77}}}}");
        QCOMPARE(put.status, 200);
        QCOMPARE(m_sandbox->partnerResult(result.id)->score(), std::optional<int>(77));

        // The candidate card shows the badge.
        const HttpReply page = httpRequest(m_nam, "GET",
            QUrl(m_sandbox->baseUrl().toString()
                + QStringLiteral("/_sandbox/candidates/%1").arg(application.candidateId)));
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains(QByteArray("data-partner-result=\"" + result.id.toLatin1() + '"')));
        QVERIFY(page.body.contains(">77<"));
        QVERIFY(page.body.contains("s-completed"));
    }

    void jwtProviderKeyIsTheBearer()
    {
        start();
        const QJsonObject fields { { QStringLiteral("clientId"), QStringLiteral("acme-42") } };
        m_sandbox->activatePartner(fields);
        QVERIFY(m_sandbox->setTrigger(m_phoneScreen, {}));
        fire();
        QCOMPARE(m_receiver->webhooks.size(), 1);
        const QByteArray auth = m_receiver->webhooks.first().header("Authorization");
        QVERIFY(auth.startsWith("Bearer "));
        const auto payload = verifyJwtHs256(auth.mid(7), "sandbox-partner-api-key");
        QVERIFY(payload);
        QCOMPARE(*payload, fields);
    }

    void answerUpdatesTheResult_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("score");
        QTest::newRow("inline attributes") << QByteArray(
            "{\"partner_result_attributes\":{\"status\":\"completed\",\"assessment\":{\"score\":85},"
            "\"details\":{\"rating\":\"10\",\"awesomeness\":{\"good\":\"good\"}},"
            "\"attachments\":[{\"url\":\"https://google.com\",\"description\":\"google\"}]}}")
                                           << QStringLiteral("completed") << 85;
        QTest::newRow("status only") << QByteArray("{\"partner_result_attributes\":{\"status\":\"sent\"}}")
                                     << QStringLiteral("sent") << -1;
        QTest::newRow("invalid score is ignored") << QByteArray(
            "{\"partner_result_attributes\":{\"status\":\"completed\",\"assessment\":{\"score\":150}}}")
                                                  << QStringLiteral("sending") << -1;
        QTest::newRow("too deep details are ignored") << QByteArray(
            "{\"partner_result_attributes\":{\"status\":\"sent\",\"details\":{\"a\":{\"b\":{\"c\":1}}}}}")
                                                      << QStringLiteral("sending") << -1;
        QTest::newRow("plain ok") << QByteArray("ok") << QStringLiteral("sending") << -1;
    }

    void answerUpdatesTheResult()
    {
        QFETCH(QByteArray, answer);
        QFETCH(QString, status);
        QFETCH(int, score);
        start();
        m_receiver->webhookAnswer = answer;
        m_sandbox->activatePartner();
        QVERIFY(m_sandbox->setTrigger(m_phoneScreen, {}));
        const sandbox::PartnerResult result = fire();
        QCOMPARE(result.status(), status);
        QCOMPARE(result.score().value_or(-1), score);
        QVERIFY(result.error.isEmpty());
    }

    void errorAnswerIsShownWithoutRetry_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QString>("error");
        QTest::newRow("json string 500")
            << 500 << QByteArray("\"Candidate has no email\"") << QByteArray("application/json")
            << QStringLiteral("Candidate has no email");
        QTest::newRow("plain text 422")
            << 422 << QByteArray("No interview template for this stage") << QByteArray("text/plain")
            << QStringLiteral("No interview template for this stage");
    }

    void errorAnswerIsShownWithoutRetry()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, answer);
        QFETCH(QByteArray, type);
        QFETCH(QString, error);
        start();
        m_receiver->webhookStatus = QHttpServerResponse::StatusCode(status);
        m_receiver->webhookAnswer = answer;
        m_receiver->webhookAnswerType = type;
        m_sandbox->activatePartner();
        QVERIFY(m_sandbox->setTrigger(m_phoneScreen, {}));
        const sandbox::PartnerResult result = fire();
        QCOMPARE(result.error, error);
        QCOMPARE(m_receiver->webhooks.size(), 1);
        int events = 0;
        for (const auto &w : m_sandbox->webhookLog())
            events += w.kind == QLatin1String("partner-event");
        QCOMPARE(events, 1);
        QCOMPARE(m_sandbox->webhookLog().last().status, status);
    }

    void companyWebhooks_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("eventName");
        for (int v : { 1, 2 }) {
            QTest::addRow("v%d move", v)
                << v << QStringLiteral("move") << QStringLiteral("job_application.update");
            QTest::addRow("v%d reject", v)
                << v << QStringLiteral("reject") << QStringLiteral("job_application.update");
            QTest::addRow("v%d restore", v)
                << v << QStringLiteral("restore") << QStringLiteral("job_application.update");
            QTest::addRow("v%d create", v)
                << v << QStringLiteral("create") << QStringLiteral("job_application.create");
            QTest::addRow("v%d job status", v) << v << QStringLiteral("job") << QStringLiteral("job.update");
            QTest::addRow("v%d candidate destroy", v)
                << v << QStringLiteral("destroy") << QStringLiteral("candidate.destroy");
        }
    }

    void companyWebhooks()
    {
        QFETCH(int, version);
        QFETCH(QString, action);
        QFETCH(QString, eventName);
        start(version == 1 ? Sandbox::TtSignature::V1 : Sandbox::TtSignature::V2);
        const qint64 app = inboxApplication();
        const qint64 candidateId = m_sandbox->application(app)->candidateId;
        if (action == QLatin1String("move")) {
            QVERIFY(m_sandbox->moveApplication(app, m_phoneScreen));
        } else if (action == QLatin1String("reject")) {
            QVERIFY(m_sandbox->rejectApplication(app));
        } else if (action == QLatin1String("restore")) {
            QVERIFY(m_sandbox->rejectApplication(app));
            QTRY_COMPARE_WITH_TIMEOUT(m_receiver->companyWebhooks.size(), 1, 10000);
            m_receiver->companyWebhooks.clear();
            QVERIFY(m_sandbox->restoreApplication(app));
        } else if (action == QLatin1String("create")) {
            QVERIFY(m_sandbox->createApplication(
                QStringLiteral("Ada"), QStringLiteral("Byron"), QStringLiteral("ada@example.com"), m_job));
        } else if (action == QLatin1String("job")) {
            QVERIFY(m_sandbox->setJobStatus(m_job, QStringLiteral("archived")));
        } else {
            QVERIFY(m_sandbox->deleteCandidate(candidateId));
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(m_receiver->companyWebhooks.cbegin(), m_receiver->companyWebhooks.cend(),
                [&](const Delivery &d) {
                    return d.json()
                               .value(QStringLiteral("payload"))
                               .toObject()
                               .value(QStringLiteral("event_name"))
                               .toString()
                        == eventName;
                }),
            10000);
        const Delivery d = *std::find_if(
            m_receiver->companyWebhooks.cbegin(), m_receiver->companyWebhooks.cend(), [&](const Delivery &x) {
                return x.json()
                           .value(QStringLiteral("payload"))
                           .toObject()
                           .value(QStringLiteral("event_name"))
                           .toString()
                    == eventName;
            });
        QCOMPARE(d.header("Content-Type"), QByteArray("application/json"));
        const QJsonObject data
            = d.json().value(QStringLiteral("payload")).toObject().value(QStringLiteral("data")).toObject();
        QVERIFY(data.value(QStringLiteral("id")).isString());
        const QByteArray header = d.header("TT-Signature");
        QVERIFY(!header.isEmpty());
        if (version == 1) {
            QCOMPARE(QByteArray::fromBase64(header),
                hmacHex("company-key", data.value(QStringLiteral("id")).toString().toLatin1()));
            QCOMPARE(d.json().value(QStringLiteral("signature")).toString().toLatin1(), header);
        } else {
            const QString decoded = QString::fromLatin1(QByteArray::fromBase64(header));
            static const QRegularExpression shape(QStringLiteral("^t=(\\d+),v2=([0-9a-f]{64})$"));
            const auto m = shape.match(decoded);
            QVERIFY2(m.hasMatch(), qPrintable(decoded));
            QCOMPARE(m.captured(1).toLongLong(), m_clock.nowSecs());
            QCOMPARE(
                m.captured(2).toLatin1(), hmacHex("company-key", m.captured(1).toLatin1() + '.' + d.body));
            QVERIFY(!d.json().contains(QStringLiteral("signature")));
        }
        const QJsonObject attrs = data.value(QStringLiteral("attributes")).toObject();
        if (action == QLatin1String("move"))
            QCOMPARE(attrs.value(QStringLiteral("stage-name")).toString(), QStringLiteral("Phone screen"));
        if (action == QLatin1String("reject"))
            QVERIFY(attrs.value(QStringLiteral("rejected-at")).isString());
        if (action == QLatin1String("restore"))
            QVERIFY(attrs.value(QStringLiteral("rejected-at")).isNull());
        if (action == QLatin1String("job"))
            QCOMPARE(attrs.value(QStringLiteral("status")).toString(), QStringLiteral("archived"));
        if (action == QLatin1String("destroy"))
            QCOMPARE(data.value(QStringLiteral("id")).toString(), QString::number(candidateId));
    }
};

QTEST_GUILESS_MAIN(tst_SandboxWebhooks)
#include "tst_sandboxwebhooks.moc"

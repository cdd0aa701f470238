// The webhook server over real loopback sockets: statuses, signatures, replay, limits, slow clients,
// draining, the inbox and its processing, /config, activation and metrics.
#include "HttpTestClient.h"

#include "models/Clock.h"
#include "models/Store.h"
#include "net/activation/Activation.h"
#include "net/crypto/ProviderKey.h"
#include "net/crypto/Signatures.h"
#include "net/webhook/Inbox.h"
#include "net/webhook/WebhookServer.h"

#include <QJsonArray>
#include <QProcess>
#include <QSslSocket>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace intrvio;
using intrvio::test::HttpResponse;
using intrvio::test::HttpTestClient;

namespace {
const QByteArray Secret = "whsec_test_secret";
const QByteArray ApiKey = "partner-api-key-123";
const QByteArray ProviderUuid = "092fba68-496c-4d44-9821-3496be2631ea";
const QByteArray CompanySecret = "company-secret";
const qint64 Now = 1718000000;

QByteArray partnerBody(const QByteArray &eventId, const QByteArray &company = "c-uuid")
{
    return R"({"partner-event":{"id":")" + eventId
        + R"(","webhook-data":{"template":"phone"},"partner-result":{"id":"r1","status":"sending","update-url":"http://tt/pr/r1"},)"
          R"("candidate":{"id":54321,"job":{"id":12,"stage-id":3,"stage":"Phone screen"}}},"company":{"uuid":")"
        + company + R"(","name":"Acme"}})";
}

QList<QPair<QByteArray, QByteArray>> partnerHeaders(
    const QByteArray &eventId, qint64 t = Now, const QByteArray &bearer = ProviderUuid)
{
    return { { "Content-Type", "application/json" }, { "Authorization", "Bearer " + bearer },
        { "Teamtailor-Signature",
            "t=" + QByteArray::number(t) + ",v1=" + PartnerSignature::sign(eventId, Secret, t)
                + ",v0=" + QByteArray(64, 'a') } };
}
} // namespace

class tst_WebhookServer : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<Activation> m_activation;
    std::unique_ptr<WebhookServer> m_server;

    void start(const GuardLimits &limits = {})
    {
        m_server.reset();
        m_activation.reset();
        m_store.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        StoreError error;
        m_store = Store::openInDataDir(m_dir->path(), &error);
        QVERIFY2(m_store, qPrintable(error.message));
        m_clock = std::make_unique<ManualClock>(QDateTime::fromSecsSinceEpoch(Now, Qt::UTC));
        m_activation = std::make_unique<Activation>(m_store.get(), nullptr);
        m_activation->setSecrets(ApiKey, Secret, ProviderUuid, CompanySecret);
        m_server = std::make_unique<WebhookServer>(m_store.get(), m_activation.get(), *m_clock);
        WebhookServerConfig config;
        config.limits = limits;
        QString listenError;
        QVERIFY2(m_server->listen(config, &listenError), qPrintable(listenError));
        QVERIFY(m_server->port() > 0);
    }

    HttpResponse roundTrip(const QByteArray &raw)
    {
        HttpTestClient c(m_server->port());
        if (!c.connect())
            return {};
        c.write(raw);
        return c.read();
    }

    qint64 inboxRows(const QString &where = QStringLiteral("1"))
    {
        QSqlQuery q(m_store->database());
        q.exec(QStringLiteral("SELECT count(*) FROM inbox_state WHERE ") + where);
        return q.next() ? q.value(0).toLongLong() : -1;
    }

private Q_SLOTS:
    void init() { start(); }
    void cleanup()
    {
        m_server.reset();
        m_activation.reset();
        m_store.reset();
        m_dir.reset();
    }

    void statuses_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("bodyContains");
        const QByteArray id = "6a1f0b9e-1111-4c10-ae5f-0e7f4d46f6d7";
        auto hdrs = partnerHeaders(id);
        QTest::newRow("healthz") << HttpTestClient::request("GET", "/healthz", {}) << 200 << QByteArray("ok");
        QTest::newRow("readyz") << HttpTestClient::request("GET", "/readyz", {}) << 200
                                << QByteArray("ready");
        QTest::newRow("unknown route")
            << HttpTestClient::request("GET", "/nope", {}) << 404 << QByteArray("not found");
        QTest::newRow("wrong method")
            << HttpTestClient::request("GET", "/webhook", {}) << 405 << QByteArray("method");
        // No pipeline attached yet (start-up): a link is "starting", never "not found".
        QTest::newRow("interview page before the pipeline")
            << HttpTestClient::request("GET", "/interview/abc", {}) << 503 << QByteArray("starting");
        QTest::newRow("accepted") << HttpTestClient::request("POST", "/webhook", hdrs, partnerBody(id)) << 202
                                  << QByteArray("accepted");
        QTest::newRow("no bearer") << HttpTestClient::request("POST", "/webhook", { hdrs[0], hdrs[2] },
            partnerBody(id)) << 401 << QByteArray("Bearer");
        QTest::newRow("wrong bearer") << HttpTestClient::request("POST", "/webhook",
            partnerHeaders(id, Now, "11111111-2222-3333-4444-555555555555"), partnerBody(id))
                                      << 401 << QByteArray("unknown provider key");
        QTest::newRow("no signature") << HttpTestClient::request("POST", "/webhook", { hdrs[0], hdrs[1] },
            partnerBody(id)) << 401 << QByteArray("missing");
        QTest::newRow("stale") << HttpTestClient::request(
            "POST", "/webhook", partnerHeaders(id, Now - 301), partnerBody(id))
                               << 401 << QByteArray("too old");
        QTest::newRow("future") << HttpTestClient::request(
            "POST", "/webhook", partnerHeaders(id, Now + 301), partnerBody(id))
                                << 401 << QByteArray("future");
        const QByteArray good = PartnerSignature::sign(id, Secret, Now);
        QTest::newRow("decoy v0 only") << HttpTestClient::request("POST", "/webhook",
            { hdrs[0], hdrs[1], { "Teamtailor-Signature", "t=" + QByteArray::number(Now) + ",v0=" + good } },
            partnerBody(id)) << 401 << QByteArray("no v1");
        QTest::newRow("signature for another event")
            << HttpTestClient::request("POST", "/webhook", partnerHeaders("other-event"), partnerBody(id))
            << 401 << QByteArray("does not match");
        QTest::newRow("malformed json")
            << HttpTestClient::request("POST", "/webhook", hdrs, "{\"partner-event\":") << 400
            << QByteArray("malformed JSON");
        QTest::newRow("no event id") << HttpTestClient::request(
            "POST", "/webhook", hdrs, R"({"partner-event":{}})")
                                     << 400 << QByteArray("partner-event.id");
        QTest::newRow("wrong content type") << HttpTestClient::request(
            "POST", "/webhook", { { "Content-Type", "text/plain" }, hdrs[1], hdrs[2] }, partnerBody(id))
                                            << 415 << QByteArray("application/json");
        QTest::newRow("other company")
            << HttpTestClient::request("POST", "/webhook", hdrs, partnerBody(id, "another-company")) << 202
            << QByteArray("accepted"); // first delivery teaches the company...
    }
    void statuses()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(QByteArray, bodyContains);
        const HttpResponse r = roundTrip(raw);
        QCOMPARE(r.status, status);
        QVERIFY2(r.body.contains(bodyContains), r.body.constData());
        if (status >= 400 && status != 404 && status != 405)
            QVERIFY(r.header("Content-Type").startsWith("text/plain"));
        QCOMPARE(inboxRows(), status == 202 ? 1 : 0); // nothing half-stored
    }

    void secondCompanyRefused()
    {
        const QByteArray a = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        QCOMPARE(roundTrip(HttpTestClient::request(
                               "POST", "/webhook", partnerHeaders(a), partnerBody(a, "company-a")))
                     .status,
            202);
        const QByteArray b = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const HttpResponse r = roundTrip(
            HttpTestClient::request("POST", "/webhook", partnerHeaders(b), partnerBody(b, "company-b")));
        QCOMPARE(r.status, 401);
        QVERIFY2(r.body.contains("Acme only"), r.body.constData());
    }

    void replayIsIdempotent()
    {
        const QByteArray id = "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7";
        const QByteArray raw
            = HttpTestClient::request("POST", "/webhook", partnerHeaders(id), partnerBody(id));
        HttpResponse first = roundTrip(raw);
        QCOMPARE(first.status, 202);
        const qint64 inboxId
            = QJsonDocument::fromJson(first.body).object().value(QLatin1String("inbox_id")).toInteger();
        HttpResponse again = roundTrip(raw);
        QCOMPARE(again.status, 200);
        QCOMPARE(QJsonDocument::fromJson(again.body).object().value(QLatin1String("status")).toString(),
            QStringLiteral("duplicate"));
        QCOMPARE(QJsonDocument::fromJson(again.body).object().value(QLatin1String("inbox_id")).toInteger(),
            inboxId);
        // The same event re-signed later (still within the window) is the same event.
        m_clock->advanceSecs(60);
        QCOMPARE(roundTrip(HttpTestClient::request(
                               "POST", "/webhook", partnerHeaders(id, Now + 60), partnerBody(id)))
                     .status,
            200);
        QCOMPARE(inboxRows(), 1);
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT t FROM replay_cache WHERE event_id = '")
            + QString::fromLatin1(id) + QLatin1Char('\'')));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), Now);
        // A replay after the window is refused as stale.
        m_clock->advanceSecs(600);
        QCOMPARE(roundTrip(raw).status, 401);
    }

    void storedBeforeAnswerAndProcessed()
    {
        QSignalSpy events(m_server->inbox(), &Inbox::domainEvent);
        const QByteArray id = "aaaaaaaa-1111-4c10-ae5f-0e7f4d46f6d7";
        const HttpResponse r
            = roundTrip(HttpTestClient::request("POST", "/webhook", partnerHeaders(id), partnerBody(id)));
        QCOMPARE(r.status, 202);
        // By the time the 2xx arrived the row was committed (possibly already processed).
        QCOMPARE(
            inboxRows(QStringLiteral("event_key = 'partner:") + QString::fromLatin1(id) + QLatin1Char('\'')),
            1);
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT headers, verification, route FROM inbox")));
        QVERIFY(q.next());
        QVERIFY(!q.value(0).toString().contains(QString::fromLatin1(ProviderUuid))); // redacted
        QVERIFY(q.value(0).toString().contains(QStringLiteral("[redacted]")));
        QCOMPARE(q.value(1).toString(), QStringLiteral("bearer=uuid;signature=v1"));
        q.finish(); // an open statement would pin this connection to an old snapshot
        QTRY_COMPARE(events.size(), 1);
        const DomainEvent e = events.first().first().value<DomainEvent>();
        QCOMPARE(e.type, QStringLiteral("partner.triggered"));
        QCOMPARE(e.partnerEventId, QString::fromLatin1(id));
        QCOMPARE(e.candidateId, QStringLiteral("54321"));
        QTRY_COMPARE(inboxRows(QStringLiteral("processed_at IS NOT NULL AND attempts = 1")), 1);
    }

    void actions()
    {
        const QByteArray id = "bbbbbbbb-1111-4c10-ae5f-0e7f4d46f6d7";
        QSignalSpy events(m_server->inbox(), &Inbox::domainEvent);
        QCOMPARE(
            roundTrip(HttpTestClient::request("POST", "/actions/resend", partnerHeaders(id), partnerBody(id)))
                .status,
            202);
        QCOMPARE(roundTrip(HttpTestClient::request("GET", "/actions/resend", {})).status, 405);
        QCOMPARE(
            roundTrip(HttpTestClient::request("POST", "/actions/a/b", partnerHeaders(id), partnerBody(id)))
                .status,
            404);
        QTRY_COMPARE(events.size(), 1);
        const DomainEvent e = events.first().first().value<DomainEvent>();
        QCOMPARE(e.type, QStringLiteral("partner.action"));
        QCOMPARE(e.action, QStringLiteral("resend"));
    }

    void companyWebhooks()
    {
        const QByteArray body
            = R"({"payload":{"event_name":"job_application.update","data":{"id":"77","attributes":{"stage_id":9,"job_id":5}}}})";
        QSignalSpy events(m_server->inbox(), &Inbox::domainEvent);
        auto hdrs = [&](const QByteArray &sig) {
            return QList<QPair<QByteArray, QByteArray>> { { "Content-Type", "application/json" },
                { "TT-Signature", sig } };
        };
        QCOMPARE(roundTrip(HttpTestClient::request("POST", "/company-webhooks",
                               hdrs(CompanySignature::signV2(body, CompanySecret, Now)), body))
                     .status,
            202);
        QCOMPARE(roundTrip(HttpTestClient::request("POST", "/company-webhooks",
                               hdrs(CompanySignature::signV2(body, CompanySecret, Now)), body))
                     .status,
            200);
        QCOMPARE(roundTrip(HttpTestClient::request("POST", "/company-webhooks",
                               hdrs(CompanySignature::signV2(body, "wrong", Now)), body))
                     .status,
            401);
        QCOMPARE(roundTrip(HttpTestClient::request("POST", "/company-webhooks",
                               hdrs(CompanySignature::signV2(body, CompanySecret, Now - 400)), body))
                     .status,
            401);
        QCOMPARE(roundTrip(HttpTestClient::request(
                               "POST", "/company-webhooks", { { "Content-Type", "application/json" } }, body))
                     .status,
            401);
        QCOMPARE(roundTrip(HttpTestClient::request("POST", "/company-webhooks",
                               hdrs(CompanySignature::signV1("77", CompanySecret)), body))
                     .status,
            200); // same body: duplicate
        const QByteArray other = R"({"payload":{"event_name":"candidate.destroy","data":{"id":"5"}}})";
        QCOMPARE(roundTrip(HttpTestClient::request("POST", "/company-webhooks",
                               hdrs(CompanySignature::signV1("5", CompanySecret)), other))
                     .status,
            202);
        QCOMPARE(roundTrip(HttpTestClient::request("POST", "/company-webhooks",
                               hdrs(CompanySignature::signV1("5", CompanySecret)), "{oops"))
                     .status,
            400);
        QTRY_COMPARE(events.size(), 2);
        QStringList types;
        for (const auto &args : events)
            types << args.first().value<DomainEvent>().type;
        QCOMPARE(types,
            (QStringList {
                QStringLiteral("job-application.stage_changed"), QStringLiteral("candidate.deleted") }));
    }

    void oversizedBody()
    {
        const QByteArray id = "cccccccc-1111-4c10-ae5f-0e7f4d46f6d7";
        // Declared too large: refused from Content-Length alone, before any body byte.
        HttpTestClient c(m_server->port());
        QVERIFY(c.connect());
        auto hdrs = partnerHeaders(id);
        QByteArray head
            = "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(Limits::DefaultMaxBodyBytes + 1) + "\r\n\r\n";
        c.write(head);
        HttpResponse r = c.read();
        QCOMPARE(r.status, 413);
        QVERIFY(c.waitClosed());
        // Streamed (chunked) past the cap: refused while streaming.
        HttpTestClient s(m_server->port());
        QVERIFY(s.connect());
        s.write("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                "chunked\r\n\r\n");
        const QByteArray chunk
            = QByteArray::number(64 * 1024, 16) + "\r\n" + QByteArray(64 * 1024, 'x') + "\r\n";
        for (int i = 0; i < 17 && s.socket().state() == QAbstractSocket::ConnectedState; ++i) {
            s.write(chunk);
            QTest::qWait(1);
        }
        r = s.read();
        QCOMPARE(r.status, 413);
        QCOMPARE(inboxRows(), 0);
    }

    void chunkedWithinLimitAccepted()
    {
        const QByteArray id = "dddddddd-1111-4c10-ae5f-0e7f4d46f6d7";
        const QByteArray body = partnerBody(id);
        QByteArray raw = "POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n";
        for (const auto &h : partnerHeaders(id))
            raw += h.first + ": " + h.second + "\r\n";
        raw += "\r\n" + QByteArray::number(body.size(), 16) + "\r\n" + body + "\r\n0\r\n\r\n";
        QCOMPARE(roundTrip(raw).status, 202);
    }

    void oversizedHeaders()
    {
        QByteArray raw = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
            + QByteArray(Limits::MaxHeaderBytes, 'a') + "\r\n\r\n";
        const HttpResponse r = roundTrip(raw);
        QCOMPARE(r.status, 431);
    }

    void expectContinue()
    {
        const QByteArray id = "eeeeeeee-1111-4c10-ae5f-0e7f4d46f6d7";
        const QByteArray body = partnerBody(id);
        HttpTestClient c(m_server->port());
        QVERIFY(c.connect());
        QByteArray head = "POST /webhook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
        for (const auto &h : partnerHeaders(id))
            head += h.first + ": " + h.second + "\r\n";
        c.write(head + "\r\n");
        HttpResponse interim = c.read();
        QCOMPARE(interim.status, 100);
        c.write(body);
        QCOMPARE(c.read().status, 202);
    }

    void connectionClose()
    {
        HttpTestClient c(m_server->port());
        QVERIFY(c.connect());
        c.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(c.read().status, 200);
        QVERIFY(c.waitClosed());
        // Keep-alive stays open for a second request.
        HttpTestClient k(m_server->port());
        QVERIFY(k.connect());
        k.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(k.read().status, 200);
        k.write("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(k.read().status, 200);
    }

    void slowClientTimesOut()
    {
        GuardLimits limits;
        limits.idleTimeoutMs = 300;
        limits.requestDeadlineMs = 800;
        start(limits);
        // Idle: stops sending mid-headers.
        HttpTestClient idle(m_server->port());
        QVERIFY(idle.connect());
        idle.write("POST /webhook HTTP/1.1\r\nHost: x\r\n");
        HttpResponse r = idle.read(5000);
        QCOMPARE(r.status, 408);
        QVERIFY(idle.waitClosed());
        // Trickling: a byte every 100 ms never trips the idle timer, but the deadline cuts it off.
        HttpTestClient trickle(m_server->port());
        QVERIFY(trickle.connect());
        const QByteArray raw
            = "POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: " + QByteArray(200, 'a') + "\r\n\r\n";
        int sent = 0;
        while (trickle.socket().state() == QAbstractSocket::ConnectedState && sent < raw.size()) {
            trickle.write(raw.mid(sent++, 1));
            QTest::qWait(100);
            if (trickle.socket().bytesAvailable())
                break;
        }
        QCOMPARE(trickle.read(5000).status, 408);
        QVERIFY(sent < raw.size());
    }

    void fiftySlowClientsDoNotStarveOthers()
    {
        GuardLimits limits;
        limits.idleTimeoutMs = 5000;
        limits.requestDeadlineMs = 20000;
        start(limits);
        std::vector<std::unique_ptr<HttpTestClient>> slow;
        for (int i = 0; i < 50; ++i) {
            slow.push_back(std::make_unique<HttpTestClient>(m_server->port()));
            QVERIFY(slow.back()->connect());
            slow.back()->write("POST /webhook HTTP/1.1\r\nHost: x\r\n");
        }
        for (int round = 0; round < 3; ++round) {
            for (auto &c : slow)
                c->write("X");
            QTest::qWait(20);
        }
        const QByteArray id = "ffffffff-1111-4c10-ae5f-0e7f4d46f6d7";
        HttpTestClient normal(m_server->port());
        QVERIFY(normal.connect());
        normal.write(HttpTestClient::request("POST", "/webhook", partnerHeaders(id), partnerBody(id)));
        const HttpResponse r = normal.read(5000);
        QCOMPARE(r.status, 202);
        // The honest claim: the normal client was answered while every slow client is still connected
        // and has received nothing.
        for (auto &c : slow) {
            QCOMPARE(c->socket().state(), QAbstractSocket::ConnectedState);
            QCOMPARE(c->socket().bytesAvailable(), 0);
        }
        QVERIFY(m_server->metricsText().contains("intrvio_webhook_open_connections 51"));
    }

    void connectionCap()
    {
        GuardLimits limits;
        limits.maxConnections = 2;
        start(limits);
        HttpTestClient a(m_server->port()), b(m_server->port()), c(m_server->port());
        QVERIFY(a.connect());
        QVERIFY(b.connect());
        a.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(a.read().status, 200);
        b.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(b.read().status, 200);
        QVERIFY(c.connect());
        const HttpResponse r = c.read();
        QCOMPARE(r.status, 503);
        QVERIFY(r.body.contains("too many connections"));
    }

    void drainingAnswers503()
    {
        QSignalSpy drained(m_server.get(), &WebhookServer::drained);
        m_server->beginDrain();
        QVERIFY(drained.wait(2000) || drained.size() == 1);
        const QByteArray id = "12345678-1111-4c10-ae5f-0e7f4d46f6d7";
        const HttpResponse r
            = roundTrip(HttpTestClient::request("POST", "/webhook", partnerHeaders(id), partnerBody(id)));
        QCOMPARE(r.status, 503);
        QCOMPARE(roundTrip(HttpTestClient::request("GET", "/readyz", {})).status, 503);
        QCOMPARE(roundTrip(HttpTestClient::request("GET", "/healthz", {})).status, 200);
    }

    void configForm()
    {
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO jobs (id, title) VALUES ('12', 'Dev')")));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO stages (id, job_id, name, row_order) VALUES ('3', '12', 'Phone screen', 1),"
            " ('4', '12', 'Technical interview', 2)")));
        QVERIFY(q.exec(
            QStringLiteral("INSERT INTO templates (id, name, body) VALUES ('phone', 'Phone screen', '{}'),"
                           " ('tech', 'Tech deep dive', '{}')")));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO mappings (job_id, stage, template_id, pass_threshold, on_pass, on_fail)"
            " VALUES ('', 'phone screen', 'phone', 70, 'Technical interview', 'reject')")));
        const auto get = [&](const QByteArray &path, const QByteArray &bearer) {
            const HttpResponse r = roundTrip(
                HttpTestClient::request("GET", path, { { "Authorization", "Bearer " + bearer } }));
            return QJsonDocument::fromJson(r.body)
                .object()
                .value(QLatin1String("config"))
                .toObject()
                .value(QLatin1String("fields"))
                .toArray();
        };
        QJsonArray fields = get("/config?job_id=12&stage_id=3&user_id=1", ProviderUuid);
        QCOMPARE(fields.size(), 4);
        QCOMPARE(fields.at(0).toObject().value(QLatin1String("id")).toString(), QStringLiteral("template"));
        QCOMPARE(fields.at(0).toObject().value(QLatin1String("value")).toString(), QStringLiteral("phone"));
        QCOMPARE(fields.at(1).toObject().value(QLatin1String("value")).toInt(), 70);
        QCOMPARE(fields.at(2).toObject().value(QLatin1String("value")).toString(), QStringLiteral("4"));
        QCOMPARE(fields.at(3).toObject().value(QLatin1String("value")).toString(), QStringLiteral("reject"));
        for (const QJsonValue &f : fields)
            QVERIFY(!f.toObject().value(QLatin1String("id")).toString().contains(QLatin1Char('_')));
        // A job-specific override by stage id wins.
        QVERIFY(q.exec(
            QStringLiteral("INSERT INTO mappings (job_id, stage, template_id) VALUES ('12', '3', 'tech')")));
        fields = get("/config?job_id=12&stage_id=3", ProviderUuid);
        QCOMPARE(fields.at(0).toObject().value(QLatin1String("value")).toString(), QStringLiteral("tech"));
        // Unmapped stage: no pre-selection, an infobox says so.
        fields = get("/config?job_id=12&stage_id=4", ProviderUuid);
        QCOMPARE(fields.at(0).toObject().value(QLatin1String("type")).toString(), QStringLiteral("infobox"));
        // Unauthorised: the documented error field.
        fields = get("/config?job_id=12&stage_id=3", "11111111-2222-3333-4444-555555555555");
        QCOMPARE(fields.size(), 1);
        QCOMPARE(fields.at(0).toObject().value(QLatin1String("type")).toString(), QStringLiteral("error"));
    }

    void activationLearnsJwsAndRefusesSecondCompany()
    {
        m_activation->setSecrets(ApiKey, Secret, QByteArray(), CompanySecret); // not activated
        const QByteArray mine = ProviderKey::signJws(
            QJsonObject { { QStringLiteral("clientId"), QStringLiteral("a") } }, ApiKey);
        const QByteArray theirs = ProviderKey::signJws(
            QJsonObject { { QStringLiteral("clientId"), QStringLiteral("b") } }, ApiKey);
        const QByteArray forged = ProviderKey::signJws(
            QJsonObject { { QStringLiteral("clientId"), QStringLiteral("a") } }, "nope");
        HttpResponse r = roundTrip(HttpTestClient::request(
            "GET", "/activation/validate", { { "Authorization", "Bearer " + forged } }));
        QCOMPARE(r.status, 401);
        QVERIFY(r.body.contains("partner API key"));
        r = roundTrip(HttpTestClient::request(
            "GET", "/activation/validate", { { "Authorization", "Bearer " + mine } }));
        QCOMPARE(r.status, 200);
        QVERIFY(m_activation->activated());
        QCOMPARE(m_activation->providerKey(), mine);
        r = roundTrip(HttpTestClient::request(
            "GET", "/activation/validate", { { "Authorization", "Bearer " + theirs } }));
        QCOMPARE(r.status, 401);
        QVERIFY2(r.body.contains("one company only"), r.body.constData());
        r = roundTrip(
            HttpTestClient::request("GET", "/activation", { { "Authorization", "Bearer " + mine } }));
        QCOMPARE(r.status, 200);
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QLatin1String("validateEndpoint")).toString(),
            QStringLiteral("activation/validate"));
    }

    void uuidLearntFromFirstSignedDelivery()
    {
        m_activation->setSecrets(ApiKey, Secret, QByteArray(), CompanySecret);
        const QByteArray id = "abababab-1111-4c10-ae5f-0e7f4d46f6d7";
        // Unsigned config call with an unknown UUID cannot activate.
        HttpResponse r = roundTrip(
            HttpTestClient::request("GET", "/config", { { "Authorization", "Bearer " + ProviderUuid } }));
        QVERIFY(r.body.contains("not activated"));
        r = roundTrip(HttpTestClient::request("POST", "/webhook", partnerHeaders(id), partnerBody(id)));
        QCOMPARE(r.status, 202);
        QCOMPARE(m_activation->providerKey(), ProviderUuid);
        QCOMPARE(m_activation->companyName(), QStringLiteral("Acme"));
        QCOMPARE(m_store->setting(QStringLiteral("activation.company_uuid")).value_or(QString()),
            QStringLiteral("c-uuid"));
    }

    void jweBearer()
    {
        const QByteArray jwe = ProviderKey::encryptJwe(
            R"({"clientId":"x"})", Secret, "A256GCM", QByteArray::fromHex("000102030405060708090a0b"));
        m_activation->setSecrets(ApiKey, Secret, QByteArray(), CompanySecret);
        HttpResponse r = roundTrip(
            HttpTestClient::request("GET", "/activation/validate", { { "Authorization", "Bearer " + jwe } }));
        QCOMPARE(r.status, 200);
        QCOMPARE(m_activation->providerKey(), jwe);
    }

    void tls()
    {
        // A throw-away self-signed EC certificate from the openssl tool.
        QTemporaryDir certDir;
        const QString cert = certDir.filePath(QStringLiteral("cert.pem"));
        const QString key = certDir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"),
                       QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")});
        QVERIFY(openssl.waitForFinished(30000));
        QCOMPARE(openssl.exitCode(), 0);
        m_server.reset();
        m_server = std::make_unique<WebhookServer>(m_store.get(), m_activation.get(), *m_clock);
        WebhookServerConfig config;
        config.tlsCertificatePath = cert;
        config.tlsKeyPath = key;
        QString error;
        QVERIFY2(m_server->listen(config, &error), qPrintable(error));
        QCOMPARE(m_server->url().scheme(), QStringLiteral("https"));
        QSslSocket client;
        client.setPeerVerifyMode(QSslSocket::VerifyNone);
        QSignalSpy encrypted(&client, &QSslSocket::encrypted);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(encrypted.wait(10000));
        client.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY(client.bytesAvailable() > 0 && client.peek(4096).contains("ok"));
        QVERIFY(client.readAll().startsWith("HTTP/1.1 200"));
        // A bad path is a clear start-up error, not a plain-text server.
        WebhookServer broken(m_store.get(), m_activation.get(), *m_clock);
        config.tlsKeyPath = certDir.filePath(QStringLiteral("missing.pem"));
        QVERIFY(!broken.listen(config, &error));
        QVERIFY(error.contains(QLatin1String("TLS")));
    }

    void metrics()
    {
        const QByteArray id = "cdcdcdcd-1111-4c10-ae5f-0e7f4d46f6d7";
        roundTrip(HttpTestClient::request("POST", "/webhook", partnerHeaders(id), partnerBody(id)));
        roundTrip(
            HttpTestClient::request("POST", "/webhook", partnerHeaders(id, Now - 1000), partnerBody(id)));
        QTRY_COMPARE(inboxRows(QStringLiteral("processed_at IS NOT NULL")), 1);
        const HttpResponse r = roundTrip(HttpTestClient::request("GET", "/metrics", {}));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("intrvio_webhook_deliveries_total{route=\"/webhook\",status=\"202\"} 1"));
        QVERIFY(r.body.contains("intrvio_webhook_deliveries_total{route=\"/webhook\",status=\"401\"} 1"));
        QVERIFY(r.body.contains("intrvio_webhook_verification_failures_total{reason=\"stale\"} 1"));
        QVERIFY(r.body.contains("intrvio_inbox_depth 0"));
        QVERIFY(r.body.contains("intrvio_outbox_depth 0"));
        QVERIFY(r.body.contains("intrvio_inbox_processing_latency_seconds_count 1"));
    }
};

QTEST_GUILESS_MAIN(tst_WebhookServer)
#include "tst_webhookserver.moc"

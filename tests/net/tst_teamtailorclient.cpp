// The request builders and the client's error, retry, timeout, size-cap and rate-limit behaviour,
// against a recording fake QNetworkAccessManager: exact URLs, headers and bodies.
#include "FakeNetworkAccessManager.h"
#include "models/Clock.h"
#include "net/api/RateLimiter.h"
#include "net/api/TeamtailorClient.h"

#include <QtTest>

using namespace intrvio;
using namespace intrvio::test;

namespace {

const QString CompanyToken = QStringLiteral("company-token-123");
const QString PartnerKey = QStringLiteral("partner-key-456");

const QByteArray OneJob
    = "{\"data\":{\"id\":\"1337\",\"type\":\"job-applications\",\"attributes\":{\"updated-at\":\"2024-01-"
      "01T00:00:00.000+01:00\"}, "
      "\"relationships\":{\"stage\":{\"data\":{\"type\":\"stages\",\"id\":\"22508\"}},\"job\":{\"data\":{"
      "\"type\":\"jobs\",\"id\":\"12\"}}, \"candidate\":{\"data\":{\"type\":\"candidates\",\"id\":\"4\"}}}}}";
const QByteArray EmptyList = "{\"data\":[],\"meta\":{\"record-count\":0,\"page-count\":0},\"links\":{}}";
const QByteArray OneResult
    = "{\"data\":{\"id\":\"3230d614-a33b-4a25-ac9c-4ec107e60f2e\",\"type\":\"partner-results\", "
      "\"attributes\":{\"status\":\"sent\",\"candidate-id\":333,\"assessment\":{\"score\":82}}}}";

template<class T> ApiResult<T> await(TypedRequest<T> *request, int timeoutMs = 15000)
{
    ApiResult<T> out;
    bool done = false;
    QObject context;
    request->onFinished(&context, [&](const ApiResult<T> &r) {
        out = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, timeoutMs)) {
        ApiError e;
        e.kind = ApiError::Kind::Timeout;
        e.message = QStringLiteral("test: the request did not finish");
        return e;
    }
    return out;
}

struct Harness
{
    explicit Harness(const QString &region = QStringLiteral("eu"), const QUrl &override = {},
        ApiCredentials creds = { CompanyToken, PartnerKey })
        : client(&nam, RequestBuilder(ApiEndpoints::resolve(region, override), std::move(creds)),
            Clock::system(), 42)
    {
        RequestOptions o;
        o.baseBackoffMs = 10;
        o.maxBackoffMs = 40;
        o.maxRetries = 2;
        client.setOptions(o);
    }
    FakeNetworkAccessManager nam;
    TeamtailorClient client;
};

} // namespace

class tst_TeamtailorClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void regionHosts_data()
    {
        QTest::addColumn<QString>("region");
        QTest::addColumn<QUrl>("override");
        QTest::addColumn<QString>("publicBase");
        QTest::addColumn<QString>("partnerBase");
        QTest::newRow("eu") << QStringLiteral("eu") << QUrl()
                            << QStringLiteral("https://api.teamtailor.com/v1")
                            << QStringLiteral("https://api.teamtailor.com/partner/v1");
        QTest::newRow("na") << QStringLiteral("na") << QUrl()
                            << QStringLiteral("https://api.na.teamtailor.com/v1")
                            << QStringLiteral("https://api.na.teamtailor.com/partner/v1");
        QTest::newRow("au") << QStringLiteral("au") << QUrl()
                            << QStringLiteral("https://api.au.teamtailor.com/v1")
                            << QStringLiteral("https://api.au.teamtailor.com/partner/v1");
        QTest::newRow("override wins over region")
            << QStringLiteral("na") << QUrl(QStringLiteral("http://127.0.0.1:8123"))
            << QStringLiteral("http://127.0.0.1:8123/v1")
            << QStringLiteral("http://127.0.0.1:8123/partner/v1");
        QTest::newRow("override with path")
            << QStringLiteral("eu") << QUrl(QStringLiteral("https://tt.example/base/"))
            << QStringLiteral("https://tt.example/base/v1")
            << QStringLiteral("https://tt.example/base/partner/v1");
    }

    void regionHosts()
    {
        QFETCH(QString, region);
        QFETCH(QUrl, override);
        QFETCH(QString, publicBase);
        QFETCH(QString, partnerBase);
        const ApiEndpoints e = ApiEndpoints::resolve(region, override);
        QCOMPARE(e.publicBase.toString(), publicBase);
        QCOMPARE(e.partnerBase.toString(), partnerBase);
    }

    // Every request kind: verb, exact URL, body.
    void requestKinds_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("reply");
        const QString v1 = QStringLiteral("https://api.teamtailor.com/v1/");
        const QString p1 = QStringLiteral("https://api.teamtailor.com/partner/v1/");
        QTest::newRow("list jobs") << 0 << QByteArray("GET")
                                   << v1 + QStringLiteral("jobs?page[size]=30&filter[status]=all")
                                   << QByteArray() << EmptyList;
        QTest::newRow("job stages") << 1 << QByteArray("GET")
                                    << v1 + QStringLiteral("jobs/12/stages?page[size]=30") << QByteArray()
                                    << EmptyList;
        QTest::newRow("list candidates") << 2 << QByteArray("GET")
                                         << v1
                + QStringLiteral(
                    "candidates?page[size]=30&include=job-applications&fields[candidates]=first-name,"
                    "last-name,email,phone,created-at,updated-at,job-applications")
                                         << QByteArray() << EmptyList;
        QTest::newRow("list candidates updated since") << 3 << QByteArray("GET")
                                                       << v1
                + QStringLiteral(
                    "candidates?page[size]=30&include=job-applications&fields[candidates]=first-name,"
                    "last-name,email,phone,created-at,updated-at,job-applications"
                    "&filter[updated-at][from]=2024-01-01T00:00:00.000%2B01:00")
                                                       << QByteArray() << EmptyList;
        QTest::newRow("list job applications") << 4 << QByteArray("GET")
                                               << v1
                + QStringLiteral(
                    "job-applications?page[size]=30&include=candidate,job,stage&fields[candidates]=updated-at"
                    "&fields[jobs]=title&fields[stages]=name")
                                               << QByteArray() << EmptyList;
        QTest::newRow("candidate's applications with job and stage")
            << 5 << QByteArray("GET")
            << v1 + QStringLiteral("candidates/4/job-applications?include=job,stage") << QByteArray()
            << EmptyList;
        QTest::newRow("get application")
            << 6 << QByteArray("GET")
            << v1 + QStringLiteral("job-applications/1337?include=candidate,job,stage") << QByteArray()
            << OneJob;
        QTest::newRow("move stage")
            << 7 << QByteArray("PATCH") << v1 + QStringLiteral("job-applications/1337")
            << QByteArray("{\"data\":{\"id\":\"1337\",\"relationships\":{\"stage\":{\"data\":{\"id\":"
                          "\"22508\",\"type\":\"stages\"}}},\"type\":\"job-applications\"}}")
            << OneJob;
        QTest::newRow("create note") << 8 << QByteArray("POST") << v1 + QStringLiteral("notes")
                                     << QByteArray("{\"data\":{\"attributes\":{\"note\":\"Interview: "
                                                   "https://x/interview/"
                                                   "t\"},\"relationships\":{\"candidate\":{\"data\":{\"id\":"
                                                   "\"4\",\"type\":\"candidates\"}}},\"type\":\"notes\"}}")
                                     << QByteArray("{\"data\":{\"id\":\"9\",\"type\":\"notes\","
                                                   "\"attributes\":{\"note\":\"x\",\"candidate-id\":4}}}");
        QTest::newRow("create partner result")
            << 9 << QByteArray("POST") << p1 + QStringLiteral("partner-results")
            << QByteArray("{\"data\":{\"attributes\":{\"candidate-id\":333,\"job-id\":444,\"status\":"
                          "\"sending\"},\"type\":\"partner-results\"}}")
            << OneResult;
        QTest::newRow("update partner result")
            << 10 << QByteArray("PUT")
            << p1 + QStringLiteral("partner-results/3230d614-a33b-4a25-ac9c-4ec107e60f2e")
            << QByteArray("{\"data\":{\"attributes\":{\"assessment\":{\"score\":82},\"status\":\"completed\"}"
                          ",\"id\":\"3230d614-a33b-4a25-ac9c-4ec107e60f2e\",\"type\":\"partner-results\"}}")
            << OneResult;
        QTest::newRow("get partner result")
            << 11 << QByteArray("GET")
            << p1 + QStringLiteral("partner-results/3230d614-a33b-4a25-ac9c-4ec107e60f2e") << QByteArray()
            << OneResult;
        QTest::newRow("delete partner result")
            << 12 << QByteArray("DELETE")
            << p1 + QStringLiteral("partner-results/3230d614-a33b-4a25-ac9c-4ec107e60f2e") << QByteArray()
            << QByteArray();
        QTest::newRow("list partner results")
            << 13 << QByteArray("GET") << p1 + QStringLiteral("partner-results?page[size]=30") << QByteArray()
            << EmptyList;
        QTest::newRow("list partner activations")
            << 14 << QByteArray("GET") << p1 + QStringLiteral("partner-activations?page[size]=30")
            << QByteArray() << EmptyList;
        QTest::newRow("update via update-url")
            << 15 << QByteArray("PUT") << p1 + QStringLiteral("partner-results/abc")
            << QByteArray("{\"data\":{\"attributes\":{\"status\":\"pending\"},\"id\":\"abc\",\"type\":"
                          "\"partner-results\"}}")
            << OneResult;
    }

    void requestKinds()
    {
        QFETCH(int, kind);
        QFETCH(QByteArray, verb);
        QFETCH(QString, url);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, reply);
        Harness h;
        h.nam.enqueue(CannedReply::json(reply.isEmpty() ? 204 : 200, reply));
        TeamtailorClient &c = h.client;
        const QString prId = QStringLiteral("3230d614-a33b-4a25-ac9c-4ec107e60f2e");
        bool ok = false;
        QString error;
        auto check = [&](auto *request) {
            const auto r = await(request);
            ok = r.ok();
            if (!ok)
                error = r.error().message;
        };
        tt::PartnerResultInput create;
        create.status = QStringLiteral("sending");
        create.candidateId = 333;
        create.jobId = 444;
        tt::PartnerResultInput update;
        update.status = QStringLiteral("completed");
        update.score = 82;
        update.candidateId = 333; // must not be sent on update
        tt::PartnerResultInput pending;
        pending.status = QStringLiteral("pending");
        switch (kind) {
        case 0:
            check(c.listJobs());
            break;
        case 1:
            check(c.listJobStages(QStringLiteral("12")));
            break;
        case 2:
            check(c.listCandidates());
            break;
        case 3:
            check(c.listCandidates(QStringLiteral("2024-01-01T00:00:00.000+01:00")));
            break;
        case 4:
            check(c.listJobApplications());
            break;
        case 5:
            check(c.candidateApplications(QStringLiteral("4")));
            break;
        case 6:
            check(c.jobApplication(QStringLiteral("1337")));
            break;
        case 7:
            check(c.moveStage(QStringLiteral("1337"), QStringLiteral("22508")));
            break;
        case 8:
            check(c.createNote(QStringLiteral("4"), QStringLiteral("Interview: https://x/interview/t")));
            break;
        case 9:
            check(c.createPartnerResult(create));
            break;
        case 10:
            check(c.updatePartnerResult(prId, update));
            break;
        case 11:
            check(c.partnerResult(prId));
            break;
        case 12:
            check(c.deletePartnerResult(prId));
            break;
        case 13:
            check(c.listPartnerResults());
            break;
        case 14:
            check(c.listPartnerActivations());
            break;
        case 15:
            check(c.updatePartnerResultAt(
                QUrl(QStringLiteral("https://api.teamtailor.com/partner/v1/partner-results/abc")),
                QStringLiteral("abc"), pending));
            break;
        }
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(h.nam.requests().size(), 1);
        const RecordedRequest &req = h.nam.requests().constFirst();
        QCOMPARE(req.verb, verb);
        QCOMPARE(QString::fromUtf8(req.url.toEncoded()), QString::fromUtf8(QUrl(url).toEncoded()));
        QCOMPARE(req.body, body);
        // Headers from the one choke point.
        const bool partner = url.contains(QLatin1String("/partner/v1/"));
        QCOMPARE(req.header("Accept"), QByteArray("application/vnd.api+json"));
        QCOMPARE(req.header("Content-Type"),
            body.isEmpty() ? QByteArray() : QByteArray("application/vnd.api+json"));
        QCOMPARE(req.header("X-Api-Version"), partner ? QByteArray("20180828") : QByteArray("20240904"));
        QCOMPARE(req.header("Authorization"),
            partner ? QByteArray("Bearer " + PartnerKey.toUtf8())
                    : QByteArray("Token token=" + CompanyToken.toUtf8()));
    }

    void configurableVersion()
    {
        ApiEndpoints e = ApiEndpoints::forRegion(QStringLiteral("na"));
        e.publicVersion = "20240404";
        FakeNetworkAccessManager nam;
        TeamtailorClient c(&nam, RequestBuilder(e, { CompanyToken, PartnerKey }), Clock::system(), 1);
        nam.enqueue(CannedReply::json(200, EmptyList));
        QVERIFY(await(c.listJobs()).ok());
        QCOMPARE(nam.requests().constFirst().header("X-Api-Version"), QByteArray("20240404"));
        QCOMPARE(nam.requests().constFirst().url.host(), QStringLiteral("api.na.teamtailor.com"));
    }

    void decodesTypedValues()
    {
        Harness h;
        h.nam.enqueue(CannedReply::json(200,
            "{\"data\":[{\"id\":\"9001\",\"type\":\"job-applications\", "
            "\"relationships\":{\"job\":{\"data\":{\"type\":\"jobs\",\"id\":12}},\"stage\":{\"data\":{"
            "\"type\":\"stages\",\"id\":\"22508\"}}}}], "
            "\"included\":[{\"id\":\"12\",\"type\":\"jobs\",\"attributes\":{\"title\":\"Welder\",\"status\":"
            "\"open\"}}, {\"id\":\"22508\",\"type\":\"stages\",\"attributes\":{\"name\":\"Phone "
            "screen\",\"stage-type\":\"In process\",\"row-order\":2}}]}"));
        const auto r = await(h.client.candidateApplications(QStringLiteral("4")));
        QVERIFY(r.ok());
        QCOMPARE(r.value().applications.size(), 1);
        const tt::JobApplication &a = r.value().applications.constFirst();
        QCOMPARE(a.candidateId, QStringLiteral("4"));
        QCOMPARE(a.jobId, QStringLiteral("12"));
        QCOMPARE(a.stageId, QStringLiteral("22508"));
        QCOMPARE(r.value().jobs.constFirst().title, QStringLiteral("Welder"));
        QCOMPARE(r.value().stages.constFirst().name, QStringLiteral("Phone screen"));
        QCOMPARE(r.value().stages.constFirst().jobId, QStringLiteral("12"));
    }

    void errors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("mustContain");
        const QByteArray e422
            = "{\"errors\":[{\"status\":\"422\",\"title\":\"Invalid\",\"detail\":\"score must be between 0 "
              "and 100\",\"source\":{\"pointer\":\"/data/attributes/assessment/score\"}}]}";
        QTest::newRow("401 hints key or region")
            << 401 << QByteArray("{\"errors\":[{\"status\":\"401\",\"title\":\"Unauthorized\"}]}")
            << int(ApiError::Kind::Unauthorized)
            << QStringList { QStringLiteral("401"), QStringLiteral("region"),
                   QStringLiteral("api.teamtailor.com"), QStringLiteral("--region"),
                   QStringLiteral("intrvio secret set partner-api-key") };
        QTest::newRow("403 scope") << 403 << QByteArray() << int(ApiError::Kind::Forbidden)
                                   << QStringList { QStringLiteral("scope"), QStringLiteral("Admin") };
        QTest::newRow("404") << 404 << QByteArray() << int(ApiError::Kind::NotFound)
                             << QStringList { QStringLiteral("404"), QStringLiteral("partner-results") };
        QTest::newRow("406 version")
            << 406
            << QByteArray("{\"errors\":[{\"status\":\"406\",\"detail\":\"Current version is 20180828\"}]}")
            << int(ApiError::Kind::Version)
            << QStringList { QStringLiteral("20180828"), QStringLiteral("Current version is 20180828") };
        QTest::newRow("422 server details")
            << 422 << e422 << int(ApiError::Kind::Validation)
            << QStringList { QStringLiteral("score must be between 0 and 100"),
                   QStringLiteral("/data/attributes/assessment/score") };
        QTest::newRow("500 not json") << 500 << QByteArray("<html>oops</html>") << int(ApiError::Kind::Server)
                                      << QStringList { QStringLiteral("500") };
        QTest::newRow("418 unexpected") << 418 << QByteArray() << int(ApiError::Kind::BadResponse)
                                        << QStringList { QStringLiteral("418") };
    }

    // POST is never retried, so one canned reply is enough for each error.
    void errors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, kind);
        QFETCH(QStringList, mustContain);
        Harness h;
        h.nam.enqueue(CannedReply::json(status, body));
        tt::PartnerResultInput in;
        in.status = QStringLiteral("sent");
        in.candidateId = 1;
        const auto r = await(h.client.createPartnerResult(in));
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().kind), kind);
        QCOMPARE(r.error().httpStatus, status);
        for (const QString &s : mustContain)
            QVERIFY2(r.error().message.contains(s), qPrintable(r.error().message));
        QVERIFY(!r.error().message.contains(PartnerKey));
        QCOMPARE(h.nam.requests().size(), 1);
        if (status == 422) {
            QCOMPARE(r.error().errors.size(), 1);
            QCOMPARE(r.error().errors.constFirst().detail, QStringLiteral("score must be between 0 and 100"));
        }
    }

    void unauthorizedPublicNamesRegion()
    {
        Harness h(QStringLiteral("na"));
        h.nam.enqueue(CannedReply::json(401, {}));
        const auto r = await(h.client.listJobs());
        QCOMPARE(r.error().kind, ApiError::Kind::Unauthorized);
        QVERIFY2(r.error().message.contains(QLatin1String("api.na.teamtailor.com (region na)")),
            qPrintable(r.error().message));
        QVERIFY(r.error().message.contains(QLatin1String("company-api-token")));
        QCOMPARE(h.nam.requests().size(), 1); // 401 is not retried
    }

    void idempotentRetriedPostNot()
    {
        Harness h;
        h.nam.enqueue(CannedReply::json(503, {}));
        h.nam.enqueue(CannedReply::json(502, {}));
        h.nam.enqueue(CannedReply::json(200, EmptyList));
        QVERIFY(await(h.client.listJobs()).ok());
        QCOMPARE(h.nam.requests().size(), 3);

        Harness p;
        p.nam.enqueue(CannedReply::json(503, {}));
        p.nam.enqueue(CannedReply::json(201, OneResult));
        tt::PartnerResultInput in;
        in.status = QStringLiteral("sent");
        in.candidateId = 1;
        const auto r = await(p.client.createPartnerResult(in));
        QCOMPARE(r.error().kind, ApiError::Kind::Server);
        QCOMPARE(p.nam.requests().size(), 1);
        QVERIFY(r.error().isTransient());

        // PATCH is not idempotent in general either.
        Harness m;
        m.nam.enqueue(CannedReply::json(503, {}));
        QCOMPARE(await(m.client.moveStage(QStringLiteral("1"), QStringLiteral("2"))).error().kind,
            ApiError::Kind::Server);
        QCOMPARE(m.nam.requests().size(), 1);
    }

    void retriesAreBounded()
    {
        Harness h; // maxRetries = 2
        for (int i = 0; i < 5; ++i)
            h.nam.enqueue(CannedReply::json(500, {}));
        const auto r = await(h.client.partnerResult(QStringLiteral("x")));
        QCOMPARE(r.error().kind, ApiError::Kind::Server);
        QCOMPARE(h.nam.requests().size(), 3);
        QVERIFY(r.error().message.contains(QLatin1String("3 attempt")));
    }

    void networkErrorAndTimeout()
    {
        Harness h;
        CannedReply refused;
        refused.error = QNetworkReply::ConnectionRefusedError;
        for (int i = 0; i < 3; ++i)
            h.nam.enqueue(refused);
        auto r = await(h.client.listJobs());
        QCOMPARE(r.error().kind, ApiError::Kind::Network);
        QVERIFY(r.error().message.contains(QLatin1String("api.teamtailor.com")));
        QCOMPARE(h.nam.requests().size(), 3);

        Harness t;
        RequestOptions o = t.client.options();
        o.timeoutMs = 50;
        o.maxRetries = 1;
        t.client.setOptions(o);
        CannedReply hang;
        hang.hang = true;
        t.nam.enqueue(hang);
        t.nam.enqueue(hang);
        r = await(t.client.listJobs());
        QCOMPARE(r.error().kind, ApiError::Kind::Timeout);
        QCOMPARE(t.nam.requests().size(), 2);
    }

    void responseSizeCap()
    {
        Harness h;
        RequestOptions o = h.client.options();
        o.maxResponseBytes = 64;
        o.maxRetries = 0;
        h.client.setOptions(o);
        h.nam.enqueue(CannedReply::json(200, EmptyList + QByteArray(200, ' ')));
        const auto r = await(h.client.listJobs());
        QCOMPARE(r.error().kind, ApiError::Kind::BadResponse);
        QVERIFY(r.error().message.contains(QLatin1String("limit")));
    }

    void badJsonIsBadResponse()
    {
        Harness h;
        h.nam.enqueue(CannedReply::json(200, "<html>maintenance</html>"));
        const auto r = await(h.client.listJobs());
        QCOMPARE(r.error().kind, ApiError::Kind::BadResponse);
        QVERIFY(r.error().message.contains(QLatin1String("not JSON:API")));
        h.nam.enqueue(CannedReply::json(200, "{\"data\":{\"id\":\"1\",\"type\":\"jobs\"}}"));
        QCOMPARE(await(h.client.listJobs()).error().kind,
            ApiError::Kind::BadResponse); // object where a list belongs
    }

    void credentialsNeverLeaveTheHost()
    {
        Harness h;
        const auto r
            = await(h.client.listJobs(QUrl(QStringLiteral("https://evil.example/v1/jobs?page[number]=2"))));
        QCOMPARE(r.error().kind, ApiError::Kind::BadResponse);
        QVERIFY(r.error().message.contains(QLatin1String("evil.example")));
        QVERIFY(h.nam.requests().isEmpty());
    }

    void missingCredential()
    {
        Harness h(QStringLiteral("eu"), {}, ApiCredentials { CompanyToken, QString() });
        const auto r = await(h.client.listPartnerResults());
        QCOMPARE(r.error().kind, ApiError::Kind::Unauthorized);
        QVERIFY(r.error().message.contains(QLatin1String("intrvio secret set partner-api-key")));
        QVERIFY(h.nam.requests().isEmpty());
    }

    void cancel()
    {
        Harness h;
        CannedReply hang;
        hang.hang = true;
        h.nam.enqueue(hang);
        auto *req = h.client.listJobs();
        ApiResult<Page<tt::Job>> r;
        req->onFinished(this, [&r](const auto &result) { r = result; });
        QTRY_COMPARE(h.nam.requests().size(), 1);
        req->cancel();
        QTRY_VERIFY(r.isSet());
        QCOMPARE(r.error().kind, ApiError::Kind::Cancelled);

        // Cancelled while queued behind the rate limiter: nothing is sent at all.
        Harness q;
        q.nam.enqueue(CannedReply::json(429, {}, { { "Retry-After", "30" } }));
        q.nam.enqueue(CannedReply::json(200, EmptyList));
        auto *queued = q.client.listJobs();
        ApiResult<Page<tt::Job>> qr;
        queued->onFinished(this, [&qr](const auto &result) { qr = result; });
        QTRY_VERIFY(q.nam.requests().size() == 1 && q.client.publicLimiter()->queued() == 1);
        queued->cancel();
        QTRY_VERIFY(qr.isSet());
        QCOMPARE(qr.error().kind, ApiError::Kind::Cancelled);
        QCOMPARE(q.nam.requests().size(), 1);
        QCOMPARE(q.client.publicLimiter()->queued(), 0);
    }

    // Destroying the client ends its requests without callbacks or dangling pointers.
    void clientDestroyedWithRequestsInFlight()
    {
        FakeNetworkAccessManager nam;
        auto client = std::make_unique<TeamtailorClient>(&nam,
            RequestBuilder(ApiEndpoints::forRegion(QStringLiteral("eu")), { CompanyToken, PartnerKey }),
            Clock::system(), 3);
        CannedReply hang;
        hang.hang = true;
        nam.enqueue(hang);
        nam.enqueue(hang);
        bool called = false;
        auto *first = client->listJobs();
        QPointer<ApiRequest> inFlight = first;
        client->listPartnerResults()->onFinished(this, [&called](const auto &) { called = true; });
        first->onFinished(this, [&called](const auto &) { called = true; });
        QTRY_COMPARE(nam.requests().size(), 2);
        client.reset();
        QVERIFY(inFlight.isNull());
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void finishedExactlyOnceThenDeleted()
    {
        Harness h;
        h.nam.enqueue(CannedReply::json(200, EmptyList));
        QPointer<ApiRequest> req = h.client.listJobs();
        QSignalSpy spy(req.data(), &ApiRequest::finished);
        QVERIFY(spy.isEmpty()); // never inside the call
        QTRY_COMPARE(spy.size(), 1);
        QTRY_VERIFY(req.isNull());
        QCOMPARE(spy.size(), 1);
    }

    // --- rate limiter policy, pure over a ManualClock ---

    void limiterPolicy()
    {
        ManualClock clock;
        RateLimiter l(clock);
        QCOMPARE(l.delayMs(), 0);
        l.onSent();
        l.onResponse(200, RateHeaders::parse("50", "1", "7", {}));
        QCOMPARE(l.delayMs(), 0); // one left
        l.onSent();
        QCOMPARE(l.delayMs(), 7000 + RateLimiter::SafetyMarginMs); // spent (one in flight)
        l.onResponse(200, RateHeaders::parse("50", "0", "6", {}));
        QCOMPARE(l.delayMs(), 6000 + RateLimiter::SafetyMarginMs);
        clock.advanceSecs(6);
        QCOMPARE(l.delayMs(), RateLimiter::SafetyMarginMs);
        clock.advanceMs(RateLimiter::SafetyMarginMs);
        QCOMPARE(l.delayMs(), 0); // new window

        // 429: the later of Retry-After and Reset.
        l.onSent();
        l.onResponse(429, RateHeaders::parse("50", "0", "3", "9"));
        QCOMPARE(l.delayMs(), 9000 + RateLimiter::SafetyMarginMs);
        clock.advanceSecs(9);
        l.onSent();
        l.onResponse(429, RateHeaders::parse({}, {}, {}, {}), 1500);
        QCOMPARE(l.delayMs(), 1500); // nothing announced: the caller's backoff
    }

    void rateHeadersParse_data()
    {
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<double>("expected");
        QTest::newRow("seconds") << QByteArray("12") << 12.0;
        QTest::newRow("fraction") << QByteArray("0.5") << 0.5;
        QTest::newRow("http date ignored") << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT") << -1.0;
        QTest::newRow("negative ignored") << QByteArray("-3") << -1.0;
        QTest::newRow("missing") << QByteArray() << -1.0;
    }

    void rateHeadersParse()
    {
        QFETCH(QByteArray, retryAfter);
        QFETCH(double, expected);
        const RateHeaders h = RateHeaders::parse("50", " 49 ", "10", retryAfter);
        QCOMPARE(h.limit, std::optional<int>(50));
        QCOMPARE(h.remaining, std::optional<int>(49));
        QCOMPARE(h.retryAfterSecs.value_or(-1.0), expected);
    }

    // The queue: after a 429 the retry waits for the announced reset; after the budget is spent
    // the next request waits for the window to end.
    void limiterQueueHonoursReset()
    {
        Harness h;
        h.nam.enqueue(CannedReply::json(429, {},
            { { "X-Rate-Limit-Limit", "2" }, { "X-Rate-Limit-Remaining", "0" },
                { "X-Rate-Limit-Reset", "1" } }));
        h.nam.enqueue(CannedReply::json(200, EmptyList,
            { { "X-Rate-Limit-Limit", "2" }, { "X-Rate-Limit-Remaining", "0" },
                { "X-Rate-Limit-Reset", "1" } }));
        h.nam.enqueue(CannedReply::json(200, EmptyList));
        QVERIFY(await(h.client.listJobs()).ok());
        QCOMPARE(h.nam.requests().size(), 2);
        const qint64 gap = h.nam.requests().at(1).atMs - h.nam.requests().at(0).atMs;
        QVERIFY2(gap >= 1000, qPrintable(QString::number(gap)));
        QVERIFY(await(h.client.listJobs()).ok());
        const qint64 gap2 = h.nam.requests().at(2).atMs - h.nam.requests().at(1).atMs;
        QVERIFY2(gap2 >= 1000, qPrintable(QString::number(gap2)));
    }

    void postIsNotRetriedOn429()
    {
        Harness h;
        h.nam.enqueue(CannedReply::json(429, {}, { { "Retry-After", "1" } }));
        const auto r = await(h.client.createNote(QStringLiteral("4"), QStringLiteral("x")));
        QCOMPARE(r.error().kind, ApiError::Kind::RateLimited);
        QCOMPARE(h.nam.requests().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_TeamtailorClient)
#include "tst_teamtailorclient.moc"

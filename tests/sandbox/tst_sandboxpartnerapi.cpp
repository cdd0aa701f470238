// The sandbox's Partner API (/partner/v1) over real loopback HTTP: every partner-result rule of
// protocol doc §5.1, the CRUD operations, auth and version, and partner-activations with the
// provider key as a JWE decryptable with the documented derivation.
#include "sandbox/Sandbox.h"
#include "tests/sandbox/SandboxTestCrypto.h"
#include "tests/sandbox/SandboxTestHttp.h"

#include <QJsonArray>
#include <QtTest>

#include <memory>

using namespace intrvio;
using namespace intrvio::test;

class tst_SandboxPartnerApi : public QObject
{
    Q_OBJECT
private:
    ManualClock m_clock;
    std::unique_ptr<Sandbox> m_sandbox;
    QNetworkAccessManager m_nam;
    qint64 m_candidate = 0;
    qint64 m_job = 0;

    QUrl url(const QString &path) const
    {
        return QUrl(m_sandbox->baseUrl().toString() + path, QUrl::StrictMode);
    }
    HttpReply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
        const RawHeaders &headers = partnerHeaders())
    {
        return httpRequest(m_nam, method, url(path), headers, body);
    }
    QByteArray withIds(QByteArray json) const
    {
        return json.replace("CID", QByteArray::number(m_candidate)).replace("JID", QByteArray::number(m_job));
    }
    QString create(const QByteArray &attributes)
    {
        const HttpReply r = call("POST", QStringLiteral("/partner/v1/partner-results"),
            withIds("{\"data\":{\"type\":\"partner-results\",\"attributes\":" + attributes + "}}"));
        if (r.status != 201)
            return {};
        return r.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("id")).toString();
    }
    static QStringList pointers(const HttpReply &r)
    {
        QStringList out;
        for (const QJsonValue &e : r.json().value(QStringLiteral("errors")).toArray())
            out << e.toObject()
                       .value(QStringLiteral("source"))
                       .toObject()
                       .value(QStringLiteral("pointer"))
                       .toString();
        return out;
    }

private Q_SLOTS:
    void init()
    {
        Sandbox::Config cfg;
        cfg.clock = &m_clock;
        cfg.companyWebhooks = false;
        cfg.webhookSecret = QStringLiteral("whsec_example");
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        if (tag == QLatin1String("A128GCM"))
            cfg.jweEnc = Sandbox::JweEnc::A128GCM;
        m_sandbox = std::make_unique<Sandbox>(cfg);
        m_sandbox->seedDemo();
        QVERIFY(m_sandbox->listen() != 0);
        m_candidate = m_sandbox->candidates().first().id;
        m_job = m_sandbox->applicationsOfCandidate(m_candidate).first().jobId;
    }

    void cleanup() { m_sandbox.reset(); }

    void createValidation_data()
    {
        QTest::addColumn<QByteArray>("attributes");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("pointer");
        QTest::newRow("documented example") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"job-id\":JID,\"assessment\":{\"score\":82,"
            "\"grade\":\"top_fit\",\"duration\":1934},"
            "\"details\":{\"rating\":\"10\",\"awesomeness\":\"confirmed\"},\"summary\":\"High "
            "five\",\"url\":\"https://apple.com\","
            "\"attachments\":[{\"url\":\"https://google.com/robots.txt\",\"description\":\"Test results\"}],"
            "\"actions\":[{\"buttonText\":\"Archive candidate\",\"endpoint\":\"archive/333\"}],"
            "\"assessment-criteria\":[{\"id\":\"algorithm-test-recursive-24566\",\"score\":96}]}")
                                            << 201 << QString();
        QTest::newRow("minimal") << QByteArray("{\"status\":\"sent\",\"candidate-id\":CID}") << 201
                                 << QString();
        QTest::newRow("candidate id as string")
            << QByteArray("{\"status\":\"sent\",\"candidate-id\":\"CID\"}") << 201 << QString();
        QTest::newRow("missing status")
            << QByteArray("{\"candidate-id\":CID}") << 422 << QStringLiteral("/data/attributes/status");
        QTest::newRow("unknown status") << QByteArray("{\"status\":\"done\",\"candidate-id\":CID}") << 422
                                        << QStringLiteral("/data/attributes/status");
        QTest::newRow("missing candidate-id")
            << QByteArray("{\"status\":\"sent\"}") << 422 << QStringLiteral("/data/attributes/candidate-id");
        QTest::newRow("non-numeric candidate-id")
            << QByteArray("{\"status\":\"sent\",\"candidate-id\":\"abc\"}") << 422
            << QStringLiteral("/data/attributes/candidate-id");
        QTest::newRow("unknown candidate") << QByteArray("{\"status\":\"sent\",\"candidate-id\":1}") << 422
                                           << QStringLiteral("/data/attributes/candidate-id");
        QTest::newRow("unknown job") << QByteArray("{\"status\":\"sent\",\"candidate-id\":CID,\"job-id\":5}")
                                     << 422 << QStringLiteral("/data/attributes/job-id");
        QTest::newRow("score 0") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"score\":0}}")
                                 << 201 << QString();
        QTest::newRow("score 100") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"score\":100}}")
                                   << 201 << QString();
        QTest::newRow("score 101") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"score\":101}}")
                                   << 422 << QStringLiteral("/data/attributes/assessment/score");
        QTest::newRow("score -1") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"score\":-1}}")
                                  << 422 << QStringLiteral("/data/attributes/assessment/score");
        QTest::newRow("score as text")
            << QByteArray("{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"score\":\"80\"}}")
            << 422 << QStringLiteral("/data/attributes/assessment/score");
        QTest::newRow("grade null") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"grade\":null}}")
                                    << 201 << QString();
        for (const char *grade : { "top_fit", "might_be_fit", "might_not_be_fit", "unknown" })
            QTest::addRow("grade %s", grade)
                << (QByteArray("{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"grade\":\"")
                       + grade + "\"}}")
                << 201 << QString();
        QTest::newRow("grade unknown value") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"grade\":\"great\"}}")
                                             << 422 << QStringLiteral("/data/attributes/assessment/grade");
        QTest::newRow("duration HH:MM:SS") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"duration\":\"0:32:14\"}}")
                                           << 201 << QString();
        QTest::newRow("duration bad text") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"duration\":\"32 minutes\"}}")
                                           << 422 << QStringLiteral("/data/attributes/assessment/duration");
        QTest::newRow("duration bad minutes") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment\":{\"duration\":\"0:75:00\"}}")
                                              << 422
                                              << QStringLiteral("/data/attributes/assessment/duration");
        QTest::newRow("details depth 2")
            << QByteArray("{\"status\":\"completed\",\"candidate-id\":CID,\"details\":{\"a\":{\"b\":\"c\"}}}")
            << 201 << QString();
        QTest::newRow("details depth 3") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"details\":{\"a\":{\"b\":{\"c\":1}}}}")
                                         << 422 << QStringLiteral("/data/attributes/details");
        QTest::newRow("details not an object")
            << QByteArray("{\"status\":\"completed\",\"candidate-id\":CID,\"details\":\"fine\"}") << 422
            << QStringLiteral("/data/attributes/details");
        QTest::newRow("attachment without description") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"attachments\":[{\"url\":\"https://"
            "x.example\"}]}") << 422 << QStringLiteral("/data/attributes/attachments/0");
        QTest::newRow("attachment with an extra key")
            << QByteArray("{\"status\":\"completed\",\"candidate-id\":CID,\"attachments\":[{\"url\":\"https:/"
                          "/x.example\",\"description\":\"d\",\"size\":1}]}")
            << 422 << QStringLiteral("/data/attributes/attachments/0");
        QTest::newRow("attachment with a bad url") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"attachments\":[{\"url\":\"ftp://"
            "x\",\"description\":\"d\"}]}") << 422 << QStringLiteral("/data/attributes/attachments/0/url");
        QTest::newRow("url not http")
            << QByteArray("{\"status\":\"completed\",\"candidate-id\":CID,\"url\":\"mailto:hr@example.com\"}")
            << 422 << QStringLiteral("/data/attributes/url");
        QTest::newRow("action with snake case") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"actions\":[{\"button_text\":\"x\",\"endpoint\":"
            "\"y\"}]}") << 422 << QStringLiteral("/data/attributes/actions/0");
        QTest::newRow("criteria score 120") << QByteArray(
            "{\"status\":\"completed\",\"candidate-id\":CID,\"assessment-criteria\":[{\"id\":\"x\",\"score\":"
            "120}]}") << 422 << QStringLiteral("/data/attributes/assessment-criteria/0");
        QTest::newRow("unknown attribute")
            << QByteArray("{\"status\":\"sent\",\"candidate-id\":CID,\"colour\":\"red\"}") << 422
            << QStringLiteral("/data/attributes/colour");
    }

    void createValidation()
    {
        QFETCH(QByteArray, attributes);
        QFETCH(int, status);
        QFETCH(QString, pointer);
        const HttpReply r = call("POST", QStringLiteral("/partner/v1/partner-results"),
            withIds("{\"data\":{\"type\":\"partner-results\",\"attributes\":" + attributes + "}}"));
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("X-Api-Version"), QByteArray("20180828"));
        if (status == 422) {
            QVERIFY2(pointers(r).contains(pointer), qPrintable(pointers(r).join(QLatin1Char(' '))));
            QVERIFY(m_sandbox->partnerResults().isEmpty());
            return;
        }
        const QJsonObject data = r.json().value(QStringLiteral("data")).toObject();
        const QString id = data.value(QStringLiteral("id")).toString();
        QVERIFY(!QUuid::fromString(id).isNull());
        QCOMPARE(data.value(QStringLiteral("type")).toString(), QStringLiteral("partner-results"));
        QCOMPARE(data.value(QStringLiteral("links")).toObject().value(QStringLiteral("self")).toString(),
            m_sandbox->baseUrl().toString() + QStringLiteral("/partner/v1/partner-results/") + id);
        const QJsonObject attrs = data.value(QStringLiteral("attributes")).toObject();
        QVERIFY(attrs.value(QStringLiteral("candidate-id")).isDouble());
        QCOMPARE(attrs.value(QStringLiteral("candidate-id")).toInteger(), m_candidate);
        if (attributes.contains("0:32:14"))
            QCOMPARE(attrs.value(QStringLiteral("assessment"))
                         .toObject()
                         .value(QStringLiteral("duration"))
                         .toInt(),
                1934);
        const auto stored = m_sandbox->partnerResult(id);
        QVERIFY(stored);
        QCOMPARE(stored->candidateId, m_candidate);
    }

    void updateRules_data()
    {
        QTest::addColumn<QByteArray>("attributes");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("pointer");
        QTest::newRow("status only") << QByteArray("{\"status\":\"pending\"}") << 200 << QString();
        QTest::newRow("no status is fine")
            << QByteArray("{\"summary\":\"Strong answers\"}") << 200 << QString();
        QTest::newRow("candidate-id is immutable") << QByteArray("{\"status\":\"sent\",\"candidate-id\":CID}")
                                                   << 422 << QStringLiteral("/data/attributes/candidate-id");
        QTest::newRow("bad score") << QByteArray("{\"assessment\":{\"score\":140}}") << 422
                                   << QStringLiteral("/data/attributes/assessment/score");
    }

    void updateRules()
    {
        QFETCH(QByteArray, attributes);
        QFETCH(int, status);
        QFETCH(QString, pointer);
        const QString id = create(
            "{\"status\":\"sent\",\"candidate-id\":CID,\"assessment\":{\"grade\":\"might_be_fit\"}}");
        QVERIFY(!id.isEmpty());
        const HttpReply r = call("PUT", QStringLiteral("/partner/v1/partner-results/") + id,
            withIds("{\"data\":{\"type\":\"partner-results\",\"id\":\"" + id.toLatin1()
                + "\",\"attributes\":" + attributes + "}}"));
        QCOMPARE(r.status, status);
        if (status == 422) {
            QVERIFY(pointers(r).contains(pointer));
            QCOMPARE(m_sandbox->partnerResult(id)->status(), QStringLiteral("sent"));
            return;
        }
        QCOMPARE(m_sandbox->partnerResult(id)->grade(), QStringLiteral("might_be_fit"));
    }

    void scoreUpdateKeepsEarlierAssessment()
    {
        const QString id = create("{\"status\":\"sent\",\"candidate-id\":CID,\"assessment\":{\"grade\":\"top_"
                                  "fit\",\"duration\":\"1:00:00\"}}");
        const HttpReply r = call("PUT", QStringLiteral("/partner/v1/partner-results/") + id,
            "{\"data\":{\"type\":\"partner-results\",\"id\":\"" + id.toLatin1()
                + "\",\"attributes\":{\"status\":\"completed\",\"assessment\":{\"score\":91}}}}");
        QCOMPARE(r.status, 200);
        const auto result = m_sandbox->partnerResult(id);
        QCOMPARE(result->score(), std::optional<int>(91));
        QCOMPARE(result->grade(), QStringLiteral("top_fit"));
        QCOMPARE(result->attributes.value(QStringLiteral("assessment"))
                     .toObject()
                     .value(QStringLiteral("duration"))
                     .toInt(),
            3600);
        QCOMPARE(result->status(), QStringLiteral("completed"));
        // The public API shows the read-only view.
        const HttpReply view
            = httpRequest(m_nam, "GET", url(QStringLiteral("/v1/partner-results/") + id), companyHeaders());
        QCOMPARE(view.status, 200);
        const QJsonObject attrs = view.json()
                                      .value(QStringLiteral("data"))
                                      .toObject()
                                      .value(QStringLiteral("attributes"))
                                      .toObject();
        QCOMPARE(attrs.value(QStringLiteral("assessment-score")).toInt(), 91);
        QVERIFY(attrs.value(QStringLiteral("details")).isString());
        QCOMPARE(attrs.value(QStringLiteral("partner-name")).toString(), QStringLiteral("Intrvio"));
    }

    void documentErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("not json") << QByteArray("nope") << 400;
        QTest::newRow("no data") << QByteArray("{\"attributes\":{}}") << 400;
        QTest::newRow("wrong type") << QByteArray(
            "{\"data\":{\"type\":\"candidates\",\"attributes\":{\"status\":\"sent\"}}}")
                                    << 409;
        QTest::newRow("id mismatch") << QByteArray(
            "{\"data\":{\"type\":\"partner-results\",\"id\":\"other\",\"attributes\":{}}}")
                                     << 409;
    }

    void documentErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        const QString id = create("{\"status\":\"sent\",\"candidate-id\":CID}");
        const HttpReply r = call("PUT", QStringLiteral("/partner/v1/partner-results/") + id, body);
        QCOMPARE(r.status, status);
        QVERIFY(r.json().contains(QStringLiteral("errors")));
    }

    void listShowDelete()
    {
        QStringList ids;
        for (int i = 0; i < 12; ++i)
            ids << create("{\"status\":\"sent\",\"candidate-id\":CID}");
        HttpReply r = call("GET", QStringLiteral("/partner/v1/partner-results"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("data")).toArray().size(), 10);
        QCOMPARE(
            r.json().value(QStringLiteral("meta")).toObject().value(QStringLiteral("record-count")).toInt(),
            12);
        QCOMPARE(
            r.json().value(QStringLiteral("meta")).toObject().value(QStringLiteral("page-count")).toInt(), 2);
        QVERIFY(r.json()
                    .value(QStringLiteral("links"))
                    .toObject()
                    .value(QStringLiteral("next"))
                    .toString()
                    .contains(QLatin1String("page%5Bnumber%5D=2")));
        r = call("GET", QStringLiteral("/partner/v1/partner-results?page[size]=31"));
        QCOMPARE(r.status, 400);
        r = call("GET", QStringLiteral("/partner/v1/partner-results/") + ids.first());
        QCOMPARE(r.status, 200);
        r = call("DELETE", QStringLiteral("/partner/v1/partner-results/") + ids.first());
        QCOMPARE(r.status, 204);
        QVERIFY(!m_sandbox->partnerResult(ids.first()));
        QCOMPARE(call("GET", QStringLiteral("/partner/v1/partner-results/") + ids.first()).status, 404);
        QCOMPARE(call("DELETE", QStringLiteral("/partner/v1/partner-results/") + ids.first()).status, 404);
    }

    void authAndVersion_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<QByteArray>("version");
        QTest::addColumn<int>("status");
        QTest::newRow("Bearer") << QByteArray("Bearer sandbox-partner-api-key") << QByteArray("20180828")
                                << 200;
        QTest::newRow("Token") << QByteArray("Token sandbox-partner-api-key") << QByteArray("20180828")
                               << 200;
        QTest::newRow("Token token=")
            << QByteArray("Token token=sandbox-partner-api-key") << QByteArray("20180828") << 200;
        QTest::newRow("company token")
            << QByteArray("Bearer sandbox-company-token") << QByteArray("20180828") << 401;
        QTest::newRow("no auth") << QByteArray() << QByteArray("20180828") << 401;
        QTest::newRow("public version")
            << QByteArray("Bearer sandbox-partner-api-key") << QByteArray("20240904") << 406;
        QTest::newRow("no version") << QByteArray("Bearer sandbox-partner-api-key") << QByteArray() << 406;
    }

    void authAndVersion()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(QByteArray, version);
        QFETCH(int, status);
        RawHeaders h;
        if (!authorization.isEmpty())
            h.append({ "Authorization", authorization });
        if (!version.isEmpty())
            h.append({ "X-Api-Version", version });
        const HttpReply r = call("GET", QStringLiteral("/partner/v1/partner-results"), {}, h);
        QCOMPARE(r.status, status);
        if (status == 406)
            QVERIFY(r.body.contains("20180828"));
        if (status == 200)
            QCOMPARE(r.header("X-Api-Version"), QByteArray("20180828"));
        QVERIFY(r.hasHeader("X-Rate-Limit-Remaining"));
    }

    void wrongContentTypeIs415()
    {
        RawHeaders h { { "Authorization", "Bearer sandbox-partner-api-key" }, { "X-Api-Version", "20180828" },
            { "Content-Type", "text/plain" } };
        const HttpReply r = call("POST", QStringLiteral("/partner/v1/partner-results"),
            withIds("{\"data\":{\"type\":\"partner-results\",\"attributes\":{\"status\":\"sent\",\"candidate-"
                    "id\":CID}}}"),
            h);
        QCOMPARE(r.status, 415);
        QVERIFY(m_sandbox->partnerResults().isEmpty());
    }

    void activationsBeforeActivationAreEmpty()
    {
        const HttpReply r = call("GET", QStringLiteral("/partner/v1/partner-activations"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("data")).toArray().size(), 0);
        QCOMPARE(call("GET", QStringLiteral("/partner/v1/partner-activations/1")).status, 404);
    }

    void activationProviderKeyIsDecryptableJwe_data()
    {
        QTest::addColumn<bool>("jwt");
        QTest::newRow("A256GCM") << false;
        QTest::newRow("A128GCM") << true;
    }

    void activationProviderKeyIsDecryptableJwe()
    {
        QFETCH(bool, jwt);
        const QJsonObject fields { { QStringLiteral("clientId"), QStringLiteral("acme-42") },
            { QStringLiteral("language"), QStringLiteral("1") } };
        const QString providerKey = m_sandbox->activatePartner(jwt ? fields : QJsonObject {});
        if (jwt) {
            // The provider key is an HS256 JWT of the form values, signed with the partner API key.
            const auto payload = verifyJwtHs256(providerKey.toLatin1(), "sandbox-partner-api-key");
            QVERIFY(payload);
            QCOMPARE(*payload, fields);
        } else {
            QVERIFY(!QUuid::fromString(providerKey).isNull());
        }
        const HttpReply list = call("GET", QStringLiteral("/partner/v1/partner-activations"));
        QCOMPARE(list.status, 200);
        const QJsonArray data = list.json().value(QStringLiteral("data")).toArray();
        QCOMPARE(data.size(), 1);
        const QJsonObject attrs = data.at(0).toObject().value(QStringLiteral("attributes")).toObject();
        QCOMPARE(attrs.value(QStringLiteral("company-name")).toString(), m_sandbox->company().name);
        QCOMPARE(attrs.value(QStringLiteral("company-uuid")).toString(), m_sandbox->company().uuid);
        const QByteArray jwe = attrs.value(QStringLiteral("provider-key")).toString().toLatin1();
        const QJsonObject header = QJsonDocument::fromJson(b64url(jwe.split('.').first())).object();
        QCOMPARE(
            header.value(QStringLiteral("enc")).toString(), QString::fromLatin1(QTest::currentDataTag()));
        const auto plain = decryptJwe(jwe, "whsec_example");
        QVERIFY(plain);
        QCOMPARE(QString::fromUtf8(*plain), providerKey);
        QVERIFY(!decryptJwe(jwe, "sandbox-webhook-secret"));
        const HttpReply one = call("GET", QStringLiteral("/partner/v1/partner-activations/1"));
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("attributes"))
                     .toObject()
                     .value(QStringLiteral("provider-key"))
                     .toString(),
            QString::fromLatin1(jwe));
    }
};

QTEST_GUILESS_MAIN(tst_SandboxPartnerApi)
#include "tst_sandboxpartnerapi.moc"

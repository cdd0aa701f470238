// The `teamtailor-sandbox` binary as a black box: help, usage errors (exit 2), the demo seed served
// over HTTP with its candidate-card pages and control surface, and a clean exit on SIGTERM.
#include "tests/sandbox/SandboxTestHttp.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

using namespace intrvio::test;

class tst_SandboxCli : public QObject
{
    Q_OBJECT
private:
    QString m_bin = binaryPath(QStringLiteral("teamtailor-sandbox"));
    QNetworkAccessManager m_nam;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(m_bin), qPrintable(m_bin)); }

    void helpExplainsEveryOption()
    {
        const ProcessResult r = runProcess(m_bin, { QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        for (const char *text : { "--listen HOST:PORT", "--partner-base-url URL", "--seed demo|N",
                 "--faults SPEC", "latency=MS", "error-rate=R", "storm429=SECS", "down=SECS",
                 "latency=200,error-rate=0.1,storm429=30,down=15", "--activate", "--jwe-enc",
                 "--tt-signature", "--no-rate-limit", "--company-webhook-url", "Exit codes",
                 "TT_SANDBOX_PARTNER_API_KEY", "/_sandbox/", "note-latency=MS", "refuse=SECS",
                 "/_sandbox/partner", "/_sandbox/candidates/ID/partner-results" })
            QVERIFY2(r.out.contains(text), text);
    }

    void usageErrorsExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        const QString listen = QStringLiteral("--listen");
        const QString partner = QStringLiteral("--partner-base-url");
        const QString local = QStringLiteral("127.0.0.1:0");
        const QString url = QStringLiteral("http://127.0.0.1:9");
        QTest::newRow("unknown option")
            << QStringList { QStringLiteral("--nope") } << QByteArray("Unknown option \"--nope\"");
        QTest::newRow("no listen") << QStringList { partner, url }
                                   << QByteArray("--listen HOST:PORT is required");
        QTest::newRow("no partner url")
            << QStringList { listen, local } << QByteArray("--partner-base-url URL is required");
        QTest::newRow("listen without port")
            << QStringList { listen, QStringLiteral("127.0.0.1"), partner, url } << QByteArray("HOST:PORT");
        QTest::newRow("listen host name") << QStringList { listen, QStringLiteral("example.com:80"), partner,
            url } << QByteArray("IP address");
        QTest::newRow("listen missing value")
            << QStringList { listen } << QByteArray("--listen needs HOST:PORT");
        QTest::newRow("partner url ftp")
            << QStringList { listen, local, partner, QStringLiteral("ftp://x") } << QByteArray("http(s) URL");
        QTest::newRow("bad faults") << QStringList { listen, local, partner, url, QStringLiteral("--faults"),
            QStringLiteral("earthquake=1") }
                                    << QByteArray("unknown fault \"earthquake\"");
        QTest::newRow("bad error rate") << QStringList { listen, local, partner, url,
            QStringLiteral("--faults"), QStringLiteral("error-rate=3") }
                                        << QByteArray("from 0 to 1");
        QTest::newRow("bad seed") << QStringList { listen, local, partner, url, QStringLiteral("--seed"),
            QStringLiteral("lots") }
                                  << QByteArray("bad --seed");
        QTest::newRow("bad jwe enc") << QStringList { listen, local, partner, url,
            QStringLiteral("--jwe-enc"), QStringLiteral("A192GCM") }
                                     << QByteArray("A128GCM or A256GCM");
    }

    void usageErrorsExit2()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const ProcessResult r = runProcess(m_bin, args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
        QVERIFY(r.err.contains("--help"));
    }

    void demoSeedServesCandidateCardsAndControl()
    {
        QProcess p;
        p.start(m_bin,
            { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--partner-base-url"),
                QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--seed"), QStringLiteral("demo"),
                QStringLiteral("--activate") });
        QVERIFY(p.waitForStarted());
        QByteArray out;
        while (!out.contains('\n') && p.waitForReadyRead(10000))
            out += p.readAllStandardOutput();
        const QString base = QString::fromLatin1(out.left(out.indexOf('\n'))).trimmed();
        QVERIFY2(base.startsWith(QLatin1String("http://127.0.0.1:")), out.constData());

        // Index page lists candidates with links to their cards.
        const HttpReply index = httpRequest(m_nam, "GET", QUrl(base + QStringLiteral("/_sandbox/")));
        QCOMPARE(index.status, 200);
        QVERIFY(index.header("Content-Type").startsWith("text/html"));
        QVERIFY(index.body.contains("Northwind Robotics"));
        const auto link = QRegularExpression(QStringLiteral("/_sandbox/candidates/(\\d+)"))
                              .match(QString::fromUtf8(index.body));
        QVERIFY(link.hasMatch());

        const HttpReply card = httpRequest(m_nam, "GET", QUrl(base + link.captured(0)));
        QCOMPARE(card.status, 200);
        QVERIFY(card.body.contains("Applications"));
        QVERIFY(card.body.contains("Partner results"));
        QVERIFY(card.body.contains("<style>"));
        QVERIFY(!card.body.contains("<script"));
        QCOMPARE(
            httpRequest(m_nam, "GET", QUrl(base + QStringLiteral("/_sandbox/candidates/1"))).status, 404);

        // Control surface: state, activation was done by --activate, move by stage name.
        const HttpReply state = httpRequest(m_nam, "GET", QUrl(base + QStringLiteral("/_sandbox/state")));
        QCOMPARE(state.status, 200);
        QVERIFY(state.json().value(QStringLiteral("activated")).toBool());
        QCOMPARE(
            state.json().value(QStringLiteral("counts")).toObject().value(QStringLiteral("jobs")).toInt(), 3);
        const HttpReply apps = httpRequest(
            m_nam, "GET", QUrl(base + QStringLiteral("/v1/job-applications?page[size]=1")), companyHeaders());
        QCOMPARE(apps.status, 200);
        const QString appId = apps.json()
                                  .value(QStringLiteral("data"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("id"))
                                  .toString();
        const HttpReply moved = httpRequest(m_nam, "POST",
            QUrl(base + QStringLiteral("/_sandbox/applications/%1/move").arg(appId)),
            { { "Content-Type", "application/json" } }, R"({"stage":"First interview"})");
        QCOMPARE(moved.status, 200);
        const HttpReply badMove = httpRequest(m_nam, "POST",
            QUrl(base + QStringLiteral("/_sandbox/applications/%1/move").arg(appId)),
            { { "Content-Type", "application/json" } }, R"({"stage-id":1})");
        QCOMPARE(badMove.status, 422);
        const HttpReply faults = httpRequest(m_nam, "POST", QUrl(base + QStringLiteral("/_sandbox/faults")),
            { { "Content-Type", "application/json" } }, R"({"spec":"earthquake=1"})");
        QCOMPARE(faults.status, 422);
        const HttpReply log = httpRequest(m_nam, "GET", QUrl(base + QStringLiteral("/_sandbox/requests")));
        QCOMPARE(log.status, 200);
        QVERIFY(log.json().value(QStringLiteral("requests")).toArray().size() >= 5);

        // Where the partner is, settable once it has bound its port.
        const RawHeaders json { { "Content-Type", "application/json" } };
        const QUrl partnerUrl(base + QStringLiteral("/_sandbox/partner"));
        QCOMPARE(httpRequest(m_nam, "GET", partnerUrl).json().value(QStringLiteral("base-url")).toString(),
            QStringLiteral("http://127.0.0.1:9"));
        const HttpReply setPartner
            = httpRequest(m_nam, "POST", partnerUrl, json, "{\"base-url\":\"http://127.0.0.1:4567\"}");
        QCOMPARE(setPartner.status, 200);
        QCOMPARE(setPartner.json().value(QStringLiteral("company-webhook-url")).toString(),
            QStringLiteral("http://127.0.0.1:4567/company-webhooks"));
        const HttpReply badPartner = httpRequest(m_nam, "POST", partnerUrl, json, "{\"base-url\":\"ftp://x\"}");
        QCOMPARE(badPartner.status, 422);
        QVERIFY(badPartner.body.contains("http(s) URL"));
        QCOMPARE(httpRequest(m_nam, "POST", partnerUrl, json, "{}").status, 422);
        const HttpReply results = httpRequest(m_nam, "GET",
            QUrl(base + QStringLiteral("/_sandbox/candidates/%1/partner-results").arg(link.captured(1))));
        QCOMPARE(results.status, 200);
        QVERIFY(results.json().value(QStringLiteral("partner-results")).isArray());

        // refuse: answered first, then connections are refused for a second, then served again.
        const HttpReply refuse = httpRequest(
            m_nam, "POST", QUrl(base + QStringLiteral("/_sandbox/faults")), json, R"({"spec":"refuse=1"})");
        QCOMPARE(refuse.status, 200);
        QCOMPARE(httpRequest(m_nam, "GET", QUrl(base + QStringLiteral("/_sandbox/state"))).error,
            QNetworkReply::ConnectionRefusedError);
        QTRY_COMPARE_WITH_TIMEOUT(
            httpRequest(m_nam, "GET", QUrl(base + QStringLiteral("/_sandbox/state"))).status, 200, 10000);

        // SIGTERM ends it cleanly.
        p.terminate();
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_SandboxCli)
#include "tst_sandboxcli.moc"

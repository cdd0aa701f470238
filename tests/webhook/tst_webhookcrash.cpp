// Crash safety of the real `intrvio --headless` process: deliveries acknowledged before a SIGKILL
// are processed after the restart, each exactly once; SIGTERM drains and exits 0.
#include "HttpTestClient.h"
#include "tests/support/TestSupport.h"

#include "models/Store.h"
#include "net/crypto/Signatures.h"

#include <QDateTime>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace intrvio;
using intrvio::test::HttpTestClient;

namespace {
const QByteArray Secret = "crash-test-webhook-secret";
const QByteArray Provider = "4e1f3c2a-9b8d-4c7e-a6f5-0123456789ab";

class Service
{
public:
    explicit Service(const QString &dataDir, bool hold)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (hold)
            env.insert(QStringLiteral("INTRVIO_TEST_HOLD_INBOX"), QStringLiteral("1"));
        else
            env.remove(QStringLiteral("INTRVIO_TEST_HOLD_INBOX"));
        m_process.setProcessEnvironment(env);
        m_process.start(test::binaryPath(QStringLiteral("intrvio")),
            { QStringLiteral("--headless"), QStringLiteral("--data-dir"), dataDir, QStringLiteral("--listen"),
                QStringLiteral("127.0.0.1:0") });
    }
    ~Service()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    // Waits until the port is printed and the secrets are loaded (readyz 200).
    quint16 waitReady()
    {
        static const QRegularExpression re(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000 && m_port == 0) {
            m_process.waitForReadyRead(100);
            m_err += m_process.readAllStandardError();
            const auto m = re.match(QString::fromUtf8(m_err));
            if (m.hasMatch())
                m_port = quint16(m.captured(1).toUInt());
        }
        while (m_port && t.elapsed() < 20000) {
            HttpTestClient c(m_port);
            if (c.connect()) {
                c.write(HttpTestClient::request("GET", "/readyz", {}));
                if (c.read().status == 200)
                    return m_port;
            }
            QTest::qWait(50);
        }
        return 0;
    }
    QByteArray stderrText()
    {
        m_err += m_process.readAllStandardError();
        return m_err;
    }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QByteArray m_err;
    quint16 m_port = 0;
};

QByteArray body(const QByteArray &id)
{
    return R"({"partner-event":{"id":")" + id
        + R"(","candidate":{"id":7,"job":{"id":1}}},"company":{"uuid":"u1","name":"Acme"}})";
}
} // namespace

class tst_WebhookCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acknowledgedDeliveriesSurviveSigkill()
    {
        QTemporaryDir dir;
        const QString dataDir = dir.path() + QStringLiteral("/data");
        const QString intrvio = test::binaryPath(QStringLiteral("intrvio"));
        for (const auto &[name, value] : { std::pair { QStringLiteral("webhook-secret"), Secret },
                 std::pair { QStringLiteral("provider-key"), Provider } }) {
            const auto r = test::runProcess(intrvio,
                { QStringLiteral("--data-dir"), dataDir, QStringLiteral("secret"), QStringLiteral("set"),
                    name },
                value);
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }

        // Run 1: processing held, so acknowledged rows are still unprocessed when the process dies.
        QStringList acknowledged;
        {
            Service s(dataDir, true);
            const quint16 port = s.waitReady();
            QVERIFY2(port, s.stderrText().constData());
            for (int i = 0; i < 20; ++i) {
                const QByteArray id = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
                const qint64 t = QDateTime::currentSecsSinceEpoch();
                HttpTestClient c(port);
                QVERIFY(c.connect());
                c.write(HttpTestClient::request("POST", "/webhook",
                    { { "Content-Type", "application/json" }, { "Authorization", "Bearer " + Provider },
                        { "Teamtailor-Signature",
                            "t=" + QByteArray::number(t) + ",v1=" + PartnerSignature::sign(id, Secret, t) } },
                    body(id)));
                QCOMPARE(c.read().status, 202);
                acknowledged << QString::fromLatin1(id);
            }
            s.process().kill(); // SIGKILL: no chance to clean up
            QVERIFY(s.process().waitForFinished(5000));
            QCOMPARE(s.process().exitStatus(), QProcess::CrashExit);
        }
        {
            StoreError error;
            auto store = Store::openInDataDir(dataDir, &error);
            QVERIFY2(store, qPrintable(error.message));
            QSqlQuery q(store->database());
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM inbox_state WHERE processed_at IS NULL")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 20); // every acknowledged delivery is on disk
        }

        // Run 2: unprocessed rows are processed on start; SIGTERM then drains and exits 0.
        QByteArray log;
        {
            Service s(dataDir, false);
            QVERIFY2(s.waitReady(), s.stderrText().constData());
            QTRY_VERIFY_WITH_TIMEOUT(s.stderrText().count("inbox processed id=") >= 20, 20000);
            s.process().terminate();
            QVERIFY(s.process().waitForFinished(15000));
            QCOMPARE(s.process().exitStatus(), QProcess::NormalExit);
            QCOMPARE(s.process().exitCode(), 0);
            log = s.stderrText();
        }
        // Run 3: nothing is processed a second time.
        {
            Service s(dataDir, false);
            QVERIFY(s.waitReady());
            QTest::qWait(300);
            s.process().terminate();
            QVERIFY(s.process().waitForFinished(15000));
            QCOMPARE(s.process().exitCode(), 0);
            QVERIFY2(!s.stderrText().contains("inbox processed id="), s.stderrText().constData());
        }
        StoreError error;
        auto store = Store::openInDataDir(dataDir, &error);
        QVERIFY(store);
        QSqlQuery q(store->database());
        QVERIFY(q.exec(
            QStringLiteral("SELECT id, event_key, processed_at, attempts FROM inbox_state ORDER BY id")));
        int rows = 0;
        while (q.next()) {
            ++rows;
            QVERIFY(!q.value(2).isNull());
            QCOMPARE(q.value(3).toInt(), 1);
            QVERIFY(acknowledged.contains(q.value(1).toString().mid(8)));
            const QByteArray line = "inbox processed id=" + q.value(0).toByteArray() + " ";
            QCOMPARE(log.count(line), 1); // exactly once
        }
        QCOMPARE(rows, 20);
    }
};

QTEST_GUILESS_MAIN(tst_WebhookCrash)
#include "tst_webhookcrash.moc"

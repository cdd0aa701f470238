// `intrvio --demo --headless` as a black box: the real binary, its embedded sandbox and its
// webhook server over loopback HTTP, the real keychain (test keyring session), the real store.
#include "tests/support/TestSupport.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace intrvio::test;

namespace {

struct Http
{
    int status = 0;
    QByteArray body;
};

Http request(
    QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url, const QByteArray &body = {})
{
    QNetworkRequest req(url);
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    Http r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    reply->deleteLater();
    return r;
}

// A running `intrvio --demo --headless`, its stderr read line by line.
class DemoProcess
{
public:
    explicit DemoProcess(const QString &dataDir)
    {
        m_process.setProgram(binaryPath(QStringLiteral("intrvio")));
        m_process.setArguments(
            { QStringLiteral("--demo"), QStringLiteral("--headless"), QStringLiteral("--data-dir"), dataDir,
                QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
            [this] { m_err += m_process.readAllStandardError(); });
        m_process.start();
    }
    ~DemoProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    QProcess &process() { return m_process; }
    const QByteArray &err() const { return m_err; }
    QString line(const QString &prefix) const
    {
        for (const QByteArray &l : m_err.split('\n')) {
            const QString s = QString::fromUtf8(l);
            if (s.startsWith(prefix))
                return s;
        }
        return {};
    }
    QUrl lastUrlOf(const QString &prefix) const
    {
        const QString l = line(prefix);
        static const QRegularExpression url(QStringLiteral("(http://[^\\s'\"]+)"));
        QUrl last;
        auto it = url.globalMatch(l);
        while (it.hasNext())
            last = QUrl(it.next().captured(1));
        return last;
    }
    bool ready() const { return m_err.contains("demo: ready"); }
    // SIGTERM; returns the exit code (-1 on a crash or a hang).
    int terminate()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(20000) || m_process.exitStatus() != QProcess::NormalExit)
            return -1;
        return m_process.exitCode();
    }

private:
    QProcess m_process;
    QByteArray m_err;
};

int mappingCount(const QString &dataDir)
{
    const ProcessResult r = runProcess(binaryPath(QStringLiteral("intrvio")),
        { QStringLiteral("--data-dir"), dataDir, QStringLiteral("mapping"), QStringLiteral("export") });
    if (r.exitCode != 0)
        return -1;
    return int(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("mappings")).toArray().size());
}

} // namespace

class tst_Demo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headlessDemoTellsTheStory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString dataDir = dir.path() + QStringLiteral("/demo");
        QNetworkAccessManager nam;
        {
            DemoProcess demo(dataDir);
            QVERIFY2(demo.process().waitForStarted(10000), "intrvio did not start");
            QTRY_VERIFY2_WITH_TIMEOUT(demo.ready() || demo.process().state() == QProcess::NotRunning,
                demo.err().constData(), 60000);
            QVERIFY2(demo.ready(), demo.err().constData());
            QVERIFY2(demo.err().contains("demo: ready (synced"), demo.err().constData());

            const QUrl sandbox = demo.lastUrlOf(QStringLiteral("demo: Teamtailor sandbox"));
            const QUrl index = demo.lastUrlOf(QStringLiteral("demo: candidate cards:"));
            const QUrl webhook = demo.lastUrlOf(QStringLiteral("demo: our webhook server"));
            const QString curl = demo.line(QStringLiteral("demo:   curl -X POST"));
            const QUrl move = demo.lastUrlOf(QStringLiteral("demo:   curl -X POST"));
            QVERIFY2(sandbox.isValid() && sandbox.port() > 0, demo.err().constData());
            QCOMPARE(index.path(), QStringLiteral("/_sandbox/"));
            QVERIFY2(webhook.port() > 0 && webhook.port() != sandbox.port(), demo.err().constData());
            QVERIFY2(move.path().startsWith(QLatin1String("/_sandbox/applications/"))
                    && move.path().endsWith(QLatin1String("/move")),
                qPrintable(curl));

            const Http cards = request(nam, "GET", index);
            QCOMPARE(cards.status, 200);
            QVERIFY(cards.body.contains("Northwind Robotics"));
            QVERIFY(cards.body.contains("/_sandbox/candidates/"));
            QCOMPARE(request(nam, "GET", webhook.resolved(QUrl(QStringLiteral("/healthz")))).status, 200);

            // The trigger forms fetched while setting up were answered by us.
            const Http before
                = request(nam, "GET", sandbox.resolved(QUrl(QStringLiteral("/_sandbox/webhooks"))));
            QCOMPARE(before.status, 200);
            int configs = 0;
            for (const QJsonValue v :
                QJsonDocument::fromJson(before.body).object().value(QStringLiteral("webhooks")).toArray())
                if (v[QStringLiteral("kind")].toString() == QLatin1String("config")
                    && v[QStringLiteral("status")].toInt() == 200)
                    ++configs;
            QCOMPARE(configs, 3); // one "Phone screen" stage per demo job

            // Move a candidate with the printed command's route and body.
            QVERIFY2(curl.contains(QLatin1String("{\"stage\": \"Phone screen\"}")), qPrintable(curl));
            const Http moved = request(nam, "POST", move, QByteArrayLiteral("{\"stage\": \"Phone screen\"}"));
            QVERIFY2(moved.status == 200, moved.body.constData());

            int partnerEventStatus = 0;
            int companyWebhookStatus = 0;
            const auto bothAnswered = [&] {
                const Http log
                    = request(nam, "GET", sandbox.resolved(QUrl(QStringLiteral("/_sandbox/webhooks"))));
                for (const QJsonValue v :
                    QJsonDocument::fromJson(log.body).object().value(QStringLiteral("webhooks")).toArray()) {
                    const QString kind = v[QStringLiteral("kind")].toString();
                    if (kind == QLatin1String("partner-event"))
                        partnerEventStatus = v[QStringLiteral("status")].toInt();
                    if (kind == QLatin1String("company-webhook"))
                        companyWebhookStatus = v[QStringLiteral("status")].toInt();
                }
                return partnerEventStatus != 0 && companyWebhookStatus != 0;
            };
            QTRY_VERIFY_WITH_TIMEOUT(bothAnswered(), 20000);
            QVERIFY2(partnerEventStatus >= 200 && partnerEventStatus < 300, demo.err().constData());
            QVERIFY2(companyWebhookStatus >= 200 && companyWebhookStatus < 300, demo.err().constData());
            QTRY_VERIFY2_WITH_TIMEOUT(
                demo.err().contains("demo: Teamtailor POST /webhook (partner-event) -> 2"),
                demo.err().constData(), 10000);

            QCOMPARE(demo.terminate(), 0);
        }

        // The demo's secrets are in the keychain (the demo data dir's scope), not in files.
        for (const char *name :
            { "partner-api-key", "webhook-secret", "company-api-token", "company-webhook-secret" }) {
            const ProcessResult status = runProcess(binaryPath(QStringLiteral("intrvio")),
                { QStringLiteral("--data-dir"), dataDir, QStringLiteral("secret"), QStringLiteral("status"),
                    QString::fromLatin1(name) });
            QVERIFY2(status.exitCode == 0, QByteArray(QByteArray(name) + ": " + status.err).constData());
        }

        // The store has the synced demo company and the default mapping.
        {
            QSqlDatabase db
                = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("demo-check"));
            db.setDatabaseName(dataDir + QStringLiteral("/intrvio.sqlite"));
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT title FROM jobs ORDER BY title")));
            QStringList titles;
            while (q.next())
                titles << q.value(0).toString();
            QCOMPARE(titles,
                (QStringList { QStringLiteral("Customer Success Manager"), QStringLiteral("Product Designer"),
                    QStringLiteral("Senior Backend Engineer") }));
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM candidates")) && q.next());
            QVERIFY2(q.value(0).toInt() >= 25, qPrintable(q.value(0).toString()));
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM stages WHERE name = 'Phone screen'"))
                && q.next());
            QCOMPARE(q.value(0).toInt(), 3);
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("demo-check"));
        QCOMPARE(mappingCount(dataDir), 3);

        // A second run reuses the data dir: same secrets, no duplicated mappings, synced again.
        {
            DemoProcess demo(dataDir);
            QVERIFY(demo.process().waitForStarted(10000));
            QTRY_VERIFY2_WITH_TIMEOUT(demo.ready() || demo.process().state() == QProcess::NotRunning,
                demo.err().constData(), 60000);
            QVERIFY2(demo.err().contains("demo: ready (synced"), demo.err().constData());
            QCOMPARE(demo.terminate(), 0);
        }
        QCOMPARE(mappingCount(dataDir), 3);
    }
};

QTEST_GUILESS_MAIN(tst_Demo)
#include "tst_demo.moc"

// The `intrvio` binary as a black box: exit codes, messages, and the keychain round trip.
#include "tests/support/TestSupport.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

using namespace intrvio::test;

class tst_Cli : public QObject
{
    Q_OBJECT
private:
    QString m_bin = binaryPath(QStringLiteral("intrvio"));

    ProcessResult intrvio(const QStringList &args, const QByteArray &input = {},
                          const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        return runProcess(m_bin, args, input, env);
    }

private Q_SLOTS:
    void helpDocumentsEveryOption()
    {
        const ProcessResult r = intrvio({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char *option : {"--demo", "--headless", "--data-dir", "--listen", "--public-url",
                                   "--teamtailor-url", "--region", "--version", "secret set|clear|status",
                                   "Exit codes"})
            QVERIFY2(r.out.contains(option), option);
    }

    void version()
    {
        const ProcessResult r = intrvio({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("intrvio "));
    }

    void usageErrorsExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--nope")} << QByteArray("Unknown option");
        QTest::newRow("bad region") << QStringList{QStringLiteral("--region"), QStringLiteral("mars")}
                                    << QByteArray("eu, na or au");
        QTest::newRow("secret without action") << QStringList{QStringLiteral("secret")}
                                               << QByteArray("needs an action");
        QTest::newRow("secret unknown name")
            << QStringList{QStringLiteral("secret"), QStringLiteral("status"), QStringLiteral("password")}
            << QByteArray("known names");
        QTest::newRow("secret set two names")
            << QStringList{QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("a"), QStringLiteral("b")}
            << QByteArray("exactly one NAME");
    }

    void usageErrorsExit2()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const ProcessResult r = intrvio(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.crashed);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void noSessionBusExits3WithHelp()
    {
        QTemporaryDir dir;
        const ProcessResult r = intrvio({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("secret"),
                                         QStringLiteral("status"), QStringLiteral("partner-api-key")},
                                        {}, environmentWithoutSessionBus());
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("D-Bus"), r.err.constData());
        QVERIFY2(r.err.contains("dbus-run-session"), r.err.constData());
    }

    void secretRoundTripNeverTouchesDisk()
    {
        QTemporaryDir dir;
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        const QByteArray secret = "tt-api-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const QStringList base{QStringLiteral("--data-dir"), dataDir, QStringLiteral("secret")};

        ProcessResult r = intrvio(base + QStringList{QStringLiteral("status"), QStringLiteral("partner-api-key")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.out.contains("not set"));

        r = intrvio(base + QStringList{QStringLiteral("set"), QStringLiteral("partner-api-key")}, secret + '\n');
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.out.contains(secret));
        QVERIFY(!r.err.contains(secret));

        r = intrvio(base + QStringList{QStringLiteral("status"), QStringLiteral("partner-api-key")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("partner-api-key: set"));
        QVERIFY(!r.out.contains(secret));

        r = intrvio(base + QStringList{QStringLiteral("status")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("partner-api-key: set"));
        QVERIFY(r.out.contains("webhook-secret: not set"));

        // Empty input is refused rather than storing an empty secret.
        r = intrvio(base + QStringList{QStringLiteral("set"), QStringLiteral("webhook-secret")}, "\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("empty value"));

        // Running the app headless creates the store; the secret must not be in it.
        QProcess service;
        service.start(m_bin, {QStringLiteral("--data-dir"), dataDir, QStringLiteral("--headless"),
                              QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY(service.waitForStarted());
        // Ready once it says so (the store already exists: `secret set` audits into it).
        QByteArray serviceErr;
        QTRY_VERIFY_WITH_TIMEOUT((serviceErr += service.readAllStandardError()).contains("running headless"), 10000);
        service.terminate();
        QVERIFY(service.waitForFinished(10000));
        QCOMPARE(service.exitStatus(), QProcess::NormalExit);
        QCOMPARE(service.exitCode(), 0);

        QString where;
        QVERIFY2(!directoryContains(dataDir, secret, &where), qPrintable(where));

        r = intrvio(base + QStringList{QStringLiteral("clear"), QStringLiteral("partner-api-key")});
        QCOMPARE(r.exitCode, 0);
        r = intrvio(base + QStringList{QStringLiteral("status"), QStringLiteral("partner-api-key")});
        QCOMPARE(r.exitCode, 3);
    }

    void backupAndRestoreRoundTrip()
    {
        QTemporaryDir dir;
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        const QString backup = dir.filePath(QStringLiteral("backup.sqlite"));
        const QStringList global{QStringLiteral("--data-dir"), dataDir};

        // The service runs and holds the data directory while a backup is taken.
        QProcess service;
        service.start(m_bin, global + QStringList{QStringLiteral("--headless"), QStringLiteral("--listen"),
                                                  QStringLiteral("127.0.0.1:0")});
        QVERIFY(service.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dataDir + QLatin1String("/intrvio.lock")), 10000);

        ProcessResult r = intrvio(global + QStringList{QStringLiteral("backup"), backup});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFile::exists(backup));
        r = intrvio(global + QStringList{QStringLiteral("backup"), backup});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("already exists"));

        // A second instance and a restore are refused while it runs.
        r = intrvio(global + QStringList{QStringLiteral("--headless")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("Another Intrvio"), r.err.constData());
        r = intrvio(global + QStringList{QStringLiteral("restore"), backup});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("Stop it first"));

        service.terminate();
        QVERIFY(service.waitForFinished(10000));
        QCOMPARE(service.exitCode(), 0);

        r = intrvio(global + QStringList{QStringLiteral("restore"), backup});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFile::exists(dataDir + QLatin1String("/intrvio.sqlite.before-restore")));
        r = intrvio(global + QStringList{QStringLiteral("restore"), dir.filePath(QStringLiteral("nope"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("Nothing was changed"));
    }

    void corruptStoreExits3AndIsKept()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("intrvio.sqlite")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("garbage");
        f.close();
        const ProcessResult r = intrvio({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--headless")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("not an Intrvio database"), r.err.constData());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("garbage"));
    }
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"

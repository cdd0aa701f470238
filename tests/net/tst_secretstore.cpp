// Runs against the real OS keychain: the test command starts a private D-Bus session with an
// unlocked gnome-keyring. Without one these tests fail; they are never skipped.
#include "net/secrets/SecretStore.h"
#include "tests/support/TestSupport.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

#include <qt6keychain/keychain.h>

using namespace intrvio;

class tst_SecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
                 "no D-Bus session: run the tests through scripts/test.sh, which starts one with gnome-keyring");
        SecretStore store(m_dir.path());
        const SecretResult r = store.probeSync();
        QVERIFY2(r.ok(), qPrintable(r.message));
    }

    void writeReadOverwriteClear()
    {
        SecretStore store(m_dir.path());
        const QString name = QStringLiteral("webhook-secret");
        const QString value = QStringLiteral("whsec_") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        QSignalSpy changed(&store, &SecretStore::secretChanged);

        QCOMPARE(store.writeSync(name, value).status, SecretResult::Status::Ok);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toString(), name);
        QCOMPARE(changed.at(0).at(1).toBool(), true);
        SecretResult r = store.readSync(name);
        QVERIFY(r.ok());
        QCOMPARE(r.value, value);

        QVERIFY(store.writeSync(name, value + QLatin1String("-2")).ok());
        QCOMPARE(store.readSync(name).value, value + QLatin1String("-2"));

        QVERIFY(store.removeSync(name).ok());
        QCOMPARE(changed.size(), 3);
        QCOMPARE(changed.at(2).at(1).toBool(), false);
        r = store.readSync(name);
        QCOMPARE(r.status, SecretResult::Status::NotFound);
        QVERIFY(r.value.isEmpty());
        // Clearing what is not there is not an error.
        QVERIFY(store.removeSync(name).ok());
    }

    void unicodeAndLongValues()
    {
        SecretStore store(m_dir.path());
        const QString value = QStringLiteral("ключ-🔑-") + QString(4000, QLatin1Char('x'));
        QVERIFY(store.writeSync(QStringLiteral("scorer-api-key"), value).ok());
        QCOMPARE(store.readSync(QStringLiteral("scorer-api-key")).value, value);
        QVERIFY(store.removeSync(QStringLiteral("scorer-api-key")).ok());
    }

    void twoDataDirsDoNotCollide()
    {
        QTemporaryDir other;
        SecretStore a(m_dir.path());
        SecretStore b(other.path());
        QVERIFY(a.serviceName() != b.serviceName());
        QVERIFY(a.writeSync(QStringLiteral("partner-api-key"), QStringLiteral("key-a")).ok());
        QCOMPARE(b.readSync(QStringLiteral("partner-api-key")).status, SecretResult::Status::NotFound);
        QVERIFY(b.writeSync(QStringLiteral("partner-api-key"), QStringLiteral("key-b")).ok());
        QCOMPARE(a.readSync(QStringLiteral("partner-api-key")).value, QStringLiteral("key-a"));
        QCOMPARE(b.readSync(QStringLiteral("partner-api-key")).value, QStringLiteral("key-b"));
        QVERIFY(a.removeSync(QStringLiteral("partner-api-key")).ok());
        QVERIFY(b.removeSync(QStringLiteral("partner-api-key")).ok());
    }

    void sameDirThroughDifferentSpellingsIsOneScope()
    {
        SecretStore a(m_dir.path());
        SecretStore b(m_dir.path() + QLatin1String("/./"));
        QCOMPARE(a.serviceName(), b.serviceName());
    }

    void asyncCallbackRunsOnceAndNotAfterContextDies()
    {
        SecretStore store(m_dir.path());
        int calls = 0;
        QObject context;
        store.read(QStringLiteral("provider-key"), &context, [&](const SecretResult &r) {
            ++calls;
            QCOMPARE(r.status, SecretResult::Status::NotFound);
        });
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 15000);

        int late = 0;
        auto *dying = new QObject;
        store.read(QStringLiteral("provider-key"), dying, [&](const SecretResult &) { ++late; });
        delete dying;
        QTest::qWait(500);
        QCOMPARE(late, 0);
    }

    void unknownNameIsRefused()
    {
        SecretStore store(m_dir.path());
        const SecretResult r = store.writeSync(QStringLiteral("password"), QStringLiteral("x"));
        QCOMPARE(r.status, SecretResult::Status::Error);
        QVERIFY(r.message.contains(QLatin1String("partner-api-key")));
    }

    void classify_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("hint");
        using S = SecretResult::Status;
        QTest::newRow("ok") << int(QKeychain::NoError) << QString() << int(S::Ok) << QString();
        QTest::newRow("not found") << int(QKeychain::EntryNotFound) << QStringLiteral("Entry not found")
                                   << int(S::NotFound) << QStringLiteral("not set");
        QTest::newRow("no bus") << int(QKeychain::OtherError)
                                << QStringLiteral("Cannot autolaunch D-Bus without X11 $DISPLAY")
                                << int(S::Unavailable) << QStringLiteral("dbus-run-session");
        QTest::newRow("no dbus-launch")
            << int(QKeychain::OtherError)
            << QStringLiteral("Failed to execute child process “dbus-launch” (No such file or directory)")
            << int(S::Unavailable) << QStringLiteral("D-Bus");
        QTest::newRow("no provider")
            << int(QKeychain::OtherError)
            << QStringLiteral("The name org.freedesktop.secrets was not provided by any .service files")
            << int(S::Unavailable) << QStringLiteral("apt-get install gnome-keyring");
        QTest::newRow("locked login")
            << int(QKeychain::OtherError)
            << QStringLiteral("Object does not exist at path “/org/freedesktop/secrets/collection/login”")
            << int(S::Unavailable) << QStringLiteral("--unlock");
        QTest::newRow("wrong password") << int(QKeychain::AccessDenied)
                                        << QStringLiteral("Cannot create an item in a locked collection")
                                        << int(S::Unavailable) << QStringLiteral("Unlock");
        QTest::newRow("no backend") << int(QKeychain::NoBackendAvailable) << QStringLiteral("No keychain service")
                                    << int(S::Unavailable) << QStringLiteral("gnome-keyring");
        QTest::newRow("user said no") << int(QKeychain::AccessDeniedByUser) << QStringLiteral("denied")
                                      << int(S::AccessDenied) << QStringLiteral("refused");
        QTest::newRow("other") << int(QKeychain::OtherError) << QStringLiteral("weird") << int(S::Error)
                               << QStringLiteral("weird");
    }

    void classify()
    {
        QFETCH(int, code);
        QFETCH(QString, text);
        QFETCH(int, status);
        QFETCH(QString, hint);
        const SecretResult r = SecretStore::classify(code, text);
        QCOMPARE(int(r.status), status);
        QVERIFY2(r.message.contains(hint), qPrintable(r.message));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(tst_SecretStore)
#include "tst_secretstore.moc"

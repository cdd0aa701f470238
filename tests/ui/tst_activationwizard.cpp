// The activation wizard offscreen against the in-process Teamtailor sandbox (real loopback HTTP)
// and the real keychain: Test with a good and a bad key, the reachability self-check against the
// real webhook server, saving to the keychain (and nowhere else on disk), clearing a key, and the
// wait for the activation that shows the company's name.
#include "models/Clock.h"
#include "models/Store.h"
#include "models/admin/AdminData.h"
#include "net/activation/Activation.h"
#include "net/secrets/SecretStore.h"
#include "net/webhook/WebhookServer.h"
#include "sandbox/Sandbox.h"
#include "tests/support/TestSupport.h"
#include "ui/ActivationWizard.h"
#include "ui/MainWindow.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

using namespace intrvio;

namespace {

QString unique(const char *prefix)
{
    return QLatin1String(prefix) + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

class tst_ActivationWizard : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<Sandbox> m_sandbox;
    QTemporaryDir m_freshDir;
    std::unique_ptr<Store> m_freshStore;
    std::unique_ptr<SecretStore> m_freshSecrets;
    const QString m_partnerKey = unique("pk-");
    const QString m_companyToken = unique("ct-");
    const QString m_webhookSecret = unique("whsec-");

    QLineEdit *edit(QWidget *w, const QString &name)
    {
        return w->findChild<QLineEdit *>(QStringLiteral("keyEdit_") + name);
    }
    QLabel *result(QWidget *w, const QString &name)
    {
        return w->findChild<QLabel *>(QStringLiteral("keyResult_") + name);
    }
    void press(QWidget *w, const QString &objectName)
    {
        auto *b = w->findChild<QPushButton *>(objectName);
        QVERIFY2(b, qPrintable(objectName));
        QTest::mouseClick(b, Qt::LeftButton);
    }
    bool isDone(QLabel *label) const
    {
        return !label->text().isEmpty() && !label->text().startsWith(QStringLiteral("Testing"))
            && !label->text().startsWith(QStringLiteral("Checking"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        StoreError err;
        m_store = Store::openInDataDir(m_dir.path(), &err);
        QVERIFY2(m_store, qPrintable(err.message));
        m_secrets = std::make_unique<SecretStore>(m_dir.path());
        const SecretResult probe = m_secrets->probeSync();
        QVERIFY2(probe.ok() || probe.status == SecretResult::Status::NotFound, qPrintable(probe.message));

        Sandbox::Config cfg;
        cfg.partnerApiKey = m_partnerKey;
        cfg.companyApiToken = m_companyToken;
        m_sandbox = std::make_unique<Sandbox>(cfg);
        QString error;
        QVERIFY2(m_sandbox->seed(QStringLiteral("demo"), &error), qPrintable(error));
        QVERIFY2(m_sandbox->listen() != 0, qPrintable(m_sandbox->errorString()));

        // The sandbox serves both APIs on one host (the Settings page's "Teamtailor API URL").
        AdminSettings s = AdminSettings::load(*m_store);
        s.teamtailorUrl = m_sandbox->baseUrl().toString();
        QVERIFY2(s.save(*m_store, Clock::system(), QStringLiteral("test"), &error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        for (const QString &name : ActivationWizard::keyNames())
            m_secrets->removeSync(name);
        if (m_freshSecrets)
            m_freshSecrets->probeSync(); // lets the windows' last keychain jobs finish
    }

    void testButtons()
    {
        ActivationWizard wizard({ m_store.get(), m_secrets.get() });
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));

        // bad partner key: the 401 hint about wrong key or wrong region
        edit(&wizard, QStringLiteral("partner-api-key"))->setText(QStringLiteral("not-the-key"));
        press(&wizard, QStringLiteral("keyTest_partner-api-key"));
        QLabel *partner = result(&wizard, QStringLiteral("partner-api-key"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(partner), 20000);
        QVERIFY2(partner->text().contains(QStringLiteral("401")), qPrintable(partner->text()));
        QVERIFY2(partner->text().contains(QStringLiteral("region")), qPrintable(partner->text()));
        QVERIFY(!partner->text().contains(QStringLiteral("not-the-key")));

        // good partner key
        edit(&wizard, QStringLiteral("partner-api-key"))->setText(m_partnerKey);
        press(&wizard, QStringLiteral("keyTest_partner-api-key"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(partner), 20000);
        QVERIFY2(partner->text().startsWith(QStringLiteral("Works")), qPrintable(partner->text()));

        // company token: bad, then good
        QLabel *company = result(&wizard, QStringLiteral("company-api-token"));
        edit(&wizard, QStringLiteral("company-api-token"))->setText(QStringLiteral("wrong-token"));
        press(&wizard, QStringLiteral("keyTest_company-api-token"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(company), 20000);
        QVERIFY2(company->text().contains(QStringLiteral("401")), qPrintable(company->text()));
        QVERIFY2(company->text().contains(QStringLiteral("region")), qPrintable(company->text()));
        edit(&wizard, QStringLiteral("company-api-token"))->setText(m_companyToken);
        press(&wizard, QStringLiteral("keyTest_company-api-token"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(company), 20000);
        QVERIFY2(company->text().startsWith(QStringLiteral("Works")), qPrintable(company->text()));

        // the webhook secret is checked locally
        QLabel *secret = result(&wizard, QStringLiteral("webhook-secret"));
        edit(&wizard, QStringLiteral("webhook-secret"))->setText(QStringLiteral("short"));
        press(&wizard, QStringLiteral("keyTest_webhook-secret"));
        QTRY_VERIFY(isDone(secret));
        QVERIFY2(secret->text().startsWith(QStringLiteral("Too short")), qPrintable(secret->text()));

        // an unreachable host: the network error is shown
        AdminSettings s = AdminSettings::load(*m_store);
        const QString saved = s.teamtailorUrl;
        QString error;
        s.teamtailorUrl = QStringLiteral("http://127.0.0.1:1");
        QVERIFY(s.save(*m_store, Clock::system(), QStringLiteral("test"), &error));
        press(&wizard, QStringLiteral("keyTest_company-api-token"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(company), 20000);
        QVERIFY2(!company->text().startsWith(QStringLiteral("Works")), qPrintable(company->text()));
        QVERIFY2(company->text().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
            qPrintable(company->text()));
        s.teamtailorUrl = saved;
        QVERIFY(s.save(*m_store, Clock::system(), QStringLiteral("test"), &error));
    }

    void fillSaveActivate()
    {
        Activation activation(m_store.get(), m_secrets.get());
        WebhookServer server(m_store.get(), &activation, Clock::system());
        QString error;
        QVERIFY2(server.listen(WebhookServerConfig(), &error), qPrintable(error));

        ActivationWizard::Context ctx;
        ctx.store = m_store.get();
        ctx.secrets = m_secrets.get();
        ctx.pollIntervalMs = 200;
        ActivationWizard wizard(ctx);
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));
        QCOMPARE(wizard.currentId(), int(ActivationWizard::KeysPage));

        edit(&wizard, QStringLiteral("partner-api-key"))->setText(m_partnerKey);
        edit(&wizard, QStringLiteral("webhook-secret"))->setText(m_webhookSecret);
        edit(&wizard, QStringLiteral("company-api-token"))->setText(m_companyToken);
        for (const QString &name : ActivationWizard::keyNames())
            QCOMPARE(edit(&wizard, name)->echoMode(), QLineEdit::Password);
        QSignalSpy saved(&wizard, &ActivationWizard::keysSaved);
        wizard.next();
        QVERIFY(saved.wait(20000));
        QTRY_COMPARE(wizard.currentId(), int(ActivationWizard::ServerPage));
        for (const QString &name : ActivationWizard::keyNames())
            QVERIFY2(edit(&wizard, name)->text().isEmpty(), "the key must not stay in the field");

        // the keychain holds the values
        QCOMPARE(m_secrets->readSync(QStringLiteral("partner-api-key")).value, m_partnerKey);
        QCOMPARE(m_secrets->readSync(QStringLiteral("webhook-secret")).value, m_webhookSecret);
        QCOMPARE(m_secrets->readSync(QStringLiteral("company-api-token")).value, m_companyToken);

        // server page: an invalid public URL is refused with a message saying how to fix it
        auto *publicUrl = wizard.findChild<QLineEdit *>(QStringLiteral("wizardPublicUrl"));
        auto *listen = wizard.findChild<QLineEdit *>(QStringLiteral("wizardListen"));
        auto *status = wizard.findChild<QLabel *>(QStringLiteral("serverStatus"));
        publicUrl->setText(QStringLiteral("http://intrvio.example.com"));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(ActivationWizard::ServerPage));
        QVERIFY2(status->text().contains(QStringLiteral("https")), qPrintable(status->text()));
        listen->setText(QStringLiteral("127.0.0.1:99999"));
        publicUrl->setText(server.url().toString());
        wizard.next();
        QCOMPARE(wizard.currentId(), int(ActivationWizard::ServerPage));
        QVERIFY2(status->text().contains(QStringLiteral("HOST:PORT")), qPrintable(status->text()));
        listen->setText(QStringLiteral("127.0.0.1:%1").arg(server.port()));

        // reachability: the real webhook server answers /healthz; a closed port does not
        auto *reach = wizard.findChild<QLabel *>(QStringLiteral("reachabilityResult"));
        press(&wizard, QStringLiteral("checkReachability"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(reach), 20000);
        QVERIFY2(reach->text().startsWith(QStringLiteral("Reachable")), qPrintable(reach->text()));
        publicUrl->setText(QStringLiteral("http://127.0.0.1:1"));
        press(&wizard, QStringLiteral("checkReachability"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(reach), 20000);
        QVERIFY2(reach->text().startsWith(QStringLiteral("Not reachable")), qPrintable(reach->text()));
        publicUrl->setText(server.url().toString());

        wizard.next();
        QCOMPARE(wizard.currentId(), int(ActivationWizard::WaitPage));
        const AdminSettings s = AdminSettings::load(*m_store);
        QCOMPARE(s.publicUrl, server.url().toString());
        QCOMPARE(s.listenAddress, QStringLiteral("127.0.0.1:%1").arg(server.port()));

        // waits until the company activates, then shows its name
        auto *wait = wizard.findChild<QLabel *>(QStringLiteral("activationStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(wait->text().contains(QStringLiteral("no company")), 20000);
        QSignalSpy activated(&wizard, &ActivationWizard::activated);
        m_sandbox->activatePartner();
        QVERIFY(activated.wait(20000));
        QCOMPARE(wizard.companyName(), m_sandbox->company().name);
        QVERIFY2(wait->text().contains(m_sandbox->company().name), qPrintable(wait->text()));
        wizard.accept();

        // nothing but the keychain holds the keys
        for (const QString &value : { m_partnerKey, m_webhookSecret, m_companyToken }) {
            QString where;
            QVERIFY2(!test::directoryContains(m_dir.path(), value.toUtf8(), &where), qPrintable(where));
        }
    }

    void rerunKeepsAndClears()
    {
        ActivationWizard wizard({ m_store.get(), m_secrets.get() });
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));
        auto *state = wizard.findChild<QLabel *>(QStringLiteral("keyState_company-api-token"));
        QTRY_COMPARE(state->text(), QStringLiteral("Stored"));
        // an empty field tests the stored key
        QLabel *company = result(&wizard, QStringLiteral("company-api-token"));
        press(&wizard, QStringLiteral("keyTest_company-api-token"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(company), 20000);
        QVERIFY2(company->text().startsWith(QStringLiteral("Works")), qPrintable(company->text()));
        // replace one key, keep the others
        const QString replaced = unique("ct2-");
        edit(&wizard, QStringLiteral("company-api-token"))->setText(replaced);
        QSignalSpy saved(&wizard, &ActivationWizard::keysSaved);
        wizard.next();
        QVERIFY(saved.wait(20000));
        QCOMPARE(m_secrets->readSync(QStringLiteral("company-api-token")).value, replaced);
        QCOMPARE(m_secrets->readSync(QStringLiteral("partner-api-key")).value, m_partnerKey);
        // clear
        wizard.back();
        press(&wizard, QStringLiteral("keyClear_company-api-token"));
        QTRY_COMPARE(state->text(), QStringLiteral("Not set"));
        QCOMPARE(m_secrets->readSync(QStringLiteral("company-api-token")).status, SecretResult::Status::NotFound);
        press(&wizard, QStringLiteral("keyTest_company-api-token"));
        QTRY_VERIFY_WITH_TIMEOUT(isDone(company), 20000);
        QVERIFY2(company->text().contains(QStringLiteral("none is stored")), qPrintable(company->text()));
    }

    void openedFromMenuSettingsAndFirstRun()
    {
        // a data directory with no keys: the wizard opens by itself on first run
        StoreError err;
        m_freshStore = Store::openInDataDir(m_freshDir.path(), &err);
        QVERIFY2(m_freshStore, qPrintable(err.message));
        // Outlives the windows: keychain jobs still running when they close finish later.
        m_freshSecrets = std::make_unique<SecretStore>(m_freshDir.path());
        MainWindow::Context ctx;
        ctx.dataDir = m_freshDir.path();
        ctx.store = m_freshStore.get();
        ctx.secrets = m_freshSecrets.get();
        ctx.firstRunWizard = true;
        MainWindow first(ctx);
        first.show();
        QTRY_VERIFY_WITH_TIMEOUT(first.findChild<ActivationWizard *>(), 20000);
        QVERIFY(first.findChild<ActivationWizard *>()->isVisible());

        // the menu and the Settings button open it
        ctx.dataDir = m_dir.path();
        ctx.store = m_store.get();
        ctx.secrets = m_secrets.get();
        MainWindow window(ctx);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *action = window.findChild<QAction *>(QStringLiteral("actionActivationWizard"));
        QVERIFY(action);
        action->trigger();
        ActivationWizard *wizard = window.findChild<ActivationWizard *>();
        QVERIFY(wizard && wizard->isVisible());
        wizard->reject();
        QTRY_VERIFY(!window.findChild<ActivationWizard *>() || !window.findChild<ActivationWizard *>()->isVisible());
        window.showPage(MainWindow::SettingsPage);
        auto *button = window.findChild<QPushButton *>(QStringLiteral("runActivationWizard"));
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY(window.findChild<ActivationWizard *>() && window.findChild<ActivationWizard *>()->isVisible());
    }
};

QTEST_MAIN(tst_ActivationWizard)
#include "tst_activationwizard.moc"

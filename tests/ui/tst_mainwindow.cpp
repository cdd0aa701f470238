#include "net/secrets/SecretStore.h"
#include "ui/MainWindow.h"

#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

class tst_MainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shellShowsPagesAndStatus()
    {
        QTemporaryDir dir;
        SecretStore secrets(dir.path());
        MainWindow::Context context;
        context.dataDir = dir.path();
        context.listenUrl = QUrl(QStringLiteral("http://127.0.0.1:8787"));
        context.secrets = &secrets;
        MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *nav = window.findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(nav);
        QCOMPARE(nav->count(), int(MainWindow::PageCount));
        QCOMPARE(nav->item(0)->text(), QStringLiteral("Jobs"));
        QCOMPARE(nav->item(2)->text(), QStringLiteral("Stage mapping"));

        // Clicking the navigation switches the page.
        QTest::mouseClick(nav->viewport(), Qt::LeftButton, {}, nav->visualItemRect(nav->item(4)).center());
        QCOMPARE(window.currentPage(), MainWindow::ActivityPage);
        window.showPage(MainWindow::SettingsPage);
        QCOMPARE(nav->currentRow(), int(MainWindow::SettingsPage));

        auto *dataDir = window.findChild<QLabel *>(QStringLiteral("dataDirStatus"));
        QVERIFY(dataDir && dataDir->text().contains(dir.path()));
        auto *listen = window.findChild<QLabel *>(QStringLiteral("listenStatus"));
        QVERIFY(listen && listen->text().contains(QLatin1String("127.0.0.1:8787")));
        auto *keychain = window.findChild<QLabel *>(QStringLiteral("keychainStatus"));
        QVERIFY(keychain);
        // The test command provides an unlocked keyring, so the probe must report it available.
        QTRY_COMPARE_WITH_TIMEOUT(keychain->text(), QStringLiteral("Keychain: available"), 15000);
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"

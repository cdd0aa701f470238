// The demo panel in the real composition (AppServices with --demo, the webhook server, the main
// window), offscreen, with the test keyring session's keychain.
#include "app/Application.h"
#include "app/Demo.h"
#include "models/Store.h"
#include "net/webhook/WebhookServer.h"
#include "sandbox/Sandbox.h"
#include "ui/DemoPanel.h"
#include "ui/MainWindow.h"
#include "ui/PipelineBoard.h"

#include <QDockWidget>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

class tst_DemoPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void panelMovesACandidateAndShowsTheDelivery()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Options options;
        options.demo = true;
        options.dataDir = dir.path() + QStringLiteral("/demo");
        options.listenPort = 0;
        QString error;
        int exitCode = 0;
        auto services = AppServices::create(options, &error, &exitCode);
        QVERIFY2(services, qPrintable(error));
        DemoEnvironment *demo = services->demo();
        QVERIFY(demo);
        QSignalSpy ready(demo, &DemoEnvironment::ready);
        QVERIFY2(services->startWebhookServer(&error), qPrintable(error));

        QVERIFY2(services->startPipeline(&error), qPrintable(error));
        // The window as `intrvio --demo` builds it (demo panel included).
        const std::unique_ptr<MainWindow> built = createMainWindow(*services);
        MainWindow &window = *built;
        window.resize(1440, 860);
        window.show();

        QVERIFY(ready.count() || ready.wait(60000));
        QVERIFY2(ready.first().at(0).toBool(), qPrintable(ready.first().at(1).toString()));

        auto *dock = window.findChild<QDockWidget *>(QStringLiteral("demoDock"));
        QVERIFY(dock);
        QVERIFY(dock->isVisible());
        auto *panel = window.findChild<DemoPanel *>(QStringLiteral("demoPanel"));
        QVERIFY(panel);
        auto *move = panel->findChild<QPushButton *>(QStringLiteral("demoMoveButton"));
        auto *open = panel->findChild<QPushButton *>(QStringLiteral("demoOpenButton"));
        auto *log = panel->findChild<QPlainTextEdit *>(QStringLiteral("demoLog"));
        QVERIFY(move && open && log);
        // The trigger forms fetched at start-up are in the log already.
        QTRY_VERIFY2(log->toPlainText().contains(QStringLiteral("/config (trigger form) \u2192 200")),
            qPrintable(log->toPlainText()));

        // Synced into the store: the views have the demo company.
        QSqlQuery q(services->store()->database());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM jobs")) && q.next());
        QCOMPARE(q.value(0).toInt(), 3);
        q.finish(); // no read transaction left open for the writers

        const DemoEnvironment::Pick pick = demo->nextCandidate();
        QVERIFY(pick.applicationId);
        QVERIFY(demo->sandbox()->application(pick.applicationId)->stageId != pick.stageId);
        QTest::mouseClick(move, Qt::LeftButton);
        QCOMPARE(demo->sandbox()->application(pick.applicationId)->stageId, pick.stageId);
        QCOMPARE(demo->sandbox()->stage(pick.stageId)->name, QStringLiteral("Phone screen"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            log->toPlainText().contains(QStringLiteral("POST /webhook (trigger) \u2192 20")),
            qPrintable(log->toPlainText()), 15000);
        QTRY_VERIFY2_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral(
                                      "POST /company-webhooks (job_application.update) \u2192 20")),
            qPrintable(log->toPlainText()), 15000);

        // The candidate card link follows the moved candidate; the button opens it.
        QCOMPARE(panel->candidateUrl(), demo->candidatePageUrl(pick.candidateId));
        auto *link = panel->findChild<QLabel *>(QStringLiteral("demoCandidateLink"));
        QVERIFY(link && link->text().contains(panel->candidateUrl().toString()));
        QSignalSpy opened(panel, &DemoPanel::openUrlRequested);
        QTest::mouseClick(open, Qt::LeftButton);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.first().at(0).toUrl(), demo->candidatePageUrl(pick.candidateId));

        // Re-sync runs a full sync through the main window's sync controller; the moved
        // application arrives in the store in its new stage.
        auto *resync = panel->findChild<QPushButton *>(QStringLiteral("demoResyncButton"));
        QVERIFY(resync);
        QSignalSpy synced(demo->syncController(), &SyncController::finished);
        QTest::mouseClick(resync, Qt::LeftButton);
        QVERIFY(synced.wait(30000));
        QVERIFY2(synced.first().at(0).toBool(), qPrintable(synced.first().at(1).toString()));
        QVERIFY(q.prepare(QStringLiteral("SELECT stage_id FROM applications WHERE id = ?")));
        q.addBindValue(QString::number(pick.applicationId));
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toString(), QString::number(pick.stageId));
        q.finish();

        // The next move picks another candidate.
        QVERIFY(demo->nextCandidate().applicationId != pick.applicationId);

        // docs/screenshots/demo.png with INTRVIO_SCREENSHOT_DIR (the `screenshots` target);
        // otherwise into the temporary directory, which still proves the window renders.
        const QString out = qEnvironmentVariable("INTRVIO_SCREENSHOT_DIR", dir.path());
        QDir().mkpath(out);
        // The demo opens on the demo job's pipeline board with the hint of what to try.
        QCOMPARE(window.currentPage(), MainWindow::BoardPage);
        // The screenshot shows the moved candidate's job, the card with its Intrvio badge.
        window.openBoard(QString::number(demo->sandbox()->application(pick.applicationId)->jobId));
        QVERIFY(window.findChild<QWidget *>(QStringLiteral("boardHint"))->isVisible());
        // The moved candidate was invited: the hint can answer as the candidate.
        auto *answer = window.findChild<QPushButton *>(QStringLiteral("boardAnswerAsCandidate"));
        QTRY_VERIFY_WITH_TIMEOUT(answer->isEnabled(), 20000);
        window.refresh(true);
        const QModelIndex card = window.board()->model()->cardIndex(QString::number(pick.applicationId));
        QVERIFY(card.isValid());
        QTRY_VERIFY_WITH_TIMEOUT(
            (window.board()->reload(), !window.board()->model()->cardIndex(QString::number(pick.applicationId))
                                            .data(AdminRole::ResultState).toString().isEmpty()),
            20000);
        auto *connection = window.findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY2(connection->text().startsWith(QStringLiteral("Teamtailor sandbox (demo)")), qPrintable(connection->text()));
        QCoreApplication::processEvents();
        const QImage image = window.grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(QDir(out).filePath(QStringLiteral("demo.png"))));
    }
};

QTEST_MAIN(tst_DemoPanel)
#include "tst_demopanel.moc"

#include "models/admin/AdminData.h"
#include "models/admin/AdminInterfaces.h"
#include "models/Clock.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"
#include "net/secrets/SecretStore.h"
#include "ui/MainWindow.h"
#include "models/admin/CandidatesModel.h"
#include "ui/MappingEditor.h"
#include "ui/PipelineBoard.h"

#include <QComboBox>
#include <QDir>
#include <QListWidget>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

// Renders the main window over the demo company and saves PNGs. With INTRVIO_SCREENSHOT_DIR set
// (the `screenshots` build target sets docs/screenshots) the images land there; otherwise in a
// temporary directory, so the test still proves every page renders.
class tst_Screenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void renderPages()
    {
        QTemporaryDir dir;
        StoreError error;
        auto store = Store::open(dir.filePath(QStringLiteral("demo.sqlite")), &error);
        QVERIFY2(store, qPrintable(error.message));
        // A fixed time so the images are reproducible.
        ManualClock clock(QDateTime(QDate(2026, 11, 27), QTime(15, 0), Qt::UTC));
        QString err;
        QVERIFY2(DemoData::seedCompany(store->database(), clock, &err), qPrintable(err));
        // The demo company's two templates with real content (the mapping editor shows them).
        {
            TemplateRepository templates(*store, clock);
            const QList<InterviewTemplate> builtIn = TemplateRepository::defaultTemplates();
            QVERIFY(builtIn.size() >= 3);
            const QList<QPair<QString, QString>> demo
                = { { QStringLiteral("tpl-screen"), QStringLiteral("Phone screen (general)") },
                      { QStringLiteral("tpl-backend"), QStringLiteral("Backend deep dive") } };
            for (int i = 0; i < demo.size(); ++i) {
                InterviewTemplate t = builtIn.at(i == 0 ? 0 : 2);
                for (const InterviewTemplate &b : builtIn) {
                    if (b.id == (i == 0 ? QStringLiteral("phone-screen") : QStringLiteral("technical")))
                        t = b;
                }
                t.id = demo.at(i).first;
                t.name = demo.at(i).second;
                QVERIFY2(templates.save(t, QStringLiteral("demo"), &err), qPrintable(err));
            }
            for (const InterviewTemplate &b : builtIn) {
                if (b.id == QStringLiteral("first-interview"))
                    QVERIFY2(templates.save(b, QStringLiteral("demo"), &err), qPrintable(err));
            }
        }

        // Sync as the running service offers it (idle).
        struct IdleSync : SyncController
        {
            bool isRunning() const override { return false; }
            void start(bool) override { }
            void cancel() override { }
        } sync;
        MainWindow::Context context;
        context.sync = &sync;
        context.dataDir = QStringLiteral("/var/lib/intrvio");
        context.listenUrl = QUrl(QStringLiteral("http://127.0.0.1:8787"));
        context.store = store.get();
        context.clock = &clock;
        MainWindow window(context);
        window.setWebhookState(true);
        window.resize(1440, 860);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        const QString out = qEnvironmentVariable("INTRVIO_SCREENSHOT_DIR", dir.path());
        QDir().mkpath(out);
        auto shoot = [&](const QString &name) {
            QCoreApplication::processEvents();
            const QImage image = window.grab().toImage();
            QVERIFY(!image.isNull());
            QVERIFY(image.save(QDir(out).filePath(name)));
        };

        window.showPage(MainWindow::JobsPage);
        auto *jobs = window.findChild<QTableView *>(QStringLiteral("jobsTable"));
        QVERIFY(jobs);
        jobs->setCurrentIndex(jobs->model()->index(2, 0)); // Senior Backend Engineer
        shoot(QStringLiteral("main-jobs.png"));

        // The pipeline board of that job, opened from the Jobs view with Enter.
        jobs->setFocus();
        QTest::keyClick(jobs, Qt::Key_Return);
        QCOMPARE(window.currentPage(), MainWindow::BoardPage);
        QCOMPARE(window.board()->model()->jobId(), QStringLiteral("101"));
        QVERIFY(window.board()->model()->rowCount() >= 3);
        shoot(QStringLiteral("board.png"));

        window.showPage(MainWindow::CandidatesPage);
        auto *candidates = window.findChild<QTableView *>(QStringLiteral("candidatesTable"));
        QVERIFY(candidates);
        int best = 0;
        for (int r = 0; r < candidates->model()->rowCount(); ++r) {
            if (candidates->model()->index(r, CandidatesModel::Result).data(AdminRole::ResultScore).toInt()
                > candidates->model()->index(best, CandidatesModel::Result).data(AdminRole::ResultScore).toInt())
                best = r;
        }
        candidates->setCurrentIndex(candidates->model()->index(best, 0));
        shoot(QStringLiteral("candidates.png"));

        window.showPage(MainWindow::ActivityPage);
        auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("activityTabs"));
        QVERIFY(tabs);
        tabs->setCurrentIndex(1);
        auto *outbox = window.findChild<QTableView *>(QStringLiteral("outboxTable"));
        outbox->setCurrentIndex(outbox->model()->index(1, 0));
        shoot(QStringLiteral("activity.png"));

        window.showPage(MainWindow::InterviewsPage);
        shoot(QStringLiteral("interviews.png"));
        auto *itabs = window.findChild<QTabWidget *>(QStringLiteral("interviewTabs"));
        itabs->setCurrentIndex(1);
        shoot(QStringLiteral("charts.png"));
        window.showPage(MainWindow::SettingsPage);
        shoot(QStringLiteral("settings.png"));

        // Stage mapping: one job's scope with an override, an inherited default and warnings.
        window.showPage(MainWindow::MappingPage);
        auto *mapping = window.findChild<MappingEditor *>(QStringLiteral("mappingPage"));
        QVERIFY(mapping);
        mapping->setScope(QStringLiteral("101"));
        StageTargetsView *targets = mapping->targetsView();
        QCOMPARE(targets->model()->rowCount(), 5);
        QCOMPARE(targets->model()->index(2, 0).data(StageTargetsModel::SourceRole).toString(),
            QStringLiteral("override"));
        targets->setCurrentIndex(targets->model()->index(2, 0));
        mapping->paletteView()->setCurrentIndex(mapping->paletteView()->model()->index(0, 0));
        auto *dryApp = mapping->findChild<QComboBox *>(QStringLiteral("dryRunApplication"));
        auto *dryStage = mapping->findChild<QComboBox *>(QStringLiteral("dryRunStage"));
        for (int i = 0; i < dryApp->count(); ++i) {
            if (dryApp->itemData(i, Qt::UserRole + 1).toString() == QLatin1String("101")) {
                dryApp->setCurrentIndex(i);
                break;
            }
        }
        dryStage->setCurrentIndex(dryStage->findData(QStringLiteral("101-2")));
        shoot(QStringLiteral("mapping-editor.png"));
    }
};

QTEST_MAIN(tst_Screenshots)
#include "tst_screenshots.moc"

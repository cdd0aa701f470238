// The admin GUI through the real composition root (AppServices with --demo, webhook server,
// pipeline, outbox worker, createMainWindow), offscreen, against the in-process Teamtailor sandbox
// over loopback HTTP and the test keyring session's keychain:
//  - the demo opens on the demo job's pipeline board with its hint; the status bar names the sandbox;
//  - the Jobs view opens a job's board (Enter on the job, the "Open pipeline board" button);
//  - a board drop queues a stage PATCH in the durable outbox; Undo in the window drops the row;
//    after the window the sandbox's application is PATCHed; a drop on a column's viewport too;
//  - Teamtailor refusing a move (422: a stage it does not have) dead-letters the row, reverts the
//    card and shows the reason;
//  - the Interviews view's Resend (a new note, a fresh link) and Cancel (failed, "cancelled by",
//    partner result updated) over the pipeline.
#include "app/Application.h"
#include "app/Demo.h"
#include "models/Store.h"
#include "models/admin/AdminInterfaces.h"
#include "models/admin/ActivityModels.h"
#include "models/interview/InterviewRepository.h"
#include "models/Clock.h"
#include "net/outbox/Outbox.h"
#include "net/outbox/OutboxStageMover.h"
#include "net/outbox/OutboxWorker.h"
#include "net/pipeline/InterviewPipeline.h"
#include "net/webhook/WebhookServer.h"
#include "sandbox/Sandbox.h"
#include "ui/MainWindow.h"
#include "ui/PipelineBoard.h"
#include "tests/support/DragDrop.h"

#include <QApplication>
#include <QLabel>
#include <QListView>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;
using intrvio::test::dropAt;

class tst_AdminWiring : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<AppServices> m_services;
    std::unique_ptr<MainWindow> m_window;

    Sandbox *sandbox() const { return m_services->demo()->sandbox(); }
    PipelineBoard *board() const { return m_window->board(); }
    qint64 sandboxStage(const QString &applicationId) const
    {
        return sandbox()->application(applicationId.toLongLong())->stageId;
    }
    // A card of the board not in `notIn` (and not in the last column).
    QString someCard(const QString &notIn = {}) const
    {
        PipelineModel *model = board()->model();
        for (int s = 0; s < model->rowCount() - 1; ++s) {
            const QModelIndex stage = model->index(s, 0);
            if (stage.data(AdminRole::Id).toString() == notIn)
                continue;
            if (model->rowCount(stage) > 0)
                return model->index(0, 0, stage).data(AdminRole::Id).toString();
        }
        return {};
    }
    qint64 outboxRows(const QString &where) const
    {
        QSqlQuery q(m_services->store()->database());
        if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE kind = 'stage.move' AND ") + where) || !q.next())
            return -1;
        return q.value(0).toLongLong();
    }
    void setWindow(int ms)
    {
        board()->setUndoMs(ms);
        m_services->stageMover()->setHoldMs(ms);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        Options options;
        options.demo = true;
        options.dataDir = m_dir.path() + QStringLiteral("/demo");
        options.listenPort = 0;
        QString error;
        int exitCode = 0;
        m_services = AppServices::create(options, &error, &exitCode);
        QVERIFY2(m_services, qPrintable(error));
        QSignalSpy ready(m_services->demo(), &DemoEnvironment::ready);
        QVERIFY2(m_services->startWebhookServer(&error), qPrintable(error));
        QVERIFY2(m_services->startPipeline(&error), qPrintable(error));
        m_window = createMainWindow(*m_services);
        m_window->resize(1440, 860);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(ready.count() || ready.wait(60000));
        QVERIFY2(ready.first().at(0).toBool(), qPrintable(ready.first().at(1).toString()));
        QVERIFY(m_services->stageMover());
        QVERIFY(m_services->interviewActions());
    }

    void demoOpensOnTheBoardWithTheHint()
    {
        QTRY_COMPARE(m_window->currentPage(), MainWindow::BoardPage);
        const qint64 job = m_services->demo()->demoJobId();
        QVERIFY(job);
        QCOMPARE(board()->model()->jobId(), QString::number(job));
        QVERIFY(board()->model()->stageIndex(QString::number(sandbox()->stageIdByName(job, QStringLiteral("Phone screen")))).isValid());
        auto *hint = m_window->findChild<QLabel *>(QStringLiteral("boardHintText"));
        QVERIFY(hint && hint->isVisible());
        QVERIFY(hint->text().contains(QStringLiteral("Phone screen")));
        auto *answer = m_window->findChild<QPushButton *>(QStringLiteral("boardAnswerAsCandidate"));
        QVERIFY(answer && answer->isVisible());
        QVERIFY(answer->text().contains(QStringLiteral("Answer as the candidate")));
        auto *title = m_window->findChild<QLabel *>(QStringLiteral("boardTitle"));
        QVERIFY(title->text().contains(sandbox()->job(job)->title));

        // The status bar names the sandbox as the connection, not a missing region.
        auto *connection = m_window->findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY(connection);
        QVERIFY2(connection->text().startsWith(QStringLiteral("Teamtailor sandbox (demo) · ") + sandbox()->baseUrl().toString()),
            qPrintable(connection->text()));
        QVERIFY(!connection->text().contains(QStringLiteral("region not set")));
    }

    void jobsViewOpensTheBoard()
    {
        m_window->showPage(MainWindow::JobsPage);
        auto *table = m_window->findChild<QTableView *>(QStringLiteral("jobsTable"));
        QVERIFY(table);
        QVERIFY(table->model()->rowCount() >= 2);
        // Another job than the board shows: Enter opens its board.
        int row = 0;
        while (table->model()->index(row, 0).data(AdminRole::Id).toString() == board()->model()->jobId())
            ++row;
        const QString other = table->model()->index(row, 0).data(AdminRole::Id).toString();
        table->setFocus();
        table->setCurrentIndex(table->model()->index(row, 0));
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(m_window->currentPage(), MainWindow::BoardPage);
        QCOMPARE(board()->model()->jobId(), other);
        // Back with the button; the demo job's board through "Open pipeline board".
        auto *back = m_window->findChild<QPushButton *>(QStringLiteral("boardBack"));
        QTest::mouseClick(back, Qt::LeftButton);
        QCOMPARE(m_window->currentPage(), MainWindow::JobsPage);
        const QString demoJob = QString::number(m_services->demo()->demoJobId());
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            if (table->model()->index(r, 0).data(AdminRole::Id).toString() == demoJob)
                table->setCurrentIndex(table->model()->index(r, 0));
        }
        auto *open = m_window->findChild<QPushButton *>(QStringLiteral("jobsOpenBoard"));
        QVERIFY(open && open->isEnabled());
        QTest::mouseClick(open, Qt::LeftButton);
        QCOMPARE(m_window->currentPage(), MainWindow::BoardPage);
        QCOMPARE(board()->model()->jobId(), demoJob);
    }

    void undoInTheWindowDropsTheQueuedRow()
    {
        setWindow(60000);
        PipelineModel *model = board()->model();
        const QString app = someCard();
        QVERIFY(!app.isEmpty());
        const QString from = model->stageOf(app);
        const qint64 before = sandboxStage(app);
        const QString to = model->index(model->rowCount() - 1, 0).data(AdminRole::Id).toString();
        std::unique_ptr<QMimeData> mime(model->mimeData({ model->cardIndex(app) }));
        QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(to)));
        QCOMPARE(model->stageOf(app), to); // optimistic
        // Durable at once: a held row in the outbox.
        QCOMPARE(outboxRows(QStringLiteral("state = 'pending' AND url LIKE '%/job-applications/") + app + QLatin1Char('\'')), 1);
        auto *undo = m_window->findChild<QPushButton *>(QStringLiteral("boardUndo"));
        QVERIFY(undo && undo->isVisible());
        QSignalSpy finished(board(), &PipelineBoard::moveFinished);
        QTest::mouseClick(undo, Qt::LeftButton);
        QCOMPARE(model->stageOf(app), from);
        QVERIFY(finished.wait(5000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(outboxRows(QStringLiteral("url LIKE '%/job-applications/") + app + QLatin1Char('\'')), 0);
        QCOMPARE(sandboxStage(app), before);
    }

    void dropPatchesTheSandbox()
    {
        setWindow(300);
        PipelineModel *model = board()->model();
        const qint64 job = m_services->demo()->demoJobId();
        const QString phone = QString::number(sandbox()->stageIdByName(job, QStringLiteral("Phone screen")));
        const QString app = someCard(phone);
        QVERIFY(!app.isEmpty());
        QVERIFY(model->stageOf(app) != phone);
        std::unique_ptr<QMimeData> mime(model->mimeData({ model->cardIndex(app) }));
        QVERIFY(model->canDropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(phone)));
        QSignalSpy finished(board(), &PipelineBoard::moveFinished);
        QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(phone)));
        QCOMPARE(model->stageOf(app), phone);
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(QString::number(sandboxStage(app)), phone);
        QCOMPARE(outboxRows(QStringLiteral("state = 'sent' AND url LIKE '%/job-applications/") + app + QLatin1Char('\'')), 1);
        QCOMPARE(model->stageOf(app), phone);

        // A drop event on the next column's viewport.
        QString card;
        QString target;
        for (int s = 0; s < model->rowCount() - 1 && card.isEmpty(); ++s) {
            const QModelIndex stage = model->index(s, 0);
            for (int r = 0; r < model->rowCount(stage); ++r) {
                const QString id = model->index(r, 0, stage).data(AdminRole::Id).toString();
                if (id != app) {
                    card = id;
                    target = model->index(s + 1, 0).data(AdminRole::Id).toString();
                    break;
                }
            }
        }
        QVERIFY(!card.isEmpty());
        QListView *view = board()->column(target);
        QVERIFY(view);
        std::unique_ptr<QMimeData> mime2(model->mimeData({ model->cardIndex(card) }));
        QSignalSpy finished2(board(), &PipelineBoard::moveFinished);
        QVERIFY(dropAt(view, mime2.get(), QPoint(20, view->viewport()->height() - 10), Qt::MoveAction));
        QCOMPARE(model->stageOf(card), target);
        QVERIFY(finished2.wait(30000));
        QVERIFY2(finished2.at(0).at(1).toBool(), qPrintable(finished2.at(0).at(2).toString()));
        QCOMPARE(QString::number(sandboxStage(card)), target);
    }

    void refusedMoveReverts()
    {
        setWindow(200);
        const QString job = board()->model()->jobId();
        QSqlQuery q(m_services->store()->database());
        q.prepare(QStringLiteral("INSERT INTO stages (id, job_id, name, row_order) VALUES ('999999', ?, 'Deleted stage', 99)"));
        q.addBindValue(job);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        board()->reload();
        PipelineModel *model = board()->model();
        const QString app = someCard();
        const QString from = model->stageOf(app);
        const qint64 before = sandboxStage(app);
        std::unique_ptr<QMimeData> mime(model->mimeData({ model->cardIndex(app) }));
        QSignalSpy finished(board(), &PipelineBoard::moveFinished);
        QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(QStringLiteral("999999"))));
        QCOMPARE(model->stageOf(app), QStringLiteral("999999"));
        QVERIFY(finished.wait(30000));
        QVERIFY(!finished.at(0).at(1).toBool());
        const QString message = finished.at(0).at(2).toString();
        QVERIFY2(message.contains(QStringLiteral("refused")) && message.contains(QStringLiteral("422")), qPrintable(message));
        QCOMPARE(model->stageOf(app), from); // reverted
        QCOMPARE(sandboxStage(app), before);
        auto *status = board()->findChild<QLabel *>(QStringLiteral("boardStatus"));
        QCOMPARE(status->text(), message);
        QCOMPARE(outboxRows(QStringLiteral("state = 'dead' AND idempotency_key LIKE 'board-move:%:999999:%'")), 1);
        QVERIFY(q.exec(QStringLiteral("DELETE FROM stages WHERE id = '999999'")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM outbox WHERE state = 'dead'")));
    }

    void resendAndCancelFromTheInterviewsView()
    {
        // The drop into Phone screen above made Teamtailor trigger an interview; wait until its
        // invite note reached the sandbox.
        InterviewRepository repo(*m_services->store(), Clock::system());
        qint64 id = 0;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            QSqlQuery q(m_services->store()->database());
            if (q.exec(QStringLiteral("SELECT id FROM interviews WHERE state = 'sent' ORDER BY id DESC LIMIT 1")) && q.next())
                id = q.value(0).toLongLong();
            return id != 0;
        }()),
            30000);
        const auto rec = repo.find(id);
        QVERIFY(rec);
        const qint64 candidate = rec->candidateId.toLongLong();
        const QUrl firstLink = m_services->demo()->latestInterviewLink();
        QVERIFY(firstLink.isValid());
        auto *answer = m_window->findChild<QPushButton *>(QStringLiteral("boardAnswerAsCandidate"));
        QVERIFY(answer->isEnabled());
        const int notesBefore = int(sandbox()->notesOfCandidate(candidate).size());

        m_window->showPage(MainWindow::InterviewsPage);
        m_window->refresh(true);
        auto *table = m_window->findChild<QTableView *>(QStringLiteral("interviewsTable"));
        auto *model = qobject_cast<InterviewsModel *>(table->model());
        QVERIFY(model);
        auto select = [&] {
            for (int r = 0; r < model->rowCount(); ++r) {
                if (model->interviewId(r) == id) {
                    table->setCurrentIndex(model->index(r, 0));
                    return true;
                }
            }
            return false;
        };
        QVERIFY(select());
        auto *resend = m_window->findChild<QPushButton *>(QStringLiteral("resendInterview"));
        auto *cancel = m_window->findChild<QPushButton *>(QStringLiteral("cancelInterview"));
        auto *status = m_window->findChild<QLabel *>(QStringLiteral("interviewActionStatus"));
        QVERIFY(resend->isEnabled() && cancel->isEnabled());

        // Resend: the first note was delivered, so the link exists only as a hash: a fresh one.
        QSignalSpy done(m_services->interviewActions(), &InterviewActions::done);
        QTest::mouseClick(resend, Qt::LeftButton);
        QVERIFY(done.wait(5000));
        QVERIFY2(done.at(0).at(1).toBool(), qPrintable(done.at(0).at(2).toString()));
        QVERIFY2(status->text().contains(QStringLiteral("new link")), qPrintable(status->text()));
        QTRY_COMPARE_WITH_TIMEOUT(int(sandbox()->notesOfCandidate(candidate).size()), notesBefore + 1, 20000);
        const QString newest = sandbox()->notesOfCandidate(candidate).last().note;
        QVERIFY2(newest.contains(QStringLiteral("sent again")), qPrintable(newest));
        QTRY_VERIFY(m_services->demo()->latestInterviewLink() != firstLink);
        QVERIFY(newest.contains(m_services->demo()->latestInterviewLink().toString()));
        // The old link no longer opens; the new one does.
        QVERIFY(!repo.findByToken(firstLink.path().section(QLatin1Char('/'), -1)));
        QVERIFY(repo.findByToken(m_services->demo()->latestInterviewLink().path().section(QLatin1Char('/'), -1)));

        // Cancel: failed with "cancelled by <admin>", and Teamtailor's partner result follows.
        QVERIFY(select());
        done.clear();
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(done.wait(5000));
        QVERIFY2(done.at(0).at(1).toBool(), qPrintable(done.at(0).at(2).toString()));
        const auto after = repo.find(id);
        QCOMPARE(after->state, QStringLiteral("failed"));
        QVERIFY2(after->failureReason.startsWith(QStringLiteral("cancelled by ")), qPrintable(after->failureReason));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            for (const auto &pr : sandbox()->partnerResults()) {
                if (pr.candidateId == candidate && pr.attributes.value(QStringLiteral("status")).toString() == QStringLiteral("failed"))
                    return true;
            }
            return false;
        }()),
            20000);
        // A final interview cannot be resent; the button says so by being off.
        QVERIFY(select());
        QVERIFY(!cancel->isEnabled());
    }

    void resendBeforeDeliveryKeepsTheLink()
    {
        // The worker is held, so the invite note waits in the outbox with its link.
        m_services->outboxWorker()->stop();
        const DemoEnvironment::Pick pick = m_services->demo()->nextCandidate();
        QVERIFY(pick.applicationId);
        const int notesBefore = int(sandbox()->notesOfCandidate(pick.candidateId).size());
        QString error;
        QVERIFY2(m_services->demo()->moveNextCandidate(&error).applicationId, qPrintable(error));
        qint64 id = 0;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            QSqlQuery q(m_services->store()->database());
            q.prepare(QStringLiteral("SELECT id FROM interviews WHERE application_id = ?"));
            q.addBindValue(QString::number(pick.applicationId));
            if (q.exec() && q.next())
                id = q.value(0).toLongLong();
            return id != 0;
        }()),
            20000);
        QSqlQuery q(m_services->store()->database());
        q.prepare(QStringLiteral("SELECT body FROM outbox WHERE interview_id = ? AND kind = 'note' AND state = 'pending'"));
        q.addBindValue(id);
        QVERIFY(q.exec() && q.next());
        const QByteArray heldBody = q.value(0).toByteArray();
        q.finish();
        QVERIFY(heldBody.contains("/interview/"));

        QSignalSpy done(m_services->interviewActions(), &InterviewActions::done);
        m_services->interviewActions()->resend(id);
        QVERIFY(done.wait(5000));
        QVERIFY2(done.at(0).at(1).toBool(), qPrintable(done.at(0).at(2).toString()));
        QVERIFY2(done.at(0).at(2).toString().contains(QStringLiteral("same link")), qPrintable(done.at(0).at(2).toString()));
        // One note row with the same body, replacing the waiting one (never two notes).
        q.prepare(QStringLiteral("SELECT COUNT(*), MIN(body) FROM outbox WHERE interview_id = ? AND kind = 'note'"));
        q.addBindValue(id);
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QCOMPARE(q.value(1).toByteArray(), heldBody);
        q.finish();
        m_services->outboxWorker()->start();
        QTRY_COMPARE_WITH_TIMEOUT(int(sandbox()->notesOfCandidate(pick.candidateId).size()), notesBefore + 1, 20000);
        const QString note = sandbox()->notesOfCandidate(pick.candidateId).last().note;
        QVERIFY(QByteArray(heldBody).contains(note.section(QStringLiteral("/interview/"), 1).section(QLatin1Char(' '), 0, 0).toUtf8()));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_services.reset();
    }
};

QTEST_MAIN(tst_AdminWiring)
#include "tst_adminwiring.moc"

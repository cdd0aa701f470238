// The pipeline board offscreen against the in-process Teamtailor sandbox over real loopback HTTP:
// the store is filled by a real sync, moves go through a StageMover that PATCHes the application's
// stage with the real TeamtailorClient. A drop through the model and a synthesised drop on a
// column's viewport move the application in the sandbox; a refused move reverts with the reason;
// Undo within the window sends nothing.
#include "models/Clock.h"
#include "models/Store.h"
#include "models/admin/AdminInterfaces.h"
#include "net/api/TeamtailorClient.h"
#include "net/sync/SyncService.h"
#include "sandbox/Sandbox.h"
#include "tests/support/TestSupport.h"
#include "ui/PipelineBoard.h"
#include "tests/support/DragDrop.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QListView>
#include <QMimeData>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;
using intrvio::test::dropAt;

namespace {

// The test's implementation of the seam: a direct PATCH through the client.
class ClientStageMover : public StageMover
{
public:
    explicit ClientStageMover(TeamtailorClient *client)
        : m_client(client)
    { }
    void move(const QString &applicationId, const QString &stageId, QObject *context, Done done) override
    {
        ++calls;
        m_client->moveStage(applicationId, stageId)
            ->onFinished(context, [done](const ApiResult<tt::JobApplication> &r) {
                done(r.ok(), r.error().message);
            });
    }
    int calls = 0;

private:
    TeamtailorClient *m_client;
};

} // namespace

class tst_PipelineBoard : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Sandbox> m_sandbox;
    QNetworkAccessManager m_nam;
    std::unique_ptr<TeamtailorClient> m_client;
    std::unique_ptr<ClientStageMover> m_mover;
    qint64 m_jobId = 0;
    QList<sandbox::Stage> m_stages;

    qint64 sandboxStage(const QString &applicationId) const
    {
        return m_sandbox->application(applicationId.toLongLong())->stageId;
    }
    // An application of the job in the stage at `stageRow`.
    QString appIn(PipelineModel *model, int stageRow) const
    {
        const QModelIndex stage = model->index(stageRow, 0);
        if (model->rowCount(stage) == 0)
            return {};
        return model->index(0, 0, stage).data(AdminRole::Id).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        StoreError err;
        m_store = Store::openInDataDir(m_dir.path(), &err);
        QVERIFY2(m_store, qPrintable(err.message));
        m_sandbox = std::make_unique<Sandbox>(Sandbox::Config {});
        QString error;
        QVERIFY2(m_sandbox->seed(QStringLiteral("demo"), &error), qPrintable(error));
        QVERIFY2(m_sandbox->listen() != 0, qPrintable(m_sandbox->errorString()));
        m_client = std::make_unique<TeamtailorClient>(&m_nam,
            RequestBuilder(ApiEndpoints::forBaseUrl(m_sandbox->baseUrl()),
                { QStringLiteral("sandbox-company-token"), QStringLiteral("sandbox-partner-api-key") }),
            Clock::system(), 5);
        SyncService sync(m_client.get(), m_store.get(), Clock::system());
        QSignalSpy done(&sync, &SyncService::finished);
        sync.start(SyncService::Mode::Full);
        QVERIFY(done.wait(60000));
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        m_mover = std::make_unique<ClientStageMover>(m_client.get());

        // the job with the most applications, so several stages hold cards
        QHash<qint64, int> perJob;
        for (const auto &a : m_sandbox->applications()) {
            if (!a.rejectedAt.isValid())
                ++perJob[a.jobId];
        }
        for (auto it = perJob.cbegin(); it != perJob.cend(); ++it) {
            if (!m_jobId || it.value() > perJob.value(m_jobId))
                m_jobId = it.key();
        }
        QVERIFY(m_jobId);
        m_stages = m_sandbox->stages(m_jobId);
        QVERIFY(m_stages.size() >= 3);

        // one application has a completed interview: its card carries the badge
        const QString app = [&] {
            for (const auto &a : m_sandbox->applications()) {
                if (a.jobId == m_jobId && !a.rejectedAt.isValid())
                    return QString::number(a.id);
            }
            return QString();
        }();
        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral(
            "INSERT INTO interviews (application_id, candidate_id, job_id, template_id, state, score,"
            " created_at, updated_at) SELECT id, candidate_id, job_id, 'tpl', 'completed', 84,"
            " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM applications WHERE id = ?"));
        q.addBindValue(app);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
    }

    void modelShape()
    {
        PipelineModel model(m_store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.load(QString::number(m_jobId));
        QCOMPARE(model.rowCount(), int(m_stages.size()));
        for (int i = 0; i < m_stages.size(); ++i) {
            const QModelIndex s = model.index(i, 0);
            QCOMPARE(s.data().toString(), m_stages.at(i).name); // row order
            int expected = 0;
            for (const auto &a : m_sandbox->applications()) {
                if (a.stageId == m_stages.at(i).id && !a.rejectedAt.isValid())
                    ++expected;
            }
            QCOMPARE(model.rowCount(s), expected);
        }
        bool badge = false;
        for (int i = 0; i < model.rowCount(); ++i) {
            const QModelIndex s = model.index(i, 0);
            for (int r = 0; r < model.rowCount(s); ++r) {
                const QModelIndex c = model.index(r, 0, s);
                QVERIFY(!c.data().toString().isEmpty());
                if (c.data(AdminRole::ResultState).toString() == QLatin1String("completed")) {
                    QCOMPARE(c.data(AdminRole::ResultScore).toInt(), 84);
                    badge = true;
                }
            }
        }
        QVERIFY(badge);
        // a move keeps the tester happy
        const QString app = model.index(0, 0, model.index(0, 0)).data(AdminRole::Id).toString();
        if (!app.isEmpty()) {
            QVERIFY(model.moveCard(app, QString::number(m_stages.at(1).id)));
            QCOMPARE(model.stageOf(app), QString::number(m_stages.at(1).id));
        }
    }

    void dropThroughModelMoves()
    {
        PipelineBoard board(m_store.get(), m_mover.get());
        board.setUndoMs(0);
        board.setJob(QString::number(m_jobId));
        PipelineModel *model = board.model();
        const QString app = appIn(model, 0).isEmpty() ? appIn(model, 1) : appIn(model, 0);
        QVERIFY(!app.isEmpty());
        const QString from = model->stageOf(app);
        const QString to = QString::number(m_stages.last().id);
        QVERIFY(from != to);

        std::unique_ptr<QMimeData> mime(model->mimeData({ model->cardIndex(app) }));
        QVERIFY(mime);
        QVERIFY(model->canDropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(to)));
        QSignalSpy finished(&board, &PipelineBoard::moveFinished);
        QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(to)));
        QCOMPARE(model->stageOf(app), to); // optimistic
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(QString::number(sandboxStage(app)), to);
        QCOMPARE(model->stageOf(app), to);
    }

    void dropOnViewportMoves()
    {
        PipelineBoard board(m_store.get(), m_mover.get());
        board.setUndoMs(0);
        board.resize(1400, 700);
        board.setJob(QString::number(m_jobId));
        board.show();
        QVERIFY(QTest::qWaitForWindowExposed(&board));
        PipelineModel *model = board.model();
        QString app;
        for (int i = 0; i < model->rowCount() - 1 && app.isEmpty(); ++i)
            app = appIn(model, i);
        QVERIFY(!app.isEmpty());
        const QString from = model->stageOf(app);
        // the column right of the card's
        const QString to = model->index(model->stageIndex(from).row() + 1, 0).data(AdminRole::Id).toString();
        QListView *source = board.column(from);
        QListView *target = board.column(to);
        QVERIFY(source && target);
        std::unique_ptr<QMimeData> mime(model->mimeData({ model->cardIndex(app) }));
        QSignalSpy finished(&board, &PipelineBoard::moveFinished);
        QVERIFY(dropAt(target, mime.get(), QPoint(20, target->viewport()->height() - 10), Qt::MoveAction));
        QCOMPARE(model->stageOf(app), to);
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(QString::number(sandboxStage(app)), to);
        auto *header = board.findChild<QLabel *>(QStringLiteral("stageHeader_") + to);
        QVERIFY(header->text().contains(QString::number(model->rowCount(model->stageIndex(to)))));
    }

    // No mouse: select a card, Ctrl+Right moves it one stage right (sent to Teamtailor like a drop)
    // and keeps it selected in its new column; Ctrl+Left brings it back.
    void keyboardMoves()
    {
        PipelineBoard board(m_store.get(), m_mover.get());
        board.setUndoMs(0);
        board.resize(1400, 700);
        board.setJob(QString::number(m_jobId));
        board.show();
        QVERIFY(QTest::qWaitForWindowExposed(&board));
        board.activateWindow();
        PipelineModel *model = board.model();
        QString app;
        for (int i = 0; i < model->rowCount() - 1 && app.isEmpty(); ++i)
            app = appIn(model, i);
        QVERIFY(!app.isEmpty());
        const QString from = model->stageOf(app);
        const QString to = model->index(model->stageIndex(from).row() + 1, 0).data(AdminRole::Id).toString();
        QListView *source = board.column(from);
        source->setFocus();
        source->setCurrentIndex(model->cardIndex(app));
        QTRY_VERIFY(source->hasFocus());

        QSignalSpy finished(&board, &PipelineBoard::moveFinished);
        QTest::keyClick(source, Qt::Key_Right, Qt::ControlModifier);
        QCOMPARE(model->stageOf(app), to);
        QListView *target = board.column(to);
        QTRY_VERIFY(target->hasFocus());
        QCOMPARE(target->currentIndex().data(AdminRole::Id).toString(), app);
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(QString::number(sandboxStage(app)), to);


        // Ctrl+Left from the new column brings it back, also in Teamtailor.
        QTest::keyClick(target, Qt::Key_Left, Qt::ControlModifier);
        QCOMPARE(model->stageOf(app), from);
        QTRY_VERIFY(source->hasFocus());
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.at(1).at(1).toBool(), qPrintable(finished.at(1).at(2).toString()));
        QCOMPARE(QString::number(sandboxStage(app)), from);

        // Nothing is selected: nothing moves.
        source->setCurrentIndex({});
        QVERIFY(!board.moveSelectedCard(+1));
    }

    void refusedMoveReverts()
    {
        // A stage Teamtailor no longer has (deleted since the last sync).
        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral(
            "INSERT INTO stages (id, job_id, name, row_order) VALUES ('999999', ?, 'Deleted stage', 99)"));
        q.addBindValue(QString::number(m_jobId));
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));

        PipelineBoard board(m_store.get(), m_mover.get());
        board.setUndoMs(0);
        board.setJob(QString::number(m_jobId));
        PipelineModel *model = board.model();
        const QString app = appIn(model, 0).isEmpty() ? appIn(model, 1) : appIn(model, 0);
        const QString from = model->stageOf(app);
        const qint64 before = sandboxStage(app);
        std::unique_ptr<QMimeData> mime(model->mimeData({ model->cardIndex(app) }));
        QSignalSpy finished(&board, &PipelineBoard::moveFinished);
        QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(QStringLiteral("999999"))));
        QVERIFY(finished.wait(20000));
        QVERIFY(!finished.at(0).at(1).toBool());
        const QString message = finished.at(0).at(2).toString();
        QVERIFY2(message.contains(QStringLiteral("999999 does not exist")), qPrintable(message));
        QCOMPARE(model->stageOf(app), from); // reverted
        QCOMPARE(sandboxStage(app), before);
        auto *status = board.findChild<QLabel *>(QStringLiteral("boardStatus"));
        QCOMPARE(status->text(), message);
        QVERIFY(status->text().contains(QStringLiteral("refused")));

        QVERIFY(q.exec(QStringLiteral("DELETE FROM stages WHERE id = '999999'")));
    }

    void undoSendsNothing()
    {
        PipelineBoard board(m_store.get(), m_mover.get());
        board.setUndoMs(60000);
        board.setJob(QString::number(m_jobId));
        board.show();
        QVERIFY(QTest::qWaitForWindowExposed(&board));
        PipelineModel *model = board.model();
        const QString app = appIn(model, 0).isEmpty() ? appIn(model, 1) : appIn(model, 0);
        const QString from = model->stageOf(app);
        const qint64 before = sandboxStage(app);
        const QString to = QString::number(m_stages.at(2).id) == from ? QString::number(m_stages.at(1).id)
                                                                       : QString::number(m_stages.at(2).id);
        const int calls = m_mover->calls;
        std::unique_ptr<QMimeData> mime(model->mimeData({ model->cardIndex(app) }));
        QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, 0, model->stageIndex(to)));
        QCOMPARE(model->stageOf(app), to);
        QCOMPARE(board.pendingMoves(), 1);
        auto *undo = board.findChild<QPushButton *>(QStringLiteral("boardUndo"));
        QVERIFY(undo->isVisible());
        QTest::mouseClick(undo, Qt::LeftButton);
        QCOMPARE(model->stageOf(app), from);
        QCOMPARE(board.pendingMoves(), 0);
        QVERIFY(!undo->isVisible());
        QCOMPARE(m_mover->calls, calls);
        QCOMPARE(sandboxStage(app), before);
    }
};

QTEST_MAIN(tst_PipelineBoard)
#include "tst_pipelineboard.moc"

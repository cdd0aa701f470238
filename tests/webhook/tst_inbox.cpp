// The durable inbox on its own: a real SQLite file, the writer and checkpointer threads.
#include "models/Clock.h"
#include "models/Store.h"
#include "net/webhook/Inbox.h"

#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <climits>
#include <memory>

using namespace intrvio;

namespace {

InboxEntry entry(const QString &key, int status = 202)
{
    InboxEntry e;
    e.route = QStringLiteral("/webhook");
    e.eventKey = key;
    e.headers = "Host: 127.0.0.1\n";
    e.body = "{}";
    e.verification = QStringLiteral("test");
    e.status = status;
    return e;
}

// Enqueues the entries as one batch (nothing commits before the event loop runs) and waits for
// every outcome.
QList<InboxOutcome> commitBatch(Inbox &inbox, QList<InboxEntry> entries)
{
    QList<InboxOutcome> outcomes(entries.size());
    int answered = 0;
    for (qsizetype i = 0; i < entries.size(); ++i)
        inbox.enqueue(std::move(entries[i]), [&outcomes, &answered, i](const InboxOutcome &o) {
            outcomes[i] = o;
            ++answered;
        });
    if (!QTest::qWaitFor([&] { return answered == outcomes.size(); }, 10000))
        qWarning("inbox did not answer");
    return outcomes;
}

int count(Store &store, const QString &sql)
{
    QSqlQuery q(store.database());
    return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
}

struct InboxFile
{
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    SystemClock clock;
    InboxFile()
    {
        StoreError error;
        store = Store::open(dir.filePath(QStringLiteral("intrvio.sqlite")), &error);
        if (!store)
            qWarning("%s", qPrintable(error.message));
    }
};

} // namespace

class tst_Inbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void checkpointDue_data()
    {
        QTest::addColumn<int>("pending");
        QTest::addColumn<qint64>("sinceCommit");
        QTest::addColumn<qint64>("sinceCheckpoint");
        QTest::addColumn<bool>("due");
        // Defaults: a pause of 250 ms, 262144 frames, 30 s; at most one per 250 ms; in a pause one a
        // second for the other connection's writes.
        QTest::newRow("deliveries paused") << 10 << qint64(250) << qint64(250) << true;
        QTest::newRow("paused, checkpointed 249 ms ago") << 10 << qint64(10000) << qint64(249) << false;
        QTest::newRow("paused, nothing of the writer's, 1 s") << 0 << qint64(10000) << qint64(1000) << true;
        QTest::newRow("paused, nothing of the writer's, 999 ms") << 0 << qint64(10000) << qint64(999) << false;
        QTest::newRow("deliveries flowing") << 10 << qint64(249) << qint64(29999) << false;
        QTest::newRow("flowing, nothing to copy") << 0 << qint64(0) << qint64(100000) << false;
        QTest::newRow("flowing, WAL past the bound") << 262144 << qint64(0) << qint64(250) << true;
        QTest::newRow("flowing, past the bound, 249 ms after the last") << 262144 << qint64(0) << qint64(249) << false;
        QTest::newRow("flowing, just below it") << 262143 << qint64(0) << qint64(250) << false;
        QTest::newRow("flowing for 30 s since the last") << 1 << qint64(0) << qint64(30000) << true;
    }
    void checkpointDue()
    {
        QFETCH(int, pending);
        QFETCH(qint64, sinceCommit);
        QFETCH(qint64, sinceCheckpoint);
        QFETCH(bool, due);
        QCOMPARE(Inbox::checkpointDue(InboxTuning {}, pending, sinceCommit, sinceCheckpoint), due);
    }

    // The background checkpoint copies committed frames into the database once deliveries pause, not
    // while they are merely few; past checkpointAfterFrames it runs without a pause.
    void backgroundCheckpointWaitsForAPause()
    {
        InboxFile f;
        QVERIFY(f.store);
        InboxTuning never;
        never.checkpointQuietMs = never.checkpointAfterFrames = never.checkpointMaxDelayMs = INT_MAX;
        {
            Inbox inbox(f.store.get(), f.clock, nullptr, never);
            inbox.setProcessingHeld(true);
            QVERIFY(commitBatch(inbox, { entry(QStringLiteral("partner:1")) })[0].stored);
            QVERIFY(inbox.walPendingFrames() > 0);
            QTest::qWait(300); // several checkpointer polls
            QVERIFY(inbox.walPendingFrames() > 0);
        }
        InboxTuning pause = never;
        pause.checkpointQuietMs = 100;
        InboxTuning size = never;
        size.checkpointAfterFrames = 1;
        int n = 0;
        for (const InboxTuning &tuning : { pause, size }) {
            Inbox inbox(f.store.get(), f.clock, nullptr, tuning);
            inbox.setProcessingHeld(true);
            QVERIFY(commitBatch(inbox, { entry(QStringLiteral("partner:x%1").arg(++n)) })[0].stored);
            QTRY_COMPARE_WITH_TIMEOUT(inbox.walPendingFrames(), 0, 5000);
        }
    }

    // A WAL file left large by a burst is cut back once deliveries have paused for walTruncateQuietMs
    // (never inside a commit), and the inbox goes on working after it.
    void walFileIsCutBackAfterALongPause()
    {
        InboxFile f;
        QVERIFY(f.store);
        InboxTuning tuning;
        tuning.checkpointQuietMs = 50;
        tuning.walTruncateQuietMs = 300;
        tuning.walKeepBytes = 0;
        Inbox inbox(f.store.get(), f.clock, nullptr, tuning);
        inbox.setProcessingHeld(true);
        const QString wal = f.store->filePath() + QStringLiteral("-wal");
        QVERIFY(commitBatch(inbox, { entry(QStringLiteral("partner:1")) })[0].stored);
        QVERIFY(QFileInfo(wal).size() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(wal).size(), 0, 5000);
        const auto after = commitBatch(inbox, { entry(QStringLiteral("partner:1")), entry(QStringLiteral("partner:2")) });
        QVERIFY(after[0].duplicate);
        QVERIFY(after[1].stored && !after[1].duplicate);
        QCOMPARE(count(*f.store, QStringLiteral("SELECT count(*) FROM inbox")), 2);
        QVERIFY(inbox.walPendingFrames() > 0); // the restarted WAL's frames are counted...
        QTRY_COMPARE_WITH_TIMEOUT(inbox.walPendingFrames(), 0, 5000); // ...and copied
    }

    // What the store's own connection writes (processing, sync, the outbox) is checkpointed in a
    // pause too, although the inbox writer never saw it: here no delivery at all.
    void storeConnectionWritesAreCheckpointed()
    {
        InboxFile f;
        QVERIFY(f.store);
        InboxTuning tuning;
        tuning.walTruncateQuietMs = 0;
        tuning.walKeepBytes = 0;
        Inbox inbox(f.store.get(), f.clock, nullptr, tuning);
        const QString wal = f.store->filePath() + QStringLiteral("-wal");
        QSqlQuery q(f.store->database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO sync_state (resource, last_synced_at) VALUES ('jobs', 'now')")));
        QVERIFY(QFileInfo(wal).size() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(wal).size(), 0, 5000); // copied, then cut back
        QCOMPARE(count(*f.store, QStringLiteral("SELECT count(*) FROM sync_state")), 1);
    }

    // After a burst is copied, the store's connection restarts the WAL with a few frames of its own;
    // the writer learns of the restart only at its next commit. The next pause's checkpoint copies
    // them and nothing is reported pending (or checkpointed again and again) meanwhile.
    void pendingFramesSettleWhenTheStoreRestartsTheWal()
    {
        InboxFile f;
        QVERIFY(f.store);
        Inbox inbox(f.store.get(), f.clock);
        inbox.setProcessingHeld(true);
        QList<InboxEntry> burst;
        for (int i = 0; i < 50; ++i)
            burst.append(entry(QStringLiteral("partner:burst-%1").arg(i)));
        commitBatch(inbox, burst);
        QVERIFY(inbox.walPendingFrames() > 10);
        QTRY_COMPARE_WITH_TIMEOUT(inbox.walPendingFrames(), 0, 5000);
        QSqlQuery q(f.store->database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO sync_state (resource, last_synced_at) VALUES ('jobs', 'now')")));
        QTest::qWait(1500); // past the next idle checkpoint
        QCOMPARE(inbox.walPendingFrames(), 0);
    }

    // Deleting a delivery by hand (support, retention) forgets its key and processing state: its row
    // id can be reused.
    void deletedRowsLeaveNoKey()
    {
        InboxFile f;
        QVERIFY(f.store);
        QSqlQuery q(f.store->database());
        {
            Inbox inbox(f.store.get(), f.clock);
            QVERIFY(commitBatch(inbox, { entry(QStringLiteral("partner:gone")) })[0].stored);
            inbox.startProcessing();
            QTRY_COMPARE_WITH_TIMEOUT(inbox.unprocessedCount(), 0, 10000);
        }
        QVERIFY(q.exec(QStringLiteral("DELETE FROM inbox")));
        QCOMPARE(count(*f.store, QStringLiteral("SELECT count(*) FROM inbox_keys")), 0);
        QCOMPARE(count(*f.store, QStringLiteral("SELECT count(*) FROM inbox_processing")), 0);
        Inbox inbox(f.store.get(), f.clock);
        const auto again = commitBatch(inbox, { entry(QStringLiteral("partner:new")), entry(QStringLiteral("partner:gone")) });
        QVERIFY(again[0].stored && !again[0].duplicate);
        QVERIFY(again[1].stored && !again[1].duplicate);
        QCOMPARE(count(*f.store, QStringLiteral("SELECT count(*) FROM inbox_keys")), 2);
        inbox.startProcessing(); // the reused row id is processed, not taken for the deleted one
        QTRY_COMPARE_WITH_TIMEOUT(inbox.unprocessedCount(), 0, 10000);
        QCOMPARE(count(*f.store, QStringLiteral("SELECT count(*) FROM inbox_state WHERE processed_at IS NOT NULL")), 2);
    }

    // The depth /metrics reports is kept by the commits, and counted from the table at start.
    void unprocessedCountFollowsCommits()
    {
        InboxFile f;
        QVERIFY(f.store);
        {
            Inbox inbox(f.store.get(), f.clock);
            inbox.setProcessingHeld(true);
            QCOMPARE(inbox.unprocessedCount(), 0);
            commitBatch(inbox, { entry(QStringLiteral("partner:a")), entry(QStringLiteral("partner:a")), entry(QString()) });
            QCOMPARE(inbox.unprocessedCount(), 2);
        }
        Inbox inbox(f.store.get(), f.clock);
        QCOMPARE(inbox.unprocessedCount(), 2);
        inbox.startProcessing();
        QTRY_COMPARE_WITH_TIMEOUT(inbox.unprocessedCount(), 0, 10000);
        QCOMPARE(count(*f.store, QStringLiteral("SELECT count(*) FROM inbox_state WHERE processed_at IS NULL")), 0);
    }

    // A second delivery of a key has no second effect: in the same batch, in a later batch, after a
    // restart, and for rows another path inserted (the demo data); the duplicate repeats the first
    // delivery's row and status.
    void duplicatesAreFoundWithinBatchesAndAcrossRestarts()
    {
        InboxFile f;
        QVERIFY(f.store);
        const auto &store = f.store;
        SystemClock &clock = f.clock;
        qint64 firstA = 0;
        {
            Inbox inbox(store.get(), clock);
            inbox.setProcessingHeld(true);
            const auto batch = commitBatch(inbox,
                { entry(QStringLiteral("partner:a"), 202), entry(QStringLiteral("partner:b"), 401),
                    entry(QStringLiteral("partner:a"), 500), entry(QString()), entry(QString()) });
            QVERIFY(batch[0].stored && !batch[0].duplicate);
            firstA = batch[0].id;
            QVERIFY(batch[2].stored && batch[2].duplicate);
            QCOMPARE(batch[2].id, firstA);
            QCOMPARE(batch[2].status, 202);
            QVERIFY(!batch[3].duplicate && !batch[4].duplicate); // no key: never deduplicated
            QVERIFY(batch[3].id != batch[4].id);

            const auto later = commitBatch(inbox, { entry(QStringLiteral("partner:b"), 202) });
            QVERIFY(later[0].duplicate);
            QCOMPARE(later[0].id, batch[1].id);
            QCOMPARE(later[0].status, 401);
        }
        QSqlQuery q(store->database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO inbox (received_at, route, event_key, headers, body,"
                                      " verification, status) VALUES ('2026-01-01T00:00:00Z', '/webhook',"
                                      " 'partner:seeded', '', '{}', 'seeded', 202)")));
        const qint64 seeded = q.lastInsertId().toLongLong();

        Inbox reopened(store.get(), clock);
        reopened.setProcessingHeld(true);
        const auto again = commitBatch(reopened,
            { entry(QStringLiteral("partner:a")), entry(QStringLiteral("partner:seeded")),
                entry(QStringLiteral("partner:c")) });
        QVERIFY(again[0].duplicate);
        QCOMPARE(again[0].id, firstA);
        QVERIFY(again[1].duplicate);
        QCOMPARE(again[1].id, seeded);
        QVERIFY(again[2].stored && !again[2].duplicate);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM inbox")), 6);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM inbox_keys")), 4);
    }

    // A batch that fails stores nothing: its events are new the next time they come.
    void failedCommitLeavesNoKey()
    {
        InboxFile f;
        QVERIFY(f.store);
        const auto &store = f.store;
        SystemClock &clock = f.clock;
        Inbox inbox(store.get(), clock);
        inbox.setProcessingHeld(true);
        QSqlQuery q(store->database());
        QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON inbox WHEN new.event_key ="
                                      " 'partner:boom' BEGIN SELECT RAISE(ABORT, 'refused'); END")));
        const auto failed = commitBatch(inbox, { entry(QStringLiteral("partner:x")), entry(QStringLiteral("partner:boom")) });
        QVERIFY(!failed[0].stored && !failed[1].stored);
        QVERIFY2(failed[1].error.contains(QLatin1String("refused")), qPrintable(failed[1].error));
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM inbox")), 0);
        QCOMPARE(inbox.unprocessedCount(), 0);

        QVERIFY(q.exec(QStringLiteral("DROP TRIGGER refuse")));
        const auto retried = commitBatch(inbox, { entry(QStringLiteral("partner:x")), entry(QStringLiteral("partner:x")) });
        QVERIFY(retried[0].stored && !retried[0].duplicate);
        QVERIFY(retried[1].duplicate);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM inbox")), 1);
        QCOMPARE(inbox.unprocessedCount(), 1);
    }

    // A flood the background checkpoints cannot follow (here: they never run) must not grow the WAL
    // without bound: past maxWalFrames the writer checkpoints and starts the WAL over itself, and
    // every delivery is still stored exactly once.
    void walStaysBoundedWhenCheckpointsFallBehind()
    {
        InboxFile f;
        QVERIFY(f.store);
        const auto &store = f.store;
        SystemClock &clock = f.clock;
        InboxTuning tuning;
        tuning.maxWalFrames = 400;
        tuning.checkpointQuietMs = tuning.checkpointAfterFrames = tuning.checkpointMaxDelayMs = INT_MAX;
        Inbox inbox(store.get(), clock, nullptr, tuning);
        inbox.setProcessingHeld(true);

        const QByteArray body(2500, 'x'); // about one page per row, like a partner event
        constexpr int Rows = 3000;
        constexpr int Chunk = 100;
        int stored = 0;
        qint64 largestWal = 0;
        const QString wal = store->filePath() + QStringLiteral("-wal");
        for (int chunk = 0; chunk < Rows / Chunk; ++chunk) {
            for (int i = 0; i < Chunk; ++i) {
                InboxEntry e = entry(QStringLiteral("partner:%1-%2").arg(chunk).arg(i));
                e.body = body;
                inbox.enqueue(std::move(e), [&stored](const InboxOutcome &o) { stored += o.stored && !o.duplicate; });
            }
            QTRY_COMPARE_WITH_TIMEOUT(stored, (chunk + 1) * Chunk, 30000);
            largestWal = qMax(largestWal, QFileInfo(wal).size());
        }
        QCOMPARE(stored, Rows);
        // Without the catch-up the WAL would hold every row (> 3000 pages, 12 MiB); with it, at most
        // the limit plus one chunk's commit (~100 pages) and the b-tree pages around it.
        const qint64 page = 4096 + 24;
        QVERIFY2(largestWal <= (tuning.maxWalFrames + 400) * page,
            qPrintable(QStringLiteral("largest WAL %1 bytes").arg(largestWal)));
        QVERIFY(inbox.walCatchUps() > 0);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM inbox")), Rows);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(DISTINCT event_key) FROM inbox")), Rows);
    }
};

QTEST_GUILESS_MAIN(tst_Inbox)
#include "tst_inbox.moc"

// The durable inbox on its own: a real SQLite file, the writer and checkpointer threads.
#include "models/Clock.h"
#include "models/Store.h"
#include "net/webhook/Inbox.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

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

} // namespace

class tst_Inbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A second delivery of a key has no second effect: in the same batch, in a later batch, after a
    // restart, and for rows another path inserted (the demo data); the duplicate repeats the first
    // delivery's row and status.
    void duplicatesAreFoundWithinBatchesAndAcrossRestarts()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        StoreError error;
        auto store = Store::open(dir.filePath(QStringLiteral("intrvio.sqlite")), &error);
        QVERIFY2(store, qPrintable(error.message));
        SystemClock clock;
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
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        StoreError error;
        auto store = Store::open(dir.filePath(QStringLiteral("intrvio.sqlite")), &error);
        QVERIFY2(store, qPrintable(error.message));
        SystemClock clock;
        Inbox inbox(store.get(), clock);
        inbox.setProcessingHeld(true);
        QSqlQuery q(store->database());
        QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON inbox WHEN new.event_key ="
                                      " 'partner:boom' BEGIN SELECT RAISE(ABORT, 'refused'); END")));
        const auto failed = commitBatch(inbox, { entry(QStringLiteral("partner:x")), entry(QStringLiteral("partner:boom")) });
        QVERIFY(!failed[0].stored && !failed[1].stored);
        QVERIFY2(failed[1].error.contains(QLatin1String("refused")), qPrintable(failed[1].error));
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM inbox")), 0);

        QVERIFY(q.exec(QStringLiteral("DROP TRIGGER refuse")));
        const auto retried = commitBatch(inbox, { entry(QStringLiteral("partner:x")), entry(QStringLiteral("partner:x")) });
        QVERIFY(retried[0].stored && !retried[0].duplicate);
        QVERIFY(retried[1].duplicate);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM inbox")), 1);
    }

    // A flood the background checkpoints cannot follow (here: they never run) must not grow the WAL
    // without bound: past maxWalFrames the writer checkpoints and starts the WAL over itself, and
    // every delivery is still stored exactly once.
    void walStaysBoundedWhenCheckpointsFallBehind()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        StoreError error;
        auto store = Store::open(dir.filePath(QStringLiteral("intrvio.sqlite")), &error);
        QVERIFY2(store, qPrintable(error.message));
        SystemClock clock;
        InboxTuning tuning;
        tuning.maxWalFrames = 400;
        tuning.checkpointIntervalMs = 24 * 3600 * 1000;
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

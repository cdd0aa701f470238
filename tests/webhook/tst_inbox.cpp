// The durable inbox on its own: a real SQLite file, the writer and checkpointer threads.
#include "models/Clock.h"
#include "models/Store.h"
#include "net/webhook/Inbox.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace intrvio;

class tst_Inbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
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
                InboxEntry e;
                e.route = QStringLiteral("/webhook");
                e.eventKey = QStringLiteral("partner:%1-%2").arg(chunk).arg(i);
                e.headers = "Host: 127.0.0.1\n";
                e.body = body;
                e.verification = QStringLiteral("test");
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
        QSqlQuery q(store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*), count(DISTINCT event_key) FROM inbox")) && q.next());
        QCOMPARE(q.value(0).toInt(), Rows);
        QCOMPARE(q.value(1).toInt(), Rows);
    }
};

QTEST_GUILESS_MAIN(tst_Inbox)
#include "tst_inbox.moc"

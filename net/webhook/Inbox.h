#pragma once

#include "net/events/DomainEvent.h"
#include "net/events/EventNormalizer.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <memory>

class QThread;
class QTimer;

namespace intrvio {

class Clock;
class Store;

// One accepted delivery, as it is stored before it is acknowledged.
struct InboxEntry
{
    QString route; // "/webhook", "/actions/resend", "/company-webhooks"
    QString eventKey; // dedupe key ("partner:<id>", "company:<sha256>"); empty: never deduplicated
    QByteArray headers; // redacted (models/Redaction.h), UTF-8 text
    QByteArray body; // raw bytes as received
    QString verification; // how it was verified, e.g. "bearer=uuid;signature=v1"
    int status = 202; // the status answered for the first delivery
    QString replayEventId; // partner event id for the replay cache
    qint64 replayT = 0; // its signature timestamp
};

struct InboxOutcome
{
    bool stored = false; // committed (new or duplicate)
    bool duplicate = false; // an earlier delivery with the same key exists: no second effect
    qint64 id = 0; // inbox row
    int status = 0; // status of the first delivery (duplicates repeat it as 200)
    QString error; // when !stored
};

struct InboxTuning
{
    // Background checkpoints copy the WAL into the database and sync it. Running beside commits they
    // slow the commits' own fsyncs (measured: p99 2.7 ms without, 5.1 ms with one a second), so
    // they wait for a pause in the writer's commits, unless this many frames (1 GiB, about 10 s of
    // a flood at full speed) or this much time have gone by: the same two bounds as a database
    // server's checkpoint settings (PostgreSQL: max_wal_size 1 GB, checkpoint_timeout).
    int checkpointQuietMs = 250;
    int checkpointAfterFrames = 262144;
    int checkpointMaxDelayMs = 30000;
    // After a pause this long, a WAL file a burst left larger than walKeepBytes is cut back.
    int walTruncateQuietMs = 60000;
    qint64 walKeepBytes = 64 * 1024 * 1024;
    // Past this many WAL frames after a commit the writer checkpoints itself (the background
    // checkpointer fell behind a flood): 4 GiB of 4 KiB pages. A safety valve for the disk, not a
    // pace: a catch-up holds the next commit while it copies the backlog and syncs the database
    // (measured: a few hundred milliseconds), so it should fire rarely.
    int maxWalFrames = 1048576;
};

// The durable inbox (migrations 3 and 6). Writes are group-committed on a writer thread with its own SQLite
// connection: whatever is enqueued while the previous commit (and its fsync) runs goes into the next
// transaction, and each caller hears back only after the commit that covers its row, so the event
// loop keeps parsing and verifying while the disk syncs. Processing runs afterwards from the table, so
// a crash after the answer loses nothing; "processed" marks ride along with the next commit.
class Inbox : public QObject
{
    Q_OBJECT
public:
    Inbox(Store *store, const Clock &clock, QObject *parent = nullptr, InboxTuning tuning = {});
    ~Inbox() override;

    using Done = std::function<void(const InboxOutcome &)>;
    void enqueue(InboxEntry entry, Done done);
    void flush(); // starts a commit of what is pending (if none is running)
    void flushAndWait(); // commits everything pending before returning (shutdown)
    int pendingWrites() const { return int(m_pending.size()) + m_inCommit; }

    // Processing. A handler may be set (the interview pipeline); domainEvent() is emitted as well.
    void setHandler(DomainEventHandler *handler) { m_handler = handler; }
    void setProcessingHeld(bool held); // tests: keep rows unprocessed
    void startProcessing(); // processes old unprocessed rows, then follows new commits
    bool processBatch(int limit = 256); // one pass; true when something was done
    // Stored deliveries not processed yet: counted once at start (the inbox's rows are only written
    // through this class), then kept up to date by each commit, so /metrics never scans the table.
    qint64 unprocessedCount() const { return m_unprocessed; }
    bool idle() const;

    // Prometheus histogram of receive -> processed latency (seconds).
    static const QList<double> &latencyBuckets();
    const QList<quint64> &latencyCounts() const { return m_latencyCounts; }
    double latencySum() const { return m_latencySum; }
    quint64 latencyCount() const { return m_latencyCount; }
    quint64 commits() const { return m_commits; }
    quint64 walCatchUps() const; // times the writer checkpointed itself (InboxTuning::maxWalFrames)
    int walPendingFrames() const; // WAL frames no checkpoint has copied into the database yet

    // Whether the background checkpointer copies the WAL now (InboxTuning).
    static bool checkpointDue(const InboxTuning &tuning, int pendingFrames, qint64 msSinceCommit,
        qint64 msSinceCheckpoint);
    static constexpr int MinCheckpointGapMs = 250;
    static constexpr int IdleCheckpointMs = 1000;

Q_SIGNALS:
    void domainEvent(const intrvio::DomainEvent &event);
    void rowProcessed(qint64 id, const QString &route, int events);
    void committed(int rows);

private:
    struct Pending
    {
        InboxEntry entry;
        Done done;
    };
    struct Mark
    {
        qint64 id;
        QString error; // empty: processed
    };
    struct CommitResult;
    void scheduleProcessing(int delayMs);
    void committedBatch(const std::shared_ptr<CommitResult> &result);
    void rememberCompanyWebhook(const EventNormalizer::CompanyWebhook &hook);
    bool processRow(qint64 id, const QString &route, const QByteArray &body, const QString &receivedAt,
        QString *error, int *events);

    Store *m_store;
    const Clock &m_clock;
    QList<Pending> m_pending;
    QList<Pending> m_committing;
    QList<Mark> m_marks; // processed/failed marks waiting for the next commit
    QSet<qint64> m_markedIds; // processed in memory, mark not committed yet: never process twice
    int m_inCommit = 0;
    class Writer;
    Writer *m_writer = nullptr;
    QThread *m_thread = nullptr;
    class Checkpointer;
    Checkpointer *m_checkpointer = nullptr;
    struct WalState;
    std::shared_ptr<WalState> m_wal;
    QThread *m_checkpointThread = nullptr;
    QTimer *m_flushTimer;
    QTimer *m_processTimer;
    // Rows per processing pass (one transaction). Passes run on the event loop between commits, so
    // this bounds how long an answer can wait behind processing (a few milliseconds). Measured with
    // the webhook bench while processing: 128 gave p99 26 ms, 64 gave 13 ms at a higher rate, 32
    // 11 ms but twice the median (an fsync per pass on this thread).
    static constexpr int ProcessChunk = 64;
    DomainEventHandler *m_handler = nullptr;
    bool m_held = false;
    bool m_processing = false;
    bool m_processAfterCommit = false; // processing came due while the writer was committing
    qint64 m_cursor = 0; // last row looked at; reset to retry failures
    QList<quint64> m_latencyCounts;
    double m_latencySum = 0;
    quint64 m_latencyCount = 0;
    quint64 m_commits = 0;
    qint64 m_unprocessed = 0;
    qint64 countUnprocessed() const;
};

} // namespace intrvio

#include "Inbox.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "net/events/EventNormalizer.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QScopeGuard>
#include <QSqlError>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <chrono>

#include <sqlite3.h>

namespace intrvio {

namespace {

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

// What the writer and the checkpointer threads know of the WAL, for scheduling checkpoints.
struct Inbox::WalState
{
    std::atomic<int> frames = 0; // in the WAL after the writer's last commit
    std::atomic<quint32> generation = 0; // times the WAL started over
    std::atomic<bool> committing = false; // the writer is in a commit now
    std::atomic<qint64> lastCommitMs = 0; // steadyMs() when the writer's last commit ended
    std::atomic<int> checkpointedFrames = 0; // frames the last checkpoint had copied...
    std::atomic<quint32> checkpointedGeneration = 0; // ...in this generation of the WAL

    int pendingFrames() const
    {
        const int now = frames.load();
        return generation.load() == checkpointedGeneration.load() ? qMax(0, now - checkpointedFrames.load()) : now;
    }
    void markCheckpointed(quint32 gen, int copied)
    {
        checkpointedFrames = copied;
        checkpointedGeneration = gen;
    }
};

struct Inbox::CommitResult
{
    QList<InboxOutcome> outcomes;
    QList<Mark> marks;
    QString error;
    int newlyProcessed = 0; // marks that set processed_at
};

// Runs on the writer thread with its own connection to the same database file. It speaks SQLite's C
// API: this is the path every acknowledged delivery waits on, and QtSql's per-value QVariant binding
// cost more than SQLite's own work for the row.
//
// It also owns the dedupe index: the hash of every stored event key with its row, loaded from
// inbox_keys (migration 6) when it opens and kept up to date with each commit. A hash match is
// confirmed against the stored key, so the answer is exact; a miss needs no read at all. A unique
// SQLite index did the same but wrote a random leaf page per delivery. Deliveries are only stored
// through this writer (the data directory lock keeps other processes out). The index costs about
// 60 bytes of memory per stored delivery.
class Inbox::Writer : public QObject
{
public:
    Writer(QString path, int maxWalFrames, std::shared_ptr<WalState> wal)
        : m_maxWalFrames(maxWalFrames)
        , m_path(std::move(path))
        , m_wal(std::move(wal))
    { }
    ~Writer() override
    {
        for (sqlite3_stmt *stmt : { m_insert, m_keyRow, m_done, m_failed, m_begin, m_commit, m_rollback })
            sqlite3_finalize(stmt); // a no-op for nullptr
        sqlite3_close(m_db);
    }

    bool open(QString *error)
    {
        if (sqlite3_open_v2(m_path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                nullptr)
            != SQLITE_OK)
            return fail(error);
        sqlite3_busy_timeout(m_db, BusyMs);
        // FULL: the commit is on disk before anyone is told "stored". Checkpoints run on their own
        // thread (Checkpointer), never inside a commit someone waits for. No journal_size_limit: it
        // cuts the WAL file back in the first commit after the WAL starts over, and on a file system
        // mounted with discard cutting a gigabyte held that commit for hundreds of milliseconds; the
        // checkpointer cuts it back after a long pause instead (InboxTuning::walTruncateQuietMs).
        if (sqlite3_exec(m_db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0",
                nullptr, nullptr, nullptr)
            != SQLITE_OK)
            return fail(error);
        walStartedOver(); // the salts the WAL has now, so a restart before the first commit counts
        sqlite3_wal_hook(
            m_db,
            [](void *self, sqlite3 *, const char *, int frames) {
                auto *writer = static_cast<Writer *>(self);
                WalState &wal = *writer->m_wal;
                if (writer->walStartedOver()) {
                    ++wal.generation;
                    writer->m_catchUpAt = writer->m_maxWalFrames;
                }
                wal.frames = frames;
                return SQLITE_OK;
            },
            this);
        return loadKeys(error)
            && prepare(&m_insert,
                   "INSERT INTO inbox (received_at, route, event_key, headers, body, verification,"
                   " status, signature_t) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   error)
            && prepare(&m_keyRow, "SELECT event_key, status FROM inbox WHERE id = ?", error)
            && prepare(&m_done,
                "INSERT INTO inbox_processing (processed_at, id, attempts) VALUES (?, ?, 1) ON CONFLICT(id) DO"
                " UPDATE SET processed_at = excluded.processed_at, attempts = attempts + 1, process_error = NULL"
                " WHERE processed_at IS NULL",
                error)
            && prepare(&m_failed,
                "INSERT INTO inbox_processing (process_error, id, attempts) VALUES (?, ?, 1) ON CONFLICT(id) DO"
                " UPDATE SET attempts = attempts + 1, process_error = excluded.process_error",
                error)
            // IMMEDIATE: take the write lock up front instead of upgrading a read lock mid-batch.
            && prepare(&m_begin, "BEGIN IMMEDIATE", error) && prepare(&m_commit, "COMMIT", error)
            && prepare(&m_rollback, "ROLLBACK", error); // commit() refuses to run without it
    }

    // One transaction for the whole batch.
    void commit(const QList<InboxEntry> &entries, const QString &now, CommitResult *result)
    {
        QList<InboxOutcome> *outcomes = &result->outcomes;
        QString *error = &result->error;
        outcomes->resize(entries.size());
        if (!m_rollback) {
            *error = QStringLiteral("inbox writer is not open");
            return;
        }
        // A commit that waits long for its fsync is not a pause in deliveries.
        m_wal->committing = true;
        const auto ended = qScopeGuard([this] {
            m_wal->lastCommitMs = steadyMs();
            m_wal->committing = false;
        });
        if (!step(m_begin, error))
            return;
        const QByteArray nowText = now.toUtf8();
        QList<std::pair<size_t, qint64>> added; // keys this transaction added to the index
        for (qsizetype i = 0; i < entries.size() && error->isEmpty(); ++i) {
            const InboxEntry &e = entries.at(i);
            const QByteArray key = e.eventKey.toUtf8();
            const size_t hash = qHash(key);
            InboxOutcome &o = (*outcomes)[i];
            if (!key.isEmpty() && !findKey(hash, key, &o, error))
                break;
            if (o.duplicate) {
                o.stored = true;
                continue;
            }
            const QByteArray route = e.route.toUtf8();
            const QByteArray verification = e.verification.toUtf8();
            bindText(m_insert, 1, nowText);
            bindText(m_insert, 2, route);
            if (key.isEmpty())
                sqlite3_bind_null(m_insert, 3);
            else
                bindText(m_insert, 3, key);
            bindText(m_insert, 4, e.headers);
            sqlite3_bind_blob64(m_insert, 5, e.body.constData(), sqlite3_uint64(e.body.size()), SQLITE_STATIC);
            bindText(m_insert, 6, verification);
            sqlite3_bind_int(m_insert, 7, e.status);
            if (e.replayT)
                sqlite3_bind_int64(m_insert, 8, e.replayT);
            else
                sqlite3_bind_null(m_insert, 8);
            if (!step(m_insert, error))
                break;
            o.id = sqlite3_last_insert_rowid(m_db);
            o.status = e.status;
            o.stored = true;
            if (!key.isEmpty()) {
                m_keys.insert(hash, o.id);
                added.append({ hash, o.id });
            }
        }
        for (const Mark &m : std::as_const(result->marks)) {
            if (!error->isEmpty())
                break;
            sqlite3_stmt *q = m.error.isEmpty() ? m_done : m_failed;
            const QByteArray text = m.error.isEmpty() ? nowText : m.error.toUtf8();
            bindText(q, 1, text);
            sqlite3_bind_int64(q, 2, m.id);
            if (step(q, error) && q == m_done)
                result->newlyProcessed += sqlite3_changes(m_db); // 0: it was processed already
        }
        if (error->isEmpty())
            step(m_commit, error);
        if (!error->isEmpty()) {
            if (!sqlite3_get_autocommit(m_db)) {
                QString ignored;
                step(m_rollback, &ignored);
            }
            for (const auto &[hash, id] : std::as_const(added))
                m_keys.remove(hash, id);
        }
    }

    // The checkpointer thread copies the WAL into the database in the background, but under a
    // sustained flood of deliveries it falls behind and the WAL would grow for as long as the flood
    // lasts. Past maxWalFrames the writer checkpoints and starts the WAL over itself (RESTART). It
    // runs after a batch's answers are on their way, so it holds the next commit: the back-pressure
    // a flood should feel. If a reader keeps it from finishing, the next try waits for another
    // maxWalFrames of growth rather than repeating on every commit; if the background checkpointer
    // merely held the checkpoint lock (log < 0), the next commit tries again.
    void catchUpIfDue()
    {
        const int walFrames = m_wal->frames;
        if (walFrames <= m_catchUpAt)
            return;
        int log = 0;
        int copied = 0;
        sqlite3_busy_timeout(m_db, CatchUpBusyMs); // do not sit out a long read
        const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_RESTART, &log, &copied);
        sqlite3_busy_timeout(m_db, BusyMs);
        if (rc == SQLITE_OK) {
            m_catchUpAt = m_maxWalFrames;
            ++m_catchUps;
            m_wal->markCheckpointed(m_wal->generation, copied);
        } else if (log >= 0) {
            m_catchUpAt = qMax(walFrames, log) + m_maxWalFrames;
        }
    }

    std::atomic<quint64> m_catchUps = 0; // completed catch-ups; read by the event loop thread (metrics)

private:
    // SQLite gives the WAL header new salts whenever the WAL starts over (whichever connection
    // restarts it), so comparing them after each commit tells a restart exactly.
    bool walStartedOver()
    {
        if (!m_walFile.isOpen()) {
            m_walFile.setFileName(m_path + QStringLiteral("-wal"));
            if (!m_walFile.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
                return false;
        }
        char salts[8];
        if (!m_walFile.seek(WalSaltOffset) || m_walFile.read(salts, sizeof salts) != qint64(sizeof salts))
            return false;
        const QByteArray now(salts, sizeof salts);
        const bool changed = !m_walSalts.isEmpty() && now != m_walSalts;
        m_walSalts = now;
        return changed;
    }

    bool loadKeys(QString *error)
    {
        sqlite3_stmt *all = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT id, event_key FROM inbox_keys", -1, &all, nullptr) != SQLITE_OK)
            return fail(error);
        int rc;
        while ((rc = sqlite3_step(all)) == SQLITE_ROW) {
            const auto *text = static_cast<const char *>(sqlite3_column_blob(all, 1));
            m_keys.insert(qHash(QByteArrayView(text, sqlite3_column_bytes(all, 1))), sqlite3_column_int64(all, 0));
        }
        sqlite3_finalize(all);
        return rc == SQLITE_DONE || fail(error);
    }

    // Sets o->duplicate, id and status when a stored row has this key. Rows of this transaction count.
    bool findKey(size_t hash, const QByteArray &key, InboxOutcome *o, QString *error)
    {
        for (auto [it, end] = m_keys.equal_range(hash); it != end; ++it) {
            sqlite3_bind_int64(m_keyRow, 1, it.value());
            const int rc = sqlite3_step(m_keyRow);
            if (rc == SQLITE_ROW
                && QByteArrayView(static_cast<const char *>(sqlite3_column_blob(m_keyRow, 0)),
                       sqlite3_column_bytes(m_keyRow, 0))
                    == key) {
                o->duplicate = true;
                o->id = it.value();
                o->status = sqlite3_column_int(m_keyRow, 1);
            } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
                fail(error);
            }
            sqlite3_reset(m_keyRow);
            if (o->duplicate || !error->isEmpty())
                break;
        }
        return error->isEmpty();
    }

    bool fail(QString *error) const
    {
        *error = m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory");
        return false;
    }
    bool prepare(sqlite3_stmt **stmt, const char *sql, QString *error)
    {
        return sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) == SQLITE_OK
            || fail(error);
    }
    // Runs a statement that returns no row; the bound values must live until it returns.
    bool step(sqlite3_stmt *stmt, QString *error)
    {
        const int rc = sqlite3_step(stmt);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW)
            fail(error);
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return rc == SQLITE_DONE || rc == SQLITE_ROW;
    }
    static void bindText(sqlite3_stmt *stmt, int index, const QByteArray &utf8)
    {
        sqlite3_bind_text64(stmt, index, utf8.constData(), sqlite3_uint64(utf8.size()), SQLITE_STATIC, SQLITE_UTF8);
    }

    const int m_maxWalFrames;
    QString m_path;
    sqlite3 *m_db = nullptr;
    std::shared_ptr<WalState> m_wal;
    QFile m_walFile; // read only, for the header's salts
    QByteArray m_walSalts;
    static constexpr qint64 WalSaltOffset = 16; // https://sqlite.org/fileformat.html#wal_file_format
    int m_catchUpAt = m_maxWalFrames; // WAL frames past which the next commit is followed by a catch-up
    static constexpr int BusyMs = 5000;
    static constexpr int CatchUpBusyMs = 200;
    QMultiHash<size_t, qint64> m_keys; // qHash(event key) -> inbox row: the dedupe index
    sqlite3_stmt *m_insert = nullptr, *m_keyRow = nullptr, *m_done = nullptr, *m_failed = nullptr;
    sqlite3_stmt *m_begin = nullptr, *m_commit = nullptr, *m_rollback = nullptr;
};

// Copies WAL frames back into the database file on its own thread and connection (PASSIVE: never
// blocks the writer), so no acknowledged commit waits for a checkpoint's fsync; when, see
// Inbox::checkpointDue().
class Inbox::Checkpointer : public QObject
{
public:
    Checkpointer(QString path, const InboxTuning &tuning, std::shared_ptr<WalState> wal)
        : m_tuning(tuning)
        , m_path(std::move(path))
        , m_connection(QStringLiteral("intrvio-inbox-checkpoint-%1").arg(quintptr(this)))
        , m_wal(std::move(wal))
        , m_lastCheckpointMs(steadyMs())
    {
        m_wal->lastCommitMs = steadyMs(); // a pause starts now, not at boot
    }
    ~Checkpointer() override
    {
        delete m_timer;
        {
            QSqlDatabase db = QSqlDatabase::database(m_connection, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }
    void start()
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(BusyMs));
        if (!db.open())
            return;
        QSqlQuery(db).exec(QStringLiteral("PRAGMA synchronous=FULL"));
        m_timer = new QTimer;
        QObject::connect(m_timer, &QTimer::timeout, m_timer, [this] { checkpointIfDue(); });
        m_timer->start(PollMs);
    }

private:
    void checkpointIfDue()
    {
        const qint64 now = steadyMs();
        const bool committing = m_wal->committing; // before the time: a commit may end in between
        const qint64 lastCommit = m_wal->lastCommitMs;
        const qint64 sinceCommit = committing ? 0 : now - lastCommit;
        if (!checkpointDue(m_tuning, m_wal->pendingFrames(), sinceCommit, now - m_lastCheckpointMs))
            return;
        m_lastCheckpointMs = now;
        const quint32 generation = m_wal->generation;
        const int frames = m_wal->frames; // all committed before this checkpoint starts
        // One row: busy, frames in the WAL, frames copied into the database.
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")) || !q.next() || q.value(2).toInt() < 0)
            return;
        const bool complete = q.value(1).toInt() == q.value(2).toInt();
        // A complete copy covers every frame the writer had committed, even when the store's own
        // connection has restarted the WAL since (the writer learns of that only at its next commit).
        m_wal->markCheckpointed(generation, complete ? qMax(frames, q.value(2).toInt()) : q.value(2).toInt());
        // Once per pause, when everything is copied: a WAL file a burst made large is cut back.
        // TRUNCATE holds the writer while it waits for readers to leave the WAL, so it gives up
        // after TruncateBusyMs (the next pause tries again); the writer counts the restart from the
        // new header at its next commit.
        if (!complete || sinceCommit < m_tuning.walTruncateQuietMs || m_truncatedAfter == lastCommit
            || QFileInfo(m_path + QStringLiteral("-wal")).size() <= m_tuning.walKeepBytes)
            return;
        m_truncatedAfter = lastCommit;
        q.exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(TruncateBusyMs));
        q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        q.exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(BusyMs));
    }

    static constexpr int PollMs = 50; // reads two atomics; the checkpoint itself runs only when due
    static constexpr int BusyMs = 1000;
    static constexpr int TruncateBusyMs = 100;
    const InboxTuning m_tuning;
    QString m_path;
    QString m_connection;
    std::shared_ptr<WalState> m_wal;
    qint64 m_lastCheckpointMs;
    qint64 m_truncatedAfter = -1; // lastCommitMs of the pause in which the WAL file was last cut back
    QTimer *m_timer = nullptr;
};

bool Inbox::checkpointDue(const InboxTuning &tuning, int pendingFrames, qint64 msSinceCommit, qint64 msSinceCheckpoint)
{
    if (msSinceCheckpoint < MinCheckpointGapMs) // a reader that holds the WAL back is not polled hard
        return false;
    // In a pause: what the writer committed at once; and once a second anyway, for what the store's
    // own connection wrote (processing, sync, the outbox, admin edits), which the writer does not see.
    // A PASSIVE checkpoint with nothing to copy costs no fsync.
    if (msSinceCommit >= tuning.checkpointQuietMs)
        return pendingFrames > 0 || msSinceCheckpoint >= IdleCheckpointMs;
    return pendingFrames >= tuning.checkpointAfterFrames
        || (pendingFrames > 0 && msSinceCheckpoint >= tuning.checkpointMaxDelayMs);
}

Inbox::Inbox(Store *store, const Clock &clock, QObject *parent, InboxTuning tuning)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_flushTimer(new QTimer(this))
    , m_processTimer(new QTimer(this))
    , m_latencyCounts(latencyBuckets().size() + 1, 0)
{
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(0);
    connect(m_flushTimer, &QTimer::timeout, this, &Inbox::flush);
    m_processTimer->setSingleShot(true);
    connect(m_processTimer, &QTimer::timeout, this, [this] {
        // Processing writes on the store connection; while the writer thread commits, that would wait
        // for its lock (and make the writer wait for ours). Run right after the commit instead.
        if (m_inCommit) {
            m_processAfterCommit = true;
            return;
        }
        if (processBatch(ProcessChunk))
            scheduleProcessing(0); // more waiting: next pass after whatever the event loop has queued
    });
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("inbox-writer"));
    m_wal = std::make_shared<WalState>();
    m_writer = new Writer(store->filePath(), tuning.maxWalFrames, m_wal);
    m_writer->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    m_thread->start();
    m_checkpointThread = new QThread(this);
    m_checkpointThread->setObjectName(QStringLiteral("inbox-checkpoint"));
    m_checkpointer = new Checkpointer(store->filePath(), tuning, m_wal);
    m_checkpointer->moveToThread(m_checkpointThread);
    connect(m_checkpointThread, &QThread::finished, m_checkpointer, &QObject::deleteLater);
    m_checkpointThread->start();
    // The store connection commits processing passes on the event loop thread; left at SQLite's
    // default it would run the WAL checkpoint (thousands of pages and an fsync of the database)
    // inside one of them whenever the WAL passed 1000 pages, holding every answer meanwhile. The
    // checkpointer thread does that work.
    QSqlQuery(store->database()).exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"));
    QMetaObject::invokeMethod(
        m_checkpointer, [c = m_checkpointer] { c->start(); }, Qt::QueuedConnection);
    QString error;
    bool opened = false;
    QMetaObject::invokeMethod(
        m_writer, [&] { opened = m_writer->open(&error); }, Qt::BlockingQueuedConnection);
    if (!opened)
        qCWarning(lcWebhook).noquote() << "inbox writer cannot open the store:" << error;
    m_unprocessed = qMax<qint64>(0, countUnprocessed());
}

Inbox::~Inbox()
{
    flushAndWait();
    m_thread->quit();
    m_thread->wait();
    m_checkpointThread->quit();
    m_checkpointThread->wait();
}

const QList<double> &Inbox::latencyBuckets()
{
    static const QList<double> buckets { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
    return buckets;
}

void Inbox::enqueue(InboxEntry entry, Done done)
{
    m_pending.append({ std::move(entry), std::move(done) });
    if (!m_inCommit && !m_flushTimer->isActive())
        m_flushTimer->start();
}

void Inbox::flush()
{
    if (m_inCommit || (m_pending.isEmpty() && m_marks.isEmpty()))
        return; // the running commit's completion starts the next one
    m_committing.swap(m_pending);
    m_pending.clear();
    QList<InboxEntry> entries;
    entries.reserve(m_committing.size());
    for (const Pending &p : std::as_const(m_committing))
        entries.append(p.entry);
    auto result = std::make_shared<CommitResult>();
    result->marks.swap(m_marks);
    m_inCommit = int(m_committing.size()) + 1;
    const QString now = m_clock.now().toString(Qt::ISODateWithMs);
    QMetaObject::invokeMethod(
        m_writer,
        [this, writer = m_writer, entries = std::move(entries), result, now] {
            writer->commit(entries, now, result.get());
            QMetaObject::invokeMethod(
                this, [this, result] { committedBatch(result); }, Qt::QueuedConnection);
            writer->catchUpIfDue();
        },
        Qt::QueuedConnection);
}

void Inbox::committedBatch(const std::shared_ptr<CommitResult> &result)
{
    QList<Pending> batch;
    batch.swap(m_committing);
    m_inCommit = 0;
    ++m_commits;
    if (!result->error.isEmpty()) {
        qCWarning(lcWebhook).noquote() << "inbox commit failed:" << result->error;
        for (InboxOutcome &o : result->outcomes)
            o = InboxOutcome { false, false, 0, 0, result->error };
        // Marks are not lost: processing sees the rows again once the set is cleared.
    } else {
        m_unprocessed -= result->newlyProcessed;
        for (const InboxOutcome &o : std::as_const(result->outcomes))
            m_unprocessed += o.stored && !o.duplicate;
        if (!batch.isEmpty())
            Q_EMIT committed(int(batch.size()));
    }
    for (const Mark &m : std::as_const(result->marks))
        m_markedIds.remove(m.id);
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const InboxOutcome outcome = result->outcomes.value(i);
        batch[i].done(outcome);
    }
    if (m_processAfterCommit) { // the writer is idle now; the answers above are already written
        m_processAfterCommit = false;
        if (processBatch(ProcessChunk))
            scheduleProcessing(0);
    }
    // What arrived during this commit goes into the next one at once. (Waiting a millisecond or two
    // for the clients just answered, to fill the batch, measured slower: every delivery then waits
    // for the timer as well as for the fsync.)
    if (!m_pending.isEmpty() || !m_marks.isEmpty())
        flush();
    // Processing follows commits in batches at a bounded cadence, so a burst of deliveries is
    // acknowledged first and processed right after, instead of competing with every commit.
    if (result->error.isEmpty() && !batch.isEmpty())
        scheduleProcessing(50);
}

void Inbox::flushAndWait()
{
    for (int guard = 0; guard < 1000 && (m_inCommit || !m_pending.isEmpty() || !m_marks.isEmpty()); ++guard) {
        flush();
        // Run the writer's queued work and deliver its completion on this thread.
        QMetaObject::invokeMethod(
            m_writer, [] {}, Qt::BlockingQueuedConnection);
        QCoreApplication::sendPostedEvents(this);
    }
}

void Inbox::setProcessingHeld(bool held)
{
    m_held = held;
    if (!held)
        scheduleProcessing(0);
}

void Inbox::startProcessing()
{
    scheduleProcessing(0);
}

void Inbox::scheduleProcessing(int delayMs)
{
    if (m_held)
        return;
    if (!m_processTimer->isActive() || m_processTimer->remainingTime() > delayMs)
        m_processTimer->start(delayMs);
}

quint64 Inbox::walCatchUps() const
{
    return m_writer->m_catchUps.load();
}

int Inbox::walPendingFrames() const
{
    return m_wal->pendingFrames();
}

qint64 Inbox::countUnprocessed() const
{
    QSqlQuery q(m_store->database());
    if (!q.exec(QStringLiteral("SELECT (SELECT count(*) FROM inbox)"
                               " - (SELECT count(*) FROM inbox_processing WHERE processed_at IS NOT NULL)"))
        || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

bool Inbox::processBatch(int limit)
{
    if (m_held || m_processing)
        return false;
    m_processing = true;
    struct Row
    {
        qint64 id;
        QString route;
        QByteArray body;
        QString receivedAt;
    };
    QList<Row> rows;
    {
        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral("SELECT d.id, d.route, d.body, d.received_at FROM inbox d"
                                 " LEFT JOIN inbox_processing p ON p.id = d.id"
                                 " WHERE d.id > ? AND p.processed_at IS NULL AND coalesce(p.attempts, 0) < 20"
                                 " ORDER BY d.id LIMIT ?"));
        q.addBindValue(m_cursor);
        q.addBindValue(limit);
        if (q.exec()) {
            while (q.next()) {
                const qint64 id = q.value(0).toLongLong();
                if (!m_markedIds.contains(id))
                    rows.append(
                        { id, q.value(1).toString(), q.value(2).toByteArray(), q.value(3).toString() });
                m_cursor = id;
            }
        }
    }
    const bool full = rows.size() == limit;
    if (rows.isEmpty()) {
        m_processing = false;
        return false;
    }
    bool failures = false;
    const QDateTime now = m_clock.now();
    // The whole batch's effects in one transaction (one fsync instead of several per row); each row
    // in a savepoint, so a row whose handler fails leaves nothing half-written.
    QSqlDatabase db = m_store->database();
    const bool batchTx = db.transaction();
    QList<Mark> marks;
    marks.reserve(rows.size());
    struct Done
    {
        qint64 id;
        QString route;
        int events;
        QString receivedAt;
    };
    QList<Done> done;
    done.reserve(rows.size());
    for (const Row &row : rows) {
        QString error;
        int events = 0;
        QSqlQuery savepoint(db);
        const bool inSavepoint = batchTx && savepoint.exec(QStringLiteral("SAVEPOINT inbox_row"));
        const bool ok = processRow(row.id, row.route, row.body, row.receivedAt, &error, &events);
        if (inSavepoint) {
            if (!ok)
                savepoint.exec(QStringLiteral("ROLLBACK TO inbox_row"));
            savepoint.exec(QStringLiteral("RELEASE inbox_row"));
        }
        marks.append({ row.id, ok ? QString() : error });
        if (!ok) {
            failures = true;
            continue;
        }
        done.append({ row.id, row.route, events, row.receivedAt });
    }
    if (batchTx && !db.commit()) {
        // Nothing of this batch is durable: no marks, the rows are processed again later.
        qCWarning(lcWebhook).noquote() << "inbox processing commit failed:" << db.lastError().text();
        db.rollback();
        marks.clear();
        done.clear();
        failures = true;
    }
    for (const Mark &m : std::as_const(marks)) {
        m_markedIds.insert(m.id);
        m_marks.append(m);
    }
    for (const Done &row : std::as_const(done)) {
        const int events = row.events;
        const QDateTime received = QDateTime::fromString(row.receivedAt, Qt::ISODateWithMs);
        if (received.isValid()) {
            const double secs = double(received.msecsTo(now)) / 1000.0;
            const QList<double> &buckets = latencyBuckets();
            qsizetype b = 0;
            while (b < buckets.size() && secs > buckets.at(b))
                ++b;
            ++m_latencyCounts[b];
            m_latencySum += secs;
            ++m_latencyCount;
        }
        qCInfo(lcWebhook).noquote() << QStringLiteral("inbox processed id=%1 route=%2 events=%3")
                                           .arg(row.id)
                                           .arg(row.route)
                                           .arg(events);
        Q_EMIT rowProcessed(row.id, row.route, events);
    }
    if (!m_inCommit && !m_flushTimer->isActive())
        m_flushTimer->start(); // the marks ride on the next commit
    m_processing = false;
    if (failures) {
        // Retry failed rows later rather than spinning on them.
        QTimer::singleShot(5000, this, [this] {
            m_cursor = 0;
            scheduleProcessing(0);
        });
    }
    return full;
}

bool Inbox::processRow(qint64 id, const QString &route, const QByteArray &body, const QString &receivedAt,
    QString *error, int *events)
{
    QList<DomainEvent> list;
    if (route == QLatin1String("/webhook") || route.startsWith(QLatin1String("/actions/"))) {
        const QString action = route == QLatin1String("/webhook") ? QString() : route.mid(9);
        list = EventNormalizer::normalizePartner(EventNormalizer::decodePartnerEvent(body), action);
    } else if (route == QLatin1String("/company-webhooks")) {
        const auto hook = EventNormalizer::decodeCompanyWebhook(body);
        EventNormalizer::Previous prev;
        QSqlQuery q(m_store->database());
        if (hook.ok() && hook.resource == QLatin1String("job_application")) {
            q.prepare(QStringLiteral("SELECT a.stage_id, a.rejected_at, s.name FROM applications a"
                                     " LEFT JOIN stages s ON s.id = a.stage_id WHERE a.id = ?"));
            q.addBindValue(hook.dataId);
            if (q.exec() && q.next()) {
                prev.stageId = q.value(0).toString();
                prev.rejected = !q.value(1).isNull() && !q.value(1).toString().isEmpty();
                if (!q.value(2).isNull())
                    prev.stageName = q.value(2).toString();
            }
        } else if (hook.ok() && hook.resource == QLatin1String("job")) {
            q.prepare(QStringLiteral("SELECT status FROM jobs WHERE id = ?"));
            q.addBindValue(hook.dataId);
            if (q.exec() && q.next())
                prev.jobStatus = q.value(0).toString();
        }
        list = EventNormalizer::normalizeCompany(hook, prev);
    }
    const QDateTime received = QDateTime::fromString(receivedAt, Qt::ISODateWithMs);
    for (DomainEvent &e : list) {
        e.inboxId = id;
        e.receivedAt = received;
        if (m_handler && !m_handler->handle(e)) {
            *error = QStringLiteral("handler refused %1").arg(e.type);
            return false;
        }
        Q_EMIT domainEvent(e);
    }
    *events = int(list.size());
    if (route == QLatin1String("/company-webhooks"))
        rememberCompanyWebhook(EventNormalizer::decodeCompanyWebhook(body));
    return true;
}

void Inbox::rememberCompanyWebhook(const EventNormalizer::CompanyWebhook &hook)
{
    // The mirror row (if the application or job is mirrored) takes what the delivery says, so the
    // next delivery is compared with it: without this a restore after a rejection, or a move after
    // a sync, would be compared with stale data. Rows are never created here (a webhook does not
    // name the candidate); the pipeline and the sync create them.
    if (!hook.ok() || hook.action != QLatin1String("update"))
        return;
    QSqlQuery q(m_store->database());
    if (hook.resource == QLatin1String("job_application")) {
        const QJsonValue rejectedAt = EventNormalizer::attribute(hook.attributes, QStringLiteral("rejected-at"));
        QString stageId = EventNormalizer::attribute(hook.attributes, QStringLiteral("stage-id")).toVariant().toString();
        const QString stageName = EventNormalizer::attribute(hook.attributes, QStringLiteral("stage-name")).toString();
        q.prepare(QStringLiteral(
            "UPDATE applications SET"
            " stage_id = COALESCE(NULLIF(?, ''), (SELECT s.id FROM stages s WHERE s.job_id = applications.job_id"
            "   AND lower(trim(s.name)) = lower(trim(?)) LIMIT 1), stage_id),"
            " rejected_at = CASE WHEN ? THEN NULLIF(?, '') ELSE rejected_at END"
            " WHERE id = ?"));
        q.addBindValue(stageId);
        q.addBindValue(stageName);
        q.addBindValue(!rejectedAt.isUndefined());
        q.addBindValue(rejectedAt.isString() ? rejectedAt.toString() : QString());
        q.addBindValue(hook.dataId);
    } else if (hook.resource == QLatin1String("job")) {
        const QString status = EventNormalizer::attribute(hook.attributes, QStringLiteral("status")).toString();
        if (status.isEmpty())
            return;
        q.prepare(QStringLiteral("UPDATE jobs SET status = ? WHERE id = ?"));
        q.addBindValue(status);
        q.addBindValue(hook.dataId);
    } else {
        return;
    }
    if (!q.exec())
        qCWarning(lcWebhook).noquote() << "cannot update the mirror from a company webhook:" << q.lastError().text();
}

} // namespace intrvio

namespace intrvio {
bool Inbox::idle() const
{
    return m_pending.isEmpty() && !m_processTimer->isActive();
}
} // namespace intrvio

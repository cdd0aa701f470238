#include "SyncStore.h"

#include <QDateTime>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <sqlite3.h>

namespace intrvio {

namespace {

QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

const char *sqlFor(int slot)
{
    switch (slot) {
    case 0: // Job
        return "INSERT INTO jobs(id, title, status, human_status, department, created_at, updated_at, synced_at)"
               " VALUES(?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
               " ON CONFLICT(id) DO UPDATE SET title = excluded.title, status = excluded.status,"
               " human_status = excluded.human_status, department = excluded.department,"
               " created_at = excluded.created_at, updated_at = excluded.updated_at,"
               " synced_at = excluded.synced_at";
    case 1: // Stage
        return "INSERT INTO stages(id, job_id, name, stage_type, row_order, active_count, rejected_count)"
               " VALUES(?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT(id) DO UPDATE SET job_id = excluded.job_id, name = excluded.name,"
               " stage_type = excluded.stage_type, row_order = excluded.row_order,"
               " active_count = excluded.active_count, rejected_count = excluded.rejected_count"
               " WHERE (stages.job_id, stages.name, stages.stage_type, stages.row_order, stages.active_count,"
               " stages.rejected_count) IS NOT (excluded.job_id, excluded.name, excluded.stage_type,"
               " excluded.row_order, excluded.active_count, excluded.rejected_count)";
    case 2: // Candidate
        return "INSERT INTO candidates(id, first_name, last_name, email, phone, created_at, updated_at)"
               " VALUES(?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name,"
               " last_name = excluded.last_name, email = excluded.email, phone = excluded.phone,"
               " created_at = excluded.created_at, updated_at = excluded.updated_at"
               " WHERE (candidates.first_name, candidates.last_name, candidates.email, candidates.phone,"
               " candidates.created_at, candidates.updated_at) IS NOT (excluded.first_name, excluded.last_name,"
               " excluded.email, excluded.phone, excluded.created_at, excluded.updated_at)";
    case 3: // AppFull
        return "INSERT INTO applications(id, candidate_id, job_id, stage_id, rejected_at, changed_stage_at,"
               " created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT(id) DO UPDATE SET"
               " candidate_id = COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
               " job_id = COALESCE(NULLIF(excluded.job_id, ''), applications.job_id),"
               " stage_id = excluded.stage_id, rejected_at = excluded.rejected_at,"
               " changed_stage_at = excluded.changed_stage_at, created_at = excluded.created_at,"
               " updated_at = excluded.updated_at"
               " WHERE (applications.candidate_id, applications.job_id, applications.stage_id,"
               " applications.rejected_at, applications.changed_stage_at, applications.created_at,"
               " applications.updated_at) IS NOT ("
               " COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
               " COALESCE(NULLIF(excluded.job_id, ''), applications.job_id), excluded.stage_id,"
               " excluded.rejected_at, excluded.changed_stage_at, excluded.created_at, excluded.updated_at)";
    case 4: // AppPartial: included applications may come without job/stage linkage: keep what the store knows.
        return "INSERT INTO applications(id, candidate_id, job_id, stage_id, rejected_at, changed_stage_at,"
               " created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT(id) DO UPDATE SET"
               " candidate_id = COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
               " job_id = COALESCE(NULLIF(excluded.job_id, ''), applications.job_id),"
               " stage_id = COALESCE(excluded.stage_id, applications.stage_id),"
               " rejected_at = excluded.rejected_at,"
               " changed_stage_at = COALESCE(excluded.changed_stage_at, applications.changed_stage_at),"
               " created_at = COALESCE(excluded.created_at, applications.created_at),"
               " updated_at = COALESCE(excluded.updated_at, applications.updated_at)"
               " WHERE (applications.candidate_id, applications.job_id, applications.stage_id,"
               " applications.rejected_at, applications.changed_stage_at, applications.created_at,"
               " applications.updated_at) IS NOT ("
               " COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
               " COALESCE(NULLIF(excluded.job_id, ''), applications.job_id),"
               " COALESCE(excluded.stage_id, applications.stage_id), excluded.rejected_at,"
               " COALESCE(excluded.changed_stage_at, applications.changed_stage_at),"
               " COALESCE(excluded.created_at, applications.created_at),"
               " COALESCE(excluded.updated_at, applications.updated_at))";
    case 5: // PartnerResult
        return "INSERT INTO partner_results(id, candidate_id, job_id, status, score, grade, summary, url,"
               " created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT(id) DO UPDATE SET candidate_id = excluded.candidate_id, job_id = excluded.job_id,"
               " status = excluded.status, score = excluded.score, grade = excluded.grade,"
               " summary = excluded.summary, url = excluded.url, created_at = excluded.created_at,"
               " updated_at = excluded.updated_at"
               " WHERE (partner_results.candidate_id, partner_results.job_id, partner_results.status,"
               " partner_results.score, partner_results.grade, partner_results.summary, partner_results.url,"
               " partner_results.created_at, partner_results.updated_at) IS NOT (excluded.candidate_id,"
               " excluded.job_id, excluded.status, excluded.score, excluded.grade, excluded.summary, excluded.url,"
               " excluded.created_at, excluded.updated_at)";
    case 6:
        return "BEGIN";
    case 7:
        return "COMMIT";
    case 8:
        return "ROLLBACK";
    case 9:
        return "PRAGMA synchronous=NORMAL";
    case 10:
        return "PRAGMA synchronous=FULL";
    }
    return "";
}

} // namespace

// The upserts leave a row alone when nothing in it changed (the WHERE of each DO UPDATE): a
// full sync of an unchanged account then dirties no page and writes next to nothing to the
// WAL. Jobs are always updated: their synced_at records when the job was last seen.

// One row's parameters, bound in column order. Text is bound as UTF-8 kept alive by the Row
// until the statement has run (SQLite would otherwise convert UTF-16 itself, with a copy).
// Binding follows what QtSql did before: a null QString is NULL, an empty one is ''.
class SyncStore::Row
{
public:
    explicit Row(sqlite3_stmt *stmt)
        : m_stmt(stmt)
    { }

    Row &value(const QString &s) { return s.isNull() ? null() : text(s); }
    Row &textOrNull(const QString &s) { return s.isEmpty() ? null() : text(s); }
    // '' for a null string: for NOT NULL columns whose upsert keeps the stored value on ''.
    Row &textOrEmpty(const QString &s) { return text(s); }
    Row &integer(qint64 v) { return check(sqlite3_bind_int64(m_stmt, ++m_index, v)); }
    template<class T> Row &optional(const std::optional<T> &v) { return v ? integer(*v) : null(); }
    Row &null() { return check(sqlite3_bind_null(m_stmt, ++m_index)); }
    bool ok() const { return m_ok; }

private:
    Row &check(int rc)
    {
        m_ok = m_ok && rc == SQLITE_OK;
        return *this;
    }
    Row &text(const QString &s)
    {
        if (m_index >= static_cast<int>(m_utf8.size()))
            return check(SQLITE_RANGE);
        QByteArray &u = m_utf8[static_cast<size_t>(m_index)];
        u = s.toUtf8();
        return check(sqlite3_bind_text(m_stmt, ++m_index, u.constData(), static_cast<int>(u.size()), SQLITE_STATIC));
    }

    sqlite3_stmt *m_stmt;
    int m_index = 0;
    bool m_ok = true;
    std::array<QByteArray, 10> m_utf8;
};

SyncStore::SyncStore(QSqlDatabase db)
    : m_db(std::move(db))
{ }

SyncStore::~SyncStore()
{
    for (sqlite3_stmt *stmt : m_statements)
        sqlite3_finalize(stmt); // a no-op for nullptr
}

sqlite3 *SyncStore::connection(QString *error)
{
    if (!m_handle && m_db.isOpen() && m_db.driver()) {
        const QVariant v = m_db.driver()->handle();
        if (v.isValid() && qstrcmp(v.typeName(), "sqlite3*") == 0)
            m_handle = *static_cast<sqlite3 *const *>(v.constData());
    }
    if (!m_handle)
        *error = QStringLiteral("the store is not an open SQLite database (driver %1)").arg(m_db.driverName());
    return m_handle;
}

sqlite3_stmt *SyncStore::statement(Slot slot, QString *error)
{
    sqlite3_stmt *&stmt = m_statements[slot];
    if (stmt)
        return stmt;
    sqlite3 *db = connection(error);
    if (!db)
        return nullptr;
    if (sqlite3_prepare_v3(db, sqlFor(slot), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        *error = QStringLiteral("store statement failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(db)));
        sqlite3_finalize(stmt);
        stmt = nullptr;
    }
    return stmt;
}

bool SyncStore::run(sqlite3_stmt *stmt, QString *error)
{
    const int rc = sqlite3_step(stmt);
    const bool ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok)
        *error = QStringLiteral("store write failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_handle)));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return ok;
}

bool SyncStore::runSlot(Slot slot, QString *error)
{
    sqlite3_stmt *stmt = statement(slot, error);
    return stmt && run(stmt, error);
}

// Mirror pages are committed with synchronous=NORMAL: in WAL mode a commit is then atomic but
// not fsync'd, which halves the CPU of a sync (one fsync per page otherwise). Losing the last
// pages in a power cut is harmless: they are re-read from Teamtailor, because the cursor
// (setHighWater) is written with the store's usual synchronous=FULL, and that fsync makes every
// earlier page durable too. The connection is back to FULL whenever these functions return.
bool SyncStore::begin(QString *error)
{
    QString ignored;
    if (!runSlot(SyncNormal, error))
        return false;
    if (runSlot(Begin, error))
        return true;
    runSlot(SyncFull, &ignored);
    *error = QStringLiteral("cannot start a store transaction: %1").arg(*error);
    return false;
}

bool SyncStore::commit(QString *error)
{
    QString ignored;
    const bool ok = runSlot(Commit, error);
    if (!ok) {
        *error = QStringLiteral("cannot commit to the store: %1").arg(*error);
        runSlot(Rollback, &ignored);
    }
    runSlot(SyncFull, &ignored);
    return ok;
}

bool SyncStore::abort()
{
    QString ignored;
    runSlot(Rollback, &ignored);
    runSlot(SyncFull, &ignored);
    return false;
}

template<class T, class Bind>
bool SyncStore::writeRows(Slot slot, const QList<T> &rows, Bind bind, QString *error)
{
    if (rows.isEmpty())
        return true;
    sqlite3_stmt *stmt = statement(slot, error);
    if (!stmt)
        return false;
    for (const T &value : rows) {
        Row row(stmt);
        bind(row, value);
        if (!row.ok()) {
            *error = QStringLiteral("store write failed: cannot bind a value: %1")
                         .arg(QString::fromUtf8(sqlite3_errmsg(m_handle)));
            sqlite3_clear_bindings(stmt);
            return false;
        }
        if (!run(stmt, error))
            return false;
    }
    return true;
}

bool SyncStore::writeJobs(const QList<tt::Job> &jobs, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = writeRows(
        Job, jobs,
        [](Row &r, const tt::Job &j) {
            r.value(j.id)
                .value(j.title)
                .textOrNull(j.status)
                .textOrNull(j.humanStatus)
                .textOrNull(j.department)
                .textOrNull(j.createdAt)
                .textOrNull(j.updatedAt);
        },
        error);
    return ok ? commit(error) : abort();
}

bool SyncStore::writeStages(const QList<tt::Stage> &stages, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = writeRows(
        Stage, stages,
        [](Row &r, const tt::Stage &s) {
            r.value(s.id)
                .value(s.jobId)
                .value(s.name)
                .textOrNull(s.stageType)
                .integer(s.rowOrder)
                .optional(s.activeCount)
                .optional(s.rejectedCount);
        },
        error);
    return ok ? commit(error) : abort();
}

namespace {

void bindApplication(SyncStore::Row &r, const tt::JobApplication &a)
{
    // An included application may come without candidate/job linkage: '' makes the upsert keep
    // what the store knows (NULL would fail the NOT NULL columns and with them the whole page).
    r.value(a.id)
        .textOrEmpty(a.candidateId)
        .textOrEmpty(a.jobId)
        .textOrNull(a.stageId)
        .textOrNull(a.rejectedAt)
        .textOrNull(a.changedStageAt)
        .textOrNull(a.createdAt)
        .textOrNull(a.updatedAt);
}

} // namespace

bool SyncStore::writeCandidates(
    const QList<tt::Candidate> &candidates, const QList<tt::JobApplication> &applications, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = writeRows(
                        Candidate, candidates,
                        [](Row &r, const tt::Candidate &c) {
                            r.value(c.id)
                                .textOrNull(c.firstName)
                                .textOrNull(c.lastName)
                                .textOrNull(c.email)
                                .textOrNull(c.phone)
                                .textOrNull(c.createdAt)
                                .textOrNull(c.updatedAt);
                        },
                        error)
        && writeRows(AppPartial, applications, bindApplication, error);
    return ok ? commit(error) : abort();
}

bool SyncStore::writeApplications(const QList<tt::JobApplication> &applications, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = writeRows(AppFull, applications, bindApplication, error);
    return ok ? commit(error) : abort();
}

bool SyncStore::writePartnerResults(const QList<tt::PartnerResult> &results, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = writeRows(
        PartnerResult, results,
        [](Row &r, const tt::PartnerResult &p) {
            r.value(p.id)
                .textOrNull(p.candidateId)
                .textOrNull(p.jobId)
                .textOrNull(p.status)
                .optional(p.score)
                .textOrNull(p.grade)
                .textOrNull(p.summary)
                .textOrNull(p.url)
                .textOrNull(p.createdAt)
                .textOrNull(p.updatedAt);
        },
        error);
    return ok ? commit(error) : abort();
}

bool SyncStore::prune(const QString &table, const QSet<QString> &seenIds, int *deleted, QString *error)
{
    static const QStringList allowed = { QStringLiteral("jobs"), QStringLiteral("stages"),
        QStringLiteral("candidates"), QStringLiteral("applications"), QStringLiteral("partner_results") };
    if (!allowed.contains(table)) {
        *error = QStringLiteral("cannot prune unknown table %1").arg(table);
        return false;
    }
    if (!begin(error))
        return false;
    auto fail = [this, error](const QSqlQuery &failed) {
        *error = QStringLiteral("store write failed: %1").arg(failed.lastError().text());
        return abort();
    };
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS sync_seen(id TEXT PRIMARY KEY)"))
        || !q.exec(QStringLiteral("DELETE FROM sync_seen")))
        return fail(q);
    QSqlQuery ins(m_db);
    ins.prepare(QStringLiteral("INSERT OR IGNORE INTO sync_seen(id) VALUES(?)"));
    for (const QString &id : seenIds) {
        ins.bindValue(0, id);
        if (!ins.exec())
            return fail(ins);
    }
    if (!q.exec(QStringLiteral("DELETE FROM %1 WHERE id NOT IN (SELECT id FROM sync_seen)").arg(table)))
        return fail(q);
    if (deleted)
        *deleted = q.numRowsAffected();
    q.exec(QStringLiteral("DELETE FROM sync_seen"));
    return commit(error);
}

std::optional<QString> SyncStore::highWater(const QString &resource) const
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT high_water FROM sync_state WHERE resource = ?"));
    q.addBindValue(resource);
    if (q.exec() && q.next() && !q.value(0).isNull() && !q.value(0).toString().isEmpty())
        return q.value(0).toString();
    return std::nullopt;
}

bool SyncStore::setHighWater(
    const QString &resource, const QString &updatedAt, const QString &syncedAt, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO sync_state(resource, last_synced_at, high_water) VALUES(?, ?, ?)"
                             " ON CONFLICT(resource) DO UPDATE SET last_synced_at = excluded.last_synced_at,"
                             " high_water = COALESCE(excluded.high_water, sync_state.high_water)"));
    q.addBindValue(resource);
    q.addBindValue(syncedAt);
    q.addBindValue(textOrNull(updatedAt));
    if (!q.exec()) {
        *error = QStringLiteral("cannot record the sync state: %1").arg(q.lastError().text());
        return false;
    }
    return true;
}

int SyncStore::count(const QString &table) const
{
    QSqlQuery q(m_db);
    if (q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(table)) && q.next())
        return q.value(0).toInt();
    return -1;
}

QString SyncStore::later(const QString &a, const QString &b)
{
    if (a.isEmpty())
        return b;
    if (b.isEmpty())
        return a;
    const QDateTime da = QDateTime::fromString(a, Qt::ISODateWithMs);
    const QDateTime db = QDateTime::fromString(b, Qt::ISODateWithMs);
    if (!da.isValid())
        return b;
    if (!db.isValid())
        return a;
    return db > da ? b : a;
}

} // namespace intrvio

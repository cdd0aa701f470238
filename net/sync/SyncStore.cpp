#include "SyncStore.h"

#include <QDateTime>
#include <QSqlError>
#include <QVariant>

namespace intrvio {

namespace {

enum Slot { Job, Stage, Candidate, AppFull, AppPartial, PartnerResult, HighWaterRead, HighWaterWrite };

QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

template<class T> QVariant optOrNull(const std::optional<T> &v)
{
    return v ? QVariant::fromValue(*v) : QVariant(QMetaType(QMetaType::Int));
}

} // namespace

SyncStore::SyncStore(QSqlDatabase db)
    : m_db(std::move(db))
{ }

SyncStore::~SyncStore() = default;

// Mirror pages are committed with synchronous=NORMAL: in WAL mode a commit is then atomic but
// not fsync'd, which halves the CPU of a sync (one fsync per page otherwise). Losing the last
// pages in a power cut is harmless: they are re-read from Teamtailor, because the cursor
// (setHighWater) is written with the store's usual synchronous=FULL, and that fsync makes every
// earlier page durable too. The connection is back to FULL whenever these functions return.
void SyncStore::relaxDurability(bool relaxed)
{
    QSqlQuery q(m_db);
    q.exec(relaxed ? QStringLiteral("PRAGMA synchronous=NORMAL") : QStringLiteral("PRAGMA synchronous=FULL"));
}

bool SyncStore::begin(QString *error)
{
    relaxDurability(true);
    if (m_db.transaction())
        return true;
    relaxDurability(false);
    *error = QStringLiteral("cannot start a store transaction: %1").arg(m_db.lastError().text());
    return false;
}

bool SyncStore::commit(QString *error)
{
    const bool ok = m_db.commit();
    if (!ok) {
        *error = QStringLiteral("cannot commit to the store: %1").arg(m_db.lastError().text());
        m_db.rollback();
    }
    relaxDurability(false);
    return ok;
}

bool SyncStore::fail(QSqlQuery &q, QString *error)
{
    *error = QStringLiteral("store write failed: %1").arg(q.lastError().text());
    m_db.rollback();
    relaxDurability(false);
    return false;
}

bool SyncStore::upsert(int slot, const char *head, const char *row, int columns, const char *tail,
    qsizetype rows, const std::function<void(QSqlQuery &, qsizetype, int)> &bind, QString *error)
{
    // 64 rows x 10 columns stays far below SQLite's 32766 host parameters.
    constexpr qsizetype MaxRowsPerStatement = 64;
    for (qsizetype first = 0; first < rows; first += MaxRowsPerStatement) {
        const qsizetype n = qMin(MaxRowsPerStatement, rows - first);
        auto &q = m_multi[{ slot, n }];
        if (!q) {
            QString sql = QString::fromLatin1(head) + QLatin1String(" VALUES ");
            for (qsizetype i = 0; i < n; ++i) {
                if (i)
                    sql += QLatin1String(", ");
                sql += QLatin1String(row);
            }
            sql += QLatin1Char(' ') + QLatin1String(tail);
            q = std::make_unique<QSqlQuery>(m_db);
            if (!q->prepare(sql)) {
                *error = QStringLiteral("store statement failed: %1").arg(q->lastError().text());
                q.reset();
                m_db.rollback();
                relaxDurability(false);
                return false;
            }
        }
        for (qsizetype i = 0; i < n; ++i)
            bind(*q, first + i, static_cast<int>(i * columns));
        if (!q->exec())
            return fail(*q, error);
    }
    return true;
}

bool SyncStore::writeJobs(const QList<tt::Job> &jobs, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = upsert(
        Job,
        "INSERT INTO jobs(id, title, status, human_status, department, created_at, updated_at, synced_at)",
        "(?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))", 7,
        "ON CONFLICT(id) DO UPDATE SET title = excluded.title, status = excluded.status,"
        " human_status = excluded.human_status, department = excluded.department,"
        " created_at = excluded.created_at, updated_at = excluded.updated_at, synced_at = excluded.synced_at",
        jobs.size(),
        [&jobs](QSqlQuery &q, qsizetype i, int b) {
            const tt::Job &j = jobs.at(i);
            q.bindValue(b, j.id);
            q.bindValue(b + 1, j.title);
            q.bindValue(b + 2, textOrNull(j.status));
            q.bindValue(b + 3, textOrNull(j.humanStatus));
            q.bindValue(b + 4, textOrNull(j.department));
            q.bindValue(b + 5, textOrNull(j.createdAt));
            q.bindValue(b + 6, textOrNull(j.updatedAt));
        },
        error);
    return ok && commit(error);
}

bool SyncStore::writeStages(const QList<tt::Stage> &stages, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = upsert(
        Stage, "INSERT INTO stages(id, job_id, name, stage_type, row_order, active_count, rejected_count)",
        "(?, ?, ?, ?, ?, ?, ?)", 7,
        "ON CONFLICT(id) DO UPDATE SET job_id = excluded.job_id, name = excluded.name,"
        " stage_type = excluded.stage_type, row_order = excluded.row_order,"
        " active_count = excluded.active_count, rejected_count = excluded.rejected_count",
        stages.size(),
        [&stages](QSqlQuery &q, qsizetype i, int b) {
            const tt::Stage &s = stages.at(i);
            q.bindValue(b, s.id);
            q.bindValue(b + 1, s.jobId);
            q.bindValue(b + 2, s.name);
            q.bindValue(b + 3, textOrNull(s.stageType));
            q.bindValue(b + 4, s.rowOrder);
            q.bindValue(b + 5, optOrNull(s.activeCount));
            q.bindValue(b + 6, optOrNull(s.rejectedCount));
        },
        error);
    return ok && commit(error);
}

namespace {

void bindApplication(QSqlQuery &q, const tt::JobApplication &app, int b)
{
    q.bindValue(b, app.id);
    q.bindValue(b + 1, app.candidateId);
    q.bindValue(b + 2, app.jobId);
    q.bindValue(b + 3, textOrNull(app.stageId));
    q.bindValue(b + 4, textOrNull(app.rejectedAt));
    q.bindValue(b + 5, textOrNull(app.changedStageAt));
    q.bindValue(b + 6, textOrNull(app.createdAt));
    q.bindValue(b + 7, textOrNull(app.updatedAt));
}

constexpr const char *AppHead = "INSERT INTO applications(id, candidate_id, job_id, stage_id, rejected_at,"
                                " changed_stage_at, created_at, updated_at)";
constexpr const char *AppRow = "(?, ?, ?, ?, ?, ?, ?, ?)";

} // namespace

bool SyncStore::writeCandidates(
    const QList<tt::Candidate> &candidates, const QList<tt::JobApplication> &applications, QString *error)
{
    if (!begin(error))
        return false;
    bool ok = upsert(
        Candidate, "INSERT INTO candidates(id, first_name, last_name, email, phone, created_at, updated_at)",
        "(?, ?, ?, ?, ?, ?, ?)", 7,
        "ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,"
        " email = excluded.email, phone = excluded.phone, created_at = excluded.created_at,"
        " updated_at = excluded.updated_at",
        candidates.size(),
        [&candidates](QSqlQuery &q, qsizetype i, int b) {
            const tt::Candidate &c = candidates.at(i);
            q.bindValue(b, c.id);
            q.bindValue(b + 1, textOrNull(c.firstName));
            q.bindValue(b + 2, textOrNull(c.lastName));
            q.bindValue(b + 3, textOrNull(c.email));
            q.bindValue(b + 4, textOrNull(c.phone));
            q.bindValue(b + 5, textOrNull(c.createdAt));
            q.bindValue(b + 6, textOrNull(c.updatedAt));
        },
        error);
    // Included applications may come without job/stage linkage: keep what the store knows.
    ok = ok
        && upsert(
            AppPartial, AppHead, AppRow, 8,
            "ON CONFLICT(id) DO UPDATE SET"
            " candidate_id = COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
            " job_id = COALESCE(NULLIF(excluded.job_id, ''), applications.job_id),"
            " stage_id = COALESCE(excluded.stage_id, applications.stage_id),"
            " rejected_at = excluded.rejected_at,"
            " changed_stage_at = COALESCE(excluded.changed_stage_at, applications.changed_stage_at),"
            " created_at = COALESCE(excluded.created_at, applications.created_at),"
            " updated_at = COALESCE(excluded.updated_at, applications.updated_at)",
            applications.size(),
            [&applications](QSqlQuery &q, qsizetype i, int b) { bindApplication(q, applications.at(i), b); },
            error);
    return ok && commit(error);
}

bool SyncStore::writeApplications(const QList<tt::JobApplication> &applications, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = upsert(
        AppFull, AppHead, AppRow, 8,
        "ON CONFLICT(id) DO UPDATE SET"
        " candidate_id = COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
        " job_id = COALESCE(NULLIF(excluded.job_id, ''), applications.job_id),"
        " stage_id = excluded.stage_id, rejected_at = excluded.rejected_at,"
        " changed_stage_at = excluded.changed_stage_at, created_at = excluded.created_at,"
        " updated_at = excluded.updated_at",
        applications.size(),
        [&applications](QSqlQuery &q, qsizetype i, int b) { bindApplication(q, applications.at(i), b); },
        error);
    return ok && commit(error);
}

bool SyncStore::writePartnerResults(const QList<tt::PartnerResult> &results, QString *error)
{
    if (!begin(error))
        return false;
    const bool ok = upsert(
        PartnerResult,
        "INSERT INTO partner_results(id, candidate_id, job_id, status, score, grade, summary, url, "
        "created_at,"
        " updated_at)",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 10,
        "ON CONFLICT(id) DO UPDATE SET candidate_id = excluded.candidate_id, job_id = excluded.job_id,"
        " status = excluded.status, score = excluded.score, grade = excluded.grade, summary = "
        "excluded.summary,"
        " url = excluded.url, created_at = excluded.created_at, updated_at = excluded.updated_at",
        results.size(),
        [&results](QSqlQuery &q, qsizetype i, int b) {
            const tt::PartnerResult &r = results.at(i);
            q.bindValue(b, r.id);
            q.bindValue(b + 1, textOrNull(r.candidateId));
            q.bindValue(b + 2, textOrNull(r.jobId));
            q.bindValue(b + 3, textOrNull(r.status));
            q.bindValue(b + 4, optOrNull(r.score));
            q.bindValue(b + 5, textOrNull(r.grade));
            q.bindValue(b + 6, textOrNull(r.summary));
            q.bindValue(b + 7, textOrNull(r.url));
            q.bindValue(b + 8, textOrNull(r.createdAt));
            q.bindValue(b + 9, textOrNull(r.updatedAt));
        },
        error);
    return ok && commit(error);
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
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS sync_seen(id TEXT PRIMARY KEY)"))
        || !q.exec(QStringLiteral("DELETE FROM sync_seen")))
        return fail(q, error);
    QSqlQuery ins(m_db);
    ins.prepare(QStringLiteral("INSERT OR IGNORE INTO sync_seen(id) VALUES(?)"));
    for (const QString &id : seenIds) {
        ins.bindValue(0, id);
        if (!ins.exec())
            return fail(ins, error);
    }
    if (!q.exec(QStringLiteral("DELETE FROM %1 WHERE id NOT IN (SELECT id FROM sync_seen)").arg(table)))
        return fail(q, error);
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

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

QSqlQuery &SyncStore::prepared(int slot, const char *sql)
{
    if (!m_queries[slot]) {
        m_queries[slot] = std::make_unique<QSqlQuery>(m_db);
        m_queries[slot]->prepare(QString::fromLatin1(sql));
    }
    return *m_queries[slot];
}

bool SyncStore::begin(QString *error)
{
    if (m_db.transaction())
        return true;
    *error = QStringLiteral("cannot start a store transaction: %1").arg(m_db.lastError().text());
    return false;
}

bool SyncStore::commit(QString *error)
{
    if (m_db.commit())
        return true;
    *error = QStringLiteral("cannot commit to the store: %1").arg(m_db.lastError().text());
    m_db.rollback();
    return false;
}

bool SyncStore::fail(QSqlQuery &q, QString *error)
{
    *error = QStringLiteral("store write failed: %1").arg(q.lastError().text());
    m_db.rollback();
    return false;
}

bool SyncStore::writeJobs(const QList<tt::Job> &jobs, QString *error)
{
    if (!begin(error))
        return false;
    QSqlQuery &q = prepared(Job,
        "INSERT INTO jobs(id, title, status, human_status, department, created_at, updated_at,"
        " synced_at) VALUES(?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
        " ON CONFLICT(id) DO UPDATE SET title = excluded.title, status = excluded.status,"
        " human_status = excluded.human_status, department = excluded.department,"
        " created_at = excluded.created_at, updated_at = excluded.updated_at,"
        " synced_at = excluded.synced_at");
    for (const tt::Job &j : jobs) {
        q.bindValue(0, j.id);
        q.bindValue(1, j.title);
        q.bindValue(2, textOrNull(j.status));
        q.bindValue(3, textOrNull(j.humanStatus));
        q.bindValue(4, textOrNull(j.department));
        q.bindValue(5, textOrNull(j.createdAt));
        q.bindValue(6, textOrNull(j.updatedAt));
        if (!q.exec())
            return fail(q, error);
    }
    return commit(error);
}

bool SyncStore::writeStages(const QList<tt::Stage> &stages, QString *error)
{
    if (!begin(error))
        return false;
    QSqlQuery &q = prepared(Stage,
        "INSERT INTO stages(id, job_id, name, stage_type, row_order, active_count, rejected_count)"
        " VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET job_id = excluded.job_id,"
        " name = excluded.name, stage_type = excluded.stage_type, row_order = excluded.row_order,"
        " active_count = excluded.active_count, rejected_count = excluded.rejected_count");
    for (const tt::Stage &s : stages) {
        q.bindValue(0, s.id);
        q.bindValue(1, s.jobId);
        q.bindValue(2, s.name);
        q.bindValue(3, textOrNull(s.stageType));
        q.bindValue(4, s.rowOrder);
        q.bindValue(5, optOrNull(s.activeCount));
        q.bindValue(6, optOrNull(s.rejectedCount));
        if (!q.exec())
            return fail(q, error);
    }
    return commit(error);
}

bool SyncStore::writeCandidates(
    const QList<tt::Candidate> &candidates, const QList<tt::JobApplication> &applications, QString *error)
{
    if (!begin(error))
        return false;
    QSqlQuery &q = prepared(Candidate,
        "INSERT INTO candidates(id, first_name, last_name, email, phone, created_at, updated_at)"
        " VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " first_name = excluded.first_name, last_name = excluded.last_name,"
        " email = excluded.email, phone = excluded.phone, created_at = excluded.created_at,"
        " updated_at = excluded.updated_at");
    for (const tt::Candidate &c : candidates) {
        q.bindValue(0, c.id);
        q.bindValue(1, textOrNull(c.firstName));
        q.bindValue(2, textOrNull(c.lastName));
        q.bindValue(3, textOrNull(c.email));
        q.bindValue(4, textOrNull(c.phone));
        q.bindValue(5, textOrNull(c.createdAt));
        q.bindValue(6, textOrNull(c.updatedAt));
        if (!q.exec())
            return fail(q, error);
    }
    // Included applications may come without job/stage linkage: keep what the store knows.
    QSqlQuery &a = prepared(AppPartial,
        "INSERT INTO applications(id, candidate_id, job_id, stage_id, rejected_at, changed_stage_at,"
        " created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " candidate_id = COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
        " job_id = COALESCE(NULLIF(excluded.job_id, ''), applications.job_id),"
        " stage_id = COALESCE(excluded.stage_id, applications.stage_id),"
        " rejected_at = excluded.rejected_at,"
        " changed_stage_at = COALESCE(excluded.changed_stage_at, applications.changed_stage_at),"
        " created_at = COALESCE(excluded.created_at, applications.created_at),"
        " updated_at = COALESCE(excluded.updated_at, applications.updated_at)");
    for (const tt::JobApplication &app : applications) {
        a.bindValue(0, app.id);
        a.bindValue(1, app.candidateId);
        a.bindValue(2, app.jobId);
        a.bindValue(3, textOrNull(app.stageId));
        a.bindValue(4, textOrNull(app.rejectedAt));
        a.bindValue(5, textOrNull(app.changedStageAt));
        a.bindValue(6, textOrNull(app.createdAt));
        a.bindValue(7, textOrNull(app.updatedAt));
        if (!a.exec())
            return fail(a, error);
    }
    return commit(error);
}

bool SyncStore::writeApplications(const QList<tt::JobApplication> &applications, QString *error)
{
    if (!begin(error))
        return false;
    QSqlQuery &a = prepared(AppFull,
        "INSERT INTO applications(id, candidate_id, job_id, stage_id, rejected_at, changed_stage_at,"
        " created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " candidate_id = COALESCE(NULLIF(excluded.candidate_id, ''), applications.candidate_id),"
        " job_id = COALESCE(NULLIF(excluded.job_id, ''), applications.job_id),"
        " stage_id = excluded.stage_id, rejected_at = excluded.rejected_at,"
        " changed_stage_at = excluded.changed_stage_at, created_at = excluded.created_at,"
        " updated_at = excluded.updated_at");
    for (const tt::JobApplication &app : applications) {
        a.bindValue(0, app.id);
        a.bindValue(1, app.candidateId);
        a.bindValue(2, app.jobId);
        a.bindValue(3, textOrNull(app.stageId));
        a.bindValue(4, textOrNull(app.rejectedAt));
        a.bindValue(5, textOrNull(app.changedStageAt));
        a.bindValue(6, textOrNull(app.createdAt));
        a.bindValue(7, textOrNull(app.updatedAt));
        if (!a.exec())
            return fail(a, error);
    }
    return commit(error);
}

bool SyncStore::writePartnerResults(const QList<tt::PartnerResult> &results, QString *error)
{
    if (!begin(error))
        return false;
    QSqlQuery &q = prepared(PartnerResult,
        "INSERT INTO partner_results(id, candidate_id, job_id, status, score, grade, summary, url,"
        " created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " candidate_id = excluded.candidate_id, job_id = excluded.job_id, status = excluded.status,"
        " score = excluded.score, grade = excluded.grade, summary = excluded.summary,"
        " url = excluded.url, created_at = excluded.created_at, updated_at = excluded.updated_at");
    for (const tt::PartnerResult &r : results) {
        q.bindValue(0, r.id);
        q.bindValue(1, textOrNull(r.candidateId));
        q.bindValue(2, textOrNull(r.jobId));
        q.bindValue(3, textOrNull(r.status));
        q.bindValue(4, optOrNull(r.score));
        q.bindValue(5, textOrNull(r.grade));
        q.bindValue(6, textOrNull(r.summary));
        q.bindValue(7, textOrNull(r.url));
        q.bindValue(8, textOrNull(r.createdAt));
        q.bindValue(9, textOrNull(r.updatedAt));
        if (!q.exec())
            return fail(q, error);
    }
    return commit(error);
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

#include "MappingRepository.h"

#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/TemplateRepository.h"
#include "models/Log.h"
#include "models/StatementCache.h"
#include "models/Store.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

const QString selectColumns = QStringLiteral("SELECT id, job_id, stage, template_id, pass_threshold, "
                                             "on_pass, on_fail, stale, stale_reason FROM mappings");

StageMapping fromRow(const QSqlQuery &q)
{
    StageMapping m;
    m.id = q.value(0).toLongLong();
    m.jobId = q.value(1).toString();
    m.stage = q.value(2).toString();
    m.templateId = q.value(3).toString();
    if (!q.value(4).isNull())
        m.rules.passThreshold = q.value(4).toInt();
    m.rules.onPass = q.value(5).toString();
    m.rules.onFail = q.value(6).toString();
    m.stale = q.value(7).toBool();
    m.staleReason = q.value(8).toString();
    return m;
}

QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

} // namespace

QJsonObject describeMapping(const StageMapping &m)
{
    QJsonObject o { { QStringLiteral("stage"), m.stage }, { QStringLiteral("template"), m.templateId } };
    if (!m.jobId.isEmpty())
        o.insert(QStringLiteral("job"), m.jobId);
    if (m.rules.passThreshold)
        o.insert(QStringLiteral("pass"), *m.rules.passThreshold);
    if (!m.rules.onPass.isEmpty())
        o.insert(QStringLiteral("onPass"), m.rules.onPass);
    if (!m.rules.onFail.isEmpty())
        o.insert(QStringLiteral("onFail"), m.rules.onFail);
    return o;
}


QString MappingRepository::ImportSummary::toString() const
{
    QString text
        = QStringLiteral("Imported %1 template(s) (%2 new, %3 updated, %4 unchanged) and %5 mapping(s), "
                         "replacing %6.")
              .arg(templatesCreated + templatesUpdated + templatesUnchanged)
              .arg(templatesCreated)
              .arg(templatesUpdated)
              .arg(templatesUnchanged)
              .arg(mappingsAfter)
              .arg(mappingsBefore);
    if (!stale.isEmpty())
        text += QStringLiteral(" %1 mapping(s) are stale.").arg(stale.size());
    return text;
}

MappingRepository::MappingRepository(Store &store, const Clock &clock, AuditLog *audit)
    : m_store(store)
    , m_clock(clock)
    , m_audit(audit)
{ }

QList<StageMapping> MappingRepository::list() const
{
    QList<StageMapping> result;
    // Prepared once per store: resolve() reads the list for every event the pipeline handles.
    QSqlQuery &q = cachedQuery(m_store,
        selectColumns + QStringLiteral(" ORDER BY job_id <> '', job_id, stage COLLATE NOCASE, id"));
    q.exec();
    while (q.next())
        result << fromRow(q);
    q.finish();
    return result;
}

std::optional<StageMapping> MappingRepository::find(qint64 id) const
{
    QSqlQuery q(m_store.database());
    q.prepare(selectColumns + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return fromRow(q);
    return std::nullopt;
}

bool MappingRepository::insertRow(const StageMapping &m, QString *error, qint64 *id)
{
    const QString now = m_clock.now().toUTC().toString(Qt::ISODateWithMs);
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral(
        "INSERT INTO mappings(job_id, stage, template_id, pass_threshold, on_pass, on_fail, stale, "
        "stale_reason, created_at, updated_at) VALUES(COALESCE(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(job_id, stage COLLATE NOCASE) DO UPDATE SET template_id = excluded.template_id, "
        "pass_threshold = excluded.pass_threshold, on_pass = excluded.on_pass, "
        "on_fail = excluded.on_fail, updated_at = excluded.updated_at RETURNING id"));
    q.addBindValue(m.jobId);
    q.addBindValue(m.stage);
    q.addBindValue(m.templateId);
    q.addBindValue(
        m.rules.passThreshold ? QVariant(*m.rules.passThreshold) : QVariant(QMetaType::fromType<int>()));
    q.addBindValue(nullable(m.rules.onPass));
    q.addBindValue(nullable(m.rules.onFail));
    q.addBindValue(m.stale ? 1 : 0);
    q.addBindValue(nullable(m.staleReason));
    q.addBindValue(now);
    q.addBindValue(now);
    if (!q.exec() || !q.next()) {
        const QString why = q.lastError().text();
        *error = why.contains(QLatin1String("FOREIGN KEY"))
            ? QStringLiteral("unknown template '%1'").arg(m.templateId)
            : QStringLiteral("cannot store the mapping for stage '%1': %2").arg(m.stage, why);
        return false;
    }
    if (id)
        *id = q.value(0).toLongLong();
    return true;
}

bool MappingRepository::save(StageMapping m, const QString &actor, QString *error, qint64 *id)
{
    m.stage = m.stage.trimmed();
    m.jobId = m.jobId.trimmed();
    if (m.stage.isEmpty()) {
        *error = QStringLiteral("a mapping needs a stage name or id");
        return false;
    }
    if (m.rules.passThreshold && (*m.rules.passThreshold < 0 || *m.rules.passThreshold > 100)) {
        *error = QStringLiteral("the pass threshold must be from 0 to 100");
        return false;
    }
    QSqlDatabase db = m_store.database();
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    qint64 rowId = 0;
    if (!insertRow(m, error, &rowId)) {
        db.rollback();
        return false;
    }
    if (m_audit
        && !m_audit->append(actor, QString::fromLatin1(AuditLog::ActionMappingSaved),
            QStringLiteral("mapping:%1").arg(rowId), describeMapping(m))) {
        db.rollback();
        *error = m_audit->errorString();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    if (id)
        *id = rowId;
    return true;
}

bool MappingRepository::remove(qint64 id, const QString &actor, QString *error)
{
    const std::optional<StageMapping> existing = find(id);
    if (!existing) {
        *error = QStringLiteral("no mapping %1").arg(id);
        return false;
    }
    QSqlDatabase db = m_store.database();
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM mappings WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec()
        || (m_audit
            && !m_audit->append(actor, QString::fromLatin1(AuditLog::ActionMappingRemoved),
                QStringLiteral("mapping:%1").arg(id), describeMapping(*existing)))
        || !db.commit()) {
        *error = QStringLiteral("cannot remove mapping %1: %2").arg(id).arg(q.lastError().text());
        db.rollback();
        return false;
    }
    return true;
}

MappingDecision MappingRepository::resolve(
    const QString &jobId, const QString &stageId, const QString &stageName) const
{
    // Company webhooks name the stage without its id (protocol §6.2), while a job's override may be
    // keyed by stage id: the synced stages give the id of the job's stage with that name.
    QString id = stageId;
    if (id.isEmpty() && !jobId.isEmpty() && !stageName.trimmed().isEmpty()) {
        QSqlQuery q(m_store.database());
        q.prepare(QStringLiteral("SELECT id FROM stages WHERE job_id = ? AND name = ? COLLATE NOCASE"
                                 " ORDER BY row_order LIMIT 1"));
        q.addBindValue(jobId);
        q.addBindValue(stageName.trimmed());
        if (q.exec() && q.next())
            id = q.value(0).toString();
    }
    return resolveMapping(list(), jobId, id, stageName);
}

QList<StageInfo> MappingRepository::syncedStages() const
{
    QList<StageInfo> result;
    QSqlQuery q(m_store.database());
    q.exec(QStringLiteral("SELECT id, job_id, name FROM stages ORDER BY job_id, row_order"));
    while (q.next())
        result.append({ q.value(0).toString(), q.value(1).toString(), q.value(2).toString() });
    return result;
}

QList<StageMapping> MappingRepository::refreshStale(const QString &actor)
{
    const QList<StageMapping> before = list();
    const QList<StageMapping> after = markStaleMappings(before, syncedStages());
    QList<StageMapping> stale;
    QSqlDatabase db = m_store.database();
    const bool tx = db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE mappings SET stale = ?, stale_reason = ? WHERE id = ?"));
    for (qsizetype i = 0; i < after.size(); ++i) {
        const StageMapping &m = after.at(i);
        if (m.stale)
            stale << m;
        if (m.stale == before.at(i).stale && m.staleReason == before.at(i).staleReason)
            continue;
        q.addBindValue(m.stale ? 1 : 0);
        q.addBindValue(nullable(m.staleReason));
        q.addBindValue(m.id);
        if (!q.exec())
            qCWarning(lcStore).noquote()
                << "cannot update the stale flag of mapping" << m.id << q.lastError().text();
        if (m.stale && m_audit) {
            QJsonObject details = describeMapping(m);
            details.insert(QStringLiteral("reason"), m.staleReason);
            m_audit->append(actor, QString::fromLatin1(AuditLog::ActionMappingStale),
                QStringLiteral("mapping:%1").arg(m.id), details);
        }
    }
    if (tx && !db.commit())
        db.rollback();
    return stale;
}

bool MappingRepository::importFile(const MappingFile::Contents &contents, TemplateRepository &templates,
    const QString &actor, ImportSummary *summary, QString *error)
{
    ImportSummary s;
    QSqlDatabase db = m_store.database();
    if (!db.transaction()) {
        *error = QStringLiteral("cannot start a transaction: %1").arg(db.lastError().text());
        return false;
    }
    auto fail = [&](const QString &message) {
        db.rollback();
        *error = message + QStringLiteral("; nothing was changed");
        return false;
    };
    QStringList templateIds;
    for (const InterviewTemplate &t : contents.templates) {
        bool created = false;
        bool changed = false;
        QString why;
        if (!templates.upsert(t, &created, &changed, &why))
            return fail(why);
        if (created)
            ++s.templatesCreated;
        else if (changed)
            ++s.templatesUpdated;
        else
            ++s.templatesUnchanged;
        if (changed)
            templateIds << t.id;
    }
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM mappings")) || !q.next())
        return fail(q.lastError().text());
    s.mappingsBefore = q.value(0).toInt();
    if (!q.exec(QStringLiteral("DELETE FROM mappings")))
        return fail(q.lastError().text());
    QJsonArray imported;
    for (const StageMapping &m : contents.mappings) {
        QString why;
        StageMapping fresh = m;
        fresh.stage = fresh.stage.trimmed();
        fresh.stale = false;
        fresh.staleReason.clear();
        if (!insertRow(fresh, &why, nullptr))
            return fail(why);
        imported.append(describeMapping(m));
    }
    s.mappingsAfter = static_cast<int>(contents.mappings.size());
    if (m_audit
        && !m_audit->append(actor, QString::fromLatin1(AuditLog::ActionMappingsImported),
            QStringLiteral("mappings"),
            { { QStringLiteral("templatesChanged"), QJsonArray::fromStringList(templateIds) },
                { QStringLiteral("replaced"), s.mappingsBefore }, { QStringLiteral("mappings"), imported } }))
        return fail(m_audit->errorString());
    if (!db.commit())
        return fail(QStringLiteral("cannot commit: %1").arg(db.lastError().text()));
    s.stale = refreshStale(actor);
    if (summary)
        *summary = s;
    return true;
}

} // namespace intrvio

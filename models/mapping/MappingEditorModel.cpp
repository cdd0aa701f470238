#include "models/mapping/MappingEditorModel.h"

#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMimeData>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

QJsonObject readMime(const QMimeData *data, const char *type)
{
    if (!data || !data->hasFormat(QLatin1String(type)))
        return {};
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(data->data(QLatin1String(type)), &err);
    return err.error == QJsonParseError::NoError && doc.isObject() ? doc.object() : QJsonObject();
}

} // namespace

bool isWarnStageType(const QString &stageType)
{
    return stageType.compare(QLatin1String("inbox"), Qt::CaseInsensitive) == 0
        || stageType.compare(QLatin1String("hired"), Qt::CaseInsensitive) == 0;
}

MappingChange MappingChange::inverted() const
{
    MappingChange out;
    out.text = text;
    for (auto it = entries.crbegin(); it != entries.crend(); ++it)
        out.entries.append({ it->jobId, it->stage, it->after, it->before });
    return out;
}

bool applyMappingChange(Store &store, const Clock &clock, AuditLog *audit, const MappingChange &change,
    const QString &actor, QString *error)
{
    QSqlDatabase db = store.database();
    if (!db.transaction()) {
        *error = QStringLiteral("cannot start a transaction: %1").arg(db.lastError().text());
        return false;
    }
    auto fail = [&](const QString &why) {
        db.rollback();
        *error = why;
        return false;
    };
    MappingRepository rows(store, clock);
    // Deletes first, then inserts, so a move whose keys swap never collides.
    for (const MappingChange::Entry &e : change.entries) {
        QSqlQuery find(db);
        find.prepare(QStringLiteral("SELECT id, template_id FROM mappings WHERE job_id = COALESCE(?, '') AND "
                                    "stage = ? COLLATE NOCASE"));
        find.addBindValue(e.jobId);
        find.addBindValue(e.stage);
        if (!find.exec())
            return fail(find.lastError().text());
        if (!find.next())
            continue;
        const qint64 id = find.value(0).toLongLong();
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM mappings WHERE id = ?"));
        del.addBindValue(id);
        if (!del.exec())
            return fail(del.lastError().text());
        if (!e.after && audit) {
            const QJsonObject gone = e.before
                ? describeMapping(*e.before)
                : QJsonObject { { QStringLiteral("stage"), e.stage },
                      { QStringLiteral("template"), find.value(1).toString() } };
            if (!audit->append(actor, QString::fromLatin1(AuditLog::ActionMappingRemoved),
                    QStringLiteral("mapping:%1").arg(id), gone))
                return fail(audit->errorString());
        }
    }
    for (const MappingChange::Entry &e : change.entries) {
        if (!e.after)
            continue;
        const StageMapping &m = *e.after;
        if (m.rules.passThreshold && (*m.rules.passThreshold < 0 || *m.rules.passThreshold > 100))
            return fail(QStringLiteral("the pass threshold must be from 0 to 100"));
        // The entry's key is the row's key.
        StageMapping row = m;
        row.jobId = e.jobId;
        row.stage = e.stage;
        qint64 id = 0;
        QString why;
        if (!rows.insertRow(row, &why, &id))
            return fail(why);
        if (audit
            && !audit->append(actor, QString::fromLatin1(AuditLog::ActionMappingSaved),
                QStringLiteral("mapping:%1").arg(id), describeMapping(m)))
            return fail(audit->errorString());
    }
    if (!db.commit())
        return fail(db.lastError().text());
    return true;
}

// --- TemplatePaletteModel -------------------------------------------------------------------

TemplatePaletteModel::TemplatePaletteModel(Store &store, QObject *parent)
    : QAbstractListModel(parent)
    , m_store(store)
{
    reload();
}

void TemplatePaletteModel::reload()
{
    beginResetModel();
    m_templates = TemplateRepository(m_store, Clock::system()).list();
    endResetModel();
}

int TemplatePaletteModel::rowOf(const QString &templateId) const
{
    for (int i = 0; i < m_templates.size(); ++i) {
        if (m_templates.at(i).id == templateId)
            return i;
    }
    return -1;
}

int TemplatePaletteModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_templates.size());
}

QVariant TemplatePaletteModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const InterviewTemplate &t = m_templates.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QString((t.name.isEmpty() ? t.id : t.name) + QLatin1Char('\n')
            + tr("%n question(s) · %1 · link valid %2 days", nullptr, int(t.questions.size()))
                  .arg(t.language)
                  .arg(t.expiryDays));
    case Qt::ToolTipRole:
        return tr("%1 (%2) · %n question(s) · %3 · link valid %4 days", nullptr, int(t.questions.size()))
            .arg(t.name, t.id, t.language)
            .arg(t.expiryDays);
    case TemplateIdRole:
        return t.id;
    case QuestionCountRole:
        return int(t.questions.size());
    default:
        return {};
    }
}

Qt::ItemFlags TemplatePaletteModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    return QAbstractListModel::flags(index) | Qt::ItemIsDragEnabled | Qt::ItemIsDropEnabled;
}

QStringList TemplatePaletteModel::mimeTypes() const
{
    return { QLatin1String(MappingMime::Template) };
}

QMimeData *TemplatePaletteModel::mimeData(const QModelIndexList &indexes) const
{
    if (indexes.isEmpty() || !indexes.first().isValid())
        return nullptr;
    auto *data = new QMimeData;
    const QJsonObject o { { QStringLiteral("template"), m_templates.at(indexes.first().row()).id } };
    data->setData(QLatin1String(MappingMime::Template), QJsonDocument(o).toJson(QJsonDocument::Compact));
    data->setText(m_templates.at(indexes.first().row()).name);
    return data;
}

bool TemplatePaletteModel::canDropMimeData(
    const QMimeData *data, Qt::DropAction, int, int, const QModelIndex &) const
{
    const QJsonObject o = readMime(data, MappingMime::Mapping);
    return o.value(QStringLiteral("stage")).isString() && o.value(QStringLiteral("scope")).isString();
}

bool TemplatePaletteModel::dropMimeData(
    const QMimeData *data, Qt::DropAction action, int row, int column, const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const QJsonObject o = readMime(data, MappingMime::Mapping);
    Q_EMIT mappingDroppedOut(
        o.value(QStringLiteral("scope")).toString(), o.value(QStringLiteral("stage")).toString());
    return true; // nothing is inserted here; the editor removed the mapping
}

// --- StageTargetsModel ----------------------------------------------------------------------

StageTargetsModel::StageTargetsModel(Store &store, const Clock &clock, AuditLog *audit, QObject *parent)
    : QAbstractListModel(parent)
    , m_store(store)
    , m_clock(clock)
    , m_audit(audit)
{
    m_handler = [this](const MappingChange &c, QString *error) { return apply(c, error); };
    reload();
}

void StageTargetsModel::setScope(const QString &jobId)
{
    if (jobId == m_scope)
        return;
    m_scope = jobId;
    reload();
}

void StageTargetsModel::reload()
{
    beginResetModel();
    m_targets.clear();
    MappingRepository repo(m_store, m_clock);
    m_mappings = markStaleMappings(repo.list(), repo.syncedStages());
    m_templateNames.clear();
    for (const InterviewTemplate &t : TemplateRepository(m_store, m_clock).list())
        m_templateNames.insert(t.id, t.name.isEmpty() ? t.id : t.name);

    QSqlQuery q(m_store.database());
    if (m_scope.isEmpty()) {
        // Distinct names, case-insensitive, in the order they first appear in pipelines.
        q.exec(QStringLiteral("SELECT min(name), count(DISTINCT job_id), min(row_order), "
                              "group_concat(DISTINCT lower(coalesce(stage_type, ''))) FROM stages "
                              "GROUP BY lower(trim(name)) ORDER BY min(row_order), lower(min(name))"));
        while (q.next()) {
            Target t;
            t.name = q.value(0).toString().trimmed();
            t.key = t.name;
            t.jobCount = q.value(1).toInt();
            t.stageType = q.value(3).toString();
            m_targets.append(t);
        }
        for (const StageMapping &m : std::as_const(m_mappings)) {
            if (!m.isDefault())
                continue;
            bool found = false;
            for (Target &t : m_targets) {
                if (t.key.compare(m.stage.trimmed(), Qt::CaseInsensitive) == 0) {
                    t.own = m;
                    found = true;
                }
            }
            if (!found) { // the stage is gone from every job: keep it visible so it can be fixed
                Target t;
                t.key = t.name = m.stage;
                t.own = m;
                m_targets.append(t);
            }
        }
        for (Target &t : m_targets) {
            t.decision = resolveMapping(m_mappings, QStringLiteral("\x01no-job"), QString(), t.name);
            if (t.own && t.own->stale)
                t.warning = t.own->staleReason.isEmpty() ? tr("No job has this stage any more.")
                                                         : t.own->staleReason;
        }
    } else {
        q.prepare(QStringLiteral(
            "SELECT id, name, coalesce(stage_type, '') FROM stages WHERE job_id = ? ORDER BY row_order, id"));
        q.addBindValue(m_scope);
        q.exec();
        while (q.next()) {
            Target t;
            t.key = q.value(0).toString();
            t.name = q.value(1).toString();
            t.stageType = q.value(2).toString();
            t.jobCount = 1;
            t.decision = resolveMapping(m_mappings, m_scope, t.key, t.name);
            for (const StageMapping &m : std::as_const(m_mappings)) {
                if (m.jobId == m_scope
                    && (m.stage == t.key
                        || m.stage.trimmed().compare(t.name.trimmed(), Qt::CaseInsensitive) == 0)) {
                    if (!t.own || m.stage == t.key)
                        t.own = m;
                }
            }
            m_targets.append(t);
        }
    }
    for (Target &t : m_targets) {
        if (t.warning.isEmpty() && isWarnStageType(t.stageType.section(QLatin1Char(','), 0, 0))) {
            t.warning = t.stageType.startsWith(QLatin1String("inbox"), Qt::CaseInsensitive)
                ? tr("Inbox stage: every new applicant lands here, so an interview would go to all of them.")
                : tr("Hired stage: the candidate is already hired; an interview here is probably a mistake.");
        }
    }
    endResetModel();
}

bool StageTargetsModel::apply(const MappingChange &change, QString *error)
{
    const bool ok = applyMappingChange(m_store, m_clock, m_audit, change, QStringLiteral("admin"), error);
    reload();
    if (ok)
        Q_EMIT changed();
    return ok;
}

bool StageTargetsModel::submit(const MappingChange &change)
{
    if (change.isEmpty())
        return false;
    m_lastError.clear();
    return m_handler(change, &m_lastError);
}

MappingChange::Entry StageTargetsModel::entryFor(const Target &t, std::optional<StageMapping> after) const
{
    MappingChange::Entry e;
    e.jobId = m_scope;
    e.stage = t.own ? t.own->stage : t.key;
    e.before = t.own;
    if (after) {
        after->jobId = m_scope;
        after->stage = e.stage;
        after->id = 0;
        after->stale = false;
        after->staleReason.clear();
    }
    e.after = after;
    return e;
}

bool StageTargetsModel::mapTemplate(int row, const QString &templateId)
{
    if (row < 0 || row >= m_targets.size() || !m_templateNames.contains(templateId))
        return false;
    const Target &t = m_targets.at(row);
    StageMapping m = t.own.value_or(StageMapping {});
    if (!t.own && !m_scope.isEmpty() && t.decision.found())
        m.rules = t.decision.rules; // an override starts from the inherited rules
    if (t.own && t.own->templateId == templateId)
        return false;
    m.templateId = templateId;
    MappingChange c;
    c.text = tr("Map %1 to %2").arg(t.name, m_templateNames.value(templateId));
    c.entries.append(entryFor(t, m));
    return submit(c);
}

bool StageTargetsModel::moveMapping(int fromRow, int toRow)
{
    if (fromRow == toRow || fromRow < 0 || toRow < 0 || fromRow >= m_targets.size()
        || toRow >= m_targets.size())
        return false;
    const Target &from = m_targets.at(fromRow);
    const Target &to = m_targets.at(toRow);
    if (!from.own)
        return false;
    MappingChange c;
    c.text = tr("Move %1 to %2").arg(from.name, to.name);
    c.entries.append(entryFor(from, std::nullopt));
    c.entries.append(entryFor(to, *from.own));
    return submit(c);
}

bool StageTargetsModel::unmap(int row)
{
    if (row < 0 || row >= m_targets.size() || !m_targets.at(row).own)
        return false;
    const Target &t = m_targets.at(row);
    MappingChange c;
    c.text = m_scope.isEmpty() ? tr("Unmap %1").arg(t.name) : tr("Reset %1 to the default").arg(t.name);
    c.entries.append(entryFor(t, std::nullopt));
    return submit(c);
}

bool StageTargetsModel::unmapKey(const QString &scope, const QString &stage)
{
    if (scope != m_scope)
        return false;
    return unmap(rowOfStage(stage));
}

bool StageTargetsModel::setRules(int row, const MappingRules &rules)
{
    if (row < 0 || row >= m_targets.size())
        return false;
    const Target &t = m_targets.at(row);
    StageMapping m;
    if (t.own) {
        m = *t.own;
    } else if (!m_scope.isEmpty() && t.decision.found()) {
        m.templateId = t.decision.templateId; // editing inherited rules creates an override
    } else {
        m_lastError = tr("Map a template to %1 first.").arg(t.name);
        return false;
    }
    if (t.own && m.rules == rules)
        return false;
    m.rules = rules;
    MappingChange c;
    c.text = tr("Change the rules of %1").arg(t.name);
    c.entries.append(entryFor(t, m));
    return submit(c);
}

int StageTargetsModel::rowOfStage(const QString &nameOrId) const
{
    for (int i = 0; i < m_targets.size(); ++i) {
        const Target &t = m_targets.at(i);
        if (t.key == nameOrId || (t.own && t.own->stage == nameOrId))
            return i;
    }
    for (int i = 0; i < m_targets.size(); ++i) {
        if (m_targets.at(i).name.trimmed().compare(nameOrId.trimmed(), Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

std::optional<StageMapping> StageTargetsModel::ownMapping(int row) const
{
    if (row < 0 || row >= m_targets.size())
        return std::nullopt;
    return m_targets.at(row).own;
}

int StageTargetsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_targets.size());
}

QVariant StageTargetsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Target &t = m_targets.at(index.row());
    const QString source = t.own
        ? (m_scope.isEmpty() ? QStringLiteral("default") : QStringLiteral("override"))
        : (t.decision.found() ? QStringLiteral("inherited") : QString());
    const std::optional<MappingRules> rules = t.own
        ? std::optional(t.own->rules)
        : (t.decision.found() ? std::optional(t.decision.rules) : std::nullopt);
    switch (role) {
    case Qt::DisplayRole: {
        QString text = t.name;
        if (m_scope.isEmpty())
            text += tr(" (%n job(s))", nullptr, t.jobCount);
        if (t.decision.found()) {
            text += QStringLiteral("  →  ")
                + m_templateNames.value(t.decision.templateId, t.decision.templateId);
            if (rules && rules->passThreshold)
                text += tr("  · pass ≥ %1").arg(*rules->passThreshold);
            if (source == QLatin1String("override"))
                text += tr("  [override]");
            else if (source == QLatin1String("inherited"))
                text += tr("  (default)");
        }
        return text;
    }
    case Qt::ToolTipRole: {
        QStringList lines;
        if (source == QLatin1String("override"))
            lines << tr(
                "This job overrides the default. Press Delete or use Reset to go back to the default.");
        else if (source == QLatin1String("inherited"))
            lines << tr(
                "Inherited from the default for “%1”. Drop a template here to override it for this job.")
                         .arg(t.name);
        else if (!t.decision.found())
            lines << tr(
                "No interview. Drop a template here to start one when a candidate enters this stage.");
        if (!t.warning.isEmpty())
            lines << t.warning;
        return lines.join(QLatin1Char('\n'));
    }
    case StageKeyRole:
        return t.key;
    case StageNameRole:
        return t.name;
    case StageIdRole:
        return m_scope.isEmpty() ? QString() : t.key;
    case JobCountRole:
        return t.jobCount;
    case StageTypeRole:
        return t.stageType;
    case TemplateIdRole:
        return t.decision.templateId;
    case TemplateNameRole:
        return t.decision.found() ? m_templateNames.value(t.decision.templateId, t.decision.templateId)
                                  : QString();
    case SourceRole:
        return source;
    case OwnMappingRole:
        return t.own.has_value();
    case WarningRole:
        return t.warning;
    case PassThresholdRole:
        return rules && rules->passThreshold ? QVariant(*rules->passThreshold) : QVariant();
    case OnPassRole:
        return rules ? rules->onPass : QString();
    case OnFailRole:
        return rules ? rules->onFail : QString();
    default:
        return {};
    }
}

Qt::ItemFlags StageTargetsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = QAbstractListModel::flags(index) | Qt::ItemIsDropEnabled;
    if (m_targets.at(index.row()).own)
        f |= Qt::ItemIsDragEnabled;
    return f;
}

QStringList StageTargetsModel::mimeTypes() const
{
    return { QLatin1String(MappingMime::Template), QLatin1String(MappingMime::Mapping) };
}

QMimeData *StageTargetsModel::mimeData(const QModelIndexList &indexes) const
{
    if (indexes.isEmpty() || !indexes.first().isValid())
        return nullptr;
    const Target &t = m_targets.at(indexes.first().row());
    if (!t.own)
        return nullptr;
    auto *data = new QMimeData;
    const QJsonObject o { { QStringLiteral("scope"), m_scope }, { QStringLiteral("stage"), t.own->stage },
        { QStringLiteral("mapping"), t.own->id } };
    data->setData(QLatin1String(MappingMime::Mapping), QJsonDocument(o).toJson(QJsonDocument::Compact));
    data->setText(t.name);
    return data;
}

int StageTargetsModel::targetRow(int row, const QModelIndex &parent) const
{
    // Drops land on an item (parent = the item, row -1); between items there is no target.
    if (parent.isValid() && parent.model() == this && row < 0)
        return parent.row();
    return -1;
}

bool StageTargetsModel::canDropMimeData(
    const QMimeData *data, Qt::DropAction action, int row, int, const QModelIndex &parent) const
{
    if (action != Qt::CopyAction && action != Qt::MoveAction)
        return false;
    const int target = targetRow(row, parent);
    if (target < 0 || target >= m_targets.size())
        return false;
    const Target &t = m_targets.at(target);
    const QJsonObject tpl = readMime(data, MappingMime::Template);
    if (!tpl.isEmpty()) {
        const QString id = tpl.value(QStringLiteral("template")).toString();
        return m_templateNames.contains(id) && !(t.own && t.own->templateId == id);
    }
    const QJsonObject map = readMime(data, MappingMime::Mapping);
    if (map.isEmpty() || map.value(QStringLiteral("scope")).toString() != m_scope)
        return false;
    const int from = rowOfStage(map.value(QStringLiteral("stage")).toString());
    return from >= 0 && from != target && m_targets.at(from).own
        && m_targets.at(from).own->id == map.value(QStringLiteral("mapping")).toInteger();
}

bool StageTargetsModel::dropMimeData(
    const QMimeData *data, Qt::DropAction action, int row, int column, const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const int target = targetRow(row, parent);
    const QJsonObject tpl = readMime(data, MappingMime::Template);
    if (!tpl.isEmpty())
        return mapTemplate(target, tpl.value(QStringLiteral("template")).toString());
    // A move: the source row stays (it shows "no interview" now); removeRows() is not implemented,
    // so a view finishing a move drag removes nothing.
    return moveMapping(
        rowOfStage(readMime(data, MappingMime::Mapping).value(QStringLiteral("stage")).toString()), target);
}

// --- Issues and jobs ------------------------------------------------------------------------

QList<MappingIssue> findMappingIssues(Store &store)
{
    QList<MappingIssue> out;
    MappingRepository repo(store, Clock::system());
    const QList<StageInfo> stages = repo.syncedStages();
    for (const StageMapping &m : markStaleMappings(repo.list(), stages)) {
        if (!m.stale)
            continue;
        const QString where = m.isDefault() ? QObject::tr("default for “%1”").arg(m.stage)
                                            : QObject::tr("job %1, stage “%2”").arg(m.jobId, m.stage);
        out.append({ MappingIssue::Kind::StaleMapping, QString::number(m.id),
            QObject::tr("Stale mapping (%1): %2").arg(where, m.staleReason), QObject::tr("Remove mapping") });
    }
    QSqlQuery q(store.database());
    q.exec(QStringLiteral("SELECT id, title FROM jobs WHERE needs_review <> 0 ORDER BY title"));
    while (q.next()) {
        out.append({ MappingIssue::Kind::JobNeedsReview, q.value(0).toString(),
            QObject::tr("“%1” was published since the last review: check its stages.")
                .arg(q.value(1).toString()),
            QObject::tr("Mark reviewed") });
    }
    for (const InterviewTemplate &t : TemplateRepository(store, Clock::system()).list()) {
        if (t.questions.isEmpty()) {
            out.append({ MappingIssue::Kind::TemplateWithoutQuestions, t.id,
                QObject::tr("Template “%1” has no questions; no interview can be taken with it.")
                    .arg(t.name.isEmpty() ? t.id : t.name),
                QObject::tr("Edit template") });
        }
    }
    return out;
}

bool markJobReviewed(Store &store, const QString &jobId, QString *error)
{
    QSqlQuery q(store.database());
    q.prepare(QStringLiteral("UPDATE jobs SET needs_review = 0 WHERE id = ?"));
    q.addBindValue(jobId);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

QList<JobStages> loadJobStages(Store &store)
{
    QList<JobStages> out;
    QSqlQuery q(store.database());
    q.exec(QStringLiteral("SELECT j.id, j.title, j.needs_review, s.id, s.name, coalesce(s.stage_type, '') "
                          "FROM jobs j LEFT JOIN stages s ON s.job_id = j.id "
                          "ORDER BY j.title, j.id, s.row_order, s.id"));
    while (q.next()) {
        const QString id = q.value(0).toString();
        if (out.isEmpty() || out.constLast().id != id)
            out.append({ id, q.value(1).toString(), q.value(2).toInt() != 0, {}, {} });
        if (!q.value(3).isNull()) {
            out.last().stages.append({ q.value(3).toString(), id, q.value(4).toString() });
            out.last().stageTypes.append(q.value(5).toString());
        }
    }
    return out;
}

} // namespace intrvio

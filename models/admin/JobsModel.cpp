#include "JobsModel.h"

#include "AdminInterfaces.h"

#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

// ---- SQL (all of the jobs view's statements live here) ---------------------------------------

QString JobStagesModel::mappedStageCondition(const QString &s)
{
    return QStringLiteral(
        "EXISTS (SELECT 1 FROM mappings m WHERE (m.job_id = %1.job_id AND (m.stage = %1.id"
        " OR lower(m.stage) = lower(%1.name))) OR (m.job_id = '' AND lower(m.stage) = lower(%1.name)))")
        .arg(s);
}

namespace {

QString jobsSql()
{
    return QStringLiteral(
        "SELECT j.id, j.title, coalesce(j.human_status, j.status, ''), coalesce(j.department, ''),"
        " (SELECT COUNT(*) FROM applications a WHERE a.job_id = j.id),"
        " (SELECT COUNT(*) FROM stages s WHERE s.job_id = j.id),"
        " (SELECT COUNT(*) FROM stages s WHERE s.job_id = j.id AND %1),"
        " j.needs_review"
        " FROM jobs j ORDER BY lower(j.title), j.id")
        .arg(JobStagesModel::mappedStageCondition(QStringLiteral("s")));
}

// Override first (by stage id, then by name), then the default by name.
const char stagesSql[]
    = "SELECT s.id, s.name, coalesce(s.stage_type, ''), s.active_count, s.rejected_count,"
      " coalesce((SELECT coalesce(t.name, m.template_id) FROM mappings m LEFT JOIN templates t ON t.id = "
      "m.template_id"
      "   WHERE m.job_id = s.job_id AND m.stage = s.id),"
      "  (SELECT coalesce(t.name, m.template_id) FROM mappings m LEFT JOIN templates t ON t.id = "
      "m.template_id"
      "   WHERE m.job_id = s.job_id AND lower(m.stage) = lower(s.name) LIMIT 1)),"
      " (SELECT coalesce(t.name, m.template_id) FROM mappings m LEFT JOIN templates t ON t.id = m.template_id"
      "   WHERE m.job_id = '' AND lower(m.stage) = lower(s.name) LIMIT 1),"
      " EXISTS (SELECT 1 FROM mappings m WHERE m.job_id = s.job_id AND (m.stage = s.id OR lower(m.stage) = "
      "lower(s.name))),"
      " EXISTS (SELECT 1 FROM mappings m WHERE m.job_id = '' AND lower(m.stage) = lower(s.name))"
      " FROM stages s WHERE s.job_id = ? ORDER BY s.row_order, s.id";

} // namespace

// ---- JobsModel --------------------------------------------------------------------------------

JobsModel::JobsModel(QSqlDatabase db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(std::move(db))
{ }

void JobsModel::reload()
{
    QList<Row> rows;
    QSqlQuery q(m_db);
    m_error.clear();
    if (!q.exec(jobsSql())) {
        m_error = q.lastError().text();
    } else {
        while (q.next()) {
            Row r;
            r.id = q.value(0).toString();
            r.title = q.value(1).toString();
            r.status = q.value(2).toString();
            r.department = q.value(3).toString();
            r.applications = q.value(4).toInt();
            r.stages = q.value(5).toInt();
            r.mappedStages = q.value(6).toInt();
            r.needsReview = q.value(7).toInt() != 0;
            rows.append(r);
        }
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobsModel::jobId(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == AdminRole::Id)
        return r.id;
    if (role == Qt::DisplayRole || role == AdminRole::Sort) {
        const bool sort = role == AdminRole::Sort;
        switch (index.column()) {
        case Title:
            return sort ? QVariant(r.title.toLower()) : QVariant(r.title);
        case Status:
            return r.status;
        case Department:
            return r.department;
        case Applications:
            return r.applications;
        case MappedStages:
            return sort ? QVariant(r.mappedStages)
                        : QVariant(tr("%1 of %2").arg(r.mappedStages).arg(r.stages));
        case NeedsReview:
            return sort ? QVariant(r.needsReview) : QVariant(r.needsReview ? tr("Needs review") : QString());
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Applications || index.column() == MappedStages))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == NeedsReview && r.needsReview)
        return tr("Published or changed since the stage mapping was last reviewed.");
    return {};
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Title:
        return tr("Title");
    case Status:
        return tr("Status");
    case Department:
        return tr("Department");
    case Applications:
        return tr("Applications");
    case MappedStages:
        return tr("Mapped stages");
    case NeedsReview:
        return tr("Review");
    }
    return {};
}

// ---- JobStagesModel -------------------------------------------------------------------------

JobStagesModel::JobStagesModel(QSqlDatabase db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(std::move(db))
{ }

void JobStagesModel::setJob(const QString &jobId)
{
    m_jobId = jobId;
    reload();
}

void JobStagesModel::reload()
{
    QList<Row> rows;
    m_error.clear();
    if (!m_jobId.isEmpty()) {
        QSqlQuery q(m_db);
        const bool prepared = q.prepare(QString::fromLatin1(stagesSql));
        q.addBindValue(m_jobId);
        if (!prepared || !q.exec()) {
            m_error = q.lastError().text();
        } else {
            while (q.next()) {
                Row r;
                r.id = q.value(0).toString();
                r.name = q.value(1).toString();
                r.type = q.value(2).toString();
                r.active = q.value(3);
                r.rejected = q.value(4);
                if (q.value(7).toBool()) {
                    r.state = MappingState::Override;
                    r.templateName = q.value(5).toString();
                } else if (q.value(8).toBool()) {
                    r.state = MappingState::Default;
                    r.templateName = q.value(6).toString();
                }
                rows.append(r);
            }
        }
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int JobStagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobStagesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

JobStagesModel::MappingState JobStagesModel::mappingState(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).state : MappingState::Unmapped;
}

QString JobStagesModel::mappingStateText(MappingState state)
{
    switch (state) {
    case MappingState::Default:
        return tr("Mapped by default");
    case MappingState::Override:
        return tr("Per-job override");
    case MappingState::Unmapped:
        break;
    }
    return tr("Unmapped");
}

QVariant JobStagesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == AdminRole::Id)
        return r.id;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Stage:
            return r.name;
        case Type:
            return r.type;
        case Active:
            return r.active.isNull() ? QVariant(QStringLiteral("–")) : r.active;
        case Rejected:
            return r.rejected.isNull() ? QVariant(QStringLiteral("–")) : r.rejected;
        case Mapping:
            return mappingStateText(r.state);
        case Template:
            return r.templateName;
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Active || index.column() == Rejected))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant JobStagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Stage:
        return tr("Stage");
    case Type:
        return tr("Type");
    case Active:
        return tr("Active");
    case Rejected:
        return tr("Rejected");
    case Mapping:
        return tr("Mapping");
    case Template:
        return tr("Template");
    }
    return {};
}

} // namespace intrvio

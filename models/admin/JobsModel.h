#pragma once

#include <QAbstractTableModel>
#include <QSqlDatabase>

namespace intrvio {

// Jobs from the store with their application count, mapped-stage count and review flag.
// Few rows (hundreds), so it loads everything; sorting and filtering by a proxy in the view.
class JobsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Title, Status, Department, Applications, MappedStages, NeedsReview, ColumnCount };

    explicit JobsModel(QSqlDatabase db, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();
    QString jobId(int row) const;
    QString lastError() const { return m_error; }

    struct Row
    {
        QString id;
        QString title;
        QString status;
        QString department;
        int applications = 0;
        int stages = 0;
        int mappedStages = 0;
        bool needsReview = false;
    };

private:
    QSqlDatabase m_db;
    QList<Row> m_rows;
    QString m_error;
};

// The stages of one job in row order, with counts and how each stage is mapped:
// by a default mapping (job_id '', matched by stage name case-insensitively), by a per-job
// override (job_id = the job, matched by stage id or name), or not at all.
class JobStagesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Stage, Type, Active, Rejected, Mapping, Template, ColumnCount };
    enum class MappingState { Unmapped, Default, Override };

    explicit JobStagesModel(QSqlDatabase db, QObject *parent = nullptr);

    void setJob(const QString &jobId);
    QString job() const { return m_jobId; }
    void reload();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    MappingState mappingState(int row) const;
    static QString mappingStateText(MappingState state);
    QString lastError() const { return m_error; }

    // Number of this job's stages that are mapped (by default or override); the same rule as the
    // rows' mapping state. Used by JobsModel through the SQL below.
    static QString mappedStageCondition(const QString &stageAlias);

private:
    struct Row
    {
        QString id;
        QString name;
        QString type;
        QVariant active;
        QVariant rejected;
        MappingState state = MappingState::Unmapped;
        QString templateName;
    };
    QSqlDatabase m_db;
    QString m_jobId;
    QList<Row> m_rows;
    QString m_error;
};

} // namespace intrvio

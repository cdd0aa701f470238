#pragma once

#include "PagedSqlModel.h"

#include <optional>
#include <QJsonArray>

namespace intrvio {

// Candidates, fetched lazily page by page (keyset on rowid) so 100 000 rows stay fluid.
// Search and every filter are WHERE terms evaluated by SQLite; so is sorting (header click on
// Name, Email, Updated or Interview result: ORDER BY in SQL with keyset paging on the sort value).
class CandidatesModel : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Column { Name, Email, Job, Stage, Result, Updated, ColumnCount };

    struct Filter
    {
        QString text; // matches "first last" or email, case-insensitively (LIKE)
        QString jobId; // has an application to this job
        QString stageId; // has an application currently in this stage
        QString interviewState; // has an interview in this state
        std::optional<int> minScore;
        std::optional<int> maxScore;
        bool operator==(const Filter &) const = default;
    };

    explicit CandidatesModel(QSqlDatabase db, QObject *parent = nullptr);

    // Applies and reloads (first page only).
    void setFilter(const Filter &filter);
    Filter filter() const { return m_filter; }

    QString candidateId(int row) const;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

protected:
    QString selectSql() const override;
    QString keyExpr() const override { return QStringLiteral("c.rowid"); }
    QStringList whereTerms(QVariantList *binds) const override;
    QStringList headers() const override;
    QString sortExpr(int column) const override;

private:
    Filter m_filter;
};

// Everything the candidate detail pane shows, read in one go.
struct CandidateDetail
{
    struct Application
    {
        QString id, jobTitle, stageName, createdAt, changedStageAt;
        bool rejected = false;
    };
    struct Interview
    {
        qint64 id = 0;
        QString jobTitle, templateName, state, grade, summary, transcript;
        QVariant score, threshold;
        QString createdAt, startedAt, completedAt, expiresAt, failureReason;
        QJsonArray criteria; // [{name, score, weight?, comment?}] as stored
        QString partnerResultId;
    };
    struct PartnerResult
    {
        QString id, jobTitle, status, summary, url, grade, updatedAt;
        QVariant score;
    };

    QString id, name, email, phone, createdAt;
    QList<Application> applications;
    QList<Interview> interviews; // newest first
    QList<PartnerResult> results; // newest first

    bool isValid() const { return !id.isEmpty(); }
    static CandidateDetail load(QSqlDatabase db, const QString &candidateId, QString *error = nullptr);
    // Criteria as stored may be an array of objects or an object {name: score}; normalised here.
    static QJsonArray parseCriteria(const QString &stored);
};

// Jobs and stages offered by the candidates view's filters.
struct FilterChoices
{
    QList<QPair<QString, QString>> jobs; // id, title
    QList<QPair<QString, QString>> stages; // id, name (for the chosen job, or every distinct name)
    QStringList interviewStates;
    static FilterChoices load(QSqlDatabase db, const QString &jobId);
};

} // namespace intrvio

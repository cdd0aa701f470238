#include "CandidatesModel.h"

#include "AdminInterfaces.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

// Latest application and latest interview per candidate, computed for the fetched page only.
const char selectCandidates[]
    = "SELECT c.rowid, c.id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), "
      "coalesce(c.email, ''),"
      " (SELECT j.title FROM applications a JOIN jobs j ON j.id = a.job_id WHERE a.candidate_id = c.id"
      "   ORDER BY a.created_at DESC, a.id DESC LIMIT 1),"
      " (SELECT s.name FROM applications a JOIN stages s ON s.id = a.stage_id WHERE a.candidate_id = c.id"
      "   ORDER BY a.created_at DESC, a.id DESC LIMIT 1),"
      " (SELECT coalesce(pr.status, i.state) FROM interviews i LEFT JOIN partner_results pr ON pr.id = "
      "i.partner_result_id"
      "   WHERE i.candidate_id = c.id ORDER BY i.id DESC LIMIT 1),"
      " (SELECT i.score FROM interviews i WHERE i.candidate_id = c.id ORDER BY i.id DESC LIMIT 1),"
      " coalesce(c.updated_at, c.created_at, '')"
      " FROM candidates c";

QString likePattern(const QString &text)
{
    QString escaped = text.trimmed();
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QStringLiteral("%") + escaped + QStringLiteral("%");
}

} // namespace

CandidatesModel::CandidatesModel(QSqlDatabase db, QObject *parent)
    : PagedSqlModel(std::move(db), parent)
{ }

void CandidatesModel::setFilter(const Filter &filter)
{
    m_filter = filter;
    reload();
}

QString CandidatesModel::selectSql() const
{
    return QString::fromLatin1(selectCandidates);
}

QStringList CandidatesModel::whereTerms(QVariantList *binds) const
{
    QStringList terms;
    if (!m_filter.text.trimmed().isEmpty()) {
        terms << QStringLiteral(
            "(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') LIKE ? ESCAPE '\\'"
            " OR coalesce(c.email, '') LIKE ? ESCAPE '\\')");
        const QString p = likePattern(m_filter.text);
        *binds << p << p;
    }
    if (!m_filter.jobId.isEmpty() || !m_filter.stageId.isEmpty()) {
        // Uncorrelated IN: SQLite builds the set once from the (job_id, stage_id) index.
        QString t = QStringLiteral("c.id IN (SELECT a.candidate_id FROM applications a WHERE 1");
        if (!m_filter.jobId.isEmpty()) {
            t += QStringLiteral(" AND a.job_id = ?");
            *binds << m_filter.jobId;
        }
        if (!m_filter.stageId.isEmpty()) {
            t += QStringLiteral(" AND a.stage_id = ?");
            *binds << m_filter.stageId;
        }
        terms << t + QStringLiteral(")");
    }
    if (!m_filter.interviewState.isEmpty()) {
        terms << QStringLiteral(
            "c.id IN (SELECT i.candidate_id FROM interviews i LEFT JOIN partner_results pr"
            " ON pr.id = i.partner_result_id WHERE i.state = ? OR pr.status = ?)");
        *binds << m_filter.interviewState << m_filter.interviewState;
    }
    if (m_filter.minScore || m_filter.maxScore) {
        terms << QStringLiteral(
            "c.id IN (SELECT i.candidate_id FROM interviews i WHERE i.score BETWEEN ? AND ?)");
        *binds << m_filter.minScore.value_or(0) << m_filter.maxScore.value_or(100);
    }
    return terms;
}

QStringList CandidatesModel::headers() const
{
    return { tr("Name"), tr("Email"), tr("Job"), tr("Stage"), tr("Interview result"), tr("Updated") };
}

QString CandidatesModel::sortExpr(int column) const
{
    switch (column) {
    case Name:
        return QStringLiteral("lower(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')))");
    case Email:
        return QStringLiteral("lower(coalesce(c.email, ''))");
    case Updated:
        return QStringLiteral("coalesce(c.updated_at, c.created_at, '')");
    case Result: // the latest interview's score; none sorts below 0
        return QStringLiteral(
            "coalesce((SELECT i.score FROM interviews i WHERE i.candidate_id = c.id ORDER BY i.id DESC LIMIT 1), -1)");
    default:
        return {};
    }
}

QString CandidatesModel::candidateId(int row) const
{
    return field(row, 1).toString();
}

QVariant CandidatesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (role == AdminRole::Id)
        return field(row, 1);
    if (index.column() == Result) {
        switch (role) {
        case AdminRole::ResultState:
            return field(row, 6);
        case AdminRole::ResultScore:
            return field(row, 7);
        case Qt::DisplayRole: {
            const QString state = field(row, 6).toString();
            const QVariant score = field(row, 7);
            if (state.isEmpty())
                return QString();
            return score.isNull() ? state : tr("%1 · %2").arg(state).arg(score.toInt());
        }
        default:
            return {};
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name:
            return field(row, 2);
        case Email:
            return field(row, 3);
        case Job:
            return field(row, 4);
        case Stage:
            return field(row, 5);
        case Updated: {
            const QDateTime t = QDateTime::fromString(field(row, 8).toString(), Qt::ISODate);
            return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : field(row, 8);
        }
        }
    }
    return {};
}

// ---- detail -----------------------------------------------------------------------------------

QJsonArray CandidateDetail::parseCriteria(const QString &stored)
{
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8());
    if (doc.isArray())
        return doc.array();
    QJsonArray out;
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.value().isObject()) {
                QJsonObject c = it.value().toObject();
                c.insert(QStringLiteral("name"), it.key());
                out.append(c);
            } else {
                out.append(QJsonObject {
                    { QStringLiteral("name"), it.key() }, { QStringLiteral("score"), it.value() } });
            }
        }
    }
    return out;
}

CandidateDetail CandidateDetail::load(QSqlDatabase db, const QString &candidateId, QString *error)
{
    CandidateDetail d;
    auto fail = [&](const QSqlQuery &q) {
        if (error)
            *error = q.lastError().text();
        return CandidateDetail {};
    };
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')),"
        " coalesce(email, ''), coalesce(phone, ''), coalesce(created_at, '') FROM candidates WHERE id = ?"));
    q.addBindValue(candidateId);
    if (!q.exec())
        return fail(q);
    if (!q.next())
        return d;
    d.id = q.value(0).toString();
    d.name = q.value(1).toString();
    d.email = q.value(2).toString();
    d.phone = q.value(3).toString();
    d.createdAt = q.value(4).toString();

    q.prepare(QStringLiteral(
        "SELECT a.id, coalesce(j.title, a.job_id), coalesce(s.name, ''), coalesce(a.created_at, ''),"
        " coalesce(a.changed_stage_at, ''), a.rejected_at IS NOT NULL"
        " FROM applications a LEFT JOIN jobs j ON j.id = a.job_id LEFT JOIN stages s ON s.id = a.stage_id"
        " WHERE a.candidate_id = ? ORDER BY a.created_at DESC, a.id"));
    q.addBindValue(candidateId);
    if (!q.exec())
        return fail(q);
    while (q.next()) {
        d.applications.append({ q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
            q.value(3).toString(), q.value(4).toString(), q.value(5).toBool() });
    }

    q.prepare(QStringLiteral(
        "SELECT i.id, coalesce(j.title, ''), coalesce(t.name, i.template_id), i.state, coalesce(i.grade, ''),"
        " coalesce(i.summary, ''), coalesce(i.transcript, ''), i.score, i.threshold, i.created_at,"
        " coalesce(i.started_at, ''), coalesce(i.completed_at, ''), coalesce(i.expires_at, ''),"
        " coalesce(i.failure_reason, ''), coalesce(i.criteria, ''), coalesce(i.partner_result_id, '')"
        " FROM interviews i LEFT JOIN jobs j ON j.id = i.job_id LEFT JOIN templates t ON t.id = i.template_id"
        " WHERE i.candidate_id = ? ORDER BY i.id DESC"));
    q.addBindValue(candidateId);
    if (!q.exec())
        return fail(q);
    while (q.next()) {
        Interview i;
        i.id = q.value(0).toLongLong();
        i.jobTitle = q.value(1).toString();
        i.templateName = q.value(2).toString();
        i.state = q.value(3).toString();
        i.grade = q.value(4).toString();
        i.summary = q.value(5).toString();
        i.transcript = q.value(6).toString();
        i.score = q.value(7);
        i.threshold = q.value(8);
        i.createdAt = q.value(9).toString();
        i.startedAt = q.value(10).toString();
        i.completedAt = q.value(11).toString();
        i.expiresAt = q.value(12).toString();
        i.failureReason = q.value(13).toString();
        i.criteria = parseCriteria(q.value(14).toString());
        i.partnerResultId = q.value(15).toString();
        d.interviews.append(i);
    }

    // The grade lives on the interview that owns the partner result.
    q.prepare(QStringLiteral(
        "SELECT pr.id, coalesce(j.title, ''), coalesce(pr.status, ''), coalesce(pr.summary, ''),"
        " coalesce(pr.url, ''), (SELECT i.grade FROM interviews i WHERE i.partner_result_id = pr.id"
        " ORDER BY i.id DESC LIMIT 1), coalesce(pr.updated_at, pr.created_at, ''), pr.score"
        " FROM partner_results pr LEFT JOIN jobs j ON j.id = pr.job_id"
        " WHERE pr.candidate_id = ? ORDER BY coalesce(pr.updated_at, pr.created_at) DESC, pr.id"));
    q.addBindValue(candidateId);
    if (!q.exec())
        return fail(q);
    while (q.next()) {
        d.results.append(
            { q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                q.value(4).toString(), q.value(5).toString(), q.value(6).toString(), q.value(7) });
    }
    return d;
}

FilterChoices FilterChoices::load(QSqlDatabase db, const QString &jobId)
{
    FilterChoices c;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SELECT id, title FROM jobs ORDER BY lower(title), id"))) {
        while (q.next())
            c.jobs.append({ q.value(0).toString(), q.value(1).toString() });
    }
    if (!jobId.isEmpty()) {
        q.prepare(QStringLiteral("SELECT id, name FROM stages WHERE job_id = ? ORDER BY row_order, id"));
        q.addBindValue(jobId);
        if (q.exec()) {
            while (q.next())
                c.stages.append({ q.value(0).toString(), q.value(1).toString() });
        }
    }
    if (q.exec(QStringLiteral(
            "SELECT DISTINCT state FROM interviews UNION SELECT DISTINCT status FROM partner_results"
            " WHERE status IS NOT NULL ORDER BY 1"))) {
        while (q.next())
            c.interviewStates.append(q.value(0).toString());
    }
    return c;
}

} // namespace intrvio

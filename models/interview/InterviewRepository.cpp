#include "InterviewRepository.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

const QString columns = QStringLiteral("SELECT id, application_id, candidate_id, job_id, template_id, "
                                       "generation, state, partner_result_id, update_url,"
                                       " threshold, score, grade, summary, transcript, criteria, "
                                       "failure_reason, source, triggered_by, created_at,"
                                       " updated_at, expires_at, started_at, completed_at FROM interviews");

QString stamp(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime parseStamp(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

QVariant nullable(const std::optional<int> &i)
{
    return i ? QVariant(*i) : QVariant(QMetaType::fromType<int>());
}

InterviewRecord fromRow(const QSqlQuery &q)
{
    InterviewRecord r;
    r.id = q.value(0).toLongLong();
    r.applicationId = q.value(1).toString();
    r.candidateId = q.value(2).toString();
    r.jobId = q.value(3).toString();
    r.templateId = q.value(4).toString();
    r.generation = q.value(5).toInt();
    r.state = q.value(6).toString();
    r.partnerResultId = q.value(7).toString();
    r.updateUrl = q.value(8).toString();
    if (!q.value(9).isNull())
        r.threshold = q.value(9).toInt();
    if (!q.value(10).isNull())
        r.score = q.value(10).toInt();
    r.grade = q.value(11).toString();
    r.summary = q.value(12).toString();
    for (const QJsonValue &v : QJsonDocument::fromJson(q.value(13).toString().toUtf8()).array()) {
        const QJsonObject o = v.toObject();
        r.answers.append(
            { o.value(QLatin1String("id")).toString(), o.value(QLatin1String("text")).toString() });
    }
    for (const QJsonValue &v : QJsonDocument::fromJson(q.value(14).toString().toUtf8()).array()) {
        const QJsonObject o = v.toObject();
        CriterionScore c;
        c.id = o.value(QLatin1String("id")).toString();
        c.score = o.value(QLatin1String("score")).toInt();
        c.weight = o.value(QLatin1String("weight")).toDouble();
        r.criteria << c;
    }
    r.failureReason = q.value(15).toString();
    r.source = q.value(16).toString();
    r.triggeredBy = q.value(17).toString();
    r.createdAt = parseStamp(q.value(18));
    r.updatedAt = parseStamp(q.value(19));
    r.expiresAt = parseStamp(q.value(20));
    r.startedAt = parseStamp(q.value(21));
    r.completedAt = parseStamp(q.value(22));
    return r;
}

} // namespace

InterviewToken::State InterviewRecord::tokenState() const
{
    return { expiresAt, completedAt.isValid(), state == QLatin1String(InterviewState::Failed) };
}

InterviewRepository::InterviewRepository(Store &store, const Clock &clock)
    : m_store(store)
    , m_clock(clock)
{ }

std::optional<InterviewRepository::Created> InterviewRepository::create(
    const NewInterview &n, int expiryDays, QString *error)
{
    const QDateTime now = m_clock.now();
    const QString token = InterviewToken::generate();
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral(
        "INSERT INTO interviews(application_id, candidate_id, job_id, template_id, generation, token_hash, "
        "state,"
        " partner_result_id, update_url, threshold, source, triggered_by, created_at, updated_at, expires_at)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(application_id, template_id, generation) DO NOTHING"));
    q.addBindValue(n.applicationId);
    q.addBindValue(n.candidateId);
    q.addBindValue(nullable(n.jobId));
    q.addBindValue(n.templateId);
    q.addBindValue(n.generation);
    q.addBindValue(InterviewToken::hash(token));
    q.addBindValue(QString::fromLatin1(InterviewState::Created));
    q.addBindValue(nullable(n.partnerResultId));
    q.addBindValue(nullable(n.updateUrl));
    q.addBindValue(nullable(n.threshold));
    q.addBindValue(nullable(n.source));
    q.addBindValue(nullable(n.triggeredBy));
    q.addBindValue(stamp(now));
    q.addBindValue(stamp(now));
    q.addBindValue(stamp(InterviewToken::expiresAt(now, expiryDays)));
    if (!q.exec()) {
        *error = QStringLiteral("cannot create the interview: %1").arg(q.lastError().text());
        return std::nullopt;
    }
    const bool isNew = q.numRowsAffected() == 1;
    QSqlQuery s(m_store.database());
    s.prepare(columns + QStringLiteral(" WHERE application_id = ? AND template_id = ? AND generation = ?"));
    s.addBindValue(n.applicationId);
    s.addBindValue(n.templateId);
    s.addBindValue(n.generation);
    if (!s.exec() || !s.next()) {
        *error = QStringLiteral("cannot read the interview back: %1").arg(s.lastError().text());
        return std::nullopt;
    }
    return Created { fromRow(s), isNew ? token : QString(), isNew };
}

std::optional<InterviewRecord> InterviewRepository::find(qint64 id) const
{
    QSqlQuery q(m_store.database());
    q.prepare(columns + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return fromRow(q);
    return std::nullopt;
}

std::optional<InterviewRecord> InterviewRepository::findByToken(const QString &token) const
{
    if (!InterviewToken::isWellFormed(token))
        return std::nullopt;
    QSqlQuery q(m_store.database());
    q.prepare(columns + QStringLiteral(" WHERE token_hash = ?"));
    q.addBindValue(InterviewToken::hash(token));
    if (q.exec() && q.next())
        return fromRow(q);
    return std::nullopt;
}

QList<InterviewRecord> InterviewRepository::forApplication(const QString &applicationId) const
{
    QList<InterviewRecord> result;
    QSqlQuery q(m_store.database());
    q.prepare(columns + QStringLiteral(" WHERE application_id = ? ORDER BY id"));
    q.addBindValue(applicationId);
    q.exec();
    while (q.next())
        result << fromRow(q);
    return result;
}

std::optional<QString> InterviewRepository::renewToken(qint64 id, int expiryDays, QString *error)
{
    const QDateTime now = m_clock.now();
    const QString token = InterviewToken::generate();
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE interviews SET token_hash = ?, expires_at = ?, updated_at = ?"
                             " WHERE id = ? AND completed_at IS NULL AND state <> ?"));
    q.addBindValue(InterviewToken::hash(token));
    q.addBindValue(stamp(InterviewToken::expiresAt(now, expiryDays)));
    q.addBindValue(stamp(now));
    q.addBindValue(id);
    q.addBindValue(QString::fromLatin1(InterviewState::Failed));
    if (!q.exec()) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    if (q.numRowsAffected() != 1) {
        *error = QStringLiteral("interview %1 is not open (missing, completed or failed)").arg(id);
        return std::nullopt;
    }
    return token;
}

bool InterviewRepository::setState(qint64 id, const QString &state)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE interviews SET state = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(state);
    q.addBindValue(stamp(m_clock.now()));
    q.addBindValue(id);
    return q.exec() && q.numRowsAffected() == 1;
}

bool InterviewRepository::markOpened(qint64 id)
{
    const QString now = stamp(m_clock.now());
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral(
        "UPDATE interviews SET started_at = coalesce(started_at, ?), state = CASE WHEN state IN"
        " (?, ?) THEN ? ELSE state END, updated_at = ? WHERE id = ? AND completed_at IS NULL"
        " AND state <> ?"));
    q.addBindValue(now);
    q.addBindValue(QString::fromLatin1(InterviewState::Created));
    q.addBindValue(QString::fromLatin1(InterviewState::Sent));
    q.addBindValue(QString::fromLatin1(InterviewState::Pending));
    q.addBindValue(now);
    q.addBindValue(id);
    q.addBindValue(QString::fromLatin1(InterviewState::Failed));
    return q.exec() && q.numRowsAffected() == 1;
}

InterviewRepository::SubmitResult InterviewRepository::submit(
    qint64 id, const QList<Answer> &answers, const ScoreResult &score)
{
    const QDateTime now = m_clock.now();
    QJsonArray transcript;
    for (const Answer &a : answers)
        transcript.append(
            QJsonObject { { QStringLiteral("id"), a.questionId }, { QStringLiteral("text"), a.text } });
    QJsonArray criteria;
    for (const CriterionScore &c : score.criteria)
        criteria.append(QJsonObject { { QStringLiteral("id"), c.id }, { QStringLiteral("score"), c.score },
            { QStringLiteral("weight"), c.weight } });
    QSqlQuery q(m_store.database());
    // One statement: the conditions and the write are atomic, so two racing submissions cannot both win.
    q.prepare(QStringLiteral(
        "UPDATE interviews SET state = ?, score = ?, grade = ?, summary = ?, transcript = ?, criteria = ?,"
        " started_at = coalesce(started_at, ?), completed_at = ?, updated_at = ?"
        " WHERE id = ? AND completed_at IS NULL AND state <> ? AND (expires_at IS NULL OR expires_at > ?)"));
    q.addBindValue(QString::fromLatin1(InterviewState::Completed));
    q.addBindValue(score.score);
    q.addBindValue(score.grade);
    q.addBindValue(score.summary);
    q.addBindValue(QString::fromUtf8(QJsonDocument(transcript).toJson(QJsonDocument::Compact)));
    q.addBindValue(QString::fromUtf8(QJsonDocument(criteria).toJson(QJsonDocument::Compact)));
    q.addBindValue(stamp(now));
    q.addBindValue(stamp(now));
    q.addBindValue(stamp(now));
    q.addBindValue(id);
    q.addBindValue(QString::fromLatin1(InterviewState::Failed));
    q.addBindValue(stamp(now));
    if (!q.exec()) {
        qCWarning(lcPipeline).noquote()
            << "cannot store the submission of interview" << id << q.lastError().text();
        return SubmitResult::Error;
    }
    if (q.numRowsAffected() == 1)
        return SubmitResult::Accepted;
    const std::optional<InterviewRecord> r = find(id);
    if (!r)
        return SubmitResult::Error;
    switch (InterviewToken::access(r->tokenState(), now)) {
    case InterviewToken::Access::Submitted:
        return SubmitResult::AlreadySubmitted;
    case InterviewToken::Access::Expired:
        return SubmitResult::Expired;
    case InterviewToken::Access::Cancelled:
    case InterviewToken::Access::Open:
        break;
    }
    return SubmitResult::NotOpen;
}

bool InterviewRepository::fail(qint64 id, const QString &reason)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE interviews SET state = ?, failure_reason = ?, updated_at = ?"
                             " WHERE id = ? AND completed_at IS NULL AND state <> ?"));
    q.addBindValue(QString::fromLatin1(InterviewState::Failed));
    q.addBindValue(reason);
    q.addBindValue(stamp(m_clock.now()));
    q.addBindValue(id);
    q.addBindValue(QString::fromLatin1(InterviewState::Failed));
    return q.exec() && q.numRowsAffected() == 1;
}

} // namespace intrvio

#include "ActivityModels.h"

#include "AdminInterfaces.h"
#include "models/Clock.h"
#include "models/Redaction.h"
#include "models/interview/AuditLog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

constexpr int PreviewBytes = 2048;

QString preview(const QByteArray &body)
{
    QString text = QString::fromUtf8(body.left(PreviewBytes));
    if (body.size() > PreviewBytes)
        text += QStringLiteral("\n… (%1 bytes in all)").arg(body.size());
    return Redaction::text(text);
}

QString timeText(const QVariant &v)
{
    const QString s = v.toString();
    const QDateTime t = QDateTime::fromString(s, Qt::ISODate);
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : s;
}

} // namespace

QString redactedStoredHeaders(const QString &stored)
{
    Redaction::HeaderList list;
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8());
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        for (auto it = o.begin(); it != o.end(); ++it)
            list.append({ it.key().toUtf8(), it.value().toVariant().toString().toUtf8() });
    } else if (doc.isArray()) {
        for (const QJsonValue &v : doc.array()) {
            const QJsonArray pair = v.toArray();
            if (pair.size() == 2)
                list.append({ pair.at(0).toString().toUtf8(), pair.at(1).toString().toUtf8() });
            else if (v.isObject())
                list.append({ v[QStringLiteral("name")].toString().toUtf8(),
                    v[QStringLiteral("value")].toString().toUtf8() });
        }
    } else {
        const QStringList lines = stored.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            const qsizetype colon = line.indexOf(QLatin1Char(':'));
            if (colon <= 0) {
                list.append({ QByteArray("?"), line.trimmed().toUtf8() });
                continue;
            }
            list.append({ line.left(colon).trimmed().toUtf8(), line.mid(colon + 1).trimmed().toUtf8() });
        }
    }
    QStringList out;
    for (const auto &h : Redaction::headers(list)) {
        const QString value = Redaction::isSensitiveHeader(h.first)
            ? QString::fromUtf8(h.second)
            : Redaction::text(QString::fromUtf8(h.second));
        out << QString::fromUtf8(h.first) + QStringLiteral(": ") + value;
    }
    return out.join(QLatin1Char('\n'));
}

QString auditDetailsText(const QString &stored)
{
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8());
    if (!doc.isObject())
        return stored;
    const QJsonObject o = doc.object();
    QStringList parts;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QJsonValue v = it.value();
        QString text;
        if (v.isObject())
            text = QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        else if (v.isArray())
            text = QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
        else if (v.isBool())
            text = v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
        else
            text = v.toVariant().toString();
        parts << it.key() + QStringLiteral(": ") + text;
    }
    return parts.join(QStringLiteral(", "));
}

// ---- InterviewsModel --------------------------------------------------------------------------

InterviewsModel::InterviewsModel(QSqlDatabase db, QObject *parent)
    : PagedSqlModel(std::move(db), parent)
{ }

void InterviewsModel::setStateFilter(const QString &state)
{
    m_state = state;
    reload();
}

QString InterviewsModel::selectSql() const
{
    return QStringLiteral(
        "SELECT i.id, coalesce(nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), "
        "''), i.candidate_id),"
        " coalesce(j.title, i.job_id, ''), coalesce(t.name, i.template_id), i.state, i.score, i.created_at,"
        " i.expires_at, pr.status"
        " FROM interviews i LEFT JOIN candidates c ON c.id = i.candidate_id LEFT JOIN jobs j ON j.id = "
        "i.job_id"
        " LEFT JOIN templates t ON t.id = i.template_id LEFT JOIN partner_results pr ON pr.id = "
        "i.partner_result_id");
}

QStringList InterviewsModel::whereTerms(QVariantList *binds) const
{
    if (m_state.isEmpty())
        return {};
    *binds << m_state;
    return { QStringLiteral("i.state = ?") };
}

QStringList InterviewsModel::headers() const
{
    return { tr("Candidate"), tr("Job"), tr("Template"), tr("State"), tr("Score"), tr("Created"),
        tr("Expires") };
}

QVariant InterviewsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (role == AdminRole::Id)
        return keyAt(row);
    if (index.column() == State || index.column() == Score) {
        if (role == AdminRole::ResultState)
            return field(row, 4);
        if (role == AdminRole::ResultScore)
            return field(row, 5);
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Candidate:
            return field(row, 1);
        case Job:
            return field(row, 2);
        case Template:
            return field(row, 3);
        case State:
            return field(row, 4);
        case Score:
            return field(row, 5).isNull() ? QVariant(QString()) : field(row, 5);
        case Created:
            return timeText(field(row, 6));
        case Expires:
            return timeText(field(row, 7));
        }
    }
    if (role == Qt::ToolTipRole && index.column() == State && !field(row, 8).isNull())
        return tr("Partner result in Teamtailor: %1").arg(field(row, 8).toString());
    return {};
}

// ---- InboxModel -------------------------------------------------------------------------------

InboxModel::InboxModel(QSqlDatabase db, QObject *parent)
    : PagedSqlModel(std::move(db), parent)
{ }

void InboxModel::setVerificationFilter(const QString &outcome)
{
    m_verification = outcome;
    reload();
}

void InboxModel::setOnlyFailed(bool failed)
{
    m_onlyFailed = failed;
    reload();
}

QString InboxModel::selectSql() const
{
    return QStringLiteral(
        "SELECT id, received_at, route, coalesce(event_key, ''), verification, status, attempts,"
        " coalesce(processed_at, ''), coalesce(process_error, '') FROM inbox_state");
}

QStringList InboxModel::whereTerms(QVariantList *binds) const
{
    QStringList terms;
    if (!m_verification.isEmpty()) {
        terms << QStringLiteral("verification = ?");
        *binds << m_verification;
    }
    if (m_onlyFailed)
        terms << QStringLiteral("(coalesce(process_error, '') <> '' OR status >= 400)");
    return terms;
}

QStringList InboxModel::headers() const
{
    return { tr("Received"), tr("Route"), tr("Event"), tr("Verification"), tr("HTTP"), tr("Attempts"),
        tr("Processed"), tr("Error") };
}

QVariant InboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (role == AdminRole::Id)
        return keyAt(row);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Received:
        return timeText(field(row, 1));
    case Route:
        return field(row, 2);
    case Event:
        return field(row, 3);
    case Verification:
        return field(row, 4);
    case Status:
        return field(row, 5);
    case Attempts:
        return field(row, 6);
    case Processed:
        return timeText(field(row, 7));
    case Error:
        return Redaction::text(field(row, 8).toString());
    }
    return {};
}

InboxModel::Detail InboxModel::detail(qint64 id) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral(
        "SELECT headers, body, verification, coalesce(process_error, '') FROM inbox_state WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return {};
    return { redactedStoredHeaders(q.value(0).toString()), preview(q.value(1).toByteArray()),
        q.value(2).toString(), Redaction::text(q.value(3).toString()) };
}

QStringList InboxModel::verificationOutcomes() const
{
    QStringList out;
    QSqlQuery q(database());
    if (q.exec(QStringLiteral("SELECT DISTINCT verification FROM inbox ORDER BY 1"))) {
        while (q.next())
            out << q.value(0).toString();
    }
    return out;
}

// ---- OutboxModel ------------------------------------------------------------------------------

OutboxModel::OutboxModel(QSqlDatabase db, QObject *parent)
    : PagedSqlModel(std::move(db), parent)
{ }

void OutboxModel::setStateFilter(const QString &state)
{
    m_state = state;
    reload();
}

QString OutboxModel::selectSql() const
{
    return QStringLiteral(
        "SELECT id, created_at, kind, method, url, state, attempts, next_attempt_at, last_status,"
        " coalesce(last_error, '') FROM outbox");
}

QStringList OutboxModel::whereTerms(QVariantList *binds) const
{
    if (m_state.isEmpty())
        return {};
    *binds << m_state;
    return { QStringLiteral("state = ?") };
}

QStringList OutboxModel::headers() const
{
    return { tr("Created"), tr("Kind"), tr("Request"), tr("State"), tr("Attempts"), tr("Next attempt"),
        tr("HTTP"), tr("Last error") };
}

QVariant OutboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (role == AdminRole::Id)
        return keyAt(row);
    if (role == AdminRole::ResultState && index.column() == State)
        return field(row, 5);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Created:
        return timeText(field(row, 1));
    case Kind:
        return field(row, 2);
    case Request:
        return QString(
            field(row, 3).toString() + QLatin1Char(' ') + Redaction::url(QUrl(field(row, 4).toString())));
    case State:
        return field(row, 5);
    case Attempts:
        return field(row, 6);
    case NextAttempt:
        return timeText(field(row, 7));
    case LastStatus:
        return field(row, 8).isNull() ? QVariant(QString()) : field(row, 8);
    case LastError:
        return Redaction::text(field(row, 9).toString());
    }
    return {};
}

QStringList OutboxModel::states() const
{
    QStringList out;
    QSqlQuery q(database());
    if (q.exec(QStringLiteral("SELECT DISTINCT state FROM outbox ORDER BY 1"))) {
        while (q.next())
            out << q.value(0).toString();
    }
    return out;
}

QString OutboxModel::bodyPreview(qint64 id) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT body FROM outbox WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return {};
    return preview(q.value(0).toByteArray());
}

bool OutboxModel::retry(qint64 id, const Clock &clock, const QString &actor, QString *error)
{
    QSqlDatabase db = database();
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE outbox SET state = ?, next_attempt_at = ? WHERE id = ? AND state = ?"));
    q.addBindValue(QString::fromLatin1(PendingState));
    q.addBindValue(clock.now().toUTC().toString(Qt::ISODate));
    q.addBindValue(id);
    q.addBindValue(QString::fromLatin1(DeadState));
    if (!q.exec()) {
        *error = q.lastError().text();
        db.rollback();
        return false;
    }
    if (q.numRowsAffected() != 1) {
        db.rollback();
        *error
            = tr("Outbox entry %1 is not a dead letter (it may have been retried already); nothing changed.")
                  .arg(id);
        return false;
    }
    // The same row as `intrvio outbox retry` writes.
    AuditLog audit(db, clock);
    if (!audit.append(actor, QString::fromLatin1(AuditLog::ActionOutboxRetried), QStringLiteral("outbox:%1").arg(id),
            QJsonObject { { QStringLiteral("rows"), 1 } })) {
        *error = audit.errorString();
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

// ---- AuditLogModel ----------------------------------------------------------------------------

AuditLogModel::AuditLogModel(QSqlDatabase db, QObject *parent)
    : PagedSqlModel(std::move(db), parent)
{ }

void AuditLogModel::setTextFilter(const QString &text)
{
    m_text = text.trimmed();
    reload();
}

QString AuditLogModel::selectSql() const
{
    return QStringLiteral(
        "SELECT id, at, actor, action, coalesce(subject, ''), coalesce(details, '') FROM audit_log");
}

QStringList AuditLogModel::whereTerms(QVariantList *binds) const
{
    if (m_text.isEmpty())
        return {};
    const QString p = QStringLiteral("%") + m_text + QStringLiteral("%");
    *binds << p << p << p;
    return { QStringLiteral("(action LIKE ? OR subject LIKE ? OR actor LIKE ?)") };
}

QStringList AuditLogModel::headers() const
{
    return { tr("Time"), tr("Actor"), tr("Action"), tr("Subject"), tr("Details") };
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (role == AdminRole::Id)
        return keyAt(row);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case At:
        return timeText(field(row, 1));
    case Actor:
        return field(row, 2);
    case Action:
        return field(row, 3);
    case Subject:
        return field(row, 4);
    case Details:
        return Redaction::text(auditDetailsText(field(row, 5).toString()));
    }
    return {};
}

} // namespace intrvio

#include "net/outbox/Outbox.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/StatementCache.h"
#include "models/Store.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace intrvio {

namespace {

const QString Columns = QStringLiteral(
    "SELECT id, idempotency_key, kind, method, url, body, state, attempts, next_attempt_at, last_error,"
    " last_status, interview_id, candidate_id, created_at, sent_at FROM outbox");

QDateTime parse(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

OutboxItem fromRow(const QSqlQuery &q)
{
    OutboxItem i;
    i.id = q.value(0).toLongLong();
    i.idempotencyKey = q.value(1).toString();
    i.kind = q.value(2).toString();
    i.method = q.value(3).toString();
    i.url = q.value(4).toString();
    i.body = q.value(5).toByteArray();
    i.state = q.value(6).toString();
    i.attempts = q.value(7).toInt();
    i.nextAttemptAt = parse(q.value(8));
    i.lastError = q.value(9).toString();
    i.lastStatus = q.value(10).toInt();
    i.interviewId = q.value(11).toLongLong();
    i.candidateId = q.value(12).toString();
    i.createdAt = parse(q.value(13));
    i.sentAt = parse(q.value(14));
    return i;
}

} // namespace

Outbox::Outbox(Store &store, const Clock &clock)
    : m_store(store)
    , m_clock(clock)
{
}

QString Outbox::stamp(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

bool Outbox::add(OutboxItem item, QString *error, bool *added)
{
    const QDateTime now = m_clock.now();
    // Prepared once per store: rows are queued for most events the inbox processes.
    QSqlQuery &q = cachedQuery(m_store, QStringLiteral(
        "INSERT INTO outbox(idempotency_key, kind, method, url, body, state, attempts, next_attempt_at,"
        " interview_id, candidate_id, created_at) VALUES(?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)"
        " ON CONFLICT(idempotency_key) DO NOTHING"));
    const QString nowStamp = stamp(now);
    q.bindValue(0, item.idempotencyKey);
    q.bindValue(1, item.kind);
    q.bindValue(2, item.method);
    q.bindValue(3, item.url.isEmpty() ? QStringLiteral("") : item.url); // NOT NULL; empty: resolved when sent
    q.bindValue(4, item.body);
    q.bindValue(5, item.nextAttemptAt.isValid() ? stamp(item.nextAttemptAt) : nowStamp);
    q.bindValue(6, item.interviewId ? QVariant(item.interviewId) : QVariant(QMetaType::fromType<qint64>()));
    q.bindValue(7, item.candidateId);
    q.bindValue(8, nowStamp);
    if (!q.exec()) {
        *error = QStringLiteral("cannot queue %1 (%2): %3")
                     .arg(item.kind, item.idempotencyKey, q.lastError().text());
        return false;
    }
    if (added)
        *added = q.numRowsAffected() == 1;
    return true;
}

std::optional<OutboxItem> Outbox::find(qint64 id) const
{
    QSqlQuery q(m_store.database());
    q.prepare(Columns + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return fromRow(q);
    return std::nullopt;
}

QList<OutboxItem> Outbox::list(const QString &state, int limit) const
{
    QSqlQuery q(m_store.database());
    q.prepare(Columns + (state.isEmpty() ? QString() : QStringLiteral(" WHERE state = ?"))
        + QStringLiteral(" ORDER BY id LIMIT ?"));
    if (!state.isEmpty())
        q.addBindValue(state);
    q.addBindValue(limit);
    QList<OutboxItem> out;
    if (q.exec()) {
        while (q.next())
            out.append(fromRow(q));
    }
    return out;
}

std::optional<OutboxItem> Outbox::nextDue() const
{
    QSqlQuery q(m_store.database());
    q.prepare(Columns
        + QStringLiteral(" AS o WHERE state = 'pending' AND next_attempt_at <= ? AND (interview_id IS NULL OR"
                         " NOT EXISTS (SELECT 1 FROM outbox p WHERE p.interview_id = o.interview_id"
                         " AND p.id < o.id AND p.state != 'sent')) ORDER BY next_attempt_at, id LIMIT 1"));
    q.addBindValue(stamp(m_clock.now()));
    if (q.exec() && q.next())
        return fromRow(q);
    return std::nullopt;
}

QDateTime Outbox::nextDueAt() const
{
    QSqlQuery q(m_store.database());
    if (q.exec(QStringLiteral("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")) && q.next())
        return parse(q.value(0));
    return {};
}

bool Outbox::markInFlight(qint64 id)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE outbox SET last_status = ?, last_error = 'sent, no answer yet' WHERE id = ?"));
    q.addBindValue(InFlightStatus);
    q.addBindValue(id);
    return q.exec();
}

bool Outbox::markSent(qint64 id, int status)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_status = ?,"
                             " last_error = NULL, sent_at = ? WHERE id = ?"));
    q.addBindValue(status);
    q.addBindValue(stamp(m_clock.now()));
    q.addBindValue(id);
    return q.exec();
}

bool Outbox::markFailed(qint64 id, int status, const QString &error, const QDateTime &nextAttemptAt, bool dead)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE outbox SET state = ?, attempts = attempts + 1, last_status = ?,"
                             " last_error = ?, next_attempt_at = ? WHERE id = ?"));
    q.addBindValue(QString::fromLatin1(dead ? OutboxState::Dead : OutboxState::Pending));
    q.addBindValue(status);
    q.addBindValue(error);
    q.addBindValue(stamp(nextAttemptAt));
    q.addBindValue(id);
    return q.exec();
}

bool Outbox::cancelHeld(qint64 id)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("DELETE FROM outbox WHERE id = ? AND state = 'pending' AND attempts = 0"
                             " AND next_attempt_at > ?"));
    q.addBindValue(id);
    q.addBindValue(stamp(m_clock.now()));
    return q.exec() && q.numRowsAffected() == 1;
}

int Outbox::retry(qint64 id)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?"
                             " WHERE id = ? AND state != 'sent'"));
    q.addBindValue(stamp(m_clock.now()));
    q.addBindValue(id);
    return q.exec() ? q.numRowsAffected() : 0;
}

int Outbox::retryAllDead()
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE state = 'dead'"));
    q.addBindValue(stamp(m_clock.now()));
    return q.exec() ? q.numRowsAffected() : 0;
}

bool Outbox::clearBody(qint64 id)
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("UPDATE outbox SET body = NULL WHERE id = ?"));
    q.addBindValue(id);
    return q.exec();
}

qint64 Outbox::count(const QString &state) const
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state = ?"));
    q.addBindValue(state);
    if (q.exec() && q.next())
        return q.value(0).toLongLong();
    return 0;
}

} // namespace intrvio

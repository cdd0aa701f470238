#include "AuditLog.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

QList<AuditEntry> readEntries(QSqlQuery &q)
{
    QList<AuditEntry> entries;
    while (q.next()) {
        AuditEntry e;
        e.id = q.value(0).toLongLong();
        e.at = QDateTime::fromString(q.value(1).toString(), Qt::ISODateWithMs);
        e.actor = q.value(2).toString();
        e.action = q.value(3).toString();
        e.subject = q.value(4).toString();
        e.details = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
        entries << e;
    }
    return entries;
}

} // namespace

AuditLog::AuditLog(Store &store, const Clock &clock)
    : m_store(&store)
    , m_clock(clock)
{ }

AuditLog::AuditLog(QSqlDatabase db, const Clock &clock)
    : m_db(std::move(db))
    , m_clock(clock)
{ }

QSqlDatabase AuditLog::database() const
{
    // The store's connection is looked up on each use, as Store itself does.
    return m_store ? m_store->database() : m_db;
}

bool AuditLog::append(
    const QString &actor, const QString &action, const QString &subject, const QJsonObject &details)
{
    QSqlQuery q(database());
    q.prepare(
        QStringLiteral("INSERT INTO audit_log(at, actor, action, subject, details) VALUES(?, ?, ?, ?, ?)"));
    q.addBindValue(m_clock.now().toUTC().toString(Qt::ISODateWithMs));
    q.addBindValue(actor);
    q.addBindValue(action);
    q.addBindValue(subject);
    q.addBindValue(details.isEmpty()
            ? QString()
            : QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
    if (!q.exec()) {
        m_error = QStringLiteral("Cannot write the audit log (%1 %2): %3").arg(action, subject, q.lastError().text());
        qCWarning(lcStore).noquote() << m_error;
        return false;
    }
    m_error.clear();
    return true;
}

QList<AuditEntry> AuditLog::recent(int limit) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral(
        "SELECT id, at, actor, action, subject, details FROM audit_log ORDER BY id DESC LIMIT ?"));
    q.addBindValue(limit);
    q.exec();
    return readEntries(q);
}

QList<AuditEntry> AuditLog::forSubject(const QString &subject) const
{
    QSqlQuery q(database());
    q.prepare(
        QStringLiteral("SELECT id, at, actor, action, subject, details FROM audit_log WHERE subject = ? "
                       "ORDER BY id DESC"));
    q.addBindValue(subject);
    q.exec();
    return readEntries(q);
}

} // namespace intrvio

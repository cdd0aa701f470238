#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace intrvio {

class Clock;
class Store;

struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    QString actor; // who: "admin", "cli", "teamtailor:user:42" (triggered-by), "pipeline", ...
    QString action; // what: one of AuditLog::Action*
    QString subject; // on what: "mapping:12", "template:phone-screen", "secret:partner-api-key", ...
    QJsonObject details;
};

// Append-only audit trail in the store's audit_log table, and its only writer: every row (invites,
// results, stage moves, mapping and template changes, secret changes, admin actions) goes through
// append(), so all rows have the same columns: at (UTC, ISO 8601 with ms), actor, action, subject and
// details (a compact JSON object, NULL when empty). Rows are written on the store's connection, so an
// append inside a caller's transaction commits or rolls back with it. Never put secret values in
// details: secret changes record the name only.
class AuditLog
{
public:
    // Actions used so far; the pipeline adds its own (invite, result, stage move).
    static constexpr auto ActionTemplateSaved = "template.saved";
    static constexpr auto ActionTemplateRemoved = "template.removed";
    static constexpr auto ActionTemplatesSeeded = "template.seeded";
    static constexpr auto ActionMappingSaved = "mapping.saved";
    static constexpr auto ActionMappingRemoved = "mapping.removed";
    static constexpr auto ActionMappingsImported = "mapping.imported";
    static constexpr auto ActionMappingStale = "mapping.stale";
    static constexpr auto ActionSecretSet = "secret.set";
    static constexpr auto ActionSecretCleared = "secret.cleared";
    // Admin actions from the GUI and the CLI.
    static constexpr auto ActionSettingsSaved = "settings.save";
    static constexpr auto ActionCandidateExported = "candidate.export";
    static constexpr auto ActionCandidateErased = "candidate.erase";
    static constexpr auto ActionOutboxRetried = "outbox.retry";

    AuditLog(Store &store, const Clock &clock);
    // The same writer on a connection, for code that holds the database rather than the Store (the
    // admin models). The connection must outlive the AuditLog.
    AuditLog(QSqlDatabase db, const Clock &clock);

    // Returns false (and logs) when the row could not be written.
    bool append(
        const QString &actor, const QString &action, const QString &subject, const QJsonObject &details = {});
    // Newest first.
    QList<AuditEntry> recent(int limit = 100) const;
    QList<AuditEntry> forSubject(const QString &subject) const;
    // Why the last append() failed; empty after a successful one.
    QString errorString() const { return m_error; }

private:
    QSqlDatabase database() const;

    Store *m_store = nullptr;
    QSqlDatabase m_db;
    const Clock &m_clock;
    QString m_error;
};

} // namespace intrvio

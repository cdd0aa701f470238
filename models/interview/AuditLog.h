#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
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

// Append-only audit trail in the store's audit_log table. Rows are written on the store's connection,
// so an append inside a caller's transaction commits or rolls back with it. Never put secret values in
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

    AuditLog(Store &store, const Clock &clock);

    // Returns false (and logs) when the row could not be written.
    bool append(
        const QString &actor, const QString &action, const QString &subject, const QJsonObject &details = {});
    // Newest first.
    QList<AuditEntry> recent(int limit = 100) const;
    QList<AuditEntry> forSubject(const QString &subject) const;

private:
    Store &m_store;
    const Clock &m_clock;
};

} // namespace intrvio

#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace intrvio {

class Clock;
class Store;

// What the status bar shows that comes from the store.
struct StatusSnapshot
{
    QString region; // settings "region"; empty when not set
    QDateTime lastSync; // newest sync_state.last_synced_at; invalid when never synced
    int outboxPending = 0; // outbox rows waiting to be sent
    int outboxDead = 0; // dead letters
    static StatusSnapshot load(QSqlDatabase db);
};

// Non-secret settings edited on the Settings page; stored in the `settings` table.
struct AdminSettings
{
    QString region = QStringLiteral("eu"); // eu, na, au
    QString publicUrl; // https URL Teamtailor reaches us at
    QString listenAddress = QStringLiteral("127.0.0.1:8787");
    int retentionDays = 90;
    bool residencyLock = false; // EU: refuse non-EU hosts
    QString teamtailorUrl; // optional API base override (sandbox)

    static constexpr auto RegionKey = "region";
    static constexpr auto PublicUrlKey = "public_url";
    static constexpr auto ListenKey = "listen_address";
    static constexpr auto RetentionKey = "retention_days";
    static constexpr auto ResidencyKey = "data_residency_lock";
    static constexpr auto TeamtailorUrlKey = "teamtailor_url";

    // One message per problem, each saying how to fix it. Empty when valid. Pure.
    QStringList validate() const;
    static AdminSettings load(const Store &store);
    // Validates, then writes every key in one transaction; nothing is written on error.
    bool save(Store &store, const Clock &clock, const QString &actor, QString *error) const;
};

// GDPR: everything stored about one candidate, and erasure.
namespace CandidatePrivacy {
// Candidate, applications, partner results, interviews (with transcripts), their outbox rows and
// audit entries, as one JSON object. Empty object when the candidate is unknown.
QJsonObject exportData(QSqlDatabase db, const QString &candidateId, QString *error);
// The one erasure of a candidate's local data, used by the GDPR button (erase()) and by Teamtailor's
// candidate.destroy (the interview pipeline): in one transaction, the mirror rows (candidate,
// applications, partner results), the interviews with their answers, every outbox row of the
// candidate (pending ones included: nothing is sent about them afterwards) and the pipeline's
// per-application settings. Audit rows stay (they hold ids, never names or answers) and one more
// records the erasure with row counts.
enum class EraseOutcome { Erased, Unknown, Failed };
EraseOutcome eraseCandidate(
    QSqlDatabase db, const QString &candidateId, const Clock &clock, const QString &actor, QString *error);
// eraseCandidate() for the GUI: an unknown candidate is an error ("nothing was erased").
bool erase(
    QSqlDatabase db, const QString &candidateId, const Clock &clock, const QString &actor, QString *error);
} // namespace CandidatePrivacy

// Chart data from the interviews table.
namespace InterviewStats {
struct Histogram
{
    QString group; // job title or template name
    QList<int> buckets; // 10 buckets: 0-9, 10-19, ..., 90-100
};
enum class GroupBy { Job, Template };
QList<Histogram> scoreDistribution(QSqlDatabase db, GroupBy by);

struct Funnel
{
    int invited = 0, started = 0, completed = 0, passed = 0;
};
// Passed: completed with a score at or above the interview's threshold (70 when none is set).
Funnel funnel(QSqlDatabase db, const QString &jobId = {});
} // namespace InterviewStats

// A believable company for demo screenshots and tests: 3 jobs with stages, ~30 candidates,
// templates, mappings, interviews (some completed with scores), partner results, webhook
// deliveries, outbox rows (one dead letter) and audit entries.
namespace DemoData {
bool seedCompany(QSqlDatabase db, const Clock &clock, QString *error);
// `count` synthetic candidates (bulk, one transaction), spread over the demo jobs if present.
bool seedCandidates(QSqlDatabase db, int count, QString *error);
} // namespace DemoData

} // namespace intrvio

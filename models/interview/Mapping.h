#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace intrvio {

// What happens after an interview is scored: score >= passThreshold moves the application to
// onPass; below moves it to onFail, or rejects the candidate when onFail is "reject".
// Empty onPass/onFail: no move. Without a threshold no rule applies.
struct MappingRules
{
    static constexpr auto Reject = "reject";

    std::optional<int> passThreshold; // 0-100
    QString onPass; // stage name or id
    QString onFail; // stage name or id, or "reject"

    bool isEmpty() const { return !passThreshold && onPass.isEmpty() && onFail.isEmpty(); }
    bool rejectsOnFail() const { return onFail.compare(QLatin1String(Reject), Qt::CaseInsensitive) == 0; }
    friend bool operator==(const MappingRules &, const MappingRules &) = default;
};

// A stage → template mapping. Without jobId it is the default for every job whose stage has that
// name (case-insensitive); with jobId it overrides the default for that job, and `stage` may then
// be a stage id or a stage name (ARCHITECTURE.md §4, mapping file).
struct StageMapping
{
    qint64 id = 0; // row id in the store; 0 when not stored
    QString jobId; // empty: default mapping
    QString stage;
    QString templateId;
    MappingRules rules;
    bool stale = false; // the stage (or a rule's target stage) no longer exists in Teamtailor
    QString staleReason; // why, for the admin

    bool isDefault() const { return jobId.isEmpty(); }
    // Same (job, stage) key: a second mapping with it would be ambiguous.
    bool sameKey(const StageMapping &o) const
    {
        return jobId == o.jobId && stage.compare(o.stage, Qt::CaseInsensitive) == 0;
    }
    friend bool operator==(const StageMapping &, const StageMapping &) = default;
};

// The outcome of looking up a stage.
struct MappingDecision
{
    enum class Source {
        None, // no mapping applies: the stage does not start an interview
        Default, // the default mapping for the stage name
        OverrideById, // the job's override naming this stage id
        OverrideByName, // the job's override naming this stage name
    };
    Source source = Source::None;
    QString templateId;
    MappingRules rules;
    qint64 mappingId = 0;
    bool stale = false; // the deciding mapping is flagged stale (shown to the admin; still applied)

    bool found() const { return source != Source::None; }
    bool fromOverride() const { return source == Source::OverrideById || source == Source::OverrideByName; }
};

QString sourceName(MappingDecision::Source s);

// Which template (and rules) a stage of a job uses. Pure. Precedence: the job's override by stage
// id, then the job's override by stage name, then the default by stage name; names compare
// case-insensitively and ignore surrounding whitespace.
MappingDecision resolveMapping(const QList<StageMapping> &mappings, const QString &jobId,
    const QString &stageId, const QString &stageName);

// A Teamtailor stage as mirrored by the sync (migration 2's `stages` table).
struct StageInfo
{
    QString id;
    QString jobId;
    QString name;
};

// Recomputes stale flags. A mapping is stale when, given the synced stages, its stage cannot be found
// (default: no job has a stage of that name; override: its job is gone or has no stage with that id
// or name) or a rule's target stage cannot be found. With no stages synced yet nothing is judged
// stale. Returns all mappings with `stale` and `staleReason` set. Pure.
QList<StageMapping> markStaleMappings(QList<StageMapping> mappings, const QList<StageInfo> &stages);

} // namespace intrvio

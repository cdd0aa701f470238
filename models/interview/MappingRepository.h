#pragma once

#include "models/interview/Mapping.h"
#include "models/interview/MappingFile.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace intrvio {

class AuditLog;
class Clock;
class Store;
class TemplateRepository;

// How a mapping is described in the audit log (stage, template, job, rules).
QJsonObject describeMapping(const StageMapping &m);

// Stage mappings in the store (table `mappings`; job_id '' is a default mapping). Every change is
// audited when an AuditLog is given.
class MappingRepository
{
public:
    struct ImportSummary
    {
        int templatesCreated = 0;
        int templatesUpdated = 0;
        int templatesUnchanged = 0;
        int mappingsBefore = 0; // replaced by the file's mappings
        int mappingsAfter = 0;
        QList<StageMapping> stale; // after the import, judged against the synced stages
        QString toString() const; // one line for the CLI
    };

    MappingRepository(Store &store, const Clock &clock, AuditLog *audit = nullptr);

    QList<StageMapping> list() const; // defaults first, then by job and stage
    std::optional<StageMapping> find(qint64 id) const;

    // Inserts or updates the mapping with the same (job, stage). The template must exist.
    bool save(StageMapping m, const QString &actor, QString *error, qint64 *id = nullptr);
    bool remove(qint64 id, const QString &actor, QString *error);

    // resolveMapping() over the stored mappings. Without a stage id, the id of the job's synced stage
    // with that name is used, so an override keyed by stage id also applies to a name-only event.
    MappingDecision resolve(const QString &jobId, const QString &stageId, const QString &stageName) const;

    // The synced Teamtailor stages (migration 2's `stages` table).
    QList<StageInfo> syncedStages() const;

    // Recomputes every mapping's stale flag against the synced stages, stores changed flags (newly
    // stale mappings are audited) and returns the stale mappings. Nothing is ever deleted here.
    QList<StageMapping> refreshStale(const QString &actor = QStringLiteral("intrvio"));

    // Replaces all mappings with the file's and inserts or updates its templates, in one transaction:
    // on any error nothing changes. `contents` must come from a successful MappingFile::parse().
    bool importFile(const MappingFile::Contents &contents, TemplateRepository &templates,
        const QString &actor, ImportSummary *summary, QString *error);

    // Writes one mappings row as given (insert, or update of the row with the same job and stage) on
    // the store's connection, with no transaction, validation or audit of its own: for callers that
    // apply several rows in their own transaction (save(), importFile(), the mapping editor).
    bool insertRow(const StageMapping &m, QString *error, qint64 *id);

private:

    Store &m_store;
    const Clock &m_clock;
    AuditLog *m_audit;
};

} // namespace intrvio

#include "Mapping.h"

#include <QHash>
#include <QSet>

namespace intrvio {

namespace {

bool sameName(const QString &a, const QString &b)
{
    return a.trimmed().compare(b.trimmed(), Qt::CaseInsensitive) == 0;
}

} // namespace

QString sourceName(MappingDecision::Source s)
{
    switch (s) {
    case MappingDecision::Source::None:
        return QStringLiteral("none");
    case MappingDecision::Source::Default:
        return QStringLiteral("default");
    case MappingDecision::Source::OverrideById:
        return QStringLiteral("override-by-id");
    case MappingDecision::Source::OverrideByName:
        return QStringLiteral("override-by-name");
    }
    return {};
}

MappingDecision resolveMapping(const QList<StageMapping> &mappings, const QString &jobId,
    const QString &stageId, const QString &stageName)
{
    const StageMapping *byId = nullptr;
    const StageMapping *byName = nullptr;
    const StageMapping *byDefault = nullptr;
    for (const StageMapping &m : mappings) {
        if (!m.isDefault()) {
            if (jobId.isEmpty() || m.jobId != jobId)
                continue;
            if (!byId && !stageId.isEmpty() && m.stage.trimmed() == stageId)
                byId = &m;
            else if (!byName && !stageName.trimmed().isEmpty() && sameName(m.stage, stageName))
                byName = &m;
        } else if (!byDefault && !stageName.trimmed().isEmpty() && sameName(m.stage, stageName)) {
            byDefault = &m;
        }
    }
    MappingDecision d;
    const StageMapping *chosen = nullptr;
    if (byId) {
        chosen = byId;
        d.source = MappingDecision::Source::OverrideById;
    } else if (byName) {
        chosen = byName;
        d.source = MappingDecision::Source::OverrideByName;
    } else if (byDefault) {
        chosen = byDefault;
        d.source = MappingDecision::Source::Default;
    }
    if (chosen) {
        d.templateId = chosen->templateId;
        d.rules = chosen->rules;
        d.mappingId = chosen->id;
        d.stale = chosen->stale;
    }
    return d;
}

QList<StageMapping> markStaleMappings(QList<StageMapping> mappings, const QList<StageInfo> &stages)
{
    QHash<QString, QList<StageInfo>> byJob;
    QSet<QString> allNames;
    for (const StageInfo &s : stages) {
        byJob[s.jobId].append(s);
        allNames.insert(s.name.trimmed().toCaseFolded());
    }
    auto jobHas = [&](const QString &jobId, const QString &stage) {
        for (const StageInfo &s : byJob.value(jobId)) {
            if (s.id == stage.trimmed() || sameName(s.name, stage))
                return true;
        }
        return false;
    };
    // Jobs having a stage with this name (the jobs a default mapping applies to).
    auto jobsWithName = [&](const QString &name) {
        QStringList jobs;
        for (auto it = byJob.cbegin(); it != byJob.cend(); ++it) {
            for (const StageInfo &s : it.value()) {
                if (sameName(s.name, name)) {
                    jobs << it.key();
                    break;
                }
            }
        }
        return jobs;
    };

    for (StageMapping &m : mappings) {
        m.stale = false;
        m.staleReason.clear();
        if (stages.isEmpty())
            continue;
        QStringList reasons;
        if (m.isDefault()) {
            const QStringList jobs = jobsWithName(m.stage);
            if (jobs.isEmpty()) {
                reasons << QStringLiteral("no job has a stage named '%1' (deleted or renamed in Teamtailor?)")
                               .arg(m.stage);
            } else {
                for (const QString *target : { &m.rules.onPass, &m.rules.onFail }) {
                    if (target->isEmpty() || (target == &m.rules.onFail && m.rules.rejectsOnFail()))
                        continue;
                    QStringList missing;
                    for (const QString &job : jobs) {
                        if (!jobHas(job, *target))
                            missing << job;
                    }
                    if (!missing.isEmpty()) {
                        missing.sort();
                        reasons << QStringLiteral("target stage '%1' is missing in job(s) %2")
                                       .arg(*target, missing.join(QLatin1String(", ")));
                    }
                }
            }
        } else if (!byJob.contains(m.jobId)) {
            reasons << QStringLiteral(
                "job %1 has no synced stages (deleted in Teamtailor, or not synced yet)")
                           .arg(m.jobId);
        } else {
            if (!jobHas(m.jobId, m.stage))
                reasons << QStringLiteral("job %1 has no stage '%2' (deleted or renamed in Teamtailor?)")
                               .arg(m.jobId, m.stage);
            if (!m.rules.onPass.isEmpty() && !jobHas(m.jobId, m.rules.onPass))
                reasons
                    << QStringLiteral("target stage '%1' is missing in job %2").arg(m.rules.onPass, m.jobId);
            if (!m.rules.onFail.isEmpty() && !m.rules.rejectsOnFail() && !jobHas(m.jobId, m.rules.onFail))
                reasons
                    << QStringLiteral("target stage '%1' is missing in job %2").arg(m.rules.onFail, m.jobId);
        }
        if (!reasons.isEmpty()) {
            m.stale = true;
            m.staleReason = reasons.join(QLatin1String("; "));
        }
    }
    return mappings;
}

} // namespace intrvio

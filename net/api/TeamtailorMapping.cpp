#include "TeamtailorMapping.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace intrvio::tt {

using JsonApi::Resource;

namespace {

std::optional<int> optInt(const Resource &r, QLatin1StringView name)
{
    const auto v = r.integer(name);
    if (!v)
        return std::nullopt;
    return static_cast<int>(*v);
}

// Relationship id, else an "<x>-id" attribute (notes, partner results carry them as numbers).
QString relOrAttr(const Resource &r, QLatin1StringView rel, QLatin1StringView attr)
{
    const QString id = r.relatedId(rel);
    return id.isEmpty() ? r.string(attr) : id;
}

} // namespace

Job toJob(const Resource &r)
{
    Job j;
    j.id = r.id;
    j.title = r.string(QLatin1String("title"));
    j.status = r.string(QLatin1String("status"));
    j.humanStatus = r.string(QLatin1String("human-status"));
    j.department = r.relatedId(QLatin1String("department"));
    j.createdAt = r.string(QLatin1String("created-at"));
    j.updatedAt = r.string(QLatin1String("updated-at"));
    return j;
}

Stage toStage(const Resource &r, const QString &jobIdFallback)
{
    Stage s;
    s.id = r.id;
    s.jobId = relOrAttr(r, QLatin1String("job"), QLatin1String("job-id"));
    if (s.jobId.isEmpty())
        s.jobId = jobIdFallback;
    s.name = r.string(QLatin1String("name"));
    s.stageType = r.string(QLatin1String("stage-type"));
    s.rowOrder = optInt(r, QLatin1String("row-order")).value_or(0);
    s.activeCount = optInt(r, QLatin1String("active-job-applications-count"));
    s.rejectedCount = optInt(r, QLatin1String("rejected-job-applications-count"));
    return s;
}

Candidate toCandidate(const Resource &r)
{
    Candidate c;
    c.id = r.id;
    c.firstName = r.string(QLatin1String("first-name"));
    c.lastName = r.string(QLatin1String("last-name"));
    c.email = r.string(QLatin1String("email"));
    c.phone = r.string(QLatin1String("phone"));
    c.createdAt = r.string(QLatin1String("created-at"));
    c.updatedAt = r.string(QLatin1String("updated-at"));
    if (const auto *rel = r.relationship(QLatin1String("job-applications"))) {
        for (const auto &l : rel->data)
            c.applicationIds.append(l.id);
    }
    return c;
}

JobApplication toJobApplication(const Resource &r, const QString &candidateIdFallback)
{
    JobApplication a;
    a.id = r.id;
    a.candidateId = relOrAttr(r, QLatin1String("candidate"), QLatin1String("candidate-id"));
    if (a.candidateId.isEmpty())
        a.candidateId = candidateIdFallback;
    a.jobId = relOrAttr(r, QLatin1String("job"), QLatin1String("job-id"));
    a.stageId = relOrAttr(r, QLatin1String("stage"), QLatin1String("stage-id"));
    a.rejectedAt = r.string(QLatin1String("rejected-at"));
    a.changedStageAt = r.string(QLatin1String("changed-stage-at"));
    a.createdAt = r.string(QLatin1String("created-at"));
    a.updatedAt = r.string(QLatin1String("updated-at"));
    return a;
}

PartnerResult toPartnerResult(const Resource &r)
{
    PartnerResult p;
    p.id = r.id;
    p.candidateId = relOrAttr(r, QLatin1String("candidate"), QLatin1String("candidate-id"));
    p.jobId = relOrAttr(r, QLatin1String("job"), QLatin1String("job-id"));
    p.status = r.string(QLatin1String("status"));
    const QJsonObject assessment = r.attribute(QLatin1String("assessment")).toObject();
    const QJsonValue score = assessment.value(QLatin1String("score"));
    if (score.isDouble())
        p.score = score.toInt();
    else if (const auto s = optInt(r, QLatin1String("assessment-score")))
        p.score = s;
    p.grade = assessment.value(QLatin1String("grade")).toString();
    const QJsonValue duration = assessment.value(QLatin1String("duration"));
    if (duration.isDouble())
        p.durationSecs = static_cast<qint64>(duration.toDouble());
    p.summary = r.string(QLatin1String("summary"));
    p.url = r.string(QLatin1String("url"));
    const QJsonValue details = r.attribute(QLatin1String("details"));
    if (details.isObject()) {
        p.details = details.toObject();
    } else if (details.isString()) { // the public API sends details as a JSON string (§7.8)
        p.details = QJsonDocument::fromJson(details.toString().toUtf8()).object();
    }
    p.attachments = r.attribute(QLatin1String("attachments")).toArray();
    p.createdAt = r.string(QLatin1String("created-at"));
    p.updatedAt = r.string(QLatin1String("updated-at"));
    return p;
}

Note toNote(const Resource &r)
{
    Note n;
    n.id = r.id;
    n.candidateId = relOrAttr(r, QLatin1String("candidate"), QLatin1String("candidate-id"));
    n.userId = relOrAttr(r, QLatin1String("user"), QLatin1String("user-id"));
    n.note = r.string(QLatin1String("note"));
    n.createdAt = r.string(QLatin1String("created-at"));
    return n;
}

PartnerActivation toPartnerActivation(const Resource &r)
{
    PartnerActivation a;
    a.id = r.id;
    a.companyName = r.string(QLatin1String("company-name"));
    a.companyUuid = r.string(QLatin1String("company-uuid"));
    a.providerKey = r.string(QLatin1String("provider-key"));
    return a;
}

QJsonObject PartnerResultInput::attributes(bool forCreate) const
{
    QJsonObject a;
    if (status)
        a.insert(QLatin1String("status"), *status);
    QJsonObject assessment;
    if (score)
        assessment.insert(QLatin1String("score"), *score);
    if (grade)
        assessment.insert(QLatin1String("grade"), grade->isEmpty() ? QJsonValue(QJsonValue::Null) : *grade);
    if (durationSecs)
        assessment.insert(QLatin1String("duration"), static_cast<double>(*durationSecs));
    if (!assessment.isEmpty())
        a.insert(QLatin1String("assessment"), assessment);
    if (summary)
        a.insert(QLatin1String("summary"), *summary);
    if (url)
        a.insert(QLatin1String("url"), *url);
    if (details)
        a.insert(QLatin1String("details"), *details);
    if (attachments)
        a.insert(QLatin1String("attachments"), *attachments);
    if (actions)
        a.insert(QLatin1String("actions"), *actions);
    if (forCreate && candidateId) // immutable: never sent on update (§5.1)
        a.insert(QLatin1String("candidate-id"), static_cast<double>(*candidateId));
    if (jobId)
        a.insert(QLatin1String("job-id"), static_cast<double>(*jobId));
    return a;
}

} // namespace intrvio::tt

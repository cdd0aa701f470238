#include "EventNormalizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include "net/json/SimdJson.h"

#include <algorithm>
#include <string>

namespace intrvio::EventNormalizer {

namespace {

QString idString(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toInteger());
    return {};
}

QString snake(QString s)
{
    return s.replace(QLatin1Char('-'), QLatin1Char('_'));
}

std::optional<QJsonObject> parseObject(const QByteArray &body, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("malformed JSON: %1 at offset %2")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("malformed JSON: expected an object");
        return std::nullopt;
    }
    return doc.object();
}

QString relationshipId(const QJsonObject &data, const QString &name)
{
    return idString(data.value(QLatin1String("relationships"))
                        .toObject()
                        .value(name)
                        .toObject()
                        .value(QLatin1String("data"))
                        .toObject()
                        .value(QLatin1String("id")));
}

// The partner-event decoder's reads, on net/json/SimdJson.h. Every lookup tolerates a missing
// parent, so chains need no checks.
using json::element;

// A member by its kebab-case name, or its snake_case spelling.
std::optional<element> member(const std::optional<element> &parent, std::string_view kebabName)
{
    if (!parent)
        return std::nullopt;
    if (auto found = json::member(*parent, kebabName); found || kebabName.find('-') == std::string_view::npos)
        return found;
    std::string snakeName(kebabName);
    std::replace(snakeName.begin(), snakeName.end(), '-', '_');
    return json::member(*parent, snakeName);
}

QString idOf(const std::optional<element> &v)
{
    return v ? json::idOf(*v) : QString();
}

QString stringOf(const std::optional<element> &v)
{
    return v ? json::stringOf(*v) : QString();
}

QJsonObject objectOf(const std::optional<element> &v, std::string &scratch)
{
    return v ? json::toQJsonObject(*v, scratch) : QJsonObject();
}

} // namespace

QJsonValue attribute(const QJsonObject &attributes, const QString &kebabName)
{
    const auto it = attributes.constFind(kebabName);
    if (it != attributes.constEnd())
        return *it;
    return attributes.value(snake(kebabName));
}

PartnerEvent decodePartnerEvent(const QByteArray &body, PartnerDetail detail)
{
    // The whole body is validated (a malformed one is refused before anything is stored) and only
    // what the pipeline reads becomes Qt values: the candidate profile, most of the bytes, is read
    // for its ids and never copied. This runs before every partner delivery is acknowledged.
    PartnerEvent e;
    const bool parsed = json::withParsed(body, &e.error, [&](element root) {
        if (!root.is_object()) {
            e.error = QStringLiteral("malformed JSON: expected an object");
            return true;
        }
        const auto pe = member(root, "partner-event");
        if (!pe || !pe->is_object()) {
            e.error = QStringLiteral("missing partner-event object");
            return true;
        }
        e.eventId = idOf(member(pe, "id"));
        if (e.eventId.isEmpty() || e.eventId.size() > 200) {
            e.error = QStringLiteral("missing or invalid partner-event.id");
            return true;
        }
        const auto company = member(root, "company");
        e.companyUuid = stringOf(member(company, "uuid"));
        e.companyName = stringOf(member(company, "name"));
        if (detail == PartnerDetail::Envelope)
            return true;
        std::string scratch;
        e.webhookData = objectOf(member(pe, "webhook-data"), scratch);
        if (const auto result = member(pe, "partner-result")) {
            e.updateUrl = stringOf(member(result, "update-url"));
            e.partnerEvent.insert(QStringLiteral("partner-result"), objectOf(result, scratch));
        }
        if (const auto by = member(pe, "triggered-by"))
            e.partnerEvent.insert(QStringLiteral("triggered-by"),
                by->is_object() ? QJsonValue(objectOf(by, scratch)) : QJsonValue(idOf(by)));
        const auto candidate = member(pe, "candidate");
        e.candidateId = idOf(member(candidate, "id"));
        const auto job = member(candidate, "job");
        e.jobId = idOf(member(job, "id"));
        e.stageId = idOf(member(job, "stage-id"));
        e.stageName = stringOf(member(job, "stage"));
        return true;
    });
    if (!parsed && e.error.isEmpty())
        e.error = QStringLiteral("malformed JSON");
    return e;
}

CompanyWebhook decodeCompanyWebhook(const QByteArray &body)
{
    CompanyWebhook h;
    const auto root = parseObject(body, &h.error);
    if (!root)
        return h;
    QJsonObject payload = root->value(QLatin1String("payload")).toObject();
    if (payload.isEmpty())
        payload = *root; // tolerate an unwrapped payload
    QString name = attribute(payload, QStringLiteral("event-name")).toString();
    if (name.isEmpty())
        name = payload.value(QLatin1String("eventName")).toString();
    name = snake(name.trimmed().toLower());
    const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
    if (dot <= 0 || dot == name.size() - 1) {
        h.error = QStringLiteral("missing or invalid payload.event_name");
        return h;
    }
    h.eventName = name;
    h.resource = name.first(dot);
    h.action = name.sliced(dot + 1);
    h.data = payload.value(QLatin1String("data")).toObject();
    h.dataId = idString(h.data.value(QLatin1String("id")));
    h.attributes = h.data.value(QLatin1String("attributes")).toObject();
    if (h.dataId.isEmpty())
        h.dataId = idString(h.attributes.value(QLatin1String("id")));
    if (h.dataId.isEmpty()) {
        h.error = QStringLiteral("missing payload.data.id");
        return h;
    }
    return h;
}

QList<DomainEvent> normalizePartner(const PartnerEvent &event, const QString &action)
{
    if (!event.ok())
        return {};
    DomainEvent e;
    e.type
        = QString::fromLatin1(action.isEmpty() ? DomainEvent::PartnerTriggered : DomainEvent::PartnerAction);
    e.action = action;
    e.partnerEventId = event.eventId;
    e.candidateId = event.candidateId;
    e.jobId = event.jobId;
    e.stageId = event.stageId;
    e.stageName = event.stageName;
    e.companyUuid = event.companyUuid;
    e.updateUrl = event.updateUrl;
    e.webhookData = event.webhookData;
    e.data = event.partnerEvent;
    return { e };
}

QList<DomainEvent> normalizeCompany(const CompanyWebhook &hook, const Previous &previous)
{
    if (!hook.ok())
        return {};
    QList<DomainEvent> out;
    auto make = [&](const char *type) {
        DomainEvent e;
        e.type = QString::fromLatin1(type);
        e.data = hook.data;
        return e;
    };
    const QJsonObject &a = hook.attributes;
    if (hook.resource == QLatin1String("job_application")) {
        auto fill = [&](DomainEvent &e) {
            e.applicationId = hook.dataId;
            e.jobId = idString(attribute(a, QStringLiteral("job-id")));
            if (e.jobId.isEmpty())
                e.jobId = relationshipId(hook.data, QStringLiteral("job"));
            e.candidateId = idString(attribute(a, QStringLiteral("candidate-id")));
            if (e.candidateId.isEmpty())
                e.candidateId = relationshipId(hook.data, QStringLiteral("candidate"));
            e.stageId = idString(attribute(a, QStringLiteral("stage-id")));
            if (e.stageId.isEmpty())
                e.stageId = relationshipId(hook.data, QStringLiteral("stage"));
            e.stageName = attribute(a, QStringLiteral("stage-name")).toString();
        };
        if (hook.action == QLatin1String("create")) {
            DomainEvent e = make(DomainEvent::ApplicationCreated);
            fill(e);
            out.append(e);
            return out;
        }
        if (hook.action != QLatin1String("update"))
            return out;
        const QJsonValue rejectedAt = attribute(a, QStringLiteral("rejected-at"));
        const bool rejectedNow = rejectedAt.isString() && !rejectedAt.toString().isEmpty();
        const bool clearedNow
            = rejectedAt.isNull() || (rejectedAt.isString() && rejectedAt.toString().isEmpty());
        bool restoredNow = false;
        if (rejectedNow && previous.rejected.value_or(false) == false) {
            DomainEvent e = make(DomainEvent::CandidateRejected);
            fill(e);
            out.append(e);
        } else if (clearedNow && previous.rejected.value_or(false)) {
            DomainEvent e = make(DomainEvent::CandidateRestored);
            fill(e);
            out.append(e);
            restoredNow = true;
        }
        DomainEvent stage = make(DomainEvent::StageChanged);
        fill(stage);
        const bool hasStage = !stage.stageId.isEmpty() || !stage.stageName.isEmpty();
        // Nothing known to compare with: a move is assumed (a repeat is harmless), except with a
        // rejection or a restore, which is what that update was about.
        bool changed = hasStage && !rejectedNow && !restoredNow;
        if (previous.stageId && !stage.stageId.isEmpty())
            changed = *previous.stageId != stage.stageId;
        else if (previous.stageName && !stage.stageName.isEmpty())
            changed = previous.stageName->trimmed().compare(stage.stageName.trimmed(), Qt::CaseInsensitive) != 0;
        if (changed)
            out.append(stage);
        return out;
    }
    if (hook.resource == QLatin1String("job")) {
        if (hook.action != QLatin1String("update") && hook.action != QLatin1String("create"))
            return out;
        const QString status = attribute(a, QStringLiteral("status")).toString();
        const QString human = attribute(a, QStringLiteral("human-status")).toString();
        const bool published = status == QLatin1String("open") || human == QLatin1String("published");
        const bool wasPublished = previous.jobStatus
            && (*previous.jobStatus == QLatin1String("open")
                || *previous.jobStatus == QLatin1String("published"));
        if (published && !wasPublished) {
            DomainEvent e = make(DomainEvent::JobPublished);
            e.jobId = hook.dataId;
            out.append(e);
        }
        return out;
    }
    if (hook.resource == QLatin1String("candidate") && hook.action == QLatin1String("destroy")) {
        DomainEvent e = make(DomainEvent::CandidateDeleted);
        e.candidateId = hook.dataId;
        out.append(e);
    }
    return out;
}

} // namespace intrvio::EventNormalizer

#include "EventNormalizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <simdjson.h>

#include <algorithm>
#include <cmath>
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

// simdjson side of the partner-event decoder.
using JsonElement = simdjson::simdjson_result<simdjson::dom::element>;

QString qString(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// A member by its kebab-case name, or its snake_case spelling; an error result when absent.
JsonElement member(simdjson::dom::object object, std::string_view kebabName)
{
    JsonElement found = object.at_key(kebabName);
    if (found.error() != simdjson::NO_SUCH_FIELD || kebabName.find('-') == std::string_view::npos)
        return found;
    std::string snakeName(kebabName);
    std::replace(snakeName.begin(), snakeName.end(), '-', '_');
    return object.at_key(snakeName);
}

// The same when `parent` may be missing or not an object, so chains need no checks.
JsonElement member(const JsonElement &parent, std::string_view kebabName)
{
    simdjson::dom::object object;
    if (parent.get_object().get(object))
        return simdjson::NO_SUCH_FIELD;
    return member(object, kebabName);
}

// Same rule as idString(QJsonValue): a string as is, an integral number as its decimal text.
QString idString(const JsonElement &v)
{
    std::string_view s;
    if (!v.get_string().get(s))
        return qString(s);
    int64_t i = 0;
    if (!v.get_int64().get(i))
        return QString::number(i);
    uint64_t u = 0;
    if (!v.get_uint64().get(u))
        return QString::number(u);
    double d = 0;
    if (!v.get_double().get(d) && std::isfinite(d) && d == std::trunc(d) && std::abs(d) < 9.0e15)
        return QString::number(qint64(d));
    return {};
}

QString stringOf(const JsonElement &v)
{
    std::string_view s;
    return v.get_string().get(s) ? QString() : qString(s);
}

QJsonValue toJson(simdjson::dom::element v)
{
    switch (v.type()) {
    case simdjson::dom::element_type::OBJECT: {
        QJsonObject o;
        for (const auto field : simdjson::dom::object(v))
            o.insert(qString(field.key), toJson(field.value));
        return o;
    }
    case simdjson::dom::element_type::ARRAY: {
        QJsonArray a;
        for (const simdjson::dom::element item : simdjson::dom::array(v))
            a.append(toJson(item));
        return a;
    }
    case simdjson::dom::element_type::STRING:
        return qString(std::string_view(v));
    case simdjson::dom::element_type::INT64:
        return qint64(int64_t(v));
    case simdjson::dom::element_type::UINT64:
        return double(uint64_t(v));
    case simdjson::dom::element_type::DOUBLE:
        return double(v);
    case simdjson::dom::element_type::BOOL:
        return bool(v);
    case simdjson::dom::element_type::NULL_VALUE:
        break;
    }
    return QJsonValue(QJsonValue::Null);
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
    // simdjson validates the whole body (a malformed one is refused before anything is stored) and
    // only what the pipeline reads becomes Qt values: the candidate profile, most of the bytes, is
    // read for its ids and never copied. This runs before every partner delivery is acknowledged.
    thread_local simdjson::dom::parser parser; // keeps its buffers between deliveries
    PartnerEvent e;
    simdjson::dom::element root;
    if (const auto error = parser.parse(body.constData(), size_t(body.size())).get(root)) {
        e.error = QStringLiteral("malformed JSON: ") + QString::fromLatin1(simdjson::error_message(error));
        return e;
    }
    simdjson::dom::object top;
    if (root.get_object().get(top)) {
        e.error = QStringLiteral("malformed JSON: expected an object");
        return e;
    }
    simdjson::dom::object pe;
    if (member(top, "partner-event").get_object().get(pe)) {
        e.error = QStringLiteral("missing partner-event object");
        return e;
    }
    e.eventId = idString(member(pe, "id"));
    if (e.eventId.isEmpty() || e.eventId.size() > 200) {
        e.error = QStringLiteral("missing or invalid partner-event.id");
        return e;
    }
    const auto company = member(top, "company");
    e.companyUuid = stringOf(member(company, "uuid"));
    e.companyName = stringOf(member(company, "name"));
    if (detail == PartnerDetail::Envelope)
        return e;
    simdjson::dom::element v;
    if (!member(pe, "webhook-data").get(v))
        e.webhookData = toJson(v).toObject();
    if (!member(pe, "partner-result").get(v)) {
        e.updateUrl = stringOf(member(v, "update-url"));
        e.partnerEvent.insert(QStringLiteral("partner-result"), toJson(v));
    }
    if (!member(pe, "triggered-by").get(v))
        e.partnerEvent.insert(QStringLiteral("triggered-by"), toJson(v));
    const auto candidate = member(pe, "candidate");
    e.candidateId = idString(member(candidate, "id"));
    const auto job = member(candidate, "job");
    e.jobId = idString(member(job, "id"));
    e.stageId = idString(member(job, "stage-id"));
    e.stageName = stringOf(member(job, "stage"));
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

// The public API (/v1): JSON:API documents, pagination, include, sparse fieldsets, filters
// (docs/teamtailor-protocol.md §7).
#include "sandbox/SandboxPrivate.h"

#include "models/Log.h"

#include <algorithm>
#include <functional>

namespace intrvio {

using namespace sandbox;

namespace {

constexpr int kMaxPageSize = 30;

struct Filters
{
    QStringList allowed; // normalised names: "email", "updated-at.from", ...
};

HttpResponse badRequest(const QString &detail, const QString &title = QStringLiteral("Bad Request"))
{
    return HttpResponse::error(400, title, detail);
}

HttpResponse notFound(const QString &type, const QString &id)
{
    return HttpResponse::error(404, QStringLiteral("Record not found"),
        QStringLiteral("The record identified by %1 could not be found in %2.").arg(id, type));
}

// Parses the JSON:API parameters. Returns an error response on bad input.
std::optional<HttpResponse> parseListQuery(const HttpRequest &request, const QStringList &allowedFilters,
    const QStringList &allowedIncludes, const QStringList &allowedSorts, ListQuery *q)
{
    for (const auto &[key, value] : request.query) {
        if (key == QLatin1String("page[size]")) {
            bool ok = false;
            const int n = value.toInt(&ok);
            if (!ok || n < 1)
                return badRequest(QStringLiteral("%1 is not a valid value for page[size]; use 1 to %2.")
                                      .arg(value)
                                      .arg(kMaxPageSize),
                    QStringLiteral("Invalid page value"));
            if (n > kMaxPageSize)
                return badRequest(QStringLiteral("page[size] %1 exceeds the maximum page size of %2.")
                                      .arg(n)
                                      .arg(kMaxPageSize),
                    QStringLiteral("Invalid page value"));
            q->pageSize = n;
        } else if (key == QLatin1String("page[number]")) {
            bool ok = false;
            const int n = value.toInt(&ok);
            if (!ok || n < 1)
                return badRequest(
                    QStringLiteral("%1 is not a valid value for page[number]; pages start at 1.").arg(value),
                    QStringLiteral("Invalid page value"));
            q->pageNumber = n;
        } else if (key.startsWith(QLatin1String("page["))) {
            return badRequest(
                QStringLiteral("%1 is not a valid page parameter; use page[number] and page[size].").arg(key),
                QStringLiteral("Invalid page value"));
        } else if (key.startsWith(QLatin1String("fields[")) && key.endsWith(QLatin1Char(']'))) {
            const QString type = key.mid(7, key.size() - 8);
            q->fields.insert(type, value.split(QLatin1Char(','), Qt::SkipEmptyParts));
        } else if (key == QLatin1String("include")) {
            for (const QString &inc : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const QString name = inc.trimmed();
                if (!allowedIncludes.contains(name))
                    return badRequest(
                        QStringLiteral("%1 is not a valid includable relationship here (allowed: %2).")
                            .arg(name,
                                allowedIncludes.isEmpty() ? QStringLiteral("none")
                                                          : allowedIncludes.join(QLatin1Char(','))),
                        QStringLiteral("Invalid field"));
                if (!q->include.contains(name))
                    q->include.append(name);
            }
        } else if (key.startsWith(QLatin1String("filter["))) {
            // filter[a] or filter[a][b] → "a" / "a.b"
            QString rest = key.mid(7);
            QString name;
            const qsizetype close = rest.indexOf(QLatin1Char(']'));
            if (close < 0)
                return badRequest(
                    QStringLiteral("%1 is malformed.").arg(key), QStringLiteral("Filter not allowed"));
            name = rest.left(close);
            rest = rest.mid(close + 1);
            if (rest.startsWith(QLatin1Char('[')) && rest.endsWith(QLatin1Char(']')))
                name += QLatin1Char('.') + rest.mid(1, rest.size() - 2);
            else if (!rest.isEmpty())
                return badRequest(
                    QStringLiteral("%1 is malformed.").arg(key), QStringLiteral("Filter not allowed"));
            if (!allowedFilters.contains(name))
                return badRequest(
                    QStringLiteral("%1 is not allowed.").arg(key), QStringLiteral("Filter not allowed"));
            q->filters.insert(name, value);
        } else if (key == QLatin1String("sort")) {
            if (!allowedSorts.contains(value))
                return badRequest(QStringLiteral("%1 is not a valid sort criteria (allowed: %2).")
                                      .arg(value, allowedSorts.join(QLatin1Char(','))),
                    QStringLiteral("Invalid sort criteria"));
            q->sort = value;
        }
    }
    return std::nullopt;
}

// Reads a time filter value ("2024-01-01", "2024-01-01T10:00:00Z", with offset or ms).
std::optional<QDateTime> parseTime(const QString &value)
{
    QDateTime t = QDateTime::fromString(value, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(value, Qt::ISODate);
    if (!t.isValid()) {
        const QDate date = QDate::fromString(value, Qt::ISODate);
        if (date.isValid())
            t = date.startOfDay(Qt::UTC);
    }
    if (!t.isValid())
        return std::nullopt;
    return t;
}

// A range filter on one timestamp: "<name>.from" / "<name>.to" (inclusive).
struct TimeRange
{
    std::optional<QDateTime> from, to;
    bool contains(const QDateTime &t) const
    {
        if (from && (!t.isValid() || t < *from))
            return false;
        if (to && (!t.isValid() || t > *to))
            return false;
        return true;
    }
    bool active() const { return from || to; }
};

std::optional<HttpResponse> timeRange(const ListQuery &q, const QString &name, TimeRange *out)
{
    for (const char *edge : { "from", "to" }) {
        const QString key = name + QLatin1Char('.') + QLatin1String(edge);
        if (!q.filters.contains(key))
            continue;
        const auto t = parseTime(q.filters.value(key));
        if (!t)
            return badRequest(QStringLiteral("filter[%1][%2] needs an ISO 8601 time, got \"%3\".")
                                  .arg(name, QLatin1String(edge), q.filters.value(key)),
                QStringLiteral("Invalid filter value"));
        (qstrcmp(edge, "from") == 0 ? out->from : out->to) = *t;
    }
    return std::nullopt;
}

QByteArray encodeQueryPart(const QString &s)
{
    return QUrl::toPercentEncoding(s);
}

std::optional<qint64> parseId(const QString &s)
{
    bool ok = false;
    const qint64 id = s.toLongLong(&ok);
    if (!ok || id <= 0)
        return std::nullopt;
    return id;
}

// Reads a JSON:API request body. Returns an error response on a malformed document.
std::optional<HttpResponse> readDocument(
    const HttpRequest &request, const QString &type, const QString &id, QJsonObject *data)
{
    QJsonParseError err {};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return badRequest(
            QStringLiteral("The request body is not a JSON object (%1).").arg(err.errorString()),
            QStringLiteral("Invalid document"));
    const QJsonValue d = doc.object().value(QStringLiteral("data"));
    if (!d.isObject())
        return badRequest(
            QStringLiteral("The document needs a \"data\" object."), QStringLiteral("Invalid document"));
    *data = d.toObject();
    const QString gotType = data->value(QStringLiteral("type")).toString();
    if (gotType != type)
        return HttpResponse::error(409, QStringLiteral("Type mismatch"),
            QStringLiteral("data.type must be \"%1\", got \"%2\".").arg(type, gotType),
            QStringLiteral("/data/type"));
    if (!id.isEmpty()) {
        const QJsonValue gotId = data->value(QStringLiteral("id"));
        const QString gotIdText = gotId.isDouble() ? QString::number(gotId.toInteger()) : gotId.toString();
        if (!gotId.isUndefined() && gotIdText != id)
            return HttpResponse::error(409, QStringLiteral("Key mismatch"),
                QStringLiteral("data.id \"%1\" does not match the URL id \"%2\".").arg(gotIdText, id),
                QStringLiteral("/data/id"));
    }
    return std::nullopt;
}

// Linkage id from {"id": 4} or {"type": "candidates", "id": "4"} (§7.7 accepts both).
std::optional<qint64> linkageId(const QJsonObject &relationships, const QString &name, const QString &type,
    bool *present, QString *problem)
{
    *present = relationships.contains(name);
    if (!*present)
        return std::nullopt;
    const QJsonValue data = relationships.value(name).toObject().value(QStringLiteral("data"));
    if (!data.isObject()) {
        *problem = QStringLiteral("relationship %1 needs data {\"type\": \"%2\", \"id\": \"...\"}")
                       .arg(name, type);
        return std::nullopt;
    }
    const QJsonObject o = data.toObject();
    if (o.contains(QStringLiteral("type")) && o.value(QStringLiteral("type")).toString() != type) {
        *problem = QStringLiteral("relationship %1 must point at %2").arg(name, type);
        return std::nullopt;
    }
    const QJsonValue idv = o.value(QStringLiteral("id"));
    std::optional<qint64> id;
    if (idv.isDouble() && idv.toDouble() == double(idv.toInteger()))
        id = idv.toInteger();
    else if (idv.isString())
        id = parseId(idv.toString());
    if (!id || *id <= 0) {
        *problem = QStringLiteral("relationship %1 needs a numeric id").arg(name);
        return std::nullopt;
    }
    return id;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Resources

Resource Sandbox::Private::jobResource(const Job &job) const
{
    QStringList stageIds;
    for (qint64 id : job.stageIds)
        stageIds.append(QString::number(id));
    return Resource {
        QStringLiteral("jobs"),
        QString::number(job.id),
        Attributes { { QStringLiteral("title"), job.title }, { QStringLiteral("pitch"), job.pitch },
            { QStringLiteral("body"), job.body }, { QStringLiteral("status"), job.status },
            { QStringLiteral("human-status"),
                job.status == QLatin1String("open")
                    ? QStringLiteral("published")
                    : (job.status == QLatin1String("temp") ? QStringLiteral("unsaved") : job.status) },
            { QStringLiteral("internal"), false },
            { QStringLiteral("tags"), QJsonArray::fromStringList(job.tags) },
            { QStringLiteral("remote-status"), job.remoteStatus },
            { QStringLiteral("created-at"), fmt(job.createdAt) },
            { QStringLiteral("updated-at"), fmt(job.updatedAt) },
            { QStringLiteral("start-date"), QJsonValue() }, { QStringLiteral("end-date"), QJsonValue() } },
        { Rel { QStringLiteral("stages"), QStringLiteral("stages"), true, true, stageIds },
            Rel { QStringLiteral("user"), QStringLiteral("users"), false, true,
                job.userId ? QStringList { QString::number(job.userId) } : QStringList {} },
            Rel { QStringLiteral("candidates"), QStringLiteral("candidates"), true, false, {} },
            Rel { QStringLiteral("job-applications"), QStringLiteral("job-applications"), true, false, {} } },
    };
}

Resource Sandbox::Private::stageResource(const Stage &stage) const
{
    if (!stageCountsValid) {
        stageCounts.clear();
        for (const auto &kv : applications) {
            auto &c = stageCounts[kv.second.stageId];
            ++(kv.second.rejectedAt.isValid() ? c.second : c.first);
        }
        stageCountsValid = true;
    }
    const auto counts = stageCounts.value(stage.id);
    const int active = counts.first, rejected = counts.second;
    const auto trig = triggerByStage.constFind(stage.id);
    return Resource {
        QStringLiteral("stages"),
        QString::number(stage.id),
        Attributes { { QStringLiteral("name"), stage.name },
            { QStringLiteral("stage-type"), stage.stageType },
            { QStringLiteral("row-order"), stage.rowOrder },
            { QStringLiteral("active-job-applications-count"), active },
            { QStringLiteral("rejected-job-applications-count"), rejected },
            { QStringLiteral("created-at"), fmt(stage.createdAt) },
            { QStringLiteral("updated-at"), fmt(stage.updatedAt) } },
        { Rel {
              QStringLiteral("job"), QStringLiteral("jobs"), false, true, { QString::number(stage.jobId) } },
            Rel { QStringLiteral("job-applications"), QStringLiteral("job-applications"), true, false, {} },
            Rel { QStringLiteral("triggers"), QStringLiteral("triggers"), true, true,
                trig == triggerByStage.constEnd() ? QStringList {}
                                                  : QStringList { QString::number(*trig) } } },
    };
}

Resource Sandbox::Private::candidateResource(const Candidate &c) const
{
    QStringList appIds;
    for (qint64 id : appsByCandidate.value(c.id))
        appIds.append(QString::number(id));
    QStringList resultIds;
    for (const QString &id : partnerResultOrder) {
        const auto it = partnerResults.find(id);
        if (it != partnerResults.end() && it->second.candidateId == c.id)
            resultIds.append(id);
    }
    return Resource {
        QStringLiteral("candidates"),
        QString::number(c.id),
        Attributes { { QStringLiteral("connected"), false },
            { QStringLiteral("created-at"), fmt(c.createdAt) },
            { QStringLiteral("updated-at"), fmt(c.updatedAt) }, { QStringLiteral("email"), c.email },
            { QStringLiteral("facebook-id"), QJsonValue() }, { QStringLiteral("first-name"), c.firstName },
            { QStringLiteral("last-name"), c.lastName }, { QStringLiteral("internal"), false },
            { QStringLiteral("linkedin-uid"), QJsonValue() },
            { QStringLiteral("linkedin-url"), QJsonValue() },
            { QStringLiteral("original-resume"), QJsonValue() },
            { QStringLiteral("phone"), c.phone.isEmpty() ? QJsonValue() : QJsonValue(c.phone) },
            { QStringLiteral("picture"), QJsonValue() },
            { QStringLiteral("pitch"), c.pitch.isEmpty() ? QJsonValue() : QJsonValue(c.pitch) },
            { QStringLiteral("referring-site"),
                c.referringSite.isEmpty() ? QJsonValue() : QJsonValue(c.referringSite) },
            { QStringLiteral("referring-url"), QJsonValue() }, { QStringLiteral("referred"), false },
            { QStringLiteral("resume"), QJsonValue() }, { QStringLiteral("sourced"), c.sourced },
            { QStringLiteral("unsubscribed"), false },
            { QStringLiteral("tags"), QJsonArray::fromStringList(c.tags) } },
        { Rel { QStringLiteral("job-applications"), QStringLiteral("job-applications"), true, true, appIds },
            Rel { QStringLiteral("partner-results"), QStringLiteral("partner-results"), true, true,
                resultIds } },
    };
}

Resource Sandbox::Private::applicationResource(const JobApplication &a) const
{
    return Resource {
        QStringLiteral("job-applications"),
        QString::number(a.id),
        Attributes { { QStringLiteral("created-at"), fmt(a.createdAt) },
            { QStringLiteral("updated-at"), fmt(a.updatedAt) },
            { QStringLiteral("cover-letter"),
                a.coverLetter.isEmpty() ? QJsonValue() : QJsonValue(a.coverLetter) },
            { QStringLiteral("changed-stage-at"), fmt(a.changedStageAt) },
            { QStringLiteral("rejected-at"),
                a.rejectedAt.isValid() ? QJsonValue(fmt(a.rejectedAt)) : QJsonValue() },
            { QStringLiteral("referring-url"), QJsonValue() },
            { QStringLiteral("referring-site"),
                a.referringSite.isEmpty() ? QJsonValue() : QJsonValue(a.referringSite) },
            { QStringLiteral("sourced"), a.sourced } },
        { Rel { QStringLiteral("candidate"), QStringLiteral("candidates"), false, true,
              { QString::number(a.candidateId) } },
            Rel { QStringLiteral("job"), QStringLiteral("jobs"), false, true, { QString::number(a.jobId) } },
            Rel { QStringLiteral("stage"), QStringLiteral("stages"), false, true,
                { QString::number(a.stageId) } },
            Rel { QStringLiteral("reject-reason"), QStringLiteral("reject-reasons"), false, true, {} } },
    };
}

Resource Sandbox::Private::noteResource(const Note &n) const
{
    return Resource {
        QStringLiteral("notes"),
        QString::number(n.id),
        Attributes { { QStringLiteral("note"), n.note },
            { QStringLiteral("user-id"), n.userId ? QJsonValue(n.userId) : QJsonValue() },
            { QStringLiteral("candidate-id"), n.candidateId },
            { QStringLiteral("created-by-trigger"), n.createdByTrigger },
            { QStringLiteral("mentioned-user-ids"), QJsonArray {} },
            { QStringLiteral("private-note"), false }, { QStringLiteral("created-at"), fmt(n.createdAt) },
            { QStringLiteral("updated-at"), fmt(n.updatedAt) } },
        { Rel { QStringLiteral("candidate"), QStringLiteral("candidates"), false, true,
              { QString::number(n.candidateId) } },
            Rel { QStringLiteral("user"), QStringLiteral("users"), false, true,
                n.userId ? QStringList { QString::number(n.userId) } : QStringList {} } },
    };
}

Resource Sandbox::Private::userResource(const User &u) const
{
    return Resource {
        QStringLiteral("users"),
        QString::number(u.id),
        Attributes { { QStringLiteral("name"), u.name }, { QStringLiteral("email"), u.email },
            { QStringLiteral("title"), u.title }, { QStringLiteral("role"), u.role },
            { QStringLiteral("visible"), true }, { QStringLiteral("created-at"), fmt(u.createdAt) } },
        {},
    };
}

Resource Sandbox::Private::partnerResultV1Resource(const PartnerResult &r) const
{
    const QJsonValue score
        = r.attributes.value(QStringLiteral("assessment")).toObject().value(QStringLiteral("score"));
    const QJsonValue details = r.attributes.value(QStringLiteral("details"));
    return Resource {
        QStringLiteral("partner-results"),
        r.id,
        Attributes { { QStringLiteral("assessment-score"), score.isDouble() ? score : QJsonValue() },
            { QStringLiteral("attachments"), r.attributes.value(QStringLiteral("attachments")).toArray() },
            { QStringLiteral("created-at"), fmt(r.createdAt) },
            { QStringLiteral("details"),
                details.isObject()
                    ? QString::fromUtf8(QJsonDocument(details.toObject()).toJson(QJsonDocument::Compact))
                    : QStringLiteral("{}") },
            { QStringLiteral("partner-name"), config.partnerName }, { QStringLiteral("status"), r.status() },
            { QStringLiteral("summary"),
                r.attributes.value(QStringLiteral("summary")).isString()
                    ? r.attributes.value(QStringLiteral("summary"))
                    : QJsonValue() },
            { QStringLiteral("url"),
                r.attributes.value(QStringLiteral("url")).isString()
                    ? r.attributes.value(QStringLiteral("url"))
                    : QJsonValue() } },
        { Rel { QStringLiteral("candidate"), QStringLiteral("candidates"), false, true,
              { QString::number(r.candidateId) } },
            Rel { QStringLiteral("job"), QStringLiteral("jobs"), false, true,
                r.jobId ? QStringList { QString::number(r.jobId) } : QStringList {} } },
    };
}

std::optional<Resource> Sandbox::Private::resource(const QString &type, const QString &id) const
{
    if (type == QLatin1String("partner-results")) {
        const auto it = partnerResults.find(id);
        return it == partnerResults.end() ? std::nullopt
                                          : std::optional<Resource>(partnerResultV1Resource(it->second));
    }
    const auto n = parseId(id);
    if (!n)
        return std::nullopt;
    if (type == QLatin1String("jobs")) {
        const auto it = jobs.find(*n);
        return it == jobs.end() ? std::nullopt : std::optional<Resource>(jobResource(it->second));
    }
    if (type == QLatin1String("stages")) {
        const auto it = stages.find(*n);
        return it == stages.end() ? std::nullopt : std::optional<Resource>(stageResource(it->second));
    }
    if (type == QLatin1String("candidates")) {
        const auto it = candidates.find(*n);
        return it == candidates.end() ? std::nullopt : std::optional<Resource>(candidateResource(it->second));
    }
    if (type == QLatin1String("job-applications")) {
        const auto it = applications.find(*n);
        return it == applications.end() ? std::nullopt
                                        : std::optional<Resource>(applicationResource(it->second));
    }
    if (type == QLatin1String("notes")) {
        const auto it = notes.find(*n);
        return it == notes.end() ? std::nullopt : std::optional<Resource>(noteResource(it->second));
    }
    if (type == QLatin1String("users")) {
        const auto it = users.find(*n);
        return it == users.end() ? std::nullopt : std::optional<Resource>(userResource(it->second));
    }
    return std::nullopt;
}

// A small JSON writer: list pages are built as bytes from cached resource objects instead of
// QJsonObject trees, which cost most of the time of a page (see bench/sandbox).
void sandbox::writeJsonString(QByteArray &out, QStringView s)
{
    // Fast path: printable ASCII needs no escaping and is copied straight into the buffer.
    bool simple = true;
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u >= 0x80 || u == u'"' || u == u'\\') {
            simple = false;
            break;
        }
    }
    if (simple) {
        const qsizetype pos = out.size();
        if (out.capacity() < pos + s.size() + 2)
            out.reserve(std::max<qsizetype>(2 * out.capacity(), pos + s.size() + 2));
        out.resize(pos + s.size() + 2);
        char *p = out.data() + pos;
        *p++ = '"';
        for (const QChar c : s)
            *p++ = char(c.unicode());
        *p = '"';
        return;
    }
    const QByteArray utf8 = s.toUtf8();
    QByteArray escaped;
    escaped.reserve(utf8.size() + 16);
    escaped += '"';
    for (const char ch : utf8) {
        const auto c = uchar(ch);
        if (c == '"' || c == '\\') {
            escaped += '\\';
            escaped += ch;
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            switch (c) {
            case '\n':
                escaped += "\\n";
                break;
            case '\r':
                escaped += "\\r";
                break;
            case '\t':
                escaped += "\\t";
                break;
            case '\b':
                escaped += "\\b";
                break;
            case '\f':
                escaped += "\\f";
                break;
            default:
                escaped += "\\u00";
                escaped += hex[c >> 4];
                escaped += hex[c & 0xf];
            }
        } else {
            escaped += ch;
        }
    }
    escaped += '"';
    out += escaped;
}

void sandbox::writeJsonValue(QByteArray &out, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        out += v.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == double(qint64(d)))
            out += QByteArray::number(qint64(d));
        else
            out += QByteArray::number(d, 'g', 17);
        break;
    }
    case QJsonValue::String:
        writeJsonString(out, v.toString());
        break;
    case QJsonValue::Array: {
        out += '[';
        bool first = true;
        for (const QJsonValue &e : v.toArray()) {
            if (!first)
                out += ',';
            first = false;
            writeJsonValue(out, e);
        }
        out += ']';
        break;
    }
    case QJsonValue::Object: {
        out += '{';
        const QJsonObject o = v.toObject();
        bool first = true;
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!first)
                out += ',';
            first = false;
            writeJsonString(out, it.key());
            out += ':';
            writeJsonValue(out, it.value());
        }
        out += '}';
        break;
    }
    default:
        out += "null";
    }
}

QByteArray Sandbox::Private::renderResource(const Resource &r, const ListQuery &q) const
{
    const auto fieldsIt = q.fields.constFind(r.type);
    const bool sparse = fieldsIt != q.fields.constEnd();
    QString cacheKey;
    if (!sparse) {
        // Rendering depends only on the data (to-many linkage of includable relationships is
        // always present), so a full rendering is cached until the next change.
        if (renderCacheGeneration != generation) {
            renderCache.clear();
            renderCacheGeneration = generation;
        }
        cacheKey = r.type + QLatin1Char('/') + r.id;
        const auto hit = renderCache.constFind(cacheKey);
        if (hit != renderCache.constEnd())
            return *hit;
    }
    const QString self = urlFor(QStringLiteral("/v1/") + r.type + QLatin1Char('/') + r.id);
    QByteArray out;
    out.reserve(2048);
    out += "{\"id\":";
    writeJsonString(out, r.id);
    out += ",\"type\":";
    writeJsonString(out, r.type);
    out += ",\"links\":{\"self\":";
    writeJsonString(out, self);
    out += "},\"attributes\":{";
    bool first = true;
    for (const auto &[key, value] : r.attributes) {
        if (sparse && !fieldsIt->contains(key))
            continue;
        if (!first)
            out += ',';
        first = false;
        writeJsonString(out, key);
        out += ':';
        writeJsonValue(out, value);
    }
    out += '}';
    first = true;
    for (const Rel &rel : r.rels) {
        if (sparse && !fieldsIt->contains(rel.name))
            continue;
        out += first ? ",\"relationships\":{" : ",";
        first = false;
        writeJsonString(out, rel.name);
        out += ":{\"links\":{\"self\":";
        writeJsonString(out, QString(self + QLatin1String("/relationships/") + rel.name));
        out += ",\"related\":";
        writeJsonString(out, QString(self + QLatin1Char('/') + rel.name));
        out += '}';
        auto linkage = [&](const QString &id) {
            out += "{\"type\":";
            writeJsonString(out, rel.type);
            out += ",\"id\":";
            writeJsonString(out, id);
            out += '}';
        };
        if (rel.toMany && (rel.linkage || q.include.contains(rel.name))) {
            out += ",\"data\":[";
            for (qsizetype i = 0; i < rel.ids.size(); ++i) {
                if (i)
                    out += ',';
                linkage(rel.ids.at(i));
            }
            out += ']';
        } else if (!rel.toMany) {
            out += ",\"data\":";
            if (rel.ids.isEmpty())
                out += "null";
            else
                linkage(rel.ids.first());
        }
        out += '}';
    }
    if (!first)
        out += '}';
    out += '}';
    if (!sparse && renderCache.size() < 200000)
        renderCache.insert(cacheKey, out);
    return out;
}

std::optional<QByteArray> Sandbox::Private::renderById(
    const QString &type, const QString &id, const ListQuery &q) const
{
    if (!q.fields.contains(type) && renderCacheGeneration == generation) {
        const auto hit = renderCache.constFind(type + QLatin1Char('/') + id);
        if (hit != renderCache.constEnd())
            return *hit;
    }
    const auto r = resource(type, id);
    if (!r)
        return std::nullopt;
    return renderResource(*r, q);
}

// ---------------------------------------------------------------------------------------------
// Routing

namespace {

struct Page
{
    int total = 0;
    int pageCount = 0;
    int first = 0; // index into the filtered list
    int count = 0;
};

// Ids of a filtered, sorted list; numeric ids are only turned into strings for the page served.
struct IdList
{
    QList<qint64> nums;
    QStringList strs;
    // Unfiltered lists in id order are served straight from the store: no list is built.
    qsizetype viewSize = -1;
    std::function<qint64(qsizetype)> view;
    bool reversed = false;

    template<typename Map> static IdList allOf(const Map &map, bool descending)
    {
        IdList l;
        l.viewSize = qsizetype(map.size());
        l.view = [&map](qsizetype i) { return (map.begin() + i)->first; };
        l.reversed = descending;
        return l;
    }
    void append(qint64 id) { nums.append(id); }
    void append(const QString &id) { strs.append(id); }
    void reserve(qsizetype n) { nums.reserve(n); }
    qsizetype size() const { return viewSize >= 0 ? viewSize : nums.size() + strs.size(); }
    QString at(qsizetype i) const
    {
        if (viewSize >= 0)
            return QString::number(view(reversed ? viewSize - 1 - i : i));
        return strs.isEmpty() ? QString::number(nums.at(i)) : strs.at(i);
    }
    void reverse()
    {
        if (viewSize >= 0)
            reversed = !reversed;
        std::reverse(nums.begin(), nums.end());
        std::reverse(strs.begin(), strs.end());
    }
};

Page paginate(int total, const ListQuery &q)
{
    Page p;
    p.total = total;
    p.pageCount = (total + q.pageSize - 1) / q.pageSize;
    p.first = std::min<qint64>(qint64(q.pageNumber - 1) * q.pageSize, total);
    p.count = std::max(0, std::min(q.pageSize, total - p.first));
    return p;
}

} // namespace

sandbox::HttpResponse Sandbox::Private::publicApi(const HttpRequest &request, const QStringList &seg)
{
    if (seg.isEmpty())
        return HttpResponse::error(
            404, QStringLiteral("Not Found"), QStringLiteral("Name a resource, e.g. /v1/jobs."));
    const QString type = seg.at(0);
    const bool get = request.method == "GET";
    Sandbox *const self = q; // local ListQuery variables below are named q

    auto methodNotAllowed = [&] {
        return HttpResponse::error(405, QStringLiteral("Method Not Allowed"),
            QStringLiteral("%1 is not allowed on %2.")
                .arg(QString::fromLatin1(request.method), request.path));
    };

    // Builds a list document from resource ids (already filtered and sorted).
    auto listDocument
        = [&](const QString &path, const IdList &ids, const QString &resType, const ListQuery &q) {
              const Page page = paginate(int(ids.size()), q);
              QByteArray body;
              body.reserve(q.pageSize * 1200 + 1024);
              body += "{\"data\":[";
              QList<Resource> rendered; // only needed to follow relationships for include
              QSet<QString> seen;
              for (int i = page.first; i < page.first + page.count; ++i) {
                  std::optional<QByteArray> bytes;
                  if (q.include.isEmpty()) {
                      bytes = renderById(resType, ids.at(i), q);
                  } else if (auto r = resource(resType, ids.at(i))) {
                      rendered.append(*r);
                      seen.insert(r->type + QLatin1Char('/') + r->id);
                      bytes = renderResource(*r, q);
                  }
                  if (!bytes)
                      continue;
                  if (!body.endsWith('['))
                      body += ',';
                  body += *bytes;
              }
              body += ']';
              if (!q.include.isEmpty()) {
                  body += ",\"included\":[";
                  bool firstIncluded = true;
                  for (const QString &inc : q.include) {
                      for (const Resource &r : rendered) {
                          for (const Rel &rel : r.rels) {
                              if (rel.name != inc)
                                  continue;
                              for (const QString &id : rel.ids) {
                                  const QString k = rel.type + QLatin1Char('/') + id;
                                  if (seen.contains(k))
                                      continue;
                                  seen.insert(k);
                                  if (auto bytes = renderById(rel.type, id, q)) {
                                      if (!firstIncluded)
                                          body += ',';
                                      firstIncluded = false;
                                      body += *bytes;
                                  }
                              }
                          }
                      }
                  }
                  body += ']';
              }
              // Links keep every other query parameter, with brackets percent-encoded (§7.1).
              QByteArray others;
              for (const auto &[k, v] : request.query) {
                  if (k.startsWith(QLatin1String("page[")))
                      continue;
                  others += encodeQueryPart(k) + '=' + encodeQueryPart(v) + '&';
              }
              const QString baseLink = urlFor(path) + QLatin1Char('?');
              auto link = [&](int number) -> QString {
                  return baseLink + QString::fromLatin1(others)
                      + QStringLiteral("page%5Bnumber%5D=%1&page%5Bsize%5D=%2").arg(number).arg(q.pageSize);
              };
              QJsonObject links { { QStringLiteral("first"), link(1) },
                  { QStringLiteral("last"), link(std::max(1, page.pageCount)) } };
              if (q.pageNumber > 1)
                  links.insert(
                      QStringLiteral("prev"), link(std::min(q.pageNumber - 1, std::max(1, page.pageCount))));
              if (q.pageNumber < page.pageCount)
                  links.insert(QStringLiteral("next"), link(q.pageNumber + 1));
              body += ",\"links\":";
              writeJsonValue(body, links);
              body += ",\"meta\":{\"record-count\":" + QByteArray::number(page.total)
                  + ",\"page-count\":" + QByteArray::number(page.pageCount) + "}}";
              return HttpResponse::raw(200, body);
          };

    auto showDocument = [&](const Resource &r, const ListQuery &q, int status = 200) {
        QByteArray body = "{\"data\":" + renderResource(r, q);
        if (!q.include.isEmpty()) {
            body += ",\"included\":[";
            bool firstIncluded = true;
            QSet<QString> seen { r.type + QLatin1Char('/') + r.id };
            for (const QString &inc : q.include) {
                for (const Rel &rel : r.rels) {
                    if (rel.name != inc)
                        continue;
                    for (const QString &id : rel.ids) {
                        const QString k = rel.type + QLatin1Char('/') + id;
                        if (seen.contains(k))
                            continue;
                        seen.insert(k);
                        if (auto bytes = renderById(rel.type, id, q)) {
                            if (!firstIncluded)
                                body += ',';
                            firstIncluded = false;
                            body += *bytes;
                        }
                    }
                }
            }
            body += ']';
        }
        body += '}';
        return HttpResponse::raw(status, body);
    };

    static const QStringList idSorts { QStringLiteral("id"), QStringLiteral("-id") };
    const QStringList timeSorts { QStringLiteral("id"), QStringLiteral("-id"), QStringLiteral("created-at"),
        QStringLiteral("-created-at"), QStringLiteral("updated-at"), QStringLiteral("-updated-at") };

    // ---- jobs -------------------------------------------------------------------------------
    if (type == QLatin1String("jobs")) {
        const QStringList includes { QStringLiteral("stages"), QStringLiteral("user") };
        if (seg.size() == 1) {
            if (!get)
                return methodNotAllowed();
            ListQuery q;
            if (auto e = parseListQuery(request, { QStringLiteral("status") }, includes, idSorts, &q))
                return *e;
            const QString status = q.filters.value(QStringLiteral("status"), QStringLiteral("published"));
            static const QHash<QString, QString> statusMap {
                { QStringLiteral("published"), QStringLiteral("open") },
                { QStringLiteral("unlisted"), QStringLiteral("unlisted") },
                { QStringLiteral("archived"), QStringLiteral("archived") },
                { QStringLiteral("draft"), QStringLiteral("draft") },
                { QStringLiteral("scheduled"), QStringLiteral("temp") }, { QStringLiteral("all"), QString() }
            };
            if (!statusMap.contains(status))
                return badRequest(
                    QStringLiteral("%1 is not a valid value for filter[status] (published, unlisted, "
                                   "archived, draft, scheduled, all).")
                        .arg(status),
                    QStringLiteral("Invalid filter value"));
            const QString want = statusMap.value(status);
            IdList ids;
            for (const auto &kv : jobs) {
                if (want.isEmpty() || kv.second.status == want)
                    ids.append(kv.first);
            }
            if (q.sort == QLatin1String("-id"))
                ids.reverse();
            return listDocument(QStringLiteral("/v1/jobs"), ids, QStringLiteral("jobs"), q);
        }
        const auto id = parseId(seg.at(1));
        const auto it = id ? jobs.find(*id) : jobs.end();
        if (it == jobs.end())
            return notFound(QStringLiteral("jobs"), seg.at(1));
        if (!get)
            return methodNotAllowed();
        if (seg.size() == 2) {
            ListQuery q;
            if (auto e = parseListQuery(request, {}, includes, {}, &q))
                return *e;
            return showDocument(jobResource(it->second), q);
        }
        if (seg.size() == 3 && seg.at(2) == QLatin1String("stages")) {
            ListQuery q;
            const QStringList sorts { QStringLiteral("row-order"), QStringLiteral("row_order"),
                QStringLiteral("id") };
            if (auto e = parseListQuery(request, {}, { QStringLiteral("job") }, sorts, &q))
                return *e;
            QList<const Stage *> list;
            for (qint64 sid : it->second.stageIds)
                list.append(&stages.at(sid));
            if (q.sort == QLatin1String("id"))
                std::sort(list.begin(), list.end(), [](auto *a, auto *b) { return a->id < b->id; });
            else
                std::stable_sort(
                    list.begin(), list.end(), [](auto *a, auto *b) { return a->rowOrder < b->rowOrder; });
            IdList ids;
            for (const Stage *s : list)
                ids.append(s->id);
            return listDocument(
                QStringLiteral("/v1/jobs/%1/stages").arg(it->first), ids, QStringLiteral("stages"), q);
        }
        if (seg.size() == 3 && seg.at(2) == QLatin1String("user")) {
            const auto u = users.find(it->second.userId);
            if (u == users.end())
                return HttpResponse::json(200, QJsonObject { { QStringLiteral("data"), QJsonValue() } });
            return showDocument(userResource(u->second), {});
        }
        return HttpResponse::error(
            404, QStringLiteral("Not Found"), QStringLiteral("Unknown route %1.").arg(request.path));
    }

    // ---- stages -----------------------------------------------------------------------------
    if (type == QLatin1String("stages")) {
        const QStringList includes { QStringLiteral("job") };
        if (!get)
            return methodNotAllowed();
        if (seg.size() == 1) {
            ListQuery q;
            const QStringList sorts { QStringLiteral("id"), QStringLiteral("-id"),
                QStringLiteral("row-order"), QStringLiteral("row_order") };
            if (auto e = parseListQuery(request, {}, includes, sorts, &q))
                return *e;
            QList<const Stage *> list;
            for (const auto &kv : stages)
                list.append(&kv.second);
            if (q.sort == QLatin1String("-id"))
                std::reverse(list.begin(), list.end());
            else if (q.sort.startsWith(QLatin1String("row")))
                std::stable_sort(
                    list.begin(), list.end(), [](auto *a, auto *b) { return a->rowOrder < b->rowOrder; });
            IdList ids;
            for (const Stage *s : list)
                ids.append(s->id);
            return listDocument(QStringLiteral("/v1/stages"), ids, QStringLiteral("stages"), q);
        }
        const auto id = parseId(seg.at(1));
        const auto it = id ? stages.find(*id) : stages.end();
        if (it == stages.end())
            return notFound(QStringLiteral("stages"), seg.at(1));
        ListQuery q;
        if (seg.size() == 2) {
            if (auto e = parseListQuery(request, {}, includes, {}, &q))
                return *e;
            return showDocument(stageResource(it->second), q);
        }
        if (seg.size() == 3 && seg.at(2) == QLatin1String("job-applications")) {
            if (auto e = parseListQuery(request, {},
                    { QStringLiteral("candidate"), QStringLiteral("job"), QStringLiteral("stage") }, idSorts,
                    &q))
                return *e;
            IdList ids;
            for (const auto &kv : applications) {
                if (kv.second.stageId == it->first)
                    ids.append(kv.first);
            }
            if (q.sort == QLatin1String("-id"))
                ids.reverse();
            return listDocument(QStringLiteral("/v1/stages/%1/job-applications").arg(it->first), ids,
                QStringLiteral("job-applications"), q);
        }
        if (seg.size() == 3 && seg.at(2) == QLatin1String("job"))
            return showDocument(jobResource(jobs.at(it->second.jobId)), q);
        return HttpResponse::error(
            404, QStringLiteral("Not Found"), QStringLiteral("Unknown route %1.").arg(request.path));
    }

    // ---- candidates -------------------------------------------------------------------------
    if (type == QLatin1String("candidates")) {
        const QStringList includes { QStringLiteral("job-applications"), QStringLiteral("partner-results") };
        if (!get)
            return methodNotAllowed();
        if (seg.size() == 1) {
            ListQuery q;
            const QStringList filters { QStringLiteral("email"), QStringLiteral("updated-at.from"),
                QStringLiteral("updated-at.to"), QStringLiteral("created-at.from"),
                QStringLiteral("created-at.to") };
            if (auto e = parseListQuery(request, filters, includes, timeSorts, &q))
                return *e;
            TimeRange updated, created;
            if (auto e = timeRange(q, QStringLiteral("updated-at"), &updated))
                return *e;
            if (auto e = timeRange(q, QStringLiteral("created-at"), &created))
                return *e;
            const bool byEmail = q.filters.contains(QStringLiteral("email"));
            const QString email = q.filters.value(QStringLiteral("email"));
            if (q.filters.isEmpty()
                && (q.sort.isEmpty() || q.sort == QLatin1String("id") || q.sort == QLatin1String("-id")))
                return listDocument(QStringLiteral("/v1/candidates"),
                    IdList::allOf(candidates, q.sort == QLatin1String("-id")), QStringLiteral("candidates"),
                    q);
            QList<const Candidate *> list;
            list.reserve(qsizetype(candidates.size()));
            for (const auto &kv : candidates) {
                const Candidate &c = kv.second;
                if (byEmail && c.email.compare(email, Qt::CaseInsensitive) != 0)
                    continue;
                if (updated.active() && !updated.contains(c.updatedAt))
                    continue;
                if (created.active() && !created.contains(c.createdAt))
                    continue;
                list.append(&c);
            }
            if (q.sort.endsWith(QLatin1String("created-at")))
                std::stable_sort(
                    list.begin(), list.end(), [](auto *a, auto *b) { return a->createdAt < b->createdAt; });
            else if (q.sort.endsWith(QLatin1String("updated-at")))
                std::stable_sort(
                    list.begin(), list.end(), [](auto *a, auto *b) { return a->updatedAt < b->updatedAt; });
            if (q.sort.startsWith(QLatin1Char('-')))
                std::reverse(list.begin(), list.end());
            IdList ids;
            ids.reserve(list.size());
            for (const Candidate *c : list)
                ids.append(c->id);
            return listDocument(QStringLiteral("/v1/candidates"), ids, QStringLiteral("candidates"), q);
        }
        const auto id = parseId(seg.at(1));
        const auto it = id ? candidates.find(*id) : candidates.end();
        if (it == candidates.end())
            return notFound(QStringLiteral("candidates"), seg.at(1));
        ListQuery q;
        if (seg.size() == 2) {
            if (auto e = parseListQuery(request, {}, includes, {}, &q))
                return *e;
            return showDocument(candidateResource(it->second), q);
        }
        if (seg.size() == 3 && seg.at(2) == QLatin1String("job-applications")) {
            if (auto e = parseListQuery(request, {},
                    { QStringLiteral("candidate"), QStringLiteral("job"), QStringLiteral("stage") }, idSorts,
                    &q))
                return *e;
            IdList ids;
            for (qint64 appId : appsByCandidate.value(it->first))
                ids.append(appId);
            if (q.sort == QLatin1String("-id"))
                ids.reverse();
            return listDocument(QStringLiteral("/v1/candidates/%1/job-applications").arg(it->first), ids,
                QStringLiteral("job-applications"), q);
        }
        if (seg.size() == 3 && seg.at(2) == QLatin1String("partner-results")) {
            if (auto e
                = parseListQuery(request, {}, { QStringLiteral("candidate"), QStringLiteral("job") }, {}, &q))
                return *e;
            IdList ids;
            for (const QString &rid : partnerResultOrder) {
                const auto r = partnerResults.find(rid);
                if (r != partnerResults.end() && r->second.candidateId == it->first)
                    ids.append(rid);
            }
            return listDocument(QStringLiteral("/v1/candidates/%1/partner-results").arg(it->first), ids,
                QStringLiteral("partner-results"), q);
        }
        return HttpResponse::error(
            404, QStringLiteral("Not Found"), QStringLiteral("Unknown route %1.").arg(request.path));
    }

    // ---- job-applications -------------------------------------------------------------------
    if (type == QLatin1String("job-applications")) {
        const QStringList includes { QStringLiteral("candidate"), QStringLiteral("job"),
            QStringLiteral("stage") };
        if (seg.size() == 1) {
            if (!get)
                return methodNotAllowed();
            ListQuery q;
            const QStringList filters { QStringLiteral("updated-at.from"), QStringLiteral("updated-at.to"),
                QStringLiteral("created-at.from"), QStringLiteral("created-at.to"),
                QStringLiteral("changed-stage-at.from"), QStringLiteral("changed-stage-at.to"),
                QStringLiteral("stage-type") };
            QStringList sorts = timeSorts;
            sorts << QStringLiteral("changed-stage-at") << QStringLiteral("-changed-stage-at")
                  << QStringLiteral("changed_stage_at") << QStringLiteral("-changed_stage_at");
            if (auto e = parseListQuery(request, filters, includes, sorts, &q))
                return *e;
            TimeRange updated, created, changed;
            if (auto e = timeRange(q, QStringLiteral("updated-at"), &updated))
                return *e;
            if (auto e = timeRange(q, QStringLiteral("created-at"), &created))
                return *e;
            if (auto e = timeRange(q, QStringLiteral("changed-stage-at"), &changed))
                return *e;
            const QString stageType = q.filters.value(QStringLiteral("stage-type"));
            if (!stageType.isEmpty() && stageType != QLatin1String("Inbox")
                && stageType != QLatin1String("In process") && stageType != QLatin1String("Hired"))
                return badRequest(QStringLiteral("filter[stage-type] must be Inbox, In process or Hired."),
                    QStringLiteral("Invalid filter value"));
            if (q.filters.isEmpty()
                && (q.sort.isEmpty() || q.sort == QLatin1String("id") || q.sort == QLatin1String("-id")))
                return listDocument(QStringLiteral("/v1/job-applications"),
                    IdList::allOf(applications, q.sort == QLatin1String("-id")),
                    QStringLiteral("job-applications"), q);
            QList<const JobApplication *> list;
            list.reserve(qsizetype(applications.size()));
            for (const auto &kv : applications) {
                const JobApplication &a = kv.second;
                if (updated.active() && !updated.contains(a.updatedAt))
                    continue;
                if (created.active() && !created.contains(a.createdAt))
                    continue;
                if (changed.active() && !changed.contains(a.changedStageAt))
                    continue;
                if (!stageType.isEmpty() && stages.at(a.stageId).stageType != stageType)
                    continue;
                list.append(&a);
            }
            if (q.sort.contains(QLatin1String("changed")))
                std::stable_sort(list.begin(), list.end(),
                    [](auto *a, auto *b) { return a->changedStageAt < b->changedStageAt; });
            else if (q.sort.endsWith(QLatin1String("created-at")))
                std::stable_sort(
                    list.begin(), list.end(), [](auto *a, auto *b) { return a->createdAt < b->createdAt; });
            else if (q.sort.endsWith(QLatin1String("updated-at")))
                std::stable_sort(
                    list.begin(), list.end(), [](auto *a, auto *b) { return a->updatedAt < b->updatedAt; });
            if (q.sort.startsWith(QLatin1Char('-')))
                std::reverse(list.begin(), list.end());
            IdList ids;
            ids.reserve(list.size());
            for (const JobApplication *a : list)
                ids.append(a->id);
            return listDocument(
                QStringLiteral("/v1/job-applications"), ids, QStringLiteral("job-applications"), q);
        }
        const auto id = parseId(seg.at(1));
        auto it = id ? applications.find(*id) : applications.end();
        if (it == applications.end())
            return notFound(QStringLiteral("job-applications"), seg.at(1));
        ListQuery q;
        if (seg.size() == 2 && get) {
            if (auto e = parseListQuery(request, {}, includes, {}, &q))
                return *e;
            return showDocument(applicationResource(it->second), q);
        }
        if (seg.size() == 2 && request.method == "PATCH") {
            QJsonObject data;
            if (auto e = readDocument(request, QStringLiteral("job-applications"), seg.at(1), &data))
                return *e;
            const QJsonObject attrs = data.value(QStringLiteral("attributes")).toObject();
            const QJsonObject rels = data.value(QStringLiteral("relationships")).toObject();
            QJsonArray errors;
            static const QStringList writable { QStringLiteral("rejected-at"), QStringLiteral("cover-letter"),
                QStringLiteral("sourced"), QStringLiteral("referring-site"),
                QStringLiteral("referring-url") };
            for (auto a = attrs.begin(); a != attrs.end(); ++a) {
                if (!writable.contains(a.key()))
                    errors.append(errorObject(422, QStringLiteral("Param not allowed"),
                        QStringLiteral("%1 is not allowed.").arg(a.key()),
                        QStringLiteral("/data/attributes/") + a.key()));
            }
            std::optional<QDateTime> rejectedAt;
            bool setRejected = false;
            if (attrs.contains(QStringLiteral("rejected-at"))) {
                setRejected = true;
                const QJsonValue v = attrs.value(QStringLiteral("rejected-at"));
                if (!v.isNull()) {
                    rejectedAt = v.isString() ? parseTime(v.toString()) : std::nullopt;
                    if (!rejectedAt)
                        errors.append(errorObject(422, QStringLiteral("Invalid value"),
                            QStringLiteral("rejected-at must be an ISO 8601 time or null."),
                            QStringLiteral("/data/attributes/rejected-at")));
                }
            }
            if (attrs.contains(QStringLiteral("cover-letter"))
                && !attrs.value(QStringLiteral("cover-letter")).isString()
                && !attrs.value(QStringLiteral("cover-letter")).isNull())
                errors.append(errorObject(422, QStringLiteral("Invalid value"),
                    QStringLiteral("cover-letter must be a string."),
                    QStringLiteral("/data/attributes/cover-letter")));
            qint64 newStage = 0;
            for (auto r = rels.begin(); r != rels.end(); ++r) {
                if (r.key() != QLatin1String("stage"))
                    errors.append(errorObject(422, QStringLiteral("Relationship not allowed"),
                        QStringLiteral("%1 cannot be changed here.").arg(r.key()),
                        QStringLiteral("/data/relationships/") + r.key()));
            }
            if (rels.contains(QStringLiteral("stage"))) {
                bool present = false;
                QString problem;
                const auto sid
                    = linkageId(rels, QStringLiteral("stage"), QStringLiteral("stages"), &present, &problem);
                const auto st = sid ? stages.find(*sid) : stages.end();
                if (!sid)
                    errors.append(errorObject(422, QStringLiteral("Invalid relationship"), problem,
                        QStringLiteral("/data/relationships/stage")));
                else if (st == stages.end())
                    errors.append(errorObject(422, QStringLiteral("Invalid relationship"),
                        QStringLiteral("stage %1 does not exist.").arg(*sid),
                        QStringLiteral("/data/relationships/stage")));
                else if (st->second.jobId != it->second.jobId)
                    errors.append(errorObject(422, QStringLiteral("Invalid relationship"),
                        QStringLiteral("stage %1 belongs to another job.").arg(*sid),
                        QStringLiteral("/data/relationships/stage")));
                else
                    newStage = *sid;
            }
            if (!errors.isEmpty())
                return HttpResponse::errors(422, errors);
            // Apply: nothing half-written, everything was validated above.
            const qint64 appId = it->first;
            if (attrs.contains(QStringLiteral("cover-letter")))
                it->second.coverLetter = attrs.value(QStringLiteral("cover-letter")).toString();
            if (attrs.contains(QStringLiteral("sourced")))
                it->second.sourced = attrs.value(QStringLiteral("sourced")).toBool();
            it->second.updatedAt = now();
            changed();
            if (newStage)
                self->moveApplication(appId, newStage);
            if (setRejected)
                this->setRejected(appId, rejectedAt.value_or(QDateTime()));
            it = applications.find(appId);
            return showDocument(applicationResource(it->second), q);
        }
        if (seg.size() == 3 && get) {
            const QString rel = seg.at(2);
            if (rel == QLatin1String("candidate"))
                return showDocument(candidateResource(candidates.at(it->second.candidateId)), q);
            if (rel == QLatin1String("job"))
                return showDocument(jobResource(jobs.at(it->second.jobId)), q);
            if (rel == QLatin1String("stage"))
                return showDocument(stageResource(stages.at(it->second.stageId)), q);
        }
        if (seg.size() == 2)
            return methodNotAllowed();
        return HttpResponse::error(
            404, QStringLiteral("Not Found"), QStringLiteral("Unknown route %1.").arg(request.path));
    }

    // ---- notes ------------------------------------------------------------------------------
    if (type == QLatin1String("notes")) {
        const QStringList includes { QStringLiteral("candidate"), QStringLiteral("user") };
        if (seg.size() == 1 && get) {
            ListQuery q;
            if (auto e = parseListQuery(request, { QStringLiteral("candidate") }, includes, idSorts, &q))
                return *e;
            const QString cand = q.filters.value(QStringLiteral("candidate"));
            IdList ids;
            for (const auto &kv : notes) {
                if (cand.isEmpty() || QString::number(kv.second.candidateId) == cand)
                    ids.append(kv.first);
            }
            if (q.sort == QLatin1String("-id"))
                ids.reverse();
            return listDocument(QStringLiteral("/v1/notes"), ids, QStringLiteral("notes"), q);
        }
        if (seg.size() == 1 && request.method == "POST") {
            QJsonObject data;
            if (auto e = readDocument(request, QStringLiteral("notes"), {}, &data))
                return *e;
            const QJsonObject attrs = data.value(QStringLiteral("attributes")).toObject();
            const QJsonObject rels = data.value(QStringLiteral("relationships")).toObject();
            QJsonArray errors;
            const QJsonValue text = attrs.value(QStringLiteral("note"));
            if (!text.isString() || text.toString().trimmed().isEmpty())
                errors.append(errorObject(422, QStringLiteral("can't be blank"),
                    QStringLiteral("note - can't be blank"), QStringLiteral("/data/attributes/note")));
            bool present = false;
            QString problem;
            const auto cid = linkageId(
                rels, QStringLiteral("candidate"), QStringLiteral("candidates"), &present, &problem);
            if (!present)
                errors.append(errorObject(422, QStringLiteral("can't be blank"),
                    QStringLiteral("candidate - can't be blank"),
                    QStringLiteral("/data/relationships/candidate")));
            else if (!cid)
                errors.append(errorObject(422, QStringLiteral("Invalid relationship"), problem,
                    QStringLiteral("/data/relationships/candidate")));
            else if (!candidates.count(*cid))
                errors.append(errorObject(422, QStringLiteral("Invalid relationship"),
                    QStringLiteral("candidate %1 does not exist.").arg(*cid),
                    QStringLiteral("/data/relationships/candidate")));
            bool userPresent = false;
            const auto uid
                = linkageId(rels, QStringLiteral("user"), QStringLiteral("users"), &userPresent, &problem);
            if (userPresent && (!uid || !users.count(*uid)))
                errors.append(errorObject(422, QStringLiteral("Invalid relationship"),
                    uid ? QStringLiteral("user %1 does not exist.").arg(*uid) : problem,
                    QStringLiteral("/data/relationships/user")));
            if (!errors.isEmpty())
                return HttpResponse::errors(422, errors);
            Note n;
            n.id = nextNote++;
            n.candidateId = *cid;
            n.userId = uid.value_or(0);
            n.note = text.toString();
            n.createdAt = n.updatedAt = now();
            notes[n.id] = n;
            changed();
            Q_EMIT self->noteCreated(n.id, n.candidateId);
            HttpResponse r = showDocument(noteResource(n), {}, 201);
            r.setHeader("Location", urlFor(QStringLiteral("/v1/notes/%1").arg(n.id)).toUtf8());
            return r;
        }
        if (seg.size() == 2 && get) {
            const auto id = parseId(seg.at(1));
            const auto it = id ? notes.find(*id) : notes.end();
            if (it == notes.end())
                return notFound(QStringLiteral("notes"), seg.at(1));
            ListQuery q;
            if (auto e = parseListQuery(request, {}, includes, {}, &q))
                return *e;
            return showDocument(noteResource(it->second), q);
        }
        return methodNotAllowed();
    }

    // ---- partner-results (read-only view) ---------------------------------------------------
    if (type == QLatin1String("partner-results")) {
        if (!get)
            return methodNotAllowed();
        const QStringList includes { QStringLiteral("candidate"), QStringLiteral("job") };
        ListQuery q;
        if (seg.size() == 1) {
            if (auto e = parseListQuery(request, { QStringLiteral("candidate") }, includes, {}, &q))
                return *e;
            const QString cand = q.filters.value(QStringLiteral("candidate"));
            IdList ids;
            for (const QString &rid : partnerResultOrder) {
                const auto r = partnerResults.find(rid);
                if (r != partnerResults.end()
                    && (cand.isEmpty() || QString::number(r->second.candidateId) == cand))
                    ids.append(rid);
            }
            return listDocument(
                QStringLiteral("/v1/partner-results"), ids, QStringLiteral("partner-results"), q);
        }
        const auto it = partnerResults.find(seg.at(1));
        if (it == partnerResults.end() || seg.size() > 2)
            return notFound(QStringLiteral("partner-results"), seg.at(1));
        if (auto e = parseListQuery(request, {}, includes, {}, &q))
            return *e;
        return showDocument(partnerResultV1Resource(it->second), q);
    }

    // ---- users ------------------------------------------------------------------------------
    if (type == QLatin1String("users")) {
        if (!get)
            return methodNotAllowed();
        ListQuery q;
        if (seg.size() == 1) {
            if (auto e = parseListQuery(request, {}, {}, idSorts, &q))
                return *e;
            IdList ids;
            for (const auto &kv : users)
                ids.append(kv.first);
            if (q.sort == QLatin1String("-id"))
                ids.reverse();
            return listDocument(QStringLiteral("/v1/users"), ids, QStringLiteral("users"), q);
        }
        const auto id = parseId(seg.at(1));
        const auto it = id ? users.find(*id) : users.end();
        if (it == users.end() || seg.size() > 2)
            return notFound(QStringLiteral("users"), seg.at(1));
        return showDocument(userResource(it->second), q);
    }

    return HttpResponse::error(404, QStringLiteral("Not Found"),
        QStringLiteral("Unknown resource \"%1\". The sandbox serves jobs, stages, candidates, "
                       "job-applications, notes, partner-results and users.")
            .arg(type));
}

} // namespace intrvio

// The Partner API (/partner/v1): partner-results with the §5.1 validation rules and
// partner-activations exposing the provider key as a JWE (§2, §1.4).
#include "sandbox/SandboxPrivate.h"

#include <QRegularExpression>

namespace intrvio {

using namespace sandbox;

namespace {

const QStringList &statuses()
{
    static const QStringList s { QStringLiteral("sending"), QStringLiteral("sent"), QStringLiteral("pending"),
        QStringLiteral("completed"), QStringLiteral("failed") };
    return s;
}

const QStringList &grades()
{
    static const QStringList g { QStringLiteral("top_fit"), QStringLiteral("might_be_fit"),
        QStringLiteral("might_not_be_fit"), QStringLiteral("unknown") };
    return g;
}

bool isHttpUrl(const QString &s)
{
    const QUrl u(s, QUrl::StrictMode);
    return u.isValid() && (u.scheme() == QLatin1String("http") || u.scheme() == QLatin1String("https"))
        && !u.host().isEmpty();
}

// Depth of a JSON value: scalars 0, an object/array 1 + deepest member.
int depth(const QJsonValue &v)
{
    int inner = 0;
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            inner = std::max(inner, depth(it.value()));
        return 1 + inner;
    }
    if (v.isArray()) {
        for (const QJsonValue &e : v.toArray())
            inner = std::max(inner, depth(e));
        return 1 + inner;
    }
    return 0;
}

std::optional<qint64> integer(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d != double(qint64(d)))
            return std::nullopt;
        return qint64(d);
    }
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (ok)
            return n;
    }
    return std::nullopt;
}

} // namespace

QJsonArray Sandbox::Private::validatePartnerResult(
    const QJsonObject &a, bool create, QJsonObject *out, const QString &prefix) const
{
    QJsonArray errors;
    auto bad = [&](const QString &attr, const QString &detail) {
        errors.append(errorObject(422, QStringLiteral("Invalid attribute"),
            attr + QLatin1String(" - ") + detail, prefix + QLatin1Char('/') + attr));
    };
    static const QStringList known { QStringLiteral("status"), QStringLiteral("assessment"),
        QStringLiteral("details"), QStringLiteral("summary"), QStringLiteral("url"),
        QStringLiteral("candidate-id"), QStringLiteral("job-id"), QStringLiteral("attachments"),
        QStringLiteral("actions"), QStringLiteral("assessment-criteria"), QStringLiteral("criteria") };
    for (auto it = a.begin(); it != a.end(); ++it) {
        if (!known.contains(it.key()))
            bad(it.key(), QStringLiteral("is not a partner-result attribute"));
    }

    // status: required on create, one of the enum.
    if (a.contains(QStringLiteral("status"))) {
        const QJsonValue v = a.value(QStringLiteral("status"));
        if (!v.isString() || !statuses().contains(v.toString()))
            bad(QStringLiteral("status"),
                QStringLiteral("must be one of %1").arg(statuses().join(QStringLiteral(", "))));
        else
            out->insert(QStringLiteral("status"), v);
    } else if (create) {
        bad(QStringLiteral("status"), QStringLiteral("can't be blank"));
    }

    // candidate-id: numeric, required on create, immutable (must not be sent on update).
    if (a.contains(QStringLiteral("candidate-id"))) {
        if (!create) {
            bad(QStringLiteral("candidate-id"),
                QStringLiteral("is immutable and must not be sent on update"));
        } else {
            const auto id = integer(a.value(QStringLiteral("candidate-id")));
            if (!id || *id <= 0)
                bad(QStringLiteral("candidate-id"), QStringLiteral("must be a numeric candidate id"));
            else if (!candidates.count(*id))
                bad(QStringLiteral("candidate-id"), QStringLiteral("candidate %1 does not exist").arg(*id));
            else
                out->insert(QStringLiteral("candidate-id"), *id);
        }
    } else if (create) {
        bad(QStringLiteral("candidate-id"), QStringLiteral("can't be blank"));
    }

    if (a.contains(QStringLiteral("job-id"))) {
        const QJsonValue v = a.value(QStringLiteral("job-id"));
        const auto id = integer(v);
        if (v.isNull())
            out->insert(QStringLiteral("job-id"), QJsonValue());
        else if (!id || *id <= 0)
            bad(QStringLiteral("job-id"), QStringLiteral("must be a numeric job id"));
        else if (!jobs.count(*id))
            bad(QStringLiteral("job-id"), QStringLiteral("job %1 does not exist").arg(*id));
        else
            out->insert(QStringLiteral("job-id"), *id);
    }

    // assessment: score 0–100, grade enum or null, duration seconds or "HH:MM:SS".
    if (a.contains(QStringLiteral("assessment"))) {
        const QJsonValue v = a.value(QStringLiteral("assessment"));
        if (!v.isObject()) {
            bad(QStringLiteral("assessment"), QStringLiteral("must be an object"));
        } else {
            const QJsonObject as = v.toObject();
            QJsonObject norm;
            for (auto it = as.begin(); it != as.end(); ++it) {
                const QString k = it.key();
                if (k != QLatin1String("score") && k != QLatin1String("grade")
                    && k != QLatin1String("duration"))
                    bad(QStringLiteral("assessment/") + k,
                        QStringLiteral("is not an assessment attribute "
                                       "(score, grade, duration)"));
            }
            if (as.contains(QStringLiteral("score"))) {
                const QJsonValue s = as.value(QStringLiteral("score"));
                if (s.isNull()) {
                    norm.insert(QStringLiteral("score"), QJsonValue());
                } else if (!s.isDouble() || s.toDouble() != double(qint64(s.toDouble()))) {
                    bad(QStringLiteral("assessment/score"),
                        QStringLiteral("must be a whole number from 0 to 100"));
                } else if (s.toDouble() < 0 || s.toDouble() > 100) {
                    bad(QStringLiteral("assessment/score"), QStringLiteral("must be between 0 and 100"));
                } else {
                    norm.insert(QStringLiteral("score"), s.toInteger());
                }
            }
            if (as.contains(QStringLiteral("grade"))) {
                const QJsonValue g = as.value(QStringLiteral("grade"));
                if (g.isNull())
                    norm.insert(QStringLiteral("grade"), QJsonValue());
                else if (!g.isString() || !grades().contains(g.toString()))
                    bad(QStringLiteral("assessment/grade"),
                        QStringLiteral("must be one of %1 or null").arg(grades().join(QStringLiteral(", "))));
                else
                    norm.insert(QStringLiteral("grade"), g);
            }
            if (as.contains(QStringLiteral("duration"))) {
                const QJsonValue du = as.value(QStringLiteral("duration"));
                static const QRegularExpression hms(QStringLiteral("^(\\d{1,3}):([0-5]\\d):([0-5]\\d)$"));
                if (du.isDouble() && du.toDouble() >= 0 && du.toDouble() == double(qint64(du.toDouble()))) {
                    norm.insert(QStringLiteral("duration"), du.toInteger());
                } else if (du.isString()) {
                    const auto m = hms.match(du.toString());
                    if (m.hasMatch())
                        norm.insert(QStringLiteral("duration"),
                            m.captured(1).toInt() * 3600 + m.captured(2).toInt() * 60
                                + m.captured(3).toInt());
                    else
                        bad(QStringLiteral("assessment/duration"),
                            QStringLiteral("must be seconds or \"HH:MM:SS\", got \"%1\"").arg(du.toString()));
                } else if (du.isNull()) {
                    norm.insert(QStringLiteral("duration"), QJsonValue());
                } else {
                    bad(QStringLiteral("assessment/duration"),
                        QStringLiteral("must be seconds or \"HH:MM:SS\""));
                }
            }
            out->insert(QStringLiteral("assessment"), norm);
        }
    }

    if (a.contains(QStringLiteral("details"))) {
        const QJsonValue v = a.value(QStringLiteral("details"));
        if (!v.isObject())
            bad(QStringLiteral("details"), QStringLiteral("must be a JSON object"));
        else if (depth(v) > 2)
            bad(QStringLiteral("details"), QStringLiteral("may be at most 2 levels deep"));
        else
            out->insert(QStringLiteral("details"), v);
    }

    if (a.contains(QStringLiteral("summary"))) {
        const QJsonValue v = a.value(QStringLiteral("summary"));
        if (!v.isString() && !v.isNull())
            bad(QStringLiteral("summary"), QStringLiteral("must be a string"));
        else
            out->insert(QStringLiteral("summary"), v);
    }

    if (a.contains(QStringLiteral("url"))) {
        const QJsonValue v = a.value(QStringLiteral("url"));
        if (v.isNull())
            out->insert(QStringLiteral("url"), v);
        else if (!v.isString() || !isHttpUrl(v.toString()))
            bad(QStringLiteral("url"), QStringLiteral("must be a valid http or https URL"));
        else
            out->insert(QStringLiteral("url"), v);
    }

    if (a.contains(QStringLiteral("attachments"))) {
        const QJsonValue v = a.value(QStringLiteral("attachments"));
        if (!v.isArray()) {
            bad(QStringLiteral("attachments"), QStringLiteral("must be a list of {url, description}"));
        } else {
            int i = 0;
            bool ok = true;
            for (const QJsonValue &e : v.toArray()) {
                const QJsonObject o = e.toObject();
                const QStringList keys = o.keys();
                if (!e.isObject() || keys.size() != 2 || !o.value(QStringLiteral("url")).isString()
                    || !o.value(QStringLiteral("description")).isString()) {
                    bad(QStringLiteral("attachments/%1").arg(i),
                        QStringLiteral("must have exactly url and description (strings)"));
                    ok = false;
                } else if (!isHttpUrl(o.value(QStringLiteral("url")).toString())) {
                    bad(QStringLiteral("attachments/%1/url").arg(i),
                        QStringLiteral("must be a valid http or https URL"));
                    ok = false;
                }
                ++i;
            }
            if (ok)
                out->insert(QStringLiteral("attachments"), v);
        }
    }

    if (a.contains(QStringLiteral("actions"))) {
        const QJsonValue v = a.value(QStringLiteral("actions"));
        bool ok = v.isArray();
        int i = 0;
        for (const QJsonValue &e : v.toArray()) {
            const QJsonObject o = e.toObject();
            if (!e.isObject() || o.size() != 2 || !o.value(QStringLiteral("buttonText")).isString()
                || !o.value(QStringLiteral("endpoint")).isString()) {
                bad(QStringLiteral("actions/%1").arg(i),
                    QStringLiteral("must have exactly buttonText and endpoint"));
                ok = false;
            }
            ++i;
        }
        if (!v.isArray())
            bad(QStringLiteral("actions"), QStringLiteral("must be a list of {buttonText, endpoint}"));
        if (ok)
            out->insert(QStringLiteral("actions"), v);
    }

    if (a.contains(QStringLiteral("assessment-criteria"))) {
        const QJsonValue v = a.value(QStringLiteral("assessment-criteria"));
        bool ok = v.isArray();
        int i = 0;
        for (const QJsonValue &e : v.toArray()) {
            const QJsonObject o = e.toObject();
            const QJsonValue score = o.value(QStringLiteral("score"));
            if (!e.isObject() || !o.value(QStringLiteral("id")).isString()
                || (!score.isUndefined() && !score.isNull()
                    && (!score.isDouble() || score.toDouble() < 0 || score.toDouble() > 100))) {
                bad(QStringLiteral("assessment-criteria/%1").arg(i),
                    QStringLiteral("must be {id, score?} with score 0 to 100"));
                ok = false;
            }
            ++i;
        }
        if (!v.isArray())
            bad(QStringLiteral("assessment-criteria"), QStringLiteral("must be a list of {id, score}"));
        if (ok)
            out->insert(QStringLiteral("assessment-criteria"), v);
    }

    if (a.contains(QStringLiteral("criteria"))) {
        const QJsonValue v = a.value(QStringLiteral("criteria"));
        if (!v.isObject() || depth(v) > 1)
            bad(QStringLiteral("criteria"), QStringLiteral("must be a flat object"));
        else
            out->insert(QStringLiteral("criteria"), v);
    }
    return errors;
}

void Sandbox::Private::applyPartnerResultAttributes(PartnerResult &r, const QJsonObject &normalised)
{
    for (auto it = normalised.begin(); it != normalised.end(); ++it) {
        if (it.key() == QLatin1String("assessment")) {
            // Merge so a PUT of only the score keeps an earlier grade/duration.
            QJsonObject as = r.attributes.value(QStringLiteral("assessment")).toObject();
            const QJsonObject upd = it.value().toObject();
            for (auto u = upd.begin(); u != upd.end(); ++u)
                as.insert(u.key(), u.value());
            r.attributes.insert(QStringLiteral("assessment"), as);
        } else if (it.key() == QLatin1String("criteria")) {
            QJsonObject cr = r.attributes.value(QStringLiteral("criteria")).toObject();
            const QJsonObject upd = it.value().toObject();
            for (auto u = upd.begin(); u != upd.end(); ++u)
                cr.insert(u.key(), u.value());
            r.attributes.insert(QStringLiteral("criteria"), cr);
        } else {
            r.attributes.insert(it.key(), it.value());
        }
    }
    if (normalised.contains(QStringLiteral("candidate-id")))
        r.candidateId = normalised.value(QStringLiteral("candidate-id")).toInteger();
    if (normalised.contains(QStringLiteral("job-id")))
        r.jobId = normalised.value(QStringLiteral("job-id")).toInteger();
    r.updatedAt = now();
    changed();
}

QJsonObject Sandbox::Private::partnerResultObject(const PartnerResult &r) const
{
    QJsonObject attrs = r.attributes;
    attrs.insert(QStringLiteral("candidate-id"), r.candidateId);
    attrs.insert(QStringLiteral("job-id"), r.jobId ? QJsonValue(r.jobId) : QJsonValue());
    for (const char *k : { "assessment", "details" }) {
        if (!attrs.contains(QLatin1String(k)))
            attrs.insert(QLatin1String(k), QJsonObject {});
    }
    for (const char *k : { "attachments", "actions", "assessment-criteria" }) {
        if (!attrs.contains(QLatin1String(k)))
            attrs.insert(QLatin1String(k), QJsonArray {});
    }
    for (const char *k : { "summary", "url" }) {
        if (!attrs.contains(QLatin1String(k)))
            attrs.insert(QLatin1String(k), QJsonValue());
    }
    attrs.insert(QStringLiteral("created-at"), fmt(r.createdAt));
    attrs.insert(QStringLiteral("updated-at"), fmt(r.updatedAt));
    return QJsonObject {
        { QStringLiteral("id"), r.id },
        { QStringLiteral("type"), QStringLiteral("partner-results") },
        { QStringLiteral("links"),
            QJsonObject {
                { QStringLiteral("self"), urlFor(QStringLiteral("/partner/v1/partner-results/") + r.id) } } },
        { QStringLiteral("attributes"), attrs },
    };
}

sandbox::HttpResponse Sandbox::Private::partnerApi(const HttpRequest &request, const QStringList &seg)
{
    auto methodNotAllowed = [&] {
        return HttpResponse::error(405, QStringLiteral("Method Not Allowed"),
            QStringLiteral("%1 is not allowed on %2.")
                .arg(QString::fromLatin1(request.method), request.path));
    };
    auto pageParams = [&](int *size, int *number) -> std::optional<HttpResponse> {
        *size = 10;
        *number = 1;
        for (const auto &[k, v] : request.query) {
            bool ok = false;
            const int n = v.toInt(&ok);
            if (k == QLatin1String("page[size]")) {
                if (!ok || n < 1 || n > 30)
                    return HttpResponse::error(400, QStringLiteral("Invalid page value"),
                        QStringLiteral("page[size] must be 1 to 30, got \"%1\".").arg(v));
                *size = n;
            } else if (k == QLatin1String("page[number]")) {
                if (!ok || n < 1)
                    return HttpResponse::error(400, QStringLiteral("Invalid page value"),
                        QStringLiteral("page[number] must be >= 1, got \"%1\".").arg(v));
                *number = n;
            }
        }
        return std::nullopt;
    };
    auto listDoc = [&](const QString &path, const QList<QJsonObject> &all, int size, int number) {
        const int total = int(all.size());
        const int pages = (total + size - 1) / size;
        QJsonArray data;
        for (int i = (number - 1) * size; i < std::min(total, number * size); ++i)
            data.append(all.at(i));
        auto link = [&](int n) -> QString {
            return urlFor(path) + QStringLiteral("?page%5Bnumber%5D=%1&page%5Bsize%5D=%2").arg(n).arg(size);
        };
        QJsonObject links { { QStringLiteral("first"), link(1) },
            { QStringLiteral("last"), link(std::max(1, pages)) } };
        if (number > 1)
            links.insert(QStringLiteral("prev"), link(std::min(number - 1, std::max(1, pages))));
        if (number < pages)
            links.insert(QStringLiteral("next"), link(number + 1));
        return HttpResponse::json(200,
            QJsonObject { { QStringLiteral("data"), data },
                { QStringLiteral("meta"),
                    QJsonObject { { QStringLiteral("record-count"), total },
                        { QStringLiteral("page-count"), pages } } },
                { QStringLiteral("links"), links } });
    };
    auto readData = [&](const QString &id, QJsonObject *data) -> std::optional<HttpResponse> {
        QJsonParseError err {};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return HttpResponse::error(400, QStringLiteral("Invalid document"),
                QStringLiteral("The request body is not a JSON object (%1).").arg(err.errorString()));
        const QJsonValue dv = doc.object().value(QStringLiteral("data"));
        if (!dv.isObject())
            return HttpResponse::error(400, QStringLiteral("Invalid document"),
                QStringLiteral("The document needs a \"data\" object."), QStringLiteral("/data"));
        *data = dv.toObject();
        if (data->value(QStringLiteral("type")).toString() != QLatin1String("partner-results"))
            return HttpResponse::error(409, QStringLiteral("Type mismatch"),
                QStringLiteral("data.type must be \"partner-results\"."), QStringLiteral("/data/type"));
        if (!id.isEmpty() && data->contains(QStringLiteral("id"))
            && data->value(QStringLiteral("id")).toString() != id)
            return HttpResponse::error(409, QStringLiteral("Key mismatch"),
                QStringLiteral("data.id does not match the URL id %1.").arg(id), QStringLiteral("/data/id"));
        const QJsonValue attrs = data->value(QStringLiteral("attributes"));
        if (!attrs.isUndefined() && !attrs.isObject())
            return HttpResponse::error(400, QStringLiteral("Invalid document"),
                QStringLiteral("data.attributes must be an object."), QStringLiteral("/data/attributes"));
        return std::nullopt;
    };

    if (seg.isEmpty())
        return HttpResponse::error(404, QStringLiteral("Not Found"),
            QStringLiteral("Name a resource: partner-results or partner-activations."));

    if (seg.at(0) == QLatin1String("partner-results")) {
        if (seg.size() == 1) {
            if (request.method == "GET") {
                int size = 0, number = 0;
                if (auto e = pageParams(&size, &number))
                    return *e;
                QList<QJsonObject> all;
                for (const QString &id : partnerResultOrder) {
                    const auto it = partnerResults.find(id);
                    if (it != partnerResults.end())
                        all.append(partnerResultObject(it->second));
                }
                return listDoc(QStringLiteral("/partner/v1/partner-results"), all, size, number);
            }
            if (request.method == "POST") {
                QJsonObject data;
                if (auto e = readData({}, &data))
                    return *e;
                QJsonObject normalised;
                const QJsonArray errors
                    = validatePartnerResult(data.value(QStringLiteral("attributes")).toObject(), true,
                        &normalised, QStringLiteral("/data/attributes"));
                if (!errors.isEmpty())
                    return HttpResponse::errors(422, errors);
                PartnerResult r;
                r.id = uuid();
                r.createdAt = now();
                applyPartnerResultAttributes(r, normalised);
                partnerResults[r.id] = r;
                partnerResultOrder.append(r.id);
                Q_EMIT q->partnerResultChanged(r.id);
                HttpResponse resp = HttpResponse::json(
                    201, QJsonObject { { QStringLiteral("data"), partnerResultObject(r) } });
                resp.setHeader(
                    "Location", urlFor(QStringLiteral("/partner/v1/partner-results/") + r.id).toUtf8());
                return resp;
            }
            return methodNotAllowed();
        }
        const QString id = seg.at(1);
        auto it = partnerResults.find(id);
        if (it == partnerResults.end() || seg.size() > 2)
            return HttpResponse::error(
                404, QStringLiteral("Record not found"), QStringLiteral("No partner result %1.").arg(id));
        if (request.method == "GET")
            return HttpResponse::json(
                200, QJsonObject { { QStringLiteral("data"), partnerResultObject(it->second) } });
        if (request.method == "PUT" || request.method == "PATCH") {
            QJsonObject data;
            if (auto e = readData(id, &data))
                return *e;
            QJsonObject normalised;
            const QJsonArray errors
                = validatePartnerResult(data.value(QStringLiteral("attributes")).toObject(), false,
                    &normalised, QStringLiteral("/data/attributes"));
            if (!errors.isEmpty())
                return HttpResponse::errors(422, errors);
            applyPartnerResultAttributes(it->second, normalised);
            it->second.error.clear();
            Q_EMIT q->partnerResultChanged(id);
            return HttpResponse::json(
                200, QJsonObject { { QStringLiteral("data"), partnerResultObject(it->second) } });
        }
        if (request.method == "DELETE") {
            partnerResults.erase(it);
            partnerResultOrder.removeAll(id);
            changed();
            Q_EMIT q->partnerResultChanged(id);
            HttpResponse r;
            r.status = 204;
            return r;
        }
        return methodNotAllowed();
    }

    if (seg.at(0) == QLatin1String("partner-activations")) {
        if (request.method != "GET")
            return methodNotAllowed();
        auto activation = [&] {
            return QJsonObject {
                { QStringLiteral("id"), QStringLiteral("1") },
                { QStringLiteral("type"), QStringLiteral("partner-activations") },
                { QStringLiteral("links"),
                    QJsonObject { { QStringLiteral("self"),
                        urlFor(QStringLiteral("/partner/v1/partner-activations/1")) } } },
                { QStringLiteral("attributes"),
                    QJsonObject { { QStringLiteral("provider-key"), providerKeyJwe },
                        { QStringLiteral("company-name"), company.name },
                        { QStringLiteral("company-uuid"), company.uuid } } },
            };
        };
        if (seg.size() == 1) {
            int size = 0, number = 0;
            if (auto e = pageParams(&size, &number))
                return *e;
            QList<QJsonObject> all;
            if (activated)
                all.append(activation());
            return listDoc(QStringLiteral("/partner/v1/partner-activations"), all, size, number);
        }
        if (seg.size() == 2 && seg.at(1) == QLatin1String("1") && activated)
            return HttpResponse::json(200, QJsonObject { { QStringLiteral("data"), activation() } });
        return HttpResponse::error(404, QStringLiteral("Record not found"),
            QStringLiteral("No partner activation %1.").arg(seg.value(1)));
    }

    return HttpResponse::error(404, QStringLiteral("Not Found"),
        QStringLiteral("Unknown Partner API resource \"%1\".").arg(seg.at(0)));
}

} // namespace intrvio

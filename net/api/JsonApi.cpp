#include "JsonApi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cstring>

namespace intrvio::JsonApi {

namespace {

QString linkHref(const QJsonValue &v)
{
    // A link is a string or an object {"href": ...} (JSON:API 1.1).
    if (v.isString())
        return v.toString();
    if (v.isObject())
        return v.toObject().value(QLatin1String("href")).toString();
    return {};
}

// Resolves a link against the request URL. Absolute links (the usual case) and root-relative
// ones ("/v1/notes/1", the notes doc) are handled as text; anything else goes through QUrl.
QString resolveText(const QString &href, const QUrl &base, const QString &origin)
{
    if (href.isEmpty() || href.startsWith(QLatin1String("http://"))
        || href.startsWith(QLatin1String("https://")))
        return href;
    if (href.startsWith(QLatin1Char('/')) && !href.startsWith(QLatin1String("//")) && !origin.isEmpty())
        return origin + href;
    if (!base.isValid())
        return href;
    return base.resolved(QUrl(href)).toString(QUrl::FullyEncoded);
}

QString originOf(const QUrl &base)
{
    if (!base.isValid() || base.isRelative())
        return {};
    return base.toString(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo
        | QUrl::FullyEncoded);
}

QUrl resolveLink(const QJsonValue &v, const QUrl &base)
{
    const QString href = linkHref(v);
    if (href.isEmpty())
        return {};
    const QUrl u(href);
    if (u.isRelative() && base.isValid())
        return base.resolved(u);
    return u;
}

QHash<QString, QUrl> decodeLinks(const QJsonValue &v, const QUrl &base)
{
    QHash<QString, QUrl> out;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QUrl u = resolveLink(it.value(), base);
        if (u.isValid())
            out.insert(it.key(), u);
    }
    return out;
}

Linkage decodeLinkage(const QJsonObject &o, const QString &relationshipName)
{
    Linkage l;
    l.id = idString(o.value(QLatin1String("id")));
    const QString type = o.value(QLatin1String("type")).toString();
    if (!type.isEmpty())
        l.type = kebab(type);
    else if (relationshipName.endsWith(QLatin1Char('s')))
        l.type = relationshipName; // the notes doc omits "type": the (plural) name stands in
    else
        l.type = relationshipName + QLatin1Char('s');
    return l;
}

Relationship decodeRelationship(const QString &name, const QJsonObject &o, const QUrl &base)
{
    Relationship r;
    r.name = name;
    r.links = o.value(QLatin1String("links")).toObject();
    if (!r.links.isEmpty())
        r.base = base;
    const auto dataIt = o.constFind(QLatin1String("data"));
    if (dataIt != o.constEnd()) {
        r.hasData = true;
        if (dataIt->isArray()) {
            r.toMany = true;
            const QJsonArray arr = dataIt->toArray();
            r.data.reserve(arr.size());
            for (const QJsonValue &e : arr)
                r.data.append(decodeLinkage(e.toObject(), name));
        } else if (dataIt->isObject()) {
            r.data.append(decodeLinkage(dataIt->toObject(), name));
        }
    }
    return r;
}

ErrorObject decodeError(const QJsonValue &v)
{
    ErrorObject e;
    if (v.isString()) { // {"errors": ["String1", "String2"]} (activation validation style)
        e.detail = v.toString();
        return e;
    }
    const QJsonObject o = v.toObject();
    e.status = idString(o.value(QLatin1String("status")));
    e.code = idString(o.value(QLatin1String("code")));
    e.title = o.value(QLatin1String("title")).toString();
    e.detail = o.value(QLatin1String("detail")).toString();
    const QJsonObject source = o.value(QLatin1String("source")).toObject();
    e.pointer = source.value(QLatin1String("pointer")).toString();
    if (e.pointer.isEmpty())
        e.pointer = source.value(QLatin1String("parameter")).toString();
    return e;
}

bool needsKebab(const QString &s)
{
    return s.contains(QLatin1Char('_'));
}

} // namespace

QString kebab(const QString &name)
{
    if (!needsKebab(name))
        return name;
    QString out = name;
    out.replace(QLatin1Char('_'), QLatin1Char('-'));
    return out;
}

QString idString(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        const auto i = static_cast<qint64>(d);
        if (static_cast<double>(i) == d)
            return QString::number(i);
        return QString::number(d, 'g', 17);
    }
    default:
        return {};
    }
}

QString Resource::string(QLatin1StringView name) const
{
    const QJsonValue v = attributes.value(name);
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return idString(v);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

std::optional<qint64> Resource::integer(QLatin1StringView name) const
{
    const QJsonValue v = attributes.value(name);
    if (v.isDouble())
        return static_cast<qint64>(v.toDouble());
    if (v.isString()) {
        bool ok = false;
        const qint64 i = v.toString().toLongLong(&ok);
        if (ok)
            return i;
    }
    return std::nullopt;
}

const Relationship *Resource::relationship(QLatin1StringView name) const
{
    for (const Relationship &r : relationships) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

QString Resource::relatedId(QLatin1StringView name) const
{
    const Relationship *r = relationship(name);
    return r ? r->id() : QString();
}

QString ErrorObject::text() const
{
    QString t = detail.isEmpty() ? title : detail;
    if (t.isEmpty())
        t = code;
    if (!pointer.isEmpty())
        t += QStringLiteral(" (") + pointer + QLatin1Char(')');
    return t;
}

std::optional<int> Document::pageCount() const
{
    const QJsonValue v = meta.value(QLatin1String("page-count"));
    if (v.isDouble())
        return v.toInt();
    const QJsonValue s = meta.value(QLatin1String("page_count"));
    if (s.isDouble())
        return s.toInt();
    return std::nullopt;
}

std::optional<int> Document::recordCount() const
{
    const QJsonValue v = meta.value(QLatin1String("record-count"));
    if (v.isDouble())
        return v.toInt();
    const QJsonValue s = meta.value(QLatin1String("record_count"));
    if (s.isDouble())
        return s.toInt();
    return std::nullopt;
}

const Resource *Document::findIncluded(const QString &type, const QString &id) const
{
    for (const Resource &r : included) {
        if (r.id == id && r.type == type)
            return &r;
    }
    return nullptr;
}

QString Document::errorText() const
{
    QStringList parts;
    for (const ErrorObject &e : errors) {
        const QString t = e.text();
        if (!t.isEmpty() && !parts.contains(t))
            parts.append(t);
    }
    return parts.join(QLatin1String("; "));
}

namespace {

Resource decodeResourceImpl(const QJsonObject &o, const QUrl &base, bool mayHaveSnakeCase)
{
    Resource r;
    r.type = kebab(o.value(QLatin1String("type")).toString());
    r.id = idString(o.value(QLatin1String("id")));
    const QJsonObject attrs = o.value(QLatin1String("attributes")).toObject();
    bool anySnake = false;
    for (auto it = attrs.begin(); mayHaveSnakeCase && it != attrs.end() && !anySnake; ++it)
        anySnake = needsKebab(it.key());
    if (anySnake) {
        for (auto it = attrs.begin(); it != attrs.end(); ++it)
            r.attributes.insert(kebab(it.key()), it.value());
    } else {
        r.attributes = attrs; // shared, no copy
    }
    const QJsonObject rels = o.value(QLatin1String("relationships")).toObject();
    if (!rels.isEmpty()) {
        r.relationships.reserve(rels.size());
        for (auto it = rels.begin(); it != rels.end(); ++it) {
            const QString key = it.key();
            r.relationships.append(
                decodeRelationship(mayHaveSnakeCase ? kebab(key) : key, it.value().toObject(), base));
        }
    }
    r.links = o.value(QLatin1String("links")).toObject();
    if (!r.links.isEmpty())
        r.base = base;
    return r;
}

} // namespace

Resource decodeResource(const QJsonObject &o, const QUrl &base)
{
    return decodeResourceImpl(o, base, true);
}

QString Relationship::self() const
{
    return resolveText(linkHref(links.value(QLatin1String("self"))), base, originOf(base));
}

QString Relationship::related() const
{
    return resolveText(linkHref(links.value(QLatin1String("related"))), base, originOf(base));
}

QString Resource::self() const
{
    return resolveText(linkHref(links.value(QLatin1String("self"))), base, originOf(base));
}

std::optional<Document> decode(
    const QJsonObject &topIn, const QUrl &requestUrl, DecodeError *error, bool mayHaveSnakeCase)
{
    QJsonObject top = topIn;
    // Doc quirk (§7.7): {"notes":[{"data":{...}}, ...]} instead of {"data":[...]}.
    if (!top.contains(QLatin1String("data")) && !top.contains(QLatin1String("errors")) && top.size() >= 1) {
        for (auto it = top.begin(); it != top.end(); ++it) {
            if (!it.value().isArray())
                continue;
            const QJsonArray wrapped = it.value().toArray();
            bool allWrapped = true;
            QJsonArray flat;
            for (const QJsonValue &e : wrapped) {
                const QJsonValue d = e.toObject().value(QLatin1String("data"));
                if (!d.isObject()) {
                    allWrapped = false;
                    break;
                }
                flat.append(d);
            }
            if (allWrapped) {
                top.insert(QLatin1String("data"), flat);
                break;
            }
        }
    }

    const bool hasData = top.contains(QLatin1String("data"));
    const bool hasErrors = top.contains(QLatin1String("errors"));
    if (!hasData && !hasErrors && !top.contains(QLatin1String("meta"))) {
        if (error)
            error->message = QStringLiteral("not a JSON:API document: it has none of data, errors or meta");
        return std::nullopt;
    }

    Document doc;
    doc.hasData = hasData;
    const QJsonValue data = top.value(QLatin1String("data"));
    if (data.isArray()) {
        doc.dataIsArray = true;
        const QJsonArray arr = data.toArray();
        doc.data.reserve(arr.size());
        for (const QJsonValue &v : arr) {
            if (!v.isObject()) {
                if (error)
                    error->message = QStringLiteral("JSON:API data array holds a non-object");
                return std::nullopt;
            }
            doc.data.append(decodeResourceImpl(v.toObject(), requestUrl, mayHaveSnakeCase));
        }
    } else if (data.isObject()) {
        doc.data.append(decodeResourceImpl(data.toObject(), requestUrl, mayHaveSnakeCase));
    } else if (hasData && !data.isNull()) {
        if (error)
            error->message = QStringLiteral("JSON:API data is neither an object, an array nor null");
        return std::nullopt;
    }
    const QJsonArray included = top.value(QLatin1String("included")).toArray();
    doc.included.reserve(included.size());
    for (const QJsonValue &v : included)
        doc.included.append(decodeResourceImpl(v.toObject(), requestUrl, mayHaveSnakeCase));
    doc.links = decodeLinks(top.value(QLatin1String("links")), requestUrl);
    doc.meta = top.value(QLatin1String("meta")).toObject();
    const QJsonValue errors = top.value(QLatin1String("errors"));
    if (errors.isArray()) {
        for (const QJsonValue &v : errors.toArray())
            doc.errors.append(decodeError(v));
    }
    return doc;
}

namespace {

// Copies a JSON document, leaving out the "links" members of the resources in data/included
// and of their relationships. Everything it skips or copies is checked for JSON structure; on
// anything unexpected it gives up and the caller parses the original body (same result, same
// error messages). Whitespace outside copied values is not kept.
class LinkStripper
{
public:
    explicit LinkStripper(QByteArrayView in)
        : m_p(in.data())
        , m_end(in.data() + in.size())
        , m_out(in.size(), Qt::Uninitialized) // the copy is never longer
        , m_w(m_out.data())
        , m_wEnd(m_out.data() + m_out.size())
    {
    }

    std::optional<QByteArray> run()
    {
        ws();
        if (!at('{') || !object(Ctx::Top, 0))
            return std::nullopt;
        ws();
        if (m_p != m_end || m_w > m_wEnd)
            return std::nullopt;
        m_out.truncate(m_w - m_out.constData());
        return std::move(m_out);
    }

private:
    enum class Ctx { Top, Resources, Resource, Relationships, Relationship, Plain, Drop };
    static constexpr int MaxDepth = 512;

    bool at(char c) const { return m_p < m_end && *m_p == c; }
    void put(char c)
    {
        if (m_w < m_wEnd)
            *m_w = c;
        ++m_w;
    }
    void put(const char *data, qsizetype n)
    {
        if (m_w + n <= m_wEnd)
            memcpy(m_w, data, static_cast<size_t>(n));
        m_w += n;
    }
    void ws()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }
    bool string()
    {
        ++m_p; // the opening quote
        for (;;) {
            const auto *quote = static_cast<const char *>(memchr(m_p, '"', static_cast<size_t>(m_end - m_p)));
            if (!quote)
                return false;
            const char *run = quote; // an odd run of backslashes escapes the quote
            while (run > m_p && run[-1] == '\\')
                --run;
            m_p = quote + 1;
            if ((quote - run) % 2 == 0)
                return true;
        }
    }
    bool scalar()
    {
        const char *start = m_p;
        while (m_p < m_end) {
            const char c = *m_p;
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || c == 'E')
                ++m_p;
            else
                break;
        }
        const QByteArrayView token(start, m_p - start);
        if (token.isEmpty())
            return false;
        if (token == "true" || token == "false" || token == "null")
            return true;
        for (const char c : token) { // a number; its exact syntax is the JSON parser's business
            if ((c >= 'a' && c <= 'z') && c != 'e')
                return false;
        }
        return true;
    }
    // Skips one value (validating its structure).
    bool skip(int depth)
    {
        ws();
        if (m_p == m_end || depth > MaxDepth)
            return false;
        if (*m_p == '"')
            return string();
        if (*m_p != '{' && *m_p != '[')
            return scalar();
        const char close = *m_p == '{' ? '}' : ']';
        ++m_p;
        ws();
        if (at(close)) {
            ++m_p;
            return true;
        }
        for (;;) {
            ws();
            if (close == '}') {
                if (!at('"') || !string())
                    return false;
                ws();
                if (!at(':'))
                    return false;
                ++m_p;
            }
            if (!skip(depth + 1))
                return false;
            ws();
            if (m_p == m_end)
                return false;
            const char c = *m_p++;
            if (c == close)
                return true;
            if (c != ',')
                return false;
        }
    }
    bool copy(int depth)
    {
        ws();
        const char *start = m_p;
        if (!skip(depth))
            return false;
        put(start, m_p - start);
        return true;
    }
    static Ctx child(Ctx ctx, QByteArrayView key)
    {
        switch (ctx) {
        case Ctx::Top:
            return key == "\"data\"" || key == "\"included\"" ? Ctx::Resources : Ctx::Plain;
        case Ctx::Resource:
            if (key == "\"links\"")
                return Ctx::Drop;
            return key == "\"relationships\"" ? Ctx::Relationships : Ctx::Plain;
        case Ctx::Relationships:
            return Ctx::Relationship;
        case Ctx::Relationship:
            return key == "\"links\"" ? Ctx::Drop : Ctx::Plain;
        default:
            return Ctx::Plain;
        }
    }
    bool value(Ctx ctx, int depth)
    {
        ws();
        if (depth > MaxDepth)
            return false;
        if (ctx != Ctx::Plain && at('{'))
            return object(ctx == Ctx::Resources ? Ctx::Resource : ctx, depth);
        if (ctx == Ctx::Resources && at('['))
            return array(depth);
        return copy(depth); // null data, or anything unexpected: as sent
    }
    bool array(int depth) // an array of resources
    {
        ++m_p;
        put('[');
        ws();
        if (at(']')) {
            ++m_p;
            put(']');
            return true;
        }
        for (;;) {
            if (!value(Ctx::Resources, depth + 1))
                return false;
            ws();
            if (m_p == m_end)
                return false;
            const char c = *m_p++;
            put(c);
            if (c == ']')
                return true;
            if (c != ',')
                return false;
        }
    }
    bool object(Ctx ctx, int depth)
    {
        ++m_p;
        put('{');
        bool first = true;
        ws();
        if (at('}')) {
            ++m_p;
            put('}');
            return true;
        }
        for (;;) {
            ws();
            const char *key = m_p;
            if (!at('"') || !string())
                return false;
            const QByteArrayView keyText(key, m_p - key);
            ws();
            if (!at(':'))
                return false;
            ++m_p;
            const Ctx c = child(ctx, keyText);
            if (c == Ctx::Drop) {
                if (!skip(depth + 1))
                    return false;
            } else {
                if (!first)
                    put(',');
                first = false;
                put(keyText.data(), keyText.size());
                put(':');
                if (!value(c, depth + 1))
                    return false;
            }
            ws();
            if (m_p == m_end)
                return false;
            const char next = *m_p++;
            if (next == '}')
                break;
            if (next != ',')
                return false;
        }
        put('}');
        return true;
    }

    const char *m_p;
    const char *m_end;
    QByteArray m_out;
    char *m_w;
    char *m_wEnd;
};

} // namespace

std::optional<QByteArray> withoutResourceLinks(QByteArrayView body)
{
    return LinkStripper(body).run();
}

std::optional<Document> decode(QByteArrayView body, const QUrl &requestUrl, DecodeError *error, DecodeOptions options)
{
    std::optional<QByteArray> stripped;
    if (!options.resourceLinks) {
        stripped = withoutResourceLinks(body);
        if (stripped)
            body = *stripped;
    }
    QJsonParseError pe {};
    // The parser copies what it keeps: no need to copy the whole body first.
    const QJsonDocument json
        = QJsonDocument::fromJson(QByteArray::fromRawData(body.data(), body.size()), &pe);
    if (pe.error != QJsonParseError::NoError) {
        if (error)
            error->message
                = QStringLiteral("malformed JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString());
        return std::nullopt;
    }
    if (!json.isObject()) {
        if (error)
            error->message = QStringLiteral("the top level of a JSON:API document must be an object");
        return std::nullopt;
    }
    return decode(json.object(), requestUrl, error, body.contains('_'));
}

QByteArray encodeResource(const QString &type, const QString &id, const QJsonObject &attributes,
    const QList<RelationshipInput> &relationships)
{
    QJsonObject data;
    data.insert(QLatin1String("type"), type);
    if (!id.isEmpty())
        data.insert(QLatin1String("id"), id);
    if (!attributes.isEmpty())
        data.insert(QLatin1String("attributes"), attributes);
    if (!relationships.isEmpty()) {
        QJsonObject rels;
        for (const RelationshipInput &r : relationships) {
            QJsonValue linkage;
            auto one = [](const Linkage &l) {
                return QJsonObject { { QLatin1String("type"), l.type }, { QLatin1String("id"), l.id } };
            };
            if (r.toMany) {
                QJsonArray arr;
                for (const Linkage &l : r.data)
                    arr.append(one(l));
                linkage = arr;
            } else {
                linkage
                    = r.data.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(one(r.data.constFirst()));
            }
            rels.insert(r.name, QJsonObject { { QLatin1String("data"), linkage } });
        }
        data.insert(QLatin1String("relationships"), rels);
    }
    return QJsonDocument(QJsonObject { { QLatin1String("data"), data } }).toJson(QJsonDocument::Compact);
}

} // namespace intrvio::JsonApi

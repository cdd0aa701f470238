#include "JsonApi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <QVarLengthArray>

#include "net/json/SimdJson.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <utility>

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
    case QJsonValue::Double:
        return json::idFromDouble(v.toDouble());
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

// --- decoding, on simdjson's DOM ---
//
// simdjson validates the whole document (structure, literals, numbers, UTF-8) before anything is
// read, then hands out views into its own buffers. Only what a Document keeps becomes a Qt value,
// and DecodeOptions can leave out what a caller never reads (resource links, unread attributes).

using json::arrayOf;
using json::element;
using json::element_type;
using json::idOf;
using json::member;
using json::objectFromText;
using json::objectOf;
using json::stringOf;
using json::text;
using json::toQJsonObject;
using json::withParsed;
using json::writeJson;
using json::writeString;

// The kebab-case form of a name; scratch holds the converted copy when one is needed.
std::string_view kebabView(std::string_view name, std::string &scratch)
{
    if (name.find('_') == std::string_view::npos)
        return name;
    scratch.assign(name);
    std::replace(scratch.begin(), scratch.end(), '_', '-');
    return scratch;
}

class Decoder
{
public:
    Decoder(const QUrl &base, const DecodeOptions &options)
        : m_base(base)
        , m_options(options)
    { }

    std::optional<Document> document(element top, DecodeError *error);
    // Appends the resource to into. Its attributes and links (JSON objects) are written to a
    // batch and become QJsonObjects in finish(), all with one QJsonDocument parse.
    void resource(element o, bool links, QList<Resource> &into);
    void finish();

private:
    // Type and relationship names repeat on every resource of a page: each distinct name is
    // made a QString once per document and shared.
    QString name(std::string_view raw)
    {
        for (const auto &n : m_names) {
            if (n.first == raw)
                return n.second;
        }
        QString kebabName = text(kebabView(raw, m_scratch));
        if (m_names.size() < 32)
            m_names.append({ raw, kebabName });
        return kebabName;
    }
    bool wanted(std::string_view attribute) const
    {
        if (m_options.attributes.empty())
            return true;
        for (const QLatin1StringView w : m_options.attributes) {
            if (attribute == std::string_view(w.data(), static_cast<size_t>(w.size())))
                return true;
        }
        return false;
    }
    Linkage linkage(element o, const QString &relationshipName);
    Relationship relationship(const QString &relationshipName, element o);
    // Where the next object of the batch goes: a resource's attributes or links, or the
    // links of one of its relationships.
    struct Pending
    {
        QList<Resource> *list;
        qsizetype resource;
        qsizetype relationship; // -1: the resource's own
        bool links;
    };
    void addPending(const Pending &p)
    {
        m_pending.push_back(p);
        m_batch += ',';
    }
    static ErrorObject errorObject(element v);

    const QUrl &m_base;
    const DecodeOptions &m_options;
    std::string m_scratch;
    std::string m_json;
    std::string m_batch = std::string(1, '[');
    std::vector<Pending> m_pending;
    QVarLengthArray<std::pair<std::string_view, QString>, 16> m_names;
};

Linkage Decoder::linkage(element o, const QString &relationshipName)
{
    Linkage l;
    std::string_view type;
    if (o.is_object()) {
        for (const simdjson::dom::key_value_pair field : objectOf(o)) {
            if (field.key == "id")
                l.id = idOf(field.value);
            else if (field.key == "type")
                type = field.value.is_string() ? field.value.get_string().value_unsafe() : std::string_view();
        }
    }
    if (!type.empty())
        l.type = name(type);
    else if (relationshipName.endsWith(QLatin1Char('s')))
        l.type = relationshipName; // the notes doc omits "type": the (plural) name stands in
    else
        l.type = relationshipName + QLatin1Char('s');
    return l;
}

Relationship Decoder::relationship(const QString &relationshipName, element o)
{
    Relationship r;
    r.name = relationshipName;
    if (!o.is_object())
        return r;
    for (const simdjson::dom::key_value_pair field : objectOf(o)) {
        if (field.key != "data")
            continue;
        r.hasData = true; // a repeated "data" counts once, the last time
        r.toMany = false;
        r.data.clear();
        if (field.value.is_array()) {
            r.toMany = true;
            const auto arr = arrayOf(field.value);
            r.data.reserve(static_cast<qsizetype>(arr.size()));
            for (const element e : arr)
                r.data.append(linkage(e, relationshipName));
        } else if (field.value.is_object()) {
            r.data.append(linkage(field.value, relationshipName));
        }
    }
    return r;
}

void Decoder::resource(element o, bool links, QList<Resource> &into)
{
    into.append(Resource());
    if (!o.is_object())
        return;
    const qsizetype index = into.size() - 1;
    Resource &r = into.last();
    // One pass over the members; a repeated member counts once (the last, as member() reads).
    std::optional<element> type, id, attributes, relationships, ownLinks;
    for (const simdjson::dom::key_value_pair field : objectOf(o)) {
        std::optional<element> *slot = field.key == "type" ? &type
            : field.key == "id"                            ? &id
            : field.key == "attributes"                    ? &attributes
            : field.key == "relationships"                 ? &relationships
            : field.key == "links"                         ? &ownLinks
                                                           : nullptr;
        if (slot)
            *slot = field.value;
    }
    if (type && type->is_string())
        r.type = name(type->get_string().value_unsafe());
    if (id)
        r.id = idOf(*id);
    if (attributes && attributes->is_object()) {
        bool any = false;
        for (const simdjson::dom::key_value_pair a : objectOf(*attributes)) {
            const std::string_view attribute = kebabView(a.key, m_scratch);
            if (!wanted(attribute))
                continue;
            m_batch += any ? ',' : '{';
            any = true;
            writeString(m_batch, attribute);
            m_batch += ':';
            writeJson(m_batch, a.value);
        }
        if (any) {
            m_batch += '}';
            addPending({ &into, index, -1, false });
        }
    }
    if (relationships && relationships->is_object()) {
        const auto rels = objectOf(*relationships);
        r.relationships.reserve(static_cast<qsizetype>(rels.size()));
        for (const simdjson::dom::key_value_pair rel : rels) {
            r.relationships.append(relationship(name(rel.key), rel.value));
            if (!links)
                continue;
            if (const auto l = member(rel.value, "links"); l && l->is_object()) {
                writeJson(m_batch, *l);
                addPending({ &into, index, r.relationships.size() - 1, true });
            }
        }
    }
    if (links && ownLinks && ownLinks->is_object()) {
        writeJson(m_batch, *ownLinks);
        addPending({ &into, index, -1, true });
    }
}

ErrorObject Decoder::errorObject(element v)
{
    ErrorObject e;
    if (v.is_string()) { // {"errors": ["String1", "String2"]} (activation validation style)
        e.detail = stringOf(v);
        return e;
    }
    if (const auto status = member(v, "status"))
        e.status = idOf(*status);
    if (const auto code = member(v, "code"))
        e.code = idOf(*code);
    if (const auto title = member(v, "title"))
        e.title = stringOf(*title);
    if (const auto detail = member(v, "detail"))
        e.detail = stringOf(*detail);
    if (const auto source = member(v, "source")) {
        if (const auto pointer = member(*source, "pointer"))
            e.pointer = stringOf(*pointer);
        if (e.pointer.isEmpty()) {
            if (const auto parameter = member(*source, "parameter"))
                e.pointer = stringOf(*parameter);
        }
    }
    return e;
}

void Decoder::finish()
{
    if (m_pending.empty())
        return;
    m_batch.back() = ']'; // the comma after the last object
    const QJsonDocument json = QJsonDocument::fromJson(
        QByteArray::fromRawData(m_batch.data(), static_cast<qsizetype>(m_batch.size())));
    Q_ASSERT(json.isArray() && json.array().size() == static_cast<qsizetype>(m_pending.size()));
    const QJsonArray objects = json.array();
    for (size_t i = 0; i < m_pending.size(); ++i) {
        const Pending &p = m_pending[i];
        Resource &r = (*p.list)[p.resource];
        // Shares the parsed object: no copy.
        const QJsonObject o = objects.at(static_cast<qsizetype>(i)).toObject();
        if (!p.links) {
            r.attributes = o;
        } else if (p.relationship < 0) {
            r.links = o;
            r.base = o.isEmpty() ? QUrl() : m_base;
        } else {
            Relationship &rel = r.relationships[p.relationship];
            rel.links = o;
            rel.base = o.isEmpty() ? QUrl() : m_base;
        }
    }
    m_pending.clear();
    m_batch.assign(1, '[');
}

std::optional<Document> Decoder::document(element topElement, DecodeError *error)
{
    if (!topElement.is_object()) {
        if (error)
            error->message = QStringLiteral("the top level of a JSON:API document must be an object");
        return std::nullopt;
    }
    std::optional<element> data = member(topElement, "data");
    const std::optional<element> errors = member(topElement, "errors");
    // Doc quirk (§7.7): {"notes":[{"data":{...}}, ...]} instead of {"data":[...]}. The wrapped
    // resources are decoded with their links.
    std::optional<element> wrapped;
    if (!data && !errors) {
        for (const simdjson::dom::key_value_pair field : objectOf(topElement)) {
            if (!field.value.is_array())
                continue;
            bool allWrapped = true;
            for (const element e : arrayOf(field.value)) {
                const auto d = member(e, "data");
                if (!d || !d->is_object()) {
                    allWrapped = false;
                    break;
                }
            }
            if (allWrapped) {
                wrapped = field.value;
                break;
            }
        }
    }
    if (!data && !wrapped && !errors && !member(topElement, "meta")) {
        if (error)
            error->message = QStringLiteral("not a JSON:API document: it has none of data, errors or meta");
        return std::nullopt;
    }

    Document doc;
    doc.hasData = data || wrapped;
    if (wrapped) {
        doc.dataIsArray = true;
        const auto arr = arrayOf(*wrapped);
        doc.data.reserve(static_cast<qsizetype>(arr.size()));
        for (const element e : arr)
            resource(*member(e, "data"), true, doc.data);
    } else if (data && data->is_array()) {
        doc.dataIsArray = true;
        const auto arr = arrayOf(*data);
        doc.data.reserve(static_cast<qsizetype>(arr.size()));
        for (const element v : arr) {
            if (!v.is_object()) {
                if (error)
                    error->message = QStringLiteral("JSON:API data array holds a non-object");
                return std::nullopt;
            }
            resource(v, m_options.resourceLinks, doc.data);
        }
    } else if (data && data->is_object()) {
        resource(*data, m_options.resourceLinks, doc.data);
    } else if (data && !data->is_null()) {
        if (error)
            error->message = QStringLiteral("JSON:API data is neither an object, an array nor null");
        return std::nullopt;
    }
    if (const auto included = member(topElement, "included"); included && included->is_array()) {
        const auto arr = arrayOf(*included);
        doc.included.reserve(static_cast<qsizetype>(arr.size()));
        for (const element v : arr)
            resource(v, m_options.resourceLinks, doc.included);
    }
    if (const auto links = member(topElement, "links"))
        doc.links = decodeLinks(toQJsonObject(*links, m_json), m_base);
    if (const auto meta = member(topElement, "meta"))
        doc.meta = toQJsonObject(*meta, m_json);
    if (errors && errors->is_array()) {
        for (const element v : arrayOf(*errors))
            doc.errors.append(errorObject(v));
    }
    finish();
    return doc;
}

} // namespace

std::optional<Document> decode(
    QByteArrayView body, const QUrl &requestUrl, DecodeError *error, DecodeOptions options)
{
    return withParsed(body, error ? &error->message : nullptr,
        [&](element top) { return Decoder(requestUrl, options).document(top, error); });
}

std::optional<Document> decode(
    const QJsonObject &top, const QUrl &requestUrl, DecodeError *error, DecodeOptions options)
{
    return decode(QJsonDocument(top).toJson(QJsonDocument::Compact), requestUrl, error, options);
}

Resource decodeResource(const QJsonObject &object, const QUrl &base)
{
    const DecodeOptions options;
    return withParsed(QJsonDocument(object).toJson(QJsonDocument::Compact), nullptr, [&](element o) {
        QList<Resource> one;
        Decoder decoder(base, options);
        decoder.resource(o, true, one);
        decoder.finish();
        return std::optional<Resource>(one.constFirst());
    }).value_or(Resource());
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

#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>
#include <span>

namespace intrvio::JsonApi {

// A pure JSON:API layer (teamtailor-protocol.md §7, §1.2) with Teamtailor's quirks smoothed over:
// - ids may be numbers or strings: always normalised to strings ("1337");
// - names arrive in kebab-case or snake_case: top-level attribute names, relationship names and
//   types are normalised to kebab-case (nested values are left as sent);
// - links may be relative ("/v1/notes/1"): resolved against the request URL;
// - the notes-list doc wraps each resource as {"notes":[{"data":{...}}]}: accepted as a list.
// No I/O, no Qt event loop: decode() and encode*() are plain functions.

struct Linkage
{
    QString type;
    QString id;
    friend bool operator==(const Linkage &, const Linkage &) = default;
};

struct Relationship
{
    QString name; // kebab-case
    bool hasData = false; // "data" member present (null counts: to-one cleared)
    bool toMany = false;
    QList<Linkage> data;
    // Links are resolved on demand against the request URL (a sync reads none of them; resolving
    // every one up front cost more than the rest of the decode).
    QJsonObject links;
    QUrl base;
    QString self() const;
    QString related() const;
    // The id of a to-one linkage, or an empty string.
    QString id() const { return data.isEmpty() ? QString() : data.constFirst().id; }
};

struct Resource
{
    QString type;
    QString id;
    QJsonObject attributes; // keys normalised to kebab-case
    QList<Relationship> relationships; // few per resource: a list beats a hash
    QJsonObject links;
    QUrl base;
    QString self() const; // links.self, resolved

    bool isNull() const { return type.isEmpty() && id.isEmpty(); }
    // Looks an attribute up by its kebab-case name.
    QJsonValue attribute(QLatin1StringView name) const { return attributes.value(name); }
    // String value; numbers are turned into their decimal text, null/missing into an empty string.
    QString string(QLatin1StringView name) const;
    std::optional<qint64> integer(QLatin1StringView name) const;
    const Relationship *relationship(QLatin1StringView name) const;
    // Id of a to-one relationship, or empty.
    QString relatedId(QLatin1StringView name) const;
};

struct ErrorObject
{
    QString status; // string per JSON:API; numbers are normalised
    QString code;
    QString title;
    QString detail;
    QString pointer; // source.pointer, e.g. "/data/attributes/score"
    // "detail (pointer)" or the title when there is no detail.
    QString text() const;
};

struct Document
{
    bool hasData = false;
    bool dataIsArray = false;
    QList<Resource> data;
    QList<Resource> included;
    QHash<QString, QUrl> links; // first/prev/next/last/self, resolved
    QJsonObject meta;
    QList<ErrorObject> errors;

    QUrl next() const { return links.value(QStringLiteral("next")); }
    std::optional<int> pageCount() const;
    std::optional<int> recordCount() const;
    const Resource *findIncluded(const QString &type, const QString &id) const;
    const Resource *findIncluded(const Linkage &l) const { return findIncluded(l.type, l.id); }
    // "detail; detail" of all errors, for messages.
    QString errorText() const;
};

struct DecodeError
{
    QString message;
};

struct DecodeOptions
{
    // false: the "links" of the resources in data/included and of their relationships are not
    // decoded (Resource::links and Relationship::links stay empty; top-level links such as
    // links.next are kept, and so are those of resources wrapped as in the notes-list quirk).
    // On a list page they are most of the bytes, and a sync reads none.
    bool resourceLinks = true;
    // Non-empty: only the attributes with these (kebab-case) names are decoded into
    // Resource::attributes; the others are left out as if not sent. Empty: all of them.
    std::span<const QLatin1StringView> attributes;
};

// Decodes a JSON:API document. requestUrl resolves relative links. Fails on malformed JSON
// ("malformed JSON at offset N: ..."), a non-object top level, or a document with none of
// data/errors/meta. The whole body is validated whatever the options leave out.
std::optional<Document> decode(
    QByteArrayView body, const QUrl &requestUrl, DecodeError *error = nullptr, DecodeOptions options = {});
// The same for a document already held as a QJsonObject.
std::optional<Document> decode(
    const QJsonObject &top, const QUrl &requestUrl, DecodeError *error = nullptr, DecodeOptions options = {});

// Decodes one resource object (used by decode(); exposed for webhook payloads with JSON:API-like data).
Resource decodeResource(const QJsonObject &object, const QUrl &base);

// kebab-case for a name that may be snake_case: "stage_name" -> "stage-name".
QString kebab(const QString &name);
// Ids may be numbers or strings; returns the string form (integers without a decimal point).
QString idString(const QJsonValue &v);

// Encodes {"data":{"type":..,"id":..,"attributes":..,"relationships":..}} compactly. An empty id
// is left out (create); empty attributes/relationships are left out.
struct RelationshipInput
{
    QString name;
    QList<Linkage> data;
    bool toMany = false;
};
QByteArray encodeResource(const QString &type, const QString &id, const QJsonObject &attributes,
    const QList<RelationshipInput> &relationships = {});

} // namespace intrvio::JsonApi

#pragma once

// simdjson (Debian's libsimdjson-dev) for the JSON on hot paths: Teamtailor's JSON:API pages
// (net/api/JsonApi) and webhook deliveries (net/events/EventNormalizer). simdjson validates a whole
// document (structure, literals, numbers, UTF-8) before anything is read and hands out views into
// its buffers; these helpers turn only what a caller keeps into Qt values. Include from .cpp files
// only: simdjson.h is large.
#include <QByteArray>
#include <QByteArrayView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QString>

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace intrvio::json {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool isAscii(std::string_view s);
QString text(std::string_view s); // UTF-8 (Latin-1 fast path for ASCII)

// For elements known to be an object / an array. By value: a range-for over a member of the
// temporary simdjson_result would dangle.
simdjson::dom::object objectOf(element e);
simdjson::dom::array arrayOf(element e);

// s as a JSON string literal (quoted, escaped).
void writeString(std::string &out, std::string_view s);
// Compact JSON text of e, in the form QJsonDocument reads back to the same values.
void writeJson(std::string &out, element e);
// An object as a QJsonObject (empty when e is not an object). Built by one QJsonDocument parse of
// writeJson's text: QJsonObject::insert() allocates and copies for every member. scratch is reused.
QJsonObject toQJsonObject(element e, std::string &scratch);
QJsonObject objectFromText(const std::string &text);

// A string's text; anything else: empty.
QString stringOf(element e);
// Ids may be numbers or strings: the string form (integers without a decimal point).
QString idOf(element e);
QString idFromDouble(double d);
// A member of an object, or nothing (also when object is not an object). A repeated member counts
// once, the last time, as in QJsonDocument.
std::optional<element> member(element object, std::string_view key);

// Documents up to this size are parsed with a parser kept per thread (its buffers are reused);
// larger ones get their own, released afterwards.
inline constexpr size_t ReusedParserCapacity = 1 << 20;

// Parses body (copied once into a padded buffer) and runs fn on the top-level element. On
// malformed JSON the error names the offset QJsonDocument finds; JSON that QJsonDocument reads
// but simdjson refuses (an integer beyond 64 bits) is decoded from QJsonDocument's own form.
// This thread's kept parser (one for every caller: a function, not a template, holds it), and
// whether a parse in progress is using it.
struct ThreadParser
{
    simdjson::dom::parser parser;
    bool busy = false;
};
ThreadParser &threadParser();

template<class Fn> auto withParsed(QByteArrayView body, QString *error, Fn fn) -> decltype(fn(element()))
{
    ThreadParser &kept = threadParser();
    std::optional<simdjson::dom::parser> own;
    const size_t size = static_cast<size_t>(body.size());
    // A large body, or a parse nested in another one's callback, gets a parser of its own.
    const bool useKept = size <= ReusedParserCapacity && !kept.busy;
    simdjson::dom::parser &parser = useKept ? kept.parser : own.emplace();
    struct Release
    {
        bool *busy;
        ~Release()
        {
            if (busy)
                *busy = false;
        }
    } release { useKept ? &kept.busy : nullptr };
    kept.busy = kept.busy || useKept;
    element top;
    simdjson::error_code rc = parser.parse(body.data(), size, true).get(top);
    if (rc == simdjson::SUCCESS)
        return fn(top);
    QJsonParseError pe {};
    const QJsonDocument json
        = QJsonDocument::fromJson(QByteArray::fromRawData(body.data(), body.size()), &pe);
    if (pe.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("malformed JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString());
        return {};
    }
    const QByteArray normalised = json.toJson(QJsonDocument::Compact);
    rc = parser.parse(normalised.constData(), static_cast<size_t>(normalised.size()), true).get(top);
    if (rc == simdjson::SUCCESS)
        return fn(top);
    if (error)
        *error = QStringLiteral("malformed JSON: %1").arg(QString::fromUtf8(simdjson::error_message(rc)));
    return {};
}

} // namespace intrvio::json

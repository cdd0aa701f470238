#include "SimdJson.h"

#include <QJsonDocument>

#include <charconv>
#include <cmath>

namespace intrvio::json {

ThreadParser &threadParser()
{
    thread_local ThreadParser kept;
    return kept;
}

bool isAscii(std::string_view s)
{
    for (const char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    }
    return true;
}

QString text(std::string_view s)
{
    return isAscii(s) ? QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()))
                      : QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// For elements known to be an object / an array. By value: a range-for over a member of the
// temporary simdjson_result would dangle.
template <typename T>
static T known(element e)
{
    T value;
    const simdjson::error_code rc = e.get<T>().get(value);
    Q_ASSERT(rc == simdjson::SUCCESS);
    Q_UNUSED(rc);
    return value;
}

simdjson::dom::object objectOf(element e)
{
    return known<simdjson::dom::object>(e);
}

simdjson::dom::array arrayOf(element e)
{
    return known<simdjson::dom::array>(e);
}

// Qt values are made by QJsonDocument's parser from compact JSON text written here: it fills
// one container per object, where QJsonObject::insert() allocates and copies for every member.
void writeString(std::string &out, std::string_view s)
{
    out += '"';
    size_t run = 0; // start of the characters not yet written
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

namespace {

template<class T> void writeNumber(std::string &out, T v)
{
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    Q_ASSERT(ec == std::errc());
    out.append(buf, end);
}

} // namespace

void writeJson(std::string &out, element e)
{
    switch (e.type()) {
    case element_type::ARRAY: {
        out += '[';
        bool first = true;
        for (const element v : arrayOf(e)) {
            if (!first)
                out += ',';
            first = false;
            writeJson(out, v);
        }
        out += ']';
        return;
    }
    case element_type::OBJECT: {
        out += '{';
        bool first = true;
        for (const simdjson::dom::key_value_pair field : objectOf(e)) {
            if (!first)
                out += ',';
            first = false;
            writeString(out, field.key);
            out += ':';
            writeJson(out, field.value);
        }
        out += '}';
        return;
    }
    case element_type::INT64:
        writeNumber(out, e.get_int64().value_unsafe());
        return;
    case element_type::UINT64: // beyond qint64: QJsonDocument reads it as a double
        writeNumber(out, e.get_uint64().value_unsafe());
        return;
    case element_type::DOUBLE: {
        const size_t start = out.size();
        writeNumber(out, e.get_double().value_unsafe()); // shortest text that reads back the same
        if (out.find_first_of(".e", start) == std::string::npos)
            out += ".0"; // still a double when read back ("1e3" is written "1000")
        return;
    }
    case element_type::STRING:
        writeString(out, e.get_string().value_unsafe());
        return;
    case element_type::BOOL:
        out += e.get_bool().value_unsafe() ? "true" : "false";
        return;
    case element_type::NULL_VALUE:
        break;
    }
    out += "null";
}

QJsonObject objectFromText(const std::string &text)
{
    // The parser copies what it keeps.
    const QJsonDocument json
        = QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), static_cast<qsizetype>(text.size())));
    Q_ASSERT(json.isObject());
    return json.object();
}

QJsonObject toQJsonObject(element e, std::string &scratch)
{
    if (!e.is_object())
        return {};
    scratch.clear();
    writeJson(scratch, e);
    return objectFromText(scratch);
}

QString stringOf(element e)
{
    return e.is_string() ? text(e.get_string().value_unsafe()) : QString();
}

QString idFromDouble(double d)
{
    // Integral values in qint64's range without a decimal point; the cast is checked first (a cast
    // of an out-of-range double is undefined).
    if (std::isfinite(d) && std::abs(d) < 9.2e18 && std::trunc(d) == d)
        return QString::number(static_cast<qint64>(d));
    return QString::number(d, 'g', 17);
}

QString idOf(element e)
{
    switch (e.type()) {
    case element_type::STRING:
        return text(e.get_string().value_unsafe());
    case element_type::INT64:
        return QString::number(e.get_int64().value_unsafe());
    case element_type::UINT64:
        return QString::number(e.get_uint64().value_unsafe());
    case element_type::DOUBLE:
        return idFromDouble(e.get_double().value_unsafe());
    default:
        return {};
    }
}

// A member of an object, or nothing. A repeated member counts once, the last time, as in
// QJsonDocument.
std::optional<element> member(element object, std::string_view key)
{
    if (!object.is_object())
        return std::nullopt;
    std::optional<element> found;
    for (const simdjson::dom::key_value_pair field : objectOf(object)) {
        if (field.key == key)
            found = field.value;
    }
    return found;
}

} // namespace intrvio::json

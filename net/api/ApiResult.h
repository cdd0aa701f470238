#pragma once

#include "net/api/JsonApi.h"

#include <QList>
#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace intrvio {

// The error side of every Teamtailor call (style.md §5).
struct ApiError
{
    enum class Kind {
        Network, // DNS, refused, reset, TLS
        Timeout, // no complete answer within the request's timeout
        Cancelled, // cancelled by the caller
        Unauthorized, // 401: wrong key, or right key on the wrong region's host
        Forbidden, // 403: the key's scope is too low
        NotFound, // 404
        Version, // 406: missing or unsupported X-Api-Version
        Validation, // 422 (and 400): the server's details are in errors/message
        RateLimited, // 429 after the allowed retries
        Server, // 5xx
        BadResponse, // not JSON:API, too large, unexpected status, cross-host link
    };
    Kind kind = Kind::BadResponse;
    int httpStatus = 0;
    QList<JsonApi::ErrorObject> errors;
    QString message; // complete, human readable, says how to fix where we can; never holds a secret
    qint64 retryAfterMs = -1;

    static QString kindName(Kind k);
    // True for errors a later retry may fix (outbox): network, timeout, 429, 5xx.
    bool isTransient() const;
};

// A value or an ApiError.
template<class T> class ApiResult
{
public:
    ApiResult() = default;
    ApiResult(T value) // NOLINT(google-explicit-constructor)
        : m_v(std::in_place_index<1>, std::move(value))
    { }
    ApiResult(ApiError error) // NOLINT(google-explicit-constructor)
        : m_v(std::in_place_index<2>, std::move(error))
    { }

    bool isSet() const { return m_v.index() != 0; }
    bool ok() const { return m_v.index() == 1; }
    const T &value() const { return std::get<1>(m_v); }
    T &value() { return std::get<1>(m_v); }
    // The error; a default ApiError (empty message) when there is none, so callers may build
    // log messages from it unconditionally.
    const ApiError &error() const
    {
        static const ApiError none;
        const ApiError *e = std::get_if<2>(&m_v);
        return e ? *e : none;
    }

private:
    std::variant<std::monostate, T, ApiError> m_v;
};

// One page of a paginated list (§7.1).
template<class T> struct Page
{
    QList<T> items;
    QUrl next; // empty on the last page
    int pageCount = 0; // meta.page-count (0 when not sent)
    int recordCount = 0;
};

struct Empty
{
};

} // namespace intrvio

#pragma once

#include "net/api/ApiResult.h"
#include "net/api/JsonApi.h"
#include "net/api/RateLimiter.h"
#include "net/api/RequestBuilder.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkReply;
class QRandomGenerator;

namespace intrvio {

struct RequestOptions
{
    int timeoutMs = 30000; // per attempt, from send to the last byte
    qint64 maxResponseBytes = 16 * 1024 * 1024; // larger answers are aborted: BadResponse
    int maxRetries = 4; // extra attempts, idempotent requests only
    int baseBackoffMs = 500; // first retry after 5xx/network error, doubled each time
    int maxBackoffMs = 30000;
};

// What every request needs; the client hands it out.
// Guarded pointers: a request that outlives its client (or the QNAM) fails cleanly instead of
// touching freed objects.
struct RequestContext
{
    QPointer<QNetworkAccessManager> nam;
    RequestBuilder builder;
    QPointer<RateLimiter> publicLimiter;
    QPointer<RateLimiter> partnerLimiter;
    QRandomGenerator *rng = nullptr; // jitter; seedable
    RequestOptions options;
};

// One HTTP exchange with Teamtailor (style.md §4): owns the timeout, the response-size cap,
// JSON:API error decoding, rate limiting, bounded jittered retries for idempotent verbs
// (GET/PUT/DELETE; never POST), a request id and redacted logging. Emits finished() exactly
// once (always from the event loop, never inside start()), then deletes itself.
class ApiRequest : public QObject
{
    Q_OBJECT
public:
    using Api = RequestBuilder::Api;

    ~ApiRequest() override;

    void start();
    // Aborts; finished() follows with ApiError::Kind::Cancelled.
    void cancel();

    QString requestId() const { return m_id; }
    QByteArray verb() const { return m_verb; }
    QUrl url() const { return m_url; }
    Api api() const { return m_api; }
    int attempts() const { return m_attempts; }
    bool isIdempotent() const { return m_verb != "POST" && m_verb != "PATCH"; }
    bool isFinished() const { return m_done; }
    // Seconds-precision helper for messages ("in 3 s").
    static QString describeWait(qint64 ms);

Q_SIGNALS:
    void finished();

protected:
    ApiRequest(
        const RequestContext &ctx, Api api, QByteArray verb, QUrl url, QByteArray body, QObject *parent);

    // 2xx: doc is null for an empty body (204). Return false (after setting *error) to fail.
    virtual bool succeed(int httpStatus, const JsonApi::Document *doc, ApiError *error) = 0;
    virtual void fail(const ApiError &error) = 0;
    // How the body is decoded (list requests of the sync leave resource links out).
    void setDecodeOptions(JsonApi::DecodeOptions options) { m_decodeOptions = options; }

private:
    void enqueue(qint64 delayMs);
    void send();
    void onReplyFinished();
    void onTimeout();
    void complete(const ApiError *error, int status, const JsonApi::Document *doc);
    bool retryIfAllowed(const ApiError &e);
    ApiError errorForStatus(int status, const JsonApi::Document *doc, const QByteArray &body) const;
    RateLimiter *limiter() const;

    RequestContext m_ctx;
    Api m_api;
    QByteArray m_verb;
    QUrl m_url;
    QByteArray m_body;
    QString m_id;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timeout;
    QTimer m_backoff;
    QElapsedTimer m_elapsed;
    quint64 m_ticket = 0;
    int m_attempts = 0;
    bool m_timedOut = false;
    bool m_tooLarge = false;
    bool m_cancelled = false;
    bool m_done = false;
    JsonApi::DecodeOptions m_decodeOptions;
};

// ApiRequest with a typed result: ApiResult<T>.
template<class T> class TypedRequest : public ApiRequest
{
public:
    using Result = ApiResult<T>;
    const Result &result() const { return m_result; }

    // Calls f(result) when finished, in context's thread; returns this for chaining.
    template<class F> TypedRequest *onFinished(QObject *context, F f)
    {
        connect(this, &ApiRequest::finished, context, [this, f = std::move(f)] { f(m_result); });
        return this;
    }

protected:
    using ApiRequest::ApiRequest;
    void fail(const ApiError &error) override { m_result = error; }
    void setResult(T value) { m_result = std::move(value); }

private:
    Result m_result;
};

} // namespace intrvio

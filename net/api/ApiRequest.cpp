#include "ApiRequest.h"

#include "models/Log.h"
#include "models/Redaction.h"
#include "net/api/RateLimiter.h"

#include <QAtomicInteger>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>

namespace intrvio {

namespace {

QString nextRequestId()
{
    static QAtomicInteger<quint32> counter;
    return QStringLiteral("tt-%1").arg(counter.fetchAndAddRelaxed(1) + 1);
}

QString apiName(RequestBuilder::Api api)
{
    return api == RequestBuilder::Api::Public ? QStringLiteral("company API token (company-api-token)")
                                              : QStringLiteral("partner API key (partner-api-key)");
}

QString secretName(RequestBuilder::Api api)
{
    return api == RequestBuilder::Api::Public ? QStringLiteral("company-api-token")
                                              : QStringLiteral("partner-api-key");
}

} // namespace

QString ApiError::kindName(Kind k)
{
    switch (k) {
    case Kind::Network:
        return QStringLiteral("network");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    case Kind::Unauthorized:
        return QStringLiteral("unauthorized");
    case Kind::Forbidden:
        return QStringLiteral("forbidden");
    case Kind::NotFound:
        return QStringLiteral("not-found");
    case Kind::Version:
        return QStringLiteral("version");
    case Kind::Validation:
        return QStringLiteral("validation");
    case Kind::RateLimited:
        return QStringLiteral("rate-limited");
    case Kind::Server:
        return QStringLiteral("server");
    case Kind::BadResponse:
        return QStringLiteral("bad-response");
    }
    return {};
}

bool ApiError::isTransient() const
{
    return kind == Kind::Network || kind == Kind::Timeout || kind == Kind::RateLimited
        || kind == Kind::Server;
}

QString ApiRequest::describeWait(qint64 ms)
{
    return QStringLiteral("%1 s").arg((ms + 999) / 1000);
}

ApiRequest::ApiRequest(
    const RequestContext &ctx, Api api, QByteArray verb, QUrl url, QByteArray body, QObject *parent)
    : QObject(parent)
    , m_ctx(ctx)
    , m_api(api)
    , m_verb(std::move(verb))
    , m_url(std::move(url))
    , m_body(std::move(body))
    , m_id(nextRequestId())
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, &ApiRequest::onTimeout);
    m_backoff.setSingleShot(true);
    connect(&m_backoff, &QTimer::timeout, this, [this] { enqueue(0); });
}

ApiRequest::~ApiRequest()
{
    if (m_ticket && limiter())
        limiter()->cancel(m_ticket);
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        if (limiter())
            limiter()->onNoResponse(); // it counted this request as in flight
    }
}

RateLimiter *ApiRequest::limiter() const
{
    return m_api == Api::Public ? m_ctx.publicLimiter : m_ctx.partnerLimiter;
}

void ApiRequest::start()
{
    if (m_attempts > 0 || m_done)
        return;
    if (!m_ctx.builder.hasCredential(m_api)) {
        QTimer::singleShot(0, this, [this] {
            ApiError e;
            e.kind = ApiError::Kind::Unauthorized;
            e.message = QStringLiteral("No %1 is configured; store it with `intrvio secret set %2`.")
                            .arg(apiName(m_api), secretName(m_api));
            complete(&e, 0, nullptr);
        });
        return;
    }
    if (!m_ctx.builder.isSameOrigin(m_api, m_url)) {
        // A pagination link or update-url on another host would leak the key there.
        QTimer::singleShot(0, this, [this] {
            ApiError e;
            e.kind = ApiError::Kind::BadResponse;
            e.message
                = QStringLiteral("Refusing to send credentials to %1: it is not the configured Teamtailor "
                                 "host %2.")
                      .arg(Redaction::url(m_url), m_ctx.builder.endpoints().publicBase.host());
            complete(&e, 0, nullptr);
        });
        return;
    }
    enqueue(0);
}

void ApiRequest::enqueue(qint64 delayMs)
{
    if (m_done)
        return;
    if (delayMs > 0) {
        m_backoff.start(static_cast<int>(delayMs));
        return;
    }
    if (RateLimiter *l = limiter()) {
        m_ticket = l->acquire(this, [this] {
            m_ticket = 0;
            send();
        });
    } else {
        QTimer::singleShot(0, this, &ApiRequest::send);
    }
}

void ApiRequest::send()
{
    if (m_done)
        return;
    ++m_attempts;
    m_timedOut = false;
    m_tooLarge = false;
    if (!m_ctx.nam) {
        ApiError e;
        e.kind = ApiError::Kind::Network;
        e.message = QStringLiteral("The network access for Teamtailor requests is gone (shutting down).");
        if (limiter())
            limiter()->onNoResponse();
        complete(&e, 0, nullptr);
        return;
    }
    const QNetworkRequest req = m_ctx.builder.request(m_api, m_url, !m_body.isEmpty());
    m_elapsed.start();
    QNetworkReply *reply = nullptr;
    if (m_verb == "GET")
        reply = m_ctx.nam->get(req);
    else if (m_verb == "DELETE" && m_body.isEmpty())
        reply = m_ctx.nam->deleteResource(req);
    else if (m_verb == "POST")
        reply = m_ctx.nam->post(req, m_body);
    else if (m_verb == "PUT")
        reply = m_ctx.nam->put(req, m_body);
    else
        reply = m_ctx.nam->sendCustomRequest(req, m_verb, m_body);
    m_reply = reply;
    qCDebug(lcApi).noquote() << m_id << m_verb << Redaction::url(m_url) << "attempt" << m_attempts;
    connect(reply, &QNetworkReply::finished, this, &ApiRequest::onReplyFinished);
    connect(reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (received > m_ctx.options.maxResponseBytes || total > m_ctx.options.maxResponseBytes) {
            m_tooLarge = true;
            if (m_reply)
                m_reply->abort();
        }
    });
    m_timeout.start(m_ctx.options.timeoutMs);
}

void ApiRequest::onTimeout()
{
    m_timedOut = true;
    if (m_reply)
        m_reply->abort();
}

void ApiRequest::cancel()
{
    if (m_done)
        return;
    m_cancelled = true;
    m_backoff.stop();
    if (m_ticket && limiter()) {
        limiter()->cancel(m_ticket);
        m_ticket = 0;
    }
    if (m_reply) {
        m_reply->abort(); // onReplyFinished reports the cancellation
        return;
    }
    ApiError e;
    e.kind = ApiError::Kind::Cancelled;
    e.message = QStringLiteral("Cancelled.");
    complete(&e, 0, nullptr);
}

ApiError ApiRequest::errorForStatus(int status, const JsonApi::Document *doc, const QByteArray &body) const
{
    ApiError e;
    e.httpStatus = status;
    if (doc)
        e.errors = doc->errors;
    QString details = doc ? doc->errorText() : QString();
    if (details.isEmpty() && !body.isEmpty() && body.size() < 512 && !doc)
        details = Redaction::text(QString::fromUtf8(body).trimmed());
    const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(m_verb), Redaction::url(m_url));
    while (details.endsWith(QLatin1Char('.')))
        details.chop(1);
    const QString suffix = details.isEmpty() ? QString() : QStringLiteral(": ") + details;
    const QString host = m_url.host();
    if (status == 401) {
        e.kind = ApiError::Kind::Unauthorized;
        const QString region = m_ctx.builder.endpoints().region == QLatin1String("custom")
            ? QStringLiteral("set by --teamtailor-url")
            : QStringLiteral("region ") + m_ctx.builder.endpoints().region;
        e.message = QStringLiteral(
            "Teamtailor rejected the %1 (401 Unauthorized)%2. The key may be wrong or revoked, "
            "or it belongs to another region: this request went to %3 (%4); "
            "Teamtailor answers 401 when a company's key is used on another region's host. "
            "Pick the company's region with --region eu|na|au, or store the right key "
            "with `intrvio secret set %5`.")
                        .arg(apiName(m_api), suffix, host, region, secretName(m_api));
    } else if (status == 403) {
        e.kind = ApiError::Kind::Forbidden;
        e.message
            = QStringLiteral("The %1 lacks the scope for %2 (403 Forbidden)%3. Candidates, job applications, "
                             "stages, notes and partner results need a key with Admin scope (read/write).")
                  .arg(apiName(m_api), what, suffix);
    } else if (status == 404) {
        e.kind = ApiError::Kind::NotFound;
        e.message = QStringLiteral("Not found (404): %1%2").arg(what, suffix);
    } else if (status == 406) {
        e.kind = ApiError::Kind::Version;
        const QByteArray v
            = m_api == Api::Public ? m_ctx.builder.endpoints().publicVersion : ApiEndpoints::PartnerVersion;
        e.message = QStringLiteral("Teamtailor refused X-Api-Version %1 (406 Not Acceptable)%2. Configure a "
                                   "supported API version.")
                        .arg(QString::fromLatin1(v), suffix);
    } else if (status == 422 || status == 400) {
        e.kind = ApiError::Kind::Validation;
        e.message = QStringLiteral("Teamtailor rejected %1 (%2)%3").arg(what).arg(status).arg(suffix);
    } else if (status == 429) {
        e.kind = ApiError::Kind::RateLimited;
        e.message
            = QStringLiteral("Teamtailor's rate limit was hit (429) for %1 after %2 attempt(s); try again "
                             "later.")
                  .arg(what)
                  .arg(m_attempts);
    } else if (status >= 500) {
        e.kind = ApiError::Kind::Server;
        e.message = QStringLiteral("Teamtailor server error %1 for %2%3 (after %4 attempt(s)).")
                        .arg(status)
                        .arg(what, suffix)
                        .arg(m_attempts);
    } else {
        e.kind = ApiError::Kind::BadResponse;
        e.message = QStringLiteral("Unexpected HTTP status %1 for %2%3").arg(status).arg(what, suffix);
    }
    return e;
}

bool ApiRequest::retryIfAllowed(const ApiError &e)
{
    if (!isIdempotent() || m_cancelled || m_attempts > m_ctx.options.maxRetries)
        return false;
    if (e.kind != ApiError::Kind::RateLimited && e.kind != ApiError::Kind::Server
        && e.kind != ApiError::Kind::Network && e.kind != ApiError::Kind::Timeout)
        return false;
    if (e.httpStatus == 501 || e.httpStatus == 505)
        return false;
    qint64 delay = 0;
    if (e.kind != ApiError::Kind::RateLimited) {
        // Exponential backoff with "equal jitter": half fixed, half random.
        const qint64 cap = qMin<qint64>(
            m_ctx.options.maxBackoffMs, static_cast<qint64>(m_ctx.options.baseBackoffMs) << (m_attempts - 1));
        const qint64 half = cap / 2;
        const qint64 jitter
            = m_ctx.rng ? static_cast<qint64>(m_ctx.rng->bounded(static_cast<quint32>(half + 1))) : half;
        delay = half + jitter;
    } else if (m_ctx.rng) {
        // The limiter already waits for the window; a little jitter spreads parallel retries.
        delay = m_ctx.rng->bounded(100);
    }
    qCInfo(lcApi).noquote() << m_id << "retrying after" << ApiError::kindName(e.kind) << e.httpStatus << "in"
                            << delay << "ms (attempt" << m_attempts + 1 << ")";
    enqueue(delay);
    return true;
}

void ApiRequest::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_timeout.stop();
    m_reply = nullptr;
    reply->deleteLater();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    RateLimiter *l = limiter();
    if (l) {
        if (status > 0)
            l->onResponse(status, RateHeaders::fromReply(reply),
                static_cast<qint64>(m_ctx.options.baseBackoffMs) << qMin(m_attempts, 6));
        else
            l->onNoResponse();
    }
    const qint64 ms = m_elapsed.elapsed();

    ApiError e;
    if (m_cancelled) {
        e.kind = ApiError::Kind::Cancelled;
        e.message = QStringLiteral("Cancelled.");
        complete(&e, status, nullptr);
        return;
    }
    if (m_tooLarge) {
        e.kind = ApiError::Kind::BadResponse;
        e.httpStatus = status;
        e.message = QStringLiteral("The answer to %1 %2 exceeds the %3 MiB limit and was discarded.")
                        .arg(QString::fromLatin1(m_verb), Redaction::url(m_url))
                        .arg(m_ctx.options.maxResponseBytes / (1024 * 1024));
        complete(&e, status, nullptr);
        return;
    }
    if (m_timedOut) {
        e.kind = ApiError::Kind::Timeout;
        e.message = QStringLiteral("Teamtailor did not answer %1 %2 within %3 (after %4 attempt(s)).")
                        .arg(QString::fromLatin1(m_verb), Redaction::url(m_url),
                            describeWait(m_ctx.options.timeoutMs))
                        .arg(m_attempts);
        qCInfo(lcApi).noquote() << m_id << "timed out after" << ms << "ms";
        if (!retryIfAllowed(e))
            complete(&e, 0, nullptr);
        return;
    }
    if (status == 0) {
        e.kind = ApiError::Kind::Network;
        e.message
            = QStringLiteral("Cannot reach Teamtailor at %1: %2 (after %3 attempt(s)). Check the network "
                             "and --teamtailor-url/--region.")
                  .arg(m_url.host(), Redaction::text(reply->errorString()))
                  .arg(m_attempts);
        qCInfo(lcApi).noquote() << m_id << "network error" << reply->error();
        if (!retryIfAllowed(e))
            complete(&e, 0, nullptr);
        return;
    }

    const QByteArray body = reply->readAll();
    qCDebug(lcApi).noquote() << m_id << status << body.size() << "bytes in" << ms << "ms";
    std::optional<JsonApi::Document> doc;
    JsonApi::DecodeError decodeError;
    if (!body.trimmed().isEmpty())
        doc = JsonApi::decode(body, m_url, &decodeError, m_decodeOptions);

    if (status >= 200 && status < 300) {
        if (!body.trimmed().isEmpty() && !doc) {
            e.kind = ApiError::Kind::BadResponse;
            e.httpStatus = status;
            e.message = QStringLiteral("Teamtailor's answer to %1 %2 is not JSON:API: %3")
                            .arg(QString::fromLatin1(m_verb), Redaction::url(m_url), decodeError.message);
            complete(&e, status, nullptr);
            return;
        }
        complete(nullptr, status, doc ? &*doc : nullptr);
        return;
    }
    e = errorForStatus(status, doc ? &*doc : nullptr, body);
    qCInfo(lcApi).noquote() << m_id << m_verb << Redaction::url(m_url) << "->" << status;
    if (!retryIfAllowed(e))
        complete(&e, status, nullptr);
}

void ApiRequest::complete(const ApiError *error, int status, const JsonApi::Document *doc)
{
    if (m_done)
        return;
    if (error) {
        fail(*error);
    } else {
        ApiError e;
        e.httpStatus = status;
        if (!succeed(status, doc, &e)) {
            if (e.message.isEmpty())
                e.message = QStringLiteral("Unexpected answer to %1 %2.")
                                .arg(QString::fromLatin1(m_verb), Redaction::url(m_url));
            fail(e);
        }
    }
    m_done = true;
    Q_EMIT finished();
    deleteLater();
}

} // namespace intrvio

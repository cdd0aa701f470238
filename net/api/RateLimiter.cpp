#include "RateLimiter.h"

#include "models/Clock.h"
#include "models/Log.h"

#include <QNetworkReply>
#include <QPointer>

#include <cmath>

namespace intrvio {

namespace {

std::optional<int> toInt(const QByteArray &v)
{
    bool ok = false;
    const int i = v.trimmed().toInt(&ok);
    return ok ? std::optional<int>(i) : std::nullopt;
}

std::optional<double> toSecs(const QByteArray &v)
{
    bool ok = false;
    const double d = v.trimmed().toDouble(&ok);
    return ok && d >= 0 && std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

qint64 secsToMs(double s)
{
    return static_cast<qint64>(std::ceil(s * 1000.0));
}

} // namespace

RateHeaders RateHeaders::parse(const QByteArray &limit, const QByteArray &remaining, const QByteArray &reset,
    const QByteArray &retryAfter)
{
    RateHeaders h;
    h.limit = toInt(limit);
    h.remaining = toInt(remaining);
    h.resetSecs = toSecs(reset);
    // Retry-After may also be an HTTP date; Teamtailor does not document it at all, so only the
    // seconds form is read and a date falls back to X-Rate-Limit-Reset.
    h.retryAfterSecs = toSecs(retryAfter);
    return h;
}

RateHeaders RateHeaders::fromReply(const QNetworkReply *reply)
{
    return parse(reply->rawHeader("X-Rate-Limit-Limit"), reply->rawHeader("X-Rate-Limit-Remaining"),
        reply->rawHeader("X-Rate-Limit-Reset"), reply->rawHeader("Retry-After"));
}

RateLimiter::RateLimiter(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RateLimiter::pump);
}

qint64 RateLimiter::delayMs() const
{
    const qint64 now = m_clock.nowMs();
    if (now < m_blockedUntilMs)
        return m_blockedUntilMs - now;
    if (m_remaining >= 0 && now < m_windowEndMs && m_remaining - m_inFlight <= 0)
        return m_windowEndMs - now;
    return 0;
}

void RateLimiter::onSent()
{
    ++m_inFlight;
}

void RateLimiter::onResponse(int httpStatus, const RateHeaders &h, qint64 fallbackBackoffMs)
{
    if (m_inFlight > 0)
        --m_inFlight;
    const qint64 now = m_clock.nowMs();
    if (h.limit)
        m_limit = *h.limit;
    if (h.remaining)
        m_remaining = *h.remaining;
    if (h.resetSecs)
        m_windowEndMs = now + secsToMs(*h.resetSecs) + SafetyMarginMs;
    if (m_windowEndMs != 0 && now >= m_windowEndMs && !h.remaining)
        m_remaining = m_limit; // a new window started and the server did not say otherwise
    if (httpStatus == 429) {
        m_remaining = 0;
        qint64 wait = -1;
        if (h.retryAfterSecs)
            wait = secsToMs(*h.retryAfterSecs);
        if (h.resetSecs)
            wait = qMax(wait, secsToMs(*h.resetSecs));
        wait = wait < 0 ? fallbackBackoffMs : wait + SafetyMarginMs;
        m_blockedUntilMs = qMax(m_blockedUntilMs, now + wait);
        if (m_windowEndMs < m_blockedUntilMs)
            m_windowEndMs = m_blockedUntilMs;
        qCInfo(lcApi) << "rate limited (429); pausing requests for" << (m_blockedUntilMs - now) << "ms";
    }
    schedule();
}

void RateLimiter::onNoResponse()
{
    if (m_inFlight > 0)
        --m_inFlight;
    schedule();
}

quint64 RateLimiter::acquire(QObject *context, std::function<void()> go)
{
    const quint64 ticket = m_nextTicket++;
    m_queue.append({ ticket, context, std::move(go) });
    schedule();
    return ticket;
}

void RateLimiter::cancel(quint64 ticket)
{
    m_queue.removeIf([ticket](const Waiter &w) { return w.ticket == ticket; });
}

void RateLimiter::schedule()
{
    if (m_queue.isEmpty())
        return;
    const qint64 d = delayMs();
    m_timer.start(static_cast<int>(qBound<qint64>(qint64(0), d, qint64(24) * 3600 * 1000)));
}

void RateLimiter::pump()
{
    while (!m_queue.isEmpty() && m_inFlight < m_maxInFlight) {
        const qint64 d = delayMs();
        if (d > 0) {
            m_timer.start(static_cast<int>(d));
            return;
        }
        Waiter w = m_queue.takeFirst();
        if (!w.context)
            continue;
        onSent();
        w.go();
    }
}

} // namespace intrvio

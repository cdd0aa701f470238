#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>

class QNetworkReply;

namespace intrvio {

class Clock;

// The rate-limit headers of one response (teamtailor-protocol.md §7.2).
struct RateHeaders
{
    std::optional<int> limit; // X-Rate-Limit-Limit
    std::optional<int> remaining; // X-Rate-Limit-Remaining
    std::optional<double> resetSecs; // X-Rate-Limit-Reset: seconds left in the current window
    std::optional<double> retryAfterSecs; // Retry-After (seconds form)

    static RateHeaders fromReply(const QNetworkReply *reply);
    // Raw header values; unparsable values are ignored.
    static RateHeaders parse(const QByteArray &limit, const QByteArray &remaining, const QByteArray &reset,
        const QByteArray &retryAfter);
};

// Keeps one API key inside the server's budget: requests queue (FIFO) while the window's budget is
// spent or after a 429 until the window resets; never more than maxInFlight at once.
// The policy (delayMs, onSent, onResponse) is pure over the injected Clock; the queue waits
// with a QTimer.
class RateLimiter : public QObject
{
    Q_OBJECT
public:
    // Margin added to server-announced waits so rounding on either side never lands a
    // request just before the window ends.
    static constexpr qint64 SafetyMarginMs = 250;

    explicit RateLimiter(const Clock &clock, QObject *parent = nullptr);

    void setMaxInFlight(int n) { m_maxInFlight = qMax(1, n); }
    int inFlight() const { return m_inFlight; }

    // --- policy ---
    // Milliseconds until the next request may be sent; 0 = now.
    qint64 delayMs() const;
    void onSent();
    // A response arrived (any status). Reads the budget; a 429 blocks until Retry-After or Reset
    // (whichever is later), or fallbackBackoffMs when the server sent neither.
    void onResponse(int httpStatus, const RateHeaders &h, qint64 fallbackBackoffMs = 1000);
    // The request ended without a response (network error, abort).
    void onNoResponse();
    qint64 blockedUntilMs() const { return m_blockedUntilMs; }

    // --- queue ---
    // Calls go (from the event loop, never synchronously) when a request may be sent; the
    // limiter counts it as sent. Returns a ticket for cancel().
    quint64 acquire(QObject *context, std::function<void()> go);
    void cancel(quint64 ticket);
    int queued() const { return static_cast<int>(m_queue.size()); }

private:
    void schedule();
    void pump();

    struct Waiter
    {
        quint64 ticket;
        QPointer<QObject> context;
        std::function<void()> go;
    };

    const Clock &m_clock;
    int m_maxInFlight = 4;
    int m_inFlight = 0;
    int m_limit = -1; // unknown until the first response
    int m_remaining = -1; // as of the last response, minus what we sent since
    qint64 m_windowEndMs = 0;
    qint64 m_blockedUntilMs = 0;
    QList<Waiter> m_queue;
    quint64 m_nextTicket = 1;
    QTimer m_timer;
};

} // namespace intrvio

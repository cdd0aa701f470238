#pragma once

#include "net/api/ApiRequest.h"
#include "net/outbox/Outbox.h"

#include <QObject>
#include <QRandomGenerator>
#include <QTimer>

#include <functional>

namespace intrvio {

class Clock;
class Store;
class TeamtailorClient;

// Sends the outbox's due rows one at a time (rows of one interview strictly in order) through the
// Teamtailor client's request builder, rate limiters and redacted logging. Failures are retried with
// exponential backoff and jitter from a seeded generator; 429 waits at least Retry-After; network
// errors, timeouts, 408/429 and 5xx are transient; other 4xx and rows past maxAttempts are
// dead-lettered until `intrvio outbox retry`. Everything is in the store, so a restart resumes.
class OutboxWorker : public QObject
{
    Q_OBJECT

public:
    struct Policy
    {
        int maxAttempts = 8;
        qint64 baseBackoffMs = 2000;
        qint64 maxBackoffMs = 10 * 60 * 1000;
        int pollMs = 1000; // how often due rows are looked for when idle
    };

    OutboxWorker(Store *store, TeamtailorClient *client, const Clock &clock, quint32 seed,
        QObject *parent = nullptr);

    void setPolicy(const Policy &policy) { m_policy = policy; }
    const Policy &policy() const { return m_policy; }
    Outbox &outbox() { return m_outbox; }

    void start(); // polls every Policy::pollMs
    void stop(); // nothing is sent until start(), kicks included
    void kick(); // look for due rows now (after a commit that queued some); no-op while stopped
    bool isRunning() const { return m_running; }
    bool busy() const { return m_inFlight; }

    // Backoff before attempt `attempts + 1` after `attempts` failures: base * 2^(attempts-1), capped,
    // with "equal jitter" (between half and all of it); never below retryAfterMs. Pure given the rng.
    static qint64 backoffMs(int attempts, qint64 retryAfterMs, const Policy &policy, QRandomGenerator &rng);

Q_SIGNALS:
    void delivered(const intrvio::OutboxItem &item, const QString &resourceId);
    void deadLettered(const intrvio::OutboxItem &item);
    void idle();

private:
    void sendNext();
    void send(const OutboxItem &item);
    // GET the candidate's notes or partner results (newest first if asked), then onListed; a failed
    // listing counts as a failed attempt of the row.
    void listForCandidate(const OutboxItem &item, const QString &path, bool newestFirst,
                          std::function<void(const JsonApi::Document &)> onListed);
    void probeNote(const OutboxItem &item);
    void probePartnerResult(const OutboxItem &item);
    void confirmPartnerResult(const OutboxItem &item, const QString &resultId, bool adopt);
    void adoptPartnerResult(const OutboxItem &item, const QString &resultId);
    void finish(const OutboxItem &item, int status, const QString &resourceId);
    void failed(const OutboxItem &item, const ApiError &error);
    QUrl resolveUrl(const OutboxItem &item, QByteArray *body, QString *why) const;

    Store *m_store;
    TeamtailorClient *m_client;
    const Clock &m_clock;
    Outbox m_outbox;
    RequestContext m_ctx;
    QRandomGenerator m_rng;
    Policy m_policy;
    QTimer m_timer;
    bool m_inFlight = false;
    bool m_running = false;
};

} // namespace intrvio

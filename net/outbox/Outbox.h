#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace intrvio {

class Clock;
class Store;

// Kinds of outbound change (table `outbox`).
namespace OutboxKind {
constexpr auto Note = "note"; // POST /v1/notes (the invite)
constexpr auto PartnerResultCreate = "partner-result.create"; // POST /partner/v1/partner-results
constexpr auto PartnerResultUpdate = "partner-result.update"; // PUT update-url or partner-results/{id}
constexpr auto StageMove = "stage.move"; // PATCH /v1/job-applications/{id} (stage or rejected-at)
} // namespace OutboxKind

namespace OutboxState {
constexpr auto Pending = "pending";
constexpr auto Sent = "sent";
constexpr auto Dead = "dead";
} // namespace OutboxState

struct OutboxItem
{
    qint64 id = 0;
    QString idempotencyKey; // unique: adding the same change twice keeps the first row
    QString kind; // OutboxKind
    QString method; // POST, PUT, PATCH
    QString url; // absolute; empty for partner-result updates resolved when sent (id known later)
    QByteArray body; // JSON; partner-result updates hold the attributes only
    QString state = QString::fromLatin1(OutboxState::Pending);
    int attempts = 0;
    QDateTime nextAttemptAt;
    QString lastError;
    int lastStatus = 0; // 0: no HTTP answer (network error, timeout); InFlightStatus: see markInFlight
    qint64 interviewId = 0; // rows of one interview are sent in id order
    QString candidateId;
    QDateTime createdAt;
    QDateTime sentAt;
};

// The durable outbox: every outbound change is a row, written on the store's connection so it
// commits (or rolls back) with the state change that caused it. OutboxWorker sends the rows.
class Outbox
{
public:
    Outbox(Store &store, const Clock &clock);

    // Inserts a pending row due now; a row with the same idempotency key is kept as it is
    // (*added false). Runs inside the caller's transaction, if any.
    bool add(OutboxItem item, QString *error, bool *added = nullptr);

    std::optional<OutboxItem> find(qint64 id) const;
    // All rows (state empty) or those in one state, oldest first.
    QList<OutboxItem> list(const QString &state = {}, int limit = 1000) const;
    // The next row that may be sent now: pending, due, and no earlier unsent row of the same
    // interview (a dead predecessor blocks its successors until it is retried).
    std::optional<OutboxItem> nextDue() const;
    // When the next pending row becomes due (invalid: none pending).
    QDateTime nextDueAt() const;

    // An attempt begins. Recorded before the request goes out, so a process killed while waiting
    // for the answer leaves the row with lastStatus InFlightStatus: the change may have landed,
    // and the next attempt treats it like one that got no answer (a note is looked for first).
    static constexpr int InFlightStatus = -1;
    bool markInFlight(qint64 id);
    bool markSent(qint64 id, int status);
    bool markFailed(qint64 id, int status, const QString &error, const QDateTime &nextAttemptAt, bool dead);
    // Dead (or pending) rows back to pending, due now, attempts reset. Returns rows changed.
    int retry(qint64 id);
    // Drops a row that was never attempted and is not due yet (a move taken back in its Undo
    // window). False when it was attempted, sent, due or gone: it may be on its way.
    bool cancelHeld(qint64 id);
    int retryAllDead();
    // Sent rows of notes no longer need their body (it holds the interview link): cleared.
    bool clearBody(qint64 id);

    qint64 count(const QString &state) const;

    static QString stamp(const QDateTime &t);

private:
    Store &m_store;
    const Clock &m_clock;
};

} // namespace intrvio

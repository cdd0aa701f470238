#pragma once

#include "models/interview/InterviewToken.h"
#include "models/interview/Scorer.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace intrvio {

class Clock;
class Store;

// Interview states; the non-"created" ones are also the partner-result statuses (protocol §5.1).
namespace InterviewState {
constexpr auto Created = "created"; // row exists, invite not yet confirmed sent
constexpr auto Sent = "sent"; // invite note delivered
constexpr auto Pending = "pending"; // the candidate opened the page
constexpr auto Completed = "completed"; // answers accepted and scored
constexpr auto Failed = "failed"; // expired, cancelled (rejection) or otherwise given up
} // namespace InterviewState

struct InterviewRecord
{
    qint64 id = 0;
    QString applicationId;
    QString candidateId;
    QString jobId;
    QString templateId;
    int generation = 0; // a restored candidate may be invited again: a new generation
    QString state;
    QString partnerResultId;
    QString updateUrl;
    std::optional<int> threshold;
    std::optional<int> score;
    QString grade;
    QString summary;
    QList<Answer> answers;
    QList<CriterionScore> criteria;
    QString failureReason;
    QString source; // "trigger" or "stage-change"
    QString triggeredBy; // Teamtailor's triggered-by, for the audit trail
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime expiresAt;
    QDateTime startedAt;
    QDateTime completedAt;

    InterviewToken::State tokenState() const;
};

// What the pipeline knows when it decides to interview someone.
struct NewInterview
{
    QString applicationId;
    QString candidateId;
    QString jobId;
    QString templateId;
    int generation = 0;
    QString source;
    QString triggeredBy;
    QString partnerResultId;
    QString updateUrl;
    std::optional<int> threshold;
};

// Storage primitives for interviews and their link tokens (table `interviews`). Only the SHA-256 of a
// token is stored; the token itself is returned once, by create(). The pipeline's state machine
// decides when to call what; these methods keep the invariants that must hold even under races:
// one interview per (application, template, generation), and one accepted submission per interview.
class InterviewRepository
{
public:
    InterviewRepository(Store &store, const Clock &clock);

    struct Created
    {
        InterviewRecord record;
        QString token; // empty when the interview already existed (its token cannot be recovered)
        bool isNew = false;
    };
    // Creates the interview with a fresh token expiring after `expiryDays`, or returns the existing
    // one for the same (application, template, generation).
    std::optional<Created> create(const NewInterview &n, int expiryDays, QString *error);

    std::optional<InterviewRecord> find(qint64 id) const;
    // Looks up by the token's hash; a malformed token is not looked up at all.
    std::optional<InterviewRecord> findByToken(const QString &token) const;
    QList<InterviewRecord> forApplication(const QString &applicationId) const;

    // Replaces the token (e.g. "resend invite") and restarts the expiry; returns the new token.
    std::optional<QString> renewToken(qint64 id, int expiryDays, QString *error);

    bool setState(qint64 id, const QString &state);
    // First open of the page: started_at is set once and the state becomes pending (from created/sent).
    bool markOpened(qint64 id);

    enum class SubmitResult { Accepted, AlreadySubmitted, NotOpen, Expired, Error };
    // Stores answers and score and marks the interview completed, only if it is still open: a second
    // submission, even a concurrent one, gets AlreadySubmitted and changes nothing.
    SubmitResult submit(qint64 id, const QList<Answer> &answers, const ScoreResult &score);

    // Marks an open interview failed with a reason (expired, rejected, ...). Completed ones stay.
    bool fail(qint64 id, const QString &reason);

private:
    Store &m_store;
    const Clock &m_clock;
};

} // namespace intrvio

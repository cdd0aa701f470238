#pragma once

#include "net/api/TeamtailorMapping.h"
#include "net/events/DomainEvent.h"
#include "net/webhook/InterviewRoutes.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <optional>

namespace intrvio {

class Clock;
class InterviewRepository;
class OutboxWorker;
class Scorer;
class Store;
class TeamtailorClient;
struct Answer;
struct InterviewRecord;
struct InterviewTemplate;
struct ScoreResult;
struct OutboxItem;

// The interview pipeline (ARCHITECTURE.md §3-§5): turns domain events into interviews and every
// consequence into outbox rows, written in the same transaction as the state change that causes
// them. State changes follow InterviewStateMachine.
//
//  partner.triggered / stage change into a mapped stage -> interview (created) + note + partner result
//  note delivered -> sent;  page opened -> pending (PUT);  answers -> scored, completed (PUT) + rule
//  expiry check -> failed (PUT);  candidate.rejected -> open interviews failed (PUT)
//  candidate.restored -> the next invite is a new generation;  candidate.deleted -> local data erased
//  job.published -> the job mirrored as published and flagged for review; its stages synced (the
//  default mappings apply by name), stale flags recomputed
//  A trigger and a company webhook for the same move share one interview, one note, one partner
//  result (the trigger's, when the webhook's own POST has not gone out yet).
class InterviewPipeline : public QObject, public DomainEventHandler, public InterviewRouteHandler
{
    Q_OBJECT

public:
    InterviewPipeline(Store *store, TeamtailorClient *client, OutboxWorker *outbox, Scorer *scorer,
        const Clock &clock, QObject *parent = nullptr);
    ~InterviewPipeline() override;

    // Where candidates reach the interview pages (`--public-url`); links are <publicUrl>/interview/<token>.
    void setPublicUrl(const QUrl &url) { m_publicUrl = url; }
    QUrl publicUrl() const { return m_publicUrl; }
    // Starts the periodic expiry check (every intervalMs) and runs it once.
    void start(int expiryCheckMs = 60 * 1000);

    bool handle(const DomainEvent &event) override;
    PageAnswer handlePage(const QByteArray &method, const QString &path, const QByteArray &contentType,
        const QByteArray &body) override;
    void handlePageLater(const QByteArray &method, const QString &path, const QByteArray &contentType,
        const QByteArray &body, std::function<void(const PageAnswer &)> reply) override;

    // Marks every open interview past its expiry failed ("expired") and queues the partner result.
    int expireDue();

    // The token of the last invite created (tests and the demo read the link from the note instead).
    QString lastInviteLink() const { return m_lastInviteLink; }

    // One invitation to create, whatever its origin.
    struct Invite
    {
        QString applicationId;
        QString candidateId;
        QString jobId;
        QString templateId;
        std::optional<int> threshold;
        QString onPass;
        QString onFail;
        QString source; // "trigger" | "stage-change" | "reconciler"
        QString triggeredBy;
        QString partnerResultId; // trigger path: the result Teamtailor created ("sending")
        QString updateUrl; // trigger path
    };
    // Creates the interview and queues its note and partner result; a second call for the same
    // (application, template, generation) changes nothing. Returns false on a store error.
    bool invite(const Invite &invite, QString *error);

    // --- admin actions (Interviews view) ---
    struct AdminOutcome
    {
        bool ok = false;
        bool newLink = false; // resend: a fresh token was issued (the old link stops working)
        QString message; // for the admin: what happened, or why nothing did and what to do
    };
    // Sends the invitation again as a new note through the outbox. An invite note that has not
    // reached Teamtailor yet is sent again with the same link; once delivered, the link exists only
    // as a hash, so a fresh link is issued (also when the old one expired) and the message says so.
    AdminOutcome resendInvite(qint64 interviewId, const QString &actor);
    // Ends an open interview as failed ("cancelled by <actor>") and queues the partner result.
    AdminOutcome cancelInterview(qint64 interviewId, const QString &actor);

Q_SIGNALS:
    void interviewCreated(qint64 interviewId);
    void interviewChanged(qint64 interviewId, const QString &state);
    // job.published: the job's stages are mirrored and `mapped` of them start an interview.
    void jobStagesSynced(const QString &jobId, int mapped);

private:
    static std::optional<InterviewRecord> openInterview(
        const InterviewRepository &repo, qint64 interviewId, const QString &whenFinal, AdminOutcome *out);
    bool onPartnerTriggered(const DomainEvent &e);
    bool onStageChanged(const DomainEvent &e);
    bool onRejected(const DomainEvent &e);
    bool onRestored(const DomainEvent &e);
    bool onDeleted(const DomainEvent &e);
    bool onJobPublished(const DomainEvent &e);
    void onDelivered(const OutboxItem &item);
    void lookupAndInvite(const Invite &invite, int attempt);
    // Reads a job's stages from Teamtailor (transient failures retried with backoff), stores them,
    // then calls onStored.
    void fetchStages(const QString &jobId, int attempt, std::function<void(const QList<tt::Stage> &)> onStored);
    void ensureStages(const QString &jobId); // fetchStages unless the job's stages are mirrored
    void syncPublishedJob(const QString &jobId);
    bool queuePartnerStatus(const InterviewRecord &rec, const QString &key, const QJsonObject &attributes,
        QString *error);
    bool cancel(const InterviewRecord &rec, const QString &reason, const QString &actor);
    // Null when the answer comes later through `later` (a remote scorer is still scoring).
    std::optional<PageAnswer> interviewPage(const QByteArray &method, const QString &token, bool json,
        const QByteArray &contentType, const QByteArray &body,
        const std::function<void(const PageAnswer &)> &later);
    // Stores the scored answers, completes the interview and queues the result and the rule.
    PageAnswer completeSubmission(const InterviewRecord &rec, const InterviewTemplate &tpl,
        const QList<Answer> &answers, const ScoreResult &score, const QString &token, bool wantsJson);
    PageAnswer reportPage(const QString &token);
    QString resolveStage(const QString &jobId, const QString &stage) const;
    int generation(const QString &applicationId) const;
    QUrl reportUrl(const QString &reportToken) const;

    Store *m_store;
    TeamtailorClient *m_client;
    OutboxWorker *m_outbox;
    Scorer *m_scorer;
    const Clock &m_clock;
    QUrl m_publicUrl;
    QTimer m_expiryTimer;
    QString m_lastInviteLink;
};

} // namespace intrvio

#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace intrvio {

// What the rest of the app (the interview pipeline) consumes: one normalized event per meaningful
// change, whichever way it reached us (partner trigger or company webhook). Value type.
struct DomainEvent
{
    // Type names (ARCHITECTURE.md §3).
    static constexpr auto PartnerTriggered = "partner.triggered";
    static constexpr auto PartnerAction = "partner.action";
    static constexpr auto ApplicationCreated = "job-application.created";
    static constexpr auto StageChanged = "job-application.stage_changed";
    static constexpr auto CandidateRejected = "candidate.rejected";
    static constexpr auto CandidateRestored = "candidate.restored";
    static constexpr auto JobPublished = "job.published";
    static constexpr auto CandidateDeleted = "candidate.deleted";

    QString type;
    qint64 inboxId = 0; // the inbox row it came from
    QString partnerEventId; // partner events
    QString action; // partner.action: the button endpoint name
    QString applicationId;
    QString candidateId;
    QString jobId;
    QString stageId;
    QString stageName;
    QString companyUuid;
    QString updateUrl; // partner result update-url
    QJsonObject webhookData; // trigger settings (partner events), ids with '-' (protocol §3.1)
    QJsonObject data; // company webhooks: the raw resource; partner events: "partner-result" and "triggered-by"
    QDateTime receivedAt;
};

// Implemented by whoever consumes events (the interview pipeline). Returning false leaves the inbox
// row unprocessed; it is retried later.
class DomainEventHandler
{
public:
    virtual ~DomainEventHandler() = default;
    virtual bool handle(const DomainEvent &event) = 0;
};

} // namespace intrvio

Q_DECLARE_METATYPE(intrvio::DomainEvent)

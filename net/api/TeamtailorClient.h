#pragma once

#include "net/api/Requests.h"

#include <QObject>
#include <QRandomGenerator>

class QNetworkAccessManager;

namespace intrvio {

class Clock;
class RateLimiter;

// The app's window onto Teamtailor's public API (/v1) and Partner API (/partner/v1), over an
// injected QNetworkAccessManager. Each call returns a started request object; connect with
// onFinished(context, [](const auto &result) {...}). Results arrive from the event loop, never
// inside the call. One rate limiter per API key keeps each key inside its budget (§7.2).
class TeamtailorClient : public QObject
{
    Q_OBJECT
public:
    TeamtailorClient(QNetworkAccessManager *nam, RequestBuilder builder, const Clock &clock, quint32 seed,
        QObject *parent = nullptr);
    ~TeamtailorClient() override;

    void setOptions(const RequestOptions &options) { m_ctx.options = options; }
    const RequestOptions &options() const { return m_ctx.options; }
    const RequestBuilder &builder() const { return m_ctx.builder; }
    // Keys replaced or cleared in the keychain: requests started from now on use these.
    void setCredentials(const ApiCredentials &credentials) { m_ctx.builder.setCredentials(credentials); }
    RateLimiter *publicLimiter() const { return m_ctx.publicLimiter; }
    RateLimiter *partnerLimiter() const { return m_ctx.partnerLimiter; }
    const RequestContext &context() const { return m_ctx; }

    ListJobsRequest *listJobs(const QUrl &pageUrl = {});
    ListJobStagesRequest *listJobStages(const QString &jobId, const QUrl &pageUrl = {});
    ListCandidatesRequest *listCandidates(const QString &updatedFrom = {}, const QUrl &pageUrl = {});
    ListJobApplicationsRequest *listJobApplications(
        const QString &updatedFrom = {}, const QUrl &pageUrl = {});
    CandidateApplicationsRequest *candidateApplications(const QString &candidateId);
    GetJobApplicationRequest *jobApplication(const QString &id);
    MoveStageRequest *moveStage(const QString &applicationId, const QString &stageId);
    CreateNoteRequest *createNote(
        const QString &candidateId, const QString &text, const QString &userId = {});
    CreatePartnerResultRequest *createPartnerResult(const tt::PartnerResultInput &input);
    UpdatePartnerResultRequest *updatePartnerResult(const QString &id, const tt::PartnerResultInput &input);
    UpdatePartnerResultRequest *updatePartnerResultAt(
        const QUrl &updateUrl, const QString &id, const tt::PartnerResultInput &input);
    GetPartnerResultRequest *partnerResult(const QString &id);
    DeletePartnerResultRequest *deletePartnerResult(const QString &id);
    ListPartnerResultsRequest *listPartnerResults(const QUrl &pageUrl = {});
    ListPartnerActivationsRequest *listPartnerActivations(const QUrl &pageUrl = {});

private:
    // Requests are children of the client: destroying the client ends them (no callbacks).
    template<class R> R *started(R *r)
    {
        r->setParent(this);
        r->start();
        return r;
    }

    QRandomGenerator m_rng;
    RequestContext m_ctx;
};

} // namespace intrvio

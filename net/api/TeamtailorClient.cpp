#include "TeamtailorClient.h"

#include "net/api/RateLimiter.h"

namespace intrvio {

TeamtailorClient::TeamtailorClient(
    QNetworkAccessManager *nam, RequestBuilder builder, const Clock &clock, quint32 seed, QObject *parent)
    : QObject(parent)
    , m_rng(seed)
{
    m_ctx.nam = nam;
    m_ctx.builder = std::move(builder);
    m_ctx.publicLimiter = new RateLimiter(clock, this);
    m_ctx.partnerLimiter = new RateLimiter(clock, this);
    m_ctx.rng = &m_rng;
}

TeamtailorClient::~TeamtailorClient() = default;

ListJobsRequest *TeamtailorClient::listJobs(const QUrl &pageUrl)
{
    return started(new ListJobsRequest(m_ctx, pageUrl));
}

ListJobStagesRequest *TeamtailorClient::listJobStages(const QString &jobId, const QUrl &pageUrl)
{
    return started(new ListJobStagesRequest(m_ctx, jobId, pageUrl));
}

ListCandidatesRequest *TeamtailorClient::listCandidates(const QString &updatedFrom, const QUrl &pageUrl)
{
    return started(new ListCandidatesRequest(m_ctx, updatedFrom, pageUrl));
}

ListJobApplicationsRequest *TeamtailorClient::listJobApplications(
    const QString &updatedFrom, const QUrl &pageUrl)
{
    return started(new ListJobApplicationsRequest(m_ctx, updatedFrom, pageUrl));
}

CandidateApplicationsRequest *TeamtailorClient::candidateApplications(const QString &candidateId)
{
    return started(new CandidateApplicationsRequest(m_ctx, candidateId));
}

GetJobApplicationRequest *TeamtailorClient::jobApplication(const QString &id)
{
    return started(new GetJobApplicationRequest(m_ctx, id));
}

MoveStageRequest *TeamtailorClient::moveStage(const QString &applicationId, const QString &stageId)
{
    return started(new MoveStageRequest(m_ctx, applicationId, stageId));
}

CreateNoteRequest *TeamtailorClient::createNote(
    const QString &candidateId, const QString &text, const QString &userId)
{
    return started(new CreateNoteRequest(m_ctx, candidateId, text, userId));
}

CreatePartnerResultRequest *TeamtailorClient::createPartnerResult(const tt::PartnerResultInput &input)
{
    return started(new CreatePartnerResultRequest(m_ctx, input));
}

UpdatePartnerResultRequest *TeamtailorClient::updatePartnerResult(
    const QString &id, const tt::PartnerResultInput &input)
{
    return started(new UpdatePartnerResultRequest(m_ctx, id, input));
}

UpdatePartnerResultRequest *TeamtailorClient::updatePartnerResultAt(
    const QUrl &updateUrl, const QString &id, const tt::PartnerResultInput &input)
{
    return started(new UpdatePartnerResultRequest(m_ctx, updateUrl, id, input));
}

GetPartnerResultRequest *TeamtailorClient::partnerResult(const QString &id)
{
    return started(new GetPartnerResultRequest(m_ctx, id));
}

DeletePartnerResultRequest *TeamtailorClient::deletePartnerResult(const QString &id)
{
    return started(new DeletePartnerResultRequest(m_ctx, id));
}

ListPartnerResultsRequest *TeamtailorClient::listPartnerResults(const QUrl &pageUrl)
{
    return started(new ListPartnerResultsRequest(m_ctx, pageUrl));
}

ListPartnerActivationsRequest *TeamtailorClient::listPartnerActivations(const QUrl &pageUrl)
{
    return started(new ListPartnerActivationsRequest(m_ctx, pageUrl));
}

} // namespace intrvio

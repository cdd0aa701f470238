#pragma once

#include "models/Teamtailor.h"
#include "net/api/ApiRequest.h"
#include "net/api/TeamtailorMapping.h"

#include <QDateTime>

// One small class per request kind (style.md §4). Each builds its URL and body from typed inputs
// and turns the JSON:API answer into typed values. List requests fetch one page; pass the
// previous page's `next` link to continue (teamtailor-protocol.md §7.1).
namespace intrvio {

// The largest page Teamtailor serves (§7.1).
inline constexpr int MaxPageSize = 30;
// How the sync's list pages (candidates, job applications) are decoded: without the resources'
// links and without the attributes the mapping does not read (most of each page's bytes).
inline constexpr JsonApi::DecodeOptions SyncPageDecode { .resourceLinks = false,
    .attributes = tt::CandidateAndApplicationAttributes };

// GET /v1/jobs?filter[status]=all&page[size]=30
class ListJobsRequest final : public TypedRequest<Page<tt::Job>>
{
public:
    ListJobsRequest(const RequestContext &ctx, const QUrl &pageUrl = {}, QObject *parent = nullptr);
    static QUrl firstPage(const RequestBuilder &b);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// GET /v1/jobs/{id}/stages?page[size]=30
class ListJobStagesRequest final : public TypedRequest<Page<tt::Stage>>
{
public:
    ListJobStagesRequest(
        const RequestContext &ctx, const QString &jobId, const QUrl &pageUrl = {}, QObject *parent = nullptr);
    static QUrl firstPage(const RequestBuilder &b, const QString &jobId);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;

private:
    QString m_jobId;
};

struct CandidatesPage
{
    Page<tt::Candidate> candidates;
    QList<tt::JobApplication> applications; // from `included`
};

// GET /v1/candidates?include=job-applications&fields[candidates]=...&page[size]=30
//     [&filter[updated-at][from]=...]
class ListCandidatesRequest final : public TypedRequest<CandidatesPage>
{
public:
    ListCandidatesRequest(const RequestContext &ctx, const QString &updatedFrom = {},
        const QUrl &pageUrl = {}, QObject *parent = nullptr);
    static QUrl firstPage(const RequestBuilder &b, const QString &updatedFrom);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// GET /v1/job-applications?include=stage&page[size]=30[&filter[updated-at][from]=...]
class ListJobApplicationsRequest final : public TypedRequest<Page<tt::JobApplication>>
{
public:
    ListJobApplicationsRequest(const RequestContext &ctx, const QString &updatedFrom = {},
        const QUrl &pageUrl = {}, QObject *parent = nullptr);
    static QUrl firstPage(const RequestBuilder &b, const QString &updatedFrom);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

struct CandidateApplications
{
    QList<tt::JobApplication> applications;
    QList<tt::Job> jobs;
    QList<tt::Stage> stages;
};

// GET /v1/candidates/{id}/job-applications?include=job,stage: candidate -> application -> job in
// one request (the partner event carries no application id, §3.2).
class CandidateApplicationsRequest final : public TypedRequest<CandidateApplications>
{
public:
    CandidateApplicationsRequest(
        const RequestContext &ctx, const QString &candidateId, QObject *parent = nullptr);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;

private:
    QString m_candidateId;
};

// GET /v1/job-applications/{id}?include=candidate,job,stage
class GetJobApplicationRequest final : public TypedRequest<tt::JobApplication>
{
public:
    GetJobApplicationRequest(const RequestContext &ctx, const QString &id, QObject *parent = nullptr);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// PATCH /v1/job-applications/{id} with a relationship update of `stage` (§7.5).
class MoveStageRequest final : public TypedRequest<tt::JobApplication>
{
public:
    MoveStageRequest(const RequestContext &ctx, const QString &applicationId, const QString &stageId,
        QObject *parent = nullptr);
    static QByteArray body(const QString &applicationId, const QString &stageId);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;

private:
    QString m_applicationId;
    QString m_stageId;
};

// POST /v1/notes: a note on a candidate (§7.7), optionally authored by a user.
class CreateNoteRequest final : public TypedRequest<tt::Note>
{
public:
    CreateNoteRequest(const RequestContext &ctx, const QString &candidateId, const QString &text,
        const QString &userId = {}, QObject *parent = nullptr);
    static QByteArray body(const QString &candidateId, const QString &text, const QString &userId);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// POST /partner/v1/partner-results (never retried: POST is not idempotent).
class CreatePartnerResultRequest final : public TypedRequest<tt::PartnerResult>
{
public:
    CreatePartnerResultRequest(
        const RequestContext &ctx, const tt::PartnerResultInput &input, QObject *parent = nullptr);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// PUT /partner/v1/partner-results/{id}, or PUT to a webhook's update-url (§5.3).
class UpdatePartnerResultRequest final : public TypedRequest<tt::PartnerResult>
{
public:
    UpdatePartnerResultRequest(const RequestContext &ctx, const QString &id,
        const tt::PartnerResultInput &input, QObject *parent = nullptr);
    UpdatePartnerResultRequest(const RequestContext &ctx, const QUrl &updateUrl, const QString &id,
        const tt::PartnerResultInput &input, QObject *parent = nullptr);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// GET /partner/v1/partner-results/{id}
class GetPartnerResultRequest final : public TypedRequest<tt::PartnerResult>
{
public:
    GetPartnerResultRequest(const RequestContext &ctx, const QString &id, QObject *parent = nullptr);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// DELETE /partner/v1/partner-results/{id}
class DeletePartnerResultRequest final : public TypedRequest<Empty>
{
public:
    DeletePartnerResultRequest(const RequestContext &ctx, const QString &id, QObject *parent = nullptr);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// GET /partner/v1/partner-results?page[size]=30
class ListPartnerResultsRequest final : public TypedRequest<Page<tt::PartnerResult>>
{
public:
    ListPartnerResultsRequest(const RequestContext &ctx, const QUrl &pageUrl = {}, QObject *parent = nullptr);
    static QUrl firstPage(const RequestBuilder &b);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

// GET /partner/v1/partner-activations?page[size]=30 (§2 step 5)
class ListPartnerActivationsRequest final : public TypedRequest<Page<tt::PartnerActivation>>
{
public:
    ListPartnerActivationsRequest(
        const RequestContext &ctx, const QUrl &pageUrl = {}, QObject *parent = nullptr);
    static QUrl firstPage(const RequestBuilder &b);

protected:
    bool succeed(int status, const JsonApi::Document *doc, ApiError *error) override;
};

} // namespace intrvio

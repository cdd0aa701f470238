#include "Requests.h"

#include <QJsonDocument>
#include <QUrlQuery>

namespace intrvio {

using Api = RequestBuilder::Api;
using JsonApi::Document;
using JsonApi::Resource;

namespace {

const QString PageSize = QString::number(MaxPageSize);

QUrlQuery pageQuery()
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("page[size]"), PageSize);
    return q;
}

template<class T, class F> Page<T> toPage(const Document &doc, F map)
{
    Page<T> page;
    page.items.reserve(doc.data.size());
    for (const Resource &r : doc.data)
        page.items.append(map(r));
    page.next = doc.next();
    page.pageCount = doc.pageCount().value_or(0);
    page.recordCount = doc.recordCount().value_or(static_cast<int>(doc.data.size()));
    return page;
}

bool needDoc(const Document *doc, bool single, ApiError *error)
{
    if (!doc || !doc->hasData || (single && (doc->dataIsArray || doc->data.size() != 1))
        || (!single && !doc->dataIsArray)) {
        error->kind = ApiError::Kind::BadResponse;
        error->message = single ? QStringLiteral("Teamtailor answered without the expected resource.")
                                : QStringLiteral("Teamtailor answered without the expected list.");
        return false;
    }
    return true;
}

// QUrlQuery leaves '+' alone, and servers read it as a space: timestamps like
// "2024-01-01T00:00:00.000+01:00" need it encoded.
QString queryValue(const QString &value)
{
    QString v = value;
    v.replace(QLatin1Char('+'), QLatin1String("%2B"));
    return v;
}

QString pathSegment(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

QByteArray partnerResultBody(const QString &id, const tt::PartnerResultInput &input, bool create)
{
    return JsonApi::encodeResource(QStringLiteral("partner-results"), id, input.attributes(create));
}

} // namespace

// --- jobs ---

QUrl ListJobsRequest::firstPage(const RequestBuilder &b)
{
    QUrlQuery q = pageQuery();
    q.addQueryItem(QStringLiteral("filter[status]"), QStringLiteral("all"));
    return b.url(Api::Public, QStringLiteral("jobs"), q);
}

ListJobsRequest::ListJobsRequest(const RequestContext &ctx, const QUrl &pageUrl, QObject *parent)
    : TypedRequest(ctx, Api::Public, "GET", pageUrl.isEmpty() ? firstPage(ctx.builder) : pageUrl, {}, parent)
{ }

bool ListJobsRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, false, error))
        return false;
    setResult(toPage<tt::Job>(*doc, [](const Resource &r) { return tt::toJob(r); }));
    return true;
}

// --- stages ---

QUrl ListJobStagesRequest::firstPage(const RequestBuilder &b, const QString &jobId)
{
    return b.url(Api::Public, QStringLiteral("jobs/%1/stages").arg(pathSegment(jobId)), pageQuery());
}

ListJobStagesRequest::ListJobStagesRequest(
    const RequestContext &ctx, const QString &jobId, const QUrl &pageUrl, QObject *parent)
    : TypedRequest(
        ctx, Api::Public, "GET", pageUrl.isEmpty() ? firstPage(ctx.builder, jobId) : pageUrl, {}, parent)
    , m_jobId(jobId)
{ }

bool ListJobStagesRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, false, error))
        return false;
    const QString jobId = m_jobId;
    setResult(toPage<tt::Stage>(*doc, [&jobId](const Resource &r) { return tt::toStage(r, jobId); }));
    return true;
}

// --- candidates ---

QUrl ListCandidatesRequest::firstPage(const RequestBuilder &b, const QString &updatedFrom)
{
    QUrlQuery q = pageQuery();
    q.addQueryItem(QStringLiteral("include"), QStringLiteral("job-applications"));
    // Sparse fieldsets: only what the store keeps (§8 item 2).
    q.addQueryItem(QStringLiteral("fields[candidates]"),
        QStringLiteral("first-name,last-name,email,phone,created-at,updated-at,job-applications"));
    if (!updatedFrom.isEmpty())
        q.addQueryItem(QStringLiteral("filter[updated-at][from]"), queryValue(updatedFrom));
    return b.url(Api::Public, QStringLiteral("candidates"), q);
}

ListCandidatesRequest::ListCandidatesRequest(
    const RequestContext &ctx, const QString &updatedFrom, const QUrl &pageUrl, QObject *parent)
    : TypedRequest(ctx, Api::Public, "GET", pageUrl.isEmpty() ? firstPage(ctx.builder, updatedFrom) : pageUrl,
        {}, parent)
{
    setDecodeOptions(SyncPageDecode);
}

bool ListCandidatesRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, false, error))
        return false;
    CandidatesPage page;
    page.candidates = toPage<tt::Candidate>(*doc, [](const Resource &r) { return tt::toCandidate(r); });
    // Included applications may lack a candidate linkage; the candidate that lists them owns them.
    QHash<QString, QString> owner;
    for (const tt::Candidate &c : std::as_const(page.candidates.items)) {
        for (const QString &a : c.applicationIds)
            owner.insert(a, c.id);
    }
    for (const Resource &r : doc->included) {
        if (r.type == QLatin1String("job-applications"))
            page.applications.append(tt::toJobApplication(r, owner.value(r.id)));
    }
    setResult(std::move(page));
    return true;
}

// --- job applications ---

QUrl ListJobApplicationsRequest::firstPage(const RequestBuilder &b, const QString &updatedFrom)
{
    QUrlQuery q = pageQuery();
    // Included resources give the stage/job/candidate linkage on every application.
    q.addQueryItem(QStringLiteral("include"), QStringLiteral("candidate,job,stage"));
    q.addQueryItem(QStringLiteral("fields[candidates]"), QStringLiteral("updated-at"));
    q.addQueryItem(QStringLiteral("fields[jobs]"), QStringLiteral("title"));
    q.addQueryItem(QStringLiteral("fields[stages]"), QStringLiteral("name"));
    if (!updatedFrom.isEmpty())
        q.addQueryItem(QStringLiteral("filter[updated-at][from]"), queryValue(updatedFrom));
    return b.url(Api::Public, QStringLiteral("job-applications"), q);
}

ListJobApplicationsRequest::ListJobApplicationsRequest(
    const RequestContext &ctx, const QString &updatedFrom, const QUrl &pageUrl, QObject *parent)
    : TypedRequest(ctx, Api::Public, "GET", pageUrl.isEmpty() ? firstPage(ctx.builder, updatedFrom) : pageUrl,
        {}, parent)
{
    setDecodeOptions(SyncPageDecode);
}

bool ListJobApplicationsRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, false, error))
        return false;
    setResult(toPage<tt::JobApplication>(*doc, [](const Resource &r) { return tt::toJobApplication(r); }));
    return true;
}

CandidateApplicationsRequest::CandidateApplicationsRequest(
    const RequestContext &ctx, const QString &candidateId, QObject *parent)
    : TypedRequest(
        ctx, Api::Public, "GET",
        [&] {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("include"), QStringLiteral("job,stage"));
            return ctx.builder.url(Api::Public,
                QStringLiteral("candidates/%1/job-applications").arg(pathSegment(candidateId)), q);
        }(),
        {}, parent)
    , m_candidateId(candidateId)
{ }

bool CandidateApplicationsRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, false, error))
        return false;
    CandidateApplications out;
    for (const Resource &r : doc->data)
        out.applications.append(tt::toJobApplication(r, m_candidateId));
    for (const Resource &r : doc->included) {
        if (r.type == QLatin1String("jobs"))
            out.jobs.append(tt::toJob(r));
        else if (r.type == QLatin1String("stages"))
            out.stages.append(tt::toStage(r));
    }
    // A stage's job is the job of the application that points at it, if the stage did not say.
    for (tt::Stage &s : out.stages) {
        if (!s.jobId.isEmpty())
            continue;
        for (const tt::JobApplication &a : std::as_const(out.applications)) {
            if (a.stageId == s.id)
                s.jobId = a.jobId;
        }
    }
    setResult(std::move(out));
    return true;
}

GetJobApplicationRequest::GetJobApplicationRequest(
    const RequestContext &ctx, const QString &id, QObject *parent)
    : TypedRequest(
        ctx, Api::Public, "GET",
        [&] {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("include"), QStringLiteral("candidate,job,stage"));
            return ctx.builder.url(
                Api::Public, QStringLiteral("job-applications/%1").arg(pathSegment(id)), q);
        }(),
        {}, parent)
{ }

bool GetJobApplicationRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, true, error))
        return false;
    setResult(tt::toJobApplication(doc->data.constFirst()));
    return true;
}

QByteArray MoveStageRequest::body(const QString &applicationId, const QString &stageId)
{
    return JsonApi::encodeResource(QStringLiteral("job-applications"), applicationId, {},
        { { QStringLiteral("stage"), { { QStringLiteral("stages"), stageId } }, false } });
}

MoveStageRequest::MoveStageRequest(
    const RequestContext &ctx, const QString &applicationId, const QString &stageId, QObject *parent)
    : TypedRequest(ctx, Api::Public, "PATCH",
        ctx.builder.url(Api::Public, QStringLiteral("job-applications/%1").arg(pathSegment(applicationId))),
        body(applicationId, stageId), parent)
    , m_applicationId(applicationId)
    , m_stageId(stageId)
{ }

bool MoveStageRequest::succeed(int, const Document *doc, ApiError *)
{
    // 200 with the application, or 204 with no body (third-party clients accept both, §7.5).
    if (doc && doc->data.size() == 1) {
        tt::JobApplication a = tt::toJobApplication(doc->data.constFirst());
        if (a.stageId.isEmpty())
            a.stageId = m_stageId;
        setResult(std::move(a));
    } else {
        tt::JobApplication a;
        a.id = m_applicationId;
        a.stageId = m_stageId;
        setResult(std::move(a));
    }
    return true;
}

// --- notes ---

QByteArray CreateNoteRequest::body(const QString &candidateId, const QString &text, const QString &userId)
{
    QList<JsonApi::RelationshipInput> rels { { QStringLiteral("candidate"),
        { { QStringLiteral("candidates"), candidateId } }, false } };
    if (!userId.isEmpty())
        rels.append({ QStringLiteral("user"), { { QStringLiteral("users"), userId } }, false });
    return JsonApi::encodeResource(
        QStringLiteral("notes"), {}, QJsonObject { { QLatin1String("note"), text } }, rels);
}

CreateNoteRequest::CreateNoteRequest(const RequestContext &ctx, const QString &candidateId,
    const QString &text, const QString &userId, QObject *parent)
    : TypedRequest(ctx, Api::Public, "POST", ctx.builder.url(Api::Public, QStringLiteral("notes")),
        body(candidateId, text, userId), parent)
{ }

bool CreateNoteRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, true, error))
        return false;
    setResult(tt::toNote(doc->data.constFirst()));
    return true;
}

// --- partner results ---

CreatePartnerResultRequest::CreatePartnerResultRequest(
    const RequestContext &ctx, const tt::PartnerResultInput &input, QObject *parent)
    : TypedRequest(ctx, Api::Partner, "POST",
        ctx.builder.url(Api::Partner, QStringLiteral("partner-results")), partnerResultBody({}, input, true),
        parent)
{ }

bool CreatePartnerResultRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, true, error))
        return false;
    setResult(tt::toPartnerResult(doc->data.constFirst()));
    return true;
}

UpdatePartnerResultRequest::UpdatePartnerResultRequest(
    const RequestContext &ctx, const QString &id, const tt::PartnerResultInput &input, QObject *parent)
    : TypedRequest(ctx, Api::Partner, "PUT",
        ctx.builder.url(Api::Partner, QStringLiteral("partner-results/%1").arg(pathSegment(id))),
        partnerResultBody(id, input, false), parent)
{ }

UpdatePartnerResultRequest::UpdatePartnerResultRequest(const RequestContext &ctx, const QUrl &updateUrl,
    const QString &id, const tt::PartnerResultInput &input, QObject *parent)
    : TypedRequest(ctx, Api::Partner, "PUT", updateUrl, partnerResultBody(id, input, false), parent)
{ }

bool UpdatePartnerResultRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, true, error))
        return false;
    setResult(tt::toPartnerResult(doc->data.constFirst()));
    return true;
}

GetPartnerResultRequest::GetPartnerResultRequest(
    const RequestContext &ctx, const QString &id, QObject *parent)
    : TypedRequest(ctx, Api::Partner, "GET",
        ctx.builder.url(Api::Partner, QStringLiteral("partner-results/%1").arg(pathSegment(id))), {}, parent)
{ }

bool GetPartnerResultRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, true, error))
        return false;
    setResult(tt::toPartnerResult(doc->data.constFirst()));
    return true;
}

DeletePartnerResultRequest::DeletePartnerResultRequest(
    const RequestContext &ctx, const QString &id, QObject *parent)
    : TypedRequest(ctx, Api::Partner, "DELETE",
        ctx.builder.url(Api::Partner, QStringLiteral("partner-results/%1").arg(pathSegment(id))), {}, parent)
{ }

bool DeletePartnerResultRequest::succeed(int, const Document *, ApiError *)
{
    setResult(Empty {});
    return true;
}

QUrl ListPartnerResultsRequest::firstPage(const RequestBuilder &b)
{
    return b.url(Api::Partner, QStringLiteral("partner-results"), pageQuery());
}

ListPartnerResultsRequest::ListPartnerResultsRequest(
    const RequestContext &ctx, const QUrl &pageUrl, QObject *parent)
    : TypedRequest(ctx, Api::Partner, "GET", pageUrl.isEmpty() ? firstPage(ctx.builder) : pageUrl, {}, parent)
{ }

bool ListPartnerResultsRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, false, error))
        return false;
    setResult(toPage<tt::PartnerResult>(*doc, [](const Resource &r) { return tt::toPartnerResult(r); }));
    return true;
}

QUrl ListPartnerActivationsRequest::firstPage(const RequestBuilder &b)
{
    return b.url(Api::Partner, QStringLiteral("partner-activations"), pageQuery());
}

ListPartnerActivationsRequest::ListPartnerActivationsRequest(
    const RequestContext &ctx, const QUrl &pageUrl, QObject *parent)
    : TypedRequest(ctx, Api::Partner, "GET", pageUrl.isEmpty() ? firstPage(ctx.builder) : pageUrl, {}, parent)
{ }

bool ListPartnerActivationsRequest::succeed(int, const Document *doc, ApiError *error)
{
    if (!needDoc(doc, false, error))
        return false;
    setResult(
        toPage<tt::PartnerActivation>(*doc, [](const Resource &r) { return tt::toPartnerActivation(r); }));
    return true;
}

} // namespace intrvio

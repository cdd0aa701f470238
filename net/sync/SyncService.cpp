#include "SyncService.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "net/api/TeamtailorClient.h"
#include "net/sync/SyncStore.h"

namespace intrvio {

namespace {

// A safety net against a server whose links.next never ends (300 000 records at 30 a page).
constexpr int MaxPagesPerResource = 10000;

QString latest(const QString &current, const QString &candidate)
{
    return SyncStore::later(current, candidate);
}

} // namespace

QString SyncService::Summary::text() const
{
    QString t = QStringLiteral("%1 jobs, %2 stages, %3 candidates, %4 job applications, ")
                    .arg(jobs)
                    .arg(stages)
                    .arg(candidates)
                    .arg(applications);
    t += partnerResultsSkipped ? QStringLiteral("partner results skipped (no partner-api-key)")
                               : QStringLiteral("%1 partner results").arg(partnerResults);
    t += QStringLiteral(" in %1 pages").arg(pages);
    if (pruned > 0)
        t += QStringLiteral("; %1 removed").arg(pruned);
    return t;
}

SyncService::SyncService(TeamtailorClient *client, Store *store, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_clock(clock)
{ }

SyncService::~SyncService()
{
    if (m_current)
        m_current->cancel();
}

template<class R> R *SyncService::track(R *request)
{
    m_current = request;
    m_currentUrl = request->url();
    return request;
}

void SyncService::start(Mode mode)
{
    if (m_running)
        return;
    m_mode = mode;
    m_running = true;
    m_error.reset();
    m_summary = {};
    m_pagesDone = 0;
    m_pagesTotal = 0;
    m_jobIds.clear();
    m_jobIndex = 0;
    m_seenJobs.clear();
    m_seenStages.clear();
    m_seenCandidates.clear();
    m_seenApplications.clear();
    m_seenResults.clear();
    m_writer = std::make_unique<SyncStore>(m_store->database());
    m_phase = Phase::Jobs;
    qCInfo(lcSync) << (mode == Mode::Full ? "full" : "incremental") << "sync started";
    runPhase();
}

void SyncService::cancel()
{
    if (!m_running)
        return;
    m_running = false;
    if (m_current)
        m_current->cancel();
    m_running = true;
    finish(false, QStringLiteral("Sync cancelled; pages already synced were kept."));
}

QString SyncService::phaseName() const
{
    switch (m_phase) {
    case Phase::Jobs:
        return QStringLiteral("jobs");
    case Phase::Stages:
        return QStringLiteral("stages");
    case Phase::Candidates:
        return QStringLiteral("candidates");
    case Phase::Applications:
        return QStringLiteral("job applications");
    case Phase::PartnerResults:
        return QStringLiteral("partner results");
    case Phase::Done:
        break;
    }
    return QStringLiteral("done");
}

void SyncService::nextPhase()
{
    m_phase = static_cast<Phase>(static_cast<int>(m_phase) + 1);
    runPhase();
}

void SyncService::runPhase()
{
    if (!m_running)
        return;
    m_pagesInPhase = 0;
    m_highWater.clear();
    m_from.clear();
    switch (m_phase) {
    case Phase::Jobs:
        m_pagesTotal += 1;
        Q_EMIT progress(m_pagesDone, m_pagesTotal, phaseName());
        fetchJobs({});
        return;
    case Phase::Stages:
        if (m_jobIds.isEmpty()) {
            if (m_mode == Mode::Full
                && !completeResource(QStringLiteral("stages"), QStringLiteral("stages"), m_seenStages))
                return;
            nextPhase();
            return;
        }
        m_jobIndex = 0;
        fetchStages({});
        return;
    case Phase::Candidates:
        if (m_mode == Mode::Incremental)
            m_from = m_writer->highWater(QStringLiteral("candidates")).value_or(QString());
        m_highWater = m_from;
        m_pagesTotal += 1;
        Q_EMIT progress(m_pagesDone, m_pagesTotal, phaseName());
        fetchCandidates({});
        return;
    case Phase::Applications:
        if (m_mode == Mode::Incremental)
            m_from = m_writer->highWater(QStringLiteral("applications")).value_or(QString());
        m_highWater = m_from;
        m_pagesTotal += 1;
        Q_EMIT progress(m_pagesDone, m_pagesTotal, phaseName());
        fetchApplications({});
        return;
    case Phase::PartnerResults:
        if (!m_client->builder().hasCredential(RequestBuilder::Api::Partner)) {
            m_summary.partnerResultsSkipped = true;
            nextPhase();
            return;
        }
        m_pagesTotal += 1;
        Q_EMIT progress(m_pagesDone, m_pagesTotal, phaseName());
        fetchPartnerResults({});
        return;
    case Phase::Done:
        finish(true, QStringLiteral("Synced %1.").arg(m_summary.text()));
        return;
    }
}

bool SyncService::pageDone(const QUrl &next, int pageCount, bool firstPage)
{
    ++m_pagesDone;
    ++m_pagesInPhase;
    ++m_summary.pages;
    if (firstPage && pageCount > 1)
        m_pagesTotal += pageCount - 1;
    if (!next.isEmpty() && m_pagesDone >= m_pagesTotal)
        m_pagesTotal = m_pagesDone + 1; // the server did not say how many: at least one more
    Q_EMIT progress(m_pagesDone, m_pagesTotal, phaseName());
    return m_running;
}

bool SyncService::checkNext(const QUrl &current, const QUrl &next)
{
    if (next == current || m_pagesInPhase >= MaxPagesPerResource) {
        ApiError e;
        e.kind = ApiError::Kind::BadResponse;
        e.message
            = QStringLiteral("Teamtailor's pagination for %1 does not end (links.next repeats or exceeds %2 "
                             "pages); the sync stopped.")
                  .arg(phaseName())
                  .arg(MaxPagesPerResource);
        failApi(e);
        return false;
    }
    return true;
}

bool SyncService::completeResource(const QString &resource, const QString &table, const QSet<QString> &seen)
{
    QString error;
    if (m_mode == Mode::Full) {
        int deleted = 0;
        if (!m_writer->prune(table, seen, &deleted, &error)) {
            failStore(error);
            return false;
        }
        m_summary.pruned += deleted;
    }
    if (!m_writer->setHighWater(resource, m_highWater, m_clock.now().toString(Qt::ISODateWithMs), &error)) {
        failStore(error);
        return false;
    }
    return true;
}

void SyncService::fetchJobs(const QUrl &next)
{
    auto *r = track(m_client->listJobs(next));
    const QUrl url = r->url();
    r->onFinished(this, [this, url, first = next.isEmpty()](const ApiResult<Page<tt::Job>> &res) {
        if (!m_running)
            return;
        if (!res.ok())
            return failApi(res.error());
        QString error;
        if (!m_writer->writeJobs(res.value().items, &error))
            return failStore(error);
        for (const tt::Job &j : res.value().items) {
            if (!m_seenJobs.contains(j.id))
                m_jobIds.append(j.id);
            m_seenJobs.insert(j.id);
        }
        m_summary.jobs = static_cast<int>(m_seenJobs.size());
        if (!pageDone(res.value().next, res.value().pageCount, first))
            return;
        if (!res.value().next.isEmpty()) {
            if (checkNext(url, res.value().next))
                fetchJobs(res.value().next);
            return;
        }
        if (m_mode == Mode::Full
            && !completeResource(QStringLiteral("jobs"), QStringLiteral("jobs"), m_seenJobs))
            return;
        m_pagesTotal += static_cast<int>(m_jobIds.size()); // one page of stages per job, at least
        nextPhase();
    });
}

void SyncService::fetchStages(const QUrl &next)
{
    const QString jobId = m_jobIds.at(m_jobIndex);
    auto *r = track(m_client->listJobStages(jobId, next));
    const QUrl url = r->url();
    r->onFinished(this, [this, url, first = next.isEmpty()](const ApiResult<Page<tt::Stage>> &res) {
        if (!m_running)
            return;
        QUrl more;
        if (res.ok()) {
            QString error;
            if (!m_writer->writeStages(res.value().items, &error))
                return failStore(error);
            for (const tt::Stage &s : res.value().items)
                m_seenStages.insert(s.id);
            m_summary.stages = static_cast<int>(m_seenStages.size());
            more = res.value().next;
            if (!pageDone(more, res.value().pageCount, first))
                return;
        } else if (res.error().kind == ApiError::Kind::NotFound) {
            // The job was deleted between the two requests: nothing to mirror.
            if (!pageDone({}, 1, first))
                return;
        } else {
            return failApi(res.error());
        }
        if (!more.isEmpty()) {
            if (checkNext(url, more))
                fetchStages(more);
            return;
        }
        if (++m_jobIndex < m_jobIds.size()) {
            m_pagesInPhase = 0;
            fetchStages({});
            return;
        }
        if (m_mode == Mode::Full
            && !completeResource(QStringLiteral("stages"), QStringLiteral("stages"), m_seenStages))
            return;
        nextPhase();
    });
}

void SyncService::fetchCandidates(const QUrl &next)
{
    auto *r = track(m_client->listCandidates(m_from, next));
    const QUrl url = r->url();
    r->onFinished(this, [this, url, first = next.isEmpty()](const ApiResult<CandidatesPage> &res) {
        if (!m_running)
            return;
        if (!res.ok())
            return failApi(res.error());
        const CandidatesPage &page = res.value();
        QString error;
        if (!m_writer->writeCandidates(page.candidates.items, page.applications, &error))
            return failStore(error);
        for (const tt::Candidate &c : page.candidates.items) {
            m_seenCandidates.insert(c.id);
            m_highWater = latest(m_highWater, c.updatedAt);
        }
        m_summary.candidates = static_cast<int>(m_seenCandidates.size());
        if (!pageDone(page.candidates.next, page.candidates.pageCount, first))
            return;
        if (!page.candidates.next.isEmpty()) {
            if (checkNext(url, page.candidates.next))
                fetchCandidates(page.candidates.next);
            return;
        }
        if (!completeResource(QStringLiteral("candidates"), QStringLiteral("candidates"), m_seenCandidates))
            return;
        nextPhase();
    });
}

void SyncService::fetchApplications(const QUrl &next)
{
    auto *r = track(m_client->listJobApplications(m_from, next));
    const QUrl url = r->url();
    r->onFinished(this, [this, url, first = next.isEmpty()](const ApiResult<Page<tt::JobApplication>> &res) {
        if (!m_running)
            return;
        if (!res.ok())
            return failApi(res.error());
        QString error;
        if (!m_writer->writeApplications(res.value().items, &error))
            return failStore(error);
        for (const tt::JobApplication &a : res.value().items) {
            m_seenApplications.insert(a.id);
            m_highWater = latest(m_highWater, a.updatedAt);
        }
        m_summary.applications = static_cast<int>(m_seenApplications.size());
        if (!pageDone(res.value().next, res.value().pageCount, first))
            return;
        if (!res.value().next.isEmpty()) {
            if (checkNext(url, res.value().next))
                fetchApplications(res.value().next);
            return;
        }
        if (!completeResource(
                QStringLiteral("applications"), QStringLiteral("applications"), m_seenApplications))
            return;
        nextPhase();
    });
}

void SyncService::fetchPartnerResults(const QUrl &next)
{
    auto *r = track(m_client->listPartnerResults(next));
    const QUrl url = r->url();
    r->onFinished(this, [this, url, first = next.isEmpty()](const ApiResult<Page<tt::PartnerResult>> &res) {
        if (!m_running)
            return;
        if (!res.ok())
            return failApi(res.error());
        QString error;
        if (!m_writer->writePartnerResults(res.value().items, &error))
            return failStore(error);
        for (const tt::PartnerResult &p : res.value().items)
            m_seenResults.insert(p.id);
        m_summary.partnerResults = static_cast<int>(m_seenResults.size());
        if (!pageDone(res.value().next, res.value().pageCount, first))
            return;
        if (!res.value().next.isEmpty()) {
            if (checkNext(url, res.value().next))
                fetchPartnerResults(res.value().next);
            return;
        }
        if (m_mode == Mode::Full
            && !completeResource(
                QStringLiteral("partner-results"), QStringLiteral("partner_results"), m_seenResults))
            return;
        nextPhase();
    });
}

void SyncService::failApi(const ApiError &e)
{
    m_error = e;
    finish(false, e.message);
}

void SyncService::failStore(const QString &message)
{
    finish(false, QStringLiteral("Sync stopped: %1. Pages written before this one were kept.").arg(message));
}

void SyncService::finish(bool ok, const QString &message)
{
    if (!m_running)
        return;
    m_running = false;
    m_phase = Phase::Done;
    m_current = nullptr;
    m_writer.reset(); // finalizes its statements while the store is surely open
    if (ok)
        qCInfo(lcSync).noquote() << message;
    else
        qCWarning(lcSync).noquote() << "sync failed:" << message;
    Q_EMIT finished(ok, message);
}

} // namespace intrvio

#include "net/pipeline/Reconciler.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorClient.h"
#include "net/events/EventNormalizer.h"
#include "net/pipeline/InterviewPipeline.h"
#include "net/sync/SyncStore.h"

#include <QSqlQuery>
#include <QUrlQuery>

namespace intrvio {

Reconciler::Reconciler(
    Store *store, TeamtailorClient *client, InterviewPipeline *pipeline, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_client(client)
    , m_pipeline(pipeline)
    , m_clock(clock)
{
    connect(&m_timer, &QTimer::timeout, this, &Reconciler::runOnce);
}

void Reconciler::start(int intervalMs)
{
    m_timer.start(intervalMs);
    runOnce();
}

QString Reconciler::stageName(const QString &stageId) const
{
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT name FROM stages WHERE id = ?"));
    q.addBindValue(stageId);
    return q.exec() && q.next() ? q.value(0).toString() : QString();
}

void Reconciler::runOnce()
{
    if (m_running)
        return;
    m_running = true;
    m_events = 0;
    // Overlap the previous pass a little: clocks differ, and a repeat is harmless.
    m_passStartedAt = m_clock.now().toUTC().addSecs(-120).toString(Qt::ISODate);
    if (!m_client->builder().hasCredential(RequestBuilder::Api::Partner)) {
        qCDebug(lcPipeline) << "reconciler: no partner-api-key; partner results still sending are not checked";
        startApplications();
        return;
    }
    fetchPartnerResults({});
}

void Reconciler::fetchPartnerResults(const QUrl &page)
{
    auto *r = m_client->listPartnerResults(page);
    r->setParent(this); // never outlives us (or the client, destroyed after us)
    r->onFinished(this, [this](const ApiResult<Page<tt::PartnerResult>> &result) {
        if (!result.ok()) {
            // The stage changes and published jobs are still caught up; the results wait for the next pass.
            qCWarning(lcPipeline).noquote() << "reconciler: cannot list partner results:" << result.error().message;
            m_sending.clear();
            return startApplications();
        }
        for (const auto &pr : result.value().items) {
            if (pr.status == QLatin1String("sending") && !knownPartnerResult(pr.id))
                m_sending.append(pr);
        }
        if (!result.value().next.isEmpty())
            return fetchPartnerResults(result.value().next);
        feedSending();
    });
}

bool Reconciler::knownPartnerResult(const QString &id) const
{
    // An interview stands for it, or an outbox row (its invite, or a refusal) is about it.
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT (SELECT COUNT(*) FROM interviews WHERE partner_result_id = ? OR update_url LIKE ?)"
                             " + (SELECT COUNT(*) FROM outbox WHERE url LIKE ?)"));
    const QString suffix = QStringLiteral("%/") + id;
    q.addBindValue(id);
    q.addBindValue(suffix);
    q.addBindValue(suffix);
    return q.exec() && q.next() && q.value(0).toInt() > 0;
}

bool Reconciler::replayTrigger(const tt::PartnerResult &result)
{
    // The /webhook call arrived (its event names the template and threshold) but did not lead to an
    // interview: the stored event goes through the pipeline again.
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT id, body FROM inbox WHERE route = '/webhook' AND instr(CAST(body AS TEXT), ?) > 0"
                             " ORDER BY id DESC LIMIT 1"));
    q.addBindValue(QString(QStringLiteral("\"") + result.id + QStringLiteral("\"")));
    if (!q.exec() || !q.next())
        return false;
    const qint64 inboxId = q.value(0).toLongLong();
    const auto decoded = EventNormalizer::decodePartnerEvent(q.value(1).toByteArray());
    const QList<DomainEvent> events = EventNormalizer::normalizePartner(decoded);
    if (events.isEmpty())
        return false;
    for (DomainEvent e : events) {
        e.inboxId = inboxId;
        qCInfo(lcPipeline) << "reconciler: partner result" << result.id << "still sending; trigger event"
                           << e.partnerEventId << "fed again";
        m_pipeline->handle(e);
        ++m_events;
    }
    return true;
}

void Reconciler::feedSending()
{
    while (!m_sending.isEmpty()) {
        const tt::PartnerResult pr = m_sending.takeFirst();
        if (replayTrigger(pr))
            continue;
        // The /webhook call never arrived: the result names the candidate and job; the application's
        // current stage decides the template (the mapping), as for the trigger itself.
        auto *r = m_client->candidateApplications(pr.candidateId);
        r->setParent(this); // never outlives us (or the client, destroyed after us)
        r->onFinished(this, [this, pr](const ApiResult<CandidateApplications> &result) {
            if (!result.ok()) {
                qCWarning(lcPipeline).noquote() << "reconciler: cannot read the applications of candidate"
                                                << pr.candidateId << ":" << result.error().message;
                return feedSending(); // this one waits for the next pass
            }
            DomainEvent e;
            e.type = QString::fromLatin1(DomainEvent::PartnerTriggered);
            e.partnerEventId = QStringLiteral("reconciled:") + pr.id;
            e.candidateId = pr.candidateId;
            e.jobId = pr.jobId;
            e.updateUrl = m_client->builder().url(RequestBuilder::Api::Partner, QStringLiteral("partner-results/") + pr.id).toString();
            e.data = QJsonObject { { QStringLiteral("partner-result"), QJsonObject { { QStringLiteral("id"), pr.id } } } };
            for (const auto &a : result.value().applications) {
                if (a.jobId != pr.jobId || !a.rejectedAt.isEmpty())
                    continue;
                e.stageId = a.stageId;
                for (const auto &st : result.value().stages) {
                    if (st.id == a.stageId)
                        e.stageName = st.name;
                }
                if (e.stageName.isEmpty())
                    e.stageName = stageName(a.stageId);
                break;
            }
            qCInfo(lcPipeline) << "reconciler: partner result" << pr.id << "still sending; no trigger event stored,"
                               << "fed as a trigger for candidate" << pr.candidateId << "job" << pr.jobId << "stage"
                               << e.stageName;
            m_pipeline->handle(e);
            ++m_events;
            feedSending();
        });
        return;
    }
    startApplications();
}

void Reconciler::startApplications()
{
    const QString from = m_store->setting(QString::fromLatin1(CursorSetting))
                             .value_or(m_clock.now().toUTC().addSecs(-3600).toString(Qt::ISODate));
    QUrl url = ListJobApplicationsRequest::firstPage(m_client->builder(), {});
    QUrlQuery q(url);
    q.addQueryItem(QStringLiteral("filter[changed-stage-at][from]"), from);
    url.setQuery(q);
    fetchApplications(url);
}

void Reconciler::fetchApplications(const QUrl &page)
{
    auto *r = m_client->listJobApplications({}, page);
    r->setParent(this); // never outlives us (or the client, destroyed after us)
    r->onFinished(this, [this](const ApiResult<Page<tt::JobApplication>> &result) {
        if (!result.ok()) {
            qCWarning(lcPipeline).noquote() << "reconciler: cannot list changed applications:" << result.error().message;
            return done(false);
        }
        for (const auto &a : result.value().items) {
            if (a.rejectedAt.isEmpty())
                m_changed.append(a);
        }
        if (!result.value().next.isEmpty())
            return fetchApplications(result.value().next);
        feedChanged();
    });
}

void Reconciler::feedChanged()
{
    // Mappings are by stage name: a job whose stages are not mirrored yet is fetched first.
    for (const auto &a : std::as_const(m_changed)) {
        if (stageName(a.stageId).isEmpty() && !m_fetchedJobs.contains(a.jobId)) {
            m_fetchedJobs.insert(a.jobId);
            auto *r = m_client->listJobStages(a.jobId);
            r->setParent(this); // never outlives us (or the client, destroyed after us)
            r->onFinished(this, [this, jobId = a.jobId](const ApiResult<Page<tt::Stage>> &result) {
                if (result.ok()) {
                    QSqlQuery j(m_store->database());
                    j.prepare(QStringLiteral("INSERT OR IGNORE INTO jobs(id, title) VALUES(?, '')"));
                    j.addBindValue(jobId);
                    j.exec();
                    QString error;
                    SyncStore(m_store->database()).writeStages(result.value().items, &error);
                }
                feedChanged();
            });
            return;
        }
    }
    for (const auto &a : std::as_const(m_changed)) {
        DomainEvent e;
        e.type = QString::fromLatin1(DomainEvent::StageChanged);
        e.applicationId = a.id;
        e.candidateId = a.candidateId;
        e.jobId = a.jobId;
        e.stageId = a.stageId;
        e.stageName = stageName(a.stageId);
        m_pipeline->handle(e);
        ++m_events;
    }
    m_changed.clear();
    m_fetchedJobs.clear();
    fetchJobs({});
}

void Reconciler::fetchJobs(const QUrl &page)
{
    auto *r = m_client->listJobs(page);
    r->setParent(this); // never outlives us (or the client, destroyed after us)
    r->onFinished(this, [this](const ApiResult<Page<tt::Job>> &result) {
        if (!result.ok()) {
            qCWarning(lcPipeline).noquote() << "reconciler: cannot list jobs:" << result.error().message;
            return done(false);
        }
        for (const auto &j : result.value().items) {
            if (j.status != QLatin1String("open"))
                continue;
            // Published jobs we have never seen (or saw unpublished) get the job.published treatment.
            QSqlQuery q(m_store->database());
            q.prepare(QStringLiteral("SELECT status FROM jobs WHERE id = ?"));
            q.addBindValue(j.id);
            if (q.exec() && q.next() && q.value(0).toString() == QLatin1String("open"))
                continue;
            DomainEvent e;
            e.type = QString::fromLatin1(DomainEvent::JobPublished);
            e.jobId = j.id;
            m_pipeline->handle(e);
            QSqlQuery u(m_store->database());
            u.prepare(QStringLiteral("UPDATE jobs SET status = 'open', title = CASE WHEN title = '' THEN ? ELSE title END WHERE id = ?"));
            u.addBindValue(j.title);
            u.addBindValue(j.id);
            u.exec();
            ++m_events;
        }
        if (!result.value().next.isEmpty())
            return fetchJobs(result.value().next);
        done(true);
    });
}

void Reconciler::done(bool ok)
{
    m_changed.clear();
    m_sending.clear();
    m_fetchedJobs.clear();
    if (ok)
        m_store->setSetting(QString::fromLatin1(CursorSetting), m_passStartedAt);
    m_running = false;
    qCInfo(lcPipeline) << "reconciler pass" << (ok ? "done," : "failed,") << m_events << "event(s) fed";
    Q_EMIT finished(ok, m_events);
}

} // namespace intrvio

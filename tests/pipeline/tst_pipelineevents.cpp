// The pipeline's answers to Teamtailor's other events, the reconciler's catch-up of partner results
// still "sending", and idempotency across the trigger and company-webhook paths, end to end against
// the in-process sandbox over loopback HTTP (tests/support/PipelineRig.h): rejection cancels, restore re-enables,
// deletion erases, publication syncs and flags; a trigger and a webhook for the same move share one
// interview, note and partner result; a partner-result POST whose answer was lost is not repeated.
#include "models/admin/AdminData.h"
#include "models/mapping/MappingEditorModel.h"
#include "net/sync/SyncService.h"
#include "models/interview/InterviewRepository.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "net/pipeline/Reconciler.h"
#include "net/webhook/Inbox.h"
#include "tests/support/PipelineRig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QtTest>

using namespace intrvio;
using namespace intrvio::test;
using Rig = PipelineRig;

namespace {

int count(const QList<sandbox::RequestRecord> &log, const char *method, const QString &pathPrefix, bool landedOnly = true)
{
    int n = 0;
    for (const auto &r : log)
        n += r.method == QLatin1String(method) && r.pathAndQuery.startsWith(pathPrefix)
            && (!landedOnly || (r.status >= 200 && r.status < 300));
    return n;
}

QString status(const Rig &rig, qint64 candidateId)
{
    return rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status();
}

} // namespace

class tst_PipelineEvents : public QObject
{
    Q_OBJECT

private:
    struct Moved
    {
        qint64 appId = 0;
        qint64 candidateId = 0;
        qint64 phone = 0;
        qint64 first = 0;
        QUrl link;
    };

    // Moves an application into "Phone screen" and waits for the invite: one note, result "sent".
    Moved moveIntoPhoneScreen(Rig &rig)
    {
        Moved m;
        m.appId = rig.pickApplication(&m.phone, &m.first);
        if (!m.appId)
            return m;
        m.candidateId = rig.sandbox->application(m.appId)->candidateId;
        if (!rig.sandbox->moveApplication(m.appId, m.phone))
            return {};
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(m.candidateId).size(), 1, 30000);
            QTRY_COMPARE_WITH_TIMEOUT(status(rig, m.candidateId), QStringLiteral("sent"), 30000);
        }();
        if (!rig.inviteNotes(m.candidateId).isEmpty())
            m.link = interviewLinkIn(rig.inviteNotes(m.candidateId).first().note);
        return m;
    }

    int interviewCount(Rig &rig, qint64 candidateId) const
    {
        return rig.scalar(QStringLiteral("SELECT count(*) FROM interviews WHERE candidate_id = '%1'").arg(candidateId)).toInt();
    }

    bool outboxDrained(Rig &rig) const
    {
        return rig.scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE state <> 'sent'")) == QLatin1String("0")
            && !rig.worker->busy();
    }

private Q_SLOTS:
    void rejectionCancelsTheInterview()
    {
        Rig rig;
        QVERIFY(rig.setUp(true));
        const Moved m = moveIntoPhoneScreen(rig);
        QVERIFY(m.link.isValid());
        QCOMPARE(httpRequest(rig.nam, "GET", m.link).status, 200); // the candidate opened it: pending
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, m.candidateId), QStringLiteral("pending"), 30000);

        QVERIFY(rig.sandbox->rejectApplication(m.appId));
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, m.candidateId), QStringLiteral("failed"), 30000);
        QVERIFY2(rig.resultOf(m.candidateId)->summary().contains(QLatin1String("rejected")),
            qPrintable(rig.resultOf(m.candidateId)->summary()));
        QCOMPARE(rig.resultsOf(m.candidateId), 1);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT state FROM interviews")), QStringLiteral("failed"));
        QCOMPARE(rig.scalar(QStringLiteral("SELECT actor || ' ' || action FROM audit_log WHERE action = 'interview.failed'")),
            QStringLiteral("teamtailor interview.failed"));
        QVERIFY(rig.scalar(QStringLiteral("SELECT details FROM audit_log WHERE action = 'interview.failed'"))
                    .contains(QLatin1String("rejected")));
        // The link is closed: the page and its JSON answer 410, and answers are refused.
        QCOMPARE(httpRequest(rig.nam, "GET", m.link).status, 410);
        QCOMPARE(httpRequest(rig.nam, "GET", QUrl(m.link.toString() + QStringLiteral(".json"))).status, 410);
        const auto tpl = TemplateRepository(*rig.store, *rig.clock).find(QStringLiteral("phone-screen"));
        QCOMPARE(httpRequest(rig.nam, "POST", m.link, strongAnswers(*tpl), "application/x-www-form-urlencoded").status, 410);
        // Restored and rejected again: the cancelled interview is not cancelled (or reported) twice.
        QVERIFY(rig.sandbox->restoreApplication(m.appId));
        QVERIFY(rig.sandbox->rejectApplication(m.appId));
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig) && rig.server->inbox()->idle(), 30000);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'interview.failed'")), QStringLiteral("1"));
    }

    void rejectionBeforeTheInviteWentOut()
    {
        // The invite is queued while the worker is paused; the rejection arrives first: the note
        // (with its link) is never posted, the partner result ends "failed".
        Rig rig;
        QVERIFY(rig.setUp(true));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        rig.worker->stop();
        QSignalSpy created(rig.pipeline.get(), &InterviewPipeline::interviewCreated);
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QVERIFY(created.wait(30000));
        QSignalSpy changed(rig.pipeline.get(), &InterviewPipeline::interviewChanged);
        QVERIFY(rig.sandbox->rejectApplication(appId));
        QVERIFY(changed.wait(30000));
        QCOMPARE(changed.at(0).at(1).toString(), QStringLiteral("failed"));
        rig.worker->start();
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, candidateId), QStringLiteral("failed"), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 0);
        QCOMPARE(count(rig.sandbox->requestLog(), "POST", QStringLiteral("/v1/notes")), 0);
    }

    void restoreAllowsANewInvite()
    {
        Rig rig;
        QVERIFY(rig.setUp(true));
        const Moved m = moveIntoPhoneScreen(rig);
        QVERIFY(m.link.isValid());
        QVERIFY(rig.sandbox->rejectApplication(m.appId));
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, m.candidateId), QStringLiteral("failed"), 30000);

        // Rejected: moving out of and back into the mapped stage invites nobody.
        const qint64 inbox = rig.sandbox->stages(rig.sandbox->application(m.appId)->jobId).first().id;
        QVERIFY(rig.sandbox->moveApplication(m.appId, inbox));
        QVERIFY(rig.sandbox->moveApplication(m.appId, m.phone));
        QTRY_VERIFY_WITH_TIMEOUT(rig.server->inbox()->idle() && outboxDrained(rig), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            count(rig.sandbox->requestLog(), "GET", QStringLiteral("/v1/job-applications/%1").arg(m.appId)), 2, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(interviewCount(rig, m.candidateId), 1);

        // Restored: the restore alone invites nobody; the next move into the mapped stage does,
        // with a new interview, a new link and a new partner result.
        QSignalSpy created(rig.pipeline.get(), &InterviewPipeline::interviewCreated);
        QVERIFY(rig.sandbox->restoreApplication(m.appId));
        QTRY_COMPARE_WITH_TIMEOUT(
            rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'interview.restored'")), QStringLiteral("1"), 30000);
        QCOMPARE(created.size(), 0);
        QVERIFY(rig.sandbox->moveApplication(m.appId, inbox));
        QVERIFY(rig.sandbox->moveApplication(m.appId, m.phone));
        QVERIFY(created.size() == 1 || created.wait(30000));
        QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(m.candidateId).size(), 2, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultsOf(m.candidateId), 2, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, m.candidateId), QStringLiteral("sent"), 30000);
        QCOMPARE(interviewCount(rig, m.candidateId), 2);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT group_concat(generation || ':' || state, ',') FROM interviews ORDER BY id")),
            QStringLiteral("0:failed,1:sent"));
        const QUrl second = interviewLinkIn(rig.inviteNotes(m.candidateId).last().note);
        QVERIFY(second.isValid() && second != m.link);
        QCOMPARE(httpRequest(rig.nam, "GET", second).status, 200);
        QCOMPARE(httpRequest(rig.nam, "GET", m.link).status, 410);
    }

    void afterAFullSync()
    {
        // With the mirror filled by a sync (as in a real installation), company webhooks, which name
        // the new stage only by name, are compared with it: a move invites, a rejection cancels, a
        // restore is recognised and the next move invites again.
        Rig rig;
        QVERIFY(rig.setUp(true));
        SyncService sync(rig.client.get(), rig.store.get(), *rig.clock);
        QSignalSpy synced(&sync, &SyncService::finished);
        sync.start(SyncService::Mode::Full);
        QVERIFY(synced.wait(60000));
        QVERIFY2(synced.at(0).at(0).toBool(), qPrintable(synced.at(0).at(1).toString()));
        QVERIFY(rig.scalar(QStringLiteral("SELECT count(*) FROM applications")).toInt() > 0);

        const Moved m = moveIntoPhoneScreen(rig);
        QVERIFY(m.link.isValid());
        QVERIFY(rig.sandbox->rejectApplication(m.appId));
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, m.candidateId), QStringLiteral("failed"), 30000);
        QVERIFY(rig.sandbox->restoreApplication(m.appId));
        QTRY_COMPARE_WITH_TIMEOUT(
            rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'interview.restored'")), QStringLiteral("1"), 30000);
        QVERIFY(rig.sandbox->moveApplication(m.appId, m.first));
        QVERIFY(rig.sandbox->moveApplication(m.appId, m.phone));
        QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(m.candidateId).size(), 2, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultsOf(m.candidateId), 2, 30000);
        QCOMPARE(interviewCount(rig, m.candidateId), 2);
        // The mirror follows: the application is in "Phone screen" and not rejected.
        QCOMPARE(rig.scalar(QStringLiteral("SELECT stage_id || ' ' || coalesce(rejected_at, '-') FROM applications WHERE id = '%1'")
                                .arg(m.appId)),
            QStringLiteral("%1 -").arg(m.phone));
    }

    void candidateDeletedErasesLocalData()
    {
        Rig rig;
        QVERIFY(rig.setUp(true));
        const Moved m = moveIntoPhoneScreen(rig);
        QVERIFY(m.link.isValid());
        const QString cid = QString::number(m.candidateId);
        // A pending outbox row of the candidate: the page is opened while the worker is paused.
        rig.worker->stop();
        QCOMPARE(httpRequest(rig.nam, "GET", m.link).status, 200);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE state = 'pending' AND candidate_id = '%1'").arg(cid)),
            QStringLiteral("1"));
        QVERIFY(rig.scalar(QStringLiteral("SELECT count(*) FROM applications WHERE candidate_id = '%1'").arg(cid)).toInt() > 0);
        const int auditBefore = rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log")).toInt();
        rig.sandbox->clearLogs();

        QVERIFY(rig.sandbox->deleteCandidate(m.candidateId));
        QTRY_COMPARE_WITH_TIMEOUT(rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'candidate.erase'")),
            QStringLiteral("1"), 30000);
        for (const QString &sql : { QStringLiteral("SELECT count(*) FROM interviews WHERE candidate_id = '%1'"),
                 QStringLiteral("SELECT count(*) FROM outbox WHERE candidate_id = '%1'"),
                 QStringLiteral("SELECT count(*) FROM applications WHERE candidate_id = '%1'"),
                 QStringLiteral("SELECT count(*) FROM candidates WHERE id = '%1'"),
                 QStringLiteral("SELECT count(*) FROM partner_results WHERE candidate_id = '%1'") })
            QVERIFY2(rig.scalar(sql.arg(cid)) == QLatin1String("0"), qPrintable(sql));
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM settings WHERE key = 'pipeline.generation.%1'").arg(m.appId)),
            QStringLiteral("0"));
        // The audit trail stays (ids, no personal data) and records the erasure by Teamtailor.
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), auditBefore + 1);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT actor || ' ' || subject FROM audit_log WHERE action = 'candidate.erase'")),
            QStringLiteral("teamtailor candidate:") + cid);
        // The link is gone, nothing more is sent about the candidate, and the GDPR button (the same
        // function) finds nothing left.
        QCOMPARE(httpRequest(rig.nam, "GET", m.link).status, 404);
        rig.worker->start();
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(count(rig.sandbox->requestLog(), "PUT", QStringLiteral("/partner/v1/partner-results"), false), 0);
        QString error;
        QCOMPARE(CandidatePrivacy::eraseCandidate(rig.store->database(), cid, *rig.clock, QStringLiteral("admin"), &error),
            CandidatePrivacy::EraseOutcome::Unknown);
        QVERIFY(error.contains(QLatin1String("nothing was erased")));
    }

    void jobPublishedSyncsStagesAndFlagsReview()
    {
        Rig rig;
        QVERIFY(rig.setUp(true));
        qint64 jobId = 0, phone = 0;
        for (const auto &job : rig.sandbox->jobs()) {
            phone = rig.sandbox->stageIdByName(job.id, QStringLiteral("Phone screen"));
            if (phone) {
                jobId = job.id;
                break;
            }
        }
        QVERIFY(jobId);
        const QString jid = QString::number(jobId);
        QSignalSpy synced(rig.pipeline.get(), &InterviewPipeline::jobStagesSynced);
        QVERIFY(rig.sandbox->setJobStatus(jobId, QStringLiteral("draft")));
        QVERIFY(rig.sandbox->setJobStatus(jobId, QStringLiteral("open")));
        QVERIFY(synced.wait(30000));
        QCOMPARE(synced.at(0).at(0).toString(), jid);
        QCOMPARE(synced.at(0).at(1).toInt(), 1); // "Phone screen", by the default mapping's name

        QCOMPARE(rig.scalar(QStringLiteral("SELECT needs_review || ' ' || status FROM jobs WHERE id = '%1'").arg(jid)),
            QStringLiteral("1 open"));
        QCOMPARE(rig.scalar(QStringLiteral("SELECT title FROM jobs WHERE id = '%1'").arg(jid)), rig.sandbox->job(jobId)->title);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM stages WHERE job_id = '%1'").arg(jid)).toInt(),
            int(rig.sandbox->stages(jobId).size()));
        const QString phoneName = rig.scalar(QStringLiteral("SELECT name FROM stages WHERE id = '%1'").arg(phone));
        QCOMPARE(phoneName, rig.sandbox->stage(phone)->name);
        const MappingDecision d = MappingRepository(*rig.store, *rig.clock).resolve(jid, QString::number(phone), phoneName);
        QVERIFY(d.found());
        QCOMPARE(d.templateId, QStringLiteral("phone-screen"));
        bool flagged = false;
        for (const MappingIssue &issue : findMappingIssues(*rig.store))
            flagged |= issue.kind == MappingIssue::Kind::JobNeedsReview && issue.subject == jid;
        QVERIFY(flagged);
        QVERIFY(rig.scalar(QStringLiteral("SELECT details FROM audit_log WHERE action = 'job.stages-mapped'"))
                    .contains(QLatin1String("phone-screen")));

        // Reviewed; a later update of the published job is not another publication.
        QString error;
        QVERIFY(markJobReviewed(*rig.store, jid, &error));
        QVERIFY(rig.sandbox->setJobStatus(jobId, QStringLiteral("unlisted")));
        QTRY_COMPARE_WITH_TIMEOUT(rig.scalar(QStringLiteral("SELECT status FROM jobs WHERE id = '%1'").arg(jid)),
            QStringLiteral("unlisted"), 30000);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT needs_review FROM jobs WHERE id = '%1'").arg(jid)), QStringLiteral("0"));
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'job.published'")), QStringLiteral("1"));
    }

    void reconcilerFeedsAResultStillSending()
    {
        // The trigger's /webhook call never reaches Intrvio (and there are no company webhooks):
        // the partner result stays "sending" until the reconciler finds it.
        Rig rig;
        QVERIFY(rig.setUp(false));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QString error;
        QVERIFY2(rig.sandbox->setTrigger(phone, {}, &error), qPrintable(error));
        rig.sandbox->setPartnerBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:9/unreachable")));
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QTRY_VERIFY_WITH_TIMEOUT(!rig.sandbox->webhookLog().isEmpty() && !rig.sandbox->webhookLog().constLast().networkError.isEmpty(),
            30000);
        rig.sandbox->setPartnerBaseUrl(rig.server->url());
        QCOMPARE(status(rig, candidateId), QStringLiteral("sending"));
        const QString resultId = rig.resultOf(candidateId)->id;

        Reconciler reconciler(rig.store.get(), rig.client.get(), rig.pipeline.get(), *rig.clock);
        QSignalSpy finished(&reconciler, &Reconciler::finished);
        reconciler.runOnce();
        QVERIFY(finished.wait(30000));
        QVERIFY(finished.at(0).at(0).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, candidateId), QStringLiteral("sent"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(candidateId).size(), 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(rig.resultsOf(candidateId), 1);
        QCOMPARE(rig.resultOf(candidateId)->id, resultId);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM interviews")), QStringLiteral("1"));
        QCOMPARE(rig.scalar(QStringLiteral("SELECT partner_result_id FROM interviews")), resultId);
        QCOMPARE(count(rig.sandbox->requestLog(), "POST", QStringLiteral("/partner/v1/partner-results"), false), 0);

        // A second pass changes nothing: no request that changes anything reaches Teamtailor.
        rig.sandbox->clearLogs();
        reconciler.runOnce();
        QVERIFY(finished.wait(30000));
        QVERIFY(finished.at(1).at(0).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        for (const char *method : { "POST", "PUT", "PATCH" })
            QCOMPARE(count(rig.sandbox->requestLog(), method, QStringLiteral("/"), false), 0);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 1);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM interviews")), QStringLiteral("1"));
    }

    void reconcilerReplaysAStoredTrigger()
    {
        // The /webhook call arrived and was stored, but its processing never led to an interview
        // (here: no handler was attached): the reconciler feeds the stored event again, so the
        // trigger's own settings (template, threshold) apply.
        Rig rig;
        QVERIFY(rig.setUp(false));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QString error;
        QVERIFY(rig.sandbox->setTrigger(phone,
            QJsonObject { { QStringLiteral("template"), QStringLiteral("phone-screen") }, { QStringLiteral("threshold"), 35 } },
            &error));
        rig.server->inbox()->setHandler(nullptr);
        QSignalSpy processed(rig.server->inbox(), &Inbox::rowProcessed);
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QVERIFY(processed.wait(30000));
        rig.server->inbox()->setHandler(rig.pipeline.get());
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM interviews")), QStringLiteral("0"));

        Reconciler reconciler(rig.store.get(), rig.client.get(), rig.pipeline.get(), *rig.clock);
        QSignalSpy finished(&reconciler, &Reconciler::finished);
        reconciler.runOnce();
        QVERIFY(finished.wait(30000));
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, candidateId), QStringLiteral("sent"), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(rig.resultsOf(candidateId), 1);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 1);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT threshold || ' ' || source FROM interviews")), QStringLiteral("35 trigger"));
    }

    void triggerForAnApplicationRejectedMeanwhile()
    {
        // The trigger's event was stored but not handled, and the application was rejected since:
        // the reconciler's replay invites nobody, and the trigger's result says why instead of
        // staying "sending" (so later passes leave it alone).
        Rig rig;
        QVERIFY(rig.setUp(false));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QString error;
        QVERIFY(rig.sandbox->setTrigger(phone, {}, &error));
        rig.server->inbox()->setHandler(nullptr);
        QSignalSpy processed(rig.server->inbox(), &Inbox::rowProcessed);
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QVERIFY(processed.wait(30000));
        rig.server->inbox()->setHandler(rig.pipeline.get());
        QVERIFY(rig.sandbox->rejectApplication(appId));

        Reconciler reconciler(rig.store.get(), rig.client.get(), rig.pipeline.get(), *rig.clock);
        QSignalSpy finished(&reconciler, &Reconciler::finished);
        reconciler.runOnce();
        QVERIFY(finished.wait(30000));
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, candidateId), QStringLiteral("failed"), 30000);
        QVERIFY(rig.resultOf(candidateId)->summary().contains(QLatin1String("rejected")));
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 0);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM interviews")), QStringLiteral("0"));
    }

    void triggerAndCompanyWebhookShareOneInterview()
    {
        // One move, reported twice: the trigger (/webhook with an update-url) and the company
        // webhook. One interview, one note, and the trigger's partner result carries everything.
        Rig rig;
        QVERIFY(rig.setUp(true));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QString error;
        QVERIFY(rig.sandbox->setTrigger(phone, {}, &error));
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(candidateId).size(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, candidateId), QStringLiteral("sent"), 30000);
        // Both paths looked the application up (so both were handled) and everything went out.
        QTRY_VERIFY_WITH_TIMEOUT(count(rig.sandbox->requestLog(), "GET", QStringLiteral("/v1/job-applications/%1").arg(appId)) >= 1
                && count(rig.sandbox->requestLog(), "GET", QStringLiteral("/v1/candidates/%1/job-applications").arg(candidateId)) >= 1,
            30000);
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig) && rig.server->inbox()->idle(), 30000);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM interviews")), QStringLiteral("1"));
        QCOMPARE(rig.inviteNotes(candidateId).size(), 1);
        QCOMPARE(rig.resultsOf(candidateId), 1);
        QCOMPARE(count(rig.sandbox->requestLog(), "POST", QStringLiteral("/partner/v1/partner-results"), false), 0);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT partner_result_id FROM interviews")), rig.resultOf(candidateId)->id);

        // The result lands on that one partner result.
        const QUrl link = interviewLinkIn(rig.inviteNotes(candidateId).first().note);
        QCOMPARE(httpRequest(rig.nam, "GET", link).status, 200);
        const auto tpl = TemplateRepository(*rig.store, *rig.clock).find(QStringLiteral("phone-screen"));
        QCOMPARE(httpRequest(rig.nam, "POST", link, strongAnswers(*tpl), "application/x-www-form-urlencoded").status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, candidateId), QStringLiteral("completed"), 30000);
        QCOMPARE(rig.resultsOf(candidateId), 1);
    }

    void triggerAndCompanyWebhookWhileTheOutboxWaits()
    {
        // The same, with nothing sent until both reports are handled: whichever path created the
        // interview, it ends with the trigger's result and no partner-result POST is queued.
        Rig rig;
        QVERIFY(rig.setUp(true));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QString error;
        QVERIFY(rig.sandbox->setTrigger(phone, {}, &error));
        rig.worker->stop();
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QTRY_VERIFY_WITH_TIMEOUT(count(rig.sandbox->requestLog(), "GET", QStringLiteral("/v1/job-applications/%1").arg(appId)) >= 1
                && count(rig.sandbox->requestLog(), "GET", QStringLiteral("/v1/candidates/%1/job-applications").arg(candidateId)) >= 1
                && rig.server->inbox()->idle(),
            30000);
        const QString resultId = rig.resultOf(candidateId)->id;
        QTRY_COMPARE_WITH_TIMEOUT(rig.scalar(QStringLiteral("SELECT partner_result_id FROM interviews")), resultId, 30000);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM interviews")), QStringLiteral("1"));
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE kind = 'partner-result.create'")), QStringLiteral("0"));
        rig.worker->start();
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, candidateId), QStringLiteral("sent"), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(rig.resultsOf(candidateId), 1);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 1);
        QCOMPARE(count(rig.sandbox->requestLog(), "POST", QStringLiteral("/partner/v1/partner-results"), false), 0);
    }

    void lostPartnerResultAnswerIsNotRepeated()
    {
        // The partner-result POST reaches Teamtailor but its answer is lost: the retry finds the
        // result instead of creating a second one.
        Rig rig;
        OutboxWorker::Policy policy;
        policy.baseBackoffMs = 100;
        policy.maxBackoffMs = 300;
        QVERIFY(rig.setUp(true, policy));
        sandbox::Faults f;
        f.lostAnswers = 1;
        f.lostAnswerPath = QStringLiteral("/partner/v1/partner-results");
        rig.sandbox->setFaults(f);
        const Moved m = moveIntoPhoneScreen(rig);
        QVERIFY(m.link.isValid());
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(rig), 30000);
        QCOMPARE(rig.sandbox->faults().lostAnswers, 0); // the fault fired
        QCOMPARE(rig.resultsOf(m.candidateId), 1);
        QCOMPARE(count(rig.sandbox->requestLog(), "POST", QStringLiteral("/partner/v1/partner-results"), false), 1);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT partner_result_id FROM interviews")), rig.resultOf(m.candidateId)->id);
        // Later updates reach that result.
        QCOMPARE(httpRequest(rig.nam, "GET", m.link).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(status(rig, m.candidateId), QStringLiteral("pending"), 30000);
        QCOMPARE(rig.resultsOf(m.candidateId), 1);
    }
};

QTEST_GUILESS_MAIN(tst_PipelineEvents)
#include "tst_pipelineevents.moc"

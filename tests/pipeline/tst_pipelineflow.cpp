// The interview pipeline end to end against the in-process Teamtailor sandbox over loopback HTTP,
// with a real store, the real webhook server (company webhooks and partner events are signed and
// verified) and the real outbox worker: stage move -> one note with a working link -> answers ->
// completed partner result -> the pass rule moves the application. Also the trigger path, 503s,
// 429 storms and an outage during the flow, dead letters and their retry, and expiry.
#include "models/interview/InterviewRepository.h"
#include "models/interview/TemplateRepository.h"
#include "net/outbox/OutboxWorker.h"
#include "net/pipeline/Reconciler.h"
#include "tests/support/PipelineRig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QUrlQuery>
#include <QtTest>

using namespace intrvio;

namespace {

using Rig = test::PipelineRig;
using test::httpRequest;
using test::interviewLinkIn;
using test::strongAnswers;

} // namespace

class tst_PipelineFlow : public QObject
{
    Q_OBJECT

private:
    // Candidate answers through the page; returns the completed partner result.
    void answer(Rig &rig, qint64 candidateId, const QUrl &link)
    {
        const test::HttpResult page = httpRequest(rig.nam, "GET", link);
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("consent"));
        const test::HttpResult json = httpRequest(rig.nam, "GET", QUrl(link.toString() + QStringLiteral(".json")));
        QCOMPARE(json.status, 200);
        QVERIFY(QJsonDocument::fromJson(json.body).object().contains(QLatin1String("questions")));
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("pending"), 20000);
        const auto tpl = TemplateRepository(*rig.store, *rig.clock).find(QStringLiteral("phone-screen"));
        QVERIFY(tpl);
        const test::HttpResult posted = httpRequest(rig.nam, "POST", link, strongAnswers(*tpl), "application/x-www-form-urlencoded");
        QCOMPARE(posted.status, 201);
        // Single use: a second submission is refused.
        const test::HttpResult again = httpRequest(rig.nam, "POST", link, strongAnswers(*tpl), "application/x-www-form-urlencoded");
        QCOMPARE(again.status, 409);
    }

    void verifyCompleted(Rig &rig, qint64 candidateId, qint64 applicationId, qint64 firstInterview)
    {
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("completed"), 30000);
        const auto r = *rig.resultOf(candidateId);
        QVERIFY(r.score().has_value());
        QVERIFY(*r.score() >= 50);
        QCOMPARE(r.grade(), QStringLiteral("top_fit"));
        QVERIFY(!r.summary().isEmpty());
        const QJsonObject details = r.attributes.value(QLatin1String("details")).toObject();
        QVERIFY2(QJsonDocument(details).toJson().contains("transcript") || !details.isEmpty(),
            QJsonDocument(details).toJson().constData());
        QVERIFY(!r.attributes.value(QLatin1String("assessment-criteria")).toArray().isEmpty());
        // The report page behind the result's url works and is read-only.
        const test::HttpResult report = httpRequest(rig.nam, "GET", QUrl(r.url()));
        QCOMPARE(report.status, 200);
        QCOMPARE(httpRequest(rig.nam, "POST", QUrl(r.url()), "x", "text/plain").status, 405);
        // The pass rule moved the application.
        QTRY_COMPARE_WITH_TIMEOUT(rig.sandbox->application(applicationId)->stageId, firstInterview, 30000);
        QCOMPARE(rig.resultsOf(candidateId), 1);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 1);
        // The sandbox applies the PATCH before the worker has read its answer and marked the row sent.
        QTRY_COMPARE_WITH_TIMEOUT(rig.scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE state != 'sent'")),
            QStringLiteral("0"), 30000);
        QVERIFY(rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'stage.moved'")).toInt() == 1);
    }

    void runCompanyWebhookFlow(Rig &rig, const std::function<void()> &duringFlow = {})
    {
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        QVERIFY(appId);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        if (duringFlow)
            duringFlow();
        QString error;
        QVERIFY2(rig.sandbox->moveApplication(appId, phone, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(candidateId).size(), 1, 60000);
        const QUrl link = interviewLinkIn(rig.inviteNotes(candidateId).first().note);
        QVERIFY(link.isValid());
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("sent"), 60000);
        answer(rig, candidateId, link);
        if (QTest::currentTestFailed())
            return;
        verifyCompleted(rig, candidateId, appId, first);
    }

private Q_SLOTS:
    void companyWebhookPath()
    {
        Rig rig;
        QVERIFY(rig.setUp(true));
        runCompanyWebhookFlow(rig);
    }

    void triggerPath()
    {
        Rig rig;
        QVERIFY(rig.setUp(false));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        QVERIFY(appId);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QString error;
        // The trigger's webhook-data names the template and a threshold (overriding the mapping's).
        QVERIFY2(rig.sandbox->setTrigger(phone,
                     QJsonObject { { QStringLiteral("template"), QStringLiteral("phone-screen") },
                         { QStringLiteral("threshold"), 40 } },
                     &error),
            qPrintable(error));
        QVERIFY2(rig.sandbox->moveApplication(appId, phone, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(candidateId).size(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("sent"), 30000);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT threshold FROM interviews")), QStringLiteral("40"));
        answer(rig, candidateId, interviewLinkIn(rig.inviteNotes(candidateId).first().note));
        if (QTest::currentTestFailed())
            return;
        verifyCompleted(rig, candidateId, appId, first);
    }

    void faultsDuringTheFlow()
    {
        Rig rig;
        OutboxWorker::Policy policy;
        policy.baseBackoffMs = 200;
        policy.maxBackoffMs = 1500;
        policy.maxAttempts = 100;
        QVERIFY(rig.setUp(true, policy));
        runCompanyWebhookFlow(rig, [&] {
            // 503s at random, then the API unreachable for a few seconds, then a 429 storm.
            sandbox::Faults f;
            f.errorRate = 0.5;
            f.downSecs = 3;
            rig.sandbox->setFaults(f);
            QTimer::singleShot(3500, rig.sandbox.get(), [&rig] {
                sandbox::Faults s;
                s.storm429Secs = 2;
                s.errorRate = 0.3;
                rig.sandbox->setFaults(s);
            });
            QTimer::singleShot(7000, rig.sandbox.get(), [&rig] { rig.sandbox->setFaults({}); });
        });
        // Nothing went twice: one POST /v1/notes and one POST partner result reached the handlers.
        int notePosts = 0;
        for (const auto &r : rig.sandbox->requestLog())
            notePosts += r.method == QLatin1String("POST") && r.pathAndQuery.startsWith(QLatin1String("/v1/notes"))
                && r.status >= 200 && r.status < 300;
        QCOMPARE(notePosts, 1);
    }

    void deadLetterAndRetry()
    {
        Rig rig;
        OutboxWorker::Policy policy;
        policy.baseBackoffMs = 50;
        policy.maxBackoffMs = 100;
        policy.maxAttempts = 2;
        QVERIFY(rig.setUp(true, policy));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        // The invite is created while the worker is paused; then every API call fails with 500.
        rig.worker->stop();
        QSignalSpy created(rig.pipeline.get(), &InterviewPipeline::interviewCreated);
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QVERIFY(created.wait(30000));
        sandbox::Faults f;
        f.errorRate = 1.0;
        rig.sandbox->setFaults(f);
        QSignalSpy dead(rig.worker.get(), &OutboxWorker::deadLettered);
        rig.worker->start();
        QVERIFY(dead.wait(30000));
        QCOMPARE(rig.worker->outbox().count(QStringLiteral("dead")), 1);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 0);
        rig.sandbox->setFaults({});
        QCOMPARE(rig.worker->outbox().retryAllDead(), 1);
        rig.worker->kick();
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("sent"), 30000);
        QCOMPARE(rig.inviteNotes(candidateId).size(), 1);
        QCOMPARE(rig.worker->outbox().count(QStringLiteral("dead")), 0);
    }

    void reconcilerCatchesAMissedStageChange()
    {
        // No company webhooks and no trigger: the move reaches Intrvio only through the reconciler.
        Rig rig;
        QVERIFY(rig.setUp(false));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        Reconciler reconciler(rig.store.get(), rig.client.get(), rig.pipeline.get(), *rig.clock);
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QSignalSpy finished(&reconciler, &Reconciler::finished);
        reconciler.runOnce();
        QVERIFY(finished.wait(30000));
        QVERIFY(finished.at(0).at(0).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("sent"), 30000);
        // A second pass sees the same change again and changes nothing.
        rig.store->setSetting(QString::fromLatin1(Reconciler::CursorSetting),
            QDateTime::currentDateTimeUtc().addSecs(-3600).toString(Qt::ISODate));
        reconciler.runOnce();
        QVERIFY(finished.wait(30000));
        QTest::qWait(300); // let a (wrong) second invite surface before counting
        QCOMPARE(rig.inviteNotes(candidateId).size(), 1);
        QCOMPARE(rig.resultsOf(candidateId), 1);
        QCOMPARE(rig.scalar(QStringLiteral("SELECT count(*) FROM interviews")), QStringLiteral("1"));
    }

    void expiredTokenFails()
    {
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Rig rig;
        QVERIFY(rig.setUp(true, {}, &clock));
        qint64 phone = 0, first = 0;
        const qint64 appId = rig.pickApplication(&phone, &first);
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QVERIFY(rig.sandbox->moveApplication(appId, phone));
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("sent"), 30000);
        const QUrl link = interviewLinkIn(rig.inviteNotes(candidateId).first().note);
        clock.advanceSecs(8 * 24 * 3600);
        QCOMPARE(httpRequest(rig.nam, "GET", link).status, 410);
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
            QStringLiteral("failed"), 30000);
        QVERIFY(rig.resultOf(candidateId)->summary().contains(QLatin1String("expired")));
        QCOMPARE(httpRequest(rig.nam, "GET", QUrl(rig.server->url().toString() + QStringLiteral("/interview/nope"))).status, 404);
    }
};

QTEST_GUILESS_MAIN(tst_PipelineFlow)
#include "tst_pipelineflow.moc"

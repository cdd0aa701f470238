// The stage-mapping wizard end to end on the sandbox's demo company, and the mapping it saves
// driving real invites. The pipeline is wired as the composition root wires it (webhook server,
// Teamtailor client, outbox worker; tests/support/PipelineRig.h) against the in-process Teamtailor
// sandbox over loopback HTTP. The sandbox is synced into the store, the wizard is walked page by
// page (stages, templates, one per-job exception, confirm, triggers), then a candidate is moved in
// the sandbox into the stage chosen in the wizard: the sandbox's signed company webhook reaches the
// webhook server, the stored mapping picks the template (the default for most jobs, the exception
// for one), and exactly one invite note with a working <public-url>/interview/<token> link lands
// on the candidate while the partner result becomes "sent".
#include "models/Clock.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"
#include "net/sync/SyncService.h"
#include "tests/support/PipelineRig.h"
#include "ui/MappingEditor.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QSet>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTextBrowser>
#include <QtTest>
#include <QUndoStack>

using namespace intrvio;

class tst_MappingWizard : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::PipelineRig> m_rig;
    Store *m_store = nullptr;
    Sandbox *m_sandbox = nullptr;

    bool sync(SyncService::Mode mode, QString *message)
    {
        SyncService service(m_rig->client.get(), m_store, Clock::system());
        QSignalSpy done(&service, &SyncService::finished);
        service.start(mode);
        if (!done.wait(60000))
            return false;
        *message = done.at(0).at(1).toString();
        return done.at(0).at(0).toBool();
    }

    QString storedStage(const QString &applicationId)
    {
        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral("SELECT stage_id FROM applications WHERE id = ?"));
        q.addBindValue(applicationId);
        return q.exec() && q.next() ? q.value(0).toString() : QString();
    }

    // The move's company webhook reached the webhook server and the pipeline turned the wizard's
    // mapping into exactly one invite: a note with a working <public-url>/interview/<token> link on
    // the candidate in the sandbox, and the partner result "sent".
    void verifyInvite(qint64 applicationId, qint64 candidateId, const QString &templateId)
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_rig->inviteNotes(candidateId).size(), 1, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(m_rig->resultStatus(candidateId), QStringLiteral("sent"), 60000);
        // Once the outbox has drained nothing else can add a note or a result.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_rig->scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE state != 'sent'")), QStringLiteral("0"),
            60000);
        QCOMPARE(m_rig->inviteNotes(candidateId).size(), 1);
        QCOMPARE(m_rig->resultsOf(candidateId), 1);
        QVERIFY(m_rig->scalar(QStringLiteral("SELECT count(*) FROM inbox WHERE route = '/company-webhooks'"))
                    .toInt()
            > 0);

        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral("SELECT id, template_id, source FROM interviews WHERE application_id = ?"));
        q.addBindValue(QString::number(applicationId));
        QVERIFY(q.exec() && q.next());
        const qint64 interviewId = q.value(0).toLongLong();
        QCOMPARE(q.value(1).toString(), templateId);
        QCOMPARE(q.value(2).toString(), QStringLiteral("stage-change"));
        QVERIFY(!q.next());
        QCOMPARE(m_rig->scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'interview.invited'"
                                              " AND subject = 'interview:%1'")
                                   .arg(interviewId)),
            QStringLiteral("1"));

        const QString note = m_rig->inviteNotes(candidateId).first().note;
        const QUrl link = test::interviewLinkIn(note);
        QVERIFY2(link.isValid(), qPrintable(note));
        QVERIFY2(link.toString().startsWith(m_rig->server->url().toString() + QStringLiteral("/interview/")),
            qPrintable(link.toString()));
        const test::HttpResult page = test::httpRequest(m_rig->nam, "GET", link);
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("consent"));
        // The page asks the questions of the template the wizard chose.
        const test::HttpResult json = test::httpRequest(m_rig->nam, "GET", QUrl(link.toString() + QStringLiteral(".json")));
        QCOMPARE(json.status, 200);
        const QJsonArray questions = QJsonDocument::fromJson(json.body).object().value(QLatin1String("questions")).toArray();
        const auto tpl = TemplateRepository(*m_store, Clock::system()).find(templateId);
        QVERIFY(tpl);
        QCOMPARE(questions.size(), tpl->questions.size());
        QVERIFY(!questions.isEmpty());
        QCOMPARE(questions.first().toObject().value(QLatin1String("text")).toString(), tpl->questions.first().text);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // No mapping yet: the wizard makes it. Company webhooks on, so a stage move in the sandbox
        // reaches the webhook server the way Teamtailor's would.
        m_rig = std::make_unique<test::PipelineRig>();
        m_rig->mapPhoneScreen = false;
        QVERIFY2(m_rig->setUp(true), qPrintable(m_rig->error));
        // The rig's short per-request timeout suits its fault tests; syncs here get the default.
        RequestOptions options = m_rig->client->options();
        options.timeoutMs = RequestOptions {}.timeoutMs;
        m_rig->client->setOptions(options);
        m_store = m_rig->store.get();
        m_sandbox = m_rig->sandbox.get();
        QVERIFY(MappingRepository(*m_store, Clock::system()).list().isEmpty());
        QString message;
        QVERIFY2(sync(SyncService::Mode::Full, &message), qPrintable(message));
    }

    void cleanupTestCase()
    {
        m_store = nullptr;
        m_sandbox = nullptr;
        m_rig.reset();
    }

    void wizardEndToEnd()
    {
        MappingEditor editor(m_store, nullptr);
        std::unique_ptr<MappingWizard> wizard(editor.createWizard());
        wizard->show();
        QVERIFY(QTest::qWaitForWindowExposed(wizard.get()));
        QCOMPARE(wizard->currentId(), int(MappingWizard::StagesPageId));

        // 1. Stages: every distinct stage name of the demo jobs; tick "Phone screen".
        auto *stages = wizard->findChild<QListWidget *>(QStringLiteral("wizardStages"));
        QVERIFY(stages->count() >= 5);
        QListWidgetItem *phone = nullptr;
        int jobsWithPhone = 0;
        for (int i = 0; i < stages->count(); ++i) {
            if (stages->item(i)->data(Qt::UserRole).toString() == QLatin1String("Phone screen"))
                phone = stages->item(i);
            if (stages->item(i)->data(Qt::UserRole).toString() == QLatin1String("Inbox"))
                QVERIFY(stages->item(i)->text().contains(QStringLiteral("not recommended")));
        }
        for (const auto &j : m_sandbox->jobs()) {
            for (const auto &s : m_sandbox->stages(j.id))
                jobsWithPhone += s.name == QLatin1String("Phone screen") ? 1 : 0;
        }
        QVERIFY(phone);
        QVERIFY(jobsWithPhone >= 2);
        QVERIFY(phone->text().contains(QStringLiteral("(%1 job").arg(jobsWithPhone)));
        QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled()); // nothing ticked yet
        phone->setCheckState(Qt::Checked);
        QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());
        wizard->next();

        // 2. Templates: the phone-screen template for "Phone screen".
        QCOMPARE(wizard->currentId(), int(MappingWizard::TemplatesPageId));
        auto *templates = wizard->findChild<QTableWidget *>(QStringLiteral("wizardTemplates"));
        QCOMPARE(templates->rowCount(), 1);
        auto *combo = qobject_cast<QComboBox *>(templates->cellWidget(0, 1));
        QVERIFY(combo);
        QCOMPARE(combo->currentData().toString(), QStringLiteral("phone-screen")); // preselected by name
        wizard->next();

        // 3. Exceptions: one row per job with the stage; the first job gets the technical template.
        QCOMPARE(wizard->currentId(), int(MappingWizard::ExceptionsPageId));
        auto *exceptions = wizard->findChild<QTableWidget *>(QStringLiteral("wizardExceptions"));
        QCOMPARE(exceptions->rowCount(), jobsWithPhone);
        const QString exceptionJob = exceptions->item(0, 0)->data(Qt::UserRole).toString();
        auto *exCombo = qobject_cast<QComboBox *>(exceptions->cellWidget(0, 2));
        exCombo->setCurrentIndex(exCombo->findData(QStringLiteral("technical")));
        QVERIFY(exCombo->currentIndex() > 0);
        wizard->next();

        // 4. Confirm: the summary lists both; continuing saves them as one undoable change.
        QCOMPARE(wizard->currentId(), int(MappingWizard::ConfirmPageId));
        const QString summary = wizard->findChild<QLabel *>(QStringLiteral("wizardSummary"))->text();
        QVERIFY2(summary.contains(QStringLiteral("All jobs")) && summary.contains(QStringLiteral("override")),
            qPrintable(summary));
        QVERIFY(MappingRepository(*m_store, Clock::system()).list().isEmpty());
        wizard->next();
        QCOMPARE(editor.undoStack()->count(), 1);
        const QList<StageMapping> stored = MappingRepository(*m_store, Clock::system()).list();
        QCOMPARE(stored.size(), 2);

        // 5. The trigger to create in Teamtailor.
        QCOMPARE(wizard->currentId(), int(MappingWizard::TriggersPageId));
        const QString triggers
            = wizard->findChild<QTextBrowser *>(QStringLiteral("wizardTriggers"))->toPlainText();
        QVERIFY2(triggers.contains(QStringLiteral("Send Intrvio interview on stage Phone screen")),
            qPrintable(triggers));
        wizard->accept();

        // A candidate moves to "Phone screen" in Teamtailor (the sandbox). The stored mapping decides
        // which interview they get (dry run and the repository agree), and the pipeline sends it.
        QSet<qint64> movedCandidates;
        auto check = [&](bool wantException) {
            const QString wantTemplate = wantException ? QStringLiteral("technical") : QStringLiteral("phone-screen");
            for (const auto &app : m_sandbox->applications()) {
                const QString jobId = QString::number(app.jobId);
                if ((jobId == exceptionJob) != wantException || app.rejectedAt.isValid()
                    || movedCandidates.contains(app.candidateId))
                    continue;
                qint64 target = 0;
                for (const auto &s : m_sandbox->stages(app.jobId)) {
                    if (s.name == QLatin1String("Phone screen"))
                        target = s.id;
                }
                if (target == 0 || target == app.stageId)
                    continue;
                movedCandidates.insert(app.candidateId);
                QCOMPARE(m_rig->inviteNotes(app.candidateId).size(), 0);
                QString error;
                QVERIFY2(m_sandbox->moveApplication(app.id, target, &error), qPrintable(error));
                // The webhook is handled before the next sync: the company webhook is told apart as
                // a stage change by comparing it with the mirrored stage, which a sync that lands
                // first has already updated (the reconciler catches that case later).
                verifyInvite(app.id, app.candidateId, wantTemplate);
                if (QTest::currentTestFailed())
                    return;
                QString message;
                QVERIFY2(sync(SyncService::Mode::Incremental, &message), qPrintable(message));
                const QString stageId = storedStage(QString::number(app.id));
                QCOMPARE(stageId, QString::number(target));
                const MappingDecision d = MappingRepository(*m_store, Clock::system())
                                              .resolve(jobId, stageId, QStringLiteral("Phone screen"));
                QVERIFY(d.found());
                QCOMPARE(d.templateId, wantTemplate);
                QCOMPARE(d.fromOverride(), wantException);
                const QString dry = editor.dryRun(QString::number(app.id), stageId);
                QVERIFY2(dry.contains(wantException ? QStringLiteral("this job's override")
                                                    : QStringLiteral("default for the stage name")),
                    qPrintable(dry));
                return;
            }
            QFAIL("no application to move");
        };
        check(false);
        if (QTest::currentTestFailed())
            return;
        check(true);
    }
};

QTEST_MAIN(tst_MappingWizard)
#include "tst_mappingwizard.moc"

// The stage-mapping wizard end to end on the sandbox's demo company: the in-process Teamtailor
// sandbox is synced into a temporary store over loopback HTTP, the wizard is walked page by page
// (stages, templates, one per-job exception, confirm, triggers), then a candidate is moved in the
// sandbox, synced again, and the stored mapping resolved for the application's new stage picks the
// expected template (default for most jobs, the exception for one). Nothing is sent to candidates:
// the interview pipeline that turns the decision into an invite is not part of this test.
#include "models/Clock.h"
#include "models/interview/MappingRepository.h"
#include "models/Store.h"
#include "net/api/TeamtailorClient.h"
#include "net/sync/SyncService.h"
#include "sandbox/Sandbox.h"
#include "ui/MappingEditor.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>
#include <QUndoStack>

using namespace intrvio;

class tst_MappingWizard : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<Sandbox> m_sandbox;
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    QNetworkAccessManager m_nam;
    std::unique_ptr<TeamtailorClient> m_client;

    bool sync(SyncService::Mode mode, QString *message)
    {
        SyncService service(m_client.get(), m_store.get(), Clock::system());
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

private Q_SLOTS:
    void initTestCase()
    {
        m_sandbox = std::make_unique<Sandbox>(sandbox::Config {});
        QString error;
        QVERIFY2(m_sandbox->seed(QStringLiteral("demo"), &error), qPrintable(error));
        QVERIFY2(m_sandbox->listen() != 0, qPrintable(m_sandbox->errorString()));
        m_client = std::make_unique<TeamtailorClient>(&m_nam,
            RequestBuilder(ApiEndpoints::forBaseUrl(m_sandbox->baseUrl()),
                { QStringLiteral("sandbox-company-token"), QStringLiteral("sandbox-partner-api-key") }),
            Clock::system(), 11);
        StoreError err;
        m_store = Store::openInDataDir(m_dir.path(), &err);
        QVERIFY2(m_store, qPrintable(err.message));
        QString message;
        QVERIFY2(sync(SyncService::Mode::Full, &message), qPrintable(message));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_sandbox.reset();
        m_store.reset();
    }

    void wizardEndToEnd()
    {
        MappingEditor editor(m_store.get(), nullptr);
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

        // A candidate moves to "Phone screen" in Teamtailor (the sandbox); after a sync the stored
        // mapping decides which interview they would get.
        auto check = [&](bool wantException) {
            for (const auto &app : m_sandbox->applications()) {
                const QString jobId = QString::number(app.jobId);
                if ((jobId == exceptionJob) != wantException || app.rejectedAt.isValid())
                    continue;
                qint64 target = 0;
                for (const auto &s : m_sandbox->stages(app.jobId)) {
                    if (s.name == QLatin1String("Phone screen"))
                        target = s.id;
                }
                if (target == 0 || target == app.stageId)
                    continue;
                QString error;
                QVERIFY2(m_sandbox->moveApplication(app.id, target, &error), qPrintable(error));
                QString message;
                QVERIFY2(sync(SyncService::Mode::Incremental, &message), qPrintable(message));
                const QString stageId = storedStage(QString::number(app.id));
                QCOMPARE(stageId, QString::number(target));
                const MappingDecision d = MappingRepository(*m_store, Clock::system())
                                              .resolve(jobId, stageId, QStringLiteral("Phone screen"));
                QVERIFY(d.found());
                QCOMPARE(d.templateId,
                    wantException ? QStringLiteral("technical") : QStringLiteral("phone-screen"));
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
        check(true);
    }
};

QTEST_MAIN(tst_MappingWizard)
#include "tst_mappingwizard.moc"

#include "models/admin/ActivityModels.h"
#include "models/admin/AdminData.h"
#include "models/admin/AdminInterfaces.h"
#include "models/admin/CandidatesModel.h"
#include "models/admin/JobsModel.h"
#include "models/Clock.h"
#include "models/Store.h"
#include "net/secrets/SecretStore.h"
#include "tests/support/TestSupport.h"
#include "ui/AdminViews.h"
#include "ui/MainWindow.h"
#include "ui/PartnerResultCard.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QToolButton>
#include <QtTest>

using namespace intrvio;

namespace {

class FakeSync : public SyncController
{
public:
    using SyncController::SyncController;
    bool isRunning() const override { return running; }
    void start(bool f) override
    {
        running = true;
        full = f;
        ++starts;
    }
    void cancel() override { cancelled = true; }
    void finish(bool ok, const QString &message)
    {
        running = false;
        Q_EMIT finished(ok, message);
    }
    bool running = false, full = false, cancelled = false;
    int starts = 0;
};

class FakeActions : public InterviewActions
{
public:
    using InterviewActions::InterviewActions;
    void resend(qint64 id) override
    {
        resent << id;
        Q_EMIT done(id, true, QStringLiteral("invitation sent again"));
    }
    void cancel(qint64 id) override
    {
        cancelled << id;
        Q_EMIT done(id, false, QStringLiteral("Teamtailor refused the change (422)"));
    }
    QList<qint64> resent, cancelled;
};

QVariant scalar(QSqlDatabase db, const QString &sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

template<typename T> T *child(QObject *parent, const QString &name)
{
    T *w = parent->findChild<T *>(name);
    if (!w)
        qWarning("no child %s", qPrintable(name));
    return w;
}

} // namespace

class tst_AdminViews : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    ManualClock m_clock { QDateTime(QDate(2026, 11, 27), QTime(15, 0), Qt::UTC) };
    QSqlDatabase db() const { return m_store->database(); }

private Q_SLOTS:
    void init()
    {
        m_store.reset();
        QFile::remove(m_dir.filePath(QStringLiteral("intrvio.sqlite")));
        StoreError error;
        m_store = Store::openInDataDir(m_dir.path(), &error);
        QVERIFY2(m_store, qPrintable(error.message));
        QString err;
        QVERIFY2(DemoData::seedCompany(db(), m_clock, &err), qPrintable(err));
    }
    void cleanup() { m_store.reset(); }

    void jobsViewFiltersAndShowsStages()
    {
        JobsView view(db());
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *table = child<QTableView>(&view, QStringLiteral("jobsTable"));
        QCOMPARE(table->model()->rowCount(), 3);
        QTest::keyClicks(child<QLineEdit>(&view, QStringLiteral("jobsFilter")), QStringLiteral("engineer"));
        QCOMPARE(table->model()->rowCount(), 1);
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 1)).center());
        QCOMPARE(child<QLabel>(&view, QStringLiteral("jobDetailTitle"))->text(),
            QStringLiteral("Senior Backend Engineer"));
        QVERIFY(child<QLabel>(&view, QStringLiteral("jobDetailCounts"))
                    ->text()
                    .contains(QLatin1String("2 of 5 stages")));
        auto *stages = child<QTableView>(&view, QStringLiteral("jobStagesTable"));
        QCOMPARE(stages->model()->rowCount(), 5);
        QCOMPARE(stages->model()->index(0, JobStagesModel::Stage).data().toString(), QStringLiteral("Inbox"));
        QCOMPARE(stages->model()->index(1, JobStagesModel::Mapping).data().toString(),
            QStringLiteral("Mapped by default"));
        QCOMPARE(stages->model()->index(2, JobStagesModel::Mapping).data().toString(),
            QStringLiteral("Per-job override"));
        QCOMPARE(
            stages->model()->index(4, JobStagesModel::Mapping).data().toString(), QStringLiteral("Unmapped"));

        // Needs-review filter, and sorting by a numeric column.
        child<QLineEdit>(&view, QStringLiteral("jobsFilter"))->clear();
        child<QCheckBox>(&view, QStringLiteral("jobsNeedsReviewOnly"))->setChecked(true);
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(table->model()->index(0, 0).data().toString(), QStringLiteral("Customer Success Manager"));
        child<QCheckBox>(&view, QStringLiteral("jobsNeedsReviewOnly"))->setChecked(false);
        table->sortByColumn(JobsModel::Applications, Qt::AscendingOrder);
        QCOMPARE(table->model()->index(0, 0).data().toString(), QStringLiteral("Product Designer"));
    }

    void candidatesViewSearchFilterDetail()
    {
        CandidatesView view(db());
        view.resize(1300, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *table = child<QTableView>(&view, QStringLiteral("candidatesTable"));
        QCOMPARE(table->model()->rowCount(), 30);
        QCOMPARE(
            child<QLabel>(&view, QStringLiteral("candidateCount"))->text(), QStringLiteral("30 candidates"));

        QTest::keyClicks(
            child<QLineEdit>(&view, QStringLiteral("candidateSearch")), QStringLiteral("lindqvist"));
        QTRY_COMPARE(table->model()->rowCount(), 1); // applied after the last keystroke
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 0)).center());
        QCOMPARE(child<QLabel>(&view, QStringLiteral("candidateName"))->text(),
            QStringLiteral("Astrid Lindqvist"));
        QVERIFY(child<QLabel>(&view, QStringLiteral("candidateContact"))
                    ->text()
                    .contains(QLatin1String("astrid.lindqvist@example.com")));
        QVERIFY(child<QTextBrowser>(&view, QStringLiteral("candidateDetail"))
                    ->toPlainText()
                    .contains(QLatin1String("Senior Backend Engineer")));

        // Filter by interview state, then open a completed interview.
        child<QLineEdit>(&view, QStringLiteral("candidateSearch"))->clear();
        auto *state = child<QComboBox>(&view, QStringLiteral("candidateStateFilter"));
        state->setCurrentIndex(state->findData(QStringLiteral("completed")));
        const int completed = scalar(db(),
            QStringLiteral("SELECT COUNT(DISTINCT candidate_id) FROM interviews WHERE state = 'completed'"))
                                  .toInt();
        QTRY_COMPARE(table->model()->rowCount(), completed);
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 0)).center());
        const QString detail = child<QTextBrowser>(&view, QStringLiteral("candidateDetail"))->toPlainText();
        QVERIFY2(detail.contains(QLatin1String("Transcript")), qPrintable(detail));
        QVERIFY(detail.contains(QLatin1String("Communication")));
        auto *card = child<PartnerResultCard>(&view, QStringLiteral("partnerResultCard"));
        QCOMPARE(card->statusText(), QStringLiteral("completed"));
        QVERIFY(child<QLabel>(card, QStringLiteral("resultScore"))->text().endsWith(QLatin1String("/ 100")));
        QVERIFY(child<QLabel>(card, QStringLiteral("resultLink"))
                    ->text()
                    .contains(QLatin1String("https://intrvio.example.com/report/")));

        // Score range (in SQL), combined with the state filter.
        child<QSpinBox>(&view, QStringLiteral("candidateMinScore"))->setValue(80);
        const int high = scalar(
            db(), QStringLiteral("SELECT COUNT(DISTINCT candidate_id) FROM interviews WHERE score >= 80"))
                             .toInt();
        QTRY_COMPARE(table->model()->rowCount(), high);
        for (int r = 0; r < table->model()->rowCount(); ++r)
            QVERIFY(
                table->model()->index(r, CandidatesModel::Result).data(AdminRole::ResultScore).toInt() >= 80);

        // Job and stage filters.
        child<QSpinBox>(&view, QStringLiteral("candidateMinScore"))->setValue(0);
        state->setCurrentIndex(0);
        auto *job = child<QComboBox>(&view, QStringLiteral("candidateJobFilter"));
        job->setCurrentIndex(job->findData(QStringLiteral("103")));
        QTRY_COMPARE(table->model()->rowCount(),
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM applications WHERE job_id = '103'")).toInt());
        auto *stage = child<QComboBox>(&view, QStringLiteral("candidateStageFilter"));
        QVERIFY(stage->isEnabled());
        QCOMPARE(stage->count(), 6); // "Any stage" + 5 stages
        stage->setCurrentIndex(stage->findData(QStringLiteral("103-4")));
        QTRY_COMPARE(table->model()->rowCount(),
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM applications WHERE stage_id = '103-4'"))
                .toInt());
    }

    void activityRetryDeadLetter()
    {
        m_clock.advanceSecs(600);
        ActivityView view(db(), &m_clock);
        view.resize(1200, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        child<QTabWidget>(&view, QStringLiteral("activityTabs"))->setCurrentIndex(1);
        auto *table = child<QTableView>(&view, QStringLiteral("outboxTable"));
        auto *retry = child<QPushButton>(&view, QStringLiteral("retryOutbox"));
        QCOMPARE(table->model()->rowCount(), 5);
        QVERIFY(!retry->isEnabled());
        auto *filter = child<QComboBox>(&view, QStringLiteral("outboxStateFilter"));
        filter->setCurrentIndex(filter->findData(QStringLiteral("dead")));
        QCOMPARE(table->model()->rowCount(), 1);
        const qint64 id = table->model()->index(0, 0).data(AdminRole::Id).toLongLong();
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 1)).center());
        QVERIFY(retry->isEnabled());
        QTest::mouseClick(retry, Qt::LeftButton);

        QSqlQuery q(db());
        QVERIFY(q.exec(QStringLiteral("SELECT state, next_attempt_at FROM outbox WHERE id = %1").arg(id))
            && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(q.value(1).toString(), m_clock.now().toString(Qt::ISODate));
        QCOMPARE(scalar(db(),
                     QStringLiteral("SELECT actor || ' ' || action || ' ' || subject FROM audit_log WHERE "
                                    "action = 'outbox.retry'"))
                     .toString(),
            QStringLiteral("admin outbox.retry outbox:%1").arg(id));
        QVERIFY(child<QLabel>(&view, QStringLiteral("outboxActionStatus"))
                    ->text()
                    .contains(QLatin1String("queued again")));
        QVERIFY(!retry->isEnabled());

        // The audit tab shows it; the filter narrows it.
        QTest::keyClicks(
            child<QLineEdit>(&view, QStringLiteral("auditFilter")), QStringLiteral("outbox.retry"));
        QCOMPARE(child<QTableView>(&view, QStringLiteral("auditTable"))->model()->rowCount(), 1);

        // Inbox detail: headers redacted, body preview shown.
        child<QTabWidget>(&view, QStringLiteral("activityTabs"))->setCurrentIndex(0);
        auto *inbox = child<QTableView>(&view, QStringLiteral("inboxTable"));
        QCOMPARE(inbox->model()->rowCount(), 8);
        child<QCheckBox>(&view, QStringLiteral("inboxFailedOnly"))->setChecked(true);
        QCOMPARE(inbox->model()->rowCount(), 1);
        QTest::mouseClick(
            inbox->viewport(), Qt::LeftButton, {}, inbox->visualRect(inbox->model()->index(0, 1)).center());
        const QString detail = child<QPlainTextEdit>(&view, QStringLiteral("inboxDetail"))->toPlainText();
        QVERIFY2(detail.contains(QLatin1String("bad-signature")), qPrintable(detail));
        QVERIFY(detail.contains(QLatin1String("Teamtailor-Signature")));
        QVERIFY(!detail.contains(QLatin1String("9f2c4e1a9f2c4e1a")));
        QVERIFY(detail.contains(QLatin1String("job_application.updated")));
    }

    void interviewsResendAndCancelGoThroughTheInterface()
    {
        FakeActions actions;
        InterviewsView view(db(), &actions);
        view.resize(1200, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *table = child<QTableView>(&view, QStringLiteral("interviewsTable"));
        QCOMPARE(table->model()->rowCount(),
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM interviews")).toInt());
        auto *resend = child<QPushButton>(&view, QStringLiteral("resendInterview"));
        auto *cancel = child<QPushButton>(&view, QStringLiteral("cancelInterview"));
        QVERIFY(!resend->isEnabled());
        auto *state = child<QComboBox>(&view, QStringLiteral("interviewStateFilter"));
        state->setCurrentIndex(state->findData(QStringLiteral("pending")));
        QVERIFY(table->model()->rowCount() >= 1);
        const qint64 id = table->model()->index(0, 0).data(AdminRole::Id).toLongLong();
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 0)).center());
        QVERIFY(resend->isEnabled() && cancel->isEnabled());
        QTest::mouseClick(resend, Qt::LeftButton);
        QCOMPARE(actions.resent, QList<qint64> { id });
        QVERIFY(child<QLabel>(&view, QStringLiteral("interviewActionStatus"))
                    ->text()
                    .contains(QLatin1String("invitation sent again")));
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 0)).center());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QCOMPARE(actions.cancelled, QList<qint64> { id });
        QVERIFY(child<QLabel>(&view, QStringLiteral("interviewActionStatus"))
                    ->text()
                    .contains(QLatin1String("422")));

        // Completed interviews cannot be cancelled.
        state->setCurrentIndex(state->findData(QStringLiteral("completed")));
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 0)).center());
        QVERIFY(!cancel->isEnabled());

        // Without a pipeline the buttons stay disabled.
        InterviewsView orphan(db(), nullptr);
        auto *t2 = child<QTableView>(&orphan, QStringLiteral("interviewsTable"));
        t2->setCurrentIndex(t2->model()->index(0, 0));
        QVERIFY(!child<QPushButton>(&orphan, QStringLiteral("resendInterview"))->isEnabled());
    }

    void mainWindowStatusAndSync()
    {
        FakeSync sync;
        MainWindow::Context context;
        context.dataDir = m_dir.path();
        context.listenUrl = QUrl(QStringLiteral("http://127.0.0.1:8787"));
        context.store = m_store.get();
        context.sync = &sync;
        context.clock = &m_clock;
        MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *connection = child<QLabel>(&window, QStringLiteral("connectionStatus"));
        QCOMPARE(connection->text(), QStringLiteral("Teamtailor EU · synced 12 min ago"));
        auto *outbox = child<QLabel>(&window, QStringLiteral("outboxStatus"));
        QCOMPARE(outbox->text(), QStringLiteral("Outbox: 2 pending, 1 failed"));
        window.setWebhookState(true);
        QVERIFY(child<QLabel>(&window, QStringLiteral("listenStatus"))
                    ->text()
                    .contains(QLatin1String("(listening)")));

        QSqlQuery q(db());
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO outbox (idempotency_key, kind, method, url, next_attempt_at, created_at)"
            " VALUES ('k-new', 'note', 'POST', 'https://api.teamtailor.com/v1/notes', '2026-11-27T15:00:00Z',"
            " '2026-11-27T15:00:00Z')")));
        child<QAction>(&window, QStringLiteral("actionRefresh"))->trigger();
        QCOMPARE(outbox->text(), QStringLiteral("Outbox: 3 pending, 1 failed"));

        // Sync: progress, cancel, finish.
        auto *progress = child<QProgressBar>(&window, QStringLiteral("syncProgress"));
        auto *cancel = child<QToolButton>(&window, QStringLiteral("syncCancel"));
        QAction *syncAction = child<QAction>(&window, QStringLiteral("actionSync"));
        QVERIFY(syncAction->isEnabled());
        QVERIFY(progress->isHidden());
        syncAction->trigger();
        QCOMPARE(sync.starts, 1);
        QVERIFY(!sync.full);
        QVERIFY(progress->isVisible() && cancel->isVisible());
        QVERIFY(!syncAction->isEnabled());
        Q_EMIT sync.progress(3, 10);
        QCOMPARE(progress->maximum(), 10);
        QCOMPARE(progress->value(), 3);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(sync.cancelled);
        QVERIFY(q.exec(QStringLiteral("UPDATE sync_state SET last_synced_at = '%1'")
                           .arg(m_clock.now().toString(Qt::ISODate))));
        sync.finish(false, QStringLiteral("cancelled by the user"));
        QVERIFY(progress->isHidden() && cancel->isHidden());
        QVERIFY(syncAction->isEnabled());
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Sync failed: cancelled by the user"));
        QCOMPARE(connection->text(), QStringLiteral("Teamtailor EU · synced just now"));
        child<QAction>(&window, QStringLiteral("actionFullSync"))->trigger();
        QVERIFY(sync.full);
        QCOMPARE(sync.starts, 2);
    }

    void settingsValidateAndSave()
    {
        SettingsView view(m_store.get(), nullptr, &m_clock);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *status = child<QLabel>(&view, QStringLiteral("settingsStatus"));
        child<QSpinBox>(&view, QStringLiteral("retentionSpin"))->setValue(0);
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("saveSettings")), Qt::LeftButton);
        QVERIFY2(status->text().contains(QLatin1String("between 1 and 3650")), qPrintable(status->text()));
        child<QSpinBox>(&view, QStringLiteral("retentionSpin"))->setValue(30);
        auto *region = child<QComboBox>(&view, QStringLiteral("regionCombo"));
        region->setCurrentIndex(region->findData(QStringLiteral("na")));
        child<QCheckBox>(&view, QStringLiteral("residencyLock"))->setChecked(true);
        QVERIFY(!view.save());
        QVERIFY2(
            status->text().contains(QLatin1String("requires the eu region")), qPrintable(status->text()));
        QVERIFY(!m_store->setting(QStringLiteral("retention_days")));
        region->setCurrentIndex(region->findData(QStringLiteral("eu")));
        auto *pub = child<QLineEdit>(&view, QStringLiteral("publicUrlEdit"));
        pub->setText(QStringLiteral("https://hooks.example.com"));
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("saveSettings")), Qt::LeftButton);
        QVERIFY2(status->text().startsWith(QLatin1String("Saved")), qPrintable(status->text()));
        QCOMPARE(
            m_store->setting(QStringLiteral("retention_days")).value_or(QString()), QStringLiteral("30"));
        QCOMPARE(m_store->setting(QStringLiteral("public_url")).value_or(QString()),
            QStringLiteral("https://hooks.example.com"));
        QCOMPARE(
            m_store->setting(QStringLiteral("data_residency_lock")).value_or(QString()), QStringLiteral("1"));
    }

    void settingsReplaceAndClearKeyInTheKeychain()
    {
        SecretStore secrets(m_dir.path());
        const QString name = QStringLiteral("partner-api-key");
        secrets.removeSync(name);
        SettingsView view(m_store.get(), &secrets, &m_clock);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *state = child<QLabel>(&view, QStringLiteral("secretState_") + name);
        QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Not set"), 15000);

        const QString value = QStringLiteral("pk-live-7f3a9c0e11d24b6a");
        QString asked;
        view.askSecret = [&](const QString &n) -> std::optional<QString> {
            asked = n;
            return value;
        };
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("replaceSecret_") + name), Qt::LeftButton);
        QCOMPARE(asked, name);
        QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Set"), 15000);
        const SecretResult stored = secrets.readSync(name);
        QVERIFY2(stored.ok(), qPrintable(stored.message));
        QCOMPARE(stored.value, value);
        // Never echoed in the UI, never written to the data directory.
        for (QLabel *l : view.findChildren<QLabel *>())
            QVERIFY(!l->text().contains(value));
        for (QLineEdit *e : view.findChildren<QLineEdit *>())
            QVERIFY(!e->text().contains(value));
        QVERIFY(!test::directoryContains(m_dir.path(), value.toUtf8()));

        bool confirmed = false;
        view.confirm = [&](const QString &) { return confirmed = true; };
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("clearSecret_") + name), Qt::LeftButton);
        QVERIFY(confirmed);
        QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Not set"), 15000);
        QCOMPARE(secrets.readSync(name).status, SecretResult::Status::NotFound);
    }

    void gdprExportAndErase()
    {
        SettingsView view(m_store.get(), nullptr, &m_clock);
        const QString email = QStringLiteral("astrid.lindqvist@example.com");
        const QString id
            = scalar(db(), QStringLiteral("SELECT id FROM candidates WHERE email = '%1'").arg(email))
                  .toString();
        const QString path = m_dir.filePath(QStringLiteral("export.json"));
        view.askExportPath = [&](const QString &) { return path; };
        child<QLineEdit>(&view, QStringLiteral("gdprCandidate"))->setText(email);
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("gdprExport")), Qt::LeftButton);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject data = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(data[QStringLiteral("candidate")][QStringLiteral("email")].toString(), email);
        QVERIFY(data.contains(QStringLiteral("applications")));

        // Declined confirmation: nothing happens.
        view.confirm = [](const QString &) { return false; };
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("gdprErase")), Qt::LeftButton);
        QCOMPARE(
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM candidates WHERE id = '%1'").arg(id)).toInt(),
            1);
        view.confirm = [](const QString &) { return true; };
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("gdprErase")), Qt::LeftButton);
        QCOMPARE(
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM candidates WHERE id = '%1'").arg(id)).toInt(),
            0);
        QCOMPARE(scalar(db(),
                     QStringLiteral("SELECT COUNT(*) FROM applications WHERE candidate_id = '%1'").arg(id))
                     .toInt(),
            0);
        QCOMPARE(
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'candidate.erase'"))
                .toInt(),
            1);
        QCOMPARE(child<QLabel>(&view, QStringLiteral("gdprStatus"))->text(),
            QStringLiteral("The candidate's data was erased."));
        // Unknown candidate: a clear message.
        QTest::mouseClick(child<QPushButton>(&view, QStringLiteral("gdprErase")), Qt::LeftButton);
        QVERIFY(child<QLabel>(&view, QStringLiteral("gdprStatus"))
                    ->text()
                    .contains(QLatin1String("No candidate")));
    }
};

QTEST_MAIN(tst_AdminViews)
#include "tst_adminviews.moc"

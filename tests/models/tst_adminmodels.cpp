#include "models/admin/ActivityModels.h"
#include "models/admin/AdminData.h"
#include "models/admin/AdminInterfaces.h"
#include "models/admin/CandidatesModel.h"
#include "models/admin/JobsModel.h"
#include "models/Clock.h"
#include "models/Store.h"
#include "models/interview/AuditLog.h"
#include "models/interview/Mapping.h"
#include "models/interview/MappingRepository.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

namespace {

QVariant scalar(QSqlDatabase db, const QString &sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

} // namespace

class tst_AdminModels : public QObject
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
        QVERIFY(m_dir.isValid());
        StoreError error;
        m_store.reset();
        QFile::remove(m_dir.filePath(QStringLiteral("t.sqlite")));
        m_store = Store::open(m_dir.filePath(QStringLiteral("t.sqlite")), &error);
        QVERIFY2(m_store, qPrintable(error.message));
        QString err;
        QVERIFY2(DemoData::seedCompany(db(), m_clock, &err), qPrintable(err));
    }
    void cleanup() { m_store.reset(); }

    void jobsModel()
    {
        JobsModel model(db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QVERIFY2(model.lastError().isEmpty(), qPrintable(model.lastError()));
        QCOMPARE(model.rowCount(), 3);
        // Sorted by title: Customer Success Manager, Product Designer, Senior Backend Engineer.
        QCOMPARE(
            model.index(0, JobsModel::Title).data().toString(), QStringLiteral("Customer Success Manager"));
        QCOMPARE(model.jobId(2), QStringLiteral("101"));
        QCOMPARE(model.index(0, JobsModel::NeedsReview).data().toString(), QStringLiteral("Needs review"));
        // Backend: "Phone screen" by default + "Technical interview" by override = 2 of 5.
        QCOMPARE(model.index(2, JobsModel::MappedStages).data().toString(), QStringLiteral("2 of 5"));
        QCOMPARE(model.index(2, JobsModel::MappedStages).data(AdminRole::Sort).toInt(), 2);
        const int apps
            = scalar(db(), QStringLiteral("SELECT COUNT(*) FROM applications WHERE job_id = '101'")).toInt();
        QCOMPARE(model.index(2, JobsModel::Applications).data().toInt(), apps);
    }

    void stageMappingStates()
    {
        JobStagesModel model(db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setJob(QStringLiteral("101"));
        QVERIFY2(model.lastError().isEmpty(), qPrintable(model.lastError()));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0, JobStagesModel::Stage).data().toString(), QStringLiteral("Inbox"));
        QCOMPARE(model.mappingState(0), JobStagesModel::MappingState::Unmapped);
        QCOMPARE(
            model.mappingState(1), JobStagesModel::MappingState::Default); // "phone screen" by name, any case
        QCOMPARE(model.index(1, JobStagesModel::Template).data().toString(),
            QStringLiteral("Phone screen (general)"));
        QCOMPARE(model.mappingState(2), JobStagesModel::MappingState::Override); // by stage id
        QCOMPARE(
            model.index(2, JobStagesModel::Template).data().toString(), QStringLiteral("Backend deep dive"));
        // A per-job override by stage name beats the default.
        QSqlQuery q(db());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO mappings (job_id, stage, template_id) VALUES ('102', "
                                      "'PHONE SCREEN', 'tpl-backend')")));
        model.setJob(QStringLiteral("102"));
        QCOMPARE(model.mappingState(1), JobStagesModel::MappingState::Override);
        QCOMPARE(
            model.index(1, JobStagesModel::Template).data().toString(), QStringLiteral("Backend deep dive"));
        model.setJob(QString());
        QCOMPARE(model.rowCount(), 0);
    }

    void candidatesFilters()
    {
        CandidatesModel model(db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QCOMPARE(model.rowCount(), 30);
        CandidatesModel::Filter f;
        f.text = QStringLiteral("lindqvist");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, CandidatesModel::Name).data().toString(), QStringLiteral("Astrid Lindqvist"));
        f.text = QStringLiteral("@example.com");
        f.jobId = QStringLiteral("101");
        model.setFilter(f);
        QCOMPARE(model.totalCount(),
            scalar(db(),
                QStringLiteral("SELECT COUNT(DISTINCT candidate_id) FROM applications WHERE job_id = '101'"))
                .toLongLong());
        QCOMPARE(model.rowCount(), int(model.totalCount()));
        f = {};
        f.minScore = 80;
        f.maxScore = 100;
        model.setFilter(f);
        const int high = scalar(
            db(), QStringLiteral("SELECT COUNT(DISTINCT candidate_id) FROM interviews WHERE score >= 80"))
                             .toInt();
        QVERIFY(high > 0);
        QCOMPARE(model.rowCount(), high);
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(model.index(r, CandidatesModel::Result).data(AdminRole::ResultScore).toInt() >= 80);
        f = {};
        f.interviewState = QStringLiteral("failed");
        model.setFilter(f);
        QVERIFY(model.rowCount() >= 1);
        QCOMPARE(model.index(0, CandidatesModel::Result).data(AdminRole::ResultState).toString(),
            QStringLiteral("failed"));
        // LIKE wildcards in the search are literal.
        f = {};
        f.text = QStringLiteral("%");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 0);
    }

    void candidateDetail()
    {
        const QString id = scalar(
            db(), QStringLiteral("SELECT candidate_id FROM interviews WHERE state = 'completed' LIMIT 1"))
                               .toString();
        QString error;
        const CandidateDetail d = CandidateDetail::load(db(), id, &error);
        QVERIFY2(d.isValid(), qPrintable(error));
        QCOMPARE(d.applications.size(), 1);
        QCOMPARE(d.interviews.size(), 1);
        QVERIFY(!d.interviews.first().transcript.isEmpty());
        QCOMPARE(d.interviews.first().criteria.size(), 3);
        QCOMPARE(d.results.size(), 1);
        QVERIFY(!d.results.first().grade.isEmpty());
        QVERIFY(!CandidateDetail::load(db(), QStringLiteral("nope")).isValid());
        QCOMPARE(CandidateDetail::parseCriteria(QStringLiteral("{\"Clarity\": 80}"))
                     .first()[QStringLiteral("score")]
                     .toInt(),
            80);
    }

    void activityModels()
    {
        InboxModel inbox(db());
        QAbstractItemModelTester t1(&inbox, QAbstractItemModelTester::FailureReportingMode::QtTest);
        inbox.reload();
        QCOMPARE(inbox.rowCount(), 8);
        inbox.setVerificationFilter(QStringLiteral("bad-signature"));
        QCOMPARE(inbox.rowCount(), 1);
        const InboxModel::Detail d = inbox.detail(inbox.keyAt(0));
        QVERIFY(d.headers.contains(QLatin1String("Teamtailor-Signature")));
        QVERIFY2(!d.headers.contains(QLatin1String("9f2c4e1a9f2c4e1a")), qPrintable(d.headers));
        QVERIFY(d.bodyPreview.contains(QLatin1String("job_application.updated")));

        OutboxModel outbox(db());
        QAbstractItemModelTester t2(&outbox, QAbstractItemModelTester::FailureReportingMode::QtTest);
        outbox.setStateFilter(QStringLiteral("dead"));
        QCOMPARE(outbox.rowCount(), 1);
        const qint64 id = outbox.keyAt(0);
        m_clock.advanceSecs(3600);
        QString error;
        QVERIFY2(outbox.retry(id, m_clock, QStringLiteral("admin"), &error), qPrintable(error));
        QSqlQuery q(db());
        QVERIFY(q.exec(QStringLiteral("SELECT state, next_attempt_at FROM outbox WHERE id = %1").arg(id))
            && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(q.value(1).toString(), m_clock.now().toString(Qt::ISODate));
        QCOMPARE(scalar(db(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.retry'"))
                     .toInt(),
            1);
        // Retrying again is refused and changes nothing.
        QVERIFY(!outbox.retry(id, m_clock, QStringLiteral("admin"), &error));
        QVERIFY(error.contains(QLatin1String("not a dead letter")));
        QCOMPARE(scalar(db(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.retry'"))
                     .toInt(),
            1);

        AuditLogModel audit(db());
        QAbstractItemModelTester t3(&audit, QAbstractItemModelTester::FailureReportingMode::QtTest);
        audit.setTextFilter(QStringLiteral("outbox"));
        QCOMPARE(audit.rowCount(), 1);

        InterviewsModel interviews(db());
        QAbstractItemModelTester t4(&interviews, QAbstractItemModelTester::FailureReportingMode::QtTest);
        interviews.reload();
        QCOMPARE(
            interviews.rowCount(), scalar(db(), QStringLiteral("SELECT COUNT(*) FROM interviews")).toInt());
        interviews.setStateFilter(QStringLiteral("completed"));
        for (int r = 0; r < interviews.rowCount(); ++r)
            QCOMPARE(interviews.state(r), QStringLiteral("completed"));
    }

    void pagingIsKeyset()
    {
        InboxModel inbox(db());
        QAbstractItemModelTester tester(&inbox, QAbstractItemModelTester::FailureReportingMode::QtTest);
        inbox.setPageSize(3);
        inbox.reload();
        QCOMPARE(inbox.rowCount(), 3);
        QVERIFY(inbox.canFetchMore({}));
        while (inbox.canFetchMore({}))
            inbox.fetchMore({});
        QCOMPARE(inbox.rowCount(), 8);
        for (int r = 1; r < inbox.rowCount(); ++r)
            QVERIFY(inbox.keyAt(r - 1) > inbox.keyAt(r)); // newest first, no duplicates
    }

    void redactedHeaders_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::addColumn<QString>("mustContain");
        QTest::addColumn<QString>("mustNotContain");
        QTest::newRow("lines") << QStringLiteral("Authorization: Bearer abc123secret\nX-Trace: 1")
                               << QStringLiteral("X-Trace: 1") << QStringLiteral("abc123secret");
        QTest::newRow("json object") << QStringLiteral("{\"X-Api-Key\":\"k-9999\",\"Accept\":\"*/*\"}")
                                     << QStringLiteral("Accept: */*") << QStringLiteral("k-9999");
        QTest::newRow("json pairs") << QStringLiteral("[[\"Cookie\",\"sid=42abc\"],[\"Host\",\"x\"]]")
                                    << QStringLiteral("Host: x") << QStringLiteral("42abc");
    }
    void redactedHeaders()
    {
        QFETCH(QString, stored);
        QFETCH(QString, mustContain);
        QFETCH(QString, mustNotContain);
        const QString out = redactedStoredHeaders(stored);
        QVERIFY2(out.contains(mustContain), qPrintable(out));
        QVERIFY2(!out.contains(mustNotContain), qPrintable(out));
    }

    void auditDetailsText_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::addColumn<QString>("shown");
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("plain text") << QStringLiteral("region=eu") << QStringLiteral("region=eu");
        QTest::newRow("scalars") << QStringLiteral("{\"region\":\"eu\",\"residencyLock\":true,\"rows\":1}")
                                 << QStringLiteral("region: eu, residencyLock: yes, rows: 1");
        QTest::newRow("nested") << QStringLiteral("{\"deleted\":{\"candidates\":1},\"ids\":[1,2]}")
                                << QStringLiteral("deleted: {\"candidates\":1}, ids: [1,2]");
        QTest::newRow("array document") << QStringLiteral("[1]") << QStringLiteral("[1]");
    }
    void auditDetailsText()
    {
        QFETCH(QString, stored);
        QFETCH(QString, shown);
        QCOMPARE(intrvio::auditDetailsText(stored), shown);
    }

    // Admin actions, repositories and the pipeline write through AuditLog::append: every row has the
    // same columns and formats, and the Activity view's model shows them.
    void auditRowsShareOneShape()
    {
        QSqlQuery wipe(db());
        QVERIFY(wipe.exec(QStringLiteral("DELETE FROM audit_log")));
        QString error;
        AdminSettings settings;
        settings.publicUrl = QStringLiteral("https://hooks.example.com");
        QVERIFY2(settings.save(*m_store, m_clock, QStringLiteral("admin"), &error), qPrintable(error));
        OutboxModel outbox(db());
        outbox.setStateFilter(QStringLiteral("dead"));
        QCOMPARE(outbox.rowCount(), 1);
        QVERIFY2(outbox.retry(outbox.keyAt(0), m_clock, QStringLiteral("admin"), &error), qPrintable(error));
        const QString candidate = scalar(db(), QStringLiteral("SELECT min(id) FROM candidates")).toString();
        QVERIFY2(CandidatePrivacy::erase(db(), candidate, m_clock, QStringLiteral("admin"), &error), qPrintable(error));
        AuditLog audit(*m_store, m_clock);
        StageMapping m;
        m.stage = QStringLiteral("Final interview");
        m.templateId = scalar(db(), QStringLiteral("SELECT min(id) FROM templates")).toString();
        QVERIFY2(MappingRepository(*m_store, m_clock, &audit).save(m, QStringLiteral("admin"), &error),
            qPrintable(error));
        QVERIFY(audit.append(QStringLiteral("cli"), QString::fromLatin1(AuditLog::ActionSecretSet),
            QStringLiteral("secret:partner-api-key")));

        const QList<AuditEntry> rows = audit.recent();
        QStringList actions;
        for (const AuditEntry &e : rows) {
            actions << e.action;
            QCOMPARE(e.at, m_clock.now());
            QVERIFY(!e.actor.isEmpty());
            QVERIFY(!e.subject.isEmpty());
        }
        QCOMPARE(actions,
            QStringList({ QStringLiteral("secret.set"), QStringLiteral("mapping.saved"), QStringLiteral("candidate.erase"),
                QStringLiteral("outbox.retry"), QStringLiteral("settings.save") }));
        // Stored text: ISO 8601 with milliseconds; details a JSON object or NULL.
        QSqlQuery q(db());
        QVERIFY(q.exec(QStringLiteral("SELECT at, details FROM audit_log")));
        int n = 0;
        while (q.next()) {
            ++n;
            QCOMPARE(q.value(0).toString(), m_clock.now().toString(Qt::ISODateWithMs));
            QVERIFY2(q.value(1).isNull() || QJsonDocument::fromJson(q.value(1).toString().toUtf8()).isObject(),
                qPrintable(q.value(1).toString()));
        }
        QCOMPARE(n, 5);
        QCOMPARE(rows.at(3).details.value(QLatin1String("rows")).toInt(), 1);
        QCOMPARE(rows.at(2).details.value(QLatin1String("deleted")).toObject().value(QLatin1String("candidates")).toInt(), 1);
        QCOMPARE(rows.at(4).details.value(QLatin1String("region")).toString(), QStringLiteral("eu"));

        AuditLogModel model(db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTextFilter(QStringLiteral("outbox"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, AuditLogModel::Details).data().toString(), QStringLiteral("rows: 1"));
        QCOMPARE(model.index(0, AuditLogModel::At).data().toString(),
            m_clock.now().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    }

    void status()
    {
        const StatusSnapshot s = StatusSnapshot::load(db());
        QCOMPARE(s.region, QStringLiteral("eu"));
        QCOMPARE(s.lastSync, m_clock.now().addSecs(-12 * 60));
        QCOMPARE(s.outboxPending, 2);
        QCOMPARE(s.outboxDead, 1);
    }

    void settingsValidation_data()
    {
        QTest::addColumn<QString>("region");
        QTest::addColumn<QString>("publicUrl");
        QTest::addColumn<QString>("listen");
        QTest::addColumn<int>("retention");
        QTest::addColumn<bool>("lock");
        QTest::addColumn<QString>("ttUrl");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("defaults") << "eu"
                                  << ""
                                  << "127.0.0.1:8787" << 90 << false << ""
                                  << "";
        QTest::newRow("https public") << "na"
                                      << "https://hooks.example.com"
                                      << "0.0.0.0:443" << 30 << false << ""
                                      << "";
        QTest::newRow("bad region") << "us"
                                    << ""
                                    << "127.0.0.1:8787" << 90 << false << ""
                                    << "Region must be";
        QTest::newRow("http public") << "eu"
                                     << "http://hooks.example.com"
                                     << "127.0.0.1:8787" << 90 << false << ""
                                     << "must use https";
        QTest::newRow("no port") << "eu"
                                 << ""
                                 << "127.0.0.1" << 90 << false << ""
                                 << "HOST:PORT";
        QTest::newRow("port range") << "eu"
                                    << ""
                                    << "127.0.0.1:70000" << 90 << false << ""
                                    << "HOST:PORT";
        QTest::newRow("retention") << "eu"
                                   << ""
                                   << "127.0.0.1:8787" << 0 << false << ""
                                   << "between 1 and 3650";
        QTest::newRow("lock needs eu") << "na"
                                       << ""
                                       << "127.0.0.1:8787" << 90 << true << ""
                                       << "requires the eu region";
        QTest::newRow("lock refuses na host")
            << "eu"
            << ""
            << "127.0.0.1:8787" << 90 << true << "https://api.na.teamtailor.com"
            << "refuses the non-EU host api.na.teamtailor.com";
        QTest::newRow("lock allows eu host") << "eu"
                                             << ""
                                             << "127.0.0.1:8787" << 90 << true << "https://api.teamtailor.com"
                                             << "";
    }
    void settingsValidation()
    {
        QFETCH(QString, region);
        QFETCH(QString, publicUrl);
        QFETCH(QString, listen);
        QFETCH(int, retention);
        QFETCH(bool, lock);
        QFETCH(QString, ttUrl);
        QFETCH(QString, error);
        AdminSettings s;
        s.region = region;
        s.publicUrl = publicUrl;
        s.listenAddress = listen;
        s.retentionDays = retention;
        s.residencyLock = lock;
        s.teamtailorUrl = ttUrl;
        const QStringList problems = s.validate();
        if (error.isEmpty())
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        else
            QVERIFY2(problems.join(QLatin1Char('\n')).contains(error),
                qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void settingsRoundTrip()
    {
        AdminSettings s;
        s.region = QStringLiteral("eu");
        s.publicUrl = QStringLiteral("https://hooks.example.com");
        s.retentionDays = 30;
        s.residencyLock = true;
        QString error;
        QVERIFY2(s.save(*m_store, m_clock, QStringLiteral("admin"), &error), qPrintable(error));
        const AdminSettings back = AdminSettings::load(*m_store);
        QCOMPARE(back.publicUrl, s.publicUrl);
        QCOMPARE(back.retentionDays, 30);
        QVERIFY(back.residencyLock);
        s.retentionDays = -1;
        QVERIFY(!s.save(*m_store, m_clock, QStringLiteral("admin"), &error));
        QCOMPARE(AdminSettings::load(*m_store).retentionDays, 30); // nothing half-written
    }

    void gdprExportAndErase()
    {
        const QString id = scalar(
            db(), QStringLiteral("SELECT candidate_id FROM interviews WHERE state = 'completed' LIMIT 1"))
                               .toString();
        QString error;
        const QJsonObject data = CandidatePrivacy::exportData(db(), id, &error);
        QVERIFY2(!data.isEmpty(), qPrintable(error));
        QCOMPARE(data[QStringLiteral("candidate")][QStringLiteral("id")].toString(), id);
        QCOMPARE(data[QStringLiteral("applications")].toArray().size(), 1);
        QCOMPARE(data[QStringLiteral("interviews")].toArray().size(), 1);
        QVERIFY(!data[QStringLiteral("interviews")].toArray().first().toObject().contains(
            QStringLiteral("token_hash")));
        QVERIFY(CandidatePrivacy::exportData(db(), QStringLiteral("nope"), &error).isEmpty());

        QVERIFY2(
            CandidatePrivacy::erase(db(), id, m_clock, QStringLiteral("admin"), &error), qPrintable(error));
        for (const char *sql : { "SELECT COUNT(*) FROM candidates WHERE id = ?",
                 "SELECT COUNT(*) FROM applications WHERE candidate_id = ?",
                 "SELECT COUNT(*) FROM interviews WHERE candidate_id = ?",
                 "SELECT COUNT(*) FROM partner_results WHERE candidate_id = ?" }) {
            QSqlQuery q(db());
            q.prepare(QString::fromLatin1(sql));
            q.addBindValue(id);
            QVERIFY(q.exec() && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
        QCOMPARE(scalar(db(),
                     QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'candidate.erase' AND "
                                    "subject = 'candidate:%1'")
                         .arg(id))
                     .toInt(),
            1);
        QVERIFY(!CandidatePrivacy::erase(db(), id, m_clock, QStringLiteral("admin"), &error));
        QVERIFY(error.contains(QLatin1String("nothing was erased")));
    }

    void statistics()
    {
        const auto byJob = InterviewStats::scoreDistribution(db(), InterviewStats::GroupBy::Job);
        int total = 0;
        for (const auto &h : byJob) {
            QCOMPARE(h.buckets.size(), 10);
            for (int n : h.buckets)
                total += n;
        }
        QCOMPARE(total,
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM interviews WHERE score IS NOT NULL")).toInt());
        QVERIFY(!InterviewStats::scoreDistribution(db(), InterviewStats::GroupBy::Template).isEmpty());
        const auto f = InterviewStats::funnel(db());
        QCOMPARE(f.invited, scalar(db(), QStringLiteral("SELECT COUNT(*) FROM interviews")).toInt());
        QVERIFY(f.invited >= f.started && f.started >= f.completed && f.completed >= f.passed);
        QCOMPARE(f.passed,
            scalar(db(), QStringLiteral("SELECT COUNT(*) FROM interviews WHERE score >= 70")).toInt());
        QCOMPARE(InterviewStats::funnel(db(), QStringLiteral("none")).invited, 0);
    }
};

QTEST_GUILESS_MAIN(tst_AdminModels)
#include "tst_adminmodels.moc"

// Templates, mappings and the audit log against a real SQLite store.
#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

namespace {

InterviewTemplate smallTemplate(const QString &id)
{
    InterviewTemplate t;
    t.id = id;
    t.name = QStringLiteral("Template ") + id;
    t.questions = { { QStringLiteral("q1"), QStringLiteral("Why this role?"),
        { { QStringLiteral("motivation"), { QStringLiteral("learn"), QStringLiteral("grow") }, 1.0 } } } };
    return t;
}

StageMapping mapping(const QString &job, const QString &stage, const QString &tpl)
{
    StageMapping m;
    m.jobId = job;
    m.stage = stage;
    m.templateId = tpl;
    return m;
}

int rows(Store &store, const QString &table)
{
    QSqlQuery q(store.database());
    q.exec(QStringLiteral("SELECT count(*) FROM ") + table);
    q.next();
    return q.value(0).toInt();
}

void exec(Store &store, const QString &sql)
{
    QSqlQuery q(store.database());
    QVERIFY2(q.exec(sql), qPrintable(sql));
}

} // namespace

class tst_InterviewRepositories : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    ManualClock m_clock;
    std::unique_ptr<AuditLog> m_audit;

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        StoreError error;
        m_store = Store::open(
            m_dir.filePath(
                QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction()))),
            &error);
        QVERIFY2(m_store, qPrintable(error.message));
        m_audit = std::make_unique<AuditLog>(*m_store, m_clock);
    }

    void cleanup()
    {
        m_audit.reset();
        m_store.reset();
    }

    void defaultTemplatesAreGood()
    {
        QList<ValidationProblem> problems;
        const QList<InterviewTemplate> defaults = TemplateRepository::defaultTemplates(&problems);
        QVERIFY(problems.isEmpty());
        QStringList ids;
        for (const InterviewTemplate &t : defaults) {
            ids << t.id;
            QVERIFY2(TemplateJson::validate(t).isEmpty(), qPrintable(t.id));
            QVERIFY(t.questions.size() >= 4);
            for (const Question &q : t.questions)
                QVERIFY2(!q.criteria.isEmpty(), qPrintable(t.id + QLatin1Char('/') + q.id));
        }
        QCOMPARE(ids,
            (QStringList { QStringLiteral("first-interview"), QStringLiteral("phone-screen"),
                QStringLiteral("technical") }));
    }

    void seedsOnceOnFirstRun()
    {
        TemplateRepository templates(*m_store, m_clock, m_audit.get());
        QCOMPARE(templates.seedDefaults(), 3);
        QCOMPARE(templates.count(), 3);
        QCOMPARE(templates.seedDefaults(), 0);
        QCOMPARE(templates.find(QStringLiteral("technical"))->name, QStringLiteral("Technical interview"));
        QCOMPARE(templates.find(QStringLiteral("technical"))->expiryDays, 10);
        QCOMPARE(m_audit->recent().first().action, QString::fromLatin1(AuditLog::ActionTemplatesSeeded));

        // An admin who deletes every template does not get them back on the next start.
        QString error;
        for (const QString &id : templates.ids())
            QVERIFY2(templates.remove(id, QStringLiteral("admin"), &error), qPrintable(error));
        QCOMPARE(templates.seedDefaults(), 0);
        QCOMPARE(templates.count(), 0);
    }

    void templateSaveValidatesAndAudits()
    {
        TemplateRepository templates(*m_store, m_clock, m_audit.get());
        QString error;
        InterviewTemplate t = smallTemplate(QStringLiteral("t1"));
        QVERIFY2(templates.save(t, QStringLiteral("admin"), &error), qPrintable(error));
        QCOMPARE(*templates.find(QStringLiteral("t1")), t);

        InterviewTemplate empty = smallTemplate(QStringLiteral("t2"));
        empty.questions.clear();
        QVERIFY(!templates.save(empty, QStringLiteral("admin"), &error));
        QCOMPARE(error, QStringLiteral("questions: the template has no questions; add at least one"));
        QVERIFY(!templates.find(QStringLiteral("t2")));

        t.name = QStringLiteral("Renamed");
        QVERIFY(templates.save(t, QStringLiteral("admin"), &error));
        QVERIFY(templates.save(t, QStringLiteral("admin"), &error)); // unchanged: no audit row
        const QList<AuditEntry> log = m_audit->forSubject(QStringLiteral("template:t1"));
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.first().details.value(QLatin1String("name")).toString(), QStringLiteral("Renamed"));
        QCOMPARE(log.first().details.value(QLatin1String("created")).toBool(), false);
        QCOMPARE(log.last().details.value(QLatin1String("created")).toBool(), true);
        QCOMPARE(log.first().actor, QStringLiteral("admin"));
        QCOMPARE(log.first().at, m_clock.now());
    }

    void templateInUseCannotBeRemoved()
    {
        TemplateRepository templates(*m_store, m_clock, m_audit.get());
        MappingRepository mappings(*m_store, m_clock, m_audit.get());
        QString error;
        QVERIFY(templates.save(smallTemplate(QStringLiteral("t1")), QStringLiteral("admin"), &error));
        QVERIFY2(mappings.save(mapping({}, QStringLiteral("Phone screen"), QStringLiteral("t1")),
                     QStringLiteral("admin"), &error),
            qPrintable(error));
        QVERIFY(!templates.remove(QStringLiteral("t1"), QStringLiteral("admin"), &error));
        QCOMPARE(
            error, QStringLiteral("template 't1' is used by 1 mapping(s); change or remove those first"));
        QVERIFY(templates.find(QStringLiteral("t1")));
        QVERIFY(!templates.remove(QStringLiteral("nope"), QStringLiteral("admin"), &error));
        QCOMPARE(error, QStringLiteral("no template 'nope'"));
    }

    void mappingSaveUpsertsByKeyAndResolves()
    {
        TemplateRepository templates(*m_store, m_clock, m_audit.get());
        MappingRepository mappings(*m_store, m_clock, m_audit.get());
        QString error;
        QVERIFY(templates.save(smallTemplate(QStringLiteral("a")), QStringLiteral("admin"), &error));
        QVERIFY(templates.save(smallTemplate(QStringLiteral("b")), QStringLiteral("admin"), &error));
        qint64 id1 = 0;
        qint64 id2 = 0;
        QVERIFY(mappings.save(mapping({}, QStringLiteral("Phone screen"), QStringLiteral("a")),
            QStringLiteral("admin"), &error, &id1));
        StageMapping again = mapping({}, QStringLiteral("PHONE SCREEN "), QStringLiteral("b"));
        again.rules.passThreshold = 65;
        QVERIFY(mappings.save(again, QStringLiteral("admin"), &error, &id2));
        QCOMPARE(id2, id1); // same (job, stage) key: updated, not duplicated
        QCOMPARE(mappings.list().size(), 1);
        QCOMPARE(mappings.list().first().templateId, QStringLiteral("b"));
        QCOMPARE(mappings.list().first().stage, QStringLiteral("Phone screen"));

        QVERIFY(mappings.save(mapping(QStringLiteral("123"), QStringLiteral("42"), QStringLiteral("a")),
            QStringLiteral("admin"), &error));
        MappingDecision d
            = mappings.resolve(QStringLiteral("123"), QStringLiteral("42"), QStringLiteral("Phone screen"));
        QCOMPARE(d.source, MappingDecision::Source::OverrideById);
        QCOMPARE(d.templateId, QStringLiteral("a"));
        d = mappings.resolve(QStringLiteral("9"), QStringLiteral("42"), QStringLiteral("phone screen"));
        QCOMPARE(d.source, MappingDecision::Source::Default);
        QCOMPARE(d.rules.passThreshold, std::optional<int>(65));

        QVERIFY(!mappings.save(
            mapping({}, QStringLiteral("Offer"), QStringLiteral("zzz")), QStringLiteral("admin"), &error));
        QCOMPARE(error, QStringLiteral("unknown template 'zzz'"));
        QCOMPARE(m_audit->forSubject(QStringLiteral("mapping:%1").arg(id1)).size(), 2);
        QVERIFY(mappings.remove(id1, QStringLiteral("admin"), &error));
        QCOMPARE(m_audit->forSubject(QStringLiteral("mapping:%1").arg(id1)).first().action,
            QString::fromLatin1(AuditLog::ActionMappingRemoved));
    }

    // A company webhook names the stage but not its id: the job's synced stage of that name lets an
    // override keyed by stage id apply.
    void nameOnlyResolvesOverrideById()
    {
        TemplateRepository templates(*m_store, m_clock, m_audit.get());
        MappingRepository mappings(*m_store, m_clock, m_audit.get());
        QString error;
        QVERIFY(templates.save(smallTemplate(QStringLiteral("a")), QStringLiteral("admin"), &error));
        QVERIFY(templates.save(smallTemplate(QStringLiteral("b")), QStringLiteral("admin"), &error));
        QVERIFY(mappings.save(mapping({}, QStringLiteral("Phone screen"), QStringLiteral("a")),
            QStringLiteral("admin"), &error));
        QVERIFY(mappings.save(mapping(QStringLiteral("123"), QStringLiteral("2"), QStringLiteral("b")),
            QStringLiteral("admin"), &error));
        // Not synced yet: only the default by name can apply.
        QCOMPARE(mappings.resolve(QStringLiteral("123"), QString(), QStringLiteral("Phone screen")).templateId,
            QStringLiteral("a"));
        exec(*m_store, QStringLiteral("INSERT INTO jobs(id, title) VALUES('123', 'Engineer'), ('124', 'Designer')"));
        exec(*m_store,
            QStringLiteral("INSERT INTO stages(id, job_id, name, row_order) VALUES('2', '123', 'Phone screen', 1),"
                           " ('7', '124', 'Phone screen', 1)"));
        MappingDecision d = mappings.resolve(QStringLiteral("123"), QString(), QStringLiteral("phone screen"));
        QCOMPARE(d.source, MappingDecision::Source::OverrideById);
        QCOMPARE(d.templateId, QStringLiteral("b"));
        d = mappings.resolve(QStringLiteral("124"), QString(), QStringLiteral("Phone screen"));
        QCOMPARE(d.source, MappingDecision::Source::Default);
        QCOMPARE(d.templateId, QStringLiteral("a"));
        QVERIFY(!mappings.resolve(QStringLiteral("123"), QString(), QStringLiteral("Offer")).found());
    }

    void importIsAtomic()
    {
        TemplateRepository templates(*m_store, m_clock, m_audit.get());
        MappingRepository mappings(*m_store, m_clock, m_audit.get());
        QString error;
        QVERIFY(templates.save(smallTemplate(QStringLiteral("a")), QStringLiteral("admin"), &error));
        QVERIFY(mappings.save(mapping({}, QStringLiteral("Phone screen"), QStringLiteral("a")),
            QStringLiteral("admin"), &error));
        const int auditBefore = rows(*m_store, QStringLiteral("audit_log"));

        // A mapping naming a template that exists nowhere fails at the database, after the template
        // upsert and the delete already ran: everything must roll back.
        MappingFile::Contents bad;
        InterviewTemplate changed = smallTemplate(QStringLiteral("a"));
        changed.name = QStringLiteral("Changed");
        bad.templates = { changed, smallTemplate(QStringLiteral("new")) };
        bad.mappings = { mapping({}, QStringLiteral("First interview"), QStringLiteral("new")),
            mapping({}, QStringLiteral("Technical"), QStringLiteral("missing")) };
        MappingRepository::ImportSummary summary;
        QVERIFY(!mappings.importFile(bad, templates, QStringLiteral("cli"), &summary, &error));
        QCOMPARE(error, QStringLiteral("unknown template 'missing'; nothing was changed"));
        QCOMPARE(templates.find(QStringLiteral("a"))->name, QStringLiteral("Template a"));
        QVERIFY(!templates.find(QStringLiteral("new")));
        QCOMPARE(mappings.list().size(), 1);
        QCOMPARE(mappings.list().first().stage, QStringLiteral("Phone screen"));
        QCOMPARE(rows(*m_store, QStringLiteral("audit_log")), auditBefore);

        MappingFile::Contents good = bad;
        good.mappings.removeLast();
        QVERIFY2(
            mappings.importFile(good, templates, QStringLiteral("cli"), &summary, &error), qPrintable(error));
        QCOMPARE(summary.templatesCreated, 1);
        QCOMPARE(summary.templatesUpdated, 1);
        QCOMPARE(summary.mappingsBefore, 1);
        QCOMPARE(summary.mappingsAfter, 1);
        QCOMPARE(summary.toString(),
            QStringLiteral(
                "Imported 2 template(s) (1 new, 1 updated, 0 unchanged) and 1 mapping(s), replacing 1."));
        QCOMPARE(mappings.list().size(), 1);
        QCOMPARE(mappings.list().first().stage, QStringLiteral("First interview"));
        QCOMPARE(templates.find(QStringLiteral("a"))->name, QStringLiteral("Changed"));
        const AuditEntry last = m_audit->recent().first();
        QCOMPARE(last.action, QString::fromLatin1(AuditLog::ActionMappingsImported));
        QCOMPARE(last.actor, QStringLiteral("cli"));
        QCOMPARE(last.details.value(QLatin1String("replaced")).toInt(), 1);
    }

    void staleMappingsAreFlaggedNeverDropped()
    {
        TemplateRepository templates(*m_store, m_clock, m_audit.get());
        MappingRepository mappings(*m_store, m_clock, m_audit.get());
        QString error;
        QVERIFY(templates.save(smallTemplate(QStringLiteral("a")), QStringLiteral("admin"), &error));
        QVERIFY(mappings.save(mapping({}, QStringLiteral("Phone screen"), QStringLiteral("a")),
            QStringLiteral("admin"), &error));
        qint64 overrideId = 0;
        QVERIFY(mappings.save(mapping(QStringLiteral("123"), QStringLiteral("3"), QStringLiteral("a")),
            QStringLiteral("admin"), &error, &overrideId));

        QVERIFY(mappings.refreshStale().isEmpty()); // nothing synced yet: nothing judged

        exec(*m_store, QStringLiteral("INSERT INTO jobs(id, title) VALUES('123', 'Engineer')"));
        exec(*m_store,
            QStringLiteral(
                "INSERT INTO stages(id, job_id, name, row_order) VALUES('2', '123', 'Phone screen', 1),"
                " ('3', '123', 'First interview', 2)"));
        QVERIFY(mappings.refreshStale().isEmpty());

        // Teamtailor deletes stage 3 and renames "Phone screen".
        exec(*m_store, QStringLiteral("DELETE FROM stages WHERE id = '3'"));
        exec(*m_store, QStringLiteral("UPDATE stages SET name = 'Screening call' WHERE id = '2'"));
        const QList<StageMapping> stale = mappings.refreshStale();
        QCOMPARE(stale.size(), 2);
        QCOMPARE(mappings.list().size(), 2);
        for (const StageMapping &m : mappings.list())
            QVERIFY(m.stale && !m.staleReason.isEmpty());
        QCOMPARE(m_audit->forSubject(QStringLiteral("mapping:%1").arg(overrideId)).first().action,
            QString::fromLatin1(AuditLog::ActionMappingStale));
        const int auditRows = rows(*m_store, QStringLiteral("audit_log"));
        QCOMPARE(mappings.refreshStale().size(), 2);
        QCOMPARE(rows(*m_store, QStringLiteral("audit_log")), auditRows); // unchanged flags: no new rows

        // The resolver still reports the stale flag to its caller.
        QVERIFY(mappings.resolve(QStringLiteral("123"), QStringLiteral("3"), QString()).stale);

        // Renamed back: the flag clears.
        exec(*m_store, QStringLiteral("UPDATE stages SET name = 'Phone screen' WHERE id = '2'"));
        QCOMPARE(mappings.refreshStale().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_InterviewRepositories)
#include "tst_interviewrepositories.moc"

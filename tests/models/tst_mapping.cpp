// The pure mapping resolver and stale detection (models/interview/Mapping.h).
#include "models/interview/Mapping.h"

#include <QtTest>

using namespace intrvio;

namespace {

StageMapping mapping(
    qint64 id, const QString &job, const QString &stage, const QString &tpl, MappingRules rules = {})
{
    StageMapping m;
    m.id = id;
    m.jobId = job;
    m.stage = stage;
    m.templateId = tpl;
    m.rules = rules;
    return m;
}

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

const QList<StageMapping> &table()
{
    static const QList<StageMapping> mappings = {
        mapping(1, {}, s("Phone screen"), s("phone-screen")),
        mapping(2, {}, s("First interview"), s("first-interview"), { 70, s("Technical"), s("reject") }),
        mapping(3, s("123"), s("First interview"), s("technical"), { 80, s("Offer"), {} }),
        mapping(4, s("123"), s("555"), s("special")),
        mapping(5, s("200"), s("  Phone Screen "), s("technical")),
        mapping(6, {}, s("Intervjú"), s("first-interview")),
    };
    return mappings;
}

} // namespace

class tst_Mapping : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resolve_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<QString>("stageId");
        QTest::addColumn<QString>("stageName");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("templateId");
        QTest::addColumn<qint64>("mappingId");

        QTest::newRow("default by name")
            << s("9") << s("1") << s("Phone screen") << s("default") << s("phone-screen") << qint64(1);
        QTest::newRow("default is case-insensitive")
            << s("9") << s("1") << s("PHONE SCREEN") << s("default") << s("phone-screen") << qint64(1);
        QTest::newRow("default ignores surrounding spaces")
            << s("9") << s("1") << s(" phone screen ") << s("default") << s("phone-screen") << qint64(1);
        QTest::newRow("default non-ascii case")
            << s("9") << s("1") << s("INTERVJÚ") << s("default") << s("first-interview") << qint64(6);
        QTest::newRow("unmapped stage")
            << s("9") << s("1") << s("Offer") << s("none") << QString() << qint64(0);
        QTest::newRow("empty stage name")
            << s("9") << s("1") << QString() << s("none") << QString() << qint64(0);
        QTest::newRow("override by name beats default")
            << s("123") << s("42") << s("first interview") << s("override-by-name") << s("technical")
            << qint64(3);
        QTest::newRow("override by id beats name and default")
            << s("123") << s("555") << s("First interview") << s("override-by-id") << s("special")
            << qint64(4);
        QTest::newRow("override by id with unknown name")
            << s("123") << s("555") << s("Renamed stage") << s("override-by-id") << s("special") << qint64(4);
        QTest::newRow("other job falls back to default") << s("124") << s("555") << s("First interview")
                                                         << s("default") << s("first-interview") << qint64(2);
        QTest::newRow("override name with spaces and case")
            << s("200") << s("7") << s("phone screen") << s("override-by-name") << s("technical")
            << qint64(5);
        QTest::newRow("stage id is not a name for defaults")
            << s("9") << s("Phone screen") << s("Other") << s("none") << QString() << qint64(0);
        QTest::newRow("no job: defaults only") << QString() << s("555") << s("First interview")
                                               << s("default") << s("first-interview") << qint64(2);
    }

    void resolve()
    {
        QFETCH(QString, job);
        QFETCH(QString, stageId);
        QFETCH(QString, stageName);
        QFETCH(QString, source);
        QFETCH(QString, templateId);
        QFETCH(qint64, mappingId);
        const MappingDecision d = resolveMapping(table(), job, stageId, stageName);
        QCOMPARE(sourceName(d.source), source);
        QCOMPARE(d.templateId, templateId);
        QCOMPARE(d.mappingId, mappingId);
        QCOMPARE(d.found(), source != QLatin1String("none"));
        QCOMPARE(d.fromOverride(), source.startsWith(QLatin1String("override")));
    }

    void resolveCarriesRules()
    {
        const MappingDecision d = resolveMapping(table(), s("9"), s("1"), s("First interview"));
        QCOMPARE(d.rules.passThreshold, std::optional<int>(70));
        QCOMPARE(d.rules.onPass, s("Technical"));
        QVERIFY(d.rules.rejectsOnFail());
        const MappingDecision o = resolveMapping(table(), s("123"), s("1"), s("First interview"));
        QCOMPARE(o.rules.passThreshold, std::optional<int>(80));
        QVERIFY(!o.rules.rejectsOnFail());
        QVERIFY(o.rules.onFail.isEmpty());
    }

    void stale_data()
    {
        QTest::addColumn<QList<StageMapping>>("mappings");
        QTest::addColumn<QList<StageInfo>>("stages");
        QTest::addColumn<QList<bool>>("stale");
        QTest::addColumn<QStringList>("reasonContains");

        const QList<StageInfo> synced = {
            { s("1"), s("123"), s("Inbox") },
            { s("2"), s("123"), s("Phone screen") },
            { s("3"), s("123"), s("First interview") },
            { s("4"), s("123"), s("Technical") },
            { s("5"), s("124"), s("Inbox") },
            { s("6"), s("124"), s("phone SCREEN") },
        };
        QTest::newRow("nothing synced yet: nothing judged")
            << QList<StageMapping> { mapping(1, {}, s("Gone"), s("t")), mapping(2, s("999"), s("x"), s("t")) }
            << QList<StageInfo> {} << QList<bool> { false, false } << QStringList { QString(), QString() };
        QTest::newRow("default name exists in some job")
            << QList<StageMapping> { mapping(1, {}, s("Phone Screen"), s("t")) } << synced
            << QList<bool> { false } << QStringList { QString() };
        QTest::newRow("default stage renamed")
            << QList<StageMapping> { mapping(1, {}, s("Screening call"), s("t")) } << synced
            << QList<bool> { true } << QStringList { s("no job has a stage named 'Screening call'") };
        QTest::newRow("override by id present")
            << QList<StageMapping> { mapping(1, s("123"), s("3"), s("t")) } << synced << QList<bool> { false }
            << QStringList { QString() };
        QTest::newRow("override by id deleted")
            << QList<StageMapping> { mapping(1, s("123"), s("77"), s("t")) } << synced << QList<bool> { true }
            << QStringList { s("job 123 has no stage '77'") };
        QTest::newRow("override by name renamed")
            << QList<StageMapping> { mapping(1, s("124"), s("First interview"), s("t")) } << synced
            << QList<bool> { true } << QStringList { s("job 124 has no stage 'First interview'") };
        QTest::newRow("override for a job that is gone")
            << QList<StageMapping> { mapping(1, s("999"), s("Phone screen"), s("t")) } << synced
            << QList<bool> { true } << QStringList { s("job 999 has no synced stages") };
        QTest::newRow("override rule target missing")
            << QList<StageMapping> { mapping(
                   1, s("123"), s("Phone screen"), s("t"), { 60, s("Offer"), s("reject") }) }
            << synced << QList<bool> { true }
            << QStringList { s("target stage 'Offer' is missing in job 123") };
        QTest::newRow("override rules fine, reject is no stage") << QList<StageMapping> {
            mapping(1, s("123"), s("Phone screen"), s("t"), { 60, s("technical"), s("Reject") })
        } << synced << QList<bool> { false } << QStringList { QString() };
        QTest::newRow("default rule target missing in one job")
            << QList<StageMapping> { mapping(1, {}, s("Phone screen"), s("t"), { 60, s("Technical"), {} }) }
            << synced << QList<bool> { true }
            << QStringList { s("target stage 'Technical' is missing in job(s) 124") };
        QTest::newRow("mixed list keeps order") << QList<StageMapping> { mapping(1, {}, s("Inbox"), s("t")),
            mapping(2, {}, s("Gone"), s("t")), mapping(3, s("124"), s("6"), s("t")) }
                                                << synced << QList<bool> { false, true, false }
                                                << QStringList { QString(), s("Gone"), QString() };
    }

    void stale()
    {
        QFETCH(QList<StageMapping>, mappings);
        QFETCH(QList<StageInfo>, stages);
        QFETCH(QList<bool>, stale);
        QFETCH(QStringList, reasonContains);
        // A flag set earlier is recomputed, never kept blindly.
        for (StageMapping &m : mappings) {
            m.stale = true;
            m.staleReason = s("old");
        }
        const QList<StageMapping> result = markStaleMappings(mappings, stages);
        QCOMPARE(result.size(), mappings.size());
        for (qsizetype i = 0; i < result.size(); ++i) {
            QCOMPARE(result.at(i).id, mappings.at(i).id);
            QCOMPARE(result.at(i).stale, stale.at(i));
            if (reasonContains.at(i).isEmpty())
                QVERIFY(result.at(i).staleReason.isEmpty());
            else
                QVERIFY2(result.at(i).staleReason.contains(reasonContains.at(i)),
                    qPrintable(result.at(i).staleReason));
        }
    }
};

QTEST_GUILESS_MAIN(tst_Mapping)
#include "tst_mapping.moc"

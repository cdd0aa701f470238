// The mapping file parser/validator and exporter (models/interview/MappingFile.h): pure.
#include "models/interview/MappingFile.h"
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace intrvio;

namespace {

QByteArray fixture(const char *name)
{
    QFile f(test::dataPath(QStringLiteral("mapping/") + QString::fromLatin1(name)));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll();
}

QStringList lines(const QList<ValidationProblem> &problems)
{
    QStringList out;
    for (const ValidationProblem &p : problems)
        out << p.toString();
    return out;
}

const QByteArray minimalTemplate
    = R"({"id": "t", "name": "T", "questions": [{"id": "q1", "text": "Why?", "criteria": [{"id": "c", "keywords": ["x"]}]}]})";

} // namespace

class tst_MappingFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesTheDocumentedExample()
    {
        const MappingFile::ParseResult r = MappingFile::parse(fixture("valid.json"));
        QVERIFY2(r.ok(), qPrintable(lines(r.problems).join(QLatin1Char('\n'))));
        QCOMPARE(r.contents.templates.size(), 1);
        const InterviewTemplate &t = r.contents.templates.first();
        QCOMPARE(t.id, QStringLiteral("phone-screen"));
        QCOMPARE(t.expiryDays, InterviewTemplate::DefaultExpiryDays);
        QCOMPARE(t.questions.first().criteria.first().keywords,
            (QStringList { QStringLiteral("led"), QStringLiteral("team"), QStringLiteral("owned") }));
        QCOMPARE(r.contents.mappings.size(), 2);
        QVERIFY(r.contents.mappings.at(0).isDefault());
        const StageMapping &o = r.contents.mappings.at(1);
        QCOMPARE(o.jobId, QStringLiteral("123"));
        QCOMPARE(o.rules.passThreshold, std::optional<int>(70));
        QCOMPARE(o.rules.onPass, QStringLiteral("Technical interview"));
        QVERIFY(o.rules.rejectsOnFail());
    }

    void referencesKnownTemplates()
    {
        const QByteArray json = fixture("uses-builtin.json");
        MappingFile::ParseResult r = MappingFile::parse(json);
        QCOMPARE(lines(r.problems),
            (QStringList { QStringLiteral("mappings[0].template: unknown template 'phone-screen'"),
                QStringLiteral("mappings[1].template: unknown template 'first-interview'"),
                QStringLiteral("mappings[2].template: unknown template 'technical'") }));
        QVERIFY(r.contents.mappings.isEmpty()); // nothing half-parsed is handed out
        r = MappingFile::parse(json,
            { QStringLiteral("phone-screen"), QStringLiteral("first-interview"),
                QStringLiteral("technical") });
        QVERIFY(r.ok());
        QCOMPARE(r.contents.mappings.at(2).jobId, QStringLiteral("123")); // numeric job id accepted
    }

    void reportsEveryProblemWithItsPath()
    {
        const MappingFile::ParseResult r
            = MappingFile::parse(fixture("invalid.json"), { QStringLiteral("builtin") });
        const QStringList expected {
            QStringLiteral(
                "templates[0].language: 'english' is not a language tag such as \"en\", \"sv\" or \"en-GB\""),
            QStringLiteral("templates[0].questions[0].criteria[0].keywords: needs at least one keyword"),
            QStringLiteral("templates[0].questions[0].criteria[0].weight: must be greater than 0 and at most "
                           "100, not 0"),
            QStringLiteral("templates[1].questions: the template has no questions; add at least one"),
            QStringLiteral("mappings[1].template: unknown template 'x' (known: builtin, empty, screen)"),
            QStringLiteral(
                "mappings[2].stage: duplicate of mappings[0] (same default and stage 'phone SCREEN')"),
            QStringLiteral("mappings[3].rules.pass: must be from 0 to 100, not 120"),
            QStringLiteral(
                "mappings[4].rules.pass: is required when onPass or onFail is given (a score from 0 to 100)"),
            QStringLiteral("mappings[5].tempate: unknown key; expected one of: job, stage, template, rules"),
            QStringLiteral("mappings[5].stage: must not be empty"),
            QStringLiteral("mappings[5].template: is required"),
        };
        QCOMPARE(lines(r.problems), expected);
        QVERIFY(r.contents.templates.isEmpty());
        QVERIFY(r.contents.mappings.isEmpty());
    }

    void documentProblems_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QStringList>("expected");
        const QByteArray t = minimalTemplate;
        QTest::newRow("syntax error with position")
            << fixture("not-json.json")
            << QStringList { QStringLiteral("not valid JSON at line 4, column 31: unterminated object") };
        QTest::newRow("empty file") << QByteArray()
                                    << QStringList { QStringLiteral(
                                           "not valid JSON at line 1, column 1: illegal value") };
        QTest::newRow("array at top level")
            << QByteArray("[]")
            << QStringList { QStringLiteral(
                   "the top level must be an object with \"version\", \"templates\" and \"mappings\"") };
        QTest::newRow("missing version and mappings")
            << QByteArray("{}")
            << QStringList { QStringLiteral("version: is required; this Intrvio reads version 1"),
                   QStringLiteral("mappings: is required (an array; [] removes every mapping)") };
        QTest::newRow("future version")
            << QByteArray(R"({"version": 2, "mappings": []})")
            << QStringList { QStringLiteral("version: unsupported version 2; this Intrvio reads version 1") };
        QTest::newRow("version as string")
            << QByteArray(R"({"version": "1", "mappings": []})")
            << QStringList { QStringLiteral(
                   "version: unsupported version a string; this Intrvio reads version 1") };
        QTest::newRow("unknown top-level key")
            << QByteArray(R"({"version": 1, "mapping": [], "mappings": []})")
            << QStringList { QStringLiteral(
                   "mapping: unknown key; expected one of: version, templates, mappings") };
        QTest::newRow("templates not an array")
            << QByteArray(R"({"version": 1, "templates": {}, "mappings": []})")
            << QStringList { QStringLiteral("templates: must be an array, not an object") };
        QTest::newRow("duplicate template id")
            << QByteArray(R"({"version": 1, "templates": [)" + t + "," + t + R"(], "mappings": []})")
            << QStringList { QStringLiteral(
                   "templates[1].id: duplicate template id 't' (each template appears once)") };
        QTest::newRow("template shape errors") << QByteArray(
            R"({"version": 1, "templates": [{"id": 5, "name": "N", "questions": "q"}], "mappings": []})")
                                               << QStringList {
                                                      QStringLiteral(
                                                          "templates[0].id: must be a string, not a number"),
                                                      QStringLiteral("templates[0].questions: must be an "
                                                                     "array, not a string")
                                                  };
        QTest::newRow("bad ids and duplicate question") << QByteArray(
            R"({"version": 1, "templates": [{"id": "a b", "name": "N", "questions": [)"
            R"({"id": "q", "text": "x"}, {"id": "q", "text": "y", "criteria": [{"id": "c", "keywords": ["  "]}]}]}], "mappings": []})")
                                                        << QStringList {
                                                               QStringLiteral(
                                                                   "templates[0].id: 'a b' is not a valid id "
                                                                   "(1-64 letters, digits, '.', '_' or "
                                                                   "'-', starting with a letter or digit)"),
                                                               QStringLiteral("templates[0].questions[1].id: "
                                                                              "duplicate question id 'q'"),
                                                               QStringLiteral(
                                                                   "templates[0].questions[1].criteria[0]."
                                                                   "keywords[0]: must contain at least one "
                                                                   "letter or digit")
                                                           };
        QTest::newRow("expiry out of range") << QByteArray(
            R"({"version": 1, "templates": [{"id": "t", "name": "T", "expiryDays": 0, "questions": [{"id": "q", "text": "x"}]}], "mappings": []})")
                                             << QStringList { QStringLiteral(
                                                    "templates[0].expiryDays: must be from 1 to 90, not 0") };
        QTest::newRow("mapping not an object")
            << QByteArray(R"({"version": 1, "mappings": ["Phone screen"]})")
            << QStringList { QStringLiteral("mappings[0]: must be an object, not a string") };
        QTest::newRow("bad job and rules types")
            << QByteArray(R"({"version": 1, "templates": [)" + t
                   + R"(], "mappings": [{"job": true, "stage": "S", "template": "t", "rules": []}]})")
            << QStringList {
                   QStringLiteral(
                       "mappings[0].job: must be a job id (string or positive number); leave it out "
                       "for a default mapping"),
                   QStringLiteral("mappings[0].rules: must be an object, not an array")
               };
        QTest::newRow("reject on pass") << QByteArray(R"({"version": 1, "templates": [)" + t
            + R"(], "mappings": [{"stage": "S", "template": "t", "rules": {"pass": 5, "onPass": "reject", "extra": 1}}]})")
                                        << QStringList { QStringLiteral(
                                                             "mappings[0].rules.extra: unknown key; expected "
                                                             "one of: pass, onPass, onFail"),
                                               QStringLiteral("mappings[0].rules.onPass: \"reject\" is only "
                                                              "allowed for onFail") };
        QTest::newRow("fractional pass")
            << QByteArray(R"({"version": 1, "templates": [)" + t
                   + R"(], "mappings": [{"stage": "S", "template": "t", "rules": {"pass": 70.5}}]})")
            << QStringList { QStringLiteral("mappings[0].rules.pass: must be a whole number from 0 to 100") };
        QTest::newRow("same stage, different jobs is fine") << QByteArray(R"({"version": 1, "templates": [)"
            + t
            + R"(], "mappings": [{"stage": "S", "template": "t"}, {"job": "1", "stage": "s", "template": "t"}, {"job": "2", "stage": "S", "template": "t"}]})")
                                                            << QStringList {};
        QTest::newRow("duplicate override") << QByteArray(R"({"version": 1, "templates": [)" + t
            + R"(], "mappings": [{"job": 1, "stage": "S", "template": "t"}, {"job": "1", "stage": " s ", "template": "t"}]})")
                                            << QStringList { QStringLiteral(
                                                   "mappings[1].stage: duplicate of mappings[0] (same job 1 "
                                                   "and stage 's')") };
    }

    void documentProblems()
    {
        QFETCH(QByteArray, json);
        QFETCH(QStringList, expected);
        const MappingFile::ParseResult r = MappingFile::parse(json);
        QCOMPARE(lines(r.problems), expected);
        QCOMPARE(r.ok(), expected.isEmpty());
    }

    void exportHasTheDocumentedShapeAndRoundTrips()
    {
        const MappingFile::ParseResult first = MappingFile::parse(fixture("valid.json"));
        QVERIFY(first.ok());
        const QByteArray exported = MappingFile::serialize(first.contents.templates, first.contents.mappings);
        // Keys in the documented order, for people who read and edit the file.
        QVERIFY2(exported.startsWith(
                     "{\n  \"version\": 1,\n  \"templates\": [\n    {\n      \"id\": \"phone-screen\",\n"
                     "      \"name\": \"Phone screen\","),
            exported.constData());
        QVERIFY(exported.contains("\"keywords\": [\"led\", \"team\", \"owned\"],"));
        QVERIFY(exported.contains(
            "{\n      \"stage\": \"Phone screen\",\n      \"template\": \"phone-screen\"\n    }"));
        QVERIFY(exported.endsWith("}\n"));
        const QJsonObject root = QJsonDocument::fromJson(exported).object();
        QCOMPARE(root.value(QLatin1String("version")).toInt(), 1);
        QCOMPARE(root.keys(),
            (QStringList {
                QStringLiteral("mappings"), QStringLiteral("templates"), QStringLiteral("version") }));
        const QJsonObject m0 = root.value(QLatin1String("mappings")).toArray().at(0).toObject();
        QCOMPARE(m0.keys(), (QStringList { QStringLiteral("stage"), QStringLiteral("template") }));
        const QJsonObject rules = root.value(QLatin1String("mappings"))
                                      .toArray()
                                      .at(1)
                                      .toObject()
                                      .value(QLatin1String("rules"))
                                      .toObject();
        QCOMPARE(rules.value(QLatin1String("pass")).toInt(), 70);
        QCOMPARE(rules.value(QLatin1String("onFail")).toString(), QStringLiteral("reject"));

        const MappingFile::ParseResult second = MappingFile::parse(exported);
        QVERIFY2(second.ok(), qPrintable(lines(second.problems).join(QLatin1Char('\n'))));
        QCOMPARE(second.contents.templates, first.contents.templates);
        QCOMPARE(second.contents.mappings, first.contents.mappings);
        QCOMPARE(MappingFile::serialize(second.contents.templates, second.contents.mappings), exported);
    }
};

QTEST_GUILESS_MAIN(tst_MappingFile)
#include "tst_mappingfile.moc"

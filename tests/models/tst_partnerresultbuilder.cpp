// Partner-result bodies (models/interview/PartnerResultBuilder.h), checked against protocol §5.1.
// (Raw string literals here never contain "//": moc 6.4 would read it as a comment.)
#include "models/interview/PartnerResultBuilder.h"
#include "models/interview/RubricScorer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace intrvio;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

QStringList lines(const QList<ValidationProblem> &problems)
{
    QStringList out;
    for (const ValidationProblem &p : problems)
        out << p.toString();
    return out;
}

CompletedInterview interview()
{
    CompletedInterview c;
    c.tpl.id = s("screen");
    c.tpl.name = s("Phone screen");
    c.tpl.questions = { { s("q1"), s("Tell us about a project you led."),
                            { { s("leadership"), { s("led"), s("team"), s("owned") }, 1 } } },
        { s("q2"), s("How do you keep quality high?"),
            { { s("quality"), { s("test"), s("review") }, 2 }, { s("leadership"), { s("mentor") }, 1 } } } };
    c.answers = { { s("q1"), s("I led a team of four and owned the release.") },
        { s("q2"), s("Tests and code review on every change.") } };
    c.score = RubricScorer::evaluate(c.tpl, c.answers);
    c.startedAt = QDateTime::fromSecsSinceEpoch(1718000000, Qt::UTC);
    c.completedAt = c.startedAt.addSecs(1934);
    c.reportUrl = QUrl(s("https://intrvio.example.com/report/abc"));
    return c;
}

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

class tst_PartnerResultBuilder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void completedBodyFollowsTheRules()
    {
        const CompletedInterview c = interview();
        const QJsonObject a = PartnerResultBuilder::completed(c);
        QCOMPARE(lines(PartnerResultBuilder::validate(a, false)), QStringList {});
        QCOMPARE(a.value(QLatin1String("status")).toString(), s("completed"));
        const QJsonObject assessment = a.value(QLatin1String("assessment")).toObject();
        // leadership: q1 3/3 = 100 (w1), q2 0/1 = 0 (w1) -> 50 (w2); quality 2/2 = 100 (w2) -> 75.
        QCOMPARE(assessment.value(QLatin1String("score")).toInt(), 75);
        QCOMPARE(assessment.value(QLatin1String("grade")).toString(), s("top_fit"));
        QCOMPARE(assessment.value(QLatin1String("duration")).toString(), s("00:32:14"));
        QVERIFY(!a.contains(QLatin1String("candidate-id"))); // immutable: never on update
        QCOMPARE(a.value(QLatin1String("url")).toString(), s("https://intrvio.example.com/report/abc"));

        const QString summary = a.value(QLatin1String("summary")).toString();
        const QString first = summary.left(summary.indexOf(s(". ")) + 1);
        QVERIFY(first.size() <= 150);
        QCOMPARE(first,
            s("Top fit: scored 75/100 on the Phone screen rubric; strongest in quality, weakest in "
              "leadership."));

        const QJsonObject details = a.value(QLatin1String("details")).toObject();
        QCOMPARE(PartnerResultBuilder::depth(details), 2);
        const QJsonObject transcript = details.value(QLatin1String("transcript")).toObject();
        QCOMPARE(transcript.value(QLatin1String("1. Tell us about a project you led.")).toString(),
            s("I led a team of four and owned the release."));
        QCOMPARE(transcript.value(QLatin1String("2. How do you keep quality high?")).toString(),
            s("Tests and code review on every change."));
        QCOMPARE(
            details.value(QLatin1String("criteria")).toObject().value(QLatin1String("quality")).toInt(), 100);

        const QJsonArray criteria = a.value(QLatin1String("assessment-criteria")).toArray();
        QCOMPARE(criteria.size(), 2);
        QCOMPARE(criteria.at(0).toObject(), object(R"({"id": "leadership", "score": 50})"));
        QCOMPARE(criteria.at(1).toObject(), object(R"({"id": "quality", "score": 100})"));
    }

    void missingAnswersAndLongQuestionsStayValid()
    {
        CompletedInterview c = interview();
        c.tpl.questions[0].text = QString(s("Very long question ").repeated(30));
        c.answers.removeFirst();
        c.score = RubricScorer::evaluate(c.tpl, c.answers);
        c.startedAt = QDateTime();
        const QJsonObject a = PartnerResultBuilder::completed(c);
        QCOMPARE(lines(PartnerResultBuilder::validate(a, false)), QStringList {});
        const QJsonObject transcript
            = a.value(QLatin1String("details")).toObject().value(QLatin1String("transcript")).toObject();
        QVERIFY(transcript.keys().first().size() <= 200);
        QCOMPARE(transcript.begin().value().toString(), s("(no answer)"));
        QCOMPARE(a.value(QLatin1String("assessment")).toObject().value(QLatin1String("duration")).toString(),
            s("00:00:00"));
    }

    void statusBodiesAndEnvelope()
    {
        const QJsonObject failed
            = PartnerResultBuilder::status(s("failed"), s("The interview link expired."));
        QCOMPARE(lines(PartnerResultBuilder::validate(failed, false)), QStringList {});
        QCOMPARE(failed, object(R"({"status": "failed", "summary": "The interview link expired."})"));
        const QJsonObject put
            = PartnerResultBuilder::envelope(PartnerResultBuilder::status(s("sent")), s("uuid-1"));
        QCOMPARE(put,
            object(
                R"({"data": {"type": "partner-results", "id": "uuid-1", "attributes": {"status": "sent"}}})"));
        QJsonObject create = PartnerResultBuilder::status(s("sent"));
        QCOMPARE(lines(PartnerResultBuilder::validate(create, true)),
            QStringList { s("candidate-id: is required on create") });
        create.insert(QStringLiteral("candidate-id"), 333);
        QCOMPARE(lines(PartnerResultBuilder::validate(create, true)), QStringList {});
        QVERIFY(!PartnerResultBuilder::envelope(create)
                     .value(QLatin1String("data"))
                     .toObject()
                     .contains(QLatin1String("id")));
    }

    void duration_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << s("00:00:00");
        QTest::newRow("protocol example") << qint64(1934) << s("00:32:14");
        QTest::newRow("hours") << qint64(3 * 3600 + 5) << s("03:00:05");
        QTest::newRow("negative") << qint64(-5) << s("00:00:00");
    }

    void duration()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(PartnerResultBuilder::duration(seconds), text);
    }

    void validatorCatchesEveryRule_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("create");
        QTest::addColumn<QStringList>("problems");
        QTest::newRow("bad status")
            << QByteArray(R"({"status": "done"})") << false
            << QStringList { s("status: must be one of sending, sent, pending, completed, failed") };
        QTest::newRow("score out of range")
            << QByteArray(R"({"assessment": {"score": 101}})") << false
            << QStringList { s("assessment.score: must be a number from 0 to 100") };
        QTest::newRow("bad grade") << QByteArray(R"({"assessment": {"grade": "great"}})") << false
                                   << QStringList { s("assessment.grade: must be one of top_fit, "
                                                      "might_be_fit, might_not_be_fit, unknown, or null") };
        QTest::newRow("null grade ok")
            << QByteArray(R"({"assessment": {"grade": null, "duration": 1934}})") << false << QStringList {};
        QTest::newRow("bad duration")
            << QByteArray(R"({"assessment": {"duration": "32 minutes"}})") << false
            << QStringList { s("assessment.duration: must be seconds or \"HH:MM:SS\"") };
        QTest::newRow("details too deep")
            << QByteArray(R"({"details": {"a": {"b": {"c": 1}}}})") << false
            << QStringList { s("details: is 3 levels deep; at most 2 are allowed") };
        QTest::newRow("details array counts")
            << QByteArray(R"({"details": {"a": [[1]]}})") << false
            << QStringList { s("details: is 3 levels deep; at most 2 are allowed") };
        QTest::newRow("bad url") << QByteArray("{\"url\": \"ftp://x.example/report\"}") << false
                                 << QStringList { s("url: must be a valid http or https URL") };
        QTest::newRow("candidate-id on update")
            << QByteArray(R"({"candidate-id": 3})") << false
            << QStringList { s("candidate-id: is immutable and must not be sent on update") };
        QTest::newRow("candidate-id not numeric")
            << QByteArray(R"({"status": "sent", "candidate-id": "abc"})") << true
            << QStringList { s("candidate-id: must be numeric") };
        QTest::newRow("criteria score")
            << QByteArray(R"({"assessment-criteria": [{"id": "a", "score": -1}, {"score": 5}]})") << false
            << QStringList { s("assessment-criteria[0].score: must be a number from 0 to 100"),
                   s("assessment-criteria[1]: must be {id, score?} with a string id") };
        QTest::newRow("attachments and actions")
            << QByteArray("{\"attachments\": [{\"url\": \"https://x\"}], \"actions\": [{\"button_text\": "
                          "\"x\", \"endpoint\": \"y\"}]}")
            << false
            << QStringList { s("attachments[0]: must be exactly {url, description}"),
                   s("actions[0]: must be {buttonText, endpoint}") };
        QTest::newRow("unknown attribute") << QByteArray(R"({"score": 5})") << false
                                           << QStringList { s("score: not a partner-result attribute") };
    }

    void validatorCatchesEveryRule()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, create);
        QFETCH(QStringList, problems);
        QCOMPARE(
            lines(PartnerResultBuilder::validate(QJsonDocument::fromJson(json).object(), create)), problems);
    }
};

QTEST_GUILESS_MAIN(tst_PartnerResultBuilder)
#include "tst_partnerresultbuilder.moc"

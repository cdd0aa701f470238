// The built-in deterministic rubric scorer (models/interview/RubricScorer.h): pure.
#include "models/interview/RubricScorer.h"

#include <QtTest>

using namespace intrvio;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

InterviewTemplate leadershipTemplate()
{
    InterviewTemplate t;
    t.id = s("phone-screen");
    t.name = s("Phone screen");
    t.questions = {
        { s("q1"), s("Tell us about a project you led."),
            { { s("leadership"), { s("led"), s("team"), s("owned") }, 1.0 },
                { s("impact"), { s("reduce"), s("cost") }, 1.0 } } },
        { s("q2"), s("How do you ensure quality?"),
            { { s("quality"), { s("unit test"), s("code review"), s("monitor"), s("ci") }, 2.0 },
                { s("impact"), { s("customer") }, 1.0 } } },
    };
    return t;
}

// The first sentence of a summary: up to the first ". " or the end.
QString firstSentence(const QString &summary)
{
    const qsizetype end = summary.indexOf(QLatin1String(". "));
    return end < 0 ? summary : summary.left(end + 1);
}

} // namespace

class tst_RubricScorer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keywordMatching_data()
    {
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("keyword");
        QTest::addColumn<bool>("match");
        QTest::newRow("exact") << s("I led the team") << s("team") << true;
        QTest::newRow("case-insensitive") << s("The TEAM grew") << s("Team") << true;
        QTest::newRow("plural") << s("two teams") << s("team") << true;
        QTest::newRow("word boundary: steam") << s("full steam ahead") << s("team") << false;
        QTest::newRow("word boundary: ledger") << s("I kept the ledger") << s("led") << false;
        QTest::newRow("word boundary: fled") << s("they fled") << s("led") << false;
        QTest::newRow("irregular led ~ leading") << s("I was leading the migration") << s("led") << true;
        QTest::newRow("leads ~ lead") << s("she leads the group") << s("lead") << true;
        QTest::newRow("led ~ lead") << s("I led it") << s("lead") << true;
        QTest::newRow("owned ~ own") << s("I own the backlog") << s("owned") << true;
        QTest::newRow("managing ~ manage") << s("managing people") << s("manage") << true;
        QTest::newRow("planned ~ plan") << s("we planned ahead") << s("plan") << true;
        QTest::newRow("tested ~ testing") << s("I tested everything") << s("testing") << true;
        QTest::newRow("process not processor") << s("the processor") << s("process") << false;
        QTest::newRow("processes ~ process") << s("many processes") << s("process") << true;
        QTest::newRow("companies ~ company") << s("two companies") << s("company") << true;
        QTest::newRow("possessive") << s("the team's goal") << s("team") << true;
        QTest::newRow("punctuation around") << s("(team), and") << s("team") << true;
        QTest::newRow("phrase") << s("We did a code review daily") << s("code review") << true;
        QTest::newRow("phrase inflected") << s("Code reviews catch bugs") << s("code review") << true;
        QTest::newRow("phrase out of order") << s("review the code") << s("code review") << false;
        QTest::newRow("hyphenated keyword") << s("we discussed the trade off") << s("trade-off") << true;
        QTest::newRow("hyphenated answer") << s("a clear trade-off") << s("trade off") << true;
        QTest::newRow("non-ascii") << s("Ärlighet är viktigt") << s("ärlighet") << true;
        QTest::newRow("substring never matches") << s("teamwork") << s("team") << false;
        QTest::newRow("empty answer") << QString() << s("team") << false;
        QTest::newRow("need is not ne") << s("we need it") << s("ne") << false;
    }

    void keywordMatching()
    {
        QFETCH(QString, answer);
        QFETCH(QString, keyword);
        QFETCH(bool, match);
        QCOMPARE(RubricScorer::matches(RubricScorer::stems(answer), keyword), match);
    }

    void gradeBands_data()
    {
        QTest::addColumn<int>("score");
        QTest::addColumn<QString>("grade");
        QTest::newRow("100") << 100 << s("top_fit");
        QTest::newRow("75 is top") << Grade::TopFitMin << s("top_fit");
        QTest::newRow("74") << 74 << s("might_be_fit");
        QTest::newRow("50 is might") << Grade::MightBeFitMin << s("might_be_fit");
        QTest::newRow("49") << 49 << s("might_not_be_fit");
        QTest::newRow("0") << 0 << s("might_not_be_fit");
    }

    void gradeBands()
    {
        QFETCH(int, score);
        QFETCH(QString, grade);
        QCOMPARE(Grade::forScore(score), grade);
    }

    void evaluate_data()
    {
        QTest::addColumn<QList<Answer>>("answers");
        QTest::addColumn<QList<int>>("criteria"); // leadership, impact, quality
        QTest::addColumn<int>("overall");
        QTest::addColumn<QString>("grade");

        // Weights: leadership 1, impact 1 (q1) + 1 (q2) = 2, quality 2.
        QTest::newRow("no answers") << QList<Answer> {} << QList<int> { 0, 0, 0 } << 0
                                    << s("might_not_be_fit");
        QTest::newRow("everything")
            << QList<Answer> { { s("q1"), s("I led a team and owned the plan; we reduced cost by 30%.") },
                   { s("q2"), s("Unit tests, code reviews, CI and monitoring; customers noticed.") } }
            << QList<int> { 100, 100, 100 } << 100 << s("top_fit");
        // leadership 2/3 = 67; impact (q1 0/2 = 0, q2 1/1 = 100) = 50; quality 2/4 = 50.
        // overall = (67*1 + 50*2 + 50*2) / 5 = 53.4 -> 53
        QTest::newRow("partial") << QList<Answer> { { s("q1"), s("I was leading a small team.") },
            { s("q2"), s("We rely on unit testing and monitoring for our customer.") } }
                                 << QList<int> { 67, 50, 50 } << 53 << s("might_be_fit");
        QTest::newRow("answer to the wrong question does not count")
            << QList<Answer> { { s("q2"), s("I led a team and owned it.") } } << QList<int> { 0, 0, 0 } << 0
            << s("might_not_be_fit");
        QTest::newRow("unknown question ids are ignored")
            << QList<Answer> { { s("zz"), s("led team owned") }, { s("q1"), s("led team owned") } }
            << QList<int> { 100, 0, 0 } << 20 << s("might_not_be_fit");
    }

    void evaluate()
    {
        QFETCH(QList<Answer>, answers);
        QFETCH(QList<int>, criteria);
        QFETCH(int, overall);
        QFETCH(QString, grade);
        const ScoreResult r = RubricScorer::evaluate(leadershipTemplate(), answers);
        QCOMPARE(r.criteria.size(), 3);
        QCOMPARE(r.criteria.at(0).id, s("leadership"));
        QCOMPARE(r.criteria.at(1).id, s("impact"));
        QCOMPARE(r.criteria.at(2).id, s("quality"));
        QCOMPARE(r.criteria.at(1).weight, 2.0);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(r.criteria.at(i).score, criteria.at(i));
        QCOMPARE(r.score, overall);
        QCOMPARE(r.grade, grade);
        QCOMPARE(r.scorer, s("rubric"));
        // Deterministic: the same input gives the same output.
        const ScoreResult again = RubricScorer::evaluate(leadershipTemplate(), answers);
        QCOMPARE(again.summary, r.summary);
        QCOMPARE(again.criteria, r.criteria);
    }

    void matchedAndMissingKeywords()
    {
        const ScoreResult r
            = RubricScorer::evaluate(leadershipTemplate(), { { s("q1"), s("I led it alone.") } });
        QCOMPARE(r.criteria.at(0).matched, QStringList { s("led") });
        QCOMPARE(r.criteria.at(0).missing, (QStringList { s("team"), s("owned") }));
    }

    void summaryFirstSentenceStandsAlone_data()
    {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<QList<Answer>>("answers");
        QTest::addColumn<QString>("expectedFirst");
        QTest::newRow("full") << s("Phone screen")
                              << QList<Answer> { { s("q1"), s("I was leading a small team.") },
                                     { s("q2"),
                                         s("We rely on unit testing and monitoring for our customer.") } }
                              << s("Might be a fit: scored 53/100 on the Phone screen rubric; strongest in "
                                   "leadership, weakest in impact.");
        QTest::newRow("long template name drops the name")
            << QString(s("A very long interview template name ").repeated(4))
            << QList<Answer> { { s("q1"), s("led") } }
            << s("Might not be a fit: scored 7/100; strongest in leadership, weakest in impact.");
        QTest::newRow("all equal: no strongest/weakest")
            << s("Phone screen") << QList<Answer> {}
            << s("Might not be a fit: scored 0/100 on the Phone screen rubric.");
    }

    void summaryFirstSentenceStandsAlone()
    {
        QFETCH(QString, templateName);
        QFETCH(QList<Answer>, answers);
        QFETCH(QString, expectedFirst);
        InterviewTemplate t = leadershipTemplate();
        t.name = templateName;
        const ScoreResult r = RubricScorer::evaluate(t, answers);
        const QString first = firstSentence(r.summary);
        QCOMPARE(first, expectedFirst);
        QVERIFY(first.size() <= SummaryStandaloneLength);
        QVERIFY(first.endsWith(QLatin1Char('.')));
        QVERIFY(r.summary.startsWith(first));
        QVERIFY(r.summary.contains(s(" Criteria: leadership ")));
    }

    void summaryFallsBackToShortestForm()
    {
        QList<CriterionScore> many;
        many.append({ QString(s("x").repeated(80)), 100, 1, {}, {} });
        many.append({ QString(s("y").repeated(80)), 0, 1, {}, {} });
        const QString summary = summarize(QString(s("n").repeated(200)), 50, many);
        QCOMPARE(firstSentence(summary), s("Might be a fit: scored 50/100."));
    }

    void asyncInterfaceCallsDoneOnce()
    {
        RubricScorer scorer;
        int calls = 0;
        ScoreOutcome got;
        Scorer &base = scorer;
        base.score(leadershipTemplate(), { { s("q1"), s("led") } }, [&](const ScoreOutcome &o) {
            ++calls;
            got = o;
        });
        QCOMPARE(calls, 1);
        QVERIFY(got.ok);
        QCOMPARE(got.result.criteria.first().score, 33);
        QCOMPARE(scorer.name(), s("rubric"));
    }
};

QTEST_GUILESS_MAIN(tst_RubricScorer)
#include "tst_rubricscorer.moc"

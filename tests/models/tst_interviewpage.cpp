// The candidate interview page, its JSON form, the report page and the answer parser: all pure.
#include "models/interview/InterviewPage.h"
#include "models/interview/RubricScorer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

using namespace intrvio;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

InterviewTemplate tpl()
{
    InterviewTemplate t;
    t.id = s("screen");
    t.name = s("Phone screen");
    t.language = s("sv");
    t.questions = { { s("q1"), s("Why <this> role & company?"), { { s("motivation"), { s("learn") }, 1 } } },
        { s("q2"), s("Tell us about a project you led."),
            { { s("leadership"), { s("led"), s("team") }, 2 } } } };
    return t;
}

InterviewPage::Model model()
{
    InterviewPage::Model m;
    m.tpl = tpl();
    m.formAction = s("/interview/abc");
    m.companyName = s("Acme & Co");
    m.jobTitle = s("Engineer");
    m.candidateName = s("Anna");
    m.expiresAt = QDateTime::fromSecsSinceEpoch(1718604800, Qt::UTC);
    return m;
}

QStringList lines(const QList<ValidationProblem> &problems)
{
    QStringList out;
    for (const ValidationProblem &p : problems)
        out << p.toString();
    return out;
}

} // namespace

class tst_InterviewPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void htmlDisclosureAndConsentComeFirst()
    {
        const QString html = QString::fromUtf8(InterviewPage::renderHtml(model()));
        QVERIFY(html.startsWith(s("<!DOCTYPE html>\n<html lang=\"en\">")));
        const qsizetype disclosure = html.indexOf(s("how this interview uses AI"));
        const qsizetype consent = html.indexOf(s("id=\"consent\""));
        const qsizetype firstQuestion = html.indexOf(s("id=\"answer-q1\""));
        QVERIFY(disclosure > 0);
        QVERIFY(consent > disclosure);
        QVERIFY(firstQuestion > consent);
        QVERIFY(html.contains(s("scored automatically by software (an AI assessment)")));
        QVERIFY(html.contains(s("people make the decision")));
        QVERIFY(html.contains(s("It works until 17 June 2024, 06:13 UTC")));
        QVERIFY(
            html.contains(s("<form method=\"post\" action=\"/interview/abc\" accept-charset=\"utf-8\">")));
    }

    void htmlIsAccessibleAndNeedsNoJavaScript()
    {
        const QString html = QString::fromUtf8(InterviewPage::renderHtml(model()));
        QVERIFY(!html.contains(s("<script"), Qt::CaseInsensitive));
        QVERIFY(!QRegularExpression(s("\\son[a-z]+=")).match(html).hasMatch()); // no inline handlers
        // Every form control has a label pointing at it.
        const QRegularExpression control(s("<(?:textarea|input)[^>]*\\bid=\"([^\"]+)\""));
        int controls = 0;
        for (auto it = control.globalMatch(html); it.hasNext();) {
            const QString id = it.next().captured(1);
            QVERIFY2(html.contains(s("<label for=\"") + id + s("\"")), qPrintable(id));
            ++controls;
        }
        QCOMPARE(controls, 3);
        QCOMPARE(html.count(s("<fieldset")), 2);
        QCOMPARE(html.count(s("</fieldset>")), 2);
        QCOMPARE(html.count(s("<legend>")), 2);
        QVERIFY(html.contains(s("<fieldset lang=\"sv\">"))); // the questions are in the template's language
        QVERIFY(html.contains(s("name=\"answer-q2\"")));
        QVERIFY(html.contains(s("required")));
        QVERIFY(html.contains(s("<button type=\"submit\">")));
    }

    void htmlEscapesEverything()
    {
        InterviewPage::Model m = model();
        m.candidateName = s("<img src=x>");
        m.previousAnswers = { { s("q1"), s("</textarea><script>alert(1)</script>") } };
        const QString html = QString::fromUtf8(InterviewPage::renderHtml(m));
        QVERIFY(html.contains(s("Why &lt;this&gt; role &amp; company?")));
        QVERIFY(html.contains(s("Acme &amp; Co")));
        QVERIFY(!html.contains(s("<img")));
        QVERIFY(!html.contains(s("<script")));
        QVERIFY(html.contains(s("&lt;/textarea&gt;&lt;script&gt;")));
    }

    void htmlShowsProblemsAndKeepsAnswers()
    {
        InterviewPage::Model m = model();
        const InterviewPage::Submission sub = InterviewPage::parseSubmission(
            "application/x-www-form-urlencoded", "answer-q1=Because+I+like+it", m.tpl);
        QVERIFY(!sub.ok());
        m.problems = sub.problems;
        m.previousAnswers = { { s("q1"), s("Because I like it") } };
        const QString html = QString::fromUtf8(InterviewPage::renderHtml(m));
        QVERIFY(html.contains(s("role=\"alert\"")));
        QVERIFY(html.contains(s("<a href=\"#consent\">please confirm")));
        QVERIFY(html.contains(s("<a href=\"#answer-q2\">missing an answer to question 2")));
        QVERIFY(html.contains(s("aria-invalid=\"true\">")));
        QVERIFY(html.contains(s(">Because I like it</textarea>")));
        QVERIFY(html.indexOf(s("role=\"alert\"")) < html.indexOf(s("<form")));
    }

    void jsonForm()
    {
        const QJsonDocument doc = QJsonDocument::fromJson(InterviewPage::renderJson(model()));
        QVERIFY(doc.isObject());
        QCOMPARE(doc.object().keys(), (QStringList { s("interview"), s("questions") }));
        const QJsonObject interview = doc.object().value(QLatin1String("interview")).toObject();
        QCOMPARE(interview.value(QLatin1String("template")).toString(), s("screen"));
        QCOMPARE(interview.value(QLatin1String("language")).toString(), s("sv"));
        QCOMPARE(interview.value(QLatin1String("expiresAt")).toString(), s("2024-06-17T06:13:20Z"));
        QCOMPARE(interview.value(QLatin1String("consentRequired")).toBool(), true);
        QVERIFY(interview.value(QLatin1String("disclosure")).toString().contains(s("AI assessment")));
        const QJsonArray questions = doc.object().value(QLatin1String("questions")).toArray();
        QCOMPARE(questions.size(), 2);
        QCOMPARE(questions.at(0).toObject().keys(), (QStringList { s("id"), s("text") }));
        QCOMPARE(questions.at(0).toObject().value(QLatin1String("text")).toString(),
            s("Why <this> role & company?"));
        // Criteria and keywords are never shown to the candidate.
        QVERIFY(!InterviewPage::renderJson(model()).contains("learn"));
        QVERIFY(!InterviewPage::renderHtml(model()).contains("motivation"));
    }

    void submissions_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QStringList>("problems");
        QTest::addColumn<QStringList>("answers"); // q1, q2 texts when ok

        QTest::newRow("form ok")
            << QByteArray("application/x-www-form-urlencoded")
            << QByteArray("consent=yes&answer-q1=I+like+to+learn&answer-q2=I%20led%20a%20team%2B%C3%A5")
            << 200 << QStringList {} << QStringList { s("I like to learn"), s("I led a team+å") };
        QTest::newRow("form with charset, reordered")
            << QByteArray("application/x-www-form-urlencoded; charset=UTF-8")
            << QByteArray("answer-q2=b&answer-q1=a&consent=on") << 200 << QStringList {}
            << QStringList { s("a"), s("b") };
        QTest::newRow("form without consent")
            << QByteArray("application/x-www-form-urlencoded") << QByteArray("answer-q1=a&answer-q2=b") << 400
            << QStringList { s("consent: please confirm that you have read how your answers are evaluated") }
            << QStringList {};
        QTest::newRow("form missing and blank answers")
            << QByteArray("application/x-www-form-urlencoded") << QByteArray("consent=yes&answer-q1=+++")
            << 400
            << QStringList { s("answer-q1: missing an answer to question 1 ('q1')"),
                   s("answer-q2: missing an answer to question 2 ('q2')") }
            << QStringList {};
        QTest::newRow("form unknown question and field")
            << QByteArray("application/x-www-form-urlencoded")
            << QByteArray("consent=yes&answer-q1=a&answer-q2=b&answer-q9=c&name=x") << 400
            << QStringList { s("answer-q9: unknown question 'q9'"), s("name: unknown form field") }
            << QStringList {};
        QTest::newRow("form duplicate")
            << QByteArray("application/x-www-form-urlencoded")
            << QByteArray("consent=yes&answer-q1=a&answer-q1=b&answer-q2=c") << 400
            << QStringList { s("answer-q1: question 'q1' is answered twice") } << QStringList {};
        QTest::newRow("form too long")
            << QByteArray("application/x-www-form-urlencoded")
            << QByteArray("consent=yes&answer-q1=" + QByteArray(5001, 'x') + "&answer-q2=b") << 400
            << QStringList { s(
                   "answer-q1: the answer to question 1 is 5001 characters long; at most 5000 are allowed") }
            << QStringList {};
        QTest::newRow("form bad utf-8")
            << QByteArray("application/x-www-form-urlencoded")
            << QByteArray("consent=yes&answer-q1=%FF%FE&answer-q2=b") << 400
            << QStringList { s("the form data is not valid UTF-8") } << QStringList {};

        QTest::newRow("json ok")
            << QByteArray("application/json")
            << QByteArray(R"({"answers": [{"id": "q2", "text": " led "}, {"id": "q1", "text": "learn"}]})")
            << 200 << QStringList {} << QStringList { s("learn"), s("led") };
        QTest::newRow("json consent true")
            << QByteArray("application/json; charset=utf-8")
            << QByteArray(
                   R"({"consent": true, "answers": [{"id": "q1", "text": "a"}, {"id": "q2", "text": "b"}]})")
            << 200 << QStringList {} << QStringList { s("a"), s("b") };
        QTest::newRow("json consent false")
            << QByteArray("application/json")
            << QByteArray(
                   R"({"consent": false, "answers": [{"id": "q1", "text": "a"}, {"id": "q2", "text": "b"}]})")
            << 400
            << QStringList { s("consent: the candidate did not consent; the interview cannot be submitted") }
            << QStringList {};
        QTest::newRow("json unknown id, duplicate, missing")
            << QByteArray("application/json")
            << QByteArray(
                   R"({"answers": [{"id": "q1", "text": "a"}, {"id": "q7", "text": "b"}, {"id": "q1", "text": "c"}]})")
            << 400
            << QStringList { s("answers[1].id: unknown question 'q7'"),
                   s("answers[2].id: question 'q1' is answered twice"),
                   s("answers: missing an answer to question 2 ('q2')") }
            << QStringList {};
        QTest::newRow("json shapes")
            << QByteArray("application/json")
            << QByteArray(
                   R"({"answers": [{"id": "q1"}, "text", {"id": "q2", "text": 5, "extra": 1}], "x": 1})")
            << 400
            << QStringList { s("x: unknown key; expected one of: answers, consent"),
                   s("answers[0].text: is required"),
                   s("answers[1]: must be an object {\"id\", \"text\"}, not a string"),
                   s("answers[2].extra: unknown key; expected one of: id, text"),
                   s("answers[2].text: must be a string, not a number"),
                   s("answers: missing an answer to question 1 ('q1')"),
                   s("answers: missing an answer to question 2 ('q2')") }
            << QStringList {};
        QTest::newRow("json too long")
            << QByteArray("application/json")
            << QByteArray(R"({"answers": [{"id": "q1", "text": "a"}, {"id": "q2", "text": ")"
                   + QByteArray(6000, 'y') + R"("}]})")
            << 400
            << QStringList { s("answers[1].text: the answer to question 2 is 6000 characters long; at most "
                               "5000 are allowed") }
            << QStringList {};
        QTest::newRow("json missing answers")
            << QByteArray("application/json") << QByteArray("{}") << 400
            << QStringList { s("answers: is required: [{\"id\": \"<question id>\", \"text\": \"...\"}]") }
            << QStringList {};
        QTest::newRow("malformed json")
            << QByteArray("application/json") << QByteArray("{\"answers\": [") << 400
            << QStringList { s("malformed JSON at offset 13: unterminated array") } << QStringList {};
        QTest::newRow("wrong content type")
            << QByteArray("text/plain") << QByteArray("hello") << 415
            << QStringList { s("unsupported content type 'text/plain'; send "
                               "application/x-www-form-urlencoded or application/json") }
            << QStringList {};
        QTest::newRow("too large") << QByteArray("application/json")
                                   << QByteArray(InterviewPage::MaxBodyBytes + 1, ' ') << 413
                                   << QStringList { s("the submission is larger than 512 KiB") }
                                   << QStringList {};
    }

    void submissions()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QStringList, problems);
        QFETCH(QStringList, answers);
        const InterviewPage::Submission sub = InterviewPage::parseSubmission(contentType, body, tpl());
        QCOMPARE(lines(sub.problems), problems);
        QCOMPARE(sub.httpStatus, status);
        QCOMPARE(sub.ok(), problems.isEmpty());
        QStringList got;
        for (const Answer &a : sub.answers)
            got << a.text;
        QCOMPARE(got, answers);
        if (sub.ok()) {
            QCOMPARE(sub.answers.at(0).questionId, s("q1"));
            QCOMPARE(sub.answers.at(1).questionId, s("q2"));
            QVERIFY(sub.consent);
        }
    }

    void reportPage()
    {
        InterviewPage::Report r;
        r.tpl = tpl();
        r.candidateName = s("Anna <Svensson>");
        r.jobTitle = s("Engineer");
        r.startedAt = QDateTime::fromSecsSinceEpoch(1718000000, Qt::UTC);
        r.completedAt = r.startedAt.addSecs(1934);
        r.answers = { { s("q1"), s("I love to learn\nevery day") }, { s("q2"), s("I led a <b>team</b>") } };
        r.score = RubricScorer::evaluate(r.tpl, r.answers);
        const QString html = QString::fromUtf8(InterviewPage::renderReportHtml(r));
        QVERIFY(html.contains(s("<html lang=\"en\">")));
        QVERIFY(html.contains(s("Anna &lt;Svensson&gt;")));
        QVERIFY(html.contains(s("<dt>Score</dt><dd>100/100</dd>")));
        QVERIFY(html.contains(s("<dt>Grade</dt><dd>top_fit</dd>")));
        QVERIFY(html.contains(s("<dt>Duration</dt><dd>32 min 14 s</dd>")));
        QVERIFY(html.contains(s("<caption>Scores by criterion</caption>")));
        QVERIFY(html.contains(s("<th scope=\"row\">leadership</th><td>100</td><td>led, team</td>")));
        QVERIFY(html.contains(s("I love to learn<br>every day")));
        QVERIFY(html.contains(s("I led a &lt;b&gt;team&lt;/b&gt;")));
        QVERIFY(html.contains(s("lang=\"sv\"")));
        QVERIFY(!html.contains(s("<form")));
        QVERIFY(!html.contains(s("<script")));
    }

    void closedPages()
    {
        const QString expired
            = QString::fromUtf8(InterviewPage::renderClosedHtml(InterviewToken::Access::Expired));
        QVERIFY(expired.contains(s("has expired")));
        QVERIFY(!expired.contains(s("<form")));
        const QString thanks
            = QString::fromUtf8(InterviewPage::renderClosedHtml(InterviewToken::Access::Submitted, true));
        QVERIFY(thanks.contains(s("<h1>Thank you</h1>")));
        const QString again
            = QString::fromUtf8(InterviewPage::renderClosedHtml(InterviewToken::Access::Submitted));
        QVERIFY(again.contains(s("already submitted")));
    }
};

QTEST_GUILESS_MAIN(tst_InterviewPage)
#include "tst_interviewpage.moc"

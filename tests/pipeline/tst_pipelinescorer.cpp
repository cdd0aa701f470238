// The optional OpenAI-compatible scorer inside the interview pipeline, against the in-process
// Teamtailor sandbox and a stub chat-completions server on loopback: when configured, the candidate's
// answers are scored by the endpoint and its score reaches the partner result; when the endpoint
// fails, the rubric scores them and the interview still completes with its rule applied.
#include "models/interview/TemplateRepository.h"
#include "net/scoring/OpenAiScorer.h"
#include "tests/support/PipelineRig.h"

#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace intrvio;

namespace {

using Rig = test::PipelineRig;

// A chat-completions answer scoring every criterion of `tpl` at `score`.
QByteArray completion(const InterviewTemplate &tpl, int score)
{
    QJsonArray criteria;
    QStringList seen;
    for (const auto &q : tpl.questions)
        for (const auto &c : q.criteria)
            if (!seen.contains(c.id)) {
                seen.append(c.id);
                criteria.append(
                    QJsonObject { { QStringLiteral("id"), c.id }, { QStringLiteral("score"), score } });
            }
    const QByteArray content
        = QJsonDocument(QJsonObject { { QStringLiteral("criteria"), criteria },
                            { QStringLiteral("summary"), QStringLiteral("Solid answers throughout.") } })
              .toJson(QJsonDocument::Compact);
    const QJsonObject message { { QStringLiteral("role"), QStringLiteral("assistant") },
        { QStringLiteral("content"), QString::fromUtf8(content) } };
    return QJsonDocument(
        QJsonObject { { QStringLiteral("choices"),
            QJsonArray { QJsonObject { { QStringLiteral("index"), 0 }, { QStringLiteral("message"), message },
                { QStringLiteral("finish_reason"), QStringLiteral("stop") } } } } })
        .toJson(QJsonDocument::Compact);
}

} // namespace

class tst_PipelineScorer : public QObject
{
    Q_OBJECT

private:
    QHttpServer m_stub;
    quint16 m_port = 0;
    int m_calls = 0;
    bool m_fail = false;
    InterviewTemplate m_tpl;

    // Moves a candidate into "Phone screen", answers strongly through the page and waits for the
    // completed partner result; returns the candidate's id (0 on failure).
    qint64 runFlow(Rig &rig, qint64 *applicationId, qint64 *firstInterview)
    {
        qint64 phone = 0;
        const qint64 appId = rig.pickApplication(&phone, firstInterview);
        *applicationId = appId;
        if (!appId)
            return 0;
        const qint64 candidateId = rig.sandbox->application(appId)->candidateId;
        QString error;
        if (!rig.sandbox->moveApplication(appId, phone, &error))
            return 0;
        [&] { QTRY_COMPARE_WITH_TIMEOUT(rig.inviteNotes(candidateId).size(), 1, 60000); }();
        if (QTest::currentTestFailed())
            return 0;
        const QUrl link = test::interviewLinkIn(rig.inviteNotes(candidateId).first().note);
        const auto tpl = TemplateRepository(*rig.store, *rig.clock).find(QStringLiteral("phone-screen"));
        if (!link.isValid() || !tpl)
            return 0;
        m_tpl = *tpl;
        const test::HttpResult posted = test::httpRequest(
            rig.nam, "POST", link, test::strongAnswers(*tpl), "application/x-www-form-urlencoded");
        [&] { QCOMPARE(posted.status, 201); }();
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(rig.resultOf(candidateId).value_or(sandbox::PartnerResult {}).status(),
                QStringLiteral("completed"), 30000);
        }();
        return QTest::currentTestFailed() ? 0 : candidateId;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_stub.route(QStringLiteral("/v1/chat/completions"), QHttpServerRequest::Method::Post,
            [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                ++m_calls;
                if (m_fail)
                    responder.write(QByteArray("overloaded"), "text/plain",
                        QHttpServerResponder::StatusCode::InternalServerError);
                else
                    responder.write(completion(m_tpl, 60), "application/json");
            });
        m_port = m_stub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(m_port != 0);
    }

    void configuredScorerScores()
    {
        Rig rig;
        QNetworkAccessManager nam;
        OpenAiScorerConfig config;
        config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
        config.model = QStringLiteral("stub-model");
        config.timeoutMs = 20000;
        OpenAiScorer scorer(config, &nam, nullptr);
        rig.scorerOverride = &scorer;
        QVERIFY2(rig.setUp(true), qPrintable(rig.error));
        m_fail = false;
        m_calls = 0;
        const auto tpl = TemplateRepository(*rig.store, *rig.clock).find(QStringLiteral("phone-screen"));
        QVERIFY(tpl);
        m_tpl = *tpl;
        qint64 appId = 0, first = 0;
        const qint64 candidateId = runFlow(rig, &appId, &first);
        QVERIFY(candidateId);
        QCOMPARE(m_calls, 1);
        const auto r = *rig.resultOf(candidateId);
        QCOMPARE(
            r.score(), std::optional<int>(60)); // the stub's score, not the rubric's (a strong answer: 100)
        QCOMPARE(r.grade(), QStringLiteral("might_be_fit"));
        QCOMPARE(
            rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'interview.completed'"
                                      " AND details LIKE '%openai:stub-model%'")),
            QStringLiteral("1"));
        // Pass threshold 50: the rule moved the application.
        QTRY_COMPARE_WITH_TIMEOUT(rig.sandbox->application(appId)->stageId, first, 30000);
    }

    void failingScorerFallsBackToTheRubric()
    {
        Rig rig;
        QNetworkAccessManager nam;
        OpenAiScorerConfig config;
        config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
        config.model = QStringLiteral("stub-model");
        config.timeoutMs = 20000;
        OpenAiScorer scorer(config, &nam, nullptr);
        rig.scorerOverride = &scorer;
        QVERIFY2(rig.setUp(true), qPrintable(rig.error));
        m_fail = true;
        m_calls = 0;
        qint64 appId = 0, first = 0;
        const qint64 candidateId = runFlow(rig, &appId, &first);
        QVERIFY(candidateId);
        QVERIFY(m_calls >= 1);
        const auto r = *rig.resultOf(candidateId);
        QCOMPARE(r.grade(), QStringLiteral("top_fit")); // the rubric on strong answers
        QVERIFY(r.score().value_or(0) >= 75);
        QCOMPARE(
            rig.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'interview.completed'"
                                      " AND details LIKE '%rubric%'")),
            QStringLiteral("1"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.sandbox->application(appId)->stageId, first, 30000);
    }
};

QTEST_MAIN(tst_PipelineScorer)
#include "tst_pipelinescorer.moc"

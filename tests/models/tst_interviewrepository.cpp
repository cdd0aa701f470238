// Interview rows and link tokens against a real SQLite store: hashes only, expiry, single use.
#include "models/Clock.h"
#include "models/interview/InterviewRepository.h"
#include "models/Store.h"
#include "tests/support/TestSupport.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

namespace {

NewInterview application(const char *id, const char *templateId = "phone-screen", int generation = 0)
{
    NewInterview n;
    n.applicationId = QString::fromLatin1(id);
    n.candidateId = QStringLiteral("333");
    n.jobId = QStringLiteral("444");
    n.templateId = QString::fromLatin1(templateId);
    n.generation = generation;
    n.source = QStringLiteral("trigger");
    n.triggeredBy = QStringLiteral("user:7");
    n.updateUrl = QStringLiteral("https://api.teamtailor.com/partner/v1/partner-results/abc");
    n.threshold = 70;
    return n;
}

ScoreResult score()
{
    ScoreResult s;
    s.score = 80;
    s.grade = QStringLiteral("top_fit");
    s.summary = QStringLiteral("Top fit: scored 80/100.");
    s.criteria = { { QStringLiteral("leadership"), 80, 2.0, {}, {} } };
    return s;
}

} // namespace

class tst_InterviewRepository : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    ManualClock m_clock;

private Q_SLOTS:
    void init()
    {
        StoreError error;
        m_store = Store::open(
            m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite")),
            &error);
        QVERIFY2(m_store, qPrintable(error.message));
    }

    void cleanup() { m_store.reset(); }

    void createStoresOnlyTheHashAndIsIdempotent()
    {
        InterviewRepository repo(*m_store, m_clock);
        QString error;
        const auto created = repo.create(application("a1"), 7, &error);
        QVERIFY2(created, qPrintable(error));
        QVERIFY(created->isNew);
        QVERIFY(InterviewToken::isWellFormed(created->token));
        QCOMPARE(created->record.state, QString::fromLatin1(InterviewState::Created));
        QCOMPARE(created->record.expiresAt, m_clock.now().addDays(7));
        QCOMPARE(created->record.threshold, std::optional<int>(70));
        QCOMPARE(created->record.triggeredBy, QStringLiteral("user:7"));

        const auto again = repo.create(application("a1"), 7, &error);
        QVERIFY(again);
        QVERIFY(!again->isNew);
        QVERIFY(again->token.isEmpty());
        QCOMPARE(again->record.id, created->record.id);

        const auto otherTemplate = repo.create(application("a1", "technical"), 10, &error);
        const auto nextGeneration = repo.create(application("a1", "phone-screen", 1), 7, &error);
        QVERIFY(otherTemplate->isNew && nextGeneration->isNew);
        QCOMPARE(repo.forApplication(QStringLiteral("a1")).size(), 3);

        QCOMPARE(repo.findByToken(created->token)->id, created->record.id);
        QVERIFY(!repo.findByToken(InterviewToken::generate()));
        QVERIFY(!repo.findByToken(QStringLiteral("' OR 1=1 --")));

        const QString path = m_store->filePath();
        m_store.reset();
        QString where;
        QVERIFY2(!test::directoryContains(QFileInfo(path).absolutePath(), created->token.toLatin1(), &where),
            qPrintable(where));
    }

    void submissionIsSingleUse()
    {
        InterviewRepository repo(*m_store, m_clock);
        QString error;
        const auto created = repo.create(application("a2"), 7, &error);
        const qint64 id = created->record.id;
        QVERIFY(repo.setState(id, QString::fromLatin1(InterviewState::Sent)));
        m_clock.advanceSecs(60);
        QVERIFY(repo.markOpened(id));
        const QDateTime opened = m_clock.now();
        m_clock.advanceSecs(60);
        QVERIFY(repo.markOpened(id)); // opening again keeps the first time
        QCOMPARE(repo.find(id)->state, QString::fromLatin1(InterviewState::Pending));
        QCOMPARE(repo.find(id)->startedAt, opened);

        m_clock.advanceSecs(1934);
        const QList<Answer> answers { { QStringLiteral("q1"), QStringLiteral("I led a team.") } };
        QCOMPARE(repo.submit(id, answers, score()), InterviewRepository::SubmitResult::Accepted);
        QCOMPARE(repo.submit(id, answers, score()), InterviewRepository::SubmitResult::AlreadySubmitted);
        const InterviewRecord r = *repo.find(id);
        QCOMPARE(r.state, QString::fromLatin1(InterviewState::Completed));
        QCOMPARE(r.answers, answers);
        QCOMPARE(r.score, std::optional<int>(80));
        QCOMPARE(r.criteria.size(), 1);
        QCOMPARE(r.criteria.first().weight, 2.0);
        QCOMPARE(r.completedAt, m_clock.now());
        QCOMPARE(InterviewToken::access(r.tokenState(), m_clock.now()), InterviewToken::Access::Submitted);
        QVERIFY(!repo.fail(id, QStringLiteral("rejected"))); // a completed interview stays completed
        QVERIFY(!repo.markOpened(id));
        QVERIFY(!repo.renewToken(id, 7, &error));
    }

    void expiredAndCancelledLinksAreClosed()
    {
        InterviewRepository repo(*m_store, m_clock);
        QString error;
        const qint64 id = repo.create(application("a3"), 7, &error)->record.id;
        m_clock.advanceSecs(7 * 86400);
        QCOMPARE(InterviewToken::access(repo.find(id)->tokenState(), m_clock.now()),
            InterviewToken::Access::Expired);
        QCOMPARE(repo.submit(id, {}, score()), InterviewRepository::SubmitResult::Expired);
        QVERIFY(repo.fail(id, QStringLiteral("expired")));
        QCOMPARE(repo.find(id)->failureReason, QStringLiteral("expired"));
        QCOMPARE(repo.submit(id, {}, score()), InterviewRepository::SubmitResult::NotOpen);

        const qint64 other = repo.create(application("a4"), 7, &error)->record.id;
        QVERIFY(repo.fail(other, QStringLiteral("candidate rejected")));
        QCOMPARE(InterviewToken::access(repo.find(other)->tokenState(), m_clock.now()),
            InterviewToken::Access::Cancelled);
        QVERIFY(!repo.fail(other, QStringLiteral("again")));
    }

    void renewedTokenReplacesTheOld()
    {
        InterviewRepository repo(*m_store, m_clock);
        QString error;
        const auto created = repo.create(application("a5"), 7, &error);
        m_clock.advanceSecs(3 * 86400);
        const std::optional<QString> renewed = repo.renewToken(created->record.id, 7, &error);
        QVERIFY2(renewed, qPrintable(error));
        QVERIFY(*renewed != created->token);
        QVERIFY(!repo.findByToken(created->token));
        QCOMPARE(repo.findByToken(*renewed)->expiresAt, m_clock.now().addDays(7));
    }
};

QTEST_GUILESS_MAIN(tst_InterviewRepository)
#include "tst_interviewrepository.moc"

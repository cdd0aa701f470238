// Interview link tokens (models/interview/InterviewToken.h).
#include "models/Clock.h"
#include "models/interview/InterviewToken.h"

#include <QRandomGenerator>
#include <QSet>
#include <QtTest>

using namespace intrvio;

class tst_InterviewToken : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tokensAreLongRandomAndUrlSafe()
    {
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i) {
            const QString t = InterviewToken::generate();
            QCOMPARE(t.size(), InterviewToken::Length);
            QVERIFY2(InterviewToken::isWellFormed(t), qPrintable(t));
            QVERIFY(!seen.contains(t));
            seen.insert(t);
            const QByteArray raw = QByteArray::fromBase64(
                t.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
            QCOMPARE(raw.size(), InterviewToken::RandomBytes);
            QVERIFY(raw.size() * 8 >= 128);
        }
    }

    void seededGeneratorIsReproducible()
    {
        QRandomGenerator a(42);
        QRandomGenerator b(42);
        QCOMPARE(InterviewToken::generate(&a), InterviewToken::generate(&b));
        QVERIFY(InterviewToken::generate(&a) != InterviewToken::generate());
    }

    void hashIsSha256Hex()
    {
        // sha256("abc")
        QCOMPARE(InterviewToken::hash(QStringLiteral("abc")),
            QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const QString t = InterviewToken::generate();
        QCOMPARE(InterviewToken::hash(t).size(), 64);
        QVERIFY(!InterviewToken::hash(t).contains(t));
    }

    void wellFormed_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("ok");
        QTest::newRow("generated") << InterviewToken::generate() << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("short") << QStringLiteral("abc") << false;
        QTest::newRow("padding") << QString(QStringLiteral("A").repeated(42) + QLatin1Char('=')) << false;
        QTest::newRow("slash") << QString(QStringLiteral("A").repeated(42) + QLatin1Char('/')) << false;
        QTest::newRow("dot dot") << QString(QStringLiteral("..").repeated(21) + QLatin1Char('A')) << false;
        QTest::newRow("non-ascii") << QString(QStringLiteral("A").repeated(42) + QChar(0xe9)) << false;
        QTest::newRow("dash underscore")
            << QString(QStringLiteral("-_").repeated(21) + QLatin1Char('z')) << true;
    }

    void wellFormed()
    {
        QFETCH(QString, token);
        QFETCH(bool, ok);
        QCOMPARE(InterviewToken::isWellFormed(token), ok);
    }

    void access_data()
    {
        const ManualClock clock;
        const QDateTime created = clock.now();
        const QDateTime expires = InterviewToken::expiresAt(created, 7);
        QTest::addColumn<InterviewToken::State>("state");
        QTest::addColumn<QDateTime>("now");
        QTest::addColumn<int>("access");
        QTest::addColumn<int>("status");
        using A = InterviewToken::Access;
        QTest::newRow("fresh") << InterviewToken::State { expires, false, false } << created << int(A::Open)
                               << 200;
        QTest::newRow("one second before expiry")
            << InterviewToken::State { expires, false, false } << expires.addSecs(-1) << int(A::Open) << 200;
        QTest::newRow("at expiry") << InterviewToken::State { expires, false, false } << expires
                                   << int(A::Expired) << 410;
        QTest::newRow("submitted is single-use")
            << InterviewToken::State { expires, true, false } << created << int(A::Submitted) << 409;
        QTest::newRow("submitted stays submitted after expiry") << InterviewToken::State { expires, true,
            false } << expires.addDays(30) << int(A::Submitted) << 409;
        QTest::newRow("cancelled") << InterviewToken::State { expires, false, true } << created
                                   << int(A::Cancelled) << 410;
    }

    void access()
    {
        QFETCH(InterviewToken::State, state);
        QFETCH(QDateTime, now);
        QFETCH(int, access);
        QFETCH(int, status);
        const InterviewToken::Access a = InterviewToken::access(state, now);
        QCOMPARE(int(a), access);
        QCOMPARE(InterviewToken::httpStatus(a), status);
        QVERIFY(!InterviewToken::describe(a).isEmpty());
    }

    void expiryFromTemplateDays()
    {
        const QDateTime created = QDateTime::fromSecsSinceEpoch(1718000000, Qt::UTC);
        QCOMPARE(InterviewToken::expiresAt(created, 7), created.addSecs(7 * 86400));
        QCOMPARE(InterviewToken::expiresAt(created, 10), created.addSecs(10 * 86400));
    }
};

QTEST_GUILESS_MAIN(tst_InterviewToken)
#include "tst_interviewtoken.moc"

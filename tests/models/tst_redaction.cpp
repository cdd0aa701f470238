#include "models/Redaction.h"

#include <QtTest>

using namespace intrvio;

class tst_Redaction : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headerValue_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("bearer") << QByteArray("Authorization") << QByteArray("Bearer 6f1c-secret")
                                << QByteArray("Bearer [redacted]");
        QTest::newRow("token auth, lower case") << QByteArray("authorization") << QByteArray("Token token=abc123")
                                                << QByteArray("Token [redacted]");
        QTest::newRow("bare value") << QByteArray("Authorization") << QByteArray("abc123")
                                    << QByteArray("[redacted]");
        QTest::newRow("partner signature keeps t")
            << QByteArray("Teamtailor-Signature") << QByteArray("t=1718000000,v1=deadbeef,v0=cafe")
            << QByteArray("t=1718000000,v1=[redacted]");
        QTest::newRow("company signature") << QByteArray("TT-Signature") << QByteArray("dGhpcyBpcyBzaWduZWQ=")
                                           << QByteArray("[redacted]");
        QTest::newRow("company token") << QByteArray("teamtailor-api-token") << QByteArray("abcdef")
                                       << QByteArray("[redacted]");
        QTest::newRow("harmless") << QByteArray("Content-Type") << QByteArray("application/json")
                                  << QByteArray("application/json");
    }

    void headerValue()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, expected);
        QCOMPARE(Redaction::headerValue(name, value), expected);
    }

    void headerListKeepsOrderAndDuplicates()
    {
        const Redaction::HeaderList in = {{"Host", "x"}, {"Authorization", "Bearer s1"}, {"X-Dup", "a"},
                                          {"X-Dup", "b"}};
        const auto out = Redaction::headers(in);
        QCOMPARE(out.size(), 4);
        QCOMPARE(out.at(1).second, QByteArray("Bearer [redacted]"));
        QCOMPARE(out.at(3).second, QByteArray("b"));
        const QByteArray text = Redaction::headersText(in);
        QCOMPARE(text, QByteArray("Host: x\nAuthorization: Bearer [redacted]\nX-Dup: a\nX-Dup: b\n"));
        // Stored as text: bytes that are not UTF-8 become U+FFFD.
        QCOMPARE(Redaction::headersText({ { "X-Raw", "a\xff" } }), QByteArray("X-Raw: a\xef\xbf\xbd\n"));
    }

    void url_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("mustContain");
        QTest::addColumn<QString>("mustNotContain");
        QTest::newRow("token query") << QStringLiteral("https://a.example/cb?token=s3cret&job_id=4")
                                     << QStringLiteral("job_id=4") << QStringLiteral("s3cret");
        QTest::newRow("api_key") << QStringLiteral("https://a.example/?api_key=k1&x=1") << QStringLiteral("x=1")
                                 << QStringLiteral("k1");
        QTest::newRow("user info") << QStringLiteral("https://user:pw123@a.example/") << QStringLiteral("a.example")
                                   << QStringLiteral("pw123");
        QTest::newRow("interview token") << QStringLiteral("https://a.example/interview/AbCdEfGhIjKlMnOpQrSt.json")
                                         << QStringLiteral("/interview/AbCd") << QStringLiteral("EfGhIjKl");
        QTest::newRow("plain") << QStringLiteral("https://api.teamtailor.com/v1/jobs?page%5Bsize%5D=30")
                               << QStringLiteral("page[size]=30") << QStringLiteral("[redacted]");
    }

    void url()
    {
        QFETCH(QString, in);
        QFETCH(QString, mustContain);
        QFETCH(QString, mustNotContain);
        const QString out = Redaction::url(QUrl(in));
        QVERIFY2(out.contains(mustContain), qPrintable(out));
        QVERIFY2(!out.contains(mustNotContain), qPrintable(out));
    }

    void text_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("secret");
        QTest::newRow("bearer in error") << QStringLiteral("401 for Bearer abc.def-123") << QStringLiteral("abc.def-123");
        QTest::newRow("token token") << QStringLiteral("sent Token token=tok_987 to host") << QStringLiteral("tok_987");
        QTest::newRow("json secret") << QStringLiteral("{\"secret\": \"hunter2\"}") << QStringLiteral("hunter2");
        QTest::newRow("jwt") << QStringLiteral("key eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig_part-1 rest")
                             << QStringLiteral("eyJhbGciOiJIUzI1NiJ9");
        QTest::newRow("hmac hex")
            << QStringLiteral("v1 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 mismatch")
            << QStringLiteral("5bdcc146bf60754e");
    }

    void text()
    {
        QFETCH(QString, in);
        QFETCH(QString, secret);
        const QString out = Redaction::text(in);
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QVERIFY2(out.contains(Redaction::Mask), qPrintable(out));
    }

    void textLeavesOrdinaryWordsAlone()
    {
        const QString s = QStringLiteral("candidate 42 moved to Phone screen");
        QCOMPARE(Redaction::text(s), s);
    }
};

QTEST_GUILESS_MAIN(tst_Redaction)
#include "tst_redaction.moc"

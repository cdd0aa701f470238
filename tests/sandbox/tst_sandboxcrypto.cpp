// The sandbox's signing code against the protocol doc's test vectors (§1.4, §4), and the test-side
// verifiers against the same vectors so the other sandbox tests can rely on them.
#include "sandbox/SandboxCrypto.h"
#include "tests/sandbox/SandboxTestCrypto.h"

#include <QtTest>

using namespace intrvio::sandbox;
using namespace intrvio::test;

class tst_SandboxCrypto : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void jwtMatchesDocVector()
    {
        const QJsonObject payload { { QStringLiteral("clientId"), QStringLiteral("acme-42") },
            { QStringLiteral("clientSecret"), QStringLiteral("s3cr3t") } };
        const QByteArray expected
            = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjbGllbnRJZCI6ImFjbWUtNDIiLCJjbGllbnRTZWNy"
              "ZXQiOiJzM2NyM3QifQ.DZdaEd5XePI-BQiE1dIjpOW-RJZmtRDHqPeTeNIhApA";
        QCOMPARE(crypto::jwtHs256(payload, "abc123abc123"), expected);
        const auto verified = verifyJwtHs256(expected, "abc123abc123");
        QVERIFY(verified);
        QCOMPARE(*verified, payload);
        QVERIFY(!verifyJwtHs256(expected, "wrong-key"));
    }

    void jweMatchesDocVectors_data()
    {
        QTest::addColumn<bool>("a256");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("A128GCM")
            << false
            << QByteArray("eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAECAwQFBgcICQoL.0fhBBXpeF1cwY1CD"
                          "VN1Tw33JeSs8BbGo3ulXDQ1-x5NeLvcrGrWIL3naZku9Aw.jHS6TilZGgcFGRBCfFTUyw");
        QTest::newRow("A256GCM")
            << true
            << QByteArray("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAECAwQFBgcICQoL.yjaQUY2gW5MFn9Wa"
                          "UNYikB4k6qKhfsQFnXDIRnov0S6aquzvMWwpMQFjMllG2w.i7P8nZAM_sy0j6Megb_fog");
    }

    void jweMatchesDocVectors()
    {
        QFETCH(bool, a256);
        QFETCH(QByteArray, expected);
        const QByteArray plaintext = R"({"clientId":"acme-42","clientSecret":"s3cr3t"})";
        const QByteArray iv = QByteArray::fromHex("000102030405060708090a0b");
        QCOMPARE(crypto::jweDirEncrypt(plaintext, "whsec_example", a256, iv), expected);
        // The test-side decryptor (used on the partner-activations resource) agrees with the doc.
        const auto decrypted = decryptJwe(expected, "whsec_example");
        QVERIFY(decrypted);
        QCOMPARE(*decrypted, plaintext);
        QVERIFY(!decryptJwe(expected, "another-secret"));
    }

    void jweKeyDerivation()
    {
        QCOMPARE(crypto::sha256("whsec_example").toHex(),
            QByteArray("7ea5eff04c598e380fed0b174cfc56a5194f471bc4543fa034ff19f7020f2084"));
        QCOMPARE(
            crypto::jweKey("whsec_example", false).toHex(), QByteArray("7ea5eff04c598e380fed0b174cfc56a5"));
        QCOMPARE(crypto::jweKey("whsec_example", true), QByteArray("7ea5eff04c598e380fed0b174cfc56a5"));
    }

    void partnerSignatureMatchesDocVector()
    {
        const QByteArray header = crypto::partnerSignature(
            "whsec_example", 1539756759, "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7", QByteArray(64, 'a'));
        QCOMPARE(header,
            QByteArray("t=1539756759,v1=4170c66b97384ee9bc0cf8042211382fc3aac6a230bb7ebc986e5b898a6384d6,"
                       "v0=")
                + QByteArray(64, 'a'));
        // The doc's regex ^t=(\d+),v\d=(\w+),.+$
        QVERIFY(QRegularExpression(QStringLiteral("^t=(\\d+),v\\d=(\\w+),.+$"))
                    .match(QString::fromLatin1(header))
                    .hasMatch());
    }

    void ttSignatureMatchesDocVectors()
    {
        QCOMPARE(crypto::ttSignatureV1("whsec_example", "2"),
            QByteArray(
                "NGIwZGEwNjNmYzdhMWI1NTU1OTBjMDkyYjRiNzNjNDRiNjlkNDQ5MWJhYmYyNDQ0NzVkMDJiNmNmMjMzMjQzYg=="));
        const QByteArray body
            = R"({"payload":{"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{"title":"IT Designer 1"}}}})";
        QCOMPARE(crypto::ttSignatureV2("whsec_example", 1701234567, body),
            QByteArray(
                "dD0xNzAxMjM0NTY3LHYyPWM1MDc0NGY1YjQyNmI1NmI1ODQyOWEyNmE1OGE1ZjY4N2FjYjg0YzBlNjJkODgzMDVh"
                "NjE1OGU0MDNmN2Q4NDM="));
    }
};

QTEST_GUILESS_MAIN(tst_SandboxCrypto)
#include "tst_sandboxcrypto.moc"

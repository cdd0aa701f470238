// Table-driven tests of the webhook crypto: base64url, HMAC, provider keys (UUID/JWS/JWE) and the
// two signature schemes, pinned to the test vectors of teamtailor-protocol.md §1.4 and §4.
#include "net/crypto/Crypto.h"
#include "net/crypto/ProviderKey.h"
#include "net/crypto/Signatures.h"

#include <QJsonObject>
#include <QTest>

using namespace intrvio;

Q_DECLARE_METATYPE(intrvio::ProviderKey::Kind)
Q_DECLARE_METATYPE(intrvio::ProviderKey::Failure)
Q_DECLARE_METATYPE(intrvio::SignatureFailure)

namespace {
const QByteArray Jws
    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjbGllbnRJZCI6ImFjbWUtNDIiLCJjbGllbnRTZWNyZXQiOiJzM2Ny"
      "M3QifQ.DZdaEd5XePI-BQiE1dIjpOW-RJZmtRDHqPeTeNIhApA";
const QByteArray Jwe128
    = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAECAwQFBgcICQoL.0fhBBXpeF1cwY1CDVN1Tw33JeSs8BbGo3ulX"
      "DQ1-x5NeLvcrGrWIL3naZku9Aw.jHS6TilZGgcFGRBCfFTUyw";
const QByteArray Jwe256
    = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAECAwQFBgcICQoL.yjaQUY2gW5MFn9WaUNYikB4k6qKhfsQFnXDI"
      "Rnov0S6aquzvMWwpMQFjMllG2w.i7P8nZAM_sy0j6Megb_fog";
const QByteArray Plain = R"({"clientId":"acme-42","clientSecret":"s3cr3t"})";
const QByteArray EventId = "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7";
const QByteArray V1 = "4170c66b97384ee9bc0cf8042211382fc3aac6a230bb7ebc986e5b898a6384d6";
const QByteArray Decoy = "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";
const qint64 T = 1539756759;

QByteArray b64(const QByteArray &s)
{
    return crypto::base64UrlEncode(s);
}
} // namespace

class tst_WebhookCrypto : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hmacVectors_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QByteArray>("hex");
        QTest::newRow("rfc4231-2") << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
                                   << QByteArray(
                                          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        QTest::newRow("github") << QByteArray("It's a Secret to Everybody") << QByteArray("Hello, World!")
                                << QByteArray(
                                       "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        QTest::newRow("partner") << QByteArray("whsec_example") << QByteArray("1539756759." + EventId) << V1;
    }
    void hmacVectors()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, message);
        QFETCH(QByteArray, hex);
        QCOMPARE(crypto::hmacSha256Hex(key, message), hex);
        QCOMPARE(crypto::hmacSha256Hex(key, message), hex); // same key again: a fresh state, not a continuation
    }

    // The keyed context is reused per thread: switching keys back and forth, and an empty key or
    // message, must give the same digests as a one-off computation each time.
    void hmacKeySwitching()
    {
        const QByteArray jefe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        const QByteArray github("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        // HMAC-SHA256 with an empty key over an empty message (RFC 2104; well-known value).
        const QByteArray empty("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
        for (int round = 0; round < 3; ++round) {
            QCOMPARE(crypto::hmacSha256Hex("Jefe", "what do ya want for nothing?"), jefe);
            QCOMPARE(crypto::hmacSha256Hex("It's a Secret to Everybody", "Hello, World!"), github);
            QCOMPARE(crypto::hmacSha256Hex("", ""), empty);
        }
    }

    void base64Url_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QByteArray>("decoded");
        QTest::newRow("plain") << QByteArray("aGVsbG8") << true << QByteArray("hello");
        QTest::newRow("padding refused (JOSE)") << QByteArray("aGVsbG8=") << false << QByteArray();
        QTest::newRow("url alphabet") << QByteArray("-_8") << true << QByteArray("\xfb\xff", 2);
        QTest::newRow("std alphabet refused") << QByteArray("+/8") << false << QByteArray();
        QTest::newRow("space refused") << QByteArray("aGV sbG8") << false << QByteArray();
        QTest::newRow("one leftover char") << QByteArray("aGVsb") << false << QByteArray();
        QTest::newRow("empty") << QByteArray("") << true << QByteArray("");
    }
    void base64Url()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, ok);
        QFETCH(QByteArray, decoded);
        const auto r = crypto::base64UrlDecode(text);
        QCOMPARE(r.has_value(), ok);
        if (ok)
            QCOMPARE(*r, decoded);
    }

    void constantTime()
    {
        QVERIFY(crypto::constantTimeEquals("abc", "abc"));
        QVERIFY(!crypto::constantTimeEquals("abc", "abd"));
        QVERIFY(!crypto::constantTimeEquals("abc", "abcd"));
        QVERIFY(crypto::constantTimeEquals("", ""));
    }

    void classify_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<ProviderKey::Kind>("kind");
        QTest::newRow("uuid") << QByteArray("092fba68-496c-4d44-9821-3496be2631ea")
                              << ProviderKey::Kind::Uuid;
        QTest::newRow("uuid upper") << QByteArray("092FBA68-496C-4D44-9821-3496BE2631EA")
                                    << ProviderKey::Kind::Uuid;
        QTest::newRow("jws") << Jws << ProviderKey::Kind::Jws;
        QTest::newRow("jwe 128") << Jwe128 << ProviderKey::Kind::Jwe;
        QTest::newRow("jwe 256") << Jwe256 << ProviderKey::Kind::Jwe;
        QTest::newRow("opaque") << QByteArray("bench-provider-key-5f0c1d9a7e3b4c2d8a6f")
                                << ProviderKey::Kind::Opaque;
        QTest::newRow("empty") << QByteArray() << ProviderKey::Kind::Empty;
        QTest::newRow("two parts") << QByteArray("a.b") << ProviderKey::Kind::Invalid;
        QTest::newRow("four parts") << QByteArray("a.b.c.d") << ProviderKey::Kind::Invalid;
        QTest::newRow("jwe with key part") << QByteArray("a.b.c.d.e") << ProviderKey::Kind::Invalid;
        QTest::newRow("space") << QByteArray("abc def") << ProviderKey::Kind::Invalid;
        QTest::newRow("bad char in jws") << QByteArray("a+.b.c") << ProviderKey::Kind::Invalid;
    }
    void classify()
    {
        QFETCH(QByteArray, token);
        QFETCH(ProviderKey::Kind, kind);
        QCOMPARE(ProviderKey::classify(token), kind);
    }

    void jws_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<ProviderKey::Failure>("failure");
        const QByteArray payload = Jws.split('.').at(1);
        const QByteArray sig = Jws.split('.').at(2);
        QTest::newRow("doc vector") << Jws << QByteArray("abc123abc123") << ProviderKey::Failure::None;
        QTest::newRow("wrong key") << Jws << QByteArray("abc123abc124") << ProviderKey::Failure::BadSignature;
        // Found by fuzz_provider_key: a '='-padded signature must not verify (classify() rejects it).
        QTest::newRow("padded signature") << QByteArray(Jws + '=') << QByteArray("abc123abc123")
                                          << ProviderKey::Failure::BadBase64;
        QTest::newRow("no key") << Jws << QByteArray() << ProviderKey::Failure::MissingKey;
        QTest::newRow("alg none") << QByteArray(b64(R"({"alg":"none","typ":"JWT"})") + '.' + payload + '.')
                                  << QByteArray("abc123abc123") << ProviderKey::Failure::UnsupportedAlg;
        QTest::newRow("alg none with sig")
            << QByteArray(b64(R"({"alg":"none"})") + '.' + payload + '.' + sig) << QByteArray("abc123abc123")
            << ProviderKey::Failure::UnsupportedAlg;
        QTest::newRow("alg HS384") << QByteArray(b64(R"({"alg":"HS384"})") + '.' + payload + '.' + sig)
                                   << QByteArray("abc123abc123") << ProviderKey::Failure::UnsupportedAlg;
        QTest::newRow("alg RS256") << QByteArray(b64(R"({"alg":"RS256"})") + '.' + payload + '.' + sig)
                                   << QByteArray("abc123abc123") << ProviderKey::Failure::UnsupportedAlg;
        QTest::newRow("header not json") << QByteArray(b64("nope") + '.' + payload + '.' + sig)
                                         << QByteArray("abc123abc123") << ProviderKey::Failure::BadJson;
        QTest::newRow("bad base64") << QByteArray("e$J.x.y") << QByteArray("abc123abc123")
                                    << ProviderKey::Failure::BadBase64;
        QTest::newRow("two parts") << QByteArray("a.b") << QByteArray("k") << ProviderKey::Failure::Malformed;
        QByteArray tampered = Jws;
        tampered[40] = tampered[40] == 'A' ? 'B' : 'A';
        QTest::newRow("tampered payload")
            << tampered << QByteArray("abc123abc123") << ProviderKey::Failure::BadSignature;
    }
    void jws()
    {
        QFETCH(QByteArray, token);
        QFETCH(QByteArray, key);
        QFETCH(ProviderKey::Failure, failure);
        const ProviderKey::Decoded d = ProviderKey::verifyJws(token, key);
        QCOMPARE(d.failure, failure);
        if (d.ok()) {
            QCOMPARE(d.payload, Plain);
            QCOMPARE(d.claims.value(QLatin1String("clientId")).toString(), QStringLiteral("acme-42"));
        }
    }

    void jwsRoundTrip()
    {
        const QJsonObject claims { { QStringLiteral("clientId"), QStringLiteral("x") } };
        const QByteArray token = ProviderKey::signJws(claims, "k");
        QCOMPARE(ProviderKey::classify(token), ProviderKey::Kind::Jws);
        QVERIFY(ProviderKey::verifyJws(token, "k").ok());
    }

    void jweKeys()
    {
        QCOMPARE(ProviderKey::jweKey("whsec_example", "A128GCM").toHex(),
            QByteArray("7ea5eff04c598e380fed0b174cfc56a5"));
        QCOMPARE(
            ProviderKey::jweKey("whsec_example", "A256GCM"), QByteArray("7ea5eff04c598e380fed0b174cfc56a5"));
        QVERIFY(ProviderKey::jweKey("whsec_example", "A192GCM").isEmpty());
    }

    void jwe_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<ProviderKey::Failure>("failure");
        QTest::newRow("A128GCM vector")
            << Jwe128 << QByteArray("whsec_example") << ProviderKey::Failure::None;
        QTest::newRow("A256GCM vector")
            << Jwe256 << QByteArray("whsec_example") << ProviderKey::Failure::None;
        QTest::newRow("wrong secret")
            << Jwe128 << QByteArray("whsec_other") << ProviderKey::Failure::DecryptionFailed;
        QTest::newRow("no secret") << Jwe128 << QByteArray() << ProviderKey::Failure::MissingKey;
        QByteArray tamperedTag = Jwe128;
        tamperedTag[tamperedTag.size() - 3] = tamperedTag[tamperedTag.size() - 3] == 'A' ? 'B' : 'A';
        QTest::newRow("tampered tag")
            << tamperedTag << QByteArray("whsec_example") << ProviderKey::Failure::DecryptionFailed;
        // Swapping the header changes the AAD, so even a valid header is refused.
        QByteArray swapped = Jwe128;
        swapped.replace(0, Jwe128.indexOf('.'), b64(R"({"enc":"A128GCM","alg":"dir"})"));
        QTest::newRow("header swapped")
            << swapped << QByteArray("whsec_example") << ProviderKey::Failure::DecryptionFailed;
        QByteArray rsa = Jwe128;
        rsa.replace(0, Jwe128.indexOf('.'), b64(R"({"alg":"RSA-OAEP","enc":"A128GCM"})"));
        QTest::newRow("alg rsa") << rsa << QByteArray("whsec_example")
                                 << ProviderKey::Failure::UnsupportedAlg;
        QByteArray cbc = Jwe128;
        cbc.replace(0, Jwe128.indexOf('.'), b64(R"({"alg":"dir","enc":"A128CBC-HS256"})"));
        QTest::newRow("enc cbc") << cbc << QByteArray("whsec_example")
                                 << ProviderKey::Failure::UnsupportedEnc;
        QTest::newRow("bad base64") << QByteArray("eyJ!..AAEC.AAEC.AAEC") << QByteArray("whsec_example")
                                    << ProviderKey::Failure::BadBase64;
        QTest::newRow("four parts") << QByteArray("a..b.c") << QByteArray("whsec_example")
                                    << ProviderKey::Failure::Malformed;
    }
    void jwe()
    {
        QFETCH(QByteArray, token);
        QFETCH(QByteArray, secret);
        QFETCH(ProviderKey::Failure, failure);
        const ProviderKey::Decoded d = ProviderKey::decryptJwe(token, secret);
        QCOMPARE(d.failure, failure);
        if (d.ok()) {
            QCOMPARE(d.payload, Plain);
            QCOMPARE(d.claims.value(QLatin1String("clientSecret")).toString(), QStringLiteral("s3cr3t"));
        }
    }

    void jweEncryptMatchesVector()
    {
        const QByteArray iv = QByteArray::fromHex("000102030405060708090a0b");
        QCOMPARE(ProviderKey::encryptJwe(Plain, "whsec_example", "A128GCM", iv), Jwe128);
        QCOMPARE(ProviderKey::encryptJwe(Plain, "whsec_example", "A256GCM", iv), Jwe256);
    }

    void partnerSignature_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("eventId");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<SignatureFailure>("failure");
        const QByteArray good = "t=1539756759,v1=" + V1 + ",v0=" + Decoy;
        const QByteArray s = "whsec_example";
        QTest::newRow("doc vector") << good << EventId << s << T << SignatureFailure::None;
        QTest::newRow("spaces after commas") << QByteArray("t=1539756759, v1=" + V1 + ", v0=" + Decoy)
                                             << EventId << s << T << SignatureFailure::None;
        QTest::newRow("uppercase hex")
            << QByteArray("t=1539756759,v1=" + V1.toUpper()) << EventId << s << T << SignatureFailure::None;
        QTest::newRow("v1 second of two") << QByteArray("t=1539756759,v1=" + Decoy + ",v1=" + V1) << EventId
                                          << s << T << SignatureFailure::None;
        QTest::newRow("v0 first then v1") << QByteArray("t=1539756759,v0=" + Decoy + ",v1=" + V1) << EventId
                                          << s << T << SignatureFailure::None;
        QTest::newRow("decoy only") << QByteArray("t=1539756759,v0=" + V1) << EventId << s << T
                                    << SignatureFailure::NoV1;
        QTest::newRow("decoy in v1 place") << QByteArray("t=1539756759,v1=" + Decoy + ",v0=" + V1) << EventId
                                           << s << T << SignatureFailure::Mismatch;
        QTest::newRow("window edge past") << good << EventId << s << T + 300 << SignatureFailure::None;
        QTest::newRow("window edge future") << good << EventId << s << T - 300 << SignatureFailure::None;
        QTest::newRow("stale") << good << EventId << s << T + 301 << SignatureFailure::Stale;
        QTest::newRow("future") << good << EventId << s << T - 301 << SignatureFailure::Future;
        QTest::newRow("wrong secret")
            << good << EventId << QByteArray("whsec_other") << T << SignatureFailure::Mismatch;
        QTest::newRow("other event") << good << QByteArray("f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d8") << s << T
                                     << SignatureFailure::Mismatch;
        QTest::newRow("missing") << QByteArray() << EventId << s << T << SignatureFailure::Missing;
        QTest::newRow("no t") << QByteArray("v1=" + V1) << EventId << s << T << SignatureFailure::Malformed;
        QTest::newRow("two t") << QByteArray("t=1,t=2,v1=" + V1) << EventId << s << T
                               << SignatureFailure::Malformed;
        QTest::newRow("t not a number")
            << QByteArray("t=abc,v1=" + V1) << EventId << s << T << SignatureFailure::Malformed;
        QTest::newRow("short v1") << QByteArray("t=1539756759,v1=abcd") << EventId << s << T
                                  << SignatureFailure::Malformed;
        QTest::newRow("garbage") << QByteArray("hello") << EventId << s << T << SignatureFailure::Malformed;
        QTest::newRow("no secret") << good << EventId << QByteArray() << T << SignatureFailure::NoSecret;
        QTest::newRow("no event id") << good << QByteArray() << s << T << SignatureFailure::NoEventId;
    }
    void partnerSignature()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, eventId);
        QFETCH(QByteArray, secret);
        QFETCH(qint64, now);
        QFETCH(SignatureFailure, failure);
        const auto r = PartnerSignature::verify(header, eventId, secret, now);
        QCOMPARE(r.failure, failure);
    }

    void partnerSign() { QCOMPARE(PartnerSignature::sign(EventId, "whsec_example", T), V1); }

    void companySignature_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<SignatureFailure>("failure");
        QTest::addColumn<int>("version");
        const QByteArray body
            = R"({"payload":{"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{"title":"IT Designer 1"}}}})";
        const QByteArray v1
            = "NGIwZGEwNjNmYzdhMWI1NTU1OTBjMDkyYjRiNzNjNDRiNjlkNDQ5MWJhYmYyNDQ0NzVkMDJiNmNmMjMzMjQzYg==";
        const QByteArray v2
            = "dD0xNzAxMjM0NTY3LHYyPWM1MDc0NGY1YjQyNmI1NmI1ODQyOWEyNmE1OGE1ZjY4N2FjYjg0YzBlNjJkODgzMDVh"
              "NjE1OGU0MDNmN2Q4NDM=";
        const qint64 t = 1701234567;
        QTest::newRow("v1 vector") << v1 << body << t << SignatureFailure::None << 1;
        QTest::newRow("v1 numeric id")
            << v1 << QByteArray(R"({"payload":{"data":{"id":2}}})") << t << SignatureFailure::None << 1;
        QTest::newRow("v1 other id") << v1 << QByteArray(R"({"payload":{"data":{"id":"3"}}})") << t
                                     << SignatureFailure::Mismatch << 1;
        QTest::newRow("v1 no id") << v1 << QByteArray(R"({"payload":{}})") << t << SignatureFailure::NoEventId
                                  << 1;
        QTest::newRow("v2 vector") << v2 << body << t << SignatureFailure::None << 2;
        QTest::newRow("v2 body reserialised")
            << v2
            << QByteArray(
                   R"({"payload": {"event_name":"job.update","data":{"id":"2","type":"jobs","attributes":{"title":"IT Designer 1"}}}})")
            << t << SignatureFailure::Mismatch << 2;
        QTest::newRow("v2 trailing newline")
            << v2 << QByteArray(body + '\n') << t << SignatureFailure::Mismatch << 2;
        QTest::newRow("v2 stale") << v2 << body << t + 301 << SignatureFailure::Stale << 2;
        QTest::newRow("v2 future") << v2 << body << t - 301 << SignatureFailure::Future << 2;
        QTest::newRow("not base64") << QByteArray("t=1,v2=abc!") << body << t << SignatureFailure::Malformed
                                    << 0;
        QTest::newRow("base64 of junk")
            << QByteArray("aGVsbG8=") << body << t << SignatureFailure::Malformed << 0;
        QTest::newRow("missing") << QByteArray() << body << t << SignatureFailure::Missing << 0;
        QTest::newRow("v2 without v2")
            << QByteArray("t=1701234567").toBase64() << body << t << SignatureFailure::NoV1 << 2;
    }
    void companySignature()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, body);
        QFETCH(qint64, now);
        QFETCH(SignatureFailure, failure);
        QFETCH(int, version);
        const auto r = CompanySignature::verify(header, body, "whsec_example", now);
        QCOMPARE(r.failure, failure);
        QCOMPARE(r.version, version);
    }

    void companySignRoundTrip()
    {
        const QByteArray body = R"({"payload":{"event_name":"job.update","data":{"id":"2"}}})";
        QVERIFY(CompanySignature::verify(CompanySignature::signV1("2", "k"), body, "k", 0).ok());
        QVERIFY(CompanySignature::verify(CompanySignature::signV2(body, "k", 100), body, "k", 100).ok());
    }
};

QTEST_GUILESS_MAIN(tst_WebhookCrypto)
#include "tst_webhookcrypto.moc"

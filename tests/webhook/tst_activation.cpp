// Activation: parsing partner-activations, polling it over real HTTP (a local stand-in for the
// Partner API), decrypting the JWE provider key and keeping one company only.
#include "models/Store.h"
#include "net/activation/Activation.h"
#include "net/crypto/ProviderKey.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace intrvio;

namespace {
const QByteArray Secret = "whsec_example";

QByteArray activations(const QList<QPair<QByteArray, QString>> &items)
{
    QJsonArray data;
    int id = 1;
    for (const auto &[key, company] : items) {
        data.append(QJsonObject{{QStringLiteral("id"), QString::number(id++)},
                                {QStringLiteral("type"), QStringLiteral("partner-activations")},
                                {QStringLiteral("attributes"),
                                 QJsonObject{{QStringLiteral("provider-key"), QString::fromLatin1(key)},
                                             {QStringLiteral("company-name"), company},
                                             {QStringLiteral("company-uuid"), company.toLower()}}}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("data"), data}}).toJson(QJsonDocument::Compact);
}
} // namespace

class tst_Activation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse()
    {
        const auto one = Activation::parseActivations(activations({{"key-1", QStringLiteral("Acme")}}));
        QCOMPARE(one.count, 1);
        QCOMPARE(one.providerKey, QByteArray("key-1"));
        QCOMPARE(one.companyName, QStringLiteral("Acme"));
        QCOMPARE(one.companyUuid, QStringLiteral("acme"));
        const auto two = Activation::parseActivations(
            activations({{"key-1", QStringLiteral("Acme")}, {"key-2", QStringLiteral("Other")}}));
        QCOMPARE(two.count, 2);
        QVERIFY(two.providerKey.isEmpty()); // single-tenant: never guess
        QCOMPARE(Activation::parseActivations("not json").count, 0);
    }

    void pollLearnsTheJweActivation()
    {
        const QByteArray jwe = ProviderKey::encryptJwe(R"({"clientId":"acme"})", Secret, "A128GCM",
                                                       QByteArray::fromHex("000102030405060708090a0b"));
        QByteArray served = activations({{jwe, QStringLiteral("Acme")}});
        QByteArray seenAuth, seenVersion;
        QHttpServer api;
        api.route(QStringLiteral("/partner/v1/partner-activations"), [&](const QHttpServerRequest &request) {
            seenAuth = request.value("authorization");
            seenVersion = request.value("x-api-version");
            return QHttpServerResponse("application/vnd.api+json", served);
        });
        auto *tcp = new QTcpServer;
        QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
        api.bind(tcp);
        QUrl base(QStringLiteral("http://127.0.0.1"));
        base.setPort(tcp->serverPort());

        QTemporaryDir dir;
        StoreError error;
        auto store = Store::openInDataDir(dir.path(), &error);
        QVERIFY(store);
        Activation activation(store.get(), nullptr);
        activation.setSecrets("partner-key", Secret, QByteArray(), QByteArray());
        QSignalSpy activated(&activation, &Activation::activatedChanged);
        activation.startPolling(QUrl(base.toString() + QStringLiteral("/partner/v1")), 60000);
        QVERIFY(activated.wait(10000));
        QCOMPARE(seenAuth, QByteArray("Bearer partner-key")); // as on every partner API call
        QCOMPARE(seenVersion, QByteArray("20180828"));
        QCOMPARE(activation.providerKey(), jwe);
        QCOMPARE(activation.companyName(), QStringLiteral("Acme"));
        QCOMPARE(store->setting(QStringLiteral("activation.company_name")).value_or(QString()), QStringLiteral("Acme"));
        QCOMPARE(store->setting(QStringLiteral("activation.provider_key_kind")).value_or(QString()), QStringLiteral("jwe"));

        // Another company's activation later is not taken over.
        const QByteArray other = ProviderKey::encryptJwe(R"({"clientId":"other"})", Secret, "A256GCM",
                                                         QByteArray::fromHex("0a0b0c0d0e0f101112131415"));
        QString why;
        QVERIFY(!activation.learn(other, ProviderKey::Kind::Jwe, QStringLiteral("other"), QStringLiteral("Other"), &why));
        QVERIFY(why.contains(QLatin1String("Acme")));
        QCOMPARE(activation.providerKey(), jwe);
        const auto check = activation.checkBearer(QByteArray("Bearer " + other), false);
        QCOMPARE(check.outcome, Activation::BearerCheck::Outcome::OtherCompany);
        QVERIFY(check.message.contains(QLatin1String("one company only")));
    }

    void jweActivationMatchesItsPlainBearer()
    {
        // partner-activations lists the JWE of the provider key; Teamtailor presents the key itself.
        const QByteArray uuid = "5b930fbc-1ed1-4615-9f82-6266cbd72700";
        const QByteArray jwe = ProviderKey::encryptJwe(uuid, Secret, "A256GCM",
                                                       QByteArray::fromHex("000102030405060708090a0b"));
        Activation activation(nullptr, nullptr);
        activation.setSecrets("partner-key", Secret, QByteArray(), QByteArray());
        QString why;
        QVERIFY(activation.learn(jwe, ProviderKey::Kind::Jwe, QStringLiteral("acme"), QStringLiteral("Acme"), &why));
        QCOMPARE(activation.checkBearer(QByteArray("Bearer " + uuid), false).outcome, Activation::BearerCheck::Outcome::Ok);
        QCOMPARE(activation.checkBearer(QByteArray("Bearer " + jwe), false).outcome, Activation::BearerCheck::Outcome::Ok);
        const auto other = activation.checkBearer(QByteArray("Bearer 11111111-2222-3333-4444-555555555555"), true);
        QCOMPARE(other.outcome, Activation::BearerCheck::Outcome::Unknown);
        QVERIFY(activation.learn(uuid, ProviderKey::Kind::Uuid, QString(), QString(), &why)); // same key
        QCOMPARE(activation.providerKey(), jwe);

        // The other way round: the plain key learnt first (a signed delivery), the JWE polled later.
        Activation plainFirst(nullptr, nullptr);
        plainFirst.setSecrets("partner-key", Secret, QByteArray(), QByteArray());
        QVERIFY(plainFirst.learn(uuid, ProviderKey::Kind::Uuid, QString(), QString(), &why));
        QVERIFY(plainFirst.learn(jwe, ProviderKey::Kind::Jwe, QStringLiteral("acme"), QStringLiteral("Acme"), &why));
        QCOMPARE(plainFirst.checkBearer(QByteArray("Bearer " + jwe), false).outcome, Activation::BearerCheck::Outcome::Ok);
        // A JWE of another key is another company.
        const QByteArray otherJwe = ProviderKey::encryptJwe("0a0b0c0d-1ed1-4615-9f82-6266cbd72700", Secret, "A256GCM",
                                                            QByteArray::fromHex("0a0b0c0d0e0f101112131415"));
        QCOMPARE(plainFirst.checkBearer(QByteArray("Bearer " + otherJwe), false).outcome,
                 Activation::BearerCheck::Outcome::OtherCompany);
    }

    void pollRefusesUndecryptableKey()
    {
        const QByteArray jwe = ProviderKey::encryptJwe(R"({"clientId":"acme"})", "another-secret", "A128GCM",
                                                       QByteArray::fromHex("000102030405060708090a0b"));
        QHttpServer api;
        int calls = 0;
        api.route(QStringLiteral("/partner/v1/partner-activations"), [&](const QHttpServerRequest &) {
            ++calls;
            return QHttpServerResponse("application/vnd.api+json", activations({{jwe, QStringLiteral("Acme")}}));
        });
        auto *tcp = new QTcpServer;
        QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
        api.bind(tcp);
        QUrl base(QStringLiteral("http://127.0.0.1"));
        base.setPort(tcp->serverPort());
        Activation activation(nullptr, nullptr);
        activation.setSecrets("partner-key", Secret, QByteArray(), QByteArray());
        activation.startPolling(QUrl(base.toString() + QStringLiteral("/partner/v1")), 60000);
        QTRY_COMPARE(calls, 1);
        QTest::qWait(100);
        QVERIFY(!activation.activated());
    }
};

QTEST_GUILESS_MAIN(tst_Activation)
#include "tst_activation.moc"

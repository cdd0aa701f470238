// Keys cleared or replaced through the SecretStore (what Settings and the activation wizard use)
// take effect at once in the running composition root, without a restart: the webhook verifiers
// re-read theirs (a cleared provider key makes the next /webhook call 401 "not activated"), and the
// Teamtailor client sends with the new company token. Real keychain (test keyring session), real
// HTTP on loopback.
#include "app/Application.h"
#include "net/activation/Activation.h"
#include "net/api/TeamtailorClient.h"
#include "net/secrets/SecretStore.h"
#include "net/webhook/WebhookServer.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

namespace {

const QString ProviderUuid = QStringLiteral("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
const QString NewProviderUuid = QStringLiteral("0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d");

QByteArray partnerBody(const QByteArray &eventId)
{
    return R"({"partner-event":{"id":")" + eventId
        + R"(","webhook-data":{"template":"phone"},"partner-result":{"id":"r1","status":"sending","update-url":"http://127.0.0.1:1/pr/r1"},)"
          R"("candidate":{"id":54321,"job":{"id":12,"stage-id":3,"stage":"Phone screen"}}},"company":{"uuid":"c-uuid","name":"Acme"}})";
}

} // namespace

class tst_LiveSecrets : public QObject
{
    Q_OBJECT
private:
    QNetworkAccessManager m_nam;

    QPair<int, QByteArray> post(const QUrl &base, const QString &bearer, const QByteArray &eventId)
    {
        QUrl url = base;
        url.setPath(QStringLiteral("/webhook"));
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + bearer.toLatin1());
        QNetworkReply *reply = m_nam.post(request, partnerBody(eventId));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(10000))
            return { 0, "no answer" };
        reply->deleteLater();
        return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll() };
    }

private Q_SLOTS:
    void clearedAndReplacedKeysApplyAtOnce()
    {
        qputenv("INTRVIO_TEST_HOLD_INBOX", "1"); // deliveries are stored, not processed
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Options options;
        options.dataDir = dir.path() + QStringLiteral("/data");
        options.listenPort = 0;
        options.teamtailorUrl = QUrl(QStringLiteral("http://127.0.0.1:1")); // never reached
        QString error;
        int exitCode = 0;
        auto services = AppServices::create(options, &error, &exitCode);
        QVERIFY2(services, qPrintable(error));
        SecretStore *secrets = services->secrets();
        QVERIFY(secrets->writeSync(QStringLiteral("partner-api-key"), QStringLiteral("partner-key")).ok());
        QVERIFY(secrets->writeSync(QStringLiteral("provider-key"), ProviderUuid).ok());
        QVERIFY(secrets->writeSync(QStringLiteral("company-api-token"), QStringLiteral("token-one")).ok());
        QVERIFY2(services->startWebhookServer(&error), qPrintable(error));
        Activation *activation = services->activation();
        QTRY_VERIFY(activation->loaded());
        QVERIFY(activation->activated());
        QVERIFY2(services->startPipeline(&error), qPrintable(error));
        const QUrl base = services->webhookServer()->url();

        auto accepted = post(base, ProviderUuid, "evt-1");
        QVERIFY2(accepted.first == 202, accepted.second.constData());

        // Settings clears the provider key: the next call is refused as not activated.
        QSignalSpy activatedChanged(activation, &Activation::activatedChanged);
        QVERIFY(secrets->removeSync(QStringLiteral("provider-key")).ok());
        QVERIFY(activatedChanged.wait(10000));
        QVERIFY(!activation->activated());
        const auto refused = post(base, ProviderUuid, "evt-2");
        QCOMPARE(refused.first, 401);
        QVERIFY2(refused.second.contains("not activated"), refused.second.constData());

        // A replaced key: the new one is accepted, the old one is unknown.
        QVERIFY(secrets->writeSync(QStringLiteral("provider-key"), NewProviderUuid).ok());
        QTRY_VERIFY(activation->activated());
        QCOMPARE(post(base, NewProviderUuid, "evt-3").first, 202);
        const auto old = post(base, ProviderUuid, "evt-4");
        QCOMPARE(old.first, 401);
        QVERIFY2(old.second.contains("unknown provider key"), old.second.constData());

        // The client: a replaced company token is what the next request carries; a cleared one
        // stops requests from being authorised.
        TeamtailorClient *client = services->client();
        QCOMPARE(client->builder().credentials().companyToken, QStringLiteral("token-one"));
        QVERIFY(secrets->writeSync(QStringLiteral("company-api-token"), QStringLiteral("token-two")).ok());
        QTRY_COMPARE(client->builder().credentials().companyToken, QStringLiteral("token-two"));
        const QNetworkRequest request = client->builder().request(
            RequestBuilder::Api::Public, client->builder().url(RequestBuilder::Api::Public, QStringLiteral("jobs")), false);
        QCOMPARE(request.rawHeader("Authorization"), QByteArray("Token token=token-two"));
        QVERIFY(secrets->removeSync(QStringLiteral("company-api-token")).ok());
        QTRY_VERIFY(!client->builder().hasCredential(RequestBuilder::Api::Public));
        QCOMPARE(client->builder().credentials().partnerKey, QStringLiteral("partner-key"));
    }
};

QTEST_MAIN(tst_LiveSecrets)
#include "tst_livesecrets.moc"

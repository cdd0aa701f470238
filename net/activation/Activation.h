#pragma once

#include "net/crypto/ProviderKey.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QTimer;

namespace intrvio {

class SecretStore;
class Store;

// The single-tenant activation: which company this instance serves and the secrets needed to check
// Teamtailor's calls. Secrets are read from the keychain (SecretStore) once at start and kept in
// memory; the provider key is learnt from the first verified Bearer call or from polling
// partner-activations, and written back to the keychain. Company name/uuid are settings (not secret).
class Activation : public QObject
{
    Q_OBJECT
public:
    static constexpr auto SettingCompanyName = "activation.company_name";
    static constexpr auto SettingCompanyUuid = "activation.company_uuid";
    static constexpr auto SettingProviderKind = "activation.provider_key_kind";

    Activation(Store *store, SecretStore *secrets, QObject *parent = nullptr);

    // Reads partner-api-key, webhook-secret, provider-key and company-webhook-secret. Afterwards a
    // change made through the SecretStore (Settings, the wizard) is re-read at once: the keychain
    // stays the one source of truth, and a cleared key stops working without a restart.
    void load();
    // Re-reads one of the four names from the keychain (absent: cleared).
    void reloadSecret(const QString &name);
    bool loaded() const { return m_loaded; }
    bool keychainOk() const { return m_keychainOk; }
    QString keychainMessage() const { return m_keychainMessage; }

    QByteArray partnerApiKey() const { return m_partnerApiKey; }
    QByteArray webhookSecret() const { return m_webhookSecret; }
    QByteArray providerKey() const { return m_providerKey; }
    QByteArray companyWebhookSecret() const { return m_companyWebhookSecret; }
    QString companyName() const { return m_companyName; }
    QString companyUuid() const { return m_companyUuid; }
    bool activated() const { return !m_providerKey.isEmpty(); }

    // For tests: set secrets directly (no keychain).
    void setSecrets(const QByteArray &partnerApiKey, const QByteArray &webhookSecret,
        const QByteArray &providerKey, const QByteArray &companyWebhookSecret);

    struct BearerCheck
    {
        enum class Outcome {
            Ok,
            Missing, // no Authorization: Bearer
            Invalid, // malformed token, bad signature, cannot decrypt
            Unknown, // opaque/UUID key that is not ours
            OtherCompany, // a genuine key for another company: single-tenant
            NotActivated, // no key stored yet and this one cannot be verified on its own
        };
        Outcome outcome = Outcome::Missing;
        ProviderKey::Kind kind = ProviderKey::Kind::Empty;
        QString message; // for the 401 body
        bool learnable = false; // verified but not stored yet: learn it once the request is accepted
        QByteArray token;
        QJsonObject claims;
        bool ok() const { return outcome == Outcome::Ok; }
    };
    // `signatureVerified`: the request also carried a valid Teamtailor-Signature, which is enough to
    // trust an opaque/UUID key on first use.
    BearerCheck checkBearer(QByteArrayView authorization, bool signatureVerified) const;

    // Stores the key (keychain) and company (settings). Refuses a second company.
    bool learn(const QByteArray &token, ProviderKey::Kind kind, const QString &companyUuid,
        const QString &companyName, QString *error);
    // Keeps company info when it arrives later than the key (first /webhook after /config).
    void noteCompany(const QString &companyUuid, const QString &companyName);

    // Polls GET <base>/partner/v1/partner-activations with the partner API key every intervalMs.
    void startPolling(const QUrl &partnerApiBase, int intervalMs); // partnerApiBase: ".../partner/v1" (ApiEndpoints)
    void pollOnce();
    // Pure: picks the activation out of a partner-activations document. Empty token when none fits.
    struct PolledActivation
    {
        QByteArray providerKey;
        QString companyName;
        QString companyUuid;
        int count = 0;
    };
    static PolledActivation parseActivations(const QByteArray &json);

Q_SIGNALS:
    void loadedChanged();
    void activatedChanged();

private:
    void assign(const QString &name, const QByteArray &value);

    Store *m_store;
    SecretStore *m_secrets;
    bool m_loaded = false;
    bool m_watching = false;
    bool m_keychainOk = false;
    QString m_keychainMessage;
    int m_outstanding = 0;
    QByteArray m_partnerApiKey;
    QByteArray m_webhookSecret;
    QByteArray m_providerKey;
    QByteArray m_companyWebhookSecret;
    QString m_companyName;
    QString m_companyUuid;
    QNetworkAccessManager *m_nam = nullptr;
    QTimer *m_pollTimer = nullptr;
    QUrl m_pollBase;
};

} // namespace intrvio

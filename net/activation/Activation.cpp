#include "Activation.h"

#include "models/Log.h"
#include "models/Store.h"
#include "net/crypto/Crypto.h"
#include "net/secrets/SecretStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace intrvio {

namespace {

// The partner-activations resource lists the provider key as a JWE whose plaintext is the key
// Teamtailor then presents as Bearer (the sandbox does exactly that; which form arrives is not
// documented, §1.4). Two forms name the same key when they are equal or one is a JWE of the other.
bool sameProviderKey(QByteArrayView presented, QByteArrayView stored, QByteArrayView webhookSecret)
{
    if (crypto::constantTimeEquals(presented, stored))
        return true;
    auto plain = [&](QByteArrayView key) -> std::optional<QByteArray> {
        if (ProviderKey::classify(key) != ProviderKey::Kind::Jwe)
            return std::nullopt;
        const ProviderKey::Decoded d = ProviderKey::decryptJwe(key, webhookSecret);
        return d.ok() ? std::optional<QByteArray>(d.payload) : std::nullopt;
    };
    if (const auto storedPlain = plain(stored); storedPlain && crypto::constantTimeEquals(presented, *storedPlain))
        return true;
    if (const auto presentedPlain = plain(presented); presentedPlain && crypto::constantTimeEquals(*presentedPlain, stored))
        return true;
    return false;
}

} // namespace

Activation::Activation(Store *store, SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_secrets(secrets)
{
    if (m_store) {
        m_companyName = m_store->setting(QString::fromLatin1(SettingCompanyName)).value_or(QString());
        m_companyUuid = m_store->setting(QString::fromLatin1(SettingCompanyUuid)).value_or(QString());
    }
}

void Activation::setSecrets(const QByteArray &partnerApiKey, const QByteArray &webhookSecret,
    const QByteArray &providerKey, const QByteArray &companyWebhookSecret)
{
    m_partnerApiKey = partnerApiKey;
    m_webhookSecret = webhookSecret;
    m_providerKey = providerKey;
    m_companyWebhookSecret = companyWebhookSecret;
    m_loaded = true;
    m_keychainOk = true;
    Q_EMIT loadedChanged();
}

void Activation::assign(const QString &name, const QByteArray &v)
{
    if (name == QLatin1String("partner-api-key"))
        m_partnerApiKey = v;
    else if (name == QLatin1String("webhook-secret"))
        m_webhookSecret = v;
    else if (name == QLatin1String("provider-key"))
        m_providerKey = v;
    else if (name == QLatin1String("company-webhook-secret"))
        m_companyWebhookSecret = v;
}

void Activation::reloadSecret(const QString &name)
{
    if (!m_secrets)
        return;
    static const QStringList ours { QStringLiteral("partner-api-key"), QStringLiteral("webhook-secret"),
        QStringLiteral("provider-key"), QStringLiteral("company-webhook-secret") };
    if (!ours.contains(name))
        return;
    m_secrets->read(name, this, [this, name](const SecretResult &r) {
        const bool wasActivated = activated();
        if (r.ok()) {
            assign(name, r.value.toUtf8());
        } else if (r.status == SecretResult::Status::NotFound) {
            assign(name, QByteArray());
        } else {
            // Unreadable now: refuse with it rather than keep a value the admin may have replaced.
            assign(name, QByteArray());
            m_keychainOk = false;
            m_keychainMessage = r.message;
            qCWarning(lcWebhook).noquote() << "cannot re-read" << name << "from the keychain:" << r.message;
        }
        qCInfo(lcWebhook).noquote() << name << (r.ok() ? "re-read after a change," : "cleared,") << "activated:" << activated();
        if (wasActivated != activated())
            Q_EMIT activatedChanged();
    });
}

void Activation::load()
{
    if (!m_secrets)
        return;
    if (!m_watching) {
        m_watching = true;
        connect(m_secrets, &SecretStore::secretChanged, this, [this](const QString &name) { reloadSecret(name); });
    }
    const QStringList names { QStringLiteral("partner-api-key"), QStringLiteral("webhook-secret"),
        QStringLiteral("provider-key"), QStringLiteral("company-webhook-secret") };
    m_outstanding = int(names.size());
    m_keychainOk = true;
    for (const QString &name : names) {
        m_secrets->read(name, this, [this, name](const SecretResult &r) {
            if (r.ok()) {
                assign(name, r.value.toUtf8());
            } else if (r.status != SecretResult::Status::NotFound) {
                m_keychainOk = false;
                m_keychainMessage = r.message;
                qCWarning(lcWebhook).noquote() << "cannot read" << name << "from the keychain:" << r.message;
            }
            if (--m_outstanding == 0) {
                m_loaded = true;
                qCInfo(lcWebhook).noquote() << "secrets loaded; activated:" << activated()
                                            << "signature checks:" << !m_webhookSecret.isEmpty();
                Q_EMIT loadedChanged();
            }
        });
    }
}

Activation::BearerCheck Activation::checkBearer(QByteArrayView authorization, bool signatureVerified) const
{
    BearerCheck c;
    QByteArrayView value = authorization;
    while (!value.isEmpty() && value.front() == ' ')
        value = value.sliced(1);
    if (value.size() < 7 || QByteArrayView(value.first(7)).compare("Bearer ", Qt::CaseInsensitive) != 0) {
        c.outcome = BearerCheck::Outcome::Missing;
        c.message = QStringLiteral("missing Authorization: Bearer provider key");
        return c;
    }
    QByteArrayView token = value.sliced(7);
    while (!token.isEmpty() && (token.back() == ' ' || token.back() == '\t'))
        token.chop(1);
    while (!token.isEmpty() && token.front() == ' ')
        token = token.sliced(1);
    c.token = token.toByteArray();
    c.kind = ProviderKey::classify(token);
    if (c.kind == ProviderKey::Kind::Empty || c.kind == ProviderKey::Kind::Invalid) {
        c.outcome = BearerCheck::Outcome::Invalid;
        c.message = QStringLiteral("provider key is malformed");
        return c;
    }
    const QString otherCompany
        = QStringLiteral("this Intrvio installation is activated for %1 and serves one company only; "
                         "the provider key belongs to another activation")
              .arg(m_companyName.isEmpty() ? QStringLiteral("another company") : m_companyName);
    // A stored key: the presented one must be exactly it.
    if (!m_providerKey.isEmpty() && sameProviderKey(token, m_providerKey, m_webhookSecret)) {
        c.outcome = BearerCheck::Outcome::Ok;
        return c;
    }
    ProviderKey::Decoded decoded;
    if (c.kind == ProviderKey::Kind::Jws)
        decoded = ProviderKey::verifyJws(token, m_partnerApiKey);
    else if (c.kind == ProviderKey::Kind::Jwe)
        decoded = ProviderKey::decryptJwe(token, m_webhookSecret);
    const bool selfVerifying = c.kind == ProviderKey::Kind::Jws || c.kind == ProviderKey::Kind::Jwe;
    if (selfVerifying && !decoded.ok()) {
        c.outcome = BearerCheck::Outcome::Invalid;
        c.message = ProviderKey::failureText(decoded.failure);
        return c;
    }
    c.claims = decoded.claims;
    if (!m_providerKey.isEmpty()) {
        c.outcome = selfVerifying ? BearerCheck::Outcome::OtherCompany : BearerCheck::Outcome::Unknown;
        c.message = selfVerifying ? otherCompany : QStringLiteral("unknown provider key");
        return c;
    }
    if (selfVerifying || signatureVerified) {
        c.outcome = BearerCheck::Outcome::Ok;
        c.learnable = true;
        return c;
    }
    c.outcome = BearerCheck::Outcome::NotActivated;
    c.message
        = QStringLiteral("Intrvio is not activated yet: this provider key cannot be verified on its own "
                         "(set the webhook secret so signed deliveries can activate it, or wait for "
                         "the partner-activations poll)");
    return c;
}

bool Activation::learn(const QByteArray &token, ProviderKey::Kind kind, const QString &companyUuid,
    const QString &companyName, QString *error)
{
    if (!m_providerKey.isEmpty() && !sameProviderKey(token, m_providerKey, m_webhookSecret)) {
        if (error)
            *error
                = QStringLiteral("already activated for %1; a second company is refused").arg(m_companyName);
        return false;
    }
    const bool isNew = m_providerKey.isEmpty();
    if (!isNew) { // the same key again (possibly in its other form): the stored one stays
        noteCompany(companyUuid, companyName);
        return true;
    }
    m_providerKey = token;
    if (m_store)
        m_store->setSetting(QString::fromLatin1(SettingProviderKind), ProviderKey::kindName(kind));
    noteCompany(companyUuid, companyName);
    if (isNew) {
        qCInfo(lcWebhook).noquote() << "activated for company"
                                    << (m_companyName.isEmpty() ? m_companyUuid : m_companyName) << "with a"
                                    << ProviderKey::kindName(kind) << "provider key";
        if (m_secrets) {
            m_secrets->write(
                QStringLiteral("provider-key"), QString::fromUtf8(token), this, [](const SecretResult &r) {
                    if (!r.ok())
                        qCWarning(lcWebhook).noquote()
                            << "cannot store the provider key in the keychain:" << r.message;
                });
        }
        Q_EMIT activatedChanged();
    }
    return true;
}

void Activation::noteCompany(const QString &companyUuid, const QString &companyName)
{
    if (!companyUuid.isEmpty() && m_companyUuid.isEmpty()) {
        m_companyUuid = companyUuid;
        if (m_store)
            m_store->setSetting(QString::fromLatin1(SettingCompanyUuid), companyUuid);
    }
    if (!companyName.isEmpty() && m_companyName.isEmpty()) {
        m_companyName = companyName;
        if (m_store)
            m_store->setSetting(QString::fromLatin1(SettingCompanyName), companyName);
    }
}

Activation::PolledActivation Activation::parseActivations(const QByteArray &json)
{
    PolledActivation p;
    const QJsonArray data = QJsonDocument::fromJson(json).object().value(QLatin1String("data")).toArray();
    p.count = int(data.size());
    if (data.size() != 1)
        return p;
    const QJsonObject a = data.first().toObject().value(QLatin1String("attributes")).toObject();
    p.providerKey = a.value(QLatin1String("provider-key")).toString().toUtf8();
    p.companyName = a.value(QLatin1String("company-name")).toString();
    p.companyUuid = a.value(QLatin1String("company-uuid")).toString();
    return p;
}

void Activation::startPolling(const QUrl &partnerApiBase, int intervalMs)
{
    m_pollBase = partnerApiBase;
    if (!m_nam)
        m_nam = new QNetworkAccessManager(this);
    if (!m_pollTimer) {
        m_pollTimer = new QTimer(this);
        connect(m_pollTimer, &QTimer::timeout, this, &Activation::pollOnce);
    }
    m_pollTimer->start(intervalMs);
    QTimer::singleShot(0, this, &Activation::pollOnce);
}

void Activation::pollOnce()
{
    if (!m_loaded || m_partnerApiKey.isEmpty() || m_pollBase.isEmpty() || !m_nam)
        return;
    QUrl url = m_pollBase;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0)
        + QStringLiteral("/partner-activations"));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_partnerApiKey);
    request.setRawHeader("X-Api-Version", "20180828");
    request.setRawHeader("Accept", "application/vnd.api+json");
    request.setTransferTimeout(15000);
    QNetworkReply *reply = m_nam->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError) {
            qCInfo(lcWebhook).noquote() << "partner-activations poll failed:" << reply->errorString();
            return;
        }
        const PolledActivation p = parseActivations(reply->readAll());
        if (p.count > 1)
            qCWarning(lcWebhook)
                << "partner-activations lists" << p.count
                << "companies; this installation serves one, so none is picked automatically";
        if (p.providerKey.isEmpty())
            return;
        if (activated()) {
            if (!m_companyUuid.isEmpty() && !p.companyUuid.isEmpty() && p.companyUuid != m_companyUuid)
                qCWarning(lcWebhook).noquote()
                    << "partner-activations names another company (" << p.companyName
                    << "); this installation stays with" << m_companyName;
            else
                noteCompany(p.companyUuid, p.companyName);
            return;
        }
        const ProviderKey::Kind kind = ProviderKey::classify(p.providerKey);
        if (kind == ProviderKey::Kind::Jwe && !ProviderKey::decryptJwe(p.providerKey, m_webhookSecret).ok()) {
            qCWarning(lcWebhook)
                << "partner-activations provider key does not decrypt with the webhook secret";
            return;
        }
        QString error;
        learn(p.providerKey, kind, p.companyUuid, p.companyName, &error);
    });
}

} // namespace intrvio

#include "SecretStore.h"

#include "models/Log.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QPointer>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace intrvio {

namespace {

constexpr int RetryDelayMs = 300;
const QString ProbeKey = QStringLiteral("intrvio-keychain-probe");

QString canonicalScope(const QString &dataDir)
{
    const QFileInfo fi(dataDir);
    const QString canonical = fi.canonicalFilePath();
    return QDir::cleanPath(canonical.isEmpty() ? fi.absoluteFilePath() : canonical);
}

// A freshly D-Bus-activated keyring daemon may fail the first call; a missing bus or a missing
// Secret Service provider will not go away by retrying.
bool isTransient(int keychainError, const QString &errorString)
{
    if (keychainError != QKeychain::OtherError)
        return false;
    return !errorString.contains(QLatin1String("autolaunch")) && !errorString.contains(QLatin1String("dbus-launch"))
        && !errorString.contains(QLatin1String("not provided by any .service files"));
}

} // namespace

SecretStore::SecretStore(const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_service(QStringLiteral("intrvio:") + canonicalScope(dataDir))
{
}

const QStringList &SecretStore::knownNames()
{
    static const QStringList names = {
        QStringLiteral("partner-api-key"),   QStringLiteral("webhook-secret"),
        QStringLiteral("company-api-token"), QStringLiteral("company-webhook-secret"),
        QStringLiteral("provider-key"),      QStringLiteral("scorer-api-key"),
    };
    return names;
}

bool SecretStore::isKnownName(const QString &name)
{
    return knownNames().contains(name);
}

SecretResult SecretStore::classify(int keychainError, const QString &errorString)
{
    using S = SecretResult::Status;
    const QString why = errorString.isEmpty() ? QStringLiteral("unknown keychain error") : errorString;
    switch (keychainError) {
    case QKeychain::NoError:
        return {S::Ok, {}, {}};
    case QKeychain::EntryNotFound:
        return {S::NotFound, {}, QStringLiteral("not set")};
    case QKeychain::AccessDeniedByUser:
        return {S::AccessDenied, {}, QStringLiteral("The keychain request was refused (%1).").arg(why)};
    case QKeychain::AccessDenied:
        return {S::Unavailable, {},
                QStringLiteral("The keyring is locked (%1). Unlock it in your desktop session, or on a server run "
                               "`gnome-keyring-daemon --unlock --components=secrets` (password on stdin) inside "
                               "the service's D-Bus session.")
                    .arg(why)};
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return {S::Unavailable, {},
                QStringLiteral("No keychain backend is available (%1). Install and start a Secret Service "
                               "provider such as gnome-keyring.")
                    .arg(why)};
    default:
        break;
    }
    if (why.contains(QLatin1String("autolaunch D-Bus")) || why.contains(QLatin1String("dbus-launch"))
        || why.contains(QLatin1String("DBUS_SESSION_BUS_ADDRESS"))
        || why.contains(QLatin1String("Could not connect"))) {
        return {S::Unavailable, {},
                QStringLiteral("No D-Bus session bus, so the OS keychain cannot be reached (%1). Run Intrvio in a "
                               "desktop session, or on a server start one: `dbus-run-session -- sh -c 'echo -n "
                               "PASSWORD | gnome-keyring-daemon --unlock --components=secrets; intrvio ...'` "
                               "(see docs/admin-guide.md).")
                    .arg(why)};
    }
    if (why.contains(QLatin1String("org.freedesktop.secrets"))) {
        return {S::Unavailable, {},
                QStringLiteral("No Secret Service provider is running (%1). Install gnome-keyring "
                               "(apt-get install gnome-keyring) or another Secret Service keychain.")
                    .arg(why)};
    }
    if (why.contains(QLatin1String("collection/login")) || why.contains(QLatin1String("locked"))) {
        return {S::Unavailable, {},
                QStringLiteral("The login keyring is missing or locked (%1). Unlock it: `echo -n PASSWORD | "
                               "gnome-keyring-daemon --unlock --components=secrets`.")
                    .arg(why)};
    }
    return {S::Error, {}, QStringLiteral("Keychain error: %1").arg(why)};
}

void SecretStore::read(const QString &name, QObject *context, Callback done)
{
    run(Op::Read, name, {}, context, std::move(done), 0);
}

void SecretStore::write(const QString &name, const QString &value, QObject *context, Callback done)
{
    run(Op::Write, name, value, context, std::move(done), 0);
}

void SecretStore::remove(const QString &name, QObject *context, Callback done)
{
    run(Op::Remove, name, {}, context, std::move(done), 0);
}

void SecretStore::probe(QObject *context, Callback done)
{
    run(Op::Read, ProbeKey, {}, context, [done = std::move(done)](const SecretResult &r) {
        // "not found" proves the backend answered.
        if (r.status == SecretResult::Status::NotFound)
            done({SecretResult::Status::Ok, {}, QStringLiteral("keychain available")});
        else
            done(r);
    }, 0);
}

void SecretStore::run(Op op, const QString &key, const QString &value, QObject *context, Callback done,
                      int attempt)
{
    if (key != ProbeKey && !isKnownName(key)) {
        QTimer::singleShot(0, context, [done, key] {
            done({SecretResult::Status::Error, {},
                  QStringLiteral("Unknown secret name '%1'; known names: %2")
                      .arg(key, knownNames().join(QLatin1String(", ")))});
        });
        return;
    }
    QKeychain::Job *job = nullptr;
    switch (op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(m_service, this);
        break;
    case Op::Write: {
        auto *w = new QKeychain::WritePasswordJob(m_service, this);
        w->setTextData(value);
        job = w;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(m_service, this);
        break;
    }
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this, [=, this](QKeychain::Job *j) {
        if (!guard)
            return;
        const int err = j->error();
        SecretResult r = classify(err, j->errorString());
        if (r.ok() && op == Op::Read)
            r.value = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
        if (op == Op::Remove && r.status == SecretResult::Status::NotFound)
            r = {SecretResult::Status::Ok, {}, QStringLiteral("was not set")};
        if (!r.ok() && r.status != SecretResult::Status::NotFound && attempt == 0
            && isTransient(err, j->errorString())) {
            qCDebug(lcSecrets) << "transient keychain error, retrying once:" << j->errorString();
            QTimer::singleShot(RetryDelayMs, this, [=, this] { run(op, key, value, guard, done, 1); });
            return;
        }
        if (!r.ok() && r.status != SecretResult::Status::NotFound)
            qCWarning(lcSecrets).noquote() << "keychain" << key << ":" << r.message;
        if (r.ok() && op != Op::Read && key != ProbeKey)
            Q_EMIT secretChanged(key, op == Op::Write);
        done(r);
    });
    job->start();
}

SecretResult SecretStore::wait(const std::function<void(Callback)> &start)
{
    QEventLoop loop;
    SecretResult result;
    start([&](const SecretResult &r) {
        result = r;
        loop.quit();
    });
    loop.exec();
    return result;
}

SecretResult SecretStore::readSync(const QString &name)
{
    QObject ctx;
    return wait([&](Callback cb) { read(name, &ctx, std::move(cb)); });
}

SecretResult SecretStore::writeSync(const QString &name, const QString &value)
{
    QObject ctx;
    return wait([&](Callback cb) { write(name, value, &ctx, std::move(cb)); });
}

SecretResult SecretStore::removeSync(const QString &name)
{
    QObject ctx;
    return wait([&](Callback cb) { remove(name, &ctx, std::move(cb)); });
}

SecretResult SecretStore::probeSync()
{
    QObject ctx;
    return wait([&](Callback cb) { probe(&ctx, std::move(cb)); });
}

} // namespace intrvio

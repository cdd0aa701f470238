#include "SecretAudit.h"

#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/Log.h"
#include "models/Store.h"
#include "net/secrets/SecretStore.h"

namespace intrvio {

namespace {

void record(Store &store, const QString &actor, const QString &name, bool present)
{
    AuditLog audit(store, Clock::system());
    audit.append(actor,
        QString::fromLatin1(present ? AuditLog::ActionSecretSet : AuditLog::ActionSecretCleared),
        QStringLiteral("secret:") + name);
}

} // namespace

void auditSecretChanges(SecretStore &secrets, Store &store, const QString &actor)
{
    QObject::connect(&secrets, &SecretStore::secretChanged, &secrets,
        [&store, actor](const QString &name, bool present) { record(store, actor, name, present); });
}

void auditSecretChangesInDataDir(SecretStore &secrets, const QString &dataDir, const QString &actor)
{
    QObject::connect(
        &secrets, &SecretStore::secretChanged, &secrets, [dataDir, actor](const QString &name, bool present) {
            StoreError error;
            auto store = Store::openInDataDir(dataDir, &error);
            if (!store) {
                qCWarning(lcApp).noquote() << "secret change not audited:" << error.message;
                return;
            }
            record(*store, actor, name, present);
        });
}

} // namespace intrvio

#pragma once

#include <QString>

namespace intrvio {

class SecretStore;
class Store;

// Records every secret change in the audit log: the name and whether it was set or cleared, never
// the value. `store` must outlive `secrets` (the composition root creates them in that order).
void auditSecretChanges(SecretStore &secrets, Store &store, const QString &actor);

// For short-lived CLI commands that do not otherwise open the store: opens it for each change. A
// store that cannot be opened only costs a warning (the secret itself was stored).
void auditSecretChangesInDataDir(SecretStore &secrets, const QString &dataDir, const QString &actor);

} // namespace intrvio

#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace intrvio {

struct SecretResult
{
    enum class Status {
        Ok,
        NotFound,
        Unavailable,  // no D-Bus session, no Secret Service, locked keyring: a configuration problem
        AccessDenied, // the user or the keyring refused
        Error,
    };
    Status status = Status::Error;
    QString value;   // the secret, for a successful read only
    QString message; // what went wrong and how to fix it; never contains the value
    bool ok() const { return status == Status::Ok; }
};

// The only way to read or write secrets. Backed by the OS keychain through QtKeychain
// (Secret Service / gnome-keyring on Linux); no insecure plain-text fallback.
//
// Entries are scoped: the keychain service is "intrvio:<scope>", where the scope is the
// canonical data directory, so two data directories never see each other's secrets.
// Jobs are asynchronous; callbacks run on the caller's thread in the context object's lifetime.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    explicit SecretStore(const QString &dataDir, QObject *parent = nullptr);

    // The names the product uses (ARCHITECTURE.md §3). Others are refused.
    static const QStringList &knownNames();
    static bool isKnownName(const QString &name);

    QString serviceName() const { return m_service; }

    using Callback = std::function<void(const SecretResult &)>;
    void read(const QString &name, QObject *context, Callback done);
    void write(const QString &name, const QString &value, QObject *context, Callback done);
    void remove(const QString &name, QObject *context, Callback done);
    // Checks that a keychain backend answers (reads an entry that does not exist).
    void probe(QObject *context, Callback done);

    // Turns a QtKeychain error into a status and a message that says how to fix it. Pure.
    static SecretResult classify(int keychainError, const QString &errorString);

    // For the CLI only: runs a local event loop until the job finishes.
    SecretResult readSync(const QString &name);
    SecretResult writeSync(const QString &name, const QString &value);
    SecretResult removeSync(const QString &name);
    SecretResult probeSync();

Q_SIGNALS:
    // Emitted after a successful write or remove (names only, for the audit log and the UI).
    void secretChanged(const QString &name, bool present);

private:
    enum class Op { Read, Write, Remove };
    void run(Op op, const QString &key, const QString &value, QObject *context, Callback done, int attempt);
    SecretResult wait(const std::function<void(Callback)> &start);

    QString m_service;
};

} // namespace intrvio

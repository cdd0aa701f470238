#pragma once

#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

namespace intrvio {

struct StoreError
{
    enum class Kind {
        Io,           // the directory or file cannot be created or opened
        Corrupt,      // the file is not an SQLite database or fails its integrity check
        NewerSchema,  // written by a newer Intrvio; never touched
        Migration,    // a migration failed and was rolled back
        Wal,          // WAL journaling could not be enabled
    };
    Kind kind = Kind::Io;
    QString message; // says what happened and how to fix it
};

// The SQLite store: one file `intrvio.sqlite` in the data directory, WAL journaling,
// versioned migrations (PRAGMA user_version), each applied in its own transaction.
// Secrets never go here; they live in the keychain (SecretStore).
class Store
{
public:
    static constexpr auto FileName = "intrvio.sqlite";

    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Opens (creating if needed) and migrates. On error nothing on disk is overwritten.
    static std::unique_ptr<Store> open(const QString &filePath, StoreError *error);
    // Opens `<dataDir>/intrvio.sqlite`, creating the directory with mode 0700.
    static std::unique_ptr<Store> openInDataDir(const QString &dataDir, StoreError *error);

    QSqlDatabase database() const { return QSqlDatabase::database(m_connection, false); }
    QString connectionName() const { return m_connection; }
    QString filePath() const { return m_path; }
    int schemaVersion() const;
    static int latestSchemaVersion();

    // A consistent copy of the live database (VACUUM INTO), safe while other connections write.
    // Refuses to overwrite an existing file.
    bool backupTo(const QString &targetPath, QString *error) const;

    // Checks that `backupPath` is an intact Intrvio database this version can open (integrity
    // check, schema not newer) and puts it in place of `<dataDir>/intrvio.sqlite`. The caller must
    // make sure nothing has the store open (see DataDirLock). The replaced file is kept as
    // `intrvio.sqlite.before-restore`. Nothing is changed on error.
    static bool restore(const QString &backupPath, const QString &dataDir, QString *error);

    // Non-secret settings (key/value).
    std::optional<QString> setting(const QString &key) const;
    bool setSetting(const QString &key, const QString &value);

private:
    explicit Store(QString connection, QString path);
    QString m_connection;
    QString m_path;
};

} // namespace intrvio

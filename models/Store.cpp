#include "Store.h"

#include "Log.h"
#include "Migrations.h"
#include "StatementCache.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

QString nextConnectionName()
{
    static QAtomicInteger<quint32> counter;
    return QStringLiteral("intrvio-store-%1").arg(counter.fetchAndAddRelaxed(1));
}

bool looksLikeSqlite(const QString &path, qint64 *size)
{
    QFile f(path);
    *size = f.size();
    if (*size == 0)
        return true;
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(16) == QByteArray("SQLite format 3\0", 16);
}

} // namespace

Store::Store(QString connection, QString path)
    : m_connection(std::move(connection))
    , m_path(std::move(path))
{
}

Store::~Store()
{
    dropCachedQueries(m_connection); // statements before their connection
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

int Store::latestSchemaVersion()
{
    return migrations().constLast().version;
}

int Store::schemaVersion() const
{
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

std::unique_ptr<Store> Store::openInDataDir(const QString &dataDir, StoreError *error)
{
    QDir dir(dataDir);
    if (!dir.exists()) {
        if (!QDir().mkpath(dataDir)) {
            *error = {StoreError::Kind::Io,
                      QStringLiteral("Cannot create the data directory %1; choose another with --data-dir.")
                          .arg(QDir::toNativeSeparators(dataDir))};
            return nullptr;
        }
        QFile::setPermissions(dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    return open(dir.absoluteFilePath(QString::fromLatin1(FileName)), error);
}

std::unique_ptr<Store> Store::open(const QString &filePath, StoreError *error)
{
    const QString shown = QDir::toNativeSeparators(filePath);
    auto fail = [&](StoreError::Kind kind, const QString &message) -> std::unique_ptr<Store> {
        *error = {kind, message};
        qCWarning(lcStore).noquote() << message;
        return nullptr;
    };

    qint64 size = 0;
    if (QFileInfo::exists(filePath) && !looksLikeSqlite(filePath, &size)) {
        return fail(StoreError::Kind::Corrupt,
                    QStringLiteral("%1 is not an Intrvio database (not an SQLite file). It was left untouched; "
                                   "restore it from a backup or move it away and start again.")
                        .arg(shown));
    }

    auto store = std::unique_ptr<Store>(new Store(nextConnectionName(), filePath));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), store->m_connection);
        db.setDatabaseName(filePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            return fail(StoreError::Kind::Io, QStringLiteral("Cannot open %1: %2. Check the permissions of the "
                                                             "data directory or choose another with --data-dir.")
                                                  .arg(shown, db.lastError().text()));
        }
    }
    QSqlDatabase db = store->database();
    QSqlQuery q(db);

    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !q.next()) {
        return fail(StoreError::Kind::Corrupt,
                    QStringLiteral("%1 is damaged (%2). It was left untouched; restore it from a backup "
                                   "(intrvio restore FILE) or move it away and start again.")
                        .arg(shown, q.lastError().text()));
    }
    q.finish(); // holds no read lock while this connection waits for another one's upgrade below
    int version = store->schemaVersion();
    const int latest = latestSchemaVersion();
    if (version > latest) {
        return fail(StoreError::Kind::NewerSchema,
                    QStringLiteral("%1 has schema version %2, newer than this Intrvio understands (%3). It was "
                                   "left untouched; install the newer Intrvio that wrote it, or use another "
                                   "--data-dir.")
                        .arg(shown)
                        .arg(version)
                        .arg(latest));
    }

    // One process (or thread) creates or upgrades the store at a time (switching a new file to WAL
    // included); the others wait, then find it current.
    QLockFile upgradeLock(filePath + QLatin1String(".upgrade.lock"));
    if (version < latest) {
        if (!upgradeLock.tryLock(30000))
            return fail(StoreError::Kind::Migration,
                        QStringLiteral("Another Intrvio process has been upgrading %1 for 30 s (lock file %2). "
                                       "Wait for it to finish, or remove the lock file if no Intrvio is running.")
                            .arg(shown, QDir::toNativeSeparators(upgradeLock.fileName())));
        version = store->schemaVersion();
    }
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next()
        || q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        return fail(StoreError::Kind::Wal,
                    QStringLiteral("Cannot enable WAL journaling on %1 (%2). The data directory must be on a "
                                   "local file system that supports shared memory.")
                        .arg(shown, q.lastError().text()));
    }
    // FULL: a commit is on disk before we acknowledge anything that depends on it.
    q.exec(QStringLiteral("PRAGMA synchronous=FULL"));
    q.exec(QStringLiteral("PRAGMA foreign_keys=ON"));

    if (version > 0 && version < latest) {
        // Upgrading a store that holds data: keep a copy of it as it was.
        const QString backup = QStringLiteral("%1.pre-migration-v%2.bak").arg(filePath).arg(version);
        QFile::remove(backup);
        QString why;
        if (!store->backupTo(backup, &why))
            return fail(StoreError::Kind::Migration,
                        QStringLiteral("Cannot back up %1 before upgrading it: %2. Nothing was changed.").arg(shown, why));
        qCInfo(lcStore).noquote() << "backed up schema version" << version << "to" << backup;
    }
    for (const Migration &m : migrations()) {
        if (m.version <= version)
            continue;
        if (!db.transaction())
            return fail(StoreError::Kind::Migration,
                        QStringLiteral("Cannot start migration %1: %2").arg(m.version).arg(db.lastError().text()));
        QSqlQuery mq(db);
        for (const char *sql : m.statements) {
            if (!mq.exec(QString::fromUtf8(sql))) {
                const QString why = mq.lastError().text();
                db.rollback();
                return fail(StoreError::Kind::Migration,
                            QStringLiteral("Migration %1 (%2) failed and was rolled back: %3. %4 is unchanged "
                                           "at schema version %5.")
                                .arg(m.version)
                                .arg(QString::fromUtf8(m.name), why, shown)
                                .arg(store->schemaVersion()));
            }
        }
        if (!mq.exec(QStringLiteral("PRAGMA user_version=%1").arg(m.version)) || !db.commit()) {
            const QString why = db.lastError().text();
            db.rollback();
            return fail(StoreError::Kind::Migration,
                        QStringLiteral("Migration %1 could not be committed: %2").arg(m.version).arg(why));
        }
        qCInfo(lcStore) << "applied migration" << m.version << m.name;
    }
    return store;
}

bool Store::backupTo(const QString &targetPath, QString *error) const
{
    if (QFileInfo::exists(targetPath)) {
        *error = QStringLiteral("%1 already exists; choose a new file name.").arg(QDir::toNativeSeparators(targetPath));
        return false;
    }
    QSqlQuery q(database());
    q.prepare(QStringLiteral("VACUUM INTO ?"));
    q.addBindValue(QFileInfo(targetPath).absoluteFilePath());
    if (!q.exec()) {
        *error = q.lastError().text();
        QFile::remove(targetPath);
        return false;
    }
    return true;
}

bool Store::restore(const QString &backupPath, const QString &dataDir, QString *error)
{
    const QString shown = QDir::toNativeSeparators(backupPath);
    qint64 size = 0;
    if (!QFileInfo(backupPath).isFile() || !looksLikeSqlite(backupPath, &size) || size == 0) {
        *error = QStringLiteral("%1 is not an Intrvio backup (not an SQLite database).").arg(shown);
        return false;
    }
    const QString check = nextConnectionName();
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), check);
        db.setDatabaseName(backupPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open()) {
            *error = QStringLiteral("Cannot open %1: %2").arg(shown, db.lastError().text());
        } else {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("PRAGMA integrity_check")) || !q.next()
                || q.value(0).toString() != QLatin1String("ok")) {
                *error = QStringLiteral("%1 is damaged (integrity check: %2).")
                             .arg(shown, q.lastError().isValid() ? q.lastError().text() : q.value(0).toString());
            } else if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
                *error = QStringLiteral("Cannot read the schema version of %1.").arg(shown);
            } else if (q.value(0).toInt() > latestSchemaVersion()) {
                *error = QStringLiteral("%1 has schema version %2, newer than this Intrvio understands (%3); restore "
                                        "it with the newer Intrvio that wrote it.")
                             .arg(shown)
                             .arg(q.value(0).toInt())
                             .arg(latestSchemaVersion());
            } else if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'settings'")) || !q.next()
                       || q.value(0).toInt() != 1) {
                *error = QStringLiteral("%1 is an SQLite database but not an Intrvio store.").arg(shown);
            } else {
                ok = true;
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(check);
    if (!ok)
        return false;

    if (!QDir().mkpath(dataDir)) {
        *error = QStringLiteral("Cannot create %1.").arg(QDir::toNativeSeparators(dataDir));
        return false;
    }
    const QString target = QDir(dataDir).absoluteFilePath(QString::fromLatin1(FileName));
    const QString staging = target + QLatin1String(".restoring");
    QFile::remove(staging);
    if (!QFile::copy(backupPath, staging)) {
        *error = QStringLiteral("Cannot copy %1 into %2.").arg(shown, QDir::toNativeSeparators(dataDir));
        return false;
    }
    const QString previous = target + QLatin1String(".before-restore");
    if (QFileInfo::exists(target)) {
        QFile::remove(previous);
        if (!QFile::rename(target, previous)) {
            QFile::remove(staging);
            *error = QStringLiteral("Cannot move the current store aside; nothing was changed.");
            return false;
        }
    }
    // The old WAL (which may hold committed pages) travels with the replaced database.
    QFile::remove(previous + QLatin1String("-wal"));
    QFile::rename(target + QLatin1String("-wal"), previous + QLatin1String("-wal"));
    QFile::remove(target + QLatin1String("-shm"));
    if (!QFile::rename(staging, target)) {
        QFile::rename(previous, target);
        *error = QStringLiteral("Cannot put the restored store in place; the previous one was kept.");
        return false;
    }
    return true;
}

std::optional<QString> Store::setting(const QString &key) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"));
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return std::nullopt;
}

bool Store::setSetting(const QString &key, const QString &value)
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("INSERT INTO settings(key, value) VALUES(?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    q.addBindValue(key);
    q.addBindValue(value);
    return q.exec();
}

} // namespace intrvio

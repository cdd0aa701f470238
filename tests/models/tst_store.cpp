#include "models/DataDirLock.h"
#include "models/Migrations.h"
#include "models/Store.h"

#include <QFile>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <QtTest>

#include <unistd.h>

using namespace intrvio;

class tst_Store : public QObject
{
    Q_OBJECT

private:
    static QStringList tables(const Store &store)
    {
        QStringList names;
        QSqlQuery q(store.database());
        q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        while (q.next())
            names << q.value(0).toString();
        return names;
    }

    static int versionOf(const QString &path)
    {
        int version = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("version"));
            db.setDatabaseName(path);
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("PRAGMA user_version")) && q.next())
                    version = q.value(0).toInt();
                db.close();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("version"));
        return version;
    }

    // Writes an SQLite file with a raw connection: the given user_version and statements.
    static void writeRawDatabase(const QString &path, int userVersion, const QStringList &statements)
    {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            for (const QString &s : statements)
                QVERIFY2(q.exec(s), qPrintable(s));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=%1").arg(userVersion)));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    }

private Q_SLOTS:
    void freshDatabaseHasLatestSchemaAndWal()
    {
        QTemporaryDir dir;
        StoreError error;
        auto store = Store::openInDataDir(dir.filePath(QStringLiteral("data")), &error);
        QVERIFY2(store, qPrintable(error.message));
        QCOMPARE(store->schemaVersion(), Store::latestSchemaVersion());
        QSqlQuery q(store->database());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        const QStringList t = tables(*store);
        for (const char *expected : {"settings", "jobs", "stages", "candidates", "applications", "templates",
                                     "mappings", "interviews", "inbox", "outbox", "audit_log"})
            QVERIFY2(t.contains(QString::fromLatin1(expected)), expected);
        QVERIFY(QFile::permissions(dir.filePath(QStringLiteral("data"))) & QFileDevice::ReadOwner);
        QVERIFY(!(QFile::permissions(dir.filePath(QStringLiteral("data"))) & QFileDevice::ReadOther));
    }

    void migrationVersionsAreConsecutive()
    {
        int expected = 1;
        for (const Migration &m : migrations())
            QCOMPARE(m.version, expected++);
    }

    void reopenKeepsData()
    {
        QTemporaryDir dir;
        StoreError error;
        {
            auto store = Store::openInDataDir(dir.path(), &error);
            QVERIFY(store);
            QVERIFY(store->setSetting(QStringLiteral("region"), QStringLiteral("na")));
            QVERIFY(store->setSetting(QStringLiteral("region"), QStringLiteral("au")));
        }
        auto store = Store::openInDataDir(dir.path(), &error);
        QVERIFY(store);
        QCOMPARE(store->setting(QStringLiteral("region")).value_or(QString()), QStringLiteral("au"));
        QVERIFY(!store->setting(QStringLiteral("missing")).has_value());
    }

    void upgradeFromVersionOneKeepsRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QString::fromLatin1(Store::FileName));
        writeRawDatabase(path, 1,
                         {QString::fromUtf8(migrations().at(0).statements.at(0)),
                          QStringLiteral("INSERT INTO settings VALUES('public-url', 'https://x.example')")});
        StoreError error;
        auto store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error.message));
        QCOMPARE(store->schemaVersion(), Store::latestSchemaVersion());
        QCOMPARE(store->setting(QStringLiteral("public-url")).value_or(QString()), QStringLiteral("https://x.example"));
        QVERIFY(tables(*store).contains(QStringLiteral("interviews")));
        // The store as it was before the upgrade is kept.
        const QString backup = path + QLatin1String(".pre-migration-v1.bak");
        QVERIFY(QFile::exists(backup));
        QCOMPARE(versionOf(backup), 1);
    }

    void concurrentOpensUpgradeOnce()
    {
        // Several processes (here threads, each with its own connection) opening an old store at the
        // same moment: exactly one applies the migrations, the others find the store current.
        for (int round = 0; round < 5; ++round) {
            QTemporaryDir dir;
            const QString path = dir.filePath(QString::fromLatin1(Store::FileName));
            writeRawDatabase(path, 1,
                             {QString::fromUtf8(migrations().at(0).statements.at(0)),
                              QStringLiteral("INSERT INTO settings VALUES('region', 'eu')")});
            std::atomic<int> opened{0};
            QStringList errors;
            QMutex errorsMutex;
            QList<QThread *> threads;
            for (int i = 0; i < 4; ++i) {
                threads << QThread::create([&] {
                    StoreError e;
                    auto s = Store::open(path, &e);
                    if (s && s->schemaVersion() == Store::latestSchemaVersion()) {
                        ++opened;
                    } else {
                        QMutexLocker locker(&errorsMutex);
                        errors << (s ? QStringLiteral("version %1").arg(s->schemaVersion()) : e.message);
                    }
                });
            }
            for (QThread *t : threads)
                t->start();
            for (QThread *t : threads) {
                t->wait();
                delete t;
            }
            QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1String("; "))));
            QCOMPARE(opened.load(), 4);
            QCOMPARE(versionOf(path + QLatin1String(".pre-migration-v1.bak")), 1);
            QVERIFY(!QFile::exists(path + QLatin1String(".upgrade.lock")));
        }
    }

    void backupWhileAnotherConnectionWrites()
    {
        QTemporaryDir dir;
        StoreError error;
        auto store = Store::openInDataDir(dir.path(), &error);
        QVERIFY(store);
        std::atomic<bool> stop{false};
        std::atomic<int> committed{0};
        // A second connection in another thread commits one audit row per transaction.
        QThread *writer = QThread::create([&] {
            StoreError e;
            auto w = Store::openInDataDir(dir.path(), &e);
            if (!w)
                return;
            QSqlQuery q(w->database());
            while (!stop && committed < 5000) {
                q.prepare(QStringLiteral("INSERT INTO audit_log(at, actor, action) VALUES('t', 'test', ?)"));
                q.addBindValue(committed.load());
                if (q.exec())
                    ++committed;
            }
        });
        writer->start();
        const auto stopWriter = qScopeGuard([&] {
            stop = true;
            writer->wait();
            delete writer;
        });
        QTRY_VERIFY(committed > 10);
        int previous = -1;
        for (int i = 0; i < 5; ++i) {
            const QString target = dir.filePath(QStringLiteral("backup-%1.sqlite").arg(i));
            QString why;
            QVERIFY2(store->backupTo(target, &why), qPrintable(why));
            QString backupDir = dir.filePath(QStringLiteral("restored-%1").arg(i));
            QVERIFY2(Store::restore(target, backupDir, &why), qPrintable(why));
            auto restored = Store::openInDataDir(backupDir, &error);
            QVERIFY(restored);
            QSqlQuery q(restored->database());
            QVERIFY(q.exec(QStringLiteral("SELECT count(*), coalesce(max(CAST(action AS INTEGER)), -1) FROM audit_log")) && q.next());
            const int rows = q.value(0).toInt();
            // A consistent snapshot: rows 0..n-1 with no gap, never fewer than an earlier snapshot.
            QCOMPARE(q.value(1).toInt(), rows - 1);
            QVERIFY(rows >= previous);
            QVERIFY(rows <= committed.load() + 1);
            previous = rows;
        }
        QVERIFY(previous > 0);
    }

    void backupRefusesToOverwrite()
    {
        QTemporaryDir dir;
        StoreError error;
        auto store = Store::openInDataDir(dir.path(), &error);
        QVERIFY(store);
        QFile existing(dir.filePath(QStringLiteral("exists")));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("keep me");
        existing.close();
        QString why;
        QVERIFY(!store->backupTo(existing.fileName(), &why));
        QVERIFY(why.contains(QLatin1String("already exists")));
        QVERIFY(existing.open(QIODevice::ReadOnly));
        QCOMPARE(existing.readAll(), QByteArray("keep me"));
    }

    void restoreRefusesBadBackups_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("newer schema") << "newer" << "newer than this Intrvio";
        QTest::newRow("not sqlite") << "text" << "not an Intrvio backup";
        QTest::newRow("foreign sqlite") << "foreign" << "not an Intrvio store";
        QTest::newRow("missing") << "missing" << "not an Intrvio backup";
    }

    void restoreRefusesBadBackups()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        StoreError error;
        {
            auto store = Store::openInDataDir(dataDir, &error);
            QVERIFY(store);
            QVERIFY(store->setSetting(QStringLiteral("marker"), QStringLiteral("original")));
        }
        const QString bad = dir.filePath(QStringLiteral("bad.sqlite"));
        if (kind == QLatin1String("newer")) {
            writeRawDatabase(bad, Store::latestSchemaVersion() + 1,
                             {QString::fromUtf8(migrations().at(0).statements.at(0))});
        } else if (kind == QLatin1String("text")) {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("hello");
        } else if (kind == QLatin1String("foreign")) {
            writeRawDatabase(bad, 0, {QStringLiteral("CREATE TABLE other (x)")});
        }
        QString why;
        QVERIFY(!Store::restore(bad, dataDir, &why));
        QVERIFY2(why.contains(message), qPrintable(why));
        auto store = Store::openInDataDir(dataDir, &error);
        QVERIFY(store);
        QCOMPARE(store->setting(QStringLiteral("marker")).value_or(QString()), QStringLiteral("original"));
    }

    void dataDirLockIsExclusive()
    {
        QTemporaryDir dir;
        DataDirLock first(dir.path());
        QString why;
        QVERIFY(first.tryLock(&why));
        DataDirLock second(dir.path());
        QVERIFY(!second.tryLock(&why));
        QVERIFY2(why.contains(QLatin1String("Another Intrvio")), qPrintable(why));
    }

    void failedMigrationRollsBackWholeStep()
    {
        // Version 1 but a table that migration 2 wants to create already exists: migration 2 fails
        // and must leave the file at version 1 with no half-created tables.
        QTemporaryDir dir;
        const QString path = dir.filePath(QString::fromLatin1(Store::FileName));
        writeRawDatabase(path, 1,
                         {QString::fromUtf8(migrations().at(0).statements.at(0)),
                          QStringLiteral("CREATE TABLE sync_state (x INTEGER)")});
        StoreError error;
        auto store = Store::open(path, &error);
        QVERIFY(!store);
        QCOMPARE(error.kind, StoreError::Kind::Migration);
        QVERIFY2(error.message.contains(QLatin1String("rolled back")), qPrintable(error.message));
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        {
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'jobs'")) && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
            db.close();
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

    void newerSchemaIsRefusedAndUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QString::fromLatin1(Store::FileName));
        writeRawDatabase(path, Store::latestSchemaVersion() + 5, {QStringLiteral("CREATE TABLE future (x)")});
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();

        StoreError error;
        auto store = Store::open(path, &error);
        QVERIFY(!store);
        QCOMPARE(error.kind, StoreError::Kind::NewerSchema);
        QVERIFY2(error.message.contains(QLatin1String("newer")), qPrintable(error.message));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        QVERIFY(!QFile::exists(path + QLatin1String("-wal")));
    }

    void corruptFileIsRefusedAndUntouched_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("text") << QByteArray("this is not a database\n");
        QTest::newRow("binary") << QByteArray(4096, '\x7f');
        QByteArray truncated("SQLite format 3\0", 16);
        truncated += QByteArray(200, '\x01');
        QTest::newRow("damaged header") << truncated;
    }

    void corruptFileIsRefusedAndUntouched()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        const QString path = dir.filePath(QString::fromLatin1(Store::FileName));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();

        StoreError error;
        auto store = Store::open(path, &error);
        QVERIFY(!store);
        QCOMPARE(error.kind, StoreError::Kind::Corrupt);
        QVERIFY2(error.message.contains(QLatin1String("untouched")), qPrintable(error.message));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);
    }

    void unwritableDirectoryGivesIoError()
    {
        if (::geteuid() == 0) {
            // root ignores permissions; use a path below a regular file instead.
            QTemporaryDir dir;
            QFile blocker(dir.filePath(QStringLiteral("file")));
            QVERIFY(blocker.open(QIODevice::WriteOnly));
            blocker.close();
            StoreError error;
            QVERIFY(!Store::openInDataDir(dir.filePath(QStringLiteral("file/sub")), &error));
            QCOMPARE(error.kind, StoreError::Kind::Io);
            QVERIFY(error.message.contains(QLatin1String("--data-dir")));
            return;
        }
        QTemporaryDir dir;
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        StoreError error;
        QVERIFY(!Store::openInDataDir(dir.filePath(QStringLiteral("sub")), &error));
        QCOMPARE(error.kind, StoreError::Kind::Io);
    }
};

QTEST_GUILESS_MAIN(tst_Store)
#include "tst_store.moc"

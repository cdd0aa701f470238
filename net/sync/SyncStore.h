#pragma once

#include "models/Teamtailor.h"

#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <array>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace intrvio {

// Writes synced Teamtailor data into the store's mirror tables (migration 2). Every write* call
// is one transaction: a page lands completely or not at all. The page writes go straight to the
// SQLite connection under the store's QSqlDatabase, with statements prepared once per SyncStore
// and text bound as UTF-8 (QtSql's per-value binding cost more than SQLite's own work). Not
// thread-safe; use it on the store connection's thread, and destroy it before the connection
// is closed.
class SyncStore
{
public:
    explicit SyncStore(QSqlDatabase db);
    ~SyncStore();
    SyncStore(const SyncStore &) = delete;
    SyncStore &operator=(const SyncStore &) = delete;

    bool writeJobs(const QList<tt::Job> &jobs, QString *error);
    bool writeStages(const QList<tt::Stage> &stages, QString *error);
    // Candidates and the applications included with them, in one transaction.
    bool writeCandidates(const QList<tt::Candidate> &candidates,
        const QList<tt::JobApplication> &applications, QString *error);
    bool writeApplications(const QList<tt::JobApplication> &applications, QString *error);
    bool writePartnerResults(const QList<tt::PartnerResult> &results, QString *error);

    // After a complete full sync of a table: deletes the rows whose ids were not seen.
    // table is one of jobs, stages, candidates, applications, partner_results.
    bool prune(const QString &table, const QSet<QString> &seenIds, int *deleted, QString *error);

    // Incremental sync cursor: the largest updated-at seen for a resource (Teamtailor's clock,
    // so no skew between the two machines).
    std::optional<QString> highWater(const QString &resource) const;
    bool setHighWater(
        const QString &resource, const QString &updatedAt, const QString &syncedAt, QString *error);

    int count(const QString &table) const;

    // The later of two Teamtailor timestamps (ISO 8601 with offset); empty strings lose.
    static QString later(const QString &a, const QString &b);

    class Row;

private:
    enum Slot {
        Job,
        Stage,
        Candidate,
        AppFull,
        AppPartial,
        PartnerResult,
        Begin,
        Commit,
        Rollback,
        SyncNormal,
        SyncFull,
        SlotCount
    };

    sqlite3 *connection(QString *error);
    // The statement for slot, prepared on first use; nullptr (and *error) if that fails.
    sqlite3_stmt *statement(Slot slot, QString *error);
    // Runs a statement without results (BEGIN, COMMIT, PRAGMA, one row's upsert) and resets it.
    bool run(sqlite3_stmt *stmt, QString *error);
    bool runSlot(Slot slot, QString *error);
    bool begin(QString *error);
    bool commit(QString *error);
    // Rolls the open transaction back, restores synchronous=FULL and returns false.
    bool abort();
    template<class T, class Bind>
    bool writeRows(Slot slot, const QList<T> &rows, Bind bind, QString *error);

    QSqlDatabase m_db;
    sqlite3 *m_handle = nullptr;
    std::array<sqlite3_stmt *, SlotCount> m_statements {};
};

} // namespace intrvio

#pragma once

#include "models/Teamtailor.h"

#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace intrvio {

// Writes synced Teamtailor data into the store's mirror tables (migration 2) with reused
// prepared statements. Every write* call is one transaction: a page lands completely or not
// at all. Not thread-safe; use it on the store connection's thread.
class SyncStore
{
public:
    explicit SyncStore(QSqlDatabase db);
    ~SyncStore();

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

private:
    void relaxDurability(bool relaxed);
    bool begin(QString *error);
    bool commit(QString *error);
    bool fail(QSqlQuery &q, QString *error);
    // Multi-row upsert: "<head> VALUES <row>, <row>, ... <tail>", up to MaxRowsPerStatement rows
    // per statement (one exec per chunk instead of one per row). bind(q, row, firstIndex) binds
    // one row's values starting at firstIndex.
    bool upsert(int slot, const char *head, const char *row, int columns, const char *tail, qsizetype rows,
        const std::function<void(QSqlQuery &, qsizetype, int)> &bind, QString *error);

    QSqlDatabase m_db;
    std::map<std::pair<int, qsizetype>, std::unique_ptr<QSqlQuery>> m_multi;
};

} // namespace intrvio

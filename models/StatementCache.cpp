#include "StatementCache.h"

#include "Store.h"

#include <QMutex>
#include <QSqlError>

#include <map>
#include <memory>

namespace intrvio {

namespace {
using Statements = std::map<QString, std::unique_ptr<QSqlQuery>>;
QMutex g_mutex; // guards the map of connections; each connection's statements stay on its thread
std::map<QString, Statements> g_cache;
} // namespace

QSqlQuery &cachedQuery(const Store &store, const QString &sql)
{
    QMutexLocker lock(&g_mutex);
    std::unique_ptr<QSqlQuery> &q = g_cache[store.connectionName()][sql];
    lock.unlock();
    if (!q || q->lastError().isValid()) { // new, or its prepare or last run failed: prepare afresh
        q = std::make_unique<QSqlQuery>(store.database());
        q->prepare(sql);
    }
    return *q;
}

void dropCachedQueries(const QString &connectionName)
{
    Statements dropped;
    {
        QMutexLocker lock(&g_mutex);
        const auto it = g_cache.find(connectionName);
        if (it == g_cache.end())
            return;
        dropped.swap(it->second);
        g_cache.erase(it);
    }
} // the statements are finalized here, before the caller closes the connection

} // namespace intrvio

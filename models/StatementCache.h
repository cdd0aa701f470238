#pragma once

#include <QSqlQuery>
#include <QString>

namespace intrvio {

class Store;

// Statements prepared once per store connection and reused: SQLite spends more on parsing a small
// statement than on running it, which matters on per-event paths (the inbox processing one row per
// delivery). Use only on the store's thread; bind with bindValue(index, ...) so every parameter is
// set again; finish() a SELECT once read; never use one SQL text twice at the same time.
QSqlQuery &cachedQuery(const Store &store, const QString &sql);

// Drops the statements of a connection; Store's destructor calls it before closing the connection.
void dropCachedQueries(const QString &connectionName);

} // namespace intrvio

#pragma once

#include <QList>
#include <QString>

namespace intrvio {

struct Migration
{
    int version;
    const char *name;
    QList<const char *> statements;
};

// Ordered; version N is applied to a database at version N-1, in one transaction.
// Never edit a migration that has shipped: add a new one.
const QList<Migration> &migrations();

} // namespace intrvio

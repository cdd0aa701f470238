#pragma once

#include <QLockFile>
#include <QString>

#include <memory>

namespace intrvio {

// One running Intrvio (GUI or service) per data directory: two would process the same webhook
// inbox and outbox twice. Held for the life of the app; `intrvio restore` needs it free.
class DataDirLock
{
public:
    explicit DataDirLock(const QString &dataDir);
    // False with a message naming the process that holds it.
    bool tryLock(QString *error);
    bool isLocked() const { return m_lock.isLocked(); }

private:
    QString m_dataDir;
    QLockFile m_lock;
};

} // namespace intrvio

#include "DataDirLock.h"

#include <QDir>

namespace intrvio {

DataDirLock::DataDirLock(const QString &dataDir)
    : m_dataDir(dataDir)
    , m_lock(QDir(dataDir).absoluteFilePath(QStringLiteral("intrvio.lock")))
{
    m_lock.setStaleLockTime(0); // a lock whose process is gone is stale; age alone never is
}

bool DataDirLock::tryLock(QString *error)
{
    QDir().mkpath(m_dataDir);
    if (m_lock.tryLock(0))
        return true;
    qint64 pid = 0;
    QString host;
    QString app;
    m_lock.getLockInfo(&pid, &host, &app);
    if (m_lock.error() == QLockFile::PermissionError) {
        *error = QStringLiteral("Cannot write a lock file in %1; check its permissions.")
                     .arg(QDir::toNativeSeparators(m_dataDir));
    } else {
        *error = QStringLiteral("Another Intrvio (pid %1 on %2) is using the data directory %3. Stop it first, or "
                                "use another --data-dir.")
                     .arg(pid)
                     .arg(host, QDir::toNativeSeparators(m_dataDir));
    }
    return false;
}

} // namespace intrvio

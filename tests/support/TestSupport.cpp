#include "TestSupport.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>

namespace intrvio::test {

QString dataPath(const QString &relative)
{
    return qEnvironmentVariable("INTRVIO_TEST_DATA") + QLatin1Char('/') + relative;
}

QString binaryPath(const QString &name)
{
    const QString dir = qEnvironmentVariable("INTRVIO_BINARY_DIR");
    const QStringList candidates{dir + QLatin1String("/app/") + name, dir + QLatin1Char('/') + name,
                                 dir + QLatin1String("/net/sandbox/") + name,
                                 dir + QLatin1String("/sandbox/") + name};
    for (const QString &candidate : candidates) {
        if (QFile::exists(candidate))
            return candidate;
    }
    return dir + QLatin1String("/app/") + name;
}

ProcessResult runProcess(const QString &program, const QStringList &args, const QByteArray &input,
                         const QProcessEnvironment &env, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(timeoutMs))
        return r;
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.crashed = true;
    }
    r.crashed = r.crashed || p.exitStatus() != QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QProcessEnvironment environmentWithoutSessionBus()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"})
        env.remove(QString::fromLatin1(name));
    return env;
}

bool directoryContains(const QString &dir, const QByteArray &needle, QString *where)
{
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle)) {
            if (where)
                *where = path;
            return true;
        }
    }
    return false;
}

} // namespace intrvio::test

#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace intrvio::test {

// Path of a file under tests/data.
QString dataPath(const QString &relative);
// Path of a built executable (intrvio, teamtailor-sandbox).
QString binaryPath(const QString &name);

struct ProcessResult
{
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;
};

// Runs a program to completion with the given stdin and environment (default: ours).
ProcessResult runProcess(const QString &program, const QStringList &args, const QByteArray &input = {},
                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                         int timeoutMs = 30000);

// Our environment without any way to reach a D-Bus session or a display.
QProcessEnvironment environmentWithoutSessionBus();

// True when a file below dir (recursively) contains needle. Used to prove secrets never hit disk.
bool directoryContains(const QString &dir, const QByteArray &needle, QString *where = nullptr);

} // namespace intrvio::test

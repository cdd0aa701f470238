#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class QTextStream;

namespace intrvio {

struct Options;

struct CliIo
{
    QTextStream &out;
    QTextStream &err;
};

// One subcommand of `intrvio`. run() returns an ExitCode.
struct CliCommand
{
    QString name;
    QString synopsis;
    QString summary;
    int (*run)(const Options &options, const QStringList &args, CliIo &io);
};

const QList<CliCommand> &cliCommands();
const CliCommand *findCliCommand(const QString &name);

} // namespace intrvio

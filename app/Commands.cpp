#include "Commands.h"

#include "CommandLine.h"
#include "models/DataDirLock.h"
#include "models/Store.h"
#include "MappingCommand.h"
#include "OutboxCommand.h"
#include "SecretAudit.h"
#include "SyncCommand.h"
#include "net/secrets/SecretStore.h"

#include <QFile>
#include <QTextStream>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace intrvio {

namespace {

int usage(CliIo &io, const QString &message, const QString &synopsis)
{
    io.err << "intrvio: " << message << "\nUsage: intrvio [global options] " << synopsis << Qt::endl;
    return ExitUsage;
}

// Reads a secret from stdin without echoing it. A terminal gets a prompt and one line;
// a pipe is read to its end. One trailing newline is dropped.
QString readSecretFromStdin(const QString &name, CliIo &io)
{
    QByteArray data;
    const bool tty = isatty(STDIN_FILENO);
    if (tty) {
        io.err << "Value for " << name << " (input hidden): " << Qt::flush;
        termios old{};
        tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly))
            data = in.readLine();
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        io.err << Qt::endl;
    } else {
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly))
            data = in.readAll();
    }
    if (data.endsWith('\n'))
        data.chop(1);
    if (data.endsWith('\r'))
        data.chop(1);
    QString value = QString::fromUtf8(data);
    data.fill('\0');
    return value;
}

int secretExitCode(const SecretResult &r)
{
    switch (r.status) {
    case SecretResult::Status::Ok:
        return ExitOk;
    case SecretResult::Status::NotFound:
    case SecretResult::Status::Unavailable:
    case SecretResult::Status::AccessDenied:
        return ExitConfig;
    case SecretResult::Status::Error:
        break;
    }
    return ExitFailure;
}

int runSecret(const Options &options, const QStringList &args, CliIo &io)
{
    const QString synopsis = QStringLiteral("secret set|clear|status [NAME]");
    if (args.isEmpty())
        return usage(io, QStringLiteral("secret needs an action: set, clear or status."), synopsis);
    const QString action = args.first();
    const bool statusAll = action == QLatin1String("status") && args.size() == 1;
    if (action != QLatin1String("set") && action != QLatin1String("clear") && action != QLatin1String("status"))
        return usage(io, QStringLiteral("unknown secret action '%1'; use set, clear or status.").arg(action), synopsis);
    if (!statusAll && args.size() != 2)
        return usage(io, QStringLiteral("secret %1 takes exactly one NAME.").arg(action), synopsis);
    const QString name = statusAll ? QString() : args.at(1);
    if (!statusAll && !SecretStore::isKnownName(name)) {
        return usage(io,
                     QStringLiteral("unknown secret name '%1'; known names: %2.")
                         .arg(name, SecretStore::knownNames().join(QLatin1String(", "))),
                     synopsis);
    }

    SecretStore store(options.dataDir);
    auditSecretChangesInDataDir(store, options.dataDir, QStringLiteral("cli"));
    if (action == QLatin1String("set")) {
        const QString value = readSecretFromStdin(name, io);
        if (value.isEmpty())
            return usage(io, QStringLiteral("empty value for %1 (pipe it on stdin: `printf %s \"$VALUE\" | intrvio "
                                            "secret set %1`); to remove a secret use `secret clear`.")
                                 .arg(name),
                         synopsis);
        const SecretResult r = store.writeSync(name, value);
        if (!r.ok()) {
            io.err << "intrvio: cannot store " << name << ": " << r.message << Qt::endl;
            return secretExitCode(r);
        }
        io.out << name << ": stored in the keychain" << Qt::endl;
        return ExitOk;
    }
    if (action == QLatin1String("clear")) {
        const SecretResult r = store.removeSync(name);
        if (!r.ok()) {
            io.err << "intrvio: cannot clear " << name << ": " << r.message << Qt::endl;
            return secretExitCode(r);
        }
        io.out << name << ": cleared" << Qt::endl;
        return ExitOk;
    }
    // status
    const QStringList names = statusAll ? SecretStore::knownNames() : QStringList{name};
    int exit = ExitOk;
    for (const QString &n : names) {
        const SecretResult r = store.readSync(n);
        if (r.ok()) {
            io.out << n << ": set" << Qt::endl;
        } else if (r.status == SecretResult::Status::NotFound) {
            io.out << n << ": not set (store it with `intrvio secret set " << n << "`)" << Qt::endl;
            if (!statusAll)
                exit = ExitConfig;
        } else {
            io.err << "intrvio: cannot read " << n << ": " << r.message << Qt::endl;
            return secretExitCode(r);
        }
    }
    return exit;
}

int runBackup(const Options &options, const QStringList &args, CliIo &io)
{
    const QString synopsis = QStringLiteral("backup FILE");
    if (args.size() != 1)
        return usage(io, QStringLiteral("backup takes exactly one FILE."), synopsis);
    StoreError storeError;
    auto store = Store::openInDataDir(options.dataDir, &storeError);
    if (!store) {
        io.err << "intrvio: " << storeError.message << Qt::endl;
        return ExitConfig;
    }
    QString error;
    if (!store->backupTo(args.first(), &error)) {
        io.err << "intrvio: backup failed: " << error << Qt::endl;
        return ExitFailure;
    }
    io.out << "backed up " << store->filePath() << " to " << args.first() << Qt::endl;
    return ExitOk;
}

int runRestore(const Options &options, const QStringList &args, CliIo &io)
{
    const QString synopsis = QStringLiteral("restore FILE");
    if (args.size() != 1)
        return usage(io, QStringLiteral("restore takes exactly one FILE."), synopsis);
    DataDirLock lock(options.dataDir);
    QString error;
    if (!lock.tryLock(&error)) {
        io.err << "intrvio: cannot restore: " << error << Qt::endl;
        return ExitConfig;
    }
    if (!Store::restore(args.first(), options.dataDir, &error)) {
        io.err << "intrvio: restore refused: " << error << " Nothing was changed." << Qt::endl;
        return ExitFailure;
    }
    // Opening migrates a restored older store to the current schema (after backing it up).
    StoreError storeError;
    auto store = Store::openInDataDir(options.dataDir, &storeError);
    if (!store) {
        io.err << "intrvio: restored, but the store does not open: " << storeError.message << Qt::endl;
        return ExitFailure;
    }
    io.out << "restored " << args.first() << " into " << store->filePath() << " (previous store kept as "
           << Store::FileName << ".before-restore)" << Qt::endl;
    return ExitOk;
}

} // namespace

const QList<CliCommand> &cliCommands()
{
    static const QList<CliCommand> commands = {
        {QStringLiteral("secret"), QStringLiteral("secret set|clear|status [NAME]"),
         QStringLiteral("Manage secrets in the OS keychain. `set` reads the value from stdin and never echoes it; "
                        "`status NAME` exits 0 when set, 3 when not set; `status` alone lists all. Names: ")
             + SecretStore::knownNames().join(QLatin1String(", ")) + QLatin1Char('.'),
         &runSecret},
        {QStringLiteral("backup"), QStringLiteral("backup FILE"),
         QStringLiteral("Write a consistent copy of the store to FILE (safe while the service runs)."), &runBackup},
        {QStringLiteral("restore"), QStringLiteral("restore FILE"),
         QStringLiteral("Replace the store with a backup after checking it (refuses damaged or newer-schema "
                        "files; Intrvio must not be running on this data directory)."),
         &runRestore},
        // Interview templates and stage mappings (app/MappingCommand.cpp).
        {QStringLiteral("mapping"), QString::fromLatin1(MappingCommandSynopsis),
         QString::fromLatin1(MappingCommandSummary), &runMappingCommand},
        {QStringLiteral("sync"), QStringLiteral("sync [--full] [--api-version YYYYMMDD]"),
         QStringLiteral("Mirror Teamtailor jobs, stages, candidates, job applications and partner results into the "
                        "store (incremental unless --full). Reads company-api-token (and partner-api-key) from the "
                        "keychain; progress on stderr; exits 0 on success, 3 when a secret or the keychain is "
                        "missing, 1 on a Teamtailor error."),
         &runSyncCommand},
        // Interview pipeline: the durable outbox (app/OutboxCommand.cpp).
        {QStringLiteral("outbox"), QString::fromLatin1(OutboxCommandSynopsis),
         QString::fromLatin1(OutboxCommandSummary), &runOutboxCommand},
    };
    return commands;
}

const CliCommand *findCliCommand(const QString &name)
{
    for (const CliCommand &c : cliCommands()) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

} // namespace intrvio

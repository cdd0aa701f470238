#include "OutboxCommand.h"

#include "CommandLine.h"
#include "Commands.h"
#include "models/Clock.h"
#include "models/Store.h"
#include "models/interview/AuditLog.h"
#include "net/outbox/Outbox.h"

#include <QTextStream>

namespace intrvio {

const char *const OutboxCommandSynopsis = "outbox list [--state pending|sent|dead] | outbox retry ID|--all-dead";
const char *const OutboxCommandSummary
    = "Show the durable queue of changes for Teamtailor (notes, partner results, stage moves) with attempts and "
      "last errors, or put dead-lettered rows (or one row) back in the queue. A retried note is never posted twice.";

namespace {

int usage(CliIo &io, const QString &message)
{
    io.err << "intrvio: " << message << "\nusage: intrvio " << OutboxCommandSynopsis << Qt::endl;
    return ExitUsage;
}

} // namespace

int runOutboxCommand(const Options &options, const QStringList &args, CliIo &io)
{
    if (args.isEmpty())
        return usage(io, QStringLiteral("outbox needs an action: list or retry."));
    const QString action = args.first();
    QString state;
    qint64 id = 0;
    bool allDead = false;
    if (action == QLatin1String("list")) {
        if (args.size() == 3 && args.at(1) == QLatin1String("--state")) {
            state = args.at(2);
            if (state != QLatin1String("pending") && state != QLatin1String("sent") && state != QLatin1String("dead"))
                return usage(io, QStringLiteral("unknown state '%1'; use pending, sent or dead.").arg(state));
        } else if (args.size() != 1) {
            return usage(io, QStringLiteral("outbox list takes only --state STATE."));
        }
    } else if (action == QLatin1String("retry")) {
        if (args.size() != 2)
            return usage(io, QStringLiteral("outbox retry takes one row id or --all-dead."));
        if (args.at(1) == QLatin1String("--all-dead")) {
            allDead = true;
        } else {
            bool ok = false;
            id = args.at(1).toLongLong(&ok);
            if (!ok || id <= 0)
                return usage(io, QStringLiteral("'%1' is not an outbox row id (see `intrvio outbox list`).").arg(args.at(1)));
        }
    } else {
        return usage(io, QStringLiteral("unknown outbox action '%1'; use list or retry.").arg(action));
    }

    StoreError storeError;
    auto store = Store::openInDataDir(options.dataDir, &storeError);
    if (!store) {
        io.err << "intrvio: " << storeError.message << Qt::endl;
        return ExitConfig;
    }
    Outbox outbox(*store, Clock::system());
    if (action == QLatin1String("list")) {
        const auto rows = outbox.list(state);
        io.out << "ID\tSTATE\tKIND\tATTEMPTS\tNEXT ATTEMPT\tKEY\tLAST ERROR\n";
        for (const auto &r : rows)
            io.out << r.id << '\t' << r.state << '\t' << r.kind << '\t' << r.attempts << '\t'
                   << (r.state == QLatin1String("pending") ? Outbox::stamp(r.nextAttemptAt) : QStringLiteral("-")) << '\t'
                   << r.idempotencyKey << '\t' << (r.lastError.isEmpty() ? QStringLiteral("-") : r.lastError) << '\n';
        io.out << rows.size() << " row(s); pending " << outbox.count(QStringLiteral("pending")) << ", dead "
               << outbox.count(QStringLiteral("dead")) << Qt::endl;
        return ExitOk;
    }
    const int n = allDead ? outbox.retryAllDead() : outbox.retry(id);
    AuditLog(*store, Clock::system())
        .append(QStringLiteral("cli"), QStringLiteral("outbox.retry"),
            allDead ? QStringLiteral("outbox:dead") : QStringLiteral("outbox:%1").arg(id),
            QJsonObject { { QStringLiteral("rows"), n } });
    if (!allDead && n == 0) {
        io.err << "intrvio: outbox row " << id << " does not exist or was already sent (see `intrvio outbox list`)."
               << Qt::endl;
        return ExitFailure;
    }
    io.out << n << " row(s) queued again" << Qt::endl;
    return ExitOk;
}

} // namespace intrvio

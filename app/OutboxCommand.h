#pragma once

#include <QStringList>

namespace intrvio {

struct CliIo;
struct Options;

// `intrvio outbox list [--state pending|sent|dead]` and `intrvio outbox retry ID|--all-dead`.
// Exit codes: 0 ok; 1 nothing to retry (unknown id or already sent); 2 usage error; 3 the store
// cannot be opened. Safe while the service runs (SQLite WAL); the service's worker picks retried rows
// up on its next poll.
int runOutboxCommand(const Options &options, const QStringList &args, CliIo &io);

extern const char *const OutboxCommandSynopsis;
extern const char *const OutboxCommandSummary;

} // namespace intrvio

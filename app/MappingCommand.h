#pragma once

#include <QStringList>

namespace intrvio {

struct CliIo;
struct Options;

// `intrvio mapping export [FILE]` and `intrvio mapping import FILE` (ARCHITECTURE.md §4).
// Exit codes: 0 ok; 1 unreadable or invalid file (one line per problem, nothing changed);
// 2 usage error; 3 the store cannot be opened.
int runMappingCommand(const Options &options, const QStringList &args, CliIo &io);

extern const char *const MappingCommandSynopsis;
extern const char *const MappingCommandSummary;

} // namespace intrvio

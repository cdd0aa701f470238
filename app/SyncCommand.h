#pragma once

#include <QStringList>

namespace intrvio {

struct CliIo;
struct Options;

// `intrvio sync [--full] [--api-version YYYYMMDD]`: one sync pass with the keychain's
// company-api-token (and partner-api-key for partner results); progress on stderr.
int runSyncCommand(const Options &options, const QStringList &args, CliIo &io);

} // namespace intrvio

#include "MappingCommand.h"

#include "CommandLine.h"
#include "Commands.h"
#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/MappingFile.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"

#include <QFile>
#include <QSaveFile>
#include <QTextStream>

namespace intrvio {

const char *const MappingCommandSynopsis = "mapping export [FILE] | mapping import FILE";
const char *const MappingCommandSummary
    = "Export the interview templates and stage mappings as JSON (to stdout without FILE), or import such a "
      "file: everything is validated first and the file's mappings replace the current ones in one step. An "
      "invalid file changes nothing and exits 1 with one line per problem.";

namespace {

int usage(CliIo &io, const QString &message)
{
    io.err << "intrvio: " << message << "\nUsage: intrvio [global options] " << MappingCommandSynopsis
           << Qt::endl;
    return ExitUsage;
}

QString actor()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("cli") : QStringLiteral("cli:") + user;
}

void reportStale(const QList<StageMapping> &stale, CliIo &io)
{
    for (const StageMapping &m : stale) {
        io.err << "intrvio: warning: stale mapping "
               << (m.isDefault() ? QStringLiteral("(default)") : QStringLiteral("job ") + m.jobId)
               << " stage '" << m.stage << "': " << m.staleReason << Qt::endl;
    }
}

int runExport(const QStringList &args, TemplateRepository &templates, MappingRepository &mappings, CliIo &io)
{
    const QByteArray json = MappingFile::serialize(templates.list(), mappings.list());
    const QString file = args.value(1);
    if (file.isEmpty() || file == QLatin1String("-")) {
        io.out << QString::fromUtf8(json) << Qt::flush;
    } else {
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit()) {
            io.err << "intrvio: cannot write " << file << ": " << out.errorString() << Qt::endl;
            return ExitFailure;
        }
        io.out << "Exported " << templates.count() << " template(s) and " << mappings.list().size()
               << " mapping(s) to " << file << Qt::endl;
    }
    reportStale(mappings.refreshStale(actor()), io);
    return ExitOk;
}

int runImport(const QString &file, TemplateRepository &templates, MappingRepository &mappings, CliIo &io)
{
    QByteArray json;
    QFile in;
    const bool fromStdin = file == QLatin1String("-");
    const bool opened = fromStdin ? in.open(stdin, QIODevice::ReadOnly)
                                  : (in.setFileName(file), in.open(QIODevice::ReadOnly));
    if (!opened) {
        io.err << "intrvio: cannot read " << file << ": " << in.errorString() << "; nothing was changed."
               << Qt::endl;
        return ExitFailure;
    }
    json = in.read(MappingFile::MaxFileBytes + 1);
    const MappingFile::ParseResult parsed = MappingFile::parse(json, templates.ids());
    if (!parsed.ok()) {
        io.err << "intrvio: " << file << " is not a valid mapping file (" << parsed.problems.size()
               << " problem(s)); nothing was changed:" << Qt::endl;
        for (const ValidationProblem &p : parsed.problems)
            io.err << file << ": " << p.toString() << Qt::endl;
        return ExitFailure;
    }
    MappingRepository::ImportSummary summary;
    QString error;
    if (!mappings.importFile(parsed.contents, templates, actor(), &summary, &error)) {
        io.err << "intrvio: cannot import " << file << ": " << error << Qt::endl;
        return ExitFailure;
    }
    io.out << summary.toString() << Qt::endl;
    reportStale(summary.stale, io);
    return ExitOk;
}

} // namespace

int runMappingCommand(const Options &options, const QStringList &args, CliIo &io)
{
    if (args.isEmpty())
        return usage(io, QStringLiteral("mapping needs an action: export or import."));
    const QString action = args.first();
    if (action == QLatin1String("export")) {
        if (args.size() > 2)
            return usage(io, QStringLiteral("mapping export takes at most one FILE."));
    } else if (action == QLatin1String("import")) {
        if (args.size() != 2)
            return usage(io, QStringLiteral("mapping import takes exactly one FILE (\"-\" reads stdin)."));
    } else {
        return usage(io, QStringLiteral("unknown mapping action '%1'; use export or import.").arg(action));
    }

    StoreError storeError;
    auto store = Store::openInDataDir(options.dataDir, &storeError);
    if (!store) {
        io.err << "intrvio: " << storeError.message << Qt::endl;
        return ExitConfig;
    }
    AuditLog audit(*store, Clock::system());
    TemplateRepository templates(*store, Clock::system(), &audit);
    MappingRepository mappings(*store, Clock::system(), &audit);
    templates.seedDefaults();

    if (action == QLatin1String("export"))
        return runExport(args, templates, mappings, io);
    return runImport(args.at(1), templates, mappings, io);
}

} // namespace intrvio

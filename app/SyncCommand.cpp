#include "SyncCommand.h"

#include "CommandLine.h"
#include "Commands.h"
#include "models/Clock.h"
#include "models/Store.h"
#include "net/api/TeamtailorClient.h"
#include "net/secrets/SecretStore.h"
#include "net/sync/SyncService.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTextStream>

namespace intrvio {

namespace {

const QString Synopsis = QStringLiteral("sync [--full] [--api-version YYYYMMDD]");

int usageError(CliIo &io, const QString &message)
{
    io.err << "intrvio: " << message << "\nUsage: intrvio [global options] " << Synopsis << Qt::endl;
    return ExitUsage;
}

// Reads one secret; a missing entry is fine when optional. Returns an exit code or -1 on success.
int readSecret(SecretStore &secrets, const QString &name, bool required, QString *value, CliIo &io)
{
    const SecretResult r = secrets.readSync(name);
    if (r.ok()) {
        *value = r.value;
        return -1;
    }
    if (r.status == SecretResult::Status::NotFound) {
        if (!required)
            return -1;
        io.err << "intrvio: " << name << " is not set; store the company's Teamtailor API key with `intrvio "
               << "secret set " << name << "` (it needs Admin scope)." << Qt::endl;
        return ExitConfig;
    }
    io.err << "intrvio: cannot read " << name << ": " << r.message << Qt::endl;
    return r.status == SecretResult::Status::Error ? ExitFailure : ExitConfig;
}

} // namespace

int runSyncCommand(const Options &options, const QStringList &args, CliIo &io)
{
    bool full = false;
    QByteArray apiVersion = ApiEndpoints::DefaultPublicVersion;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--full")) {
            full = true;
        } else if (a == QLatin1String("--api-version")) {
            static const QRegularExpression date(QStringLiteral("^\\d{8}$"));
            if (i + 1 >= args.size() || !date.match(args.at(i + 1)).hasMatch())
                return usageError(io, QStringLiteral("--api-version needs a date like 20240904."));
            apiVersion = args.at(++i).toLatin1();
        } else {
            return usageError(io, QStringLiteral("unknown sync argument '%1'.").arg(a));
        }
    }

    SecretStore secrets(options.dataDir);
    ApiCredentials credentials;
    if (const int rc
        = readSecret(secrets, QStringLiteral("company-api-token"), true, &credentials.companyToken, io);
        rc >= 0)
        return rc;
    if (const int rc
        = readSecret(secrets, QStringLiteral("partner-api-key"), false, &credentials.partnerKey, io);
        rc >= 0)
        return rc;
    if (credentials.partnerKey.isEmpty())
        io.err << "intrvio: partner-api-key is not set; partner results are not synced." << Qt::endl;

    StoreError storeError;
    std::unique_ptr<Store> store = Store::openInDataDir(options.dataDir, &storeError);
    if (!store) {
        io.err << "intrvio: " << storeError.message << Qt::endl;
        return ExitConfig;
    }

    ApiEndpoints endpoints = ApiEndpoints::resolve(regionName(options.region), options.teamtailorUrl);
    endpoints.publicVersion = apiVersion;
    QNetworkAccessManager nam;
    TeamtailorClient client(&nam, RequestBuilder(endpoints, credentials), Clock::system(),
        QRandomGenerator::system()->generate());
    SyncService sync(&client, store.get(), Clock::system());
    QObject::connect(&sync, &SyncService::progress, &sync, [&io](int done, int total, const QString &phase) {
        io.err << "sync: " << done << "/" << total << " pages (" << phase << ")" << Qt::endl;
    });
    bool ok = false;
    QString message;
    QEventLoop loop;
    QObject::connect(&sync, &SyncService::finished, &loop, [&](bool success, const QString &text) {
        ok = success;
        message = text;
        loop.quit();
    });
    io.err << "intrvio: " << (full ? "full" : "incremental") << " sync with "
           << endpoints.publicBase.toString() << Qt::endl;
    sync.start(full ? SyncService::Mode::Full : SyncService::Mode::Incremental);
    if (sync.isRunning())
        loop.exec();
    if (!ok) {
        io.err << "intrvio: sync failed: " << message << Qt::endl;
        return ExitFailure;
    }
    io.out << message << Qt::endl;
    return ExitOk;
}

} // namespace intrvio

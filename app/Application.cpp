#include "Application.h"

#include "Commands.h"
#include "SecretAudit.h"
#include "SignalWatcher.h"
#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "models/interview/TemplateRepository.h"
#include "net/secrets/SecretStore.h"

#include <QCoreApplication>
#include <QTextStream>

#ifdef INTRVIO_WITH_UI
#include "ui/MainWindow.h"

#include <QApplication>
#include <QMessageBox>
#endif

#include <cstdio>

namespace intrvio {

AppServices::AppServices(const Options &options)
    : m_options(options)
{
}

AppServices::~AppServices() = default;

std::unique_ptr<AppServices> AppServices::create(const Options &options, QString *error, int *exitCode)
{
    auto services = std::unique_ptr<AppServices>(new AppServices(options));
    StoreError storeError;
    services->m_store = Store::openInDataDir(options.dataDir, &storeError);
    if (!services->m_store) {
        *error = storeError.message;
        *exitCode = ExitConfig;
        return nullptr;
    }
    services->m_secrets = std::make_unique<SecretStore>(options.dataDir);
    // Interview templates: the built-in ones on first run; secret changes go to the audit log (names only).
    TemplateRepository(*services->m_store, Clock::system()).seedDefaults();
    auditSecretChanges(*services->m_secrets, *services->m_store, QStringLiteral("admin"));
    return services;
}

int runHeadless(const Options &options)
{
    QTextStream err(stderr);
    // Watch for SIGTERM/SIGINT before any start-up work, so a signal during start-up still ends in a
    // clean exit once the event loop runs.
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, qApp, [](int sig) {
        qCInfo(lcApp) << "signal" << sig << "received, draining";
        QCoreApplication::exit(ExitOk);
    });
    QString error;
    int exitCode = ExitOk;
    auto services = AppServices::create(options, &error, &exitCode);
    if (!services) {
        err << "intrvio: " << error << Qt::endl;
        return exitCode;
    }
    services->secrets()->probe(qApp, [](const SecretResult &r) {
        if (!r.ok())
            qCWarning(lcApp).noquote() << "keychain unavailable:" << r.message;
    });
    err << "intrvio: running headless; data dir " << options.dataDir << ", listen "
        << options.listenUrl().toString() << Qt::endl;
    return QCoreApplication::exec();
}

#ifdef INTRVIO_WITH_UI
int runGui(const Options &options)
{
    QString error;
    int exitCode = ExitOk;
    auto services = AppServices::create(options, &error, &exitCode);
    if (!services) {
        QTextStream(stderr) << "intrvio: " << error << Qt::endl;
        QMessageBox::critical(nullptr, QObject::tr("Intrvio cannot start"), error);
        return exitCode;
    }
    MainWindow::Context context;
    context.dataDir = options.dataDir;
    context.listenUrl = options.listenUrl();
    context.demo = options.demo;
    context.store = services->store();
    context.secrets = services->secrets();
    MainWindow window(context);
    window.show();
    return QApplication::exec();
}
#endif

int runMain(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("intrvio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INTRVIO_VERSION));
    QCoreApplication::setOrganizationDomain(QStringLiteral("intrvio.com"));

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    CommandLine cli;
    const CommandLine::Outcome outcome = cli.parse(arguments);
    const Options &options = cli.options();
    QTextStream out(stdout);
    QTextStream err(stderr);

    switch (outcome) {
    case CommandLine::Outcome::Error:
        err << "intrvio: " << cli.errorText() << Qt::endl;
        return ExitUsage;
    case CommandLine::Outcome::Help: {
        QCoreApplication app(argc, argv);
        out << cli.helpText();
        return ExitOk;
    }
    case CommandLine::Outcome::Version:
        out << "intrvio " << INTRVIO_VERSION << Qt::endl;
        return ExitOk;
    case CommandLine::Outcome::Run:
        break;
    }

    if (!options.command.isEmpty()) {
        QCoreApplication app(argc, argv);
        CliIo io{out, err};
        return findCliCommand(options.command)->run(options, options.commandArgs, io);
    }
    if (options.headless) {
        QCoreApplication app(argc, argv);
        return runHeadless(options);
    }
#ifdef INTRVIO_WITH_UI
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Intrvio for Teamtailor"));
    return runGui(options);
#else
    err << "intrvio: this build has no graphical interface (built with INTRVIO_BUILD_UI=OFF); run it with "
           "--headless or use a subcommand."
        << Qt::endl;
    return ExitUsage;
#endif
}

} // namespace intrvio

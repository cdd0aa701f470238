#include "Application.h"

#include "Commands.h"
#include "SecretAudit.h"
#include "SignalWatcher.h"
#include "models/Clock.h"
#include "models/DataDirLock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "models/interview/TemplateRepository.h"
#include "net/secrets/SecretStore.h"
// webhook service
#include "net/activation/Activation.h"
#include "net/webhook/Inbox.h"
#include "net/webhook/TlsFiles.h"
#include "net/webhook/WebhookServer.h"
// interview pipeline
#include "models/interview/RubricScorer.h"
#include "net/api/TeamtailorClient.h"
#include "net/outbox/OutboxWorker.h"
#include "net/pipeline/InterviewPipeline.h"
#include "net/pipeline/Reconciler.h"
#include "net/scoring/OpenAiScorer.h"

#include <QNetworkAccessManager>
#include <QRandomGenerator>
// demo
#include "Demo.h"
// admin GUI
#include "AdminServices.h"
#include "net/outbox/OutboxStageMover.h"

#include <QTimer>

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

AppServices::~AppServices()
{
    m_interviewActions.reset(); // admin GUI
    m_stageMover.reset(); // admin GUI
    m_demo.reset(); // demo: the sandbox stops calling us first
    if (m_webhook) { // interview pipeline: unhook before the pipeline goes
        m_webhook->setInterviewHandler(nullptr);
        m_webhook->inbox()->setHandler(nullptr);
        m_webhook->setExtraMetrics({});
    }
    m_reconciler.reset();
    m_pipeline.reset();
    m_scorer.reset(); // a remote scorer's requests run on m_nam
    m_outbox.reset();
    m_client.reset();
    m_nam.reset();
    m_webhook.reset(); // before the store it writes to
    m_activation.reset();
}

std::unique_ptr<AppServices> AppServices::create(const Options &options, QString *error, int *exitCode)
{
    auto services = std::unique_ptr<AppServices>(new AppServices(options));
    services->m_lock = std::make_unique<DataDirLock>(options.dataDir);
    if (!services->m_lock->tryLock(error)) {
        *exitCode = ExitConfig;
        return nullptr;
    }
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
    // demo: secrets and the sandbox before anything reads them; the sandbox is our Teamtailor
    if (options.demo) {
        services->m_demo = std::make_unique<DemoEnvironment>(services->m_store.get(), services->m_secrets.get());
        if (!services->m_demo->prepare(error)) {
            *exitCode = ExitConfig;
            return nullptr;
        }
        services->m_options.teamtailorUrl = services->m_demo->sandboxUrl();
    }
    return services;
}

// --- webhook service -------------------------------------------------------------------------
// Environment knobs (not CLI flags, to keep the contract small):
//   INTRVIO_TLS_CERT / INTRVIO_TLS_KEY  serve HTTPS with this PEM certificate and key, when --tls-cert /
//                                       --tls-key are not given (each option overrides its variable)
//   INTRVIO_BENCH_IGNORE_SKEW=1         benchmark only: count stale/future signature timestamps instead of
//                                       refusing them (precomputed signatures); never for production
//   INTRVIO_TEST_HOLD_INBOX=1           tests only: store deliveries but do not process them
namespace {
// --tls-cert / --tls-key, each falling back to its environment variable.
TlsFiles tlsFiles(const Options &options)
{
    TlsFiles tls;
    tls.certificatePath = options.tlsCertPath;
    tls.keyPath = options.tlsKeyPath;
    if (tls.certificatePath.isEmpty() && qEnvironmentVariableIsSet("INTRVIO_TLS_CERT")) {
        tls.certificatePath = qEnvironmentVariable("INTRVIO_TLS_CERT");
        tls.certificateOption = QStringLiteral("INTRVIO_TLS_CERT");
    }
    if (tls.keyPath.isEmpty() && qEnvironmentVariableIsSet("INTRVIO_TLS_KEY")) {
        tls.keyPath = qEnvironmentVariable("INTRVIO_TLS_KEY");
        tls.keyOption = QStringLiteral("INTRVIO_TLS_KEY");
    }
    return tls;
}
} // namespace

bool AppServices::startWebhookServer(QString *error)
{
    m_activation = std::make_unique<Activation>(m_store.get(), m_secrets.get());
    m_activation->load();
    m_webhook = std::make_unique<WebhookServer>(m_store.get(), m_activation.get(), Clock::system());
    WebhookServerConfig config;
    config.address = QHostAddress(m_options.listenHost);
    config.port = m_options.listenPort;
    const TlsFiles tls = tlsFiles(m_options);
    config.tlsCertificatePath = tls.certificatePath;
    config.tlsKeyPath = tls.keyPath;
    config.benchIgnoreSkew = qEnvironmentVariable("INTRVIO_BENCH_IGNORE_SKEW") == QLatin1String("1");
    if (config.benchIgnoreSkew)
        qCWarning(lcApp) << "INTRVIO_BENCH_IGNORE_SKEW=1: stale signature timestamps are accepted (benchmark mode)";
    // Deliveries are stored but not processed until startPipeline() attaches the pipeline: reading
    // its secrets runs a nested event loop that already serves requests, and an event processed
    // with no handler would be lost (INTRVIO_TEST_HOLD_INBOX=1 keeps them held for good).
    m_webhook->inbox()->setProcessingHeld(true);
    if (config.address.isNull()) {
        *error = QStringLiteral("--listen host '%1' is not an IP address").arg(m_options.listenHost);
        return false;
    }
    if (!m_webhook->listen(config, error))
        return false;
    const QUrl partnerApi = ApiEndpoints::resolve(regionName(m_options.region), m_options.teamtailorUrl).partnerBase;
    QObject::connect(m_activation.get(), &Activation::loadedChanged, m_activation.get(),
                     [a = m_activation.get(), partnerApi] {
                         if (!a->activated() && !a->partnerApiKey().isEmpty())
                             a->startPolling(partnerApi, 5 * 60 * 1000);
                     });
    if (m_demo) // demo: the sandbox calls this server as the partner base-url
        m_demo->connectPartner(
            m_options.publicUrl.isEmpty() ? m_webhook->url() : m_options.publicUrl, m_activation.get());
    return true;
}
// --- end webhook service ---------------------------------------------------------------------

// --- interview pipeline ----------------------------------------------------------------------
class QNetworkAccessManagerHolder : public QNetworkAccessManager
{
};

bool AppServices::startPipeline(QString *error)
{
    Q_UNUSED(error);
    ApiCredentials credentials;
    const SecretResult token = m_secrets->readSync(QStringLiteral("company-api-token"));
    if (token.ok())
        credentials.companyToken = token.value;
    const SecretResult partner = m_secrets->readSync(QStringLiteral("partner-api-key"));
    if (partner.ok())
        credentials.partnerKey = partner.value;
    m_nam = std::make_unique<QNetworkAccessManagerHolder>();
    m_client = std::make_unique<TeamtailorClient>(m_nam.get(),
        RequestBuilder(ApiEndpoints::resolve(regionName(m_options.region), m_options.teamtailorUrl), credentials),
        Clock::system(), QRandomGenerator::system()->generate());
    followSecretChanges(); // live secrets
    // --- scorer: OpenAI-compatible endpoint when configured (scorer.base-url, scorer.model; key
    // `scorer-api-key` in the keychain), else the rubric; any remote failure falls back to the rubric.
    {
        QString scorerError;
        m_scorer = createConfiguredScorer(*m_store, m_nam.get(), m_secrets.get(), &scorerError);
        if (!m_scorer) {
            qCWarning(lcApp).noquote()
                << "the scorer settings are wrong, using the rubric scorer:" << scorerError;
            m_scorer = std::make_unique<RubricScorer>();
        }
        qCInfo(lcApp).noquote() << "interview scorer:" << m_scorer->name();
    }
    m_outbox = std::make_unique<OutboxWorker>(m_store.get(), m_client.get(), Clock::system(),
        QRandomGenerator::system()->generate());
    m_pipeline = std::make_unique<InterviewPipeline>(
        m_store.get(), m_client.get(), m_outbox.get(), m_scorer.get(), Clock::system());
    // Links name the port actually bound (--listen HOST:0 picks one) unless --public-url is given.
    QUrl publicUrl = m_options.effectivePublicUrl();
    if (m_options.publicUrl.isEmpty() && m_webhook)
        publicUrl.setPort(m_webhook->port());
    m_pipeline->setPublicUrl(publicUrl);
    if (m_webhook) {
        m_webhook->setInterviewHandler(m_pipeline.get());
        m_webhook->inbox()->setHandler(m_pipeline.get());
        if (qEnvironmentVariable("INTRVIO_TEST_HOLD_INBOX") != QLatin1String("1"))
            m_webhook->inbox()->setProcessingHeld(false); // held since startWebhookServer()
        Outbox *outbox = &m_outbox->outbox();
        m_webhook->setExtraMetrics([outbox] {
            QByteArray out = "# HELP intrvio_outbox_rows Outbox rows by state.\n# TYPE intrvio_outbox_rows gauge\n";
            for (const char *state : { OutboxState::Pending, OutboxState::Sent, OutboxState::Dead })
                out += QByteArray("intrvio_outbox_rows{state=\"") + state + "\"} "
                    + QByteArray::number(outbox->count(QString::fromLatin1(state))) + '\n';
            return out;
        });
    }
    m_pipeline->start();
    if (credentials.companyToken.isEmpty()) {
        qCWarning(lcApp) << "company-api-token is not set: interviews are not sent to Teamtailor until it is "
                            "(`intrvio secret set company-api-token`, then restart)";
        return true;
    }
    m_outbox->start();
    // Catch-up on start and every 5 minutes: stage changes and published jobs webhooks may have missed.
    m_reconciler = std::make_unique<Reconciler>(m_store.get(), m_client.get(), m_pipeline.get(), Clock::system());
    m_reconciler->start();
    return true;
}
// --- end interview pipeline ------------------------------------------------------------------

// --- live secrets ------------------------------------------------------------------------------
// One source of truth: a key replaced or cleared through the SecretStore (Settings, the wizard) is
// re-read from the keychain and applies to the next request; the webhook verifiers re-read theirs
// in Activation. Setting the company token later starts the outbox that was waiting for it.
void AppServices::followSecretChanges()
{
    QObject::connect(m_secrets.get(), &SecretStore::secretChanged, m_client.get(), [this](const QString &name) {
        if (name != QLatin1String("company-api-token") && name != QLatin1String("partner-api-key"))
            return;
        m_secrets->read(name, m_client.get(), [this, name](const SecretResult &r) {
            if (!r.ok() && r.status != SecretResult::Status::NotFound)
                qCWarning(lcApp).noquote() << "cannot re-read" << name << "from the keychain:" << r.message;
            ApiCredentials credentials = m_client->builder().credentials();
            const QString value = r.ok() ? r.value : QString();
            if (name == QLatin1String("company-api-token"))
                credentials.companyToken = value;
            else
                credentials.partnerKey = value;
            m_client->setCredentials(credentials);
            qCInfo(lcApp).noquote() << name << (value.isEmpty() ? "cleared," : "replaced,") << "applies from the next request";
            if (name == QLatin1String("company-api-token") && !value.isEmpty() && m_outbox && m_pipeline && !m_reconciler) {
                m_outbox->start();
                m_reconciler = std::make_unique<Reconciler>(m_store.get(), m_client.get(), m_pipeline.get(), Clock::system());
                m_reconciler->start();
            }
        });
    });
}
// --- end live secrets --------------------------------------------------------------------------

// --- admin GUI ---------------------------------------------------------------------------------
void AppServices::startAdminServices()
{
    if (!m_pipeline || m_stageMover)
        return;
    m_stageMover = std::make_unique<OutboxStageMover>(m_store.get(), m_client.get(), m_outbox.get(), Clock::system());
    m_stageMover->setActor(PipelineInterviewActions::defaultActor());
    m_interviewActions = std::make_unique<PipelineInterviewActions>(m_pipeline.get(), PipelineInterviewActions::defaultActor());
}

InterviewActions *AppServices::interviewActions() const
{
    return m_interviewActions.get();
}

QString AppServices::connectionDescription() const
{
    if (m_demo)
        return QObject::tr("Teamtailor sandbox (demo) · %1").arg(m_demo->sandboxUrl().toString());
    if (!m_options.teamtailorUrl.isEmpty())
        return QObject::tr("Teamtailor at %1").arg(m_options.teamtailorUrl.toString());
    return {};
}
// --- end admin GUI -----------------------------------------------------------------------------

int runHeadless(const Options &options)
{
    // Installed first, so a SIGTERM during start-up is queued and handled (drain, exit 0) once the
    // event loop runs, instead of killing the process half-started.
    SignalWatcher watcher;
    // Start-up may spin a nested event loop (keychain reads), which delivers the signal before the
    // drain below is connected: remember it, and drain as soon as the server is up.
    int earlySignal = 0;
    auto early = QObject::connect(&watcher, &SignalWatcher::terminationRequested, qApp,
                                  [&earlySignal](int sig) { earlySignal = sig; });
    QTextStream err(stderr);
    QString error;
    // A TLS certificate or key that cannot be used is a usage error, reported before anything starts.
    if (const TlsFiles tls = tlsFiles(options); tls.enabled()) {
        QSslConfiguration unused;
        if (!tls.load(&unused, &error)) {
            err << "intrvio: " << error << Qt::endl;
            return ExitUsage;
        }
    }
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
    // webhook service: listen, then drain on SIGTERM (503 to new requests, owed answers sent, exit 0)
    if (!services->startWebhookServer(&error)) {
        err << "intrvio: " << error << Qt::endl;
        return ExitConfig;
    }
    services->startPipeline(&error); // interview pipeline
    WebhookServer *webhook = services->webhookServer();
    QObject::connect(webhook, &WebhookServer::drained, qApp, [] { QCoreApplication::exit(ExitOk); });
    auto drain = [webhook](int sig) {
        qCInfo(lcApp) << "signal" << sig << "received, draining";
        webhook->beginDrain();
        QTimer::singleShot(10000, qApp, [] { QCoreApplication::exit(ExitOk); }); // never hang on shutdown
    };
    QObject::disconnect(early);
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, qApp, drain);
    err << "intrvio: running headless; data dir " << options.dataDir << ", listening on "
        << webhook->url().toString() << Qt::endl;
    if (earlySignal)
        drain(earlySignal);
    if (DemoEnvironment *demo = services->demo()) // demo: what to open and how to move a candidate
        demo->printGuide(err);
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
    // webhook service: the GUI serves the partner base-url too; a busy port is reported, not fatal
    if (!services->startWebhookServer(&error))
        qCWarning(lcApp).noquote() << "webhook server not started:" << error;
    services->startPipeline(&error); // interview pipeline
    const std::unique_ptr<MainWindow> window = createMainWindow(*services); // admin GUI
    window->show();
    return QApplication::exec();
}

// --- admin GUI: the main window over the services ----------------------------------------------
std::unique_ptr<MainWindow> createMainWindow(AppServices &services)
{
    services.startAdminServices();
    const Options &options = services.options();
    MainWindow::Context context;
    context.dataDir = options.dataDir;
    const bool listening = services.webhookServer() && services.webhookServer()->port() != 0;
    context.listenUrl = listening ? services.webhookServer()->url() : options.listenUrl();
    context.demo = options.demo;
    context.store = services.store();
    context.secrets = services.secrets();
    if (services.demo()) // demo
        context.sync = services.demo()->syncController();
    // activation wizard: on first run (no partner-api-key) it opens by itself
    context.activation = services.activation();
    context.firstRunWizard = !options.demo;
    context.interviewActions = services.interviewActions();
    if (OutboxStageMover *mover = services.stageMover()) {
        context.stageMover = mover;
        context.boardUndoMs = mover->holdMs();
    }
    context.connection = services.connectionDescription();
    context.region = regionName(options.region); // what the client uses unless Settings names one
    auto window = std::make_unique<MainWindow>(context);
    window->setWebhookState(listening);
    if (InterviewPipeline *pipeline = services.pipeline()) {
        // Badges follow the interviews: the board and the Interviews view re-read on a change.
        MainWindow *w = window.get();
        auto changed = [w] { w->refresh(true); };
        QObject::connect(pipeline, &InterviewPipeline::interviewCreated, w, changed);
        QObject::connect(pipeline, &InterviewPipeline::interviewChanged, w, changed);
    }
    if (services.demo()) // demo
        installDemoPanel(*window, *services.demo());
    return window;
}
// --- end admin GUI -----------------------------------------------------------------------------
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

#pragma once

#include "CommandLine.h"

#include <QString>

#include <memory>

namespace intrvio {

class Activation;
class DataDirLock;
class InterviewActions;
class OutboxStageMover;
class PipelineInterviewActions;
class InterviewPipeline;
class OutboxWorker;
class Reconciler;
class Scorer;
class TeamtailorClient;
class QNetworkAccessManagerHolder;
class DemoEnvironment;
class SecretStore;
class Store;
class WebhookServer;

// The composition root: builds the services the app and the headless service share, in
// dependency order, and tears them down in reverse. Nothing else constructs them.
class AppServices
{
public:
    ~AppServices();

    // Opens the store; on failure returns null with a message and the exit code to use.
    static std::unique_ptr<AppServices> create(const Options &options, QString *error, int *exitCode);

    const Options &options() const { return m_options; }
    Store *store() const { return m_store.get(); }
    SecretStore *secrets() const { return m_secrets.get(); }

    // --- webhook service (partner base-url) ---
    // Reads the secrets, starts the guarded server on --listen and the activation poll. On failure
    // returns false with a message (exit code 3: configuration). Deliveries are acknowledged and
    // stored, but processed only once startPipeline() has attached the pipeline.
    bool startWebhookServer(QString *error);
    WebhookServer *webhookServer() const { return m_webhook.get(); }
    Activation *activation() const { return m_activation.get(); }

    // --- interview pipeline ---
    // After startWebhookServer(): the Teamtailor client (keys from the keychain), the outbox worker,
    // the pipeline (inbox handler and interview pages, links under --public-url, else the bound
    // address) and its expiry check; then stored deliveries are processed.
    // Without company-api-token the pages work but nothing is sent; a warning says how to fix it.
    bool startPipeline(QString *error);
    InterviewPipeline *pipeline() const { return m_pipeline.get(); }
    TeamtailorClient *client() const { return m_client.get(); }
    OutboxWorker *outboxWorker() const { return m_outbox.get(); }
    // --- demo (--demo): the embedded Teamtailor sandbox; null otherwise ---
    DemoEnvironment *demo() const { return m_demo.get(); }

    // --- admin GUI ---
    // After startPipeline(): the pipeline board's moves through the outbox and the Interviews
    // view's Resend/Cancel over the pipeline (null without a pipeline). Idempotent.
    void startAdminServices();
    OutboxStageMover *stageMover() const { return m_stageMover.get(); }
    InterviewActions *interviewActions() const;
    // The Teamtailor connection as the status bar names it: the demo sandbox, a custom API URL,
    // or empty (the region).
    QString connectionDescription() const;

private:
    explicit AppServices(const Options &options);
    // live secrets: keys replaced or cleared through the SecretStore reach the client at once
    void followSecretChanges();
    Options m_options;
    std::unique_ptr<DataDirLock> m_lock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<Activation> m_activation; // webhook service
    std::unique_ptr<WebhookServer> m_webhook; // webhook service
    // interview pipeline (destroyed before the webhook server that calls into it)
    std::unique_ptr<QNetworkAccessManagerHolder> m_nam;
    std::unique_ptr<TeamtailorClient> m_client;
    std::unique_ptr<Scorer> m_scorer; // the rubric, or the OpenAI-compatible scorer when configured
    std::unique_ptr<OutboxWorker> m_outbox;
    std::unique_ptr<InterviewPipeline> m_pipeline;
    std::unique_ptr<Reconciler> m_reconciler;
    std::unique_ptr<DemoEnvironment> m_demo; // demo
    // admin GUI (destroyed before the outbox worker and the pipeline they use)
    std::unique_ptr<OutboxStageMover> m_stageMover;
    std::unique_ptr<PipelineInterviewActions> m_interviewActions;
};

int runHeadless(const Options &options);
#ifdef INTRVIO_WITH_UI
class MainWindow;
int runGui(const Options &options);
// The main window over the services (after startWebhookServer/startPipeline): board, Resend/Cancel,
// status bar connection; in demo mode the demo panel, opening on the demo job's pipeline board.
std::unique_ptr<MainWindow> createMainWindow(AppServices &services);
#endif

// main() in one call: parses, picks the application type, runs.
int runMain(int argc, char **argv);

} // namespace intrvio

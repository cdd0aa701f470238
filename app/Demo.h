#pragma once

// `intrvio --demo` (ARCHITECTURE.md §1 step 7): the whole story with no Teamtailor account. The
// embedded sandbox plays Teamtailor on a loopback port with the `demo` company; the app talks to it
// exactly as it talks to Teamtailor (client, sync, webhooks, keychain), with demo secrets kept in
// the demo data dir's keychain scope.
//
// Start-up runs in two phases around the webhook server:
//   prepare()        before the webhook server reads the secrets: demo secrets in the keychain,
//                    sandbox seeded and listening (its URL becomes --teamtailor-url);
//   connectPartner() once our server listens: the sandbox calls it as the partner base-url, the
//                    partner is activated for the company, triggers go on every "Phone screen"
//                    stage, the default mapping is imported once, and a full sync runs.
// Everything is idempotent across restarts: the data dir and the secrets are reused; the sandbox
// is reseeded deterministically on every start and then re-synced.

#include "models/admin/AdminInterfaces.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QTextStream;

namespace intrvio {

class Activation;
class MainWindow;
class Sandbox;
class SecretStore;
class Store;
class SyncService;
class TeamtailorClient;

class DemoEnvironment : public QObject
{
    Q_OBJECT
public:
    DemoEnvironment(Store *store, SecretStore *secrets, QObject *parent = nullptr);
    ~DemoEnvironment() override;

    // Phase 1. On failure returns false with a message (exit code 3: configuration).
    bool prepare(QString *error);
    // Phase 2. `partnerBaseUrl`: our webhook server's URL (or --public-url).
    void connectPartner(const QUrl &partnerBaseUrl, Activation *activation);

    Sandbox *sandbox() const { return m_sandbox.get(); }
    SyncController *syncController() const { return m_sync; }
    QUrl sandboxUrl() const;
    QUrl candidateIndexUrl() const; // <sandbox>/_sandbox/
    QUrl candidatePageUrl(qint64 candidateId) const;
    QUrl partnerBaseUrl() const { return m_partnerBaseUrl; }
    bool isReady() const { return m_ready; }

    // The application the demo moves next: the lowest-id, not rejected application still in its
    // job's first stage (else any one not yet in "Phone screen"), in a job with a "Phone screen"
    // stage. 0 when there is none.
    struct Pick
    {
        qint64 applicationId = 0;
        qint64 candidateId = 0;
        qint64 stageId = 0; // the "Phone screen" stage of its job
        QString candidateName;
        QString jobTitle;
        qint64 jobId = 0;
    };
    Pick nextCandidate() const;
    // Moves nextCandidate() to "Phone screen" through the sandbox's C++ API (fires the trigger and
    // the company webhook). Returns the pick (applicationId 0 and a message on failure).
    Pick moveNextCandidate(QString *error);
    // `curl` command line moving nextCandidate() through the sandbox's control route.
    QString moveCommand() const;

    // The newest interview link Intrvio sent to the sandbox in a note (what the candidate would get):
    // "Answer as the candidate" opens it. Empty until an invite note arrived.
    QUrl latestInterviewLink() const { return m_interviewLink; }
    // The job the demo starts on (the next candidate's); 0 when none.
    qint64 demoJobId() const;

    // Headless: prints the URLs and how to drive the demo on `out`, then one line per call the
    // sandbox makes to us (and "demo: ready" once synced).
    void printGuide(QTextStream &out);

Q_SIGNALS:
    // Activated, triggers set and the first sync finished (ok or not).
    void ready(bool syncOk, const QString &message);
    void interviewLinkChanged(const QUrl &link);

private:
    void setUpTeamtailorSide();
    void importDefaultMapping();
    void startFirstSync();

    Store *m_store;
    SecretStore *m_secrets;
    std::unique_ptr<Sandbox> m_sandbox;
    QString m_companyToken;
    QString m_partnerKey;
    QUrl m_partnerBaseUrl;
    Activation *m_activation = nullptr;
    QNetworkAccessManager *m_nam = nullptr;
    std::unique_ptr<TeamtailorClient> m_client;
    std::unique_ptr<SyncService> m_syncService;
    SyncController *m_sync = nullptr; // child
    bool m_teamtailorSideDone = false;
    bool m_firstSyncStarted = false;
    bool m_ready = false;
    QString m_readyLine; // printed when the guide is attached, if the first sync ended before that
    QTextStream *m_guide = nullptr;
    QUrl m_interviewLink;
};

#ifdef INTRVIO_WITH_UI
// Adds the "Demo" dock (ui/DemoPanel) to the main window; its Re-sync starts a full sync there.
void installDemoPanel(MainWindow &window, DemoEnvironment &demo);
#endif

} // namespace intrvio

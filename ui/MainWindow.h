#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QUrl>

class QAction;
class QLabel;
class QListWidget;
class QProgressBar;
class QStackedWidget;
class QTimer;
class QToolButton;

namespace intrvio {

class Activation;
class ActivationWizard;
class ActivityView;
class CandidatesView;
class Clock;
class InterviewActions;
class InterviewsView;
class JobsView;
class MappingEditor;
class PipelineBoard;
class StageMover;
class SecretStore;
class SettingsView;
class Store;
class SyncController;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    struct Context
    {
        QString dataDir;
        QUrl listenUrl;
        bool demo = false;
        Store *store = nullptr;
        SecretStore *secrets = nullptr;
        // Optional services; the views say so when one is missing.
        SyncController *sync = nullptr;
        InterviewActions *interviewActions = nullptr;
        const Clock *clock = nullptr; // default: the system clock
        // Activation wizard: the running activation (optional) and whether to open the wizard
        // by itself when no partner-api-key is stored (first run).
        Activation *activation = nullptr;
        bool firstRunWizard = false;
        // Pipeline board: how a drop reaches Teamtailor (optional; without it moves are refused
        // with a message) and how long Undo is offered.
        StageMover *stageMover = nullptr;
        int boardUndoMs = 5000;
        // The Teamtailor connection in the status bar, e.g. "Teamtailor sandbox (demo) · <url>" or a
        // custom API URL; empty: the region in the settings, else `region`.
        QString connection;
        QString region;
    };

    // Navigation pages, in order.
    enum Page {
        JobsPage,
        CandidatesPage,
        MappingPage,
        InterviewsPage,
        ActivityPage,
        SettingsPage,
        PageCount,
        // Not in the navigation: opened from the Jobs view for one job.
        BoardPage = PageCount,
    };

    explicit MainWindow(const Context &context, QWidget *parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;

    // The composition root reports the webhook server's state here.
    void setWebhookState(bool listening, const QString &detail = {});
    // Re-reads the status bar (also every few seconds) and, with `views`, every page.
    void refresh(bool views = true);
    void refreshStatus();

    // Starts a sync through the SyncController (no-op without one or while one runs).
    void startSync(bool full = false);

    // Opens the activation wizard (non-modal; one at a time). Returns it.
    ActivationWizard *openActivationWizard();

    // Shows the pipeline board of one job (Jobs view: "Open board", double-click or Enter).
    void openBoard(const QString &jobId);
    PipelineBoard *board() const { return m_board; }
    // A widget shown above the board (the demo's "what to try" hint). The window owns it.
    void setBoardHint(QWidget *hint);

private:
    void buildNavigation();
    void buildStatusBar();
    void buildActions();
    void refreshKeychainState();

    Context m_context;
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_dataDirLabel = nullptr;
    QLabel *m_keychainLabel = nullptr;
    QLabel *m_listenLabel = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QLabel *m_outboxLabel = nullptr;
    QProgressBar *m_syncProgress = nullptr;
    QToolButton *m_syncCancel = nullptr;
    QAction *m_syncAction = nullptr;
    QAction *m_fullSyncAction = nullptr;
    QTimer *m_statusTimer = nullptr;
    JobsView *m_jobs = nullptr;
    CandidatesView *m_candidates = nullptr;
    InterviewsView *m_interviews = nullptr;
    ActivityView *m_activity = nullptr;
    SettingsView *m_settings = nullptr;
    MappingEditor *m_mapping = nullptr;
    PipelineBoard *m_board = nullptr;
    QWidget *m_boardPage = nullptr;
    QLabel *m_boardTitle = nullptr;
    QPointer<ActivationWizard> m_wizard;
};

} // namespace intrvio

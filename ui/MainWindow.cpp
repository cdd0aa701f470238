#include "MainWindow.h"

#include "AdminViews.h"
#include "MappingEditor.h"
#include "ui/PipelineBoard.h"
#include "ui/ActivationWizard.h"
#include "models/admin/AdminData.h"
#include "models/admin/AdminInterfaces.h"
#include "models/Clock.h"
#include "models/Store.h"
#include "net/secrets/SecretStore.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSqlQuery>
#include <QVBoxLayout>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

namespace intrvio {

namespace {

struct PageInfo
{
    const char *title;
    const char *objectName;
    const char *emptyText;
};

constexpr PageInfo pageInfo[MainWindow::PageCount] = {
    { QT_TRANSLATE_NOOP("MainWindow", "Jobs"), "jobsPage",
        QT_TRANSLATE_NOOP(
            "MainWindow", "No jobs yet. Connect to Teamtailor and sync to see your jobs and stages.") },
    { QT_TRANSLATE_NOOP("MainWindow", "Candidates"), "candidatesPage",
        QT_TRANSLATE_NOOP("MainWindow", "No candidates yet. They appear here after a sync.") },
    { QT_TRANSLATE_NOOP("MainWindow", "Stage mapping"), "mappingPage",
        QT_TRANSLATE_NOOP("MainWindow", "Map Teamtailor pipeline stages to interview templates here.") },
    { QT_TRANSLATE_NOOP("MainWindow", "Interviews"), "interviewsPage",
        QT_TRANSLATE_NOOP(
            "MainWindow", "No interviews yet. They are created when a candidate enters a mapped stage.") },
    { QT_TRANSLATE_NOOP("MainWindow", "Activity"), "activityPage",
        QT_TRANSLATE_NOOP(
            "MainWindow", "Webhook deliveries, outbound changes and the audit log appear here.") },
    { QT_TRANSLATE_NOOP("MainWindow", "Settings"), "settingsPage",
        QT_TRANSLATE_NOOP("MainWindow", "Teamtailor connection, keys and the webhook server.") },
};

constexpr int StatusRefreshMs = 5000;

QString ago(const QDateTime &then, const QDateTime &now)
{
    const qint64 s = then.secsTo(now);
    if (s < 60)
        return MainWindow::tr("just now");
    if (s < 3600)
        return MainWindow::tr("%n min ago", nullptr, int(s / 60));
    if (s < 86400)
        return MainWindow::tr("%n h ago", nullptr, int(s / 3600));
    return then.toUTC().toString(QStringLiteral("d MMM yyyy HH:mm 'UTC'"));
}

} // namespace

MainWindow::MainWindow(const Context &context, QWidget *parent)
    : QMainWindow(parent)
    , m_context(context)
{
    if (!m_context.clock)
        m_context.clock = &Clock::system();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(context.demo ? tr("Intrvio for Teamtailor — demo") : tr("Intrvio for Teamtailor"));
    resize(1280, 800);

    buildActions();
    buildNavigation();
    buildStatusBar();
    refreshKeychainState();
    if (m_context.firstRunWizard && m_context.secrets && m_context.store) {
        // First run: no partner API key stored yet.
        m_context.secrets->read(QStringLiteral("partner-api-key"), this, [this](const SecretResult &r) {
            if (r.status == SecretResult::Status::NotFound)
                openActivationWizard();
        });
    }
    refreshStatus();

    m_statusTimer = new QTimer(this);
    m_statusTimer->setInterval(StatusRefreshMs);
    connect(m_statusTimer, &QTimer::timeout, this, &MainWindow::refreshStatus);
    m_statusTimer->start();
}

void MainWindow::buildActions()
{
    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *refreshAction = fileMenu->addAction(tr("&Refresh"), this, [this] { refresh(true); });
    refreshAction->setObjectName(QStringLiteral("actionRefresh"));
    refreshAction->setShortcut(QKeySequence::Refresh);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    auto *ttMenu = menuBar()->addMenu(tr("&Teamtailor"));
    m_syncAction = ttMenu->addAction(
        style()->standardIcon(QStyle::SP_BrowserReload), tr("&Sync now"), this, [this] { startSync(false); });
    m_syncAction->setObjectName(QStringLiteral("actionSync"));
    m_syncAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_fullSyncAction = ttMenu->addAction(tr("&Full sync"), this, [this] { startSync(true); });
    m_fullSyncAction->setObjectName(QStringLiteral("actionFullSync"));
    ttMenu->addSeparator();
    QAction *wizard = ttMenu->addAction(tr("Stage-mapping &wizard…"), this, [this] {
        if (!m_mapping)
            return;
        showPage(MappingPage);
        MappingWizard *w = m_mapping->createWizard();
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->open();
    });
    wizard->setObjectName(QStringLiteral("actionMappingWizard"));
    QAction *wizardAction
        = ttMenu->addAction(tr("&Activation wizard…"), this, [this] { openActivationWizard(); });
    wizardAction->setObjectName(QStringLiteral("actionActivationWizard"));

    auto *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_syncAction);
    toolbar->addAction(refreshAction);

    if (!m_context.sync) {
        for (QAction *a : { m_syncAction, m_fullSyncAction }) {
            a->setEnabled(false);
            a->setToolTip(
                tr("Sync is not available: the Teamtailor connection is not set up in this process."));
        }
    }
}

void MainWindow::buildNavigation()
{
    auto *splitter = new QSplitter(this);
    m_nav = new QListWidget(splitter);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setMaximumWidth(220);
    m_nav->setMinimumWidth(150);
    m_nav->setSpacing(3);
    m_nav->setFrameShape(QFrame::NoFrame);
    QFont navFont = m_nav->font();
    navFont.setPointSizeF(navFont.pointSizeF() * 1.1);
    m_nav->setFont(navFont);
    m_pages = new QStackedWidget(splitter);
    m_pages->setObjectName(QStringLiteral("pages"));
    Store *store = m_context.store;
    for (int i = 0; i < PageCount; ++i) {
        const PageInfo &info = pageInfo[i];
        m_nav->addItem(tr(info.title));
        QWidget *page = nullptr;
        if (store) {
            const QSqlDatabase db = store->database();
            switch (Page(i)) {
            case JobsPage:
                page = m_jobs = new JobsView(db, m_pages);
                connect(m_jobs, &JobsView::openBoardRequested, this, &MainWindow::openBoard);
                break;
            case CandidatesPage:
                page = m_candidates = new CandidatesView(db, m_pages);
                break;
            case InterviewsPage:
                page = m_interviews = new InterviewsView(db, m_context.interviewActions, m_pages);
                break;
            case ActivityPage:
                page = m_activity = new ActivityView(db, m_context.clock, m_pages);
                break;
            case SettingsPage:
                page = m_settings = new SettingsView(store, m_context.secrets, m_context.clock, m_pages);
                connect(m_settings, &SettingsView::dataChanged, this, [this] { refresh(true); });
                connect(m_settings, &SettingsView::activationWizardRequested, this,
                    [this] { openActivationWizard(); });
                break;
            case MappingPage:
                page = m_mapping = new MappingEditor(store, m_context.clock, m_pages);
                connect(m_mapping, &MappingEditor::statusMessage, this,
                    [this](const QString &m) { statusBar()->showMessage(m, 8000); });
                break;
            case PageCount:
                break;
            }
        }
        if (!page) {
            auto *label = new QLabel(tr(info.emptyText), m_pages);
            label->setAlignment(Qt::AlignCenter);
            label->setWordWrap(true);
            page = label;
        }
        page->setObjectName(QString::fromLatin1(info.objectName));
        m_pages->addWidget(page);
    }
    // The pipeline board: a page of its own, reached from the Jobs view.
    m_boardPage = new QWidget(m_pages);
    m_boardPage->setObjectName(QStringLiteral("boardPage"));
    auto *boardLayout = new QVBoxLayout(m_boardPage);
    boardLayout->setContentsMargins(12, 12, 12, 12);
    auto *boardBar = new QHBoxLayout;
    auto *back = new QPushButton(style()->standardIcon(QStyle::SP_ArrowBack), tr("&Jobs"), m_boardPage);
    back->setObjectName(QStringLiteral("boardBack"));
    back->setToolTip(tr("Back to the jobs (Alt+Left)"));
    back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    connect(back, &QPushButton::clicked, this, [this] { showPage(JobsPage); });
    boardBar->addWidget(back);
    m_boardTitle = new QLabel(m_boardPage);
    m_boardTitle->setObjectName(QStringLiteral("boardTitle"));
    QFont titleFont = m_boardTitle->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_boardTitle->setFont(titleFont);
    boardBar->addWidget(m_boardTitle, 1);
    boardLayout->addLayout(boardBar);
    m_board = new PipelineBoard(store, m_context.stageMover, m_boardPage);
    m_board->setUndoMs(m_context.boardUndoMs);
    connect(m_board, &PipelineBoard::moveFinished, this, [this] {
        refreshStatus();
        if (m_jobs)
            m_jobs->reload();
    });
    boardLayout->addWidget(m_board, 1);
    m_pages->addWidget(m_boardPage);
    // Jobs in the navigation also leads back from the board (it is the current row meanwhile).
    connect(m_nav, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        m_pages->setCurrentIndex(m_nav->row(item));
    });

    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(1, false);
    splitter->setSizes({ 170, 1100 });
    setCentralWidget(splitter);
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(JobsPage);
}

void MainWindow::buildStatusBar()
{
    m_dataDirLabel = new QLabel(tr("Data: %1").arg(QDir::toNativeSeparators(m_context.dataDir)), this);
    m_dataDirLabel->setObjectName(QStringLiteral("dataDirStatus"));
    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionStatus"));
    m_keychainLabel = new QLabel(tr("Keychain: checking…"), this);
    m_keychainLabel->setObjectName(QStringLiteral("keychainStatus"));
    m_listenLabel = new QLabel(this);
    m_listenLabel->setObjectName(QStringLiteral("listenStatus"));
    m_outboxLabel = new QLabel(this);
    m_outboxLabel->setObjectName(QStringLiteral("outboxStatus"));
    m_syncProgress = new QProgressBar(this);
    m_syncProgress->setObjectName(QStringLiteral("syncProgress"));
    m_syncProgress->setMaximumWidth(160);
    m_syncProgress->setTextVisible(true);
    m_syncProgress->hide();
    m_syncCancel = new QToolButton(this);
    m_syncCancel->setObjectName(QStringLiteral("syncCancel"));
    m_syncCancel->setText(tr("Cancel"));
    m_syncCancel->hide();
    statusBar()->addWidget(m_dataDirLabel, 1);
    statusBar()->addPermanentWidget(m_syncProgress);
    statusBar()->addPermanentWidget(m_syncCancel);
    statusBar()->addPermanentWidget(m_connectionLabel);
    statusBar()->addPermanentWidget(m_listenLabel);
    statusBar()->addPermanentWidget(m_keychainLabel);
    statusBar()->addPermanentWidget(m_outboxLabel);
    setWebhookState(false);

    if (SyncController *sync = m_context.sync) {
        connect(m_syncCancel, &QToolButton::clicked, sync, [sync, this] {
            m_syncCancel->setEnabled(false);
            m_syncProgress->setFormat(tr("Cancelling…"));
            sync->cancel();
        });
        connect(sync, &SyncController::progress, this, [this](int done, int total) {
            m_syncProgress->setRange(0, qMax(0, total)); // 0..0: busy indicator
            m_syncProgress->setValue(qBound(0, done, qMax(0, total)));
            m_syncProgress->setFormat(total > 0 ? tr("Syncing %v/%m") : tr("Syncing…"));
        });
        connect(sync, &SyncController::finished, this, [this](bool ok, const QString &message) {
            m_syncProgress->hide();
            m_syncCancel->hide();
            m_syncAction->setEnabled(true);
            m_fullSyncAction->setEnabled(true);
            statusBar()->showMessage(
                ok ? tr("Sync finished. %1").arg(message) : tr("Sync failed: %1").arg(message), 15000);
            refresh(true);
        });
    }
}

void MainWindow::startSync(bool full)
{
    SyncController *sync = m_context.sync;
    if (!sync || sync->isRunning())
        return;
    m_syncAction->setEnabled(false);
    m_fullSyncAction->setEnabled(false);
    m_syncProgress->setRange(0, 0);
    m_syncProgress->setFormat(tr("Syncing…"));
    m_syncProgress->show();
    m_syncCancel->setEnabled(true);
    m_syncCancel->show();
    sync->start(full);
}

void MainWindow::setWebhookState(bool listening, const QString &detail)
{
    QString text = tr("Webhook server: %1").arg(m_context.listenUrl.toString());
    text += listening ? tr(" (listening)") : tr(" (not running)");
    m_listenLabel->setText(text);
    m_listenLabel->setToolTip(detail);
}

void MainWindow::refreshStatus()
{
    if (!m_context.store) {
        m_connectionLabel->setText(tr("Teamtailor: no store"));
        m_outboxLabel->clear();
        return;
    }
    const StatusSnapshot s = StatusSnapshot::load(m_context.store->database());
    QString connection = m_context.connection;
    if (connection.isEmpty()) {
        const QString region = !s.region.isEmpty() ? s.region : m_context.region;
        connection = region.isEmpty() ? tr("Teamtailor (region not set)") : tr("Teamtailor %1").arg(region.toUpper());
    }
    m_connectionLabel->setText(s.lastSync.isValid()
            ? tr("%1 · synced %2").arg(connection, ago(s.lastSync, m_context.clock->now()))
            : tr("%1 · never synced").arg(connection));
    m_connectionLabel->setToolTip(s.lastSync.isValid() ? s.lastSync.toString(Qt::ISODate) : QString());
    QString outbox = tr("Outbox: %1 pending").arg(s.outboxPending);
    if (s.outboxDead > 0)
        outbox += tr(", %1 failed").arg(s.outboxDead);
    m_outboxLabel->setText(outbox);
    m_outboxLabel->setStyleSheet(s.outboxDead > 0 ? QStringLiteral("color: #c62828;") : QString());
}

void MainWindow::refresh(bool views)
{
    refreshStatus();
    if (!views)
        return;
    if (m_jobs)
        m_jobs->reload();
    if (m_candidates)
        m_candidates->reload();
    if (m_interviews)
        m_interviews->reload();
    if (m_activity)
        m_activity->reload();
    if (m_mapping)
        m_mapping->reload();
    if (m_board && m_pages->currentIndex() == BoardPage)
        m_board->reload();
}

void MainWindow::refreshKeychainState()
{
    if (!m_context.secrets) {
        m_keychainLabel->setText(tr("Keychain: not configured"));
        return;
    }
    m_context.secrets->probe(this, [this](const SecretResult &r) {
        m_keychainLabel->setText(r.ok() ? tr("Keychain: available") : tr("Keychain: unavailable"));
        m_keychainLabel->setToolTip(r.message);
    });
}

void MainWindow::showPage(Page page)
{
    if (page == BoardPage) {
        openBoard(m_board->model()->jobId());
        return;
    }
    m_nav->setCurrentRow(page);
    m_pages->setCurrentIndex(page);
}

void MainWindow::openBoard(const QString &jobId)
{
    QString title = tr("Pipeline board");
    if (m_context.store && !jobId.isEmpty()) {
        QSqlQuery q(m_context.store->database());
        q.prepare(QStringLiteral("SELECT title FROM jobs WHERE id = ?"));
        q.addBindValue(jobId);
        if (q.exec() && q.next())
            title = tr("Pipeline board — %1").arg(q.value(0).toString());
    }
    m_boardTitle->setText(title);
    if (jobId == m_board->model()->jobId())
        m_board->reload();
    else
        m_board->setJob(jobId);
    {
        const QSignalBlocker block(m_nav);
        m_nav->setCurrentRow(JobsPage);
    }
    m_pages->setCurrentIndex(BoardPage);
    if (QListView *first = m_board->findChild<QListView *>())
        first->setFocus(Qt::OtherFocusReason);
}

void MainWindow::setBoardHint(QWidget *hint)
{
    hint->setParent(m_boardPage);
    static_cast<QVBoxLayout *>(m_boardPage->layout())->insertWidget(1, hint);
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

ActivationWizard *MainWindow::openActivationWizard()
{
    if (!m_wizard) {
        ActivationWizard::Context ctx;
        ctx.store = m_context.store;
        ctx.secrets = m_context.secrets;
        ctx.activation = m_context.activation;
        ctx.clock = m_context.clock;
        m_wizard = new ActivationWizard(ctx, this);
        m_wizard->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_wizard, &QWizard::finished, this, [this] {
            if (m_settings)
                m_settings->reload();
            refreshKeychainState();
            refreshStatus();
        });
    }
    m_wizard->show();
    m_wizard->raise();
    m_wizard->activateWindow();
    return m_wizard;
}

} // namespace intrvio

#include "MainWindow.h"

#include "net/secrets/SecretStore.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>

namespace intrvio {

namespace {

struct PageInfo
{
    const char *title;
    const char *objectName;
    const char *emptyText;
};

constexpr PageInfo pageInfo[MainWindow::PageCount] = {
    {QT_TRANSLATE_NOOP("MainWindow", "Jobs"), "jobsPage",
     QT_TRANSLATE_NOOP("MainWindow", "No jobs yet. Connect to Teamtailor and sync to see your jobs and stages.")},
    {QT_TRANSLATE_NOOP("MainWindow", "Candidates"), "candidatesPage",
     QT_TRANSLATE_NOOP("MainWindow", "No candidates yet. They appear here after a sync.")},
    {QT_TRANSLATE_NOOP("MainWindow", "Stage mapping"), "mappingPage",
     QT_TRANSLATE_NOOP("MainWindow", "Map Teamtailor pipeline stages to interview templates here.")},
    {QT_TRANSLATE_NOOP("MainWindow", "Interviews"), "interviewsPage",
     QT_TRANSLATE_NOOP("MainWindow", "No interviews yet. They are created when a candidate enters a mapped stage.")},
    {QT_TRANSLATE_NOOP("MainWindow", "Activity"), "activityPage",
     QT_TRANSLATE_NOOP("MainWindow", "Webhook deliveries, outbound changes and the audit log appear here.")},
    {QT_TRANSLATE_NOOP("MainWindow", "Settings"), "settingsPage",
     QT_TRANSLATE_NOOP("MainWindow", "Teamtailor connection, keys and the webhook server.")},
};

} // namespace

MainWindow::MainWindow(const Context &context, QWidget *parent)
    : QMainWindow(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(context.demo ? tr("Intrvio for Teamtailor — demo") : tr("Intrvio for Teamtailor"));
    resize(1100, 720);

    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quit = fileMenu->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    buildNavigation();
    buildStatusBar();
    refreshKeychainState();
}

void MainWindow::buildNavigation()
{
    auto *splitter = new QSplitter(this);
    m_nav = new QListWidget(splitter);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setMaximumWidth(200);
    m_pages = new QStackedWidget(splitter);
    m_pages->setObjectName(QStringLiteral("pages"));
    for (const PageInfo &info : pageInfo) {
        m_nav->addItem(tr(info.title));
        auto *page = new QLabel(tr(info.emptyText), m_pages);
        page->setObjectName(QString::fromLatin1(info.objectName));
        page->setAlignment(Qt::AlignCenter);
        page->setWordWrap(true);
        m_pages->addWidget(page);
    }
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(JobsPage);
}

void MainWindow::buildStatusBar()
{
    m_dataDirLabel = new QLabel(tr("Data: %1").arg(QDir::toNativeSeparators(m_context.dataDir)), this);
    m_dataDirLabel->setObjectName(QStringLiteral("dataDirStatus"));
    m_keychainLabel = new QLabel(tr("Keychain: checking…"), this);
    m_keychainLabel->setObjectName(QStringLiteral("keychainStatus"));
    m_listenLabel = new QLabel(tr("Webhook server: %1").arg(m_context.listenUrl.toString()), this);
    m_listenLabel->setObjectName(QStringLiteral("listenStatus"));
    statusBar()->addWidget(m_dataDirLabel, 1);
    statusBar()->addPermanentWidget(m_keychainLabel);
    statusBar()->addPermanentWidget(m_listenLabel);
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
    m_nav->setCurrentRow(page);
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

} // namespace intrvio

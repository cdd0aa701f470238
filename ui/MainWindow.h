#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QUrl>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace intrvio {

class SecretStore;
class Store;

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
    };

    // Navigation pages, in order.
    enum Page { JobsPage, CandidatesPage, MappingPage, InterviewsPage, ActivityPage, SettingsPage, PageCount };

    explicit MainWindow(const Context &context, QWidget *parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;

private:
    void buildNavigation();
    void buildStatusBar();
    void refreshKeychainState();

    Context m_context;
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_dataDirLabel = nullptr;
    QLabel *m_keychainLabel = nullptr;
    QLabel *m_listenLabel = nullptr;
};

} // namespace intrvio

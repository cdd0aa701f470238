#pragma once

#include "models/Clock.h"

#include <QPointer>
#include <QSqlDatabase>
#include <QWidget>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QStackedWidget;
class QTableView;
class QTabWidget;
class QTextBrowser;
class QTimer;

namespace intrvio {

class AuditLogModel;
class CandidatesModel;
class InboxModel;
class InterviewActions;
class InterviewsModel;
class JobStagesModel;
class JobsModel;
class OutboxModel;
class PartnerResultCard;
class SecretStore;
class Store;
class ChartsView;

// Every admin view reads the store (and, through small interfaces, the services) and never
// the other way round. reload() re-reads after a sync or a write elsewhere.

class JobsView : public QWidget
{
    Q_OBJECT
public:
    explicit JobsView(QSqlDatabase db, QWidget *parent = nullptr);
    void reload();
    void selectJob(const QString &jobId);
    QString currentJobId() const;

Q_SIGNALS:
    // "Open board", a double-click or Enter on a job.
    void openBoardRequested(const QString &jobId);

private:
    void showJob(const QString &jobId);

    JobsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    JobStagesModel *m_stages = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLineEdit *m_filter = nullptr;
    QCheckBox *m_reviewOnly = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_counts = nullptr;
    QTableView *m_stageTable = nullptr;
    QPushButton *m_openBoard = nullptr;
    QSqlDatabase m_db;
};

class CandidatesView : public QWidget
{
    Q_OBJECT
public:
    explicit CandidatesView(QSqlDatabase db, QWidget *parent = nullptr);
    void reload();
    // Applies the filter bar now (it otherwise applies shortly after the last keystroke).
    void applyFilter();
    CandidatesModel *model() const { return m_model; }
    QString currentCandidateId() const;

private:
    void reloadChoices();
    void showCandidate(const QString &id);

    QSqlDatabase m_db;
    CandidatesModel *m_model = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_job = nullptr;
    QComboBox *m_stage = nullptr;
    QComboBox *m_state = nullptr;
    QSpinBox *m_minScore = nullptr;
    QSpinBox *m_maxScore = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_contact = nullptr;
    PartnerResultCard *m_card = nullptr;
    QTextBrowser *m_detail = nullptr;
    QTimer *m_debounce = nullptr;
};

class InterviewsView : public QWidget
{
    Q_OBJECT
public:
    InterviewsView(QSqlDatabase db, InterviewActions *actions, QWidget *parent = nullptr);
    void reload();

private:
    void updateButtons();
    qint64 currentInterview() const;

    InterviewsModel *m_model = nullptr;
    QPointer<InterviewActions> m_actions;
    QComboBox *m_state = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_resend = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_status = nullptr;
    ChartsView *m_charts = nullptr;
};

class ActivityView : public QWidget
{
    Q_OBJECT
public:
    ActivityView(QSqlDatabase db, const Clock *clock, QWidget *parent = nullptr);
    void reload();
    // Retries the selected dead letter; returns false with a message in the status label otherwise.
    bool retrySelected();

private:
    void updateRetry();

    QSqlDatabase m_db;
    const Clock *m_clock;
    InboxModel *m_inbox = nullptr;
    OutboxModel *m_outbox = nullptr;
    AuditLogModel *m_audit = nullptr;
    QTabWidget *m_tabs = nullptr;
    QComboBox *m_verification = nullptr;
    QCheckBox *m_failedOnly = nullptr;
    QTableView *m_inboxTable = nullptr;
    QPlainTextEdit *m_inboxDetail = nullptr;
    QComboBox *m_outboxState = nullptr;
    QTableView *m_outboxTable = nullptr;
    QPlainTextEdit *m_outboxDetail = nullptr;
    QPushButton *m_retry = nullptr;
    QLabel *m_outboxStatus = nullptr;
    QLineEdit *m_auditFilter = nullptr;
    QTableView *m_auditTable = nullptr;
};

class SettingsView : public QWidget
{
    Q_OBJECT
public:
    SettingsView(Store *store, SecretStore *secrets, const Clock *clock, QWidget *parent = nullptr);
    void reload();
    bool save();
    void refreshSecrets();

    // Seams for the dialogs (tests replace them): ask for a new secret value (masked), confirm.
    std::function<std::optional<QString>(const QString &name)> askSecret;
    std::function<bool(const QString &question)> confirm;
    std::function<QString(const QString &suggested)> askExportPath;

    bool exportCandidate(const QString &idOrEmail, const QString &path, QString *error);
    bool eraseCandidate(const QString &idOrEmail, QString *error);

Q_SIGNALS:
    void dataChanged(); // settings saved or a candidate erased
    void activationWizardRequested();

private:
    void replaceSecret(const QString &name);
    void clearSecret(const QString &name);
    QString resolveCandidate(const QString &idOrEmail) const;

    Store *m_store;
    QPointer<SecretStore> m_secrets;
    const Clock *m_clock;
    QComboBox *m_region = nullptr;
    QLineEdit *m_publicUrl = nullptr;
    QLineEdit *m_listen = nullptr;
    QSpinBox *m_retention = nullptr;
    QCheckBox *m_lock = nullptr;
    QLineEdit *m_ttUrl = nullptr;
    QLabel *m_status = nullptr;
    QLineEdit *m_gdprCandidate = nullptr;
    QLabel *m_gdprStatus = nullptr;
};

} // namespace intrvio

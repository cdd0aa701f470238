#pragma once

#include "models/interview/Template.h"
#include "models/mapping/MappingEditorModel.h"

#include <QDialog>
#include <QListView>
#include <QWizard>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTextBrowser;
class QUndoStack;

namespace intrvio {

class AuditLog;
class Clock;
class Store;

// A list view that turns Delete/Backspace into "unmap" and draws the mapping state.
class StageTargetsView : public QListView
{
    Q_OBJECT
public:
    explicit StageTargetsView(QWidget *parent = nullptr);

Q_SIGNALS:
    void deletePressed(int row);

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

// Edits one interview template: name, language, expiry, questions and their criteria (keywords,
// weights), with a live preview of the candidate's page.
class TemplateEditorDialog : public QDialog
{
    Q_OBJECT
public:
    TemplateEditorDialog(const InterviewTemplate &tpl, bool isNew, QWidget *parent = nullptr);
    InterviewTemplate currentTemplate() const;
    // Problems of the current content, one per line; empty when it can be saved.
    QStringList problems() const;
    void accept() override;

private:
    void loadQuestion(int row);
    void storeQuestion();
    void updatePreview();

    InterviewTemplate m_tpl;
    int m_currentQuestion = -1;
    QLineEdit *m_id = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_language = nullptr;
    QSpinBox *m_expiry = nullptr;
    QTableWidget *m_questions = nullptr;
    QTableWidget *m_criteria = nullptr;
    QLabel *m_problems = nullptr;
    QTextBrowser *m_preview = nullptr;
    bool m_loading = false;
};

class MappingEditor;

// First-run (and menu) wizard: stages that trigger an interview, their templates, per-job
// exceptions, confirm (applied as one undoable change), then the Teamtailor triggers to create.
class MappingWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { StagesPageId, TemplatesPageId, ExceptionsPageId, ConfirmPageId, TriggersPageId };
    explicit MappingWizard(MappingEditor *editor, QWidget *parent = nullptr);

    // Wizard state (the pages' widgets are reachable by object name for tests).
    QStringList chosenStages() const;
    MappingChange plannedChange() const;
    QString triggerInstructions() const;
    bool commit(QString *error);

private:
    void fillTemplates();
    void fillExceptions();
    void fillSummary();

    MappingEditor *m_editor;
    QList<JobStages> m_jobs;
    QListWidget *m_stages = nullptr;
    QTableWidget *m_templates = nullptr;
    QTableWidget *m_exceptions = nullptr;
    QLabel *m_summary = nullptr;
    QTextBrowser *m_triggers = nullptr;
    bool m_committed = false;
};

// The "Stage mapping" page: template palette, scope selector, drop targets, rules panel,
// validation panel, dry run, import/export and the wizard.
class MappingEditor : public QWidget
{
    Q_OBJECT
public:
    MappingEditor(Store *store, const Clock *clock, QWidget *parent = nullptr);
    ~MappingEditor() override;

    void reload();
    void setScope(const QString &jobId); // empty: all jobs
    QString scope() const;

    Store &store() { return *m_store; }
    const Clock &clock() const { return *m_clock; }
    QUndoStack *undoStack() const { return m_undo; }
    StageTargetsModel *targets() const { return m_targets; }
    TemplatePaletteModel *palette() const { return m_palette; }
    StageTargetsView *targetsView() const { return m_targetsView; }
    QListView *paletteView() const { return m_paletteView; }

    // Pushes a change on the undo stack after applying it (the models' change handler).
    bool submit(const MappingChange &change, QString *error);

    // The decision for application `applicationId` moving to `stageId`, as text (nothing is sent).
    QString dryRun(const QString &applicationId, const QString &stageId) const;
    // Import/export in the CLI's mapping-file format. Import errors: one per line.
    bool importFile(const QString &path, QStringList *errors);
    bool exportFile(const QString &path, QString *error) const;
    // The validation panel.
    QList<MappingIssue> issues() const { return m_issues; }
    bool fixIssue(int index);

    MappingWizard *createWizard();
    void editTemplate(const QString &templateId); // empty: new template

Q_SIGNALS:
    void statusMessage(const QString &message);

private:
    void buildUi();
    void refreshIssues();
    void refreshRulesPanel();
    void refreshDryRun();
    void applyRules();
    void showError(const QString &message);

    Store *m_store;
    const Clock *m_clock;
    std::unique_ptr<AuditLog> m_audit;
    QUndoStack *m_undo = nullptr;
    TemplatePaletteModel *m_palette = nullptr;
    StageTargetsModel *m_targets = nullptr;
    QListView *m_paletteView = nullptr;
    StageTargetsView *m_targetsView = nullptr;
    QComboBox *m_scope = nullptr;
    QLabel *m_scopeHint = nullptr;
    QLabel *m_error = nullptr;
    QWidget *m_firstRun = nullptr;
    QLabel *m_rulesTitle = nullptr;
    QSpinBox *m_pass = nullptr;
    QComboBox *m_onPass = nullptr;
    QComboBox *m_onFail = nullptr;
    QPushButton *m_applyRules = nullptr;
    QPushButton *m_reset = nullptr;
    QListWidget *m_issueList = nullptr;
    QPushButton *m_fix = nullptr;
    QComboBox *m_dryApp = nullptr;
    QComboBox *m_dryStage = nullptr;
    QLabel *m_dryResult = nullptr;
    QList<MappingIssue> m_issues;
};

} // namespace intrvio

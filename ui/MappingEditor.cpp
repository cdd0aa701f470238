#include "ui/MappingEditor.h"

#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/MappingFile.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QSqlQuery>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

namespace intrvio {

namespace {

// One mapping change on the undo stack. It was applied before being pushed.
class MappingCommand : public QUndoCommand
{
public:
    MappingCommand(StageTargetsModel *model, MappingChange change)
        : QUndoCommand(change.text)
        , m_model(model)
        , m_change(std::move(change))
    { }
    void redo() override
    {
        if (m_first) {
            m_first = false;
            return;
        }
        QString error;
        if (!m_model->apply(m_change, &error))
            setObsolete(true);
    }
    void undo() override
    {
        QString error;
        if (!m_model->apply(m_change.inverted(), &error))
            setObsolete(true);
    }

private:
    StageTargetsModel *m_model;
    MappingChange m_change;
    bool m_first = true;
};

// Overrides bold with a marker, inherited defaults grey, warnings with a warning sign.
class StageTargetDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QString source = index.data(StageTargetsModel::SourceRole).toString();
        if (source == QLatin1String("inherited")) {
            option->palette.setColor(QPalette::Text, QColor(0x8a, 0x8a, 0x8a));
            option->font.setItalic(true);
        } else if (source == QLatin1String("override")) {
            option->font.setBold(true);
            option->palette.setColor(QPalette::Text, QColor(0x6a, 0x1b, 0x9a));
        } else if (source == QLatin1String("default")) {
            option->font.setBold(true);
        }
        if (!index.data(StageTargetsModel::WarningRole).toString().isEmpty()) {
            option->icon = option->widget
                ? option->widget->style()->standardIcon(QStyle::SP_MessageBoxWarning)
                : QIcon();
            option->features |= QStyleOptionViewItem::HasDecoration;
        }
    }
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(qMax(s.height(), 30));
        return s;
    }
};

QString rulesText(const MappingRules &r)
{
    if (!r.passThreshold)
        return MappingEditor::tr("no automatic move");
    QString text = MappingEditor::tr("pass at %1").arg(*r.passThreshold);
    if (!r.onPass.isEmpty())
        text += MappingEditor::tr(", on pass → %1").arg(r.onPass);
    if (r.rejectsOnFail())
        text += MappingEditor::tr(", on fail → reject");
    else if (!r.onFail.isEmpty())
        text += MappingEditor::tr(", on fail → %1").arg(r.onFail);
    return text;
}

} // namespace

StageTargetsView::StageTargetsView(QWidget *parent)
    : QListView(parent)
{
    setDragDropMode(QAbstractItemView::DragDrop);
    setDefaultDropAction(Qt::MoveAction);
    setDropIndicatorShown(true);
    setDragDropOverwriteMode(true); // drops land on items
    setItemDelegate(new StageTargetDelegate(this));
    setSpacing(2);
}

void StageTargetsView::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && currentIndex().isValid()) {
        Q_EMIT deletePressed(currentIndex().row());
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
}

MappingEditor::MappingEditor(Store *store, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_clock(clock ? clock : &Clock::system())
    , m_audit(std::make_unique<AuditLog>(*store, *m_clock))
{
    // First run: offer the built-in templates so there is something to drag.
    TemplateRepository(*m_store, *m_clock, m_audit.get()).seedDefaults(QStringLiteral("admin"));
    m_undo = new QUndoStack(this);
    m_palette = new TemplatePaletteModel(*m_store, this);
    m_targets = new StageTargetsModel(*m_store, *m_clock, m_audit.get(), this);
    m_targets->setChangeHandler([this](const MappingChange &c, QString *error) { return submit(c, error); });
    buildUi();
    reload();
}

MappingEditor::~MappingEditor() = default;

void MappingEditor::buildUi()
{
    auto *root = new QVBoxLayout(this);

    // Toolbar row: scope, undo/redo, wizard, import/export.
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Scope:"), this));
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("scopeSelector"));
    m_scope->setMinimumWidth(280);
    bar->addWidget(m_scope);
    auto addButton = [&](const QString &name, const QString &text, auto slot) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, slot);
        bar->addWidget(b);
        return b;
    };
    bar->addStretch(1);
    auto *undo = addButton(QStringLiteral("undoButton"), tr("Undo"), [this] { m_undo->undo(); });
    auto *redo = addButton(QStringLiteral("redoButton"), tr("Redo"), [this] { m_undo->redo(); });
    undo->setEnabled(false);
    redo->setEnabled(false);
    connect(m_undo, &QUndoStack::canUndoChanged, undo, &QWidget::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redo, &QWidget::setEnabled);
    connect(m_undo, &QUndoStack::undoTextChanged, undo,
        [undo](const QString &t) { undo->setToolTip(tr("Undo %1").arg(t)); });
    addButton(QStringLiteral("wizardButton"), tr("Wizard…"), [this] {
        MappingWizard *w = createWizard();
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->open();
    });
    addButton(QStringLiteral("importButton"), tr("Import…"), [this] {
        const QString path
            = QFileDialog::getOpenFileName(this, tr("Import mappings"), {}, tr("Mapping files (*.json)"));
        QStringList errors;
        if (!path.isEmpty() && !importFile(path, &errors))
            showError(errors.join(QLatin1Char('\n')));
    });
    addButton(QStringLiteral("exportButton"), tr("Export…"), [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export mappings"), QStringLiteral("mappings.json"), tr("Mapping files (*.json)"));
        QString error;
        if (!path.isEmpty() && !exportFile(path, &error))
            showError(error);
    });
    root->addLayout(bar);
    m_scopeHint = new QLabel(this);
    m_scopeHint->setObjectName(QStringLiteral("scopeHint"));
    m_scopeHint->setWordWrap(true);
    m_scopeHint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    root->addWidget(m_scopeHint);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("mappingError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    root->addWidget(m_error);

    // First run: nothing mapped yet, but stages are synced.
    m_firstRun = new QWidget(this);
    m_firstRun->setObjectName(QStringLiteral("firstRunBanner"));
    m_firstRun->setStyleSheet(QStringLiteral("#firstRunBanner { background: #e8f0fe; border-radius: 4px; }"));
    auto *fr = new QHBoxLayout(m_firstRun);
    auto *frText = new QLabel(tr("No stage starts an interview yet. The wizard maps the usual stages for all "
                                 "jobs and tells you which triggers to create in Teamtailor."),
        m_firstRun);
    frText->setWordWrap(true);
    fr->addWidget(frText, 1);
    auto *frButton = new QPushButton(tr("Start the wizard"), m_firstRun);
    frButton->setObjectName(QStringLiteral("firstRunWizard"));
    fr->addWidget(frButton);
    connect(frButton, &QPushButton::clicked, this, [this] {
        MappingWizard *w = createWizard();
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->open();
    });
    m_firstRun->hide();
    root->addWidget(m_firstRun);

    auto *split = new QSplitter(this);
    root->addWidget(split, 1);

    // Palette.
    auto *paletteBox = new QGroupBox(tr("Interview templates"), split);
    auto *pl = new QVBoxLayout(paletteBox);
    m_paletteView = new QListView(paletteBox);
    m_paletteView->setObjectName(QStringLiteral("templatePalette"));
    m_paletteView->setModel(m_palette);
    m_paletteView->setDragDropMode(QAbstractItemView::DragDrop);
    m_paletteView->setDefaultDropAction(Qt::CopyAction);
    m_paletteView->setSpacing(3);
    m_paletteView->setToolTip(tr("Drag a template onto a stage. Drop a mapping here to remove it."));
    pl->addWidget(m_paletteView);
    auto *tplButtons = new QHBoxLayout;
    auto *newTpl = new QPushButton(tr("New…"), paletteBox);
    newTpl->setObjectName(QStringLiteral("newTemplate"));
    auto *editTpl = new QPushButton(tr("Edit…"), paletteBox);
    editTpl->setObjectName(QStringLiteral("editTemplate"));
    tplButtons->addWidget(newTpl);
    tplButtons->addWidget(editTpl);
    pl->addLayout(tplButtons);
    connect(newTpl, &QPushButton::clicked, this, [this] { editTemplate({}); });
    connect(editTpl, &QPushButton::clicked, this, [this] {
        const QModelIndex i = m_paletteView->currentIndex();
        if (i.isValid())
            editTemplate(i.data(TemplatePaletteModel::TemplateIdRole).toString());
    });
    connect(m_paletteView, &QListView::doubleClicked, this, [this](const QModelIndex &i) {
        editTemplate(i.data(TemplatePaletteModel::TemplateIdRole).toString());
    });
    connect(m_palette, &TemplatePaletteModel::mappingDroppedOut, this,
        [this](const QString &scope, const QString &stage) { m_targets->unmapKey(scope, stage); });

    // Stages.
    auto *stagesBox = new QGroupBox(tr("Pipeline stages"), split);
    auto *sl = new QVBoxLayout(stagesBox);
    m_targetsView = new StageTargetsView(stagesBox);
    m_targetsView->setObjectName(QStringLiteral("stageTargets"));
    m_targetsView->setModel(m_targets);
    sl->addWidget(m_targetsView);
    auto *legend
        = new QLabel(tr("<b>bold</b>: mapped here · <i style='color:#8a8a8a'>grey</i>: inherited default · "
                        "<b style='color:#6a1b9a'>purple</b>: this job's override · ⚠ Inbox/Hired stage"),
            stagesBox);
    legend->setWordWrap(true);
    sl->addWidget(legend);
    connect(
        m_targetsView, &StageTargetsView::deletePressed, this, [this](int row) { m_targets->unmap(row); });

    // Side panel: rules, validation, dry run.
    auto *side = new QWidget(split);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    auto *rulesBox = new QGroupBox(tr("Rules"), side);
    auto *rf = new QFormLayout(rulesBox);
    m_rulesTitle = new QLabel(tr("Select a stage."), rulesBox);
    m_rulesTitle->setObjectName(QStringLiteral("rulesTitle"));
    m_rulesTitle->setWordWrap(true);
    m_rulesTitle->setMinimumHeight(m_rulesTitle->fontMetrics().lineSpacing() * 3);
    m_rulesTitle->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    rf->addRow(m_rulesTitle);
    m_pass = new QSpinBox(rulesBox);
    m_pass->setObjectName(QStringLiteral("passThreshold"));
    m_pass->setRange(-1, 100);
    m_pass->setSpecialValueText(tr("no rule"));
    rf->addRow(tr("Pass threshold"), m_pass);
    m_onPass = new QComboBox(rulesBox);
    m_onPass->setObjectName(QStringLiteral("onPass"));
    m_onPass->setEditable(true);
    rf->addRow(tr("On pass, move to"), m_onPass);
    m_onFail = new QComboBox(rulesBox);
    m_onFail->setObjectName(QStringLiteral("onFail"));
    m_onFail->setEditable(true);
    rf->addRow(tr("On fail"), m_onFail);
    auto *ruleButtons = new QHBoxLayout;
    m_applyRules = new QPushButton(tr("Apply rules"), rulesBox);
    m_applyRules->setObjectName(QStringLiteral("applyRules"));
    m_reset = new QPushButton(tr("Reset to default"), rulesBox);
    m_reset->setObjectName(QStringLiteral("resetOverride"));
    ruleButtons->addWidget(m_applyRules);
    ruleButtons->addWidget(m_reset);
    rf->addRow(ruleButtons);
    connect(m_applyRules, &QPushButton::clicked, this, &MappingEditor::applyRules);
    connect(m_reset, &QPushButton::clicked, this, [this] {
        if (m_targetsView->currentIndex().isValid())
            m_targets->unmap(m_targetsView->currentIndex().row());
    });
    sideLayout->addWidget(rulesBox);

    auto *issuesBox = new QGroupBox(tr("Validation"), side);
    auto *il = new QVBoxLayout(issuesBox);
    m_issueList = new QListWidget(issuesBox);
    m_issueList->setObjectName(QStringLiteral("validationList"));
    m_issueList->setWordWrap(true);
    m_issueList->setMaximumHeight(140);
    il->addWidget(m_issueList);
    m_fix = new QPushButton(tr("Fix"), issuesBox);
    m_fix->setObjectName(QStringLiteral("fixIssue"));
    m_fix->setEnabled(false);
    il->addWidget(m_fix);
    connect(m_issueList, &QListWidget::currentRowChanged, this, [this](int row) {
        m_fix->setEnabled(row >= 0 && row < m_issues.size());
        if (row >= 0 && row < m_issues.size())
            m_fix->setText(m_issues.at(row).fixText);
    });
    connect(m_fix, &QPushButton::clicked, this, [this] { fixIssue(m_issueList->currentRow()); });
    sideLayout->addWidget(issuesBox);

    auto *dryBox = new QGroupBox(tr("Dry run: what happens if…"), side);
    auto *dv = new QVBoxLayout(dryBox);
    auto *df = new QFormLayout;
    dv->addLayout(df);
    m_dryApp = new QComboBox(dryBox);
    m_dryApp->setObjectName(QStringLiteral("dryRunApplication"));
    m_dryStage = new QComboBox(dryBox);
    m_dryStage->setObjectName(QStringLiteral("dryRunStage"));
    m_dryResult = new QLabel(dryBox);
    m_dryResult->setObjectName(QStringLiteral("dryRunResult"));
    m_dryResult->setWordWrap(true);
    m_dryResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    df->addRow(tr("Candidate"), m_dryApp);
    df->addRow(tr("moves to"), m_dryStage);
    m_dryResult->setMinimumHeight(m_dryResult->fontMetrics().lineSpacing() * 4);
    m_dryResult->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    dv->addWidget(m_dryResult);
    connect(m_dryApp, &QComboBox::currentIndexChanged, this, [this] {
        m_dryStage->clear();
        const QString jobId = m_dryApp->currentData(Qt::UserRole + 1).toString();
        for (const JobStages &j : loadJobStages(*m_store)) {
            if (j.id == jobId) {
                for (const StageInfo &s : j.stages)
                    m_dryStage->addItem(s.name, s.id);
            }
        }
    });
    connect(m_dryStage, &QComboBox::currentIndexChanged, this, &MappingEditor::refreshDryRun);
    sideLayout->addWidget(dryBox);
    sideLayout->addStretch(1);

    split->addWidget(paletteBox);
    split->addWidget(stagesBox);
    split->addWidget(side);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 3);

    connect(m_scope, &QComboBox::currentIndexChanged, this,
        [this] { setScope(m_scope->currentData().toString()); });
    connect(m_targetsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
        &MappingEditor::refreshRulesPanel);
    connect(m_targets, &StageTargetsModel::changed, this, [this] {
        refreshIssues();
        refreshRulesPanel();
        refreshDryRun();
    });
    connect(m_targets, &QAbstractItemModel::modelReset, this, &MappingEditor::refreshRulesPanel);
}

void MappingEditor::reload()
{
    const QString scopeBefore = m_targets->scope();
    {
        const QSignalBlocker block(m_scope);
        m_scope->clear();
        m_scope->addItem(tr("All jobs (default by stage name)"), QString());
        for (const JobStages &j : loadJobStages(*m_store))
            m_scope->addItem(j.needsReview ? tr("%1 — needs review").arg(j.title) : j.title, j.id);
        m_scope->setCurrentIndex(qMax(0, m_scope->findData(scopeBefore)));
    }
    m_palette->reload();
    m_targets->reload();
    {
        const QSignalBlocker block(m_dryApp);
        m_dryApp->clear();
        QSqlQuery q(m_store->database());
        q.exec(QStringLiteral(
            "SELECT a.id, a.job_id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')),"
            " coalesce(j.title, a.job_id) FROM applications a LEFT JOIN candidates c ON c.id = a.candidate_id"
            " LEFT JOIN jobs j ON j.id = a.job_id WHERE a.rejected_at IS NULL ORDER BY 3, 4 LIMIT 500"));
        while (q.next()) {
            m_dryApp->addItem(tr("%1 — %2").arg(q.value(2).toString(), q.value(3).toString()), q.value(0));
            m_dryApp->setItemData(m_dryApp->count() - 1, q.value(1), Qt::UserRole + 1);
        }
    }
    Q_EMIT m_dryApp->currentIndexChanged(m_dryApp->currentIndex());
    refreshIssues();
    setScope(scopeBefore);
}

void MappingEditor::setScope(const QString &jobId)
{
    const int i = m_scope->findData(jobId);
    if (i >= 0 && i != m_scope->currentIndex()) {
        m_scope->setCurrentIndex(i); // comes back here through the signal
        return;
    }
    m_targets->setScope(jobId);
    m_scopeHint->setText(jobId.isEmpty()
            ? tr(
                "Defaults apply to every job with a stage of that name. Drag a template onto a stage; drag a "
                "mapping to another stage to move it; drag it back to the templates or press Delete to "
                "remove it.")
            : tr("This job's stages in pipeline order. Grey entries are inherited defaults; dropping a "
                 "template "
                 "creates an override for this job only, and Delete resets it to the default."));
    refreshRulesPanel();
}

QString MappingEditor::scope() const
{
    return m_targets->scope();
}

bool MappingEditor::submit(const MappingChange &change, QString *error)
{
    if (!m_targets->apply(change, error)) {
        showError(tr("Not saved: %1").arg(*error));
        return false;
    }
    m_error->hide();
    m_undo->push(new MappingCommand(m_targets, change));
    Q_EMIT statusMessage(change.text);
    return true;
}

void MappingEditor::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void MappingEditor::refreshRulesPanel()
{
    const QModelIndex i = m_targetsView->currentIndex();
    const bool valid = i.isValid();
    const bool mapped = valid && !i.data(StageTargetsModel::TemplateIdRole).toString().isEmpty();
    m_pass->setEnabled(mapped);
    m_onPass->setEnabled(mapped);
    m_onFail->setEnabled(mapped);
    m_applyRules->setEnabled(mapped);
    m_reset->setEnabled(valid && !scope().isEmpty() && i.data(StageTargetsModel::OwnMappingRole).toBool());
    m_reset->setText(scope().isEmpty() ? tr("Unmap") : tr("Reset to default"));
    if (scope().isEmpty())
        m_reset->setEnabled(valid && i.data(StageTargetsModel::OwnMappingRole).toBool());
    if (!valid) {
        m_rulesTitle->setText(tr("Select a stage to edit its rules."));
        return;
    }
    const QString stage = i.data(StageTargetsModel::StageNameRole).toString();
    const QString source = i.data(StageTargetsModel::SourceRole).toString();
    QString title = mapped ? tr("<b>%1</b> → %2")
                                 .arg(stage.toHtmlEscaped(),
                                     i.data(StageTargetsModel::TemplateNameRole).toString().toHtmlEscaped())
                           : tr("<b>%1</b>: no interview").arg(stage.toHtmlEscaped());
    if (source == QLatin1String("override"))
        title += tr(" <span style='color:#6a1b9a'>(override for this job)</span>");
    else if (source == QLatin1String("inherited"))
        title += tr(" <span style='color:#8a8a8a'>(inherited default; editing creates an override)</span>");
    const QString warning = i.data(StageTargetsModel::WarningRole).toString();
    if (!warning.isEmpty())
        title += QStringLiteral("<br><span style='color:#b26a00'>⚠ %1</span>").arg(warning.toHtmlEscaped());
    m_rulesTitle->setText(title);

    QStringList names;
    for (int r = 0; r < m_targets->rowCount(); ++r)
        names << m_targets->index(r).data(StageTargetsModel::StageNameRole).toString();
    const QVariant pass = i.data(StageTargetsModel::PassThresholdRole);
    m_pass->setValue(pass.isValid() ? pass.toInt() : -1);
    m_onPass->clear();
    m_onPass->addItem(QString());
    m_onPass->addItems(names);
    m_onPass->setCurrentText(i.data(StageTargetsModel::OnPassRole).toString());
    m_onFail->clear();
    m_onFail->addItem(QString());
    m_onFail->addItem(QString::fromLatin1(MappingRules::Reject));
    m_onFail->addItems(names);
    m_onFail->setCurrentText(i.data(StageTargetsModel::OnFailRole).toString());
}

void MappingEditor::applyRules()
{
    const QModelIndex i = m_targetsView->currentIndex();
    if (!i.isValid())
        return;
    MappingRules r;
    if (m_pass->value() >= 0)
        r.passThreshold = m_pass->value();
    r.onPass = m_onPass->currentText().trimmed();
    r.onFail = m_onFail->currentText().trimmed();
    if (!r.passThreshold && (!r.onPass.isEmpty() || !r.onFail.isEmpty())) {
        showError(tr("Set a pass threshold for the on-pass and on-fail moves to apply."));
        return;
    }
    const int row = i.row();
    if (!m_targets->setRules(row, r) && !m_targets->lastError().isEmpty())
        showError(m_targets->lastError());
    m_targetsView->setCurrentIndex(m_targets->index(row));
}

void MappingEditor::refreshIssues()
{
    QSqlQuery stages(m_store->database());
    const bool anyStage = stages.exec(QStringLiteral("SELECT 1 FROM stages LIMIT 1")) && stages.next();
    m_firstRun->setVisible(anyStage && MappingRepository(*m_store, *m_clock).list().isEmpty());
    m_issues = findMappingIssues(*m_store);
    m_issueList->clear();
    for (const MappingIssue &issue : std::as_const(m_issues))
        m_issueList->addItem(issue.text);
    if (m_issues.isEmpty())
        m_issueList->addItem(tr("✓ No problems found."));
    m_fix->setEnabled(false);
}

bool MappingEditor::fixIssue(int index)
{
    if (index < 0 || index >= m_issues.size())
        return false;
    const MappingIssue issue = m_issues.at(index);
    QString error;
    switch (issue.kind) {
    case MappingIssue::Kind::StaleMapping: {
        const auto m = MappingRepository(*m_store, *m_clock).find(issue.subject.toLongLong());
        if (!m)
            return false;
        MappingChange c;
        c.text = tr("Remove stale mapping for %1").arg(m->stage);
        c.entries.append({ m->jobId, m->stage, m, std::nullopt });
        return submit(c, &error);
    }
    case MappingIssue::Kind::JobNeedsReview:
        if (!markJobReviewed(*m_store, issue.subject, &error)) {
            showError(error);
            return false;
        }
        reload();
        setScope(issue.subject);
        return true;
    case MappingIssue::Kind::TemplateWithoutQuestions:
        editTemplate(issue.subject);
        return true;
    }
    return false;
}

void MappingEditor::refreshDryRun()
{
    m_dryResult->setText(dryRun(m_dryApp->currentData().toString(), m_dryStage->currentData().toString()));
}

QString MappingEditor::dryRun(const QString &applicationId, const QString &stageId) const
{
    if (applicationId.isEmpty() || stageId.isEmpty())
        return tr("Pick a candidate and a stage.");
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral(
        "SELECT a.job_id, s.name, coalesce(s.stage_type, ''), trim(coalesce(c.first_name, '') || ' ' ||"
        " coalesce(c.last_name, '')) FROM applications a JOIN stages s ON s.id = ? AND s.job_id = a.job_id"
        " LEFT JOIN candidates c ON c.id = a.candidate_id WHERE a.id = ?"));
    q.addBindValue(stageId);
    q.addBindValue(applicationId);
    if (!q.exec() || !q.next())
        return tr("That stage is not in the candidate's job.");
    const QString jobId = q.value(0).toString();
    const QString stageName = q.value(1).toString();
    const QString who = q.value(3).toString();
    const MappingDecision d = MappingRepository(*m_store, *m_clock).resolve(jobId, stageId, stageName);
    if (!d.found())
        return tr("%1 moves to “%2”: nothing happens (no mapping for this stage). Nothing was sent.")
            .arg(who, stageName);
    const auto tpl = TemplateRepository(*m_store, *m_clock).find(d.templateId);
    QString text = tr("%1 moves to “%2”: Intrvio sends the interview “%3” (%4), %5.")
                       .arg(who, stageName, tpl ? tpl->name : d.templateId,
                           d.fromOverride() ? tr("this job's override") : tr("default for the stage name"),
                           rulesText(d.rules));
    if (d.stale)
        text += tr(" The mapping is flagged stale.");
    if (isWarnStageType(q.value(2).toString()))
        text += tr(" Warning: this is an Inbox or Hired stage.");
    return text + tr(" Nothing was sent.");
}

bool MappingEditor::importFile(const QString &path, QStringList *errors)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *errors = { tr("%1: %2").arg(path, f.errorString()) };
        return false;
    }
    if (f.size() > MappingFile::MaxFileBytes) {
        *errors = { tr("%1: the file is larger than %2 bytes").arg(path).arg(MappingFile::MaxFileBytes) };
        return false;
    }
    TemplateRepository templates(*m_store, *m_clock, m_audit.get());
    const MappingFile::ParseResult parsed = MappingFile::parse(f.readAll(), templates.ids());
    if (!parsed.ok()) {
        errors->clear();
        for (const ValidationProblem &p : parsed.problems)
            errors->append(p.toString());
        showError(errors->join(QLatin1Char('\n')));
        return false;
    }
    MappingRepository repo(*m_store, *m_clock, m_audit.get());
    MappingRepository::ImportSummary summary;
    QString error;
    if (!repo.importFile(parsed.contents, templates, QStringLiteral("admin"), &summary, &error)) {
        *errors = { error };
        showError(error);
        return false;
    }
    m_undo->clear(); // an import replaces everything; it is not undoable step by step
    showError({});
    reload();
    Q_EMIT statusMessage(summary.toString());
    return true;
}

bool MappingEditor::exportFile(const QString &path, QString *error) const
{
    const QByteArray json = MappingFile::serialize(
        TemplateRepository(*m_store, *m_clock).list(), MappingRepository(*m_store, *m_clock).list());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(json) != json.size() || !f.commit()) {
        *error = tr("%1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

void MappingEditor::editTemplate(const QString &templateId)
{
    TemplateRepository repo(*m_store, *m_clock, m_audit.get());
    InterviewTemplate tpl;
    const bool isNew = templateId.isEmpty();
    if (!isNew) {
        const auto found = repo.find(templateId);
        if (!found)
            return;
        tpl = *found;
    } else {
        tpl.id = QStringLiteral("new-template");
        tpl.name = tr("New template");
    }
    auto *dialog = new TemplateEditorDialog(tpl, isNew, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        TemplateRepository r(*m_store, *m_clock, m_audit.get());
        QString error;
        if (!r.save(dialog->currentTemplate(), QStringLiteral("admin"), &error))
            showError(error);
        reload();
    });
    dialog->open();
}

MappingWizard *MappingEditor::createWizard()
{
    return new MappingWizard(this, this);
}

} // namespace intrvio

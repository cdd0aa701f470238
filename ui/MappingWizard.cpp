#include "ui/MappingEditor.h"

#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMap>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QWizardPage>

#include <functional>

namespace intrvio {

namespace {

// A page whose hooks are lambdas, so the wizard keeps all its state in one place.
class HookPage : public QWizardPage
{
public:
    std::function<void()> onInit;
    std::function<bool()> onValidate;
    std::function<bool()> onComplete;
    void initializePage() override
    {
        if (onInit)
            onInit();
    }
    bool validatePage() override { return onValidate ? onValidate() : true; }
    bool isComplete() const override { return onComplete ? onComplete() : true; }
    void changed() { Q_EMIT completeChanged(); }
};

constexpr auto UseDefault = "\x01"
                            "default";

} // namespace

MappingWizard::MappingWizard(MappingEditor *editor, QWidget *parent)
    : QWizard(parent)
    , m_editor(editor)
    , m_jobs(loadJobStages(editor->store()))
{
    setObjectName(QStringLiteral("mappingWizard"));
    setWindowTitle(tr("Stage-mapping wizard"));
    setWizardStyle(QWizard::ClassicStyle);
    resize(760, 560);
    const QList<InterviewTemplate> templates = TemplateRepository(editor->store(), editor->clock()).list();
    const QList<StageMapping> existing = MappingRepository(editor->store(), editor->clock()).list();

    // 1. Stages.
    auto *stagesPage = new HookPage;
    stagesPage->setTitle(tr("Which stages start an interview?"));
    stagesPage->setSubTitle(tr("Tick the pipeline stages where candidates should get an Intrvio interview. "
                               "They apply to every job that has a stage with that name."));
    auto *sl = new QVBoxLayout(stagesPage);
    m_stages = new QListWidget(stagesPage);
    m_stages->setObjectName(QStringLiteral("wizardStages"));
    sl->addWidget(m_stages);
    {
        QMap<QString, QPair<QString, int>> names; // lower name → (name, jobs)
        QMap<QString, QString> types;
        QStringList order;
        for (const JobStages &j : std::as_const(m_jobs)) {
            for (int s = 0; s < j.stages.size(); ++s) {
                const QString key = j.stages.at(s).name.trimmed().toLower();
                if (!names.contains(key)) {
                    names.insert(key, { j.stages.at(s).name.trimmed(), 0 });
                    types.insert(key, j.stageTypes.value(s));
                    order << key;
                }
                names[key].second += 1;
            }
        }
        for (const QString &key : std::as_const(order)) {
            const bool warn = isWarnStageType(types.value(key));
            auto *item = new QListWidgetItem(warn
                    ? tr("%1 (%n job(s)) — ⚠ %2 stage, not recommended", nullptr, names.value(key).second)
                          .arg(names.value(key).first, types.value(key))
                    : tr("%1 (%n job(s))", nullptr, names.value(key).second).arg(names.value(key).first),
                m_stages);
            item->setData(Qt::UserRole, names.value(key).first);
            bool mapped = false;
            for (const StageMapping &m : existing)
                mapped = mapped
                    || (m.isDefault()
                        && m.stage.trimmed().compare(names.value(key).first, Qt::CaseInsensitive) == 0);
            item->setCheckState(mapped ? Qt::Checked : Qt::Unchecked);
        }
    }
    stagesPage->onComplete = [this] { return !chosenStages().isEmpty(); };
    connect(m_stages, &QListWidget::itemChanged, stagesPage, [stagesPage] { stagesPage->changed(); });
    setPage(StagesPageId, stagesPage);

    // 2. Templates per stage.
    auto *tplPage = new HookPage;
    tplPage->setTitle(tr("Which interview for each stage?"));
    tplPage->setSubTitle(tr("Pick the template candidates get when they enter each stage."));
    auto *tl = new QVBoxLayout(tplPage);
    m_templates = new QTableWidget(0, 2, tplPage);
    m_templates->setObjectName(QStringLiteral("wizardTemplates"));
    m_templates->setHorizontalHeaderLabels({ tr("Stage"), tr("Template") });
    m_templates->horizontalHeader()->setStretchLastSection(true);
    m_templates->verticalHeader()->hide();
    tl->addWidget(m_templates);
    tplPage->onInit = [this, templates, existing] {
        m_templates->setRowCount(0);
        for (const QString &stage : chosenStages()) {
            const int r = m_templates->rowCount();
            m_templates->insertRow(r);
            m_templates->setItem(r, 0, new QTableWidgetItem(stage));
            auto *combo = new QComboBox(m_templates);
            for (const InterviewTemplate &t : templates)
                combo->addItem(t.name, t.id);
            // Preselect: the current default, else a template named like the stage.
            int pick = -1;
            for (const StageMapping &m : existing) {
                if (m.isDefault() && m.stage.compare(stage, Qt::CaseInsensitive) == 0)
                    pick = combo->findData(m.templateId);
            }
            for (int i = 0; pick < 0 && i < combo->count(); ++i) {
                if (combo->itemText(i).contains(stage, Qt::CaseInsensitive))
                    pick = i;
            }
            combo->setCurrentIndex(qMax(0, pick));
            m_templates->setCellWidget(r, 1, combo);
        }
        m_templates->resizeColumnToContents(0);
    };
    setPage(TemplatesPageId, tplPage);

    // 3. Per-job exceptions.
    auto *excPage = new HookPage;
    excPage->setTitle(tr("Any exceptions for single jobs?"));
    excPage->setSubTitle(tr("Every job with the stage uses the default. Pick a different template here for a "
                            "job that needs one; existing overrides are kept unless you change them."));
    auto *el = new QVBoxLayout(excPage);
    m_exceptions = new QTableWidget(0, 3, excPage);
    m_exceptions->setObjectName(QStringLiteral("wizardExceptions"));
    m_exceptions->setHorizontalHeaderLabels({ tr("Job"), tr("Stage"), tr("Template") });
    m_exceptions->horizontalHeader()->setStretchLastSection(true);
    m_exceptions->verticalHeader()->hide();
    el->addWidget(m_exceptions);
    auto *missing = new QLabel(excPage);
    missing->setObjectName(QStringLiteral("wizardMissing"));
    missing->setWordWrap(true);
    el->addWidget(missing);
    excPage->onInit = [this, templates, existing, missing] {
        m_exceptions->setRowCount(0);
        QStringList without;
        for (const QString &stage : chosenStages()) {
            for (const JobStages &j : std::as_const(m_jobs)) {
                const StageInfo *info = nullptr;
                for (const StageInfo &s : j.stages) {
                    if (s.name.trimmed().compare(stage, Qt::CaseInsensitive) == 0)
                        info = &s;
                }
                if (!info) {
                    without << tr("%1 has no “%2” stage").arg(j.title, stage);
                    continue;
                }
                const int r = m_exceptions->rowCount();
                m_exceptions->insertRow(r);
                auto *jobItem = new QTableWidgetItem(j.title);
                jobItem->setData(Qt::UserRole, j.id);
                m_exceptions->setItem(r, 0, jobItem);
                auto *stageItem = new QTableWidgetItem(info->name);
                stageItem->setData(Qt::UserRole, info->id);
                m_exceptions->setItem(r, 1, stageItem);
                auto *combo = new QComboBox(m_exceptions);
                combo->addItem(tr("Default for “%1”").arg(stage), QString::fromLatin1(UseDefault));
                for (const InterviewTemplate &t : templates)
                    combo->addItem(t.name, t.id);
                for (const StageMapping &m : existing) {
                    if (m.jobId == j.id
                        && (m.stage == info->id || m.stage.compare(info->name, Qt::CaseInsensitive) == 0))
                        combo->setCurrentIndex(qMax(0, combo->findData(m.templateId)));
                }
                m_exceptions->setCellWidget(r, 2, combo);
            }
        }
        m_exceptions->resizeColumnsToContents();
        missing->setText(
            without.isEmpty() ? QString() : tr("Not affected: %1.").arg(without.join(QStringLiteral("; "))));
    };
    setPage(ExceptionsPageId, excPage);

    // 4. Confirm (commits).
    auto *confirmPage = new HookPage;
    confirmPage->setTitle(tr("Confirm"));
    confirmPage->setSubTitle(
        tr("These changes are saved when you continue (and can be undone in the editor)."));
    confirmPage->setCommitPage(true);
    confirmPage->setButtonText(QWizard::CommitButton, tr("Save mappings"));
    auto *cl = new QVBoxLayout(confirmPage);
    m_summary = new QLabel(confirmPage);
    m_summary->setObjectName(QStringLiteral("wizardSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    cl->addWidget(m_summary);
    cl->addStretch(1);
    confirmPage->onInit = [this] { fillSummary(); };
    confirmPage->onValidate = [this] {
        QString error;
        if (!commit(&error)) {
            m_summary->setText(m_summary->text()
                + QStringLiteral("<p style='color:#c62828'>%1</p>").arg(error.toHtmlEscaped()));
            return false;
        }
        return true;
    };
    setPage(ConfirmPageId, confirmPage);

    // 5. Triggers to create in Teamtailor.
    auto *trigPage = new HookPage;
    trigPage->setTitle(tr("Now create the triggers in Teamtailor"));
    trigPage->setSubTitle(tr("Intrvio starts an interview when Teamtailor calls it. In Teamtailor, add this "
                             "trigger to each stage below (Job → Pipeline → stage → Triggers)."));
    auto *gl = new QVBoxLayout(trigPage);
    m_triggers = new QTextBrowser(trigPage);
    m_triggers->setObjectName(QStringLiteral("wizardTriggers"));
    gl->addWidget(m_triggers);
    trigPage->onInit = [this] { m_triggers->setHtml(triggerInstructions()); };
    setPage(TriggersPageId, trigPage);
    setStartId(StagesPageId);
}

QStringList MappingWizard::chosenStages() const
{
    QStringList out;
    for (int i = 0; i < m_stages->count(); ++i) {
        if (m_stages->item(i)->checkState() == Qt::Checked)
            out << m_stages->item(i)->data(Qt::UserRole).toString();
    }
    return out;
}

MappingChange MappingWizard::plannedChange() const
{
    MappingChange c;
    c.text = tr("Stage-mapping wizard");
    const QList<StageMapping> existing = MappingRepository(m_editor->store(), m_editor->clock()).list();
    auto current = [&](const QString &jobId, const QString &stage) -> std::optional<StageMapping> {
        for (const StageMapping &m : existing) {
            if (m.jobId == jobId && m.stage.trimmed().compare(stage.trimmed(), Qt::CaseInsensitive) == 0)
                return m;
        }
        return std::nullopt;
    };
    auto put = [&](const QString &jobId, const QString &stage, const QString &templateId) {
        const std::optional<StageMapping> before = current(jobId, stage);
        std::optional<StageMapping> after;
        if (!templateId.isEmpty()) {
            StageMapping m = before.value_or(StageMapping {});
            m.id = 0;
            m.jobId = jobId;
            m.stage = before ? before->stage : stage;
            m.templateId = templateId;
            m.stale = false;
            m.staleReason.clear();
            after = m;
        }
        if (before && after && before->templateId == after->templateId)
            return;
        if (!before && !after)
            return;
        c.entries.append({ jobId, before ? before->stage : stage, before, after });
    };
    // Defaults: chosen stages get their template; defaults of unticked stages are removed.
    const QStringList chosen = chosenStages();
    for (int r = 0; r < m_templates->rowCount(); ++r) {
        auto *combo = qobject_cast<QComboBox *>(m_templates->cellWidget(r, 1));
        put(QString(), m_templates->item(r, 0)->text(), combo ? combo->currentData().toString() : QString());
    }
    for (int i = 0; i < m_stages->count(); ++i) {
        if (m_stages->item(i)->checkState() != Qt::Checked)
            put(QString(), m_stages->item(i)->data(Qt::UserRole).toString(), QString());
    }
    // Exceptions: an override when a template is picked, none when "default" is.
    for (int r = 0; r < m_exceptions->rowCount(); ++r) {
        auto *combo = qobject_cast<QComboBox *>(m_exceptions->cellWidget(r, 2));
        const QString jobId = m_exceptions->item(r, 0)->data(Qt::UserRole).toString();
        const QString stageId = m_exceptions->item(r, 1)->data(Qt::UserRole).toString();
        const QString stageName = m_exceptions->item(r, 1)->text();
        const QString pick = combo ? combo->currentData().toString() : QString::fromLatin1(UseDefault);
        const std::optional<StageMapping> byName = current(jobId, stageName);
        const QString key = byName ? byName->stage : stageId;
        put(jobId, key, pick == QLatin1String(UseDefault) ? QString() : pick);
    }
    Q_UNUSED(chosen)
    return c;
}

void MappingWizard::fillSummary()
{
    const MappingChange c = plannedChange();
    const QList<InterviewTemplate> templates
        = TemplateRepository(m_editor->store(), m_editor->clock()).list();
    auto name = [&](const QString &id) {
        for (const InterviewTemplate &t : templates) {
            if (t.id == id)
                return t.name;
        }
        return id;
    };
    auto jobTitle = [&](const QString &id) {
        for (const JobStages &j : std::as_const(m_jobs)) {
            if (j.id == id)
                return j.title;
        }
        return id;
    };
    QString html = QStringLiteral("<ul>");
    for (const MappingChange::Entry &e : c.entries) {
        QString stage = e.stage;
        for (const JobStages &j : std::as_const(m_jobs)) {
            for (const StageInfo &s : j.stages) {
                if (s.id == e.stage)
                    stage = s.name;
            }
        }
        const QString where = e.jobId.isEmpty() ? tr("All jobs, “%1”").arg(stage)
                                                : tr("%1, “%2” (override)").arg(jobTitle(e.jobId), stage);
        html += QStringLiteral("<li>%1: %2</li>")
                    .arg(where.toHtmlEscaped(),
                        e.after ? name(e.after->templateId).toHtmlEscaped()
                                : (e.jobId.isEmpty() ? tr("no interview") : tr("back to the default")));
    }
    html += QStringLiteral("</ul>");
    if (c.entries.isEmpty())
        html = tr("<p>Nothing to change: the mappings already look like this.</p>");
    m_summary->setText(html);
}

bool MappingWizard::commit(QString *error)
{
    if (m_committed)
        return true;
    const MappingChange c = plannedChange();
    if (!c.isEmpty() && !m_editor->submit(c, error))
        return false;
    m_committed = true;
    return true;
}

QString MappingWizard::triggerInstructions() const
{
    QString html;
    for (const QString &stage : chosenStages()) {
        QStringList jobs;
        for (const JobStages &j : std::as_const(m_jobs)) {
            for (const StageInfo &s : j.stages) {
                if (s.name.trimmed().compare(stage, Qt::CaseInsensitive) == 0)
                    jobs << j.title.toHtmlEscaped();
            }
        }
        html += tr("<p><b>Send Intrvio interview</b> on stage <b>%1</b> in: %2</p>")
                    .arg(stage.toHtmlEscaped(),
                        jobs.isEmpty() ? tr("(no job has this stage yet)") : jobs.join(QStringLiteral(", ")));
    }
    return html;
}

} // namespace intrvio

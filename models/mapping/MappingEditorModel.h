#pragma once

#include "models/interview/Mapping.h"
#include "models/interview/Template.h"

#include <QAbstractListModel>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace intrvio {

class AuditLog;
class Clock;
class Store;

// MIME types of the stage-mapping editor's drags. Both carry stable ids as JSON:
//   template: {"template": "<template id>"}
//   mapping:  {"scope": "<job id or ''>", "stage": "<stage key>", "mapping": <row id>}
namespace MappingMime {
constexpr auto Template = "application/x-intrvio-template";
constexpr auto Mapping = "application/x-intrvio-mapping";
} // namespace MappingMime

// One edit of the mappings: every touched (job, stage) key with its state before and after
// (nullopt: no mapping). Applying `after` and reverting to `before` are symmetric, which is what the
// undo stack relies on.
struct MappingChange
{
    struct Entry
    {
        QString jobId;
        QString stage;
        std::optional<StageMapping> before;
        std::optional<StageMapping> after;
    };
    QString text; // for the undo menu, e.g. "Map Phone screen"
    QList<Entry> entries;

    bool isEmpty() const { return entries.isEmpty(); }
    MappingChange inverted() const;
};

// Applies `change` (its `after` states) in one transaction: every key is deleted and re-inserted as
// required, and each step is written to the audit log on the same connection. On any error nothing
// changes. Row ids of re-inserted mappings are new; everything else is restored exactly.
bool applyMappingChange(Store &store, const Clock &clock, AuditLog *audit, const MappingChange &change,
    const QString &actor, QString *error);

// The interview templates as a draggable palette (MappingMime::Template).
class TemplatePaletteModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { TemplateIdRole = Qt::UserRole + 1, QuestionCountRole };

    explicit TemplatePaletteModel(Store &store, QObject *parent = nullptr);
    void reload();
    const QList<InterviewTemplate> &templates() const { return m_templates; }
    int rowOf(const QString &templateId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
    // A mapping dropped on the palette is removed ("drag out to unmap").
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
        const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
        const QModelIndex &parent) override;
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction | Qt::CopyAction; }

Q_SIGNALS:
    // Emitted for a mapping dropped on the palette; the editor unmaps it.
    void mappingDroppedOut(const QString &scope, const QString &stage);

private:
    Store &m_store;
    QList<InterviewTemplate> m_templates;
};

// The drop targets of one scope. Default scope (empty job id): the distinct stage names across all
// jobs, each with the number of jobs that have it, plus default mappings whose stage no longer
// exists. Job scope: the job's stages in row order, each showing its override or the inherited
// default. Every edit goes through the change handler (by default applied to the store at once; the
// GUI routes it through its undo stack).
class StageTargetsModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        StageKeyRole = Qt::UserRole + 1, // default scope: the stage name; job scope: the stage id
        StageNameRole,
        StageIdRole, // job scope only
        JobCountRole, // default scope: how many jobs have the stage
        StageTypeRole,
        TemplateIdRole, // the template that applies (own or inherited), empty when none
        TemplateNameRole,
        SourceRole, // "override", "default" (own default in default scope), "inherited", ""
        OwnMappingRole, // bool: this scope's own mapping (draggable, removable)
        WarningRole, // e.g. Inbox / Hired stage warning, stale reason
        PassThresholdRole, // int or invalid
        OnPassRole,
        OnFailRole,
    };
    using ChangeHandler = std::function<bool(const MappingChange &, QString *error)>;

    StageTargetsModel(Store &store, const Clock &clock, AuditLog *audit, QObject *parent = nullptr);

    void setScope(const QString &jobId); // empty: all jobs (default by stage name)
    QString scope() const { return m_scope; }
    void reload();
    void setChangeHandler(ChangeHandler handler) { m_handler = std::move(handler); }
    // Applies a change without the handler (the undo stack calls this).
    bool apply(const MappingChange &change, QString *error);
    QString lastError() const { return m_lastError; }

    // Edits (each one change through the handler).
    bool mapTemplate(int row, const QString &templateId);
    bool moveMapping(int fromRow, int toRow);
    bool unmap(int row); // in a job scope: reset the override to the default
    bool setRules(int row, const MappingRules &rules);
    // The change a mapping drag dropped elsewhere would make (used by drag-out and Delete).
    bool unmapKey(const QString &scope, const QString &stage);

    int rowOfStage(const QString &nameOrId) const;
    std::optional<StageMapping> ownMapping(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override { return Qt::MoveAction; }
    Qt::DropActions supportedDropActions() const override { return Qt::CopyAction | Qt::MoveAction; }
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
        const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
        const QModelIndex &parent) override;

Q_SIGNALS:
    void changed(); // after an edit was applied (or undone)

private:
    struct Target
    {
        QString key; // default scope: name; job scope: stage id
        QString name;
        QString stageType;
        int jobCount = 0;
        std::optional<StageMapping> own; // this scope's mapping for the target
        MappingDecision decision; // what applies
        QString warning;
    };
    int targetRow(int row, const QModelIndex &parent) const;
    bool submit(const MappingChange &change);
    MappingChange::Entry entryFor(const Target &t, std::optional<StageMapping> after) const;

    Store &m_store;
    const Clock &m_clock;
    AuditLog *m_audit;
    QString m_scope;
    QList<Target> m_targets;
    QList<StageMapping> m_mappings;
    QStringList m_templateIds;
    QMap<QString, QString> m_templateNames;
    ChangeHandler m_handler;
    QString m_lastError;
};

// A problem the validation panel lists, with the one-click fix it offers.
struct MappingIssue
{
    enum class Kind { StaleMapping, JobNeedsReview, TemplateWithoutQuestions };
    Kind kind;
    QString subject; // mapping row id, job id or template id
    QString text; // for the admin
    QString fixText; // the button's label
};

// Stale mappings (judged now against the synced stages), jobs published since the last review and
// templates without questions.
QList<MappingIssue> findMappingIssues(Store &store);
// Marks a job as reviewed (jobs.needs_review = 0).
bool markJobReviewed(Store &store, const QString &jobId, QString *error);

// A job with its stages (row order), for the GUI's scope selector, wizard and dry run.
struct JobStages
{
    QString id;
    QString title;
    bool needsReview = false;
    QList<StageInfo> stages;
    QStringList stageTypes; // parallel to stages
};
QList<JobStages> loadJobStages(Store &store);

// True for the stage types where an interview makes no sense (Inbox, Hired).
bool isWarnStageType(const QString &stageType);

} // namespace intrvio

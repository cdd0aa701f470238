#pragma once

#include "models/admin/AdminInterfaces.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QVariant>
#include <QWidget>

#include <functional>

class QLabel;
class QListView;
class QHBoxLayout;
class QPushButton;
class QTimer;

namespace intrvio {

class Store;

// One job's pipeline as a two-level model: top-level rows are the stages in row order, their
// children the applications (cards) in that stage. Cards can be dragged (mimeData) and dropped on a
// stage or on a card of it (dropMimeData), which moves the card and emits cardMoved.
class PipelineModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    static constexpr auto MimeType = "application/x-intrvio-application-ids";

    explicit PipelineModel(Store *store, QObject *parent = nullptr);

    void load(const QString &jobId);
    QString jobId() const { return m_jobId; }

    QModelIndex stageIndex(const QString &stageId) const;
    QModelIndex cardIndex(const QString &applicationId) const;
    QString stageOf(const QString &applicationId) const;
    QString stageName(const QString &stageId) const;
    QString cardName(const QString &applicationId) const;
    // Moves the card to the end of the stage; false when either is unknown. No signal but the
    // model's own: this is how the board applies, reverts and undoes.
    bool moveCard(const QString &applicationId, const QString &stageId);
    // A move the user asked for (a drop, or a key on the board): moves the card and emits cardMoved.
    bool moveCardByUser(const QString &applicationId, const QString &stageId);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
        const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
        const QModelIndex &parent) override;
    Qt::DropActions supportedDragActions() const override;
    Qt::DropActions supportedDropActions() const override;

Q_SIGNALS:
    // A drop moved the card (already applied to the model).
    void cardMoved(const QString &applicationId, const QString &fromStageId, const QString &toStageId);

private:
    struct Card
    {
        QString applicationId;
        QString name;
        QString resultState;
        QVariant score;
    };
    struct Column
    {
        QString stageId;
        QString name;
        QList<Card> cards;
    };
    static constexpr quintptr StageTag = ~quintptr(0);
    QString dropStage(const QModelIndex &parent) const;
    QStringList idsOf(const QMimeData *data) const;

    Store *m_store;
    QString m_jobId;
    QList<Column> m_columns;
};

// The board: one column per stage, candidate cards with their partner-result badge. A drop moves
// the card at once; the move is sent to Teamtailor after `undoMs` unless Undo is pressed, and a
// refused move puts the card back with the reason.
class PipelineBoard : public QWidget
{
    Q_OBJECT
public:
    PipelineBoard(Store *store, StageMover *mover, QWidget *parent = nullptr);
    ~PipelineBoard() override;

    void setJob(const QString &jobId);
    void reload();
    PipelineModel *model() const { return m_model; }
    QListView *column(const QString &stageId) const;
    // How long Undo is offered before the move is sent (default 5 s; 0 sends at once).
    void setUndoMs(int ms) { m_undoMs = ms; }
    int undoMs() const { return m_undoMs; }
    // Undoes the newest move that was not sent yet. False when there is none.
    bool undo();
    // The keyboard's drag: moves the selected card of the focused column one stage to the right
    // (+1, Ctrl+Right) or left (-1, Ctrl+Left), keeping it selected. False when nothing moved.
    bool moveSelectedCard(int step);
    int pendingMoves() const { return int(m_pending.size()); }

Q_SIGNALS:
    void moveFinished(const QString &applicationId, bool ok, const QString &message);

private:
    struct Pending
    {
        QString fromStageId;
        QString toStageId;
        // Movers that queue at once: the Undo offer (null once it ended). Others: the wait before
        // sending (null once sent).
        QTimer *timer = nullptr;
        bool sent = false;
        quint64 serial = 0; // answers for an older send of the same card are ignored
    };
    void rebuildColumns();
    void onCardMoved(const QString &applicationId, const QString &fromStageId, const QString &toStageId);
    void send(const QString &applicationId);
    void setStatus(const QString &text, bool error);

    PipelineModel *m_model;
    StageMover *m_mover;
    int m_undoMs = 5000;
    QHash<QString, Pending> m_pending;
    QStringList m_undoOrder; // newest last
    quint64 m_serial = 0;
    QWidget *m_columnsHost = nullptr;
    QHBoxLayout *m_columnsLayout = nullptr;
    QList<QPointer<QObject>> m_columnWidgets; // column frames and their delegate
    QLabel *m_status = nullptr;
    QPushButton *m_undo = nullptr;
};

} // namespace intrvio

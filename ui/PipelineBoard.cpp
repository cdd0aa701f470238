#include "ui/PipelineBoard.h"

#include "models/Store.h"
#include "models/admin/AdminInterfaces.h"
#include "ui/ResultBadgeDelegate.h"

#include <QAction>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QVBoxLayout>

namespace intrvio {

namespace {

// A card: the candidate's name on the first line, the partner-result badge on the second.
class CardDelegate : public ResultBadgeDelegate
{
public:
    using ResultBadgeDelegate::ResultBadgeDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const QRect card = option.rect.adjusted(2, 2, -2, -2);
        const bool selected = option.state & QStyle::State_Selected;
        painter->setPen(QPen(selected ? option.palette.highlight().color() : QColor(0xd0, 0xd4, 0xdc), 1));
        painter->setBrush(option.palette.base());
        painter->drawRoundedRect(card, 6, 6);
        const QFontMetrics fm(option.font);
        const QRect nameRect(card.left() + 8, card.top() + 6, card.width() - 16, fm.height());
        painter->setPen(option.palette.text().color());
        QFont bold = option.font;
        bold.setBold(true);
        painter->setFont(bold);
        painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetrics(bold).elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight, nameRect.width()));
        const QString state = index.data(AdminRole::ResultState).toString();
        const QRect badgeCell(card.left() + 8, nameRect.bottom() + 4, card.width() - 16, fm.height() + 6);
        if (state.isEmpty()) {
            painter->setFont(option.font);
            painter->setPen(option.palette.placeholderText().color());
            painter->drawText(badgeCell, Qt::AlignLeft | Qt::AlignVCenter, PipelineBoard::tr("no interview"));
        } else {
            paintBadge(painter, badgeCell, option.font, styleFor(state, index.data(AdminRole::ResultScore)));
        }
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const override
    {
        const QFontMetrics fm(option.font);
        return { 200, 2 * fm.height() + 24 };
    }
};

} // namespace

// --- model -----------------------------------------------------------------------------------

PipelineModel::PipelineModel(Store *store, QObject *parent)
    : QAbstractItemModel(parent)
    , m_store(store)
{ }

void PipelineModel::load(const QString &jobId)
{
    beginResetModel();
    m_jobId = jobId;
    m_columns.clear();
    if (m_store && !jobId.isEmpty()) {
        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral("SELECT id, name FROM stages WHERE job_id = ? ORDER BY row_order, id"));
        q.addBindValue(jobId);
        if (q.exec()) {
            while (q.next())
                m_columns.append({ q.value(0).toString(), q.value(1).toString(), {} });
        }
        QSqlQuery c(m_store->database());
        c.prepare(QStringLiteral(
            "SELECT a.id, a.stage_id,"
            " trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')),"
            " (SELECT coalesce(pr.status, i.state) FROM interviews i LEFT JOIN partner_results pr"
            "   ON pr.id = i.partner_result_id WHERE i.application_id = a.id ORDER BY i.id DESC LIMIT 1),"
            " (SELECT i.score FROM interviews i WHERE i.application_id = a.id ORDER BY i.id DESC LIMIT 1)"
            " FROM applications a LEFT JOIN candidates c ON c.id = a.candidate_id"
            " WHERE a.job_id = ? AND a.rejected_at IS NULL"
            " ORDER BY a.changed_stage_at, a.created_at, a.id"));
        c.addBindValue(jobId);
        if (c.exec()) {
            while (c.next()) {
                const QString stageId = c.value(1).toString();
                for (Column &col : m_columns) {
                    if (col.stageId == stageId) {
                        QString name = c.value(2).toString();
                        if (name.isEmpty())
                            name = tr("Candidate %1").arg(c.value(0).toString());
                        col.cards.append({ c.value(0).toString(), name, c.value(3).toString(),
                            c.value(4).isNull() ? QVariant() : QVariant(c.value(4).toInt()) });
                        break;
                    }
                }
            }
        }
    }
    endResetModel();
}

QModelIndex PipelineModel::stageIndex(const QString &stageId) const
{
    for (int i = 0; i < m_columns.size(); ++i) {
        if (m_columns.at(i).stageId == stageId)
            return createIndex(i, 0, StageTag);
    }
    return {};
}

QModelIndex PipelineModel::cardIndex(const QString &applicationId) const
{
    for (int i = 0; i < m_columns.size(); ++i) {
        const QList<Card> &cards = m_columns.at(i).cards;
        for (int r = 0; r < cards.size(); ++r) {
            if (cards.at(r).applicationId == applicationId)
                return createIndex(r, 0, quintptr(i));
        }
    }
    return {};
}

QString PipelineModel::stageOf(const QString &applicationId) const
{
    const QModelIndex card = cardIndex(applicationId);
    return card.isValid() ? m_columns.at(int(card.internalId())).stageId : QString();
}

QString PipelineModel::stageName(const QString &stageId) const
{
    const QModelIndex s = stageIndex(stageId);
    return s.isValid() ? m_columns.at(s.row()).name : stageId;
}

QString PipelineModel::cardName(const QString &applicationId) const
{
    const QModelIndex card = cardIndex(applicationId);
    return card.isValid() ? m_columns.at(int(card.internalId())).cards.at(card.row()).name : applicationId;
}

bool PipelineModel::moveCard(const QString &applicationId, const QString &stageId)
{
    const QModelIndex card = cardIndex(applicationId);
    const QModelIndex to = stageIndex(stageId);
    if (!card.isValid() || !to.isValid())
        return false;
    const int from = int(card.internalId());
    if (from == to.row())
        return true;
    const QModelIndex fromParent = createIndex(from, 0, StageTag);
    const int destRow = int(m_columns.at(to.row()).cards.size());
    if (!beginMoveRows(fromParent, card.row(), card.row(), to, destRow))
        return false;
    m_columns[to.row()].cards.append(m_columns[from].cards.takeAt(card.row()));
    endMoveRows();
    return true;
}

QModelIndex PipelineModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_columns.size() ? createIndex(row, 0, StageTag) : QModelIndex();
    if (parent.internalId() != StageTag || parent.row() >= m_columns.size())
        return {};
    return row < m_columns.at(parent.row()).cards.size() ? createIndex(row, 0, quintptr(parent.row()))
                                                         : QModelIndex();
}

QModelIndex PipelineModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == StageTag)
        return {};
    return createIndex(int(child.internalId()), 0, StageTag);
}

int PipelineModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_columns.size());
    if (parent.column() != 0 || parent.internalId() != StageTag)
        return 0;
    return int(m_columns.at(parent.row()).cards.size());
}

int PipelineModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QVariant PipelineModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == StageTag) {
        const Column &col = m_columns.at(index.row());
        switch (role) {
        case Qt::DisplayRole:
            return col.name;
        case AdminRole::Id:
            return col.stageId;
        default:
            return {};
        }
    }
    const Card &card = m_columns.at(int(index.internalId())).cards.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return card.name;
    case Qt::ToolTipRole:
        return card.resultState.isEmpty() ? card.name : card.name + QStringLiteral(" — ") + card.resultState;
    case AdminRole::Id:
        return card.applicationId;
    case AdminRole::ResultState:
        return card.resultState;
    case AdminRole::ResultScore:
        return card.score;
    default:
        return {};
    }
}

Qt::ItemFlags PipelineModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (index.internalId() == StageTag)
        return Qt::ItemIsEnabled | Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
}

QStringList PipelineModel::mimeTypes() const
{
    return { QLatin1String(MimeType) };
}

QMimeData *PipelineModel::mimeData(const QModelIndexList &indexes) const
{
    QStringList ids;
    for (const QModelIndex &i : indexes) {
        if (i.isValid() && i.internalId() != StageTag)
            ids.append(i.data(AdminRole::Id).toString());
    }
    if (ids.isEmpty())
        return nullptr;
    auto *data = new QMimeData;
    data->setData(QLatin1String(MimeType), ids.join(QLatin1Char('\n')).toUtf8());
    return data;
}

QStringList PipelineModel::idsOf(const QMimeData *data) const
{
    if (!data || !data->hasFormat(QLatin1String(MimeType)))
        return {};
    QStringList ids;
    const QList<QByteArray> parts = data->data(QLatin1String(MimeType)).split('\n');
    for (const QByteArray &p : parts) {
        const QString id = QString::fromUtf8(p);
        if (!id.isEmpty() && cardIndex(id).isValid())
            ids.append(id);
    }
    return ids;
}

QString PipelineModel::dropStage(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return {};
    if (parent.internalId() == StageTag)
        return m_columns.at(parent.row()).stageId;
    return m_columns.at(int(parent.internalId())).stageId; // dropped on a card: its stage
}

bool PipelineModel::canDropMimeData(
    const QMimeData *data, Qt::DropAction action, int, int, const QModelIndex &parent) const
{
    return (action == Qt::MoveAction || action == Qt::CopyAction) && !dropStage(parent).isEmpty()
        && !idsOf(data).isEmpty();
}

bool PipelineModel::dropMimeData(
    const QMimeData *data, Qt::DropAction action, int row, int column, const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const QString to = dropStage(parent);
    for (const QString &id : idsOf(data))
        moveCardByUser(id, to);
    // The model moved the rows itself; the source view's removeRows() after a MoveAction is a no-op.
    return true;
}

bool PipelineModel::moveCardByUser(const QString &applicationId, const QString &stageId)
{
    const QString from = stageOf(applicationId);
    if (from == stageId || !moveCard(applicationId, stageId))
        return false;
    Q_EMIT cardMoved(applicationId, from, stageId);
    return true;
}

Qt::DropActions PipelineModel::supportedDragActions() const
{
    return Qt::MoveAction;
}

Qt::DropActions PipelineModel::supportedDropActions() const
{
    return Qt::MoveAction | Qt::CopyAction;
}

// --- board -----------------------------------------------------------------------------------

PipelineBoard::PipelineBoard(Store *store, StageMover *mover, QWidget *parent)
    : QWidget(parent)
    , m_model(new PipelineModel(store, this))
    , m_mover(mover)
{
    setObjectName(QStringLiteral("pipelineBoard"));
    auto *layout = new QVBoxLayout(this);
    auto *statusRow = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("boardStatus"));
    m_status->setWordWrap(true);
    m_status->setText(tr("Drag a candidate to another stage (or select them and press Ctrl+Right / Ctrl+Left) to move them in Teamtailor."));
    statusRow->addWidget(m_status, 1);
    m_undo = new QPushButton(tr("Undo"), this);
    m_undo->setObjectName(QStringLiteral("boardUndo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->hide();
    statusRow->addWidget(m_undo);
    layout->addLayout(statusRow);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    m_columnsHost = new QWidget(scroll);
    m_columnsLayout = new QHBoxLayout(m_columnsHost);
    m_columnsLayout->setAlignment(Qt::AlignLeft);
    scroll->setWidget(m_columnsHost);
    layout->addWidget(scroll, 1);

    connect(m_undo, &QPushButton::clicked, this, [this] { undo(); });
    auto *moveRight = new QAction(tr("Move to the next stage"), this);
    moveRight->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Right));
    moveRight->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(moveRight, &QAction::triggered, this, [this] { moveSelectedCard(+1); });
    auto *moveLeft = new QAction(tr("Move to the previous stage"), this);
    moveLeft->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Left));
    moveLeft->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(moveLeft, &QAction::triggered, this, [this] { moveSelectedCard(-1); });
    addActions({ moveRight, moveLeft });
    connect(m_model, &QAbstractItemModel::modelReset, this, &PipelineBoard::rebuildColumns);
    connect(m_model, &PipelineModel::cardMoved, this, &PipelineBoard::onCardMoved);
    auto updateHeaders = [this] {
        for (int i = 0; i < m_model->rowCount(); ++i) {
            const QModelIndex s = m_model->index(i, 0);
            const QString id = s.data(AdminRole::Id).toString();
            if (auto *h = m_columnsHost->findChild<QLabel *>(QStringLiteral("stageHeader_") + id))
                h->setText(QStringLiteral("%1 (%2)").arg(s.data().toString()).arg(m_model->rowCount(s)));
        }
    };
    connect(m_model, &QAbstractItemModel::rowsMoved, this, updateHeaders);
    connect(m_model, &QAbstractItemModel::modelReset, this, updateHeaders);
}

PipelineBoard::~PipelineBoard() = default;

void PipelineBoard::setJob(const QString &jobId)
{
    if (jobId != m_model->jobId()) {
        for (const Pending &p : std::as_const(m_pending))
            delete p.timer; // moves not sent yet are dropped with the job they belong to
        m_pending.clear();
        m_undoOrder.clear();
        m_undo->hide();
    }
    m_model->load(jobId);
}

void PipelineBoard::reload()
{
    m_model->load(m_model->jobId());
    // Moves not confirmed yet stay visible where the user put them.
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
        m_model->moveCard(it.key(), it.value().toStageId);
}

QListView *PipelineBoard::column(const QString &stageId) const
{
    return m_columnsHost->findChild<QListView *>(QStringLiteral("stageColumn_") + stageId);
}

void PipelineBoard::rebuildColumns()
{
    for (const QPointer<QObject> &w : std::as_const(m_columnWidgets))
        delete w.data();
    m_columnWidgets.clear();
    auto *delegate = new CardDelegate(m_columnsHost);
    for (int i = 0; i < m_model->rowCount(); ++i) {
        const QModelIndex stage = m_model->index(i, 0);
        const QString id = stage.data(AdminRole::Id).toString();
        auto *frame = new QFrame(m_columnsHost);
        frame->setObjectName(QStringLiteral("stageFrame_") + id);
        frame->setFrameShape(QFrame::StyledPanel);
        frame->setFixedWidth(230);
        auto *fl = new QVBoxLayout(frame);
        auto *header = new QLabel(frame);
        header->setObjectName(QStringLiteral("stageHeader_") + id);
        QFont f = header->font();
        f.setBold(true);
        header->setFont(f);
        fl->addWidget(header);
        auto *view = new QListView(frame);
        view->setObjectName(QStringLiteral("stageColumn_") + id);
        view->setAccessibleName(stage.data().toString());
        view->setModel(m_model);
        view->setRootIndex(stage);
        view->setItemDelegate(delegate);
        view->setSelectionMode(QAbstractItemView::SingleSelection);
        view->setDragDropMode(QAbstractItemView::DragDrop);
        view->setDefaultDropAction(Qt::MoveAction);
        view->setDragEnabled(true);
        view->setAcceptDrops(true);
        view->setDropIndicatorShown(true);
        view->setSpacing(2);
        fl->addWidget(view, 1);
        m_columnsLayout->addWidget(frame);
        m_columnWidgets.append(frame);
    }
    m_columnWidgets.append(delegate);
}

bool PipelineBoard::moveSelectedCard(int step)
{
    auto *view = qobject_cast<QListView *>(focusWidget());
    if (!view || !view->objectName().startsWith(QLatin1String("stageColumn_")))
        return false;
    const QModelIndex card = view->currentIndex();
    const QModelIndex stage = view->rootIndex();
    if (!card.isValid() || card.parent() != stage)
        return false;
    const QModelIndex target = m_model->index(stage.row() + step, 0);
    if (!target.isValid())
        return false;
    const QString id = card.data(AdminRole::Id).toString();
    const QString toStage = target.data(AdminRole::Id).toString();
    if (!m_model->moveCardByUser(id, toStage))
        return false;
    if (QListView *to = column(toStage); to && m_model->stageOf(id) == toStage) { // not refused at once
        to->setFocus(Qt::ShortcutFocusReason);
        to->setCurrentIndex(m_model->cardIndex(id));
    }
    return true;
}

void PipelineBoard::setStatus(const QString &text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
    m_status->setText(text);
}

void PipelineBoard::onCardMoved(const QString &applicationId, const QString &fromStageId, const QString &toStageId)
{
    const QString name = m_model->cardName(applicationId);
    auto it = m_pending.find(applicationId);
    if (it != m_pending.end() && it->sent) {
        // Already on its way to Teamtailor: one move at a time per application.
        m_model->moveCard(applicationId, fromStageId);
        setStatus(tr("%1 is still being moved to %2; try again when Teamtailor has answered.")
                      .arg(name, m_model->stageName(it->toStageId)),
            true);
        return;
    }
    if (it == m_pending.end()) {
        it = m_pending.insert(applicationId, Pending { fromStageId, toStageId, nullptr });
    } else {
        it->toStageId = toStageId;
        m_undoOrder.removeAll(applicationId);
        if (toStageId == it->fromStageId) { // back where it was: nothing to send
            delete it->timer;
            m_pending.erase(it);
            m_undo->setVisible(!m_undoOrder.isEmpty());
            setStatus(tr("%1 stays in %2.").arg(name, m_model->stageName(toStageId)), false);
            return;
        }
    }
    if (m_undoMs <= 0) {
        send(applicationId);
        return;
    }
    const bool queuesAtOnce = m_mover && m_mover->queuesAtOnce();
    if (queuesAtOnce) {
        // Queued durably now (and held back by the mover for the window); the timer only ends
        // the Undo offer.
        send(applicationId);
        it = m_pending.find(applicationId);
        if (it == m_pending.end())
            return; // answered at once
    }
    if (!it->timer) {
        it->timer = new QTimer(this);
        it->timer->setSingleShot(true);
        if (queuesAtOnce) {
            connect(it->timer, &QTimer::timeout, this, [this, applicationId] {
                auto p = m_pending.find(applicationId);
                if (p != m_pending.end() && p->timer) {
                    p->timer->deleteLater();
                    p->timer = nullptr;
                }
                m_undoOrder.removeAll(applicationId);
                m_undo->setVisible(!m_undoOrder.isEmpty());
            });
        } else {
            connect(it->timer, &QTimer::timeout, this, [this, applicationId] { send(applicationId); });
        }
    }
    it->timer->start(m_undoMs);
    m_undoOrder.append(applicationId);
    m_undo->show();
    setStatus(tr("Moving %1 to %2… (Undo for %n s)", nullptr, qMax(1, m_undoMs / 1000))
                  .arg(name, m_model->stageName(toStageId)),
        false);
}

bool PipelineBoard::undo()
{
    while (!m_undoOrder.isEmpty()) {
        const QString id = m_undoOrder.takeLast();
        auto it = m_pending.find(id);
        if (it == m_pending.end() || !it->timer)
            continue;
        delete it->timer;
        const QString from = it->fromStageId;
        const QString to = it->toStageId;
        const bool sent = it->sent;
        m_pending.erase(it); // the first move's answer is ignored from now on
        m_model->moveCard(id, from);
        m_undo->setVisible(!m_undoOrder.isEmpty());
        const QString name = m_model->cardName(id);
        if (!sent || !m_mover) {
            setStatus(tr("Undone: %1 stays in %2.").arg(name, m_model->stageName(from)), false);
            return true;
        }
        setStatus(tr("Undoing: %1 goes back to %2…").arg(name, m_model->stageName(from)), false);
        m_mover->undo(id, from, to, this, [this, id, from, to](bool ok, const QString &error) {
            const QString name = m_model->cardName(id);
            QString message;
            if (ok) {
                message = tr("Undone: %1 stays in %2.").arg(name, m_model->stageName(from));
            } else {
                if (!m_pending.contains(id))
                    m_model->moveCard(id, to);
                message = tr("Could not undo moving %1: %2 The card is in %3.")
                              .arg(name, error, m_model->stageName(m_model->stageOf(id)));
            }
            setStatus(message, !ok);
            Q_EMIT moveFinished(id, ok, message);
        });
        return true;
    }
    m_undo->hide();
    return false;
}

void PipelineBoard::send(const QString &applicationId)
{
    auto it = m_pending.find(applicationId);
    if (it == m_pending.end())
        return;
    if (it->timer) {
        it->timer->deleteLater();
        it->timer = nullptr;
    }
    it->sent = true;
    it->serial = ++m_serial;
    const quint64 serial = it->serial;
    m_undoOrder.removeAll(applicationId);
    m_undo->setVisible(!m_undoOrder.isEmpty());
    const QString to = it->toStageId;
    auto done = [this, applicationId, serial](bool ok, const QString &error) {
        auto it = m_pending.find(applicationId);
        if (it == m_pending.end() || it->serial != serial)
            return; // undone or superseded
        if (it->timer)
            it->timer->deleteLater();
        const Pending p = *it;
        m_pending.erase(it);
        m_undoOrder.removeAll(applicationId);
        m_undo->setVisible(!m_undoOrder.isEmpty());
        const QString name = m_model->cardName(applicationId);
        QString message;
        if (ok) {
            message = tr("%1 is now in %2 in Teamtailor.").arg(name, m_model->stageName(p.toStageId));
        } else {
            m_model->moveCard(applicationId, p.fromStageId);
            message = tr("Teamtailor refused moving %1 to %2: %3 The card is back in %4.")
                          .arg(name, m_model->stageName(p.toStageId), error, m_model->stageName(p.fromStageId));
        }
        setStatus(message, !ok);
        Q_EMIT moveFinished(applicationId, ok, message);
    };
    if (!m_mover) {
        done(false, tr("moving is not available: there is no Teamtailor connection in this process."));
        return;
    }
    setStatus(tr("Moving %1 to %2 in Teamtailor…").arg(m_model->cardName(applicationId), m_model->stageName(to)),
        false);
    m_mover->move(applicationId, to, this, done);
}

} // namespace intrvio

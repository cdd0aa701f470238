#pragma once

// Drag and drop without a mouse, for widget tests (docs/qt-toolchain.md §6): drag-enter, drag-move
// and drop sent to the view's viewport, as a real drop would arrive. Widgets tests only.
#include <QAbstractItemView>
#include <QApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QPoint>

namespace intrvio::test {

// True when both the move and the drop were accepted.
inline bool dropAt(QAbstractItemView *view, QMimeData *data, QPoint pos, Qt::DropAction action)
{
    QWidget *target = view->viewport();
    QDragEnterEvent enter(pos, action, data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDragMoveEvent move(pos, action, data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &move);
    const bool moveAccepted = move.isAccepted();
    QDropEvent drop(QPointF(pos), action, data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return moveAccepted && drop.isAccepted();
}

} // namespace intrvio::test

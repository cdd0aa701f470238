#pragma once

#include <QColor>
#include <QStyledItemDelegate>

namespace intrvio {

// The one way a partner/interview result is drawn: a rounded badge whose colour says the state
// (sending, sent, pending, completed, failed) and, for completed results, the score band.
// Reads AdminRole::ResultState and AdminRole::ResultScore from the index.
class ResultBadgeDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    struct Style
    {
        QColor background;
        QColor foreground;
        QString text;
    };
    // Score bands: 80+ strong, 60-79 good, 40-59 borderline, below 40 weak.
    static QColor scoreColor(int score);
    static Style styleFor(const QString &state, const QVariant &score);
    static QString gradeText(const QString &grade);
    // The badge's rectangle inside `cell` for `text` (left aligned, vertically centred).
    static QRect badgeRect(const QRect &cell, const QFontMetrics &fm, const QString &text);
    static void paintBadge(QPainter *painter, const QRect &cell, const QFont &font, const Style &style);

    void paint(
        QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace intrvio

#include "ResultBadgeDelegate.h"

#include "models/admin/AdminInterfaces.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace intrvio {

namespace {
constexpr int PadX = 9;
constexpr int PadY = 3;
constexpr int Margin = 6;
} // namespace

QColor ResultBadgeDelegate::scoreColor(int score)
{
    if (score >= 80)
        return QColor(0x2e, 0x7d, 0x32); // green
    if (score >= 60)
        return QColor(0x7c, 0xb3, 0x42); // light green
    if (score >= 40)
        return QColor(0xf9, 0xa8, 0x25); // amber
    return QColor(0xc6, 0x28, 0x28); // red
}

QString ResultBadgeDelegate::gradeText(const QString &grade)
{
    if (grade == QLatin1String("top_fit"))
        return tr("Top fit");
    if (grade == QLatin1String("might_be_fit"))
        return tr("Might be a fit");
    if (grade == QLatin1String("might_not_be_fit"))
        return tr("Might not be a fit");
    if (grade.isEmpty())
        return {};
    return tr("Unknown");
}

ResultBadgeDelegate::Style ResultBadgeDelegate::styleFor(const QString &state, const QVariant &score)
{
    const QString s = state.toLower();
    if (s == QLatin1String("completed")) {
        if (score.isNull() || !score.isValid())
            return { QColor(0x00, 0x89, 0x7b), Qt::white, tr("Completed") };
        const int v = score.toInt();
        const QColor bg = scoreColor(v);
        return { bg, v >= 40 && v < 60 ? QColor(0x3e, 0x27, 0x00) : QColor(Qt::white),
            tr("Completed · %1").arg(v) };
    }
    if (s == QLatin1String("sending"))
        return { QColor(0xe3, 0xf2, 0xfd), QColor(0x15, 0x65, 0xc0), tr("Sending") };
    if (s == QLatin1String("sent"))
        return { QColor(0xe8, 0xea, 0xf6), QColor(0x39, 0x49, 0xab), tr("Sent") };
    if (s == QLatin1String("pending"))
        return { QColor(0xff, 0xf3, 0xc4), QColor(0x7a, 0x5b, 0x00), tr("Pending") };
    if (s == QLatin1String("failed"))
        return { QColor(0xff, 0xeb, 0xee), QColor(0xc6, 0x28, 0x28), tr("Failed") };
    if (s == QLatin1String("dead")) // an outbox dead letter
        return { QColor(0xff, 0xeb, 0xee), QColor(0xc6, 0x28, 0x28), tr("Dead letter") };
    if (s.isEmpty())
        return {};
    QString text = state;
    text[0] = text[0].toUpper();
    return { QColor(0xec, 0xef, 0xf1), QColor(0x54, 0x6e, 0x7a), text };
}

QRect ResultBadgeDelegate::badgeRect(const QRect &cell, const QFontMetrics &fm, const QString &text)
{
    const int h = qMin(cell.height() - 2, fm.height() + 2 * PadY);
    const int w = qMin(cell.width() - 2 * Margin, fm.horizontalAdvance(text) + 2 * PadX);
    return QRect(cell.left() + Margin, cell.top() + (cell.height() - h) / 2, qMax(0, w), qMax(0, h));
}

void ResultBadgeDelegate::paintBadge(
    QPainter *painter, const QRect &cell, const QFont &font, const Style &style)
{
    if (style.text.isEmpty())
        return;
    QFont f = font;
    f.setBold(true);
    const QFontMetrics fm(f);
    const QRect r = badgeRect(cell, fm, style.text);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(style.background);
    painter->drawRoundedRect(QRectF(r), r.height() / 2.0, r.height() / 2.0);
    painter->setFont(f);
    painter->setPen(style.foreground);
    painter->drawText(
        r, Qt::AlignCenter, fm.elidedText(style.text, Qt::ElideRight, r.width() - 2 * PadX + 2));
    painter->restore();
}

void ResultBadgeDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear(); // background, selection and focus only; the badge is the content
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    paintBadge(painter, option.rect, option.font,
        styleFor(index.data(AdminRole::ResultState).toString(), index.data(AdminRole::ResultScore)));
}

QSize ResultBadgeDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Style s
        = styleFor(index.data(AdminRole::ResultState).toString(), index.data(AdminRole::ResultScore));
    QFont f = option.font;
    f.setBold(true);
    const QFontMetrics fm(f);
    const QString text = s.text.isEmpty() ? tr("Completed · 100") : s.text;
    return { fm.horizontalAdvance(text) + 2 * PadX + 2 * Margin, fm.height() + 2 * PadY + 6 };
}

} // namespace intrvio

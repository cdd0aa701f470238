#include "PartnerResultCard.h"

#include "ResultBadgeDelegate.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

namespace intrvio {

PartnerResultCard::PartnerResultCard(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("partnerResultCard"));
    setMinimumHeight(120);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 10, 12, 10);
    layout->setSpacing(4);
    auto *top = new QHBoxLayout;
    m_title = new QLabel(tr("Intrvio · AI interview"), this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    top->addWidget(m_title);
    top->addStretch(1);
    top->addSpacing(130); // the status badge is painted here
    layout->addLayout(top);
    auto *mid = new QHBoxLayout;
    m_score = new QLabel(this);
    m_score->setObjectName(QStringLiteral("resultScore"));
    QFont big = m_score->font();
    big.setPointSizeF(big.pointSizeF() * 2.0);
    big.setBold(true);
    m_score->setFont(big);
    mid->addWidget(m_score);
    m_grade = new QLabel(this);
    m_grade->setObjectName(QStringLiteral("resultGrade"));
    m_grade->setWordWrap(true);
    mid->addWidget(m_grade, 1);
    layout->addLayout(mid);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("resultSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_link = new QLabel(this);
    m_link->setObjectName(QStringLiteral("resultLink"));
    m_link->setOpenExternalLinks(true);
    m_link->setTextFormat(Qt::RichText);
    layout->addWidget(m_link);
    clear();
}

void PartnerResultCard::clear()
{
    m_status.clear();
    m_scoreValue = {};
    m_stripe = QColor(0xcf, 0xd8, 0xdc);
    m_score->setText(QStringLiteral("–"));
    m_grade->setText(tr("No interview result yet"));
    m_summary->clear();
    m_link->clear();
    update();
}

void PartnerResultCard::setResult(const CandidateDetail::PartnerResult &r)
{
    m_status = r.status;
    m_scoreValue = r.score;
    const auto style = ResultBadgeDelegate::styleFor(r.status, r.score);
    m_stripe = r.status == QLatin1String("completed") && !r.score.isNull()
        ? ResultBadgeDelegate::scoreColor(r.score.toInt())
        : style.background.darker(115);
    m_score->setText(r.score.isNull() ? QStringLiteral("–") : tr("%1 / 100").arg(r.score.toInt()));
    if (!r.score.isNull()) {
        QPalette p = m_score->palette();
        p.setColor(QPalette::WindowText, ResultBadgeDelegate::scoreColor(r.score.toInt()));
        m_score->setPalette(p);
    }
    const QString grade = ResultBadgeDelegate::gradeText(r.grade);
    m_grade->setText(grade.isEmpty() ? (r.jobTitle.isEmpty() ? QString() : r.jobTitle)
                                     : grade + QStringLiteral(" · ") + r.jobTitle);
    m_summary->setText(r.summary);
    m_link->setText(r.url.isEmpty()
            ? QString()
            : QStringLiteral("<a href=\"%1\">%2</a>").arg(r.url.toHtmlEscaped(), tr("Open the full report")));
    update();
}

void PartnerResultCard::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF card = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setPen(QColor(0xdd, 0xe1, 0xe6));
    p.setBrush(palette().base());
    p.drawRoundedRect(card, 8, 8);
    p.setPen(Qt::NoPen);
    p.setBrush(m_stripe);
    p.drawRoundedRect(QRectF(card.left(), card.top(), 6, card.height()), 3, 3);
    if (!m_status.isEmpty()) {
        const QRect cell(width() - 160, 6, 154, m_title->height() + 8);
        const auto style = ResultBadgeDelegate::styleFor(m_status, m_scoreValue);
        // Right-align the badge inside its cell.
        QFont f = font();
        f.setBold(true);
        const QRect r = ResultBadgeDelegate::badgeRect(cell, QFontMetrics(f), style.text);
        ResultBadgeDelegate::paintBadge(
            &p, cell.adjusted(cell.width() - r.width() - 12, 0, 0, 0), font(), style);
    }
}

} // namespace intrvio

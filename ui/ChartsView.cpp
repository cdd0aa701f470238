#include "ChartsView.h"

#include "models/admin/AdminData.h"
#include "ResultBadgeDelegate.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QValueAxis>
#include <QVBoxLayout>

namespace intrvio {

ChartsView::ChartsView(QSqlDatabase db, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
{
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Score distribution"), this));
    m_grouping = new QComboBox(this);
    m_grouping->setObjectName(QStringLiteral("chartGrouping"));
    m_grouping->addItem(tr("per job"));
    m_grouping->addItem(tr("per template"));
    bar->addWidget(m_grouping);
    bar->addStretch(1);
    layout->addLayout(bar);
    auto *charts = new QHBoxLayout;
    auto *scores = new QChartView(this);
    scores->setObjectName(QStringLiteral("scoreChart"));
    scores->setRenderHint(QPainter::Antialiasing);
    auto *funnel = new QChartView(this);
    funnel->setObjectName(QStringLiteral("funnelChart"));
    funnel->setRenderHint(QPainter::Antialiasing);
    charts->addWidget(scores, 3);
    charts->addWidget(funnel, 2);
    layout->addLayout(charts, 1);
    m_scoreView = scores;
    m_funnelView = funnel;
    connect(m_grouping, &QComboBox::currentIndexChanged, this, &ChartsView::reload);
}

void ChartsView::reload()
{
    const auto by
        = m_grouping->currentIndex() == 1 ? InterviewStats::GroupBy::Template : InterviewStats::GroupBy::Job;
    const auto hist = InterviewStats::scoreDistribution(m_db, by);
    auto *chart = new QChart;
    chart->setTitle(tr("Interview scores"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto *series = new QBarSeries;
    int maxCount = 1;
    for (const auto &h : hist) {
        auto *set = new QBarSet(h.group);
        for (int n : h.buckets) {
            *set << n;
            maxCount = qMax(maxCount, n);
        }
        series->append(set);
    }
    chart->addSeries(series);
    QStringList categories;
    for (int b = 0; b < 10; ++b)
        categories << (b == 9 ? QStringLiteral("90+") : QStringLiteral("%1–%2").arg(b * 10).arg(b * 10 + 9));
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    auto *y = new QValueAxis;
    y->setRange(0, maxCount);
    y->setLabelFormat(QStringLiteral("%d"));
    y->setTickCount(qMin(maxCount, 5) + 1);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    QChart *old = static_cast<QChartView *>(m_scoreView)->chart();
    static_cast<QChartView *>(m_scoreView)->setChart(chart);
    delete old;

    const auto f = InterviewStats::funnel(m_db);
    auto *fchart = new QChart;
    fchart->setTitle(tr("Funnel"));
    fchart->legend()->hide();
    auto *fset = new QBarSet(tr("Interviews"));
    fset->setColor(ResultBadgeDelegate::scoreColor(85));
    *fset << f.passed << f.completed << f.started << f.invited;
    auto *fseries = new QHorizontalBarSeries;
    fseries->append(fset);
    fseries->setLabelsVisible(true);
    fchart->addSeries(fseries);
    auto *fy = new QBarCategoryAxis;
    fy->append({ tr("passed"), tr("completed"), tr("started"), tr("invited") });
    auto *fx = new QValueAxis;
    fx->setRange(0, qMax(1, f.invited));
    fx->setLabelFormat(QStringLiteral("%d"));
    fchart->addAxis(fy, Qt::AlignLeft);
    fchart->addAxis(fx, Qt::AlignBottom);
    fseries->attachAxis(fy);
    fseries->attachAxis(fx);
    QChart *oldF = static_cast<QChartView *>(m_funnelView)->chart();
    static_cast<QChartView *>(m_funnelView)->setChart(fchart);
    delete oldF;
}

} // namespace intrvio

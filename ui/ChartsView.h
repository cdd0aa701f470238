#pragma once

#include <QSqlDatabase>
#include <QWidget>

class QComboBox;

namespace intrvio {

// Score distribution per job or per template, and the funnel invited → started → completed →
// passed, from the interviews table (QtCharts).
class ChartsView : public QWidget
{
    Q_OBJECT
public:
    explicit ChartsView(QSqlDatabase db, QWidget *parent = nullptr);
    void reload();

private:
    QSqlDatabase m_db;
    QComboBox *m_grouping = nullptr;
    QWidget *m_scoreView = nullptr;
    QWidget *m_funnelView = nullptr;
};

} // namespace intrvio

#pragma once

#include "models/admin/CandidatesModel.h"

#include <QFrame>

class QLabel;

namespace intrvio {

// A partner result drawn the way Teamtailor shows it on the candidate card: a status-coloured
// stripe and badge, the score, the grade, the summary and a link to the full report.
class PartnerResultCard : public QFrame
{
    Q_OBJECT
public:
    explicit PartnerResultCard(QWidget *parent = nullptr);
    void setResult(const CandidateDetail::PartnerResult &result);
    void clear();

    QString statusText() const { return m_status; }
    QColor stripeColor() const { return m_stripe; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QLabel *m_title = nullptr;
    QLabel *m_score = nullptr;
    QLabel *m_grade = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_link = nullptr;
    QString m_status;
    QVariant m_scoreValue;
    QColor m_stripe;
};

} // namespace intrvio

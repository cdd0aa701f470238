#include "AdminServices.h"

#include "net/pipeline/InterviewPipeline.h"

#include <QTimer>

namespace intrvio {

PipelineInterviewActions::PipelineInterviewActions(InterviewPipeline *pipeline, const QString &actor, QObject *parent)
    : InterviewActions(parent)
    , m_pipeline(pipeline)
    , m_actor(actor)
{
}

QString PipelineInterviewActions::defaultActor()
{
    const QString user = qEnvironmentVariable("USER").trimmed();
    return user.isEmpty() ? QStringLiteral("admin") : user;
}

void PipelineInterviewActions::resend(qint64 interviewId)
{
    InterviewPipeline::AdminOutcome outcome;
    if (m_pipeline)
        outcome = m_pipeline->resendInvite(interviewId, m_actor);
    else
        outcome.message = tr("the interview pipeline is not running.");
    // Answered from the event loop, like any service call.
    QTimer::singleShot(0, this, [this, interviewId, outcome] {
        Q_EMIT done(interviewId, outcome.ok, outcome.ok ? tr("resent: %1").arg(outcome.message) : outcome.message);
    });
}

void PipelineInterviewActions::cancel(qint64 interviewId)
{
    InterviewPipeline::AdminOutcome outcome;
    if (m_pipeline)
        outcome = m_pipeline->cancelInterview(interviewId, m_actor);
    else
        outcome.message = tr("the interview pipeline is not running.");
    QTimer::singleShot(0, this, [this, interviewId, outcome] { Q_EMIT done(interviewId, outcome.ok, outcome.message); });
}

} // namespace intrvio

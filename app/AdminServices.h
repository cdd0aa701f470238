#pragma once

// The admin GUI's services over the running pipeline: what the Interviews view's Resend and
// Cancel do. (The pipeline board's StageMover is net/outbox/OutboxStageMover.)

#include "models/admin/AdminInterfaces.h"

#include <QPointer>

namespace intrvio {

class InterviewPipeline;

class PipelineInterviewActions : public InterviewActions
{
    Q_OBJECT
public:
    PipelineInterviewActions(InterviewPipeline *pipeline, const QString &actor, QObject *parent = nullptr);

    void resend(qint64 interviewId) override;
    void cancel(qint64 interviewId) override;

    // Who the audit log and the cancellation reason name: the OS user, else "admin".
    static QString defaultActor();

private:
    QPointer<InterviewPipeline> m_pipeline;
    QString m_actor;
};

} // namespace intrvio

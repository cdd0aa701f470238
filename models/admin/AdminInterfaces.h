#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace intrvio {

// The GUI's view of a sync. The composition root implements it over the SyncService; the GUI
// only starts, cancels and shows progress. `finished` is emitted exactly once per start().
class SyncController : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual bool isRunning() const = 0;
    virtual void start(bool full) = 0;
    virtual void cancel() = 0;

Q_SIGNALS:
    void progress(int done, int total); // total 0: unknown
    void finished(bool ok, const QString &message);
};

// What the Interviews view asks the interview pipeline to do. `done` reports the outcome of
// each request with a message for the user.
class InterviewActions : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void resend(qint64 interviewId) = 0;
    virtual void cancel(qint64 interviewId) = 0;

Q_SIGNALS:
    void done(qint64 interviewId, bool ok, const QString &message);
};

// Sends "move application X to stage Y" to Teamtailor for the pipeline board. The board does not
// know how (direct PATCH, durable outbox, ...); the composition root provides the implementation.
class StageMover
{
public:
    virtual ~StageMover() = default;
    // ok == false: Teamtailor refused or the move could not be sent; `error` says why.
    using Done = std::function<void(bool ok, const QString &error)>;
    // Calls `done` exactly once, later, on the caller's thread, while `context` lives.
    virtual void move(const QString &applicationId, const QString &stageId, QObject *context, Done done) = 0;

    // A mover that queues the move durably at once (the outbox) holds it back for the Undo window
    // itself: the board calls move() at the drop and undo() when Undo is pressed in that window.
    // Others are called only once the window has passed, and Undo never reaches them.
    virtual bool queuesAtOnce() const { return false; }
    // Takes back a move() to `toStageId`: drops it if it was not sent yet, else moves the
    // application back to `fromStageId`. The first move's `done` is still called (and may be
    // ignored); this `done` reports the undo.
    virtual void undo(const QString &applicationId, const QString &fromStageId, const QString &toStageId,
        QObject *context, Done done)
    {
        Q_UNUSED(applicationId);
        Q_UNUSED(fromStageId);
        Q_UNUSED(toStageId);
        Q_UNUSED(context);
        if (done)
            done(false, QStringLiteral("this connection cannot undo a move that was sent"));
    }
};

// Item data roles shared by the admin models and the result badge delegate.
namespace AdminRole {
enum : int {
    Id = 0x0100 + 1, // Qt::UserRole + 1: the row's stable id (QString or qint64)
    ResultState, // QString: sending, sent, pending, completed, failed (or an interview state)
    ResultScore, // int 0..100, or null
    Sort, // value used for sorting (numbers as numbers)
};
} // namespace AdminRole

} // namespace intrvio

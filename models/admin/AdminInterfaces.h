#pragma once

#include <QObject>
#include <QString>

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

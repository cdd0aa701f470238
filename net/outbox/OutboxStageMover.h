#pragma once

#include "models/admin/AdminInterfaces.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace intrvio {

class Clock;
class OutboxWorker;
class Store;
class TeamtailorClient;
struct OutboxItem;

// The pipeline board's moves through the durable outbox: a drop becomes a stage PATCH row at once,
// held back for the Undo window (so a quit right after the drop still sends it on the next start).
// Undo in the window drops the row; after it has been sent, Undo queues the move back. The answer
// comes from the outbox worker: delivered -> ok (and the local mirror follows); dead-lettered
// (Teamtailor refused with a 4xx, or too many failures) -> not ok with Teamtailor's reason.
// Transient failures are retried by the worker; the card stays where it was dropped meanwhile.
class OutboxStageMover : public QObject, public StageMover
{
    Q_OBJECT
public:
    OutboxStageMover(Store *store, TeamtailorClient *client, OutboxWorker *worker, const Clock &clock,
        QObject *parent = nullptr);
    ~OutboxStageMover() override;

    // How long a queued move waits before it may be sent (the board's Undo window).
    void setHoldMs(int ms) { m_holdMs = ms; }
    int holdMs() const { return m_holdMs; }
    // Who the audit log names for board moves.
    void setActor(const QString &actor) { m_actor = actor; }

    void move(const QString &applicationId, const QString &stageId, QObject *context, Done done) override;
    bool queuesAtOnce() const override { return true; }
    void undo(const QString &applicationId, const QString &fromStageId, const QString &toStageId,
        QObject *context, Done done) override;

    // Outbox row ids of moves waiting for an answer (tests).
    QList<qint64> waitingRows() const { return m_waiting.keys(); }

private:
    struct Waiting
    {
        QString applicationId;
        QString stageId;
        QPointer<QObject> context;
        Done done;
    };
    qint64 enqueue(const QString &applicationId, const QString &stageId, int holdMs, const QString &action,
        QString *error);
    void answer(qint64 rowId, bool ok, const QString &error);
    void onDelivered(const OutboxItem &item);
    void onDead(const OutboxItem &item);

    Store *m_store;
    TeamtailorClient *m_client;
    OutboxWorker *m_worker;
    const Clock &m_clock;
    int m_holdMs = 5000;
    QString m_actor = QStringLiteral("admin");
    QHash<qint64, Waiting> m_waiting; // outbox row id -> who asked
    QHash<QString, qint64> m_rowOf; // application id -> its newest queued move
};

} // namespace intrvio

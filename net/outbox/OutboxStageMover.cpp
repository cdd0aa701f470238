#include "net/outbox/OutboxStageMover.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "models/interview/AuditLog.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorClient.h"
#include "net/outbox/OutboxWorker.h"

#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

namespace intrvio {

OutboxStageMover::OutboxStageMover(
    Store *store, TeamtailorClient *client, OutboxWorker *worker, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_client(client)
    , m_worker(worker)
    , m_clock(clock)
{
    connect(worker, &OutboxWorker::delivered, this,
        [this](const OutboxItem &item, const QString &) { onDelivered(item); });
    connect(worker, &OutboxWorker::deadLettered, this, &OutboxStageMover::onDead);
}

OutboxStageMover::~OutboxStageMover() = default;

qint64 OutboxStageMover::enqueue(
    const QString &applicationId, const QString &stageId, int holdMs, const QString &action, QString *error)
{
    if (!m_client->builder().hasCredential(RequestBuilder::Api::Public)) {
        *error = tr("the company API token is not set, so nothing can be sent to Teamtailor (set it in "
                    "Settings or with `intrvio secret set company-api-token`).");
        return 0;
    }
    const QDateTime now = m_clock.now();
    OutboxItem row;
    // Unique per request: moving the same card again later is a new change, not a duplicate.
    row.idempotencyKey = QStringLiteral("board-move:%1:%2:%3").arg(applicationId, stageId).arg(now.toMSecsSinceEpoch());
    row.kind = QString::fromLatin1(OutboxKind::StageMove);
    row.method = QStringLiteral("PATCH");
    row.url = m_client->builder()
                  .url(RequestBuilder::Api::Public, QStringLiteral("job-applications/") + applicationId)
                  .toString();
    row.body = MoveStageRequest::body(applicationId, stageId);
    row.nextAttemptAt = now.addMSecs(qMax(0, holdMs));
    QSqlQuery c(m_store->database());
    c.prepare(QStringLiteral("SELECT candidate_id FROM applications WHERE id = ?"));
    c.addBindValue(applicationId);
    if (c.exec() && c.next())
        row.candidateId = c.value(0).toString();
    c.finish();

    QSqlDatabase db = m_store->database();
    const bool tx = db.transaction();
    bool added = false;
    if (!Outbox(*m_store, m_clock).add(row, error, &added) || !added) {
        if (tx)
            db.rollback();
        if (error->isEmpty())
            *error = tr("the move could not be queued (a duplicate request).");
        return 0;
    }
    QSqlQuery id(db);
    id.prepare(QStringLiteral("SELECT id FROM outbox WHERE idempotency_key = ?"));
    id.addBindValue(row.idempotencyKey);
    const qint64 rowId = id.exec() && id.next() ? id.value(0).toLongLong() : 0;
    id.finish();
    AuditLog(*m_store, m_clock)
        .append(m_actor, action, QStringLiteral("application:%1").arg(applicationId),
            QJsonObject { { QStringLiteral("stage"), stageId }, { QStringLiteral("outbox"), rowId } });
    if (tx && !db.commit()) {
        db.rollback();
        *error = tr("the move could not be stored: %1").arg(db.lastError().text());
        return 0;
    }
    // Sent once the hold has passed; the worker's poll picks it up, the kick covers "no hold".
    if (holdMs <= 0)
        m_worker->kick();
    else
        QTimer::singleShot(holdMs + 50, m_worker, &OutboxWorker::kick);
    qCInfo(lcOutbox).noquote() << "board: queued moving application" << applicationId << "to stage" << stageId
                               << "(row" << rowId << ", held" << holdMs << "ms)";
    return rowId;
}

void OutboxStageMover::move(const QString &applicationId, const QString &stageId, QObject *context, Done done)
{
    QString error;
    const qint64 rowId = enqueue(applicationId, stageId, m_holdMs, QStringLiteral("stage.move-requested"), &error);
    if (!rowId) {
        QPointer<QObject> ctx(context);
        QTimer::singleShot(0, this, [ctx, done, error] {
            if (ctx && done)
                done(false, error);
        });
        return;
    }
    m_waiting.insert(rowId, Waiting { applicationId, stageId, context, done });
    m_rowOf.insert(applicationId, rowId);
}

void OutboxStageMover::undo(const QString &applicationId, const QString &fromStageId, const QString &toStageId,
    QObject *context, Done done)
{
    Q_UNUSED(toStageId);
    QPointer<QObject> ctx(context);
    const qint64 rowId = m_rowOf.value(applicationId);
    if (rowId && Outbox(*m_store, m_clock).cancelHeld(rowId)) {
        // Never left: nothing reaches Teamtailor.
        AuditLog(*m_store, m_clock)
            .append(m_actor, QStringLiteral("stage.move-undone"), QStringLiteral("application:%1").arg(applicationId),
                QJsonObject { { QStringLiteral("outbox"), rowId } });
        m_rowOf.remove(applicationId);
        answer(rowId, false, tr("the move was undone before it was sent."));
        QTimer::singleShot(0, this, [ctx, done] {
            if (ctx && done)
                done(true, QString());
        });
        return;
    }
    // Already sent (or on its way): move it back, held for no one.
    QString error;
    const qint64 back = enqueue(applicationId, fromStageId, 0, QStringLiteral("stage.move-reverted"), &error);
    if (!back) {
        QTimer::singleShot(0, this, [ctx, done, error] {
            if (ctx && done)
                done(false, error);
        });
        return;
    }
    m_waiting.insert(back, Waiting { applicationId, fromStageId, context, done });
    m_rowOf.insert(applicationId, back);
}

void OutboxStageMover::answer(qint64 rowId, bool ok, const QString &error)
{
    const Waiting w = m_waiting.take(rowId);
    if (m_rowOf.value(w.applicationId) == rowId)
        m_rowOf.remove(w.applicationId);
    if (w.context && w.done)
        w.done(ok, error);
}

void OutboxStageMover::onDelivered(const OutboxItem &item)
{
    if (!m_waiting.contains(item.id))
        return;
    const Waiting &w = m_waiting[item.id];
    // The local mirror follows at once, so the board and the views agree before the next sync.
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("UPDATE applications SET stage_id = ?, changed_stage_at = ? WHERE id = ?"));
    q.addBindValue(w.stageId);
    q.addBindValue(m_clock.now().toUTC().toString(Qt::ISODateWithMs));
    q.addBindValue(w.applicationId);
    if (!q.exec())
        qCWarning(lcOutbox).noquote() << "board: cannot update the local stage of application" << w.applicationId;
    answer(item.id, true, QString());
}

void OutboxStageMover::onDead(const OutboxItem &item)
{
    if (!m_waiting.contains(item.id))
        return;
    QString reason = item.lastError;
    if (!reason.endsWith(QLatin1Char('.')))
        reason += QLatin1Char('.');
    answer(item.id, false, reason);
}

} // namespace intrvio

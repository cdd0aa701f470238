#include "Inbox.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "net/events/EventNormalizer.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QTimer>

namespace intrvio {

struct Inbox::Queries
{
    explicit Queries(const QSqlDatabase &db)
        : insert(db)
        , findKey(db)
        , replay(db)
    {
        insert.prepare(QStringLiteral(
            "INSERT OR IGNORE INTO inbox (received_at, route, event_key, headers, body, verification, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"));
        findKey.prepare(QStringLiteral("SELECT id, status FROM inbox WHERE event_key = ?"));
        replay.prepare(QStringLiteral("INSERT OR IGNORE INTO replay_cache (event_id, t, seen_at) VALUES (?, ?, ?)"));
    }
    QSqlQuery insert;
    QSqlQuery findKey;
    QSqlQuery replay;
};

Inbox::Inbox(Store *store, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_flushTimer(new QTimer(this))
    , m_processTimer(new QTimer(this))
    , m_latencyCounts(latencyBuckets().size() + 1, 0)
    , m_q(std::make_unique<Queries>(store->database()))
{
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(0);
    connect(m_flushTimer, &QTimer::timeout, this, &Inbox::flush);
    m_processTimer->setSingleShot(true);
    connect(m_processTimer, &QTimer::timeout, this, [this] {
        if (processBatch())
            scheduleProcessing(0);
    });
}

Inbox::~Inbox()
{
    flush();
}

const QList<double> &Inbox::latencyBuckets()
{
    static const QList<double> buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    return buckets;
}

void Inbox::enqueue(InboxEntry entry, Done done)
{
    m_pending.append({std::move(entry), std::move(done)});
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void Inbox::flush()
{
    if (m_pending.isEmpty())
        return;
    QList<Pending> batch;
    batch.swap(m_pending);
    QList<InboxOutcome> outcomes(batch.size());
    QSqlDatabase db = m_store->database();
    const QString now = m_clock.now().toString(Qt::ISODateWithMs);
    QString error;
    if (!db.transaction()) {
        error = db.lastError().text();
    } else {
        for (qsizetype i = 0; i < batch.size() && error.isEmpty(); ++i) {
            const InboxEntry &e = batch.at(i).entry;
            QSqlQuery &q = m_q->insert;
            q.bindValue(0, now);
            q.bindValue(1, e.route);
            q.bindValue(2, e.eventKey.isEmpty() ? QVariant() : QVariant(e.eventKey));
            q.bindValue(3, e.headers);
            q.bindValue(4, e.body);
            q.bindValue(5, e.verification);
            q.bindValue(6, e.status);
            if (!q.exec()) {
                error = q.lastError().text();
                break;
            }
            InboxOutcome &o = outcomes[i];
            if (q.numRowsAffected() == 0 && !e.eventKey.isEmpty()) {
                QSqlQuery &f = m_q->findKey;
                f.bindValue(0, e.eventKey);
                if (!f.exec() || !f.next()) {
                    error = f.lastError().text();
                    break;
                }
                o.duplicate = true;
                o.id = f.value(0).toLongLong();
                o.status = f.value(1).toInt();
                f.finish();
            } else {
                o.id = q.lastInsertId().toLongLong();
                o.status = e.status;
            }
            if (!e.replayEventId.isEmpty()) {
                QSqlQuery &r = m_q->replay;
                r.bindValue(0, e.replayEventId);
                r.bindValue(1, e.replayT);
                r.bindValue(2, now);
                if (!r.exec()) {
                    error = r.lastError().text();
                    break;
                }
            }
            o.stored = true;
        }
        if (error.isEmpty() && !db.commit())
            error = db.lastError().text();
        if (!error.isEmpty())
            db.rollback();
    }
    ++m_commits;
    if (!error.isEmpty()) {
        qCWarning(lcWebhook).noquote() << "inbox commit failed:" << error;
        for (InboxOutcome &o : outcomes)
            o = InboxOutcome{false, false, 0, 0, error};
    } else {
        Q_EMIT committed(int(batch.size()));
    }
    for (qsizetype i = 0; i < batch.size(); ++i)
        batch[i].done(outcomes.at(i));
    if (error.isEmpty())
        scheduleProcessing(10);
}

void Inbox::setProcessingHeld(bool held)
{
    m_held = held;
    if (!held)
        scheduleProcessing(0);
}

void Inbox::startProcessing()
{
    scheduleProcessing(0);
}

void Inbox::scheduleProcessing(int delayMs)
{
    if (m_held)
        return;
    if (!m_processTimer->isActive() || m_processTimer->remainingTime() > delayMs)
        m_processTimer->start(delayMs);
}

qint64 Inbox::unprocessedCount() const
{
    QSqlQuery q(m_store->database());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM inbox WHERE processed_at IS NULL")) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

bool Inbox::processBatch(int limit)
{
    if (m_held || m_processing)
        return false;
    m_processing = true;
    QSqlDatabase db = m_store->database();
    struct Row
    {
        qint64 id;
        QString route;
        QByteArray body;
        QString receivedAt;
    };
    QList<Row> rows;
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, route, body, received_at FROM inbox WHERE processed_at IS NULL"
                                 " AND attempts < 20 ORDER BY id LIMIT ?"));
        q.addBindValue(limit);
        if (q.exec()) {
            while (q.next())
                rows.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toByteArray(),
                             q.value(3).toString()});
        }
    }
    if (rows.isEmpty()) {
        m_processing = false;
        return false;
    }
    bool failures = false;
    db.transaction();
    QSqlQuery done(db);
    done.prepare(QStringLiteral("UPDATE inbox SET processed_at = ?, attempts = attempts + 1, process_error = NULL"
                                " WHERE id = ? AND processed_at IS NULL"));
    QSqlQuery failed(db);
    failed.prepare(QStringLiteral("UPDATE inbox SET attempts = attempts + 1, process_error = ? WHERE id = ?"));
    QList<QPair<qint64, QPair<QString, int>>> processed;
    for (const Row &row : rows) {
        QString error;
        int events = 0;
        const bool ok = processRow(row.id, row.route, row.body, row.receivedAt, &error, &events);
        if (ok) {
            done.bindValue(0, m_clock.now().toString(Qt::ISODateWithMs));
            done.bindValue(1, row.id);
            done.exec();
            processed.append({row.id, {row.route, events}});
        } else {
            failures = true;
            failed.bindValue(0, error);
            failed.bindValue(1, row.id);
            failed.exec();
        }
    }
    db.commit();
    const QDateTime now = m_clock.now();
    for (const Row &row : rows) {
        const QDateTime received = QDateTime::fromString(row.receivedAt, Qt::ISODateWithMs);
        if (!received.isValid())
            continue;
        const double secs = double(received.msecsTo(now)) / 1000.0;
        const QList<double> &buckets = latencyBuckets();
        qsizetype b = 0;
        while (b < buckets.size() && secs > buckets.at(b))
            ++b;
        ++m_latencyCounts[b];
        m_latencySum += secs;
        ++m_latencyCount;
    }
    for (const auto &p : processed) {
        qCInfo(lcWebhook).noquote() << QStringLiteral("inbox processed id=%1 route=%2 events=%3")
                                           .arg(p.first)
                                           .arg(p.second.first)
                                           .arg(p.second.second);
        Q_EMIT rowProcessed(p.first, p.second.first, p.second.second);
    }
    m_processing = false;
    if (failures) {
        // Retry failed rows later rather than spinning on them.
        QTimer::singleShot(5000, this, [this] { scheduleProcessing(0); });
        return rows.size() == limit && !failures;
    }
    return rows.size() == limit;
}

bool Inbox::processRow(qint64 id, const QString &route, const QByteArray &body, const QString &receivedAt,
                       QString *error, int *events)
{
    QList<DomainEvent> list;
    if (route == QLatin1String("/webhook") || route.startsWith(QLatin1String("/actions/"))) {
        const auto decoded = EventNormalizer::decodePartnerEvent(body);
        const QString action = route == QLatin1String("/webhook") ? QString() : route.mid(9);
        list = EventNormalizer::normalizePartner(decoded, action);
    } else if (route == QLatin1String("/company-webhooks")) {
        const auto hook = EventNormalizer::decodeCompanyWebhook(body);
        EventNormalizer::Previous prev;
        QSqlQuery q(m_store->database());
        if (hook.ok() && hook.resource == QLatin1String("job_application")) {
            q.prepare(QStringLiteral("SELECT stage_id, rejected_at FROM applications WHERE id = ?"));
            q.addBindValue(hook.dataId);
            if (q.exec() && q.next()) {
                prev.stageId = q.value(0).toString();
                prev.rejected = !q.value(1).isNull() && !q.value(1).toString().isEmpty();
            }
        } else if (hook.ok() && hook.resource == QLatin1String("job")) {
            q.prepare(QStringLiteral("SELECT status FROM jobs WHERE id = ?"));
            q.addBindValue(hook.dataId);
            if (q.exec() && q.next())
                prev.jobStatus = q.value(0).toString();
        }
        list = EventNormalizer::normalizeCompany(hook, prev);
    }
    const QDateTime received = QDateTime::fromString(receivedAt, Qt::ISODateWithMs);
    for (DomainEvent &e : list) {
        e.inboxId = id;
        e.receivedAt = received;
        if (m_handler && !m_handler->handle(e)) {
            *error = QStringLiteral("handler refused %1").arg(e.type);
            return false;
        }
        Q_EMIT domainEvent(e);
    }
    *events = int(list.size());
    return true;
}

} // namespace intrvio

namespace intrvio {
bool Inbox::idle() const
{
    return m_pending.isEmpty() && !m_processTimer->isActive();
}
} // namespace intrvio

#include "net/outbox/OutboxWorker.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "models/interview/PartnerResultBuilder.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorClient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrlQuery>

#include <algorithm>

namespace intrvio {

namespace {

// One outbox row as an HTTP exchange: any verb, any same-origin URL; the result is the decoded
// JSON:API document (null for 204).
class OutboxRequest final : public TypedRequest<JsonApi::Document>
{
public:
    OutboxRequest(const RequestContext &ctx, Api api, const QByteArray &verb, const QUrl &url,
        const QByteArray &body, QObject *parent)
        : TypedRequest<JsonApi::Document>(ctx, api, verb, url, body, parent)
    {
    }

protected:
    bool succeed(int, const JsonApi::Document *doc, ApiError *) override
    {
        setResult(doc ? *doc : JsonApi::Document());
        return true;
    }
};

RequestBuilder::Api apiFor(const OutboxItem &item)
{
    return item.kind.startsWith(QLatin1String("partner-result")) ? RequestBuilder::Api::Partner
                                                                   : RequestBuilder::Api::Public;
}

// The attributes of a partner-result POST body ({"data": {"attributes": {...}}}).
QJsonObject createAttributes(const QByteArray &body)
{
    return QJsonDocument::fromJson(body)
        .object()
        .value(QLatin1String("data"))
        .toObject()
        .value(QLatin1String("attributes"))
        .toObject();
}

// After a failed attempt with this status, the change may have reached Teamtailor: no answer (0),
// a server error, or a success whose answer arrived garbled (cut off, not JSON:API).
bool landedMaybe(int lastStatus)
{
    return lastStatus == 0 || lastStatus >= 500 || (lastStatus >= 200 && lastStatus < 300);
}

// The row's earlier attempt may have reached Teamtailor: one the process died during (still marked
// in flight), or a failed one with such a status.
bool mayHaveLanded(const OutboxItem &item)
{
    return item.lastStatus == Outbox::InFlightStatus || (item.attempts > 0 && landedMaybe(item.lastStatus));
}

QString idOf(const QJsonValue &v)
{
    return v.isDouble() ? QString::number(v.toInteger()) : v.toString();
}

QString noteText(const QByteArray &body)
{
    const QJsonObject data = QJsonDocument::fromJson(body).object().value(QLatin1String("data")).toObject();
    return data.value(QLatin1String("attributes")).toObject().value(QLatin1String("note")).toString();
}

} // namespace

OutboxWorker::OutboxWorker(Store *store, TeamtailorClient *client, const Clock &clock, quint32 seed, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_client(client)
    , m_clock(clock)
    , m_outbox(*store, clock)
    , m_ctx(client->context())
    , m_rng(seed)
{
    // The worker owns retries (durable, with backoff across restarts): one HTTP attempt per send.
    m_ctx.options.maxRetries = 0;
    m_timer.setSingleShot(false);
    connect(&m_timer, &QTimer::timeout, this, &OutboxWorker::sendNext);
}

void OutboxWorker::start()
{
    m_running = true;
    m_timer.start(m_policy.pollMs);
    kick();
}

void OutboxWorker::stop()
{
    // Paused: kicks and the answer to a request in flight send nothing more until start().
    m_running = false;
    m_timer.stop();
}

void OutboxWorker::kick()
{
    // Only a started worker sends: stopped (or never started, e.g. no company API token yet), rows
    // wait in the outbox instead of becoming requests that cannot succeed.
    if (m_timer.isActive())
        QMetaObject::invokeMethod(this, &OutboxWorker::sendNext, Qt::QueuedConnection);
}

qint64 OutboxWorker::backoffMs(int attempts, qint64 retryAfterMs, const Policy &policy, QRandomGenerator &rng)
{
    const int shift = std::clamp(attempts - 1, 0, 30);
    const qint64 exp = std::min(policy.maxBackoffMs, policy.baseBackoffMs << shift);
    const qint64 jittered = exp / 2 + qint64(rng.bounded(quint32(std::max<qint64>(1, exp / 2 + 1))));
    return std::max(jittered, retryAfterMs);
}

void OutboxWorker::sendNext()
{
    if (m_inFlight || !m_running)
        return;
    m_ctx.builder = m_client->builder(); // keys replaced in the keychain apply from the next row
    const auto item = m_outbox.nextDue();
    if (!item) {
        Q_EMIT idle();
        return;
    }
    // A note whose earlier attempt got no clear refusal (no answer, timeout, 5xx) may have reached
    // Teamtailor. POST /v1/notes is not idempotent and has no idempotency header, so before posting
    // again we list the candidate's newest notes and look for this exact text: it holds the
    // interview's unique link, so a match means the earlier attempt landed and the row is done.
    const bool ambiguous = mayHaveLanded(*item);
    if (item->kind == QLatin1String(OutboxKind::Note) && ambiguous && !item->candidateId.isEmpty()) {
        probeNote(*item);
        return;
    }
    // The same for a partner-result POST, and more: every POST first looks at the candidate's
    // partner results, so a result Teamtailor created for a trigger on the same move ("sending") is
    // updated instead of getting a second result next to it, and an earlier POST whose answer was
    // lost is found rather than repeated.
    if (item->kind == QLatin1String(OutboxKind::PartnerResultCreate) && !item->candidateId.isEmpty()) {
        probePartnerResult(*item);
        return;
    }
    send(*item);
}

QUrl OutboxWorker::resolveUrl(const OutboxItem &item, QByteArray *body, QString *why) const
{
    if (item.kind == QLatin1String(OutboxKind::StageMove)) {
        // A rule whose target stage was given by name before the job's stages were mirrored.
        const QJsonObject o = QJsonDocument::fromJson(item.body).object();
        const QString name = o.value(QLatin1String("resolve-stage")).toString();
        if (!name.isEmpty()) {
            QSqlQuery q(m_store->database());
            q.prepare(QStringLiteral("SELECT id FROM stages WHERE job_id = ? AND lower(trim(name)) = lower(trim(?)) LIMIT 1"));
            q.addBindValue(o.value(QLatin1String("job")).toString());
            q.addBindValue(name);
            if (!q.exec() || !q.next()) {
                *why = QStringLiteral("stage '%1' of job %2 is not known yet").arg(name, o.value(QLatin1String("job")).toString());
                return {};
            }
            *body = MoveStageRequest::body(o.value(QLatin1String("application")).toString(), q.value(0).toString());
        }
        return QUrl(item.url);
    }
    if (item.kind != QLatin1String(OutboxKind::PartnerResultUpdate))
        return QUrl(item.url);
    // Updates name the partner result known by the time they are sent: the webhook's update-url, or
    // the id our own POST got back (that POST is an earlier row of the same interview).
    QString updateUrl = item.url;
    QString resultId;
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT update_url, partner_result_id FROM interviews WHERE id = ?"));
    q.addBindValue(item.interviewId);
    if (q.exec() && q.next()) {
        if (updateUrl.isEmpty())
            updateUrl = q.value(0).toString();
        resultId = q.value(1).toString();
    }
    if (updateUrl.isEmpty() && resultId.isEmpty()) {
        *why = QStringLiteral("the partner result id is not known yet");
        return {};
    }
    if (resultId.isEmpty())
        resultId = QUrl(updateUrl).path().section(QLatin1Char('/'), -1);
    const QJsonObject attrs = QJsonDocument::fromJson(item.body).object();
    *body = QJsonDocument(PartnerResultBuilder::envelope(attrs, resultId)).toJson(QJsonDocument::Compact);
    if (!updateUrl.isEmpty())
        return QUrl(updateUrl);
    return m_ctx.builder.url(RequestBuilder::Api::Partner, QStringLiteral("partner-results/") + resultId);
}

void OutboxWorker::send(const OutboxItem &item)
{
    QByteArray body = item.body;
    QString why;
    const QUrl url = resolveUrl(item, &body, &why);
    if (!url.isValid() || url.isEmpty()) {
        ApiError e;
        e.kind = ApiError::Kind::BadResponse;
        e.message = why.isEmpty() ? QStringLiteral("no URL to send to") : why;
        failed(item, e);
        return;
    }
    m_inFlight = true;
    m_outbox.markInFlight(item.id); // durable before the request leaves: a crash now is "maybe delivered"
    auto *r = new OutboxRequest(m_ctx, apiFor(item), item.method.toLatin1(), url, body, this);
    r->onFinished(this, [this, item, r](const ApiResult<JsonApi::Document> &result) {
        m_inFlight = false;
        if (result.ok()) {
            const JsonApi::Document &doc = result.value();
            finish(item, 200, doc.data.isEmpty() ? QString() : doc.data.constFirst().id);
        } else {
            failed(item, result.error());
        }
        Q_UNUSED(r);
        sendNext();
    });
    r->start();
}

void OutboxWorker::listForCandidate(const OutboxItem &item, const QString &path, bool newestFirst,
                                    std::function<void(const JsonApi::Document &)> onListed)
{
    m_inFlight = true;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("filter[candidate]"), item.candidateId);
    if (newestFirst)
        query.addQueryItem(QStringLiteral("sort"), QStringLiteral("-id"));
    query.addQueryItem(QStringLiteral("page[size]"), QStringLiteral("30"));
    const QUrl url = m_ctx.builder.url(RequestBuilder::Api::Public, path, query);
    auto *r = new OutboxRequest(m_ctx, RequestBuilder::Api::Public, "GET", url, {}, this);
    r->onFinished(this, [this, item, onListed = std::move(onListed)](const ApiResult<JsonApi::Document> &result) {
        m_inFlight = false;
        if (!result.ok()) {
            failed(item, result.error()); // try the probe again later
            sendNext();
            return;
        }
        onListed(result.value());
    });
    r->start();
}

void OutboxWorker::probeNote(const OutboxItem &item)
{
    listForCandidate(item, QStringLiteral("notes"), true, [this, item](const JsonApi::Document &listed) {
        const QString text = noteText(item.body);
        for (const auto &note : listed.data) {
            if (!text.isEmpty() && note.string(QLatin1StringView("note")) == text) {
                qCInfo(lcOutbox) << "note" << item.idempotencyKey << "already in Teamtailor (note" << note.id
                                 << "); not posted again";
                finish(item, 200, note.id);
                sendNext();
                return;
            }
        }
        send(item);
    });
}

void OutboxWorker::probePartnerResult(const OutboxItem &item)
{
    listForCandidate(item, QStringLiteral("partner-results"), false, [this, item](const JsonApi::Document &listed) {
        const QJsonObject mine = createAttributes(item.body);
        const QString jobId = idOf(mine.value(QLatin1String("job-id")));
        const bool ambiguous = mayHaveLanded(item);
        // Results another interview already stands for are never taken over.
        QSet<QString> linked;
        {
            QSqlQuery q(m_store->database());
            q.prepare(QStringLiteral("SELECT partner_result_id FROM interviews WHERE candidate_id = ?"
                                     " AND partner_result_id IS NOT NULL AND id <> ?"));
            q.addBindValue(item.candidateId);
            q.addBindValue(item.interviewId);
            if (q.exec()) {
                while (q.next())
                    linked.insert(q.value(0).toString());
            }
        }
        for (const auto &res : listed.data) {
            if (linked.contains(res.id) || (!jobId.isEmpty() && res.relatedId(QLatin1StringView("job")) != jobId))
                continue;
            const QString status = res.string(QLatin1StringView("status"));
            if (status == QLatin1String(PartnerResultBuilder::StatusSending)) {
                confirmPartnerResult(item, res.id, true);
                return;
            }
            if (ambiguous && status == mine.value(QLatin1String("status")).toString()
                && res.string(QLatin1StringView("summary")) == mine.value(QLatin1String("summary")).toString()) {
                confirmPartnerResult(item, res.id, false);
                return;
            }
        }
        send(item);
    });
}

void OutboxWorker::confirmPartnerResult(const OutboxItem &item, const QString &resultId, bool adopt)
{
    // The public API lists every partner's results; the Partner API shows only ours (404 otherwise).
    m_inFlight = true;
    const QUrl url = m_ctx.builder.url(RequestBuilder::Api::Partner, QStringLiteral("partner-results/") + resultId);
    auto *r = new OutboxRequest(m_ctx, RequestBuilder::Api::Partner, "GET", url, {}, this);
    r->onFinished(this, [this, item, resultId, adopt](const ApiResult<JsonApi::Document> &result) {
        m_inFlight = false;
        if (!result.ok()) {
            if (result.error().httpStatus == 404 || result.error().httpStatus == 403) {
                send(item); // another partner's result: ours is still to be created
                return;
            }
            failed(item, result.error());
            sendNext();
            return;
        }
        if (adopt) {
            adoptPartnerResult(item, resultId);
        } else {
            qCInfo(lcOutbox) << "partner result" << item.idempotencyKey << "already in Teamtailor (" << resultId
                             << "); not posted again";
            finish(item, 200, resultId);
        }
        sendNext();
    });
    r->start();
}

void OutboxWorker::adoptPartnerResult(const OutboxItem &item, const QString &resultId)
{
    // The row becomes an update of that result (same place in the interview's order); later rows
    // of the interview name it through interviews.partner_result_id.
    QJsonObject attrs = createAttributes(item.body);
    attrs.remove(QLatin1String("candidate-id")); // immutable: never sent on update
    attrs.remove(QLatin1String("job-id"));
    QSqlDatabase db = m_store->database();
    const bool tx = db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE interviews SET partner_result_id = ? WHERE id = ?"));
    q.addBindValue(resultId);
    q.addBindValue(item.interviewId);
    bool ok = q.exec();
    QSqlQuery u(db);
    u.prepare(QStringLiteral("UPDATE outbox SET kind = ?, method = 'PUT', url = '', body = ? WHERE id = ?"));
    u.addBindValue(QString::fromLatin1(OutboxKind::PartnerResultUpdate));
    u.addBindValue(QJsonDocument(attrs).toJson(QJsonDocument::Compact));
    u.addBindValue(item.id);
    ok = ok && u.exec();
    if (tx && (ok ? db.commit() : (db.rollback(), false))) {
        qCInfo(lcOutbox) << "partner result" << item.idempotencyKey << "updates result" << resultId
                         << "(created by Teamtailor for a trigger) instead of creating a second one";
        return;
    }
    ApiError e;
    e.kind = ApiError::Kind::BadResponse;
    e.message = QStringLiteral("cannot record partner result %1: %2").arg(resultId, db.lastError().text());
    failed(item, e);
}

void OutboxWorker::finish(const OutboxItem &item, int status, const QString &resourceId)
{
    if (item.kind == QLatin1String(OutboxKind::PartnerResultCreate) && !resourceId.isEmpty() && item.interviewId) {
        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral("UPDATE interviews SET partner_result_id = ? WHERE id = ?"));
        q.addBindValue(resourceId);
        q.addBindValue(item.interviewId);
        q.exec();
    }
    m_outbox.markSent(item.id, status);
    if (item.kind == QLatin1String(OutboxKind::Note))
        m_outbox.clearBody(item.id); // it held the interview link; no longer needed
    qCInfo(lcOutbox).noquote() << "delivered" << item.kind << item.idempotencyKey;
    Q_EMIT delivered(item, resourceId);
}

void OutboxWorker::failed(const OutboxItem &item, const ApiError &error)
{
    const int attempts = item.attempts + 1;
    const int status = error.httpStatus;
    // A garbled 2xx answer is retried too: the change probably landed, and the retry of a note or
    // partner-result POST looks for it before posting again.
    const bool transient = error.isTransient() || status == 408 || status == 429
        || (error.kind == ApiError::Kind::BadResponse && (status == 0 || (status >= 200 && status < 300)));
    const bool dead = !transient || attempts >= m_policy.maxAttempts;
    const qint64 wait = backoffMs(attempts, error.retryAfterMs, m_policy, m_rng);
    const QString message = status ? QStringLiteral("HTTP %1: %2").arg(status).arg(error.message) : error.message;
    m_outbox.markFailed(item.id, status, message, m_clock.now().addMSecs(wait), dead);
    if (dead) {
        qCWarning(lcOutbox).noquote() << "dead-lettered" << item.kind << item.idempotencyKey << "after"
                                      << attempts << "attempt(s):" << message;
        OutboxItem copy = item;
        copy.attempts = attempts;
        copy.lastError = message;
        copy.state = QString::fromLatin1(OutboxState::Dead);
        Q_EMIT deadLettered(copy);
    } else {
        qCInfo(lcOutbox).noquote() << "attempt" << attempts << "of" << item.kind << item.idempotencyKey
                                   << "failed (" << message << "), next in" << wait << "ms";
    }
}

} // namespace intrvio

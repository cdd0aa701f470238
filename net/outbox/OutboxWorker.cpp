#include "net/outbox/OutboxWorker.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Store.h"
#include "models/interview/PartnerResultBuilder.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorClient.h"

#include <QJsonDocument>
#include <QJsonObject>
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
    m_timer.start(m_policy.pollMs);
    kick();
}

void OutboxWorker::stop()
{
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
    if (m_inFlight)
        return;
    const auto item = m_outbox.nextDue();
    if (!item) {
        Q_EMIT idle();
        return;
    }
    // A note whose earlier attempt got no clear refusal (no answer, timeout, 5xx) may have reached
    // Teamtailor. POST /v1/notes is not idempotent and has no idempotency header, so before posting
    // again we list the candidate's newest notes and look for this exact text: it holds the
    // interview's unique link, so a match means the earlier attempt landed and the row is done.
    const bool ambiguous = item->attempts > 0 && (item->lastStatus == 0 || item->lastStatus >= 500);
    if (item->kind == QLatin1String(OutboxKind::Note) && ambiguous && !item->candidateId.isEmpty()) {
        probeNote(*item);
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

void OutboxWorker::probeNote(const OutboxItem &item)
{
    m_inFlight = true;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("filter[candidate]"), item.candidateId);
    query.addQueryItem(QStringLiteral("sort"), QStringLiteral("-id"));
    query.addQueryItem(QStringLiteral("page[size]"), QStringLiteral("30"));
    const QUrl url = m_ctx.builder.url(RequestBuilder::Api::Public, QStringLiteral("notes"), query);
    auto *r = new OutboxRequest(m_ctx, RequestBuilder::Api::Public, "GET", url, {}, this);
    r->onFinished(this, [this, item](const ApiResult<JsonApi::Document> &result) {
        m_inFlight = false;
        if (!result.ok()) {
            failed(item, result.error()); // try the probe again later
            sendNext();
            return;
        }
        const QString text = noteText(item.body);
        for (const auto &note : result.value().data) {
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
    r->start();
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
    const bool transient = error.isTransient() || status == 408 || status == 429
        || (error.kind == ApiError::Kind::BadResponse && status == 0);
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

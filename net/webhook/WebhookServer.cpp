#include "WebhookServer.h"

#include "models/Clock.h"
#include "models/Log.h"
#include "models/Redaction.h"
#include "models/Store.h"
#include "net/activation/Activation.h"
#include "net/crypto/Crypto.h"
#include "net/crypto/Signatures.h"
#include "net/events/EventNormalizer.h"
#include "net/webhook/GuardedTcpServer.h"
#include "net/webhook/Inbox.h"
#include "net/webhook/TlsFiles.h"
#include "net/webhook/InterviewRoutes.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSqlQuery>
#include <QTcpSocket>

#include <map>

namespace intrvio {

namespace {

using Method = QHttpServerRequest::Method;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

bool isJsonContentType(const QByteArray &value)
{
    const QByteArray v = value.toLower();
    const qsizetype semi = v.indexOf(';');
    const QByteArray mime = (semi >= 0 ? v.left(semi) : v).trimmed();
    return mime == "application/json" || mime.endsWith("+json");
}

// Routes and their methods (404 vs 405).
const std::map<QString, Method> &routes()
{
    static const std::map<QString, Method> r {
        { QStringLiteral("/healthz"), Method::Get },
        { QStringLiteral("/readyz"), Method::Get },
        { QStringLiteral("/metrics"), Method::Get },
        { QStringLiteral("/config"), Method::Get },
        { QStringLiteral("/activation"), Method::Get },
        { QStringLiteral("/activation/validate"), Method::Get },
        { QStringLiteral("/webhook"), Method::Post },
        { QStringLiteral("/company-webhooks"), Method::Post },
    };
    return r;
}

QString routeLabel(const QString &path)
{
    if (path.startsWith(QLatin1String("/actions/")))
        return QStringLiteral("/actions");
    if (routes().count(path))
        return path;
    return QStringLiteral("other");
}

QByteArray escapeLabel(const QString &s)
{
    QByteArray b = s.toUtf8();
    b.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return b;
}

} // namespace

WebhookServer::WebhookServer(Store *store, Activation *activation, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_activation(activation)
    , m_clock(clock)
    , m_inbox(new Inbox(store, clock, this))
{ }

WebhookServer::~WebhookServer()
{
    m_http.reset(); // no new requests
    m_inbox->flushAndWait();
}

bool WebhookServer::listen(const WebhookServerConfig &config, QString *error)
{
    m_config = config;
    m_http = std::make_unique<QHttpServer>();
    m_http->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        dispatch(request, responder);
    });
    auto *tcp = new GuardedTcpServer(config.limits);
    tcp->onRejected = [this](GuardRejection why) { ++m_guardRejections[guardRejectionName(why)]; };
    const TlsFiles tls { config.tlsCertificatePath, config.tlsKeyPath };
    if (tls.enabled()) {
        QSslConfiguration ssl;
        if (!tls.load(&ssl, error)) {
            delete tcp;
            return false;
        }
        tcp->setTls(ssl);
    }
    if (!tcp->listen(config.address, config.port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3; pick another address with --listen")
                     .arg(config.address.toString())
                     .arg(config.port)
                     .arg(tcp->errorString());
        delete tcp;
        return false;
    }
    m_tcp = tcp;
    m_http->bind(tcp); // QHttpServer owns it from here
    m_inbox->startProcessing();
    qCInfo(lcWebhook).noquote() << "webhook server listening on" << url().toString();
    return true;
}

quint16 WebhookServer::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QUrl WebhookServer::url() const
{
    QUrl u;
    u.setScheme(m_tcp && m_tcp->usesTls() ? QStringLiteral("https") : QStringLiteral("http"));
    u.setHost(m_config.address.toString());
    u.setPort(port());
    return u;
}

void WebhookServer::beginDrain()
{
    if (m_draining)
        return;
    m_draining = true;
    qCInfo(lcWebhook) << "draining: new requests get 503;" << m_inFlight << "answers still owed";
    m_inbox->flush();
    checkDrained();
}

void WebhookServer::checkDrained()
{
    if (m_draining && m_inFlight == 0 && m_inbox->pendingWrites() == 0)
        QMetaObject::invokeMethod(this, &WebhookServer::drained, Qt::QueuedConnection);
}

void WebhookServer::reply(QHttpServerResponder &responder, const QString &route, int status,
    const QByteArray &body, const QByteArray &contentType,
    const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    ++m_deliveries[{ route, status }];
    QTcpSocket *socket = responder.socket();
    if (!socket || !socket->isOpen())
        return;
    QByteArray out;
    out.reserve(160 + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nCache-Control: no-store\r\n";
    for (const auto &h : extraHeaders)
        out += h.first + ": " + h.second + "\r\n";
    if (m_draining)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
    socket->write(out);
    if (m_draining)
        socket->disconnectFromHost();
}

void WebhookServer::replyJson(
    QHttpServerResponder &responder, const QString &route, int status, const QJsonObject &json)
{
    reply(responder, route, status, QJsonDocument(json).toJson(QJsonDocument::Compact), "application/json");
}

void WebhookServer::replyStored(QHttpServerResponder &responder, const QString &route, const InboxOutcome &outcome)
{
    // {"status":"accepted","inbox_id":N} (202), or "duplicate" (200), written directly: this answers
    // every delivery.
    reply(responder, route, outcome.duplicate ? 200 : 202,
        (outcome.duplicate ? QByteArrayView(R"({"status":"duplicate","inbox_id":)")
                           : QByteArrayView(R"({"status":"accepted","inbox_id":)"))
                .toByteArray()
            + QByteArray::number(outcome.id) + '}',
        "application/json");
}

void WebhookServer::dispatch(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QString path = request.url().path();
    const QString label = routeLabel(path);
    const Method method = request.method();
    const bool isAction = path.startsWith(QLatin1String("/actions/")) && path.size() > 9
        && !path.mid(9).contains(QLatin1Char('/'));
    // interview pipeline: candidate pages and the recruiters' read-only report
    if (path.startsWith(QLatin1String("/interview/")) || path.startsWith(QLatin1String("/interview-report/"))) {
        const QString pageLabel = path.startsWith(QLatin1String("/interview/")) ? QStringLiteral("/interview")
                                                                                : QStringLiteral("/interview-report");
        if (method != Method::Get && method != Method::Post) {
            reply(responder, pageLabel, 405, "method not allowed\n", "text/plain; charset=utf-8",
                { { "Allow", QByteArray("GET, POST") } });
            return;
        }
        if (!m_interviewHandler) {
            // The pipeline is attached right after start-up: a link is never called unknown meanwhile.
            reply(responder, pageLabel, 503, "starting, retry in a moment\n", "text/plain; charset=utf-8",
                { { "Retry-After", QByteArray("2") } });
            return;
        }
        if (m_draining) {
            reply(responder, pageLabel, 503, "shutting down, retry shortly\n");
            return;
        }
        // The answer may come later (a remote scorer): the responder is held until then, and a
        // drain waits for it.
        ++m_inFlight;
        QPointer<QTcpSocket> socket = responder.socket();
        auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
        QPointer<WebhookServer> self(this);
        m_interviewHandler->handlePageLater(method == Method::Get ? QByteArray("GET") : QByteArray("POST"),
            path, request.value("content-type"), request.body(),
            [self, socket, held, pageLabel](const PageAnswer &a) {
                if (!self)
                    return;
                --self->m_inFlight;
                if (socket)
                    self->reply(*held, pageLabel, a.status, a.body, a.contentType);
                self->checkDrained();
            });
        return;
    }
    const auto known = routes().find(path);
    if (known == routes().end() && !isAction) {
        reply(responder, label, 404, "not found\n");
        return;
    }
    const Method allowed = isAction ? Method::Post : known->second;
    if (method != allowed) {
        reply(responder, label, 405, "method not allowed\n", "text/plain; charset=utf-8",
            { { "Allow", allowed == Method::Get ? QByteArray("GET") : QByteArray("POST") } });
        return;
    }
    if (path == QLatin1String("/healthz")) {
        reply(responder, label, 200, "ok\n");
        return;
    }
    if (path == QLatin1String("/metrics")) {
        handleMetrics(request, responder);
        return;
    }
    if (m_draining) {
        reply(responder, label, 503, "shutting down, retry shortly\n");
        return;
    }
    if (path == QLatin1String("/readyz"))
        handleReady(responder);
    else if (!m_activation->loaded())
        reply(responder, label, 503, "starting: secrets are not loaded from the keychain yet\n");
    else if (path == QLatin1String("/config"))
        handleConfig(request, responder);
    else if (path == QLatin1String("/activation"))
        handleActivation(request, responder, false);
    else if (path == QLatin1String("/activation/validate"))
        handleActivation(request, responder, true);
    else if (path == QLatin1String("/webhook"))
        handlePartnerDelivery(request, responder, path, QString());
    else if (isAction)
        handlePartnerDelivery(request, responder, path, path.mid(9));
    else
        handleCompanyWebhook(request, responder);
}

void WebhookServer::handleReady(QHttpServerResponder &responder)
{
    QStringList problems;
    QSqlQuery q(m_store->database());
    if (!q.exec(QStringLiteral("SELECT 1")) || !q.next())
        problems << QStringLiteral("store not answering");
    if (!m_activation->loaded())
        problems << QStringLiteral("secrets not loaded yet");
    else if (!m_activation->keychainOk())
        problems << QStringLiteral("keychain unavailable: ") + m_activation->keychainMessage();
    if (problems.isEmpty())
        reply(responder, QStringLiteral("/readyz"), 200, "ready\n");
    else
        reply(responder, QStringLiteral("/readyz"), 503,
            "not ready: " + problems.join(QStringLiteral("; ")).toUtf8() + '\n');
}

void WebhookServer::handleMetrics(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    if (m_config.metricsLoopbackOnly && !request.remoteAddress().isLoopback()) {
        reply(responder, QStringLiteral("/metrics"), 403, "metrics are served to loopback clients only\n");
        return;
    }
    reply(responder, QStringLiteral("/metrics"), 200, metricsText(),
        "text/plain; version=0.0.4; charset=utf-8");
}

QByteArray WebhookServer::metricsText() const
{
    QByteArray out;
    out += "# HELP intrvio_webhook_deliveries_total Requests answered, by route and status.\n"
           "# TYPE intrvio_webhook_deliveries_total counter\n";
    for (auto it = m_deliveries.cbegin(); it != m_deliveries.cend(); ++it)
        out += "intrvio_webhook_deliveries_total{route=\"" + escapeLabel(it.key().first) + "\",status=\""
            + QByteArray::number(it.key().second) + "\"} " + QByteArray::number(it.value()) + '\n';
    out += "# HELP intrvio_webhook_verification_failures_total Refused credentials, by reason.\n"
           "# TYPE intrvio_webhook_verification_failures_total counter\n";
    for (auto it = m_failures.cbegin(); it != m_failures.cend(); ++it)
        out += "intrvio_webhook_verification_failures_total{reason=\"" + escapeLabel(it.key()) + "\"} "
            + QByteArray::number(it.value()) + '\n';
    out += "# HELP intrvio_webhook_guard_rejections_total Connections cut by the request guard, by reason.\n"
           "# TYPE intrvio_webhook_guard_rejections_total counter\n";
    for (auto it = m_guardRejections.cbegin(); it != m_guardRejections.cend(); ++it)
        out += "intrvio_webhook_guard_rejections_total{reason=\"" + escapeLabel(it.key()) + "\"} "
            + QByteArray::number(it.value()) + '\n';
    if (m_config.benchIgnoreSkew)
        out += "# TYPE intrvio_webhook_bench_skew_ignored_total "
               "counter\nintrvio_webhook_bench_skew_ignored_total "
            + QByteArray::number(m_benchSkewIgnored) + '\n';
    out += "# TYPE intrvio_webhook_open_connections gauge\nintrvio_webhook_open_connections "
        + QByteArray::number(m_tcp ? m_tcp->openConnections() : 0) + '\n';
    out += "# HELP intrvio_inbox_depth Stored deliveries not processed yet.\n# TYPE intrvio_inbox_depth "
           "gauge\n"
           "intrvio_inbox_depth "
        + QByteArray::number(m_inbox->unprocessedCount()) + '\n';
    qint64 outbox = 0;
    QSqlQuery q(m_store->database());
    if (q.exec(QStringLiteral("SELECT count(*) FROM outbox WHERE state = 'pending'")) && q.next())
        outbox = q.value(0).toLongLong();
    out += "# HELP intrvio_outbox_depth Outbound changes not sent yet.\n# TYPE intrvio_outbox_depth gauge\n"
           "intrvio_outbox_depth "
        + QByteArray::number(outbox) + '\n';
    out += "# HELP intrvio_inbox_wal_catchups_total Times the inbox writer checkpointed itself because the"
           " background checkpoints fell behind.\n# TYPE intrvio_inbox_wal_catchups_total counter\n"
           "intrvio_inbox_wal_catchups_total "
        + QByteArray::number(m_inbox->walCatchUps()) + '\n';
    out += "# HELP intrvio_inbox_wal_pending_frames Committed WAL pages not copied into the database yet"
           " (checkpoints wait for a pause in deliveries).\n# TYPE intrvio_inbox_wal_pending_frames gauge\n"
           "intrvio_inbox_wal_pending_frames "
        + QByteArray::number(m_inbox->walPendingFrames()) + '\n';
    out += "# HELP intrvio_inbox_processing_latency_seconds From receipt to processed.\n"
           "# TYPE intrvio_inbox_processing_latency_seconds histogram\n";
    quint64 cumulative = 0;
    const QList<double> &buckets = Inbox::latencyBuckets();
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        cumulative += m_inbox->latencyCounts().at(i);
        out += "intrvio_inbox_processing_latency_seconds_bucket{le=\"" + QByteArray::number(buckets.at(i))
            + "\"} " + QByteArray::number(cumulative) + '\n';
    }
    out += "intrvio_inbox_processing_latency_seconds_bucket{le=\"+Inf\"} "
        + QByteArray::number(m_inbox->latencyCount()) + "\nintrvio_inbox_processing_latency_seconds_sum "
        + QByteArray::number(m_inbox->latencySum(), 'f', 6)
        + "\nintrvio_inbox_processing_latency_seconds_count " + QByteArray::number(m_inbox->latencyCount())
        + '\n';
    if (m_extraMetrics) // interview pipeline (outbox depth)
        out += m_extraMetrics();
    return out;
}

QJsonObject WebhookServer::errorForm(const QString &message)
{
    return QJsonObject { { QStringLiteral("config"),
        QJsonObject { { QStringLiteral("fields"),
            QJsonArray { QJsonObject { { QStringLiteral("type"), QStringLiteral("error") },
                { QStringLiteral("message"), message }, { QStringLiteral("required"), true } } } } } } };
}

QJsonObject WebhookServer::configForm(const QSqlDatabase &db, const QString &jobId, const QString &stageId)
{
    QJsonArray templates;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT id, name FROM templates ORDER BY name COLLATE NOCASE")))
        return errorForm(
            QStringLiteral("Intrvio cannot read its interview templates; check the Intrvio service."));
    while (q.next())
        templates.append(QJsonObject { { QStringLiteral("id"), q.value(0).toString() },
            { QStringLiteral("label"), q.value(1).toString() } });
    if (templates.isEmpty())
        return errorForm(
            QStringLiteral("Intrvio has no interview templates yet. Add them in the Intrvio app "
                           "(or run `intrvio mapping import FILE`), then set up this trigger again."));
    QString stageName;
    QJsonArray stages;
    if (!jobId.isEmpty()) {
        q.prepare(QStringLiteral("SELECT id, name FROM stages WHERE job_id = ? ORDER BY row_order"));
        q.addBindValue(jobId);
        if (q.exec()) {
            while (q.next()) {
                stages.append(QJsonObject { { QStringLiteral("id"), q.value(0).toString() },
                    { QStringLiteral("label"), q.value(1).toString() } });
                if (q.value(0).toString() == stageId)
                    stageName = q.value(1).toString();
            }
        }
    }
    if (stageName.isEmpty() && !stageId.isEmpty()) {
        q.prepare(QStringLiteral("SELECT name FROM stages WHERE id = ?"));
        q.addBindValue(stageId);
        if (q.exec() && q.next())
            stageName = q.value(0).toString();
    }
    // Job-specific mapping (stage by id or name) wins over the default mapping by stage name.
    QString templateId;
    QVariant threshold;
    QString onPass;
    QString onFail;
    auto lookup = [&](const QString &job, const QString &stageA, const QString &stageB) {
        q.prepare(
            QStringLiteral("SELECT template_id, pass_threshold, on_pass, on_fail FROM mappings"
                           " WHERE job_id = ? AND (stage = ? COLLATE NOCASE OR stage = ? COLLATE NOCASE)"
                           " AND stale = 0 LIMIT 1"));
        q.addBindValue(job);
        q.addBindValue(stageA);
        q.addBindValue(stageB);
        if (q.exec() && q.next()) {
            templateId = q.value(0).toString();
            threshold = q.value(1);
            onPass = q.value(2).toString();
            onFail = q.value(3).toString();
            return true;
        }
        return false;
    };
    bool mapped = false;
    if (!jobId.isEmpty() && (!stageId.isEmpty() || !stageName.isEmpty()))
        mapped = lookup(jobId, stageId, stageName.isEmpty() ? stageId : stageName);
    if (!mapped && !stageName.isEmpty())
        mapped = lookup(QStringLiteral(""), stageName, stageName); // job_id '': the default mapping
    auto stageIdFor = [&](const QString &nameOrId) {
        for (const QJsonValue &s : std::as_const(stages)) {
            const QJsonObject o = s.toObject();
            if (o.value(QLatin1String("id")).toString() == nameOrId
                || o.value(QLatin1String("label")).toString().compare(nameOrId, Qt::CaseInsensitive) == 0)
                return o.value(QLatin1String("id")).toString();
        }
        return nameOrId;
    };

    QJsonArray fields;
    if (!mapped)
        fields.append(QJsonObject { { QStringLiteral("type"), QStringLiteral("infobox") },
            { QStringLiteral("icon"), QStringLiteral("info") },
            { QStringLiteral("content"),
                QStringLiteral("No stage mapping covers this stage yet; pick the interview "
                               "template to send.") } });
    // Field ids avoid '_' because Teamtailor turns it into '-' in webhook-data (protocol §3.1).
    QJsonObject templateField { { QStringLiteral("id"), QStringLiteral("template") },
        { QStringLiteral("label"), QStringLiteral("Interview template") },
        { QStringLiteral("type"), QStringLiteral("select") }, { QStringLiteral("required"), true },
        { QStringLiteral("options"), templates } };
    if (mapped)
        templateField.insert(QStringLiteral("value"), templateId);
    fields.append(templateField);
    QJsonObject thresholdField { { QStringLiteral("id"), QStringLiteral("threshold") },
        { QStringLiteral("label"), QStringLiteral("Pass threshold (score 0-100)") },
        { QStringLiteral("type"), QStringLiteral("number") }, { QStringLiteral("min"), 0 },
        { QStringLiteral("max"), 100 }, { QStringLiteral("step"), 5 } };
    if (threshold.isValid() && !threshold.isNull())
        thresholdField.insert(QStringLiteral("value"), threshold.toInt());
    fields.append(thresholdField);
    QJsonArray passOptions { QJsonObject {
        { QStringLiteral("id"), QString() }, { QStringLiteral("label"), QStringLiteral("Do not move") } } };
    QJsonArray failOptions { QJsonObject { { QStringLiteral("id"), QString() },
                                 { QStringLiteral("label"), QStringLiteral("Do nothing") } },
        QJsonObject { { QStringLiteral("id"), QStringLiteral("reject") },
            { QStringLiteral("label"), QStringLiteral("Reject") } } };
    for (const QJsonValue &s : std::as_const(stages)) {
        passOptions.append(s);
        failOptions.append(s);
    }
    QJsonObject passField { { QStringLiteral("id"), QStringLiteral("pass-stage") },
        { QStringLiteral("label"), QStringLiteral("When passed, move to stage") },
        { QStringLiteral("type"), QStringLiteral("select") }, { QStringLiteral("options"), passOptions } };
    if (!onPass.isEmpty())
        passField.insert(QStringLiteral("value"), stageIdFor(onPass));
    QJsonObject failField { { QStringLiteral("id"), QStringLiteral("fail-stage") },
        { QStringLiteral("label"), QStringLiteral("When failed") },
        { QStringLiteral("type"), QStringLiteral("select") }, { QStringLiteral("options"), failOptions } };
    if (!onFail.isEmpty())
        failField.insert(
            QStringLiteral("value"), onFail == QLatin1String("reject") ? onFail : stageIdFor(onFail));
    fields.append(passField);
    fields.append(failField);
    return QJsonObject { { QStringLiteral("config"), QJsonObject { { QStringLiteral("fields"), fields } } } };
}

void WebhookServer::handleConfig(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QString route = QStringLiteral("/config");
    const auto bearer = m_activation->checkBearer(request.value("authorization"), false);
    if (!bearer.ok()) {
        countFailure(QStringLiteral("bearer"));
        // Teamtailor shows config errors as a form element (protocol §2 step 6).
        replyJson(
            responder, route, 200, errorForm(QStringLiteral("Wrong authorization token: ") + bearer.message));
        return;
    }
    if (bearer.learnable)
        m_activation->learn(bearer.token, bearer.kind, QString(), QString(), nullptr);
    const QUrlQuery query = request.query();
    replyJson(responder, route, 200,
        configForm(m_store->database(), query.queryItemValue(QStringLiteral("job_id")),
            query.queryItemValue(QStringLiteral("stage_id"))));
}

void WebhookServer::handleActivation(
    const QHttpServerRequest &request, QHttpServerResponder &responder, bool validate)
{
    const QString route = validate ? QStringLiteral("/activation/validate") : QStringLiteral("/activation");
    const auto bearer = m_activation->checkBearer(request.value("authorization"), false);
    if (validate) {
        if (!bearer.ok()) {
            countFailure(QStringLiteral("bearer"));
            replyJson(responder, route, 401,
                QJsonObject { { QStringLiteral("errors"), QJsonArray { bearer.message } } });
            return;
        }
        if (bearer.learnable)
            m_activation->learn(bearer.token, bearer.kind, QString(), QString(), nullptr);
        replyJson(responder, route, 200,
            QJsonObject {
                { QStringLiteral("ok"), true }, { QStringLiteral("company"), m_activation->companyName() } });
        return;
    }
    if (!bearer.ok() && bearer.outcome != Activation::BearerCheck::Outcome::NotActivated) {
        countFailure(QStringLiteral("bearer"));
        replyJson(responder, route, 200, errorForm(bearer.message));
        return;
    }
    const QString text = m_activation->activated()
        ? QStringLiteral("Intrvio is connected%1. Candidates moved into a mapped stage get an AI interview.")
              .arg(m_activation->companyName().isEmpty()
                      ? QString()
                      : QStringLiteral(" for ") + m_activation->companyName())
        : QStringLiteral("Activate to let Intrvio send AI interviews to candidates in mapped stages.");
    QJsonObject config { { QStringLiteral("fields"),
        QJsonArray { QJsonObject { { QStringLiteral("type"), QStringLiteral("infobox") },
            { QStringLiteral("icon"), QStringLiteral("info") }, { QStringLiteral("content"), text } } } } };
    replyJson(responder, route, 200,
        QJsonObject { { QStringLiteral("config"), config },
            { QStringLiteral("validateEndpoint"), QStringLiteral("activation/validate") } });
}

void WebhookServer::handlePartnerDelivery(const QHttpServerRequest &request, QHttpServerResponder &responder,
    const QString &route, const QString &action)
{
    const QString label = routeLabel(route);
    if (!isJsonContentType(request.value("content-type"))) {
        reply(responder, label, 415, "unsupported content type: send application/json\n");
        return;
    }
    const QByteArray signatureHeader = request.value("teamtailor-signature");
    // Bearer first (cheap, constant time); an unknown opaque key may still be learnt below if the
    // signature verifies, so decide after the signature check.
    auto bearer = m_activation->checkBearer(request.value("authorization"), false);
    if (bearer.outcome == Activation::BearerCheck::Outcome::Missing
        || bearer.outcome == Activation::BearerCheck::Outcome::Invalid
        || bearer.outcome == Activation::BearerCheck::Outcome::Unknown
        || bearer.outcome == Activation::BearerCheck::Outcome::OtherCompany) {
        countFailure(QStringLiteral("bearer"));
        reply(responder, label, 401, bearer.message.toUtf8() + '\n');
        return;
    }
    const QByteArray body = request.body();
    // What the answer depends on; the rest is decoded when the stored row is processed.
    const EventNormalizer::PartnerEvent event
        = EventNormalizer::decodePartnerEvent(body, EventNormalizer::PartnerDetail::Envelope);
    if (!event.ok()) {
        reply(responder, label, 400, event.error.toUtf8() + '\n');
        return;
    }
    QString verification = QStringLiteral("bearer=") + ProviderKey::kindName(bearer.kind);
    qint64 signatureT = 0;
    const QByteArray secret = m_activation->webhookSecret();
    bool signatureVerified = false;
    if (!secret.isEmpty()) {
        const auto sig = PartnerSignature::verify(
            signatureHeader, event.eventId.toUtf8(), secret, m_clock.nowSecs(), m_config.toleranceSecs);
        signatureT = sig.t;
        const bool skew = sig.failure == SignatureFailure::Stale || sig.failure == SignatureFailure::Future;
        if (skew && m_config.benchIgnoreSkew) {
            ++m_benchSkewIgnored;
            verification += QStringLiteral(";signature=v1;skew-ignored-bench");
            signatureVerified = true;
        } else if (!sig.ok()) {
            countFailure(signatureFailureName(sig.failure));
            reply(responder, label, 401, signatureFailureText(sig.failure).toUtf8() + '\n');
            return;
        } else {
            verification += QStringLiteral(";signature=v1");
            signatureVerified = true;
        }
    } else {
        verification += QStringLiteral(";signature=not-configured");
    }
    if (bearer.outcome == Activation::BearerCheck::Outcome::NotActivated) {
        bearer = m_activation->checkBearer(request.value("authorization"), signatureVerified);
        if (!bearer.ok()) {
            countFailure(QStringLiteral("bearer"));
            reply(responder, label, 401, bearer.message.toUtf8() + '\n');
            return;
        }
    }
    if (!m_activation->companyUuid().isEmpty() && !event.companyUuid.isEmpty()
        && event.companyUuid != m_activation->companyUuid()) {
        countFailure(QStringLiteral("other_company"));
        reply(responder, label, 401,
            QStringLiteral(
                "this Intrvio installation serves %1 only; deliveries for another company are refused\n")
                .arg(m_activation->companyName().isEmpty() ? m_activation->companyUuid()
                                                           : m_activation->companyName())
                .toUtf8());
        return;
    }

    InboxEntry entry;
    entry.route = route;
    if (action.isEmpty())
        entry.eventKey = QStringLiteral("partner:") + event.eventId;
    else if (signatureT)
        entry.eventKey = QStringLiteral("action:%1:%2:%3").arg(action, event.eventId).arg(signatureT);
    entry.headers = Redaction::headersText(request.headers());
    entry.body = body;
    entry.verification = verification;
    entry.status = 202;
    entry.replayEventId = action.isEmpty() && signatureT ? event.eventId : QString();
    entry.replayT = signatureT;

    ++m_inFlight;
    QPointer<QTcpSocket> socket = responder.socket();
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    const bool learnable = bearer.learnable;
    const QByteArray token = bearer.token;
    const ProviderKey::Kind kind = bearer.kind;
    const QString companyUuid = event.companyUuid;
    const QString companyName = event.companyName;
    m_inbox->enqueue(std::move(entry), [=, this](const InboxOutcome &outcome) {
        --m_inFlight;
        if (outcome.stored && learnable)
            m_activation->learn(token, kind, companyUuid, companyName, nullptr);
        else if (outcome.stored)
            m_activation->noteCompany(companyUuid, companyName);
        if (socket) {
            if (!outcome.stored)
                reply(*held, label, 503, "could not store the delivery; please retry\n");
            else
                replyStored(*held, label, outcome);
        }
        checkDrained();
    });
}

void WebhookServer::handleCompanyWebhook(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QString label = QStringLiteral("/company-webhooks");
    if (!isJsonContentType(request.value("content-type"))) {
        reply(responder, label, 415, "unsupported content type: send application/json\n");
        return;
    }
    const QByteArray body = request.body();
    const EventNormalizer::CompanyWebhook hook = EventNormalizer::decodeCompanyWebhook(body);
    if (!hook.ok()) {
        reply(responder, label, 400, hook.error.toUtf8() + '\n');
        return;
    }
    QString verification;
    const QByteArray ttSignature = request.value("tt-signature");
    const QByteArray partnerSignature = request.value("teamtailor-signature");
    if (!ttSignature.isEmpty()) {
        const auto sig = CompanySignature::verify(ttSignature, body, m_activation->companyWebhookSecret(),
            m_clock.nowSecs(), m_config.toleranceSecs);
        if (!sig.ok()) {
            countFailure(signatureFailureName(sig.failure));
            const QByteArray hint = sig.failure == SignatureFailure::NoSecret
                ? QByteArray(" (set it with: intrvio secret set company-webhook-secret)")
                : QByteArray();
            reply(responder, label, 401,
                "TT-Signature: " + signatureFailureText(sig.failure).toUtf8() + hint + '\n');
            return;
        }
        verification = QStringLiteral("tt-signature=v%1").arg(sig.version);
    } else if (!partnerSignature.isEmpty()) {
        // Partner webhook setups (protocol §6.4): what is signed is undocumented; we verify t.<data id>.
        const auto sig = PartnerSignature::verify(partnerSignature, hook.dataId.toUtf8(),
            m_activation->webhookSecret(), m_clock.nowSecs(), m_config.toleranceSecs);
        if (!sig.ok()) {
            countFailure(signatureFailureName(sig.failure));
            reply(responder, label, 401, signatureFailureText(sig.failure).toUtf8() + '\n');
            return;
        }
        verification = QStringLiteral("teamtailor-signature=v1");
    } else {
        countFailure(signatureFailureName(SignatureFailure::Missing));
        reply(responder, label, 401, "TT-Signature header missing\n");
        return;
    }
    if (!request.value("authorization").isEmpty()) {
        const auto bearer = m_activation->checkBearer(request.value("authorization"), true);
        if (!bearer.ok() && !bearer.learnable) {
            countFailure(QStringLiteral("bearer"));
            reply(responder, label, 401, bearer.message.toUtf8() + '\n');
            return;
        }
    }
    InboxEntry entry;
    entry.route = label;
    entry.eventKey = QStringLiteral("company:") + QString::fromLatin1(crypto::sha256(body).toHex());
    entry.headers = Redaction::headersText(request.headers());
    entry.body = body;
    entry.verification = verification;
    entry.status = 202;
    ++m_inFlight;
    QPointer<QTcpSocket> socket = responder.socket();
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    m_inbox->enqueue(std::move(entry), [=, this](const InboxOutcome &outcome) {
        --m_inFlight;
        if (socket) {
            if (!outcome.stored)
                reply(*held, label, 503, "could not store the delivery; please retry\n");
            else
                replyStored(*held, label, outcome);
        }
        checkDrained();
    });
}

} // namespace intrvio

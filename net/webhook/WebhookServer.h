#pragma once

#include "net/webhook/Limits.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;
class QSqlDatabase;
class QJsonObject;

namespace intrvio {

class Activation;
class Clock;
class GuardedTcpServer;
class Inbox;
struct InboxOutcome;
class InterviewRouteHandler;
class Store;
enum class GuardRejection;

struct WebhookServerConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0; // 0: ephemeral
    GuardLimits limits;
    QString tlsCertificatePath; // both set: HTTPS (QSslSocket per connection)
    QString tlsKeyPath;
    bool metricsLoopbackOnly = true;
    qint64 toleranceSecs = 300;
    // Benchmark only (INTRVIO_BENCH_IGNORE_SKEW=1): a genuine but stale/future signature timestamp is
    // counted instead of refused, so precomputed signatures stay usable. Never on by default.
    bool benchIgnoreSkew = false;
};

// The partner base-url (ARCHITECTURE.md §4): QHttpServer bound to a GuardedTcpServer. Every accepted
// delivery is committed to the inbox before its 2xx; forged, stale or malformed ones are refused with
// a short plain-text reason.
class WebhookServer : public QObject
{
    Q_OBJECT
public:
    WebhookServer(Store *store, Activation *activation, const Clock &clock, QObject *parent = nullptr);
    ~WebhookServer() override;

    bool listen(const WebhookServerConfig &config, QString *error);
    quint16 port() const;
    QUrl url() const;
    Inbox *inbox() const { return m_inbox; }

    // SIGTERM: new requests get 503, answers still owed are sent, then drained() is emitted.
    void beginDrain();
    bool draining() const { return m_draining; }
    int inFlight() const { return m_inFlight; }

    // Prometheus text exposition (also served at /metrics).
    QByteArray metricsText() const;

    // --- interview pipeline ---
    // Candidate pages (/interview/<token>, /interview-report/<token>) go to this handler; without one
    // they answer 404. Extra metrics text (e.g. outbox depth) is appended to /metrics.
    void setInterviewHandler(InterviewRouteHandler *handler) { m_interviewHandler = handler; }
    void setExtraMetrics(std::function<QByteArray()> extra) { m_extraMetrics = std::move(extra); }

    // Pure: the "Send Intrvio interview" trigger form for a job/stage (teamtailor-protocol.md §3.1).
    static QJsonObject configForm(const QSqlDatabase &db, const QString &jobId, const QString &stageId);
    static QJsonObject errorForm(const QString &message);

Q_SIGNALS:
    void drained();

private:
    void dispatch(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void handleConfig(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void handleActivation(const QHttpServerRequest &request, QHttpServerResponder &responder, bool validate);
    void handlePartnerDelivery(const QHttpServerRequest &request, QHttpServerResponder &responder,
        const QString &route, const QString &action);
    void handleCompanyWebhook(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void handleMetrics(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void handleReady(QHttpServerResponder &responder);

    void reply(QHttpServerResponder &responder, const QString &route, int status, const QByteArray &body,
        const QByteArray &contentType = "text/plain; charset=utf-8",
        const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {});
    void replyJson(
        QHttpServerResponder &responder, const QString &route, int status, const QJsonObject &json);
    void replyStored(QHttpServerResponder &responder, const QString &route, const InboxOutcome &outcome);
    void countFailure(const QString &reason) { ++m_failures[reason]; }
    void checkDrained();

    Store *m_store;
    Activation *m_activation;
    const Clock &m_clock;
    WebhookServerConfig m_config;
    std::unique_ptr<QHttpServer> m_http;
    GuardedTcpServer *m_tcp = nullptr; // owned by m_http after bind()
    Inbox *m_inbox;
    bool m_draining = false;
    int m_inFlight = 0;
    QHash<QPair<QString, int>, quint64> m_deliveries;
    QHash<QString, quint64> m_failures;
    QHash<QString, quint64> m_guardRejections;
    quint64 m_benchSkewIgnored = 0;
    InterviewRouteHandler *m_interviewHandler = nullptr; // interview pipeline
    std::function<QByteArray()> m_extraMetrics; // interview pipeline
};

} // namespace intrvio

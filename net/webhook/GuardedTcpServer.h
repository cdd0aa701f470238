#pragma once

#include "net/webhook/Limits.h"

#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>

#include <functional>

class QTcpSocket;
class QTimer;

namespace intrvio {

// Why the guard cut a connection (metrics label).
enum class GuardRejection { HeadersTooLarge, BodyTooLarge, Timeout, TooManyConnections, BadRequest };
QString guardRejectionName(GuardRejection r);

// Watches one connection's byte stream before QHttpServer sees it: counts header and body bytes per
// request (keep-alive aware, Content-Length and chunked), answers 431/413/408/400 itself and closes,
// answers `Expect: 100-continue`, and honours `Connection: close` once the response is written.
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    ConnectionGuard(QTcpSocket *socket, const GuardLimits &limits, QObject *parent);

    void inspect(); // readyRead slot; connected before QHttpServer's, so it runs first
    bool midRequest() const { return m_state != State::Idle; }

Q_SIGNALS:
    void rejected(intrvio::GuardRejection why);

private:
    enum class State { Idle, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailer };
    void feed(const char *data, qsizetype size);
    bool headersComplete();
    void requestComplete();
    void reject(int status, const QByteArray &reason, const QByteArray &body, GuardRejection why);
    void onIdle();
    void onDeadline();
    void onBytesWritten();

    QTcpSocket *m_socket;
    GuardLimits m_limits;
    State m_state = State::Idle;
    QByteArray m_peeked; // what inspect() last looked at
    QByteArray m_header; // the header block of the current request (bounded by maxHeaderBytes)
    QByteArray m_line; // chunk-size / trailer line
    qsizetype m_bodyBytes = 0;
    qsizetype m_remaining = 0; // body or chunk bytes still expected
    bool m_closeAfterResponse = false;
    bool m_dead = false;
    QTimer *m_idle;
    QTimer *m_deadline;
};

// The QTcpServer handed to QHttpServer::bind(). Enforces the connection cap (503) and installs a
// ConnectionGuard on every socket. With a certificate it serves TLS (QSslServer underneath).
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(const GuardLimits &limits, QObject *parent = nullptr);

    void setTls(const QSslConfiguration &config)
    {
        m_tls = config;
        m_useTls = true;
    }
    bool usesTls() const { return m_useTls; }
    int openConnections() const { return m_open; }
    const GuardLimits &limits() const { return m_limits; }

    // Called with every rejection the guard answers itself (for metrics).
    std::function<void(GuardRejection)> onRejected;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void guard(QTcpSocket *socket);
    GuardLimits m_limits;
    QSslConfiguration m_tls;
    bool m_useTls = false;
    int m_open = 0;
};

// Writes a complete short plain-text response and closes after it is sent.
void writeAndClose(QTcpSocket *socket, int status, const QByteArray &reason, const QByteArray &body);

} // namespace intrvio

#include "GuardedTcpServer.h"

#include "models/Log.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace intrvio {

QString guardRejectionName(GuardRejection r)
{
    switch (r) {
    case GuardRejection::HeadersTooLarge:
        return QStringLiteral("headers_too_large");
    case GuardRejection::BodyTooLarge:
        return QStringLiteral("body_too_large");
    case GuardRejection::Timeout:
        return QStringLiteral("timeout");
    case GuardRejection::TooManyConnections:
        return QStringLiteral("too_many_connections");
    case GuardRejection::BadRequest:
        return QStringLiteral("bad_request");
    }
    return {};
}

void writeAndClose(QTcpSocket *socket, int status, const QByteArray &reason, const QByteArray &body)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
    socket->write(out);
    socket->disconnectFromHost(); // flushes the write buffer first
}

namespace {

QByteArrayView trimmedView(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v.chop(1);
    return v;
}

bool equalsCi(QByteArrayView a, const char *b)
{
    return a.compare(QByteArrayView(b), Qt::CaseInsensitive) == 0;
}

} // namespace

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, const GuardLimits &limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_limits(limits)
    , m_idle(new QTimer(this))
    , m_deadline(new QTimer(this))
{
    m_idle->setSingleShot(true);
    m_deadline->setSingleShot(true);
    connect(m_idle, &QTimer::timeout, this, &ConnectionGuard::onIdle);
    connect(m_deadline, &QTimer::timeout, this, &ConnectionGuard::onDeadline);
    connect(socket, &QIODevice::bytesWritten, this, &ConnectionGuard::onBytesWritten);
    m_idle->start(m_limits.keepAliveTimeoutMs);
}

void ConnectionGuard::inspect()
{
    if (m_dead) {
        m_socket->readAll(); // drain: nothing more reaches QHttpServer
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return;
    // QHttpServer reads everything it is offered (inside a read transaction), so what is available
    // now is exactly what arrived since our last look.
    // Into a buffer kept between reads (no allocation per request), at most 64 KiB of it.
    constexpr qint64 Chunk = 64 * 1024;
    m_peeked.resize(qMin(available, Chunk));
    if (available <= Chunk) {
        const qint64 got = m_socket->peek(m_peeked.data(), available);
        if (got > 0)
            feed(m_peeked.constData(), got);
    } else { // a large body: peek() cannot skip, so look at it whole, once
        const QByteArray bytes = m_socket->peek(available);
        feed(bytes.constData(), bytes.size());
    }
    if (!m_dead && m_state != State::Idle)
        m_idle->start(m_limits.idleTimeoutMs);
}

void ConnectionGuard::feed(const char *data, qsizetype size)
{
    qsizetype i = 0;
    while (i < size && !m_dead) {
        switch (m_state) {
        case State::Idle:
            if (data[i] == '\r' || data[i] == '\n') { // stray CRLF between requests
                ++i;
                break;
            }
            m_state = State::Headers;
            m_header.clear();
            m_bodyBytes = 0;
            m_deadline->start(m_limits.requestDeadlineMs);
            break;
        case State::Headers: {
            const qsizetype room = m_limits.maxHeaderBytes - m_header.size();
            const qsizetype take = qMin(size - i, room + 1);
            // Look for the end of the header block in what we take (it may straddle reads).
            const qsizetype before = m_header.size();
            m_header.append(data + i, take);
            const qsizetype searchFrom = qMax<qsizetype>(0, before - 3);
            const qsizetype end = m_header.indexOf("\r\n\r\n", searchFrom);
            if (end < 0) {
                if (m_header.size() > m_limits.maxHeaderBytes) {
                    reject(431, "Request Header Fields Too Large", "request headers too large\n",
                        GuardRejection::HeadersTooLarge);
                    return;
                }
                i += take;
                break;
            }
            const qsizetype headerEnd = end + 4;
            if (headerEnd > m_limits.maxHeaderBytes) {
                reject(431, "Request Header Fields Too Large", "request headers too large\n",
                    GuardRejection::HeadersTooLarge);
                return;
            }
            i += headerEnd - before;
            m_header.truncate(headerEnd);
            if (!headersComplete())
                return;
            break;
        }
        case State::Body: {
            const qsizetype take = qMin<qsizetype>(size - i, m_remaining);
            m_remaining -= take;
            i += take;
            if (m_remaining == 0)
                requestComplete();
            break;
        }
        case State::ChunkSize:
        case State::Trailer: {
            const char c = data[i++];
            if (c != '\n') {
                if (m_line.size() > 1024) {
                    reject(400, "Bad Request", "malformed chunked body\n", GuardRejection::BadRequest);
                    return;
                }
                m_line.append(c);
                break;
            }
            QByteArrayView line = trimmedView(m_line);
            m_line.clear();
            if (m_state == State::Trailer) {
                if (line.isEmpty())
                    requestComplete();
                break;
            }
            const qsizetype semi = line.indexOf(';');
            if (semi >= 0)
                line = trimmedView(line.first(semi));
            bool ok = false;
            const qlonglong chunk = QByteArray(line.data(), line.size()).toLongLong(&ok, 16);
            if (!ok || chunk < 0 || line.size() > 12) {
                reject(400, "Bad Request", "malformed chunked body\n", GuardRejection::BadRequest);
                return;
            }
            if (chunk == 0) {
                m_state = State::Trailer;
                break;
            }
            m_bodyBytes += chunk;
            if (m_bodyBytes > m_limits.maxBodyBytes) {
                reject(413, "Payload Too Large", "request body too large\n", GuardRejection::BodyTooLarge);
                return;
            }
            m_remaining = chunk;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qsizetype take = qMin<qsizetype>(size - i, m_remaining);
            m_remaining -= take;
            i += take;
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
                m_remaining = 2;
            }
            break;
        }
        case State::ChunkDataEnd: {
            const qsizetype take = qMin<qsizetype>(size - i, m_remaining);
            m_remaining -= take;
            i += take;
            if (m_remaining == 0)
                m_state = State::ChunkSize;
            break;
        }
        }
    }
}

bool ConnectionGuard::headersComplete()
{
    qlonglong contentLength = 0;
    bool chunked = false;
    bool expectContinue = false;
    bool close = false;
    bool http10 = false;
    const QList<QByteArray> lines = m_header.split('\n');
    if (!lines.isEmpty() && trimmedView(lines.first()).endsWith("HTTP/1.0"))
        http10 = true;
    for (qsizetype n = 1; n < lines.size(); ++n) {
        const QByteArrayView line = lines.at(n);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArrayView name = trimmedView(line.first(colon));
        const QByteArrayView value = trimmedView(line.sliced(colon + 1));
        if (equalsCi(name, "content-length")) {
            bool ok = false;
            const qlonglong v = QByteArray(value.data(), value.size()).toLongLong(&ok);
            if (!ok || v < 0) {
                reject(400, "Bad Request", "invalid Content-Length\n", GuardRejection::BadRequest);
                return false;
            }
            contentLength = v;
        } else if (equalsCi(name, "transfer-encoding")) {
            chunked = QByteArray(value.data(), value.size()).toLower().contains("chunked");
        } else if (equalsCi(name, "expect")) {
            expectContinue = equalsCi(value, "100-continue");
        } else if (equalsCi(name, "connection")) {
            close = QByteArray(value.data(), value.size()).toLower().contains("close");
        }
    }
    m_closeAfterResponse = close || http10;
    if (!chunked && contentLength > m_limits.maxBodyBytes) {
        reject(413, "Payload Too Large", "request body too large\n", GuardRejection::BodyTooLarge);
        return false;
    }
    if (expectContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (chunked) {
        m_state = State::ChunkSize;
        m_line.clear();
    } else if (contentLength > 0) {
        m_state = State::Body;
        m_remaining = contentLength;
        m_bodyBytes = contentLength;
    } else {
        requestComplete();
    }
    return true;
}

void ConnectionGuard::requestComplete()
{
    m_state = State::Idle;
    m_deadline->stop();
    m_idle->start(m_limits.keepAliveTimeoutMs);
}

void ConnectionGuard::onBytesWritten()
{
    // Qt 6.4's QHttpServer ignores `Connection: close`; we close once the answer has gone out.
    if (m_closeAfterResponse && m_state == State::Idle && m_socket->bytesToWrite() == 0)
        m_socket->disconnectFromHost();
}

void ConnectionGuard::reject(int status, const QByteArray &reason, const QByteArray &body, GuardRejection why)
{
    m_dead = true;
    m_idle->stop();
    m_deadline->stop();
    m_socket->readAll(); // nothing of this request reaches QHttpServer
    qCInfo(lcWebhook).noquote() << "connection from" << m_socket->peerAddress().toString()
                                << "refused:" << status << guardRejectionName(why);
    Q_EMIT rejected(why);
    writeAndClose(m_socket, status, reason, body);
}

void ConnectionGuard::onIdle()
{
    if (m_dead)
        return;
    if (m_state == State::Idle) { // keep-alive connection unused for too long
        m_socket->disconnectFromHost();
        return;
    }
    reject(
        408, "Request Timeout", "request timed out: the client sent too slowly\n", GuardRejection::Timeout);
}

void ConnectionGuard::onDeadline()
{
    if (!m_dead && m_state != State::Idle)
        reject(408, "Request Timeout", "request timed out: the client sent too slowly\n",
            GuardRejection::Timeout);
}

GuardedTcpServer::GuardedTcpServer(const GuardLimits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{ }

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = nullptr;
    if (m_useTls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_tls);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_open >= m_limits.maxConnections) {
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        if (onRejected)
            onRejected(GuardRejection::TooManyConnections);
        if (m_useTls) { // answer after the handshake, or the client cannot read it
            auto *ssl = static_cast<QSslSocket *>(socket);
            connect(ssl, &QSslSocket::encrypted, ssl, [ssl] {
                writeAndClose(ssl, 503, "Service Unavailable", "too many connections, retry later\n");
            });
            ssl->startServerEncryption();
        } else {
            writeAndClose(socket, 503, "Service Unavailable", "too many connections, retry later\n");
        }
        return;
    }
    // Answers are small and often written after a commit completes; never let Nagle hold them back.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    guard(socket);
    if (m_useTls)
        static_cast<QSslSocket *>(socket)->startServerEncryption();
    addPendingConnection(socket);
}

void GuardedTcpServer::guard(QTcpSocket *socket)
{
    ++m_open;
    auto *g = new ConnectionGuard(socket, m_limits, socket);
    // Connected before QHttpServer connects its own slot, so the guard sees every byte first.
    connect(socket, &QIODevice::readyRead, g, &ConnectionGuard::inspect);
    connect(g, &ConnectionGuard::rejected, this, [this](GuardRejection why) {
        if (onRejected)
            onRejected(why);
    });
    auto counted = std::make_shared<bool>(true);
    auto release = [this, counted] {
        if (*counted) {
            *counted = false;
            --m_open;
        }
    };
    connect(socket, &QAbstractSocket::disconnected, this, release);
    connect(socket, &QObject::destroyed, this, release);
}

} // namespace intrvio

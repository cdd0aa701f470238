#pragma once

// A raw HTTP/1.1 client over QTcpSocket for webhook-server tests. Waits with QSignalSpy::wait, so the
// server (same thread) keeps running; never blocks on the socket.
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QSignalSpy>
#include <QTcpSocket>

namespace intrvio::test {

struct HttpResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool closed = false; // the server closed the connection
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

class HttpTestClient
{
public:
    explicit HttpTestClient(quint16 port)
        : m_port(port)
    { }
    bool connect(int timeoutMs = 5000)
    {
        QSignalSpy connected(&m_socket, &QTcpSocket::connected);
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
        return connected.wait(timeoutMs) || m_socket.state() == QAbstractSocket::ConnectedState;
    }
    void write(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    QTcpSocket &socket() { return m_socket; }

    // Reads until one complete response (status line, headers, Content-Length body) or close.
    HttpResponse read(int timeoutMs = 5000)
    {
        HttpResponse r;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            m_buffer += m_socket.readAll();
            if (tryParse(&r))
                return r;
            if (m_socket.state() == QAbstractSocket::UnconnectedState) {
                m_buffer += m_socket.readAll();
                tryParse(&r);
                r.closed = true;
                return r;
            }
            QSignalSpy ready(&m_socket, &QTcpSocket::readyRead);
            QSignalSpy gone(&m_socket, &QTcpSocket::disconnected);
            if (m_socket.bytesAvailable() == 0)
                ready.wait(50);
        }
        return r;
    }
    // True once the server closed the connection (waits up to timeoutMs).
    bool waitClosed(int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_socket.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < timeoutMs) {
            QSignalSpy gone(&m_socket, &QTcpSocket::disconnected);
            gone.wait(50);
            m_buffer += m_socket.readAll();
        }
        return m_socket.state() == QAbstractSocket::UnconnectedState;
    }
    QByteArray buffered() const { return m_buffer; }
    void dropBuffered(qsizetype n) { m_buffer.remove(0, n); }

    static QByteArray request(const QByteArray &method, const QByteArray &path,
        const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body = {})
    {
        QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        for (const auto &h : headers)
            out += h.first + ": " + h.second + "\r\n";
        if (!body.isEmpty() || method == "POST")
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        out += "\r\n" + body;
        return out;
    }

private:
    bool tryParse(HttpResponse *r)
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        HttpResponse parsed;
        const QList<QByteArray> statusParts = lines.first().trimmed().split(' ');
        parsed.status = statusParts.size() > 1 ? statusParts.at(1).toInt() : 0;
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = lines.at(i).left(colon).trimmed();
            const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
            parsed.headers.append({ name, value });
            if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                length = value.toLongLong();
        }
        if (parsed.status == 100) { // interim response: drop it and keep reading
            m_buffer.remove(0, end + 4);
            *r = parsed;
            return true;
        }
        if (m_buffer.size() < end + 4 + length)
            return false;
        parsed.body = m_buffer.mid(end + 4, length);
        m_buffer.remove(0, end + 4 + length);
        *r = parsed;
        return true;
    }

    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

} // namespace intrvio::test

#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QUrl>

namespace intrvio::test {

// A canned answer for one request.
struct CannedReply
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError; // != NoError: a transport failure, no status
    bool hang = false; // never answers (timeout tests)

    static CannedReply json(
        int status, const QByteArray &body, QList<QPair<QByteArray, QByteArray>> headers = {});
};

// What the code under test sent.
struct RecordedRequest
{
    QByteArray verb;
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers; // as set on the QNetworkRequest
    QByteArray body;
    qint64 atMs = 0; // wall-clock time the request was made
    QByteArray header(const QByteArray &name) const;
};

// A recording QNetworkAccessManager: every request is recorded and answered from a FIFO queue
// of canned replies, asynchronously (like the real thing). With an empty queue it answers 599
// so a missing expectation fails loudly.
class FakeNetworkAccessManager : public QNetworkAccessManager
{
    Q_OBJECT
public:
    using QNetworkAccessManager::QNetworkAccessManager;

    void enqueue(const CannedReply &reply) { m_replies.append(reply); }
    const QList<RecordedRequest> &requests() const { return m_requests; }
    int pending() const { return static_cast<int>(m_replies.size()); }

protected:
    QNetworkReply *createRequest(
        Operation op, const QNetworkRequest &request, QIODevice *outgoingData) override;

private:
    QList<CannedReply> m_replies;
    QList<RecordedRequest> m_requests;
};

class FakeReply : public QNetworkReply
{
    Q_OBJECT
public:
    FakeReply(const QNetworkRequest &request, QNetworkAccessManager::Operation op, const QByteArray &verb,
        const CannedReply &canned, QObject *parent);
    void abort() override;
    qint64 bytesAvailable() const override;
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    void deliver();
    CannedReply m_canned;
    QByteArray m_data;
    qint64 m_offset = 0;
    bool m_finished = false;
};

} // namespace intrvio::test

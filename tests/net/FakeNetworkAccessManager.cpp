#include "FakeNetworkAccessManager.h"

#include <QDateTime>
#include <QTimer>

namespace intrvio::test {

CannedReply CannedReply::json(
    int status, const QByteArray &body, QList<QPair<QByteArray, QByteArray>> headers)
{
    CannedReply r;
    r.status = status;
    r.body = body;
    r.headers = std::move(headers);
    r.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/vnd.api+json")));
    return r;
}

QByteArray RecordedRequest::header(const QByteArray &name) const
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

QNetworkReply *FakeNetworkAccessManager::createRequest(
    Operation op, const QNetworkRequest &request, QIODevice *outgoingData)
{
    RecordedRequest rec;
    switch (op) {
    case GetOperation:
        rec.verb = "GET";
        break;
    case PostOperation:
        rec.verb = "POST";
        break;
    case PutOperation:
        rec.verb = "PUT";
        break;
    case DeleteOperation:
        rec.verb = "DELETE";
        break;
    case HeadOperation:
        rec.verb = "HEAD";
        break;
    default:
        rec.verb = request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
        break;
    }
    rec.url = request.url();
    rec.atMs = QDateTime::currentMSecsSinceEpoch();
    for (const QByteArray &name : request.rawHeaderList())
        rec.headers.append({ name, request.rawHeader(name) });
    if (outgoingData)
        rec.body = outgoingData->readAll();
    m_requests.append(rec);
    CannedReply canned;
    if (m_replies.isEmpty()) {
        canned.status = 599;
        canned.body = "no canned reply queued for " + rec.verb + ' ' + rec.url.toEncoded();
    } else {
        canned = m_replies.takeFirst();
    }
    return new FakeReply(request, op, rec.verb, canned, this);
}

FakeReply::FakeReply(const QNetworkRequest &request, QNetworkAccessManager::Operation op,
    const QByteArray &verb, const CannedReply &canned, QObject *parent)
    : QNetworkReply(parent)
    , m_canned(canned)
{
    setRequest(request);
    setUrl(request.url());
    setOperation(op);
    if (op == QNetworkAccessManager::CustomOperation)
        setAttribute(QNetworkRequest::CustomVerbAttribute, verb);
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    if (!m_canned.hang)
        QTimer::singleShot(0, this, &FakeReply::deliver);
}

void FakeReply::deliver()
{
    if (m_finished)
        return;
    if (m_canned.error != QNetworkReply::NoError) {
        setError(m_canned.error, QStringLiteral("simulated transport error"));
        m_finished = true;
        setFinished(true);
        Q_EMIT errorOccurred(m_canned.error);
        Q_EMIT finished();
        return;
    }
    setAttribute(QNetworkRequest::HttpStatusCodeAttribute, m_canned.status);
    for (const auto &[name, value] : m_canned.headers)
        setRawHeader(name, value);
    m_data = m_canned.body;
    Q_EMIT metaDataChanged();
    Q_EMIT downloadProgress(m_data.size(), m_data.size());
    if (!m_data.isEmpty())
        Q_EMIT readyRead();
    if (m_canned.status >= 400)
        setError(
            QNetworkReply::ProtocolInvalidOperationError, QStringLiteral("HTTP %1").arg(m_canned.status));
    m_finished = true;
    setFinished(true);
    Q_EMIT finished();
}

void FakeReply::abort()
{
    if (m_finished)
        return;
    m_finished = true;
    setError(QNetworkReply::OperationCanceledError, QStringLiteral("Operation canceled"));
    setFinished(true);
    Q_EMIT errorOccurred(QNetworkReply::OperationCanceledError);
    Q_EMIT finished();
}

qint64 FakeReply::bytesAvailable() const
{
    return m_data.size() - m_offset + QIODevice::bytesAvailable();
}

qint64 FakeReply::readData(char *data, qint64 maxSize)
{
    if (m_offset >= m_data.size())
        return m_finished ? -1 : 0;
    const qint64 n = qMin(maxSize, m_data.size() - m_offset);
    memcpy(data, m_data.constData() + m_offset, static_cast<size_t>(n));
    m_offset += n;
    return n;
}

} // namespace intrvio::test

#pragma once

// Loopback HTTP helpers for the sandbox tests: real requests through QNetworkAccessManager,
// waited for with the event loop (the sandbox serves from the same thread).

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPair>
#include <QSignalSpy>
#include <QUrl>

namespace intrvio::test {

struct HttpReply
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QNetworkReply::NetworkError error = QNetworkReply::NoError;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    bool hasHeader(const QByteArray &name) const { return headers.contains(name.toLower()); }
};

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

inline HttpReply httpRequest(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url,
    const RawHeaders &headers = {}, const QByteArray &body = {})
{
    QNetworkRequest req(url);
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);
    QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(15000);
    HttpReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.error = reply->error();
    for (const auto &pair : reply->rawHeaderPairs())
        r.headers.insert(pair.first.toLower(), pair.second);
    reply->deleteLater();
    return r;
}

inline RawHeaders companyHeaders(const QByteArray &token = "sandbox-company-token")
{
    return { { "Authorization", "Token token=" + token }, { "X-Api-Version", "20240904" } };
}

inline RawHeaders partnerHeaders(const QByteArray &key = "sandbox-partner-api-key")
{
    return { { "Authorization", "Bearer " + key }, { "X-Api-Version", "20180828" },
        { "Content-Type", "application/vnd.api+json" } };
}

} // namespace intrvio::test

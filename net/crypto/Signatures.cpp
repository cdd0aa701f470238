#include "Signatures.h"

#include "Crypto.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace intrvio {

QString signatureFailureName(SignatureFailure failure)
{
    switch (failure) {
    case SignatureFailure::None:
        return QStringLiteral("none");
    case SignatureFailure::Missing:
        return QStringLiteral("missing");
    case SignatureFailure::Malformed:
        return QStringLiteral("malformed");
    case SignatureFailure::NoV1:
        return QStringLiteral("no_v1");
    case SignatureFailure::NoSecret:
        return QStringLiteral("no_secret");
    case SignatureFailure::Mismatch:
        return QStringLiteral("mismatch");
    case SignatureFailure::Stale:
        return QStringLiteral("stale");
    case SignatureFailure::Future:
        return QStringLiteral("future");
    case SignatureFailure::NoEventId:
        return QStringLiteral("no_event_id");
    }
    return {};
}

QString signatureFailureText(SignatureFailure failure)
{
    switch (failure) {
    case SignatureFailure::None:
        return QStringLiteral("signature ok");
    case SignatureFailure::Missing:
        return QStringLiteral("signature header missing");
    case SignatureFailure::Malformed:
        return QStringLiteral("signature header malformed");
    case SignatureFailure::NoV1:
        return QStringLiteral("signature header has no v1 signature");
    case SignatureFailure::NoSecret:
        return QStringLiteral("no webhook secret configured to verify signatures");
    case SignatureFailure::Mismatch:
        return QStringLiteral("signature does not match");
    case SignatureFailure::Stale:
        return QStringLiteral("signature timestamp too old");
    case SignatureFailure::Future:
        return QStringLiteral("signature timestamp in the future");
    case SignatureFailure::NoEventId:
        return QStringLiteral("event id missing: nothing to verify the signature against");
    }
    return {};
}

namespace {

bool allDigits(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 12)
        return false;
    for (const char c : v) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

bool isHex64(QByteArrayView v)
{
    if (v.size() != 64)
        return false;
    for (const char c : v) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

SignatureFailure window(qint64 t, qint64 now, qint64 tolerance)
{
    if (t < now - tolerance)
        return SignatureFailure::Stale;
    if (t > now + tolerance)
        return SignatureFailure::Future;
    return SignatureFailure::None;
}

} // namespace

namespace PartnerSignature {

Parsed parse(QByteArrayView header)
{
    Parsed p;
    bool haveT = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= header.size(); ++i) {
        if (i != header.size() && header[i] != ',')
            continue;
        const QByteArrayView item = trimmed(header.sliced(start, i - start));
        start = i + 1;
        if (item.isEmpty())
            continue;
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0)
            return {};
        const QByteArrayView key = item.first(eq);
        const QByteArrayView value = item.sliced(eq + 1);
        if (key == "t") {
            if (haveT || !allDigits(value))
                return {};
            haveT = true;
            p.t = QByteArray(value.data(), value.size()).toLongLong();
        } else if (key == "v1") {
            if (!isHex64(value))
                return {};
            p.v1.append(QByteArray(value.data(), value.size()).toLower());
        }
        // v0 (the decoy) and unknown schemes are ignored.
    }
    p.ok = haveT;
    return p;
}

Result verify(QByteArrayView header, QByteArrayView eventId, QByteArrayView secret, qint64 nowSecs,
    qint64 toleranceSecs)
{
    Result r;
    if (header.isEmpty()) {
        r.failure = SignatureFailure::Missing;
        return r;
    }
    const Parsed p = parse(header);
    if (!p.ok) {
        r.failure = SignatureFailure::Malformed;
        return r;
    }
    r.t = p.t;
    if (p.v1.isEmpty()) {
        r.failure = SignatureFailure::NoV1;
        return r;
    }
    if (secret.isEmpty()) {
        r.failure = SignatureFailure::NoSecret;
        return r;
    }
    if (eventId.isEmpty()) {
        r.failure = SignatureFailure::NoEventId;
        return r;
    }
    const QByteArray expected = sign(eventId, secret, p.t);
    bool matched = false;
    for (const QByteArray &candidate : p.v1)
        matched = crypto::constantTimeEquals(expected, candidate) || matched; // check them all, no early exit
    if (!matched) {
        r.failure = SignatureFailure::Mismatch;
        return r;
    }
    r.failure = window(p.t, nowSecs, toleranceSecs);
    return r;
}

QByteArray sign(QByteArrayView eventId, QByteArrayView secret, qint64 t)
{
    QByteArray message = QByteArray::number(t);
    message += '.';
    message.append(eventId.data(), eventId.size());
    return crypto::hmacSha256Hex(secret, message);
}

} // namespace PartnerSignature

namespace CompanySignature {

QByteArray dataId(QByteArrayView rawBody)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(rawBody.data(), rawBody.size()));
    if (!doc.isObject())
        return {};
    const QJsonObject root = doc.object();
    QJsonValue data = root.value(QLatin1String("payload")).toObject().value(QLatin1String("data"));
    if (!data.isObject())
        data = root.value(QLatin1String("data"));
    const QJsonValue id = data.toObject().value(QLatin1String("id"));
    if (id.isString())
        return id.toString().toUtf8();
    if (id.isDouble())
        return QByteArray::number(id.toInteger());
    return {};
}

Result verify(
    QByteArrayView header, QByteArrayView rawBody, QByteArrayView key, qint64 nowSecs, qint64 toleranceSecs)
{
    Result r;
    const QByteArrayView h = trimmed(header);
    if (h.isEmpty()) {
        r.failure = SignatureFailure::Missing;
        return r;
    }
    const auto decoded = QByteArray::fromBase64Encoding(
        QByteArray(h.data(), h.size()), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || (*decoded).isEmpty()) {
        r.failure = SignatureFailure::Malformed;
        return r;
    }
    const QByteArray &value = *decoded;
    if (isHex64(value)) {
        r.version = 1;
        if (key.isEmpty()) {
            r.failure = SignatureFailure::NoSecret;
            return r;
        }
        const QByteArray id = dataId(rawBody);
        if (id.isEmpty()) {
            r.failure = SignatureFailure::NoEventId;
            return r;
        }
        if (!crypto::constantTimeEquals(crypto::hmacSha256Hex(key, id), value.toLower()))
            r.failure = SignatureFailure::Mismatch;
        return r;
    }
    // v2: "t=<unix>,v2=<hex>"
    qint64 t = 0;
    bool haveT = false;
    QList<QByteArray> v2;
    for (const QByteArray &item : value.split(',')) {
        const QByteArrayView part = trimmed(item);
        const qsizetype eq = part.indexOf('=');
        if (eq <= 0) {
            r.failure = SignatureFailure::Malformed;
            return r;
        }
        const QByteArrayView k = part.first(eq);
        const QByteArrayView v = part.sliced(eq + 1);
        if (k == "t") {
            if (haveT || !allDigits(v)) {
                r.failure = SignatureFailure::Malformed;
                return r;
            }
            haveT = true;
            t = QByteArray(v.data(), v.size()).toLongLong();
        } else if (k == "v2") {
            if (!isHex64(v)) {
                r.failure = SignatureFailure::Malformed;
                return r;
            }
            v2.append(QByteArray(v.data(), v.size()).toLower());
        }
    }
    if (!haveT) {
        r.failure = SignatureFailure::Malformed;
        return r;
    }
    r.version = 2;
    r.t = t;
    if (v2.isEmpty()) {
        r.failure = SignatureFailure::NoV1;
        return r;
    }
    if (key.isEmpty()) {
        r.failure = SignatureFailure::NoSecret;
        return r;
    }
    QByteArray message = QByteArray::number(t) + '.';
    message.append(rawBody.data(), rawBody.size());
    const QByteArray expected = crypto::hmacSha256Hex(key, message);
    bool matched = false;
    for (const QByteArray &candidate : v2)
        matched = crypto::constantTimeEquals(expected, candidate) || matched;
    if (!matched) {
        r.failure = SignatureFailure::Mismatch;
        return r;
    }
    r.failure = window(t, nowSecs, toleranceSecs);
    return r;
}

QByteArray signV1(QByteArrayView dataId, QByteArrayView key)
{
    return crypto::hmacSha256Hex(key, dataId).toBase64();
}

QByteArray signV2(QByteArrayView rawBody, QByteArrayView key, qint64 t)
{
    QByteArray message = QByteArray::number(t) + '.';
    message.append(rawBody.data(), rawBody.size());
    return QByteArray(
        QByteArrayLiteral("t=") + QByteArray::number(t) + ",v2=" + crypto::hmacSha256Hex(key, message))
        .toBase64();
}

} // namespace CompanySignature
} // namespace intrvio

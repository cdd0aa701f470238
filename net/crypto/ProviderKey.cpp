#include "ProviderKey.h"

#include "Crypto.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QList>

namespace intrvio::ProviderKey {

namespace {

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isUuid(QByteArrayView t)
{
    if (t.size() != 36)
        return false;
    for (qsizetype i = 0; i < t.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? t[i] != '-' : !isHex(t[i]))
            return false;
    }
    return true;
}

bool isB64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

QList<QByteArrayView> splitDots(QByteArrayView t)
{
    QList<QByteArrayView> parts;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= t.size(); ++i) {
        if (i == t.size() || t[i] == '.') {
            parts.append(t.sliced(start, i - start));
            start = i + 1;
        }
    }
    return parts;
}

std::optional<QJsonObject> jsonObject(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

Decoded fail(Failure f)
{
    Decoded d;
    d.failure = f;
    return d;
}

} // namespace

Kind classify(QByteArrayView token)
{
    if (token.isEmpty())
        return Kind::Empty;
    for (const char c : token) {
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return Kind::Invalid;
    }
    if (isUuid(token))
        return Kind::Uuid;
    if (!token.contains('.'))
        return Kind::Opaque;
    const QList<QByteArrayView> parts = splitDots(token);
    for (const QByteArrayView part : parts) {
        for (const char c : part) {
            if (!isB64UrlChar(c))
                return Kind::Invalid;
        }
    }
    if (parts.size() == 3 && !parts[0].isEmpty() && !parts[1].isEmpty())
        return Kind::Jws;
    if (parts.size() == 5 && !parts[0].isEmpty() && parts[1].isEmpty() && !parts[2].isEmpty()
        && !parts[4].isEmpty())
        return Kind::Jwe;
    return Kind::Invalid;
}

QString kindName(Kind kind)
{
    switch (kind) {
    case Kind::Empty:
        return QStringLiteral("empty");
    case Kind::Uuid:
        return QStringLiteral("uuid");
    case Kind::Jws:
        return QStringLiteral("jws");
    case Kind::Jwe:
        return QStringLiteral("jwe");
    case Kind::Opaque:
        return QStringLiteral("opaque");
    case Kind::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

QString failureText(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return QStringLiteral("ok");
    case Failure::Malformed:
        return QStringLiteral("provider key is not a well-formed token");
    case Failure::BadBase64:
        return QStringLiteral("provider key contains invalid base64url");
    case Failure::BadJson:
        return QStringLiteral("provider key header or payload is not a JSON object");
    case Failure::UnsupportedAlg:
        return QStringLiteral("provider key uses an unsupported algorithm (only HS256 and dir are accepted)");
    case Failure::UnsupportedEnc:
        return QStringLiteral("provider key uses an unsupported encryption (only A128GCM and A256GCM)");
    case Failure::BadSignature:
        return QStringLiteral("provider key signature does not verify with the partner API key");
    case Failure::DecryptionFailed:
        return QStringLiteral("provider key cannot be decrypted with the webhook secret");
    case Failure::MissingKey:
        return QStringLiteral("no partner API key or webhook secret is configured to check the provider key");
    }
    return {};
}

Decoded verifyJws(QByteArrayView token, QByteArrayView partnerApiKey)
{
    const QList<QByteArrayView> parts = splitDots(token);
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty())
        return fail(Failure::Malformed);
    const auto headerBytes = crypto::base64UrlDecode(parts[0]);
    const auto payload = crypto::base64UrlDecode(parts[1]);
    const auto signature = crypto::base64UrlDecode(parts[2]);
    if (!headerBytes || !payload || !signature)
        return fail(Failure::BadBase64);
    const auto header = jsonObject(*headerBytes);
    if (!header)
        return fail(Failure::BadJson);
    // Only HS256: "none" and every other algorithm (RS*, ES*, HS384...) are refused outright.
    if (header->value(QLatin1String("alg")).toString() != QLatin1String("HS256"))
        return fail(Failure::UnsupportedAlg);
    if (partnerApiKey.isEmpty())
        return fail(Failure::MissingKey);
    const qsizetype signedLength = parts[0].size() + 1 + parts[1].size();
    const QByteArray expected = crypto::hmacSha256(partnerApiKey, token.first(signedLength));
    if (!crypto::constantTimeEquals(expected, *signature))
        return fail(Failure::BadSignature);
    Decoded d;
    d.header = *header;
    d.payload = *payload;
    if (const auto claims = jsonObject(*payload))
        d.claims = *claims;
    else
        return fail(Failure::BadJson);
    return d;
}

QByteArray jweKey(QByteArrayView webhookSecret, QByteArrayView enc)
{
    const QByteArray digest = crypto::sha256(webhookSecret);
    if (enc == "A128GCM")
        return digest.first(16);
    if (enc == "A256GCM")
        return digest.toHex().first(32);
    return {};
}

Decoded decryptJwe(QByteArrayView token, QByteArrayView webhookSecret)
{
    const QList<QByteArrayView> parts = splitDots(token);
    if (parts.size() != 5 || parts[0].isEmpty() || !parts[1].isEmpty() || parts[2].isEmpty()
        || parts[4].isEmpty())
        return fail(Failure::Malformed);
    const auto headerBytes = crypto::base64UrlDecode(parts[0]);
    const auto iv = crypto::base64UrlDecode(parts[2]);
    const auto ciphertext = crypto::base64UrlDecode(parts[3]);
    const auto tag = crypto::base64UrlDecode(parts[4]);
    if (!headerBytes || !iv || !ciphertext || !tag)
        return fail(Failure::BadBase64);
    const auto header = jsonObject(*headerBytes);
    if (!header)
        return fail(Failure::BadJson);
    if (header->value(QLatin1String("alg")).toString() != QLatin1String("dir"))
        return fail(Failure::UnsupportedAlg);
    const QByteArray enc = header->value(QLatin1String("enc")).toString().toLatin1();
    if (enc != "A128GCM" && enc != "A256GCM")
        return fail(Failure::UnsupportedEnc);
    if (webhookSecret.isEmpty())
        return fail(Failure::MissingKey);
    // AAD is the ASCII of the encoded protected header (RFC 7516 §5.1 step 14).
    const QByteArrayView aad = parts[0];
    auto plain = crypto::aesGcmDecrypt(jweKey(webhookSecret, enc), *iv, *ciphertext, *tag, aad);
    if (!plain && enc == "A256GCM")
        plain = crypto::aesGcmDecrypt(crypto::sha256(webhookSecret), *iv, *ciphertext, *tag, aad);
    if (!plain)
        return fail(Failure::DecryptionFailed);
    Decoded d;
    d.header = *header;
    d.payload = *plain;
    if (const auto claims = jsonObject(*plain))
        d.claims = *claims;
    return d;
}

QByteArray signJws(const QJsonObject &claims, QByteArrayView partnerApiKey)
{
    const QByteArray header = crypto::base64UrlEncode(QByteArrayView("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
    const QByteArray payload = crypto::base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray signingInput = header + '.' + payload;
    return signingInput + '.' + crypto::base64UrlEncode(crypto::hmacSha256(partnerApiKey, signingInput));
}

QByteArray encryptJwe(
    QByteArrayView plaintext, QByteArrayView webhookSecret, QByteArrayView enc, QByteArrayView iv)
{
    const QByteArray header = crypto::base64UrlEncode(QByteArray(
        QByteArrayLiteral("{\"alg\":\"dir\",\"enc\":\"") + QByteArray(enc.data(), enc.size()) + "\"}"));
    QByteArray tag;
    const auto ciphertext = crypto::aesGcmEncrypt(jweKey(webhookSecret, enc), iv, plaintext, header, &tag);
    if (!ciphertext)
        return {};
    return header + ".." + crypto::base64UrlEncode(iv) + '.' + crypto::base64UrlEncode(*ciphertext) + '.'
        + crypto::base64UrlEncode(tag);
}

} // namespace intrvio::ProviderKey

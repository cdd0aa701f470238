#pragma once

// The receiving side of the protocol doc's algorithms, written in the tests independently of the
// sandbox (Qt's QMessageAuthenticationCode for HMAC, OpenSSL EVP for AES-GCM).

#include <QByteArray>
#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMessageAuthenticationCode>

#include <openssl/evp.h>

#include <memory>
#include <optional>

namespace intrvio::test {

inline QByteArray hmacHex(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256).toHex();
}

inline QByteArray b64url(const QByteArray &s)
{
    return QByteArray::fromBase64(s, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// Decrypts a compact JWE (alg "dir", A128GCM or A256GCM) with the key derived from the webhook
// secret as the protocol doc (§1.4) recommends: read enc from the protected header; A128GCM →
// hex-decode of the first 32 hex chars of sha256(secret); A256GCM → those 32 hex chars as ASCII.
inline std::optional<QByteArray> decryptJwe(const QByteArray &token, const QByteArray &secret)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 5 || !parts.at(1).isEmpty())
        return std::nullopt;
    const QJsonObject header = QJsonDocument::fromJson(b64url(parts.at(0))).object();
    if (header.value(QStringLiteral("alg")).toString() != QLatin1String("dir"))
        return std::nullopt;
    const QString enc = header.value(QStringLiteral("enc")).toString();
    const QByteArray hex = QCryptographicHash::hash(secret, QCryptographicHash::Sha256).toHex().left(32);
    QByteArray key;
    const EVP_CIPHER *cipher = nullptr;
    if (enc == QLatin1String("A128GCM")) {
        key = QByteArray::fromHex(hex);
        cipher = EVP_aes_128_gcm();
    } else if (enc == QLatin1String("A256GCM")) {
        key = hex;
        cipher = EVP_aes_256_gcm();
    } else {
        return std::nullopt;
    }
    const QByteArray iv = b64url(parts.at(2));
    const QByteArray ct = b64url(parts.at(3));
    QByteArray tag = b64url(parts.at(4));
    const QByteArray aad = parts.at(0);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(
        EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    QByteArray out(ct.size() + 16, Qt::Uninitialized);
    if (EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(iv.size()), nullptr) != 1
        || EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr,
               reinterpret_cast<const unsigned char *>(key.constData()),
               reinterpret_cast<const unsigned char *>(iv.constData()))
            != 1
        || EVP_DecryptUpdate(ctx.get(), nullptr, &len,
               reinterpret_cast<const unsigned char *>(aad.constData()), int(aad.size()))
            != 1
        || EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
               reinterpret_cast<const unsigned char *>(ct.constData()), int(ct.size()))
            != 1)
        return std::nullopt;
    int total = len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(tag.size()), tag.data()) != 1
        || EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + total, &len) != 1)
        return std::nullopt;
    out.resize(total + len);
    return out;
}

// Verifies a compact HS256 JWS and returns its payload.
inline std::optional<QJsonObject> verifyJwtHs256(const QByteArray &token, const QByteArray &key)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return std::nullopt;
    const QJsonObject header = QJsonDocument::fromJson(b64url(parts.at(0))).object();
    if (header.value(QStringLiteral("alg")).toString() != QLatin1String("HS256"))
        return std::nullopt;
    const QByteArray mac
        = QMessageAuthenticationCode::hash(parts.at(0) + '.' + parts.at(1), key, QCryptographicHash::Sha256);
    if (b64url(parts.at(2)) != mac)
        return std::nullopt;
    return QJsonDocument::fromJson(b64url(parts.at(1))).object();
}

} // namespace intrvio::test

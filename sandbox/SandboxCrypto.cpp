#include "SandboxCrypto.h"

#include <QJsonDocument>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <memory>

namespace intrvio::sandbox::crypto {

QByteArray sha256(const QByteArray &data)
{
    QByteArray out(SHA256_DIGEST_LENGTH, Qt::Uninitialized);
    SHA256(reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()),
        reinterpret_cast<unsigned char *>(out.data()));
    return out;
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &message)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.constData(), int(key.size()),
        reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()),
        reinterpret_cast<unsigned char *>(out.data()), &len);
    out.resize(int(len));
    return out;
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray jwtHs256(const QJsonObject &payload, const QByteArray &key)
{
    const QByteArray header = base64Url(QByteArrayLiteral("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
    const QByteArray body = base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    const QByteArray signingInput = header + '.' + body;
    return signingInput + '.' + base64Url(hmacSha256(key, signingInput));
}

QByteArray jweKey(const QByteArray &secret, bool a256)
{
    const QByteArray digest = sha256(secret);
    if (a256)
        return digest.toHex().left(32);
    return digest.left(16);
}

QByteArray jweDirEncrypt(
    const QByteArray &plaintext, const QByteArray &secret, bool a256, const QByteArray &iv)
{
    if (iv.size() != 12)
        return {};
    const QByteArray header = a256 ? QByteArrayLiteral("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}")
                                   : QByteArrayLiteral("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}");
    const QByteArray headerB64 = base64Url(header);
    const QByteArray key = jweKey(secret, a256);

    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(
        EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx)
        return {};
    const EVP_CIPHER *cipher = a256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());
    const auto *ivp = reinterpret_cast<const unsigned char *>(iv.constData());
    if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(iv.size()), nullptr) != 1
        || EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, k, ivp) != 1)
        return {};
    int len = 0;
    if (EVP_EncryptUpdate(ctx.get(), nullptr, &len,
            reinterpret_cast<const unsigned char *>(headerB64.constData()), int(headerB64.size()))
        != 1)
        return {};
    QByteArray cipherText(plaintext.size() + 16, Qt::Uninitialized);
    if (EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(cipherText.data()), &len,
            reinterpret_cast<const unsigned char *>(plaintext.constData()), int(plaintext.size()))
        != 1)
        return {};
    int total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(cipherText.data()) + total, &len)
        != 1)
        return {};
    total += len;
    cipherText.resize(total);
    QByteArray tag(16, Qt::Uninitialized);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) != 1)
        return {};
    return headerB64 + ".." + base64Url(iv) + '.' + base64Url(cipherText) + '.' + base64Url(tag);
}

QByteArray partnerSignature(
    const QByteArray &secret, qint64 t, const QByteArray &eventId, const QByteArray &decoyHex)
{
    const QByteArray ts = QByteArray::number(t);
    const QByteArray v1 = hmacSha256(secret, ts + '.' + eventId).toHex();
    return "t=" + ts + ",v1=" + v1 + ",v0=" + decoyHex;
}

QByteArray ttSignatureV1(const QByteArray &key, const QByteArray &dataId)
{
    return hmacSha256(key, dataId).toHex().toBase64();
}

QByteArray ttSignatureV2(const QByteArray &key, qint64 t, const QByteArray &rawBody)
{
    const QByteArray ts = QByteArray::number(t);
    const QByteArray hex = hmacSha256(key, ts + '.' + rawBody).toHex();
    return QByteArray("t=" + ts + ",v2=" + hex).toBase64();
}

} // namespace intrvio::sandbox::crypto

#include "Crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <memory>

namespace intrvio::crypto {

QByteArray base64UrlEncode(QByteArrayView data)
{
    return QByteArray::fromRawData(data.data(), data.size())
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text)
{
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_';
        if (!ok)
            return std::nullopt;
    }
    // A single leftover character cannot encode a byte.
    if (text.size() % 4 == 1)
        return std::nullopt;
    auto result = QByteArray::fromBase64Encoding(QByteArray(text.data(), text.size()),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return std::move(*result);
}

QByteArray sha256(QByteArrayView data)
{
    QByteArray out(SHA256_DIGEST_LENGTH, Qt::Uninitialized);
    SHA256(reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size()),
        reinterpret_cast<unsigned char *>(out.data()));
    return out;
}

namespace {

struct MacFree
{
    void operator()(EVP_MAC *m) const { EVP_MAC_free(m); }
};
struct MacCtxFree
{
    void operator()(EVP_MAC_CTX *c) const { EVP_MAC_CTX_free(c); }
};

// The last key used on this thread, set up once: HMAC()'s one-shot form looks the algorithm up and
// sets the key on every call, which cost as much as hashing a delivery's signed payload.
struct KeyedHmac
{
    QByteArray key;
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx;
};

} // namespace

QByteArray hmacSha256(QByteArrayView key, QByteArrayView message)
{
    static const std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    thread_local KeyedHmac keyed;
    if (!mac)
        return {};
    static const unsigned char empty = 0;
    if (keyed.ctx && keyed.key == key) {
        if (!EVP_MAC_init(keyed.ctx.get(), nullptr, 0, nullptr)) // same key, fresh state
            keyed.ctx.reset();
    } else {
        keyed.ctx.reset(EVP_MAC_CTX_new(mac.get()));
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end() };
        const unsigned char *k = key.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(key.data());
        if (keyed.ctx && EVP_MAC_init(keyed.ctx.get(), k, size_t(key.size()), params))
            keyed.key = key.toByteArray();
        else
            keyed.ctx.reset();
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    size_t len = 0;
    const unsigned char *m = message.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(message.data());
    if (!keyed.ctx || !EVP_MAC_update(keyed.ctx.get(), m, size_t(message.size()))
        || !EVP_MAC_final(keyed.ctx.get(), digest, &len, sizeof digest)) {
        keyed.ctx.reset();
        return {};
    }
    return QByteArray(reinterpret_cast<const char *>(digest), qsizetype(len));
}

QByteArray hmacSha256Hex(QByteArrayView key, QByteArrayView message)
{
    return hmacSha256(key, message).toHex();
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

namespace {

struct CtxFree
{
    void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); }
};

const EVP_CIPHER *gcmFor(qsizetype keySize)
{
    if (keySize == 16)
        return EVP_aes_128_gcm();
    if (keySize == 32)
        return EVP_aes_256_gcm();
    return nullptr;
}

const unsigned char *bytes(QByteArrayView v)
{
    static const unsigned char empty = 0;
    return v.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(v.data());
}

} // namespace

std::optional<QByteArray> aesGcmDecrypt(
    QByteArrayView key, QByteArrayView iv, QByteArrayView ciphertext, QByteArrayView tag, QByteArrayView aad)
{
    const EVP_CIPHER *cipher = gcmFor(key.size());
    if (!cipher || iv.size() != 12 || tag.size() != 16)
        return std::nullopt;
    std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, bytes(key), bytes(iv)) != 1)
        return std::nullopt;
    int len = 0;
    if (!aad.isEmpty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), int(aad.size())) != 1)
        return std::nullopt;
    QByteArray out(ciphertext.size() + 16, Qt::Uninitialized);
    int total = 0;
    if (!ciphertext.isEmpty()) {
        if (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
                bytes(ciphertext), int(ciphertext.size()))
            != 1)
            return std::nullopt;
        total = len;
    }
    QByteArray tagCopy(tag.data(), tag.size());
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tagCopy.data()) != 1)
        return std::nullopt;
    if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + total, &len) != 1)
        return std::nullopt;
    out.truncate(total + len);
    return out;
}

std::optional<QByteArray> aesGcmEncrypt(
    QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext, QByteArrayView aad, QByteArray *tag)
{
    const EVP_CIPHER *cipher = gcmFor(key.size());
    if (!cipher || iv.size() != 12)
        return std::nullopt;
    std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, bytes(key), bytes(iv)) != 1)
        return std::nullopt;
    int len = 0;
    if (!aad.isEmpty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), int(aad.size())) != 1)
        return std::nullopt;
    QByteArray out(plaintext.size() + 16, Qt::Uninitialized);
    int total = 0;
    if (!plaintext.isEmpty()) {
        if (EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
                bytes(plaintext), int(plaintext.size()))
            != 1)
            return std::nullopt;
        total = len;
    }
    if (EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + total, &len) != 1)
        return std::nullopt;
    out.truncate(total + len);
    tag->resize(16);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag->data()) != 1)
        return std::nullopt;
    return out;
}

} // namespace intrvio::crypto

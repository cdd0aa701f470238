#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace intrvio::crypto {

// RFC 4648 §5 base64url without padding, as JOSE compact serialisation requires (RFC 7515 §2):
// '=' padding and any character outside the alphabet are errors, so a token that decodes is one
// that ProviderKey::classify() also recognises.
QByteArray base64UrlEncode(QByteArrayView data);
std::optional<QByteArray> base64UrlDecode(QByteArrayView text);

QByteArray sha256(QByteArrayView data);
// HMAC-SHA256 through OpenSSL; raw 32-byte digest.
QByteArray hmacSha256(QByteArrayView key, QByteArrayView message);
// Lowercase hex of the HMAC, as Teamtailor sends it.
QByteArray hmacSha256Hex(QByteArrayView key, QByteArrayView message);

// Constant-time equality (CRYPTO_memcmp); different sizes compare unequal without touching the data.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

// AES-GCM decrypt (128 or 256 bit key, 96-bit IV, 128-bit tag). nullopt when authentication fails.
std::optional<QByteArray> aesGcmDecrypt(
    QByteArrayView key, QByteArrayView iv, QByteArrayView ciphertext, QByteArrayView tag, QByteArrayView aad);
// For tests and the sandbox: AES-GCM encrypt; returns ciphertext, writes the 16-byte tag.
std::optional<QByteArray> aesGcmEncrypt(
    QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext, QByteArrayView aad, QByteArray *tag);

} // namespace intrvio::crypto

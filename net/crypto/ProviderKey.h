#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace intrvio {

// The provider key Teamtailor puts in `Authorization: Bearer` (teamtailor-protocol.md §1.4):
// an opaque UUID, a JWS signed HS256 with the partner API key, or a JWE (alg dir, AES-GCM) keyed
// from the webhook secret. Pure functions.
namespace ProviderKey {

enum class Kind {
    Empty,
    Uuid, // 8-4-4-4-12 hex
    Jws, // three base64url parts
    Jwe, // five parts, the second (encrypted key) empty for alg dir
    Opaque, // anything else printable: compared by value only
    Invalid // control characters, spaces or a dotted shape that is neither JWS nor JWE
};

Kind classify(QByteArrayView token);
QString kindName(Kind kind);

enum class Failure {
    None,
    Malformed, // wrong number of parts
    BadBase64, // a part is not base64url
    BadJson, // header or payload is not a JSON object
    UnsupportedAlg, // alg none or anything but HS256 (JWS), anything but dir (JWE)
    UnsupportedEnc, // JWE enc other than A128GCM/A256GCM
    BadSignature, // HS256 mismatch
    DecryptionFailed, // GCM tag mismatch: wrong secret or tampered token
    MissingKey, // no partner API key / webhook secret configured
};
QString failureText(Failure failure);

struct Decoded
{
    Failure failure = Failure::None;
    QJsonObject header;
    QByteArray payload; // JWS payload bytes or JWE plaintext
    QJsonObject claims; // payload parsed, when it is a JSON object
    bool ok() const { return failure == Failure::None; }
};

// Verifies a compact JWS with HS256 and the partner API key. Refuses every other alg.
Decoded verifyJws(QByteArrayView token, QByteArrayView partnerApiKey);

// Content-encryption key derived from the webhook secret for an `enc` (§1.4):
// A128GCM -> first 16 bytes of SHA-256(secret) (= hex-decode of hex[0:32]);
// A256GCM -> ASCII bytes of the first 32 hex characters of SHA-256(secret).
QByteArray jweKey(QByteArrayView webhookSecret, QByteArrayView enc);

// Decrypts a compact JWE (alg dir, enc A128GCM/A256GCM). For A256GCM the full raw digest is tried as
// a fallback key when the ASCII-hex key fails.
Decoded decryptJwe(QByteArrayView token, QByteArrayView webhookSecret);

// For tests and the sandbox: builds tokens with the same rules.
QByteArray signJws(const QJsonObject &claims, QByteArrayView partnerApiKey);
QByteArray encryptJwe(
    QByteArrayView plaintext, QByteArrayView webhookSecret, QByteArrayView enc, QByteArrayView iv);

} // namespace ProviderKey
} // namespace intrvio

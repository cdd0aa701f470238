#pragma once

// Teamtailor's side of the signing schemes (docs/teamtailor-protocol.md §1.4, §4), implemented
// with OpenSSL independently of intrvio_net so both sides check each other.

#include <QByteArray>
#include <QJsonObject>

namespace intrvio::sandbox::crypto {

QByteArray sha256(const QByteArray &data);
QByteArray hmacSha256(const QByteArray &key, const QByteArray &message);
QByteArray base64Url(const QByteArray &data); // no padding

// Compact JWS, header {"alg":"HS256","typ":"JWT"}, payload as compact JSON.
QByteArray jwtHs256(const QJsonObject &payload, const QByteArray &key);

// JWE key derived from the partner webhook secret (§1.4): A128GCM → first 16 bytes of
// SHA-256(secret) (= hex-decode of the first 32 hex chars); A256GCM → the ASCII bytes of the
// first 32 hex chars of SHA-256(secret).
QByteArray jweKey(const QByteArray &secret, bool a256);
// Compact JWE, alg "dir", enc A128GCM/A256GCM, AAD = ASCII of b64url(protected header).
// iv must be 12 bytes. Returns an empty array on failure.
QByteArray jweDirEncrypt(
    const QByteArray &plaintext, const QByteArray &secret, bool a256, const QByteArray &iv);

// Teamtailor-Signature for a partner event: "t=<t>,v1=<hex HMAC(secret, t.eventId)>,v0=<decoy>".
QByteArray partnerSignature(
    const QByteArray &secret, qint64 t, const QByteArray &eventId, const QByteArray &decoyHex);
// TT-Signature (company webhooks, §4.2).
QByteArray ttSignatureV1(const QByteArray &key, const QByteArray &dataId);
QByteArray ttSignatureV2(const QByteArray &key, qint64 t, const QByteArray &rawBody);

} // namespace intrvio::sandbox::crypto

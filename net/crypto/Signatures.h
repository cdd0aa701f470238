#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace intrvio {

// Why a signature was refused; also the label of the verification-failure metric.
enum class SignatureFailure {
    None,
    Missing, // no header
    Malformed, // not t=..,v1=.. (partner) / not base64 of a v1 or v2 value (company)
    NoV1, // no v1 scheme (a lone v0 decoy is not a signature)
    NoSecret, // no secret configured to check against
    Mismatch, // HMAC differs
    Stale, // t older than the window
    Future, // t further ahead than the window
    NoEventId, // nothing to sign over (partner-event.id / data.id missing)
};
QString signatureFailureName(SignatureFailure failure); // "stale", "mismatch", ... (metric labels)
QString signatureFailureText(SignatureFailure failure); // a sentence for the 401 body

// `Teamtailor-Signature: t=<unix>,v1=<hex>,v0=<decoy>` (teamtailor-protocol.md §4.1).
// v1 = hex HMAC-SHA256(webhook secret, t + "." + partner-event.id). Pure.
namespace PartnerSignature {

inline constexpr qint64 DefaultToleranceSecs = 300;

struct Parsed
{
    bool ok = false;
    qint64 t = 0;
    QList<QByteArray> v1; // lowercase hex, each exactly 64 characters
};
// Accepts optional spaces after commas, any order after t, several v1, unknown schemes (v0) ignored.
Parsed parse(QByteArrayView header);

struct Result
{
    SignatureFailure failure = SignatureFailure::None;
    qint64 t = 0; // the header's timestamp once parsed
    bool ok() const { return failure == SignatureFailure::None; }
};
// The HMAC is checked before the window, so Stale/Future imply a genuine (old) signature.
Result verify(QByteArrayView header, QByteArrayView eventId, QByteArrayView secret, qint64 nowSecs,
    qint64 toleranceSecs = DefaultToleranceSecs);

QByteArray sign(QByteArrayView eventId, QByteArrayView secret, qint64 t);

} // namespace PartnerSignature

// `TT-Signature` on company webhooks (teamtailor-protocol.md §4.2):
// v1 = base64(hex HMAC(key, data.id)); v2 = base64("t=<unix>,v2=" + hex HMAC(key, t + "." + raw body)).
namespace CompanySignature {

struct Result
{
    SignatureFailure failure = SignatureFailure::None;
    int version = 0; // 1 or 2 once recognised
    qint64 t = 0; // v2 only
    bool ok() const { return failure == SignatureFailure::None; }
};
// rawBody: the exact bytes received (v2 is computed over them, never a re-serialisation).
// v1 reads payload.data.id (or data.id) from rawBody. v2's timestamp gets the same ± window as partner
// events (Teamtailor names no tolerance).
Result verify(QByteArrayView header, QByteArrayView rawBody, QByteArrayView key, qint64 nowSecs,
    qint64 toleranceSecs = PartnerSignature::DefaultToleranceSecs);

// The data id a v1 signature covers, or empty.
QByteArray dataId(QByteArrayView rawBody);

QByteArray signV1(QByteArrayView dataId, QByteArrayView key);
QByteArray signV2(QByteArrayView rawBody, QByteArrayView key, qint64 t);

} // namespace CompanySignature
} // namespace intrvio

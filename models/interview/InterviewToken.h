#pragma once

#include <QDateTime>
#include <QString>

class QRandomGenerator;

namespace intrvio {

// The secret in an interview link `<public-url>/interview/<token>` (ARCHITECTURE.md §4, interview
// page contract). Only its SHA-256 is stored (interviews.token_hash), so a copy of the database does
// not open interviews.
namespace InterviewToken {

constexpr int RandomBytes = 32; // 256 bits (the contract asks for at least 128)
constexpr int Length = 43; // base64url without padding of 32 bytes

// A fresh token from a CSPRNG. Production code passes nothing (QRandomGenerator::system(), seeded by
// the OS); tests may pass a seeded generator for reproducible tokens.
QString generate(QRandomGenerator *rng = nullptr);

// Lowercase hex SHA-256 of the token's ASCII bytes: the value stored and looked up.
QString hash(const QString &token);

// Cheap shape check (length and base64url alphabet) before any lookup, so junk gets a 404 at once.
bool isWellFormed(const QString &token);

// When an invite created at `created` stops working.
QDateTime expiresAt(const QDateTime &created, int expiryDays);

// Whether a link still opens its interview.
enum class Access {
    Open, // show the page / accept answers
    Expired, // past expires_at: the pipeline marks the interview failed ("expired")
    Submitted, // answers were already submitted: links are single-use once submitted
    Cancelled, // e.g. the candidate was rejected
};

struct State
{
    QDateTime expiresAt; // invalid: never expires (not used by the product; tests)
    bool submitted = false; // completed_at is set
    bool cancelled = false; // the interview failed or was cancelled
};

// Pure. Submitted wins over expired (a submitted interview shows "already submitted" forever).
Access access(const State &state, const QDateTime &now);
// The HTTP status for a GET/POST on a link in that state: 200, 410 (expired, cancelled), 409 (submitted).
int httpStatus(Access a);
QString describe(Access a); // a short sentence for the candidate

} // namespace InterviewToken

} // namespace intrvio

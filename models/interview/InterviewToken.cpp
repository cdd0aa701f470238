#include "InterviewToken.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <cstring>

namespace intrvio::InterviewToken {

QString generate(QRandomGenerator *rng)
{
    QRandomGenerator &source = rng ? *rng : *QRandomGenerator::system();
    QByteArray bytes(RandomBytes, Qt::Uninitialized);
    quint32 words[RandomBytes / sizeof(quint32)];
    source.fillRange(words);
    memcpy(bytes.data(), words, RandomBytes);
    memset(words, 0, sizeof(words));
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString hash(const QString &token)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(token.toLatin1(), QCryptographicHash::Sha256).toHex());
}

bool isWellFormed(const QString &token)
{
    if (token.size() != Length)
        return false;
    for (const QChar c : token) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-'
            || u == '_';
        if (!ok)
            return false;
    }
    return true;
}

QDateTime expiresAt(const QDateTime &created, int expiryDays)
{
    return created.toUTC().addDays(expiryDays);
}

Access access(const State &state, const QDateTime &now)
{
    if (state.submitted)
        return Access::Submitted;
    if (state.cancelled)
        return Access::Cancelled;
    if (state.expiresAt.isValid() && now >= state.expiresAt)
        return Access::Expired;
    return Access::Open;
}

int httpStatus(Access a)
{
    switch (a) {
    case Access::Open:
        return 200;
    case Access::Submitted:
        return 409;
    case Access::Expired:
    case Access::Cancelled:
        return 410;
    }
    return 410;
}

QString describe(Access a)
{
    switch (a) {
    case Access::Open:
        return QStringLiteral("This interview is open.");
    case Access::Submitted:
        return QStringLiteral("Your answers were already submitted. Thank you; there is nothing more to do.");
    case Access::Expired:
        return QStringLiteral(
            "This interview link has expired. Please contact the recruiter if you still want "
            "to take part.");
    case Access::Cancelled:
        return QStringLiteral(
            "This interview is no longer available. Please contact the recruiter if you have "
            "questions.");
    }
    return {};
}

} // namespace intrvio::InterviewToken

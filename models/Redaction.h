#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace intrvio {

// The one place that decides what a log line may show. Every header, URL or text that could
// carry a credential is passed through here before it is logged or stored for display.
namespace Redaction {

inline constexpr QLatin1StringView Mask{"[redacted]"};

// True for header names whose values are secrets: Authorization, Teamtailor-Signature,
// TT-Signature, teamtailor-api-token, Cookie, Proxy-Authorization, X-Api-Key (case-insensitive).
bool isSensitiveHeader(QByteArrayView name);

// "Authorization: Bearer abc" -> keeps the scheme ("Bearer [redacted]") so logs still tell
// Bearer from Token auth; signature headers keep only their t= part.
QByteArray headerValue(QByteArrayView name, QByteArrayView value);

using HeaderList = QList<QPair<QByteArray, QByteArray>>;
HeaderList headers(const HeaderList &headers);
// "Name: value" lines, redacted, one per header (UTF-8 text as received).
QByteArray headersText(const HeaderList &headers);

// Removes user info and masks query values of token-like keys (token, key, api_key, secret,
// signature, sig, password, access_token, provider_key, ...). Interview-page paths
// (/interview/<token>) keep only a token prefix.
QString url(const QUrl &url);

// Best effort for free text (error strings, bodies): masks "Bearer x", "Token token=x",
// "token=x", JWT/JWE-shaped strings and long hex signatures.
QString text(const QString &text);

} // namespace Redaction
} // namespace intrvio

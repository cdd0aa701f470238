#include "Redaction.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace intrvio::Redaction {

namespace {

bool equalsCi(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool isSensitiveQueryKey(const QString &key)
{
    static const QRegularExpression re(QStringLiteral(
                                           "^(token|access_token|api_key|apikey|key|secret|signature|sig|"
                                           "password|passwd|provider_key|provider-key|auth|jwt|code)$"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re.match(key).hasMatch();
}

} // namespace

bool isSensitiveHeader(QByteArrayView name)
{
    static constexpr const char *names[] = {"authorization",        "proxy-authorization", "teamtailor-signature",
                                            "tt-signature",         "teamtailor-api-token", "cookie",
                                            "set-cookie",           "x-api-key"};
    for (const char *n : names) {
        if (equalsCi(name, QByteArrayView(n)))
            return true;
    }
    return false;
}

QByteArray headerValue(QByteArrayView name, QByteArrayView value)
{
    if (!isSensitiveHeader(name))
        return value.toByteArray();
    const QByteArray mask = QByteArray(Mask.data(), Mask.size());
    if (equalsCi(name, "authorization") || equalsCi(name, "proxy-authorization")) {
        const qsizetype space = value.indexOf(' ');
        if (space > 0)
            return value.first(space).toByteArray() + ' ' + mask;
        return mask;
    }
    if (equalsCi(name, "teamtailor-signature")) {
        // Keep the timestamp: it is not secret and helps diagnose clock skew.
        for (const QByteArray &part : value.toByteArray().split(',')) {
            const QByteArray p = part.trimmed();
            if (p.startsWith("t="))
                return p + ",v1=" + mask;
        }
    }
    return mask;
}

HeaderList headers(const HeaderList &in)
{
    HeaderList out;
    out.reserve(in.size());
    for (const auto &[name, value] : in)
        out.append({name, headerValue(name, value)});
    return out;
}

QByteArray headersText(const HeaderList &in)
{
    qsizetype size = 0;
    for (const auto &[name, value] : in)
        size += name.size() + value.size() + 3;
    QByteArray out;
    out.reserve(size);
    for (const auto &[name, value] : in) {
        out += name;
        out += ": ";
        if (isSensitiveHeader(name))
            out += headerValue(name, value);
        else if (value.isValidUtf8())
            out += value;
        else // stored as text: invalid bytes become U+FFFD
            out += QString::fromUtf8(value).toUtf8();
        out += '\n';
    }
    return out;
}

QString url(const QUrl &in)
{
    QUrl u = in;
    if (!u.userInfo().isEmpty())
        u.setUserInfo(QString(Mask));
    if (u.hasQuery()) {
        QUrlQuery q(u);
        const auto items = q.queryItems(QUrl::FullyDecoded);
        QUrlQuery out;
        for (const auto &[key, value] : items)
            out.addQueryItem(key, isSensitiveQueryKey(key) ? QString(Mask) : value);
        u.setQuery(out);
    }
    static const QRegularExpression interview(QStringLiteral("^(/interview/[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+"));
    QString path = u.path(QUrl::FullyEncoded);
    const auto m = interview.match(path);
    if (m.hasMatch()) {
        path = m.captured(1) + QLatin1String("…") + path.mid(m.capturedEnd(0));
        u.setPath(path, QUrl::TolerantMode);
    }
    return u.toString(QUrl::PrettyDecoded);
}

QString text(const QString &in)
{
    struct Rule
    {
        QRegularExpression re;
        QString replacement;
    };
    static const QList<Rule> rules = {
        {QRegularExpression(QStringLiteral("(?i)\\b(Bearer|Basic)\\s+[A-Za-z0-9._~+/=-]+")),
         QStringLiteral("\\1 ") + QString(Mask)},
        {QRegularExpression(QStringLiteral("(?i)\\bToken\\s+token=\"?[^\\s\",]+\"?")),
         QStringLiteral("Token token=") + QString(Mask)},
        {QRegularExpression(QStringLiteral("(?i)\\b(token|api_key|apikey|secret|password|provider[-_]key|"
                                           "signature)([\"']?\\s*[=:]\\s*[\"']?)[^\\s\"'&,;}]+")),
         QStringLiteral("\\1\\2") + QString(Mask)},
        // JWS (3 parts) and JWE (5 parts) compact serialisations.
        {QRegularExpression(QStringLiteral("\\beyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_.-]+")), QString(Mask)},
        // Bare hex MACs (SHA-256 and longer).
        {QRegularExpression(QStringLiteral("\\b[0-9a-fA-F]{64,}\\b")), QString(Mask)},
    };
    QString out = in;
    for (const Rule &r : rules)
        out.replace(r.re, r.replacement);
    return out;
}

} // namespace intrvio::Redaction

#include "RequestBuilder.h"

#include "models/Teamtailor.h"

namespace intrvio {

namespace {

QUrl withPath(QUrl base, const QString &suffix)
{
    QString path = base.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    base.setPath(path + suffix);
    return base;
}

int effectivePort(const QUrl &u)
{
    return u.port(u.scheme() == QLatin1String("https") ? 443 : 80);
}

} // namespace

ApiEndpoints ApiEndpoints::forRegion(const QString &region)
{
    const QString lower = region.toLower();
    const QString name = lower == QLatin1String("na") || lower == QLatin1String("au") ? lower : QStringLiteral("eu");
    QUrl base;
    base.setScheme(QStringLiteral("https"));
    base.setHost(tt::apiHost(name));
    ApiEndpoints e;
    e.publicBase = withPath(base, QStringLiteral("/v1"));
    e.partnerBase = withPath(base, QStringLiteral("/partner/v1"));
    e.region = name;
    return e;
}

ApiEndpoints ApiEndpoints::forBaseUrl(const QUrl &base)
{
    ApiEndpoints e;
    e.publicBase = withPath(base, QStringLiteral("/v1"));
    e.partnerBase = withPath(base, QStringLiteral("/partner/v1"));
    e.region = QStringLiteral("custom");
    return e;
}

ApiEndpoints ApiEndpoints::resolve(const QString &region, const QUrl &overrideBase)
{
    return overrideBase.isEmpty() ? forRegion(region) : forBaseUrl(overrideBase);
}

RequestBuilder::RequestBuilder(ApiEndpoints endpoints, ApiCredentials credentials)
    : m_endpoints(std::move(endpoints))
    , m_credentials(std::move(credentials))
{ }

bool RequestBuilder::hasCredential(Api api) const
{
    return !(api == Api::Public ? m_credentials.companyToken : m_credentials.partnerKey).isEmpty();
}

QUrl RequestBuilder::url(Api api, const QString &path, const QUrlQuery &query) const
{
    QUrl u = withPath(
        api == Api::Public ? m_endpoints.publicBase : m_endpoints.partnerBase, QLatin1Char('/') + path);
    if (!query.isEmpty())
        u.setQuery(query);
    return u;
}

bool RequestBuilder::isSameOrigin(Api api, const QUrl &url) const
{
    const QUrl &base = api == Api::Public ? m_endpoints.publicBase : m_endpoints.partnerBase;
    return url.scheme() == base.scheme() && url.host().compare(base.host(), Qt::CaseInsensitive) == 0
        && effectivePort(url) == effectivePort(base);
}

QNetworkRequest RequestBuilder::request(Api api, const QUrl &url, bool hasBody) const
{
    QNetworkRequest req(url);
    static const QByteArray jsonApi = QByteArrayLiteral("application/vnd.api+json");
    req.setRawHeader("Accept", jsonApi);
    if (hasBody)
        req.setRawHeader("Content-Type", jsonApi);
    // Redirects never carry the credentials to another origin.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    if (api == Api::Public) {
        req.setRawHeader("X-Api-Version", m_endpoints.publicVersion);
        if (isSameOrigin(api, url) && !m_credentials.companyToken.isEmpty())
            req.setRawHeader("Authorization", "Token token=" + m_credentials.companyToken.toUtf8());
    } else {
        req.setRawHeader("X-Api-Version", ApiEndpoints::PartnerVersion);
        if (isSameOrigin(api, url) && !m_credentials.partnerKey.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + m_credentials.partnerKey.toUtf8());
    }
    return req;
}

} // namespace intrvio

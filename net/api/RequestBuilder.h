#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace intrvio {

// Where the two Teamtailor APIs live (teamtailor-protocol.md §1.1, §1.2).
struct ApiEndpoints
{
    static inline const QByteArray DefaultPublicVersion = QByteArrayLiteral("20240904");
    static inline const QByteArray PartnerVersion = QByteArrayLiteral("20180828");

    QUrl publicBase; // ".../v1"
    QUrl partnerBase; // ".../partner/v1"
    QString region; // "eu", "na", "au" or "custom"; named in 401 hints
    QByteArray publicVersion = DefaultPublicVersion;

    // "eu" -> api.teamtailor.com, "na" -> api.na.teamtailor.com, "au" -> api.au.teamtailor.com.
    // Unknown names fall back to eu.
    static ApiEndpoints forRegion(const QString &region);
    // --teamtailor-url: one host serves both APIs (the sandbox); overrides the region's hosts.
    static ApiEndpoints forBaseUrl(const QUrl &base);
    // override if set, else the region's hosts.
    static ApiEndpoints resolve(const QString &region, const QUrl &overrideBase);
};

// Secrets for the two APIs; filled from the SecretStore by the caller, never logged.
struct ApiCredentials
{
    QString companyToken; // company-api-token: public API
    QString partnerKey; // partner-api-key: Partner API
};

// The one choke point for URLs and headers: callers never set Authorization, X-Api-Version,
// Content-Type or Accept themselves (style.md §7).
class RequestBuilder
{
public:
    enum class Api { Public, Partner };

    RequestBuilder() = default;
    RequestBuilder(ApiEndpoints endpoints, ApiCredentials credentials);

    const ApiEndpoints &endpoints() const { return m_endpoints; }
    // A key replaced or cleared in the keychain applies to the next request.
    void setCredentials(const ApiCredentials &credentials) { m_credentials = credentials; }
    const ApiCredentials &credentials() const { return m_credentials; }
    bool hasCredential(Api api) const;

    // base + "/" + path (path without a leading slash, e.g. "jobs/12/stages") + query.
    QUrl url(Api api, const QString &path, const QUrlQuery &query = {}) const;
    // A request for an absolute URL (pagination links, update-url). Credentials are attached only
    // when the URL is on the API's own origin; see isSameOrigin.
    QNetworkRequest request(Api api, const QUrl &url, bool hasBody) const;
    bool isSameOrigin(Api api, const QUrl &url) const;

private:
    ApiEndpoints m_endpoints;
    ApiCredentials m_credentials;
};

} // namespace intrvio

#include "sandbox/Sandbox.h"

#include "models/Log.h"
#include "models/Redaction.h"
#include "sandbox/SandboxCrypto.h"
#include "sandbox/SandboxPrivate.h"

#include <QHttpServerRequest>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <cstdio>

namespace intrvio {

using namespace sandbox;

// ---------------------------------------------------------------------------------------------
// Small types

std::optional<int> PartnerResult::score() const
{
    const QJsonValue v
        = attributes.value(QStringLiteral("assessment")).toObject().value(QStringLiteral("score"));
    if (!v.isDouble())
        return std::nullopt;
    return v.toInt();
}

QString PartnerResult::grade() const
{
    return attributes.value(QStringLiteral("assessment"))
        .toObject()
        .value(QStringLiteral("grade"))
        .toString();
}

std::optional<Faults> Faults::parse(const QString &spec, QString *error)
{
    Faults f;
    const QString trimmed = spec.trimmed();
    if (trimmed.isEmpty() || trimmed == QLatin1String("none"))
        return f;
    const QStringList parts = trimmed.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        const QString key = part.left(eq).trimmed();
        const QString value = eq < 0 ? QString() : part.mid(eq + 1).trimmed();
        bool ok = false;
        if (key == QLatin1String("error-rate")) {
            const double rate = value.toDouble(&ok);
            if (!ok || rate < 0 || rate > 1) {
                if (error)
                    *error = QStringLiteral("error-rate must be a number from 0 to 1, got \"%1\"").arg(value);
                return std::nullopt;
            }
            f.errorRate = rate;
            continue;
        }
        if (key == QLatin1String("lost-answer-path")) {
            if (!value.startsWith(QLatin1Char('/'))) {
                if (error)
                    *error = QStringLiteral("lost-answer-path must be a path starting with '/', got \"%1\"").arg(value);
                return std::nullopt;
            }
            f.lostAnswerPath = value;
            continue;
        }
        const int n = value.toInt(&ok);
        if (key != QLatin1String("latency") && key != QLatin1String("storm429")
            && key != QLatin1String("down") && key != QLatin1String("lost-answers")
            && key != QLatin1String("note-latency") && key != QLatin1String("refuse")) {
            if (error)
                *error = QStringLiteral(
                    "unknown fault \"%1\" (known: latency=MS, error-rate=0..1, storm429=SECS, "
                    "down=SECS, lost-answers=N, lost-answer-path=/PATH, note-latency=MS, refuse=SECS)")
                             .arg(key);
            return std::nullopt;
        }
        if (!ok || n < 0) {
            if (error)
                *error = QStringLiteral("%1 needs a whole number >= 0, got \"%2\"").arg(key, value);
            return std::nullopt;
        }
        if (key == QLatin1String("latency"))
            f.latencyMs = n;
        else if (key == QLatin1String("storm429"))
            f.storm429Secs = n;
        else if (key == QLatin1String("lost-answers"))
            f.lostAnswers = n;
        else if (key == QLatin1String("note-latency"))
            f.noteLatencyMs = n;
        else if (key == QLatin1String("refuse"))
            f.refuseSecs = n;
        else
            f.downSecs = n;
    }
    return f;
}

QString Faults::toString() const
{
    QStringList parts;
    if (latencyMs)
        parts << QStringLiteral("latency=%1").arg(latencyMs);
    if (errorRate > 0)
        parts << QStringLiteral("error-rate=%1").arg(errorRate);
    if (storm429Secs)
        parts << QStringLiteral("storm429=%1").arg(storm429Secs);
    if (downSecs)
        parts << QStringLiteral("down=%1").arg(downSecs);
    if (lostAnswers)
        parts << QStringLiteral("lost-answers=%1").arg(lostAnswers);
    if (!lostAnswerPath.isEmpty())
        parts << QStringLiteral("lost-answer-path=%1").arg(lostAnswerPath);
    if (noteLatencyMs)
        parts << QStringLiteral("note-latency=%1").arg(noteLatencyMs);
    if (refuseSecs)
        parts << QStringLiteral("refuse=%1").arg(refuseSecs);
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QLatin1Char(','));
}

std::optional<SeedSpec> SeedSpec::parse(const QString &spec, QString *error)
{
    SeedSpec s;
    bool ok = false;
    const int n = spec.toInt(&ok);
    if (ok) {
        if (n < 0) {
            if (error)
                *error = QStringLiteral("the seed size must be >= 0");
            return std::nullopt;
        }
        s.candidates = n;
        return s;
    }
    const QStringList parts = spec.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (parts.isEmpty()) {
        if (error)
            *error = QStringLiteral(
                "empty seed; use demo, N or candidates=N,jobs=J,stages=S,applications=A,rng=R");
        return std::nullopt;
    }
    for (const QString &part : parts) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        const QString key = part.left(eq).trimmed();
        const qint64 value = eq < 0 ? -1 : part.mid(eq + 1).trimmed().toLongLong(&ok);
        if (eq < 0 || !ok || value < 0) {
            if (error)
                *error = QStringLiteral("bad seed part \"%1\"; use demo, N or "
                                        "candidates=N,jobs=J,stages=S,applications=A,rng=R")
                             .arg(part);
            return std::nullopt;
        }
        if (key == QLatin1String("candidates"))
            s.candidates = int(value);
        else if (key == QLatin1String("jobs"))
            s.jobs = int(value);
        else if (key == QLatin1String("stages"))
            s.stagesPerJob = int(value);
        else if (key == QLatin1String("applications"))
            s.applicationsPerCandidate = int(value);
        else if (key == QLatin1String("rng"))
            s.rng = quint64(value);
        else {
            if (error)
                *error = QStringLiteral(
                    "unknown seed key \"%1\" (known: candidates, jobs, stages, applications, rng)")
                             .arg(key);
            return std::nullopt;
        }
    }
    if (s.jobs < 1 || s.stagesPerJob < 2 || s.applicationsPerCandidate > s.jobs) {
        if (error)
            *error = QStringLiteral("a seed needs jobs >= 1, stages >= 2 and applications <= jobs");
        return std::nullopt;
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

bool HttpRequest::hasQuery(const QString &key) const
{
    return std::any_of(query.begin(), query.end(), [&](const auto &p) { return p.first == key; });
}

QString HttpRequest::queryValue(const QString &key) const
{
    for (const auto &p : query) {
        if (p.first == key)
            return p.second;
    }
    return {};
}

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append({ name, value });
}

HttpResponse HttpResponse::json(int status, const QJsonObject &doc, const QByteArray &type)
{
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(doc).toJson(QJsonDocument::Compact);
    r.headers.append({ QByteArrayLiteral("Content-Type"), type });
    return r;
}

HttpResponse HttpResponse::raw(int status, const QByteArray &jsonApiBody)
{
    HttpResponse r;
    r.status = status;
    r.body = jsonApiBody;
    r.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/vnd.api+json") });
    return r;
}

HttpResponse HttpResponse::html(int status, const QString &html)
{
    HttpResponse r;
    r.status = status;
    r.body = html.toUtf8();
    r.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/html; charset=utf-8") });
    return r;
}

QJsonObject sandbox::errorObject(
    int status, const QString &title, const QString &detail, const QString &pointer, const QString &code)
{
    QJsonObject e { { QStringLiteral("status"), QString::number(status) }, { QStringLiteral("title"), title },
        { QStringLiteral("detail"), detail },
        { QStringLiteral("code"), code.isEmpty() ? QString::number(status) : code } };
    if (!pointer.isEmpty())
        e.insert(QStringLiteral("source"), QJsonObject { { QStringLiteral("pointer"), pointer } });
    return e;
}

HttpResponse HttpResponse::error(
    int status, const QString &title, const QString &detail, const QString &pointer, const QString &code)
{
    return errors(status, QJsonArray { errorObject(status, title, detail, pointer, code) });
}

HttpResponse HttpResponse::errors(int status, const QJsonArray &errors)
{
    return json(status, QJsonObject { { QStringLiteral("errors"), errors } });
}

QByteArray sandbox::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

static QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest r;
    r.method = methodName(request.method());
    const QUrl url = request.url();
    r.path = url.path(QUrl::FullyDecoded);
    r.rawTarget = url.path(QUrl::FullyEncoded).toLatin1();
    if (url.hasQuery())
        r.rawTarget += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    const QUrlQuery query(url);
    r.query = query.queryItems(QUrl::FullyDecoded);
    r.headers = request.headers();
    r.body = request.body();
    r.remote = request.remoteAddress();
    m_handler(std::move(r), socket);
    return true;
}

void sandbox::writeResponse(QTcpSocket *socket, const HttpResponse &response)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray out;
    out.reserve(response.body.size() + 512);
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    for (const auto &h : response.headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n";
    out += response.body;
    socket->write(out);
}

// ---------------------------------------------------------------------------------------------
// Sandbox

static QUrl companyWebhooksOf(QUrl partnerBase)
{
    QString path = partnerBase.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    partnerBase.setPath(path + QLatin1String("/company-webhooks"));
    return partnerBase;
}

Sandbox::Sandbox(QObject *parent)
    : Sandbox(Config {}, parent)
{ }

Sandbox::Sandbox(Config config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->config = std::move(config);
    d->clock = d->config.clock ? d->config.clock : &Clock::system();
    d->rng.seed(d->config.seed);
    d->faultRng.seed(d->config.seed ^ 0x9e3779b97f4a7c15ULL);
    d->nam = new QNetworkAccessManager(this);
    d->nam->setProxy(QNetworkProxy::NoProxy); // the partner is reached directly, like Teamtailor would
    d->server = new HttpServer([this](HttpRequest &&r, QTcpSocket *s) { d->handle(std::move(r), s); }, this);
    if (d->config.companyWebhookUrl.isEmpty() && !d->config.partnerBaseUrl.isEmpty()) {
        d->config.companyWebhookUrl = companyWebhooksOf(d->config.partnerBaseUrl);
        d->derivedCompanyWebhookUrl = true;
    }
    d->company = Company { QStringLiteral("sbx") + d->uuid().left(8), QStringLiteral("Sandbox Company"),
        QStringLiteral("https://sandbox.example.com"), QString() };
}

Sandbox::~Sandbox() = default;

void Sandbox::setPartnerBaseUrl(const QUrl &url)
{
    d->config.partnerBaseUrl = url;
    if (d->derivedCompanyWebhookUrl || d->config.companyWebhookUrl.isEmpty()) {
        d->config.companyWebhookUrl = url.isEmpty() ? QUrl() : companyWebhooksOf(url);
        d->derivedCompanyWebhookUrl = true;
    }
}

void Sandbox::setCompanyWebhookUrl(const QUrl &url)
{
    d->config.companyWebhookUrl = url;
    d->derivedCompanyWebhookUrl = false;
}

const Sandbox::Config &Sandbox::config() const
{
    return d->config;
}

const Clock &Sandbox::clock() const
{
    return *d->clock;
}

quint16 Sandbox::listen(const QHostAddress &address, quint16 port)
{
    const quint16 bound = d->server->listen(address, port);
    if (bound == 0) {
        d->error = QStringLiteral("cannot listen on %1:%2").arg(address.toString()).arg(port);
        return 0;
    }
    if (!d->config.publicBaseUrl.isEmpty()) {
        d->base = d->config.publicBaseUrl;
    } else {
        QHostAddress host = address;
        if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
            host = QHostAddress::LocalHost;
        else if (host == QHostAddress::AnyIPv6)
            host = QHostAddress::LocalHostIPv6;
        d->base = QUrl(QStringLiteral("http://%1:%2")
                           .arg(host.protocol() == QAbstractSocket::IPv6Protocol
                                   ? QLatin1Char('[') + host.toString() + QLatin1Char(']')
                                   : host.toString())
                           .arg(bound));
    }
    d->baseText = d->base.toString(QUrl::RemoveQuery | QUrl::StripTrailingSlash);
    d->changed(); // links embed the base URL
    qCDebug(lcSandbox) << "sandbox listening on" << d->base.toString();
    return bound;
}

QUrl Sandbox::baseUrl() const
{
    return d->base;
}

QString Sandbox::errorString() const
{
    return d->error;
}

QString Sandbox::formatTime(const QDateTime &t) const
{
    return d->fmt(t);
}

QString Sandbox::Private::fmt(const QDateTime &t) const
{
    if (!t.isValid())
        return {};
    // Formatted by hand: QDateTime::toString dominated the cost of rendering a page.
    const qint64 ms = t.toMSecsSinceEpoch() + qint64(config.utcOffsetSecs) * 1000;
    const qint64 dayMs = 86400000;
    qint64 days = ms / dayMs;
    qint64 rest = ms % dayMs;
    if (rest < 0) {
        rest += dayMs;
        --days;
    }
    int y = 0, mo = 0, da = 0;
    QDate::fromJulianDay(2440588 + days).getDate(&y, &mo, &da);
    const int off = std::abs(config.utcOffsetSecs) / 60;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", y, mo, da,
        int(rest / 3600000), int(rest / 60000 % 60), int(rest / 1000 % 60), int(rest % 1000),
        config.utcOffsetSecs < 0 ? '-' : '+', off / 60, off % 60);
    return QString::fromLatin1(buf);
}

QString Sandbox::Private::uuid()
{
    QByteArray b = randomBytes(16);
    b[6] = char((uchar(b[6]) & 0x0f) | 0x40);
    b[8] = char((uchar(b[8]) & 0x3f) | 0x80);
    return QUuid::fromRfc4122(b).toString(QUuid::WithoutBraces);
}

QByteArray Sandbox::Private::randomBytes(int n)
{
    QByteArray b(n, Qt::Uninitialized);
    for (int i = 0; i < n; i += 8) {
        const quint64 v = rng();
        for (int j = 0; j < 8 && i + j < n; ++j)
            b[i + j] = char((v >> (8 * j)) & 0xff);
    }
    return b;
}

QString Sandbox::Private::urlFor(const QString &path) const
{
    return baseText + path;
}

void Sandbox::Private::clearData()
{
    users.clear();
    jobs.clear();
    stages.clear();
    candidates.clear();
    applications.clear();
    notes.clear();
    triggers.clear();
    triggerByStage.clear();
    appsByCandidate.clear();
    partnerResults.clear();
    partnerResultOrder.clear();
    changed();
    nextUser = 31;
    nextJob = 1426;
    nextStage = 22508;
    nextCandidate = 54321;
    nextApp = 130001;
    nextNote = 1;
    nextTrigger = 1;
}

// ---------------------------------------------------------------------------------------------
// Request handling

void Sandbox::Private::handle(HttpRequest &&request, QTcpSocket *socket)
{
    const bool api = request.path.startsWith(QLatin1String("/v1/")) || request.path == QLatin1String("/v1")
        || request.path.startsWith(QLatin1String("/partner/v1"));
    QPointer<QTcpSocket> guard(socket);
    if (api) {
        const qint64 sinceSet = faultsSetAt.isValid() ? faultsSetAt.msecsTo(now()) : 0;
        if (faults.downSecs > 0 && sinceSet < qint64(faults.downSecs) * 1000) {
            finish(request, guard, {}, QStringLiteral("none"), true);
            return;
        }
        if (faults.storm429Secs > 0 && sinceSet < qint64(faults.storm429Secs) * 1000) {
            HttpResponse r = HttpResponse::error(429, QStringLiteral("Too Many Requests"),
                QStringLiteral("Rate limit exceeded (sandbox 429 storm)."));
            const qint64 left = (qint64(faults.storm429Secs) * 1000 - sinceSet + 999) / 1000;
            r.setHeader("Retry-After", QByteArray::number(left));
            r.setHeader("X-Rate-Limit-Limit", QByteArray::number(config.rateLimit));
            r.setHeader("X-Rate-Limit-Remaining", "0");
            r.setHeader("X-Rate-Limit-Reset", QByteArray::number(left));
            finish(request, guard, r, QStringLiteral("none"), false);
            return;
        }
        if (faults.errorRate > 0) {
            const double roll = std::uniform_real_distribution<double>(0, 1)(faultRng);
            if (roll < faults.errorRate) {
                finish(request, guard,
                    HttpResponse::error(500, QStringLiteral("Internal Server Error"),
                        QStringLiteral("Injected sandbox failure.")),
                    QStringLiteral("none"), false);
                return;
            }
        }
    }
    QString key = QStringLiteral("none");
    HttpResponse response = dispatch(request, &key);
    const bool changing = request.method == "POST" || request.method == "PUT" || request.method == "PATCH"
        || request.method == "DELETE";
    if (api && changing && faults.lostAnswers > 0
        && (faults.lostAnswerPath.isEmpty() || request.path.startsWith(faults.lostAnswerPath))) {
        // Processed, but the answer never reaches the client.
        --faults.lostAnswers;
        finish(request, guard, std::move(response), key, true, true);
        return;
    }
    finish(request, guard, std::move(response), key, false);
}

void Sandbox::Private::finish(const HttpRequest &request, QPointer<QTcpSocket> socket, HttpResponse response,
    const QString &key, bool drop, bool processed)
{
    RequestRecord rec;
    rec.seq = nextRequestSeq++;
    rec.time = now();
    rec.method = QString::fromLatin1(request.method);
    rec.pathAndQuery = QString::fromLatin1(request.rawTarget);
    rec.status = drop && !processed ? 0 : response.status;
    rec.key = key;
    rec.body = request.body;
    requestLog.append(rec);
    if (requestLog.size() > 20000)
        requestLog.remove(0, requestLog.size() - 10000);
    qCDebug(lcSandbox).noquote() << rec.method << Redaction::url(QUrl(rec.pathAndQuery)) << rec.status;
    Q_EMIT q->requestServed(rec);

    if (drop && processed) {
        // A lost answer: the status line and a part of the body arrive, then the connection closes.
        // (A connection closed before any byte of the answer would be retried by some clients on
        // their own, hiding the fault.)
        if (socket && socket->state() == QAbstractSocket::ConnectedState) {
            QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status)
                + "\r\nContent-Type: application/vnd.api+json\r\nContent-Length: "
                + QByteArray::number(response.body.size() + 4096) + "\r\n\r\n" + response.body.left(8);
            socket->write(out);
            socket->disconnectFromHost();
        }
        return;
    }
    if (drop) {
        if (socket)
            socket->abort();
        return;
    }
    const bool api = request.path.startsWith(QLatin1String("/v1"))
        || request.path.startsWith(QLatin1String("/partner/v1"));
    // note-latency: the note is stored; its answer is late (an "in flight" invite for restart tests)
    const int noteDelayMs = faults.noteLatencyMs > 0 && request.method == "POST"
            && (request.path == QLatin1String("/v1/notes") || request.path == QLatin1String("/v1/notes/"))
        ? faults.noteLatencyMs
        : 0;
    if (api && faults.latencyMs + noteDelayMs > 0) {
        QTimer::singleShot(faults.latencyMs + noteDelayMs, q,
            [socket, response = std::move(response)] { writeResponse(socket.data(), response); });
        return;
    }
    writeResponse(socket.data(), response);
}

HttpResponse Sandbox::Private::dispatch(const HttpRequest &request, QString *keyUsed)
{
    QStringList segments = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (!segments.isEmpty() && segments.first() == QLatin1String("_sandbox"))
        return control(request, segments.mid(1));
    const bool isPublic = !segments.isEmpty() && segments.first() == QLatin1String("v1");
    const bool isPartner = segments.size() >= 2 && segments.at(0) == QLatin1String("partner")
        && segments.at(1) == QLatin1String("v1");
    if (!isPublic && !isPartner) {
        if (segments.isEmpty())
            return control(request, {}); // "/" shows the index page
        return HttpResponse::error(404, QStringLiteral("Not Found"),
            QStringLiteral("No route matches %1 %2; the sandbox serves /v1, /partner/v1 "
                           "and /_sandbox.")
                .arg(QString::fromLatin1(request.method), request.path));
    }

    // Authentication (§1.1, §1.2): Rails token auth accepts "Token token=x", "Token x", "Bearer x".
    const QByteArray auth = request.header("authorization").trimmed();
    QString token;
    if (auth.startsWith("Token ")) {
        QByteArray v = auth.mid(6).trimmed();
        if (v.startsWith("token="))
            v = v.mid(6);
        if (v.size() >= 2 && v.startsWith('"') && v.endsWith('"'))
            v = v.mid(1, v.size() - 2);
        token = QString::fromUtf8(v);
    } else if (auth.startsWith("Bearer ")) {
        token = QString::fromUtf8(auth.mid(7).trimmed());
    }
    const QString expected = isPublic ? config.companyApiToken : config.partnerApiKey;
    HttpResponse rate;
    if (token.isEmpty() || token != expected) {
        *keyUsed = auth.isEmpty() ? QStringLiteral("none") : QStringLiteral("invalid");
        consumeRate(QStringLiteral("ip:") + request.remote.toString(), &rate);
        HttpResponse r = HttpResponse::error(401, QStringLiteral("Unauthorized"),
            auth.isEmpty()
                ? QStringLiteral("Missing Authorization header; send \"Authorization: Token token=<key>\".")
                : token.isEmpty()
                ? QStringLiteral(
                    "Unsupported Authorization scheme; send \"Token token=<key>\" or \"Bearer <key>\".")
                : QStringLiteral("Invalid API key (or the key belongs to another region)."));
        for (const auto &h : rate.headers)
            r.setHeader(h.first, h.second);
        return r;
    }
    *keyUsed = isPublic ? QStringLiteral("company-token") : QStringLiteral("partner-api-key");
    if (!consumeRate(*keyUsed + QLatin1Char(':') + token, &rate)) {
        HttpResponse r = HttpResponse::error(429, QStringLiteral("Too Many Requests"),
            QStringLiteral("Rate limit of %1 requests per %2 seconds exceeded.")
                .arg(config.rateLimit)
                .arg(config.rateWindowSecs));
        for (const auto &h : rate.headers)
            r.setHeader(h.first, h.second);
        return r;
    }
    auto withRate = [&rate](HttpResponse r) {
        for (const auto &h : rate.headers)
            r.setHeader(h.first, h.second);
        return r;
    };

    // Version header (§1.1: required, 406 naming the current version; echoed on success).
    const QString version = QString::fromLatin1(request.header("x-api-version").trimmed());
    const QStringList accepted
        = isPublic ? config.acceptedPublicApiVersions : QStringList { QStringLiteral("20180828") };
    const QString current = isPublic ? config.publicApiVersion : QStringLiteral("20180828");
    if (!accepted.contains(version)) {
        return withRate(HttpResponse::error(406, QStringLiteral("Not Acceptable"),
            version.isEmpty()
                ? QStringLiteral("Missing X-Api-Version header; the current version is %1.").arg(current)
                : QStringLiteral("Unsupported X-Api-Version \"%1\"; the current version is %2.")
                      .arg(version, current)));
    }

    // Bodies must be JSON:API.
    if ((request.method == "POST" || request.method == "PATCH" || request.method == "PUT")) {
        const QByteArray ct = request.header("content-type");
        const QByteArray mediaType
            = ct.left(ct.indexOf(';') < 0 ? ct.size() : ct.indexOf(';')).trimmed().toLower();
        if (mediaType != "application/vnd.api+json") {
            return withRate(HttpResponse::error(415, QStringLiteral("Unsupported Media Type"),
                QStringLiteral("Content-Type must be application/vnd.api+json, got \"%1\".")
                    .arg(QString::fromLatin1(ct))));
        }
    }

    HttpResponse r = isPublic ? publicApi(request, segments.mid(1)) : partnerApi(request, segments.mid(2));
    r = withRate(std::move(r));
    r.setHeader("X-Api-Version", version.toLatin1());
    return r;
}

bool Sandbox::Private::consumeRate(const QString &key, HttpResponse *headersOut)
{
    if (config.rateLimit <= 0)
        return true;
    const qint64 nowMs = clock->nowMs();
    const qint64 windowMs = qint64(config.rateWindowSecs) * 1000;
    Window &w = rateWindows[key];
    if (w.startMs == 0 || nowMs - w.startMs >= windowMs || nowMs < w.startMs) {
        w.startMs = nowMs;
        w.used = 0;
    }
    const qint64 resetSecs = std::max<qint64>(1, (w.startMs + windowMs - nowMs + 999) / 1000);
    const bool allowed = w.used < config.rateLimit;
    if (allowed)
        ++w.used;
    headersOut->setHeader("X-Rate-Limit-Limit", QByteArray::number(config.rateLimit));
    headersOut->setHeader("X-Rate-Limit-Remaining", QByteArray::number(config.rateLimit - w.used));
    headersOut->setHeader("X-Rate-Limit-Reset", QByteArray::number(resetSecs));
    if (!allowed)
        headersOut->setHeader("Retry-After", QByteArray::number(resetSecs));
    return allowed;
}

// ---------------------------------------------------------------------------------------------
// Seeding and control

void Sandbox::seedDemo()
{
    d->seedDemo();
}

void Sandbox::seed(const SeedSpec &spec)
{
    d->seedSpec(spec);
}

bool Sandbox::seed(const QString &spec, QString *error)
{
    if (spec.trimmed() == QLatin1String("demo")) {
        d->seedDemo();
        return true;
    }
    const auto parsed = SeedSpec::parse(spec.trimmed(), error);
    if (!parsed)
        return false;
    d->seedSpec(*parsed);
    return true;
}

static bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool Sandbox::moveApplication(qint64 applicationId, qint64 stageId, QString *error)
{
    auto it = d->applications.find(applicationId);
    if (it == d->applications.end())
        return fail(error, QStringLiteral("no job application %1").arg(applicationId));
    auto st = d->stages.find(stageId);
    if (st == d->stages.end())
        return fail(error, QStringLiteral("no stage %1").arg(stageId));
    if (st->second.jobId != it->second.jobId)
        return fail(error,
            QStringLiteral("stage %1 belongs to job %2, not to the application's job %3")
                .arg(stageId)
                .arg(st->second.jobId)
                .arg(it->second.jobId));
    if (it->second.stageId == stageId)
        return true;
    const qint64 previous = it->second.stageId;
    it->second.stageId = stageId;
    d->changed();
    it->second.changedStageAt = d->now();
    it->second.updatedAt = d->now();
    d->moved(applicationId, previous);
    return true;
}

void Sandbox::Private::moved(qint64 applicationId, qint64 previousStageId)
{
    Q_UNUSED(previousStageId);
    const JobApplication app = applications.at(applicationId);
    Q_EMIT q->applicationChanged(applicationId);
    sendCompanyWebhook(QStringLiteral("job_application.update"), jobApplicationWebhookData(app));
    const auto trig = triggerByStage.constFind(app.stageId);
    if (trig != triggerByStage.constEnd() && activated && !app.rejectedAt.isValid())
        firePartnerEvent(applicationId, triggers.at(*trig));
}

bool Sandbox::rejectApplication(qint64 applicationId, QString *error)
{
    if (!d->applications.count(applicationId))
        return fail(error, QStringLiteral("no job application %1").arg(applicationId));
    d->setRejected(applicationId, d->now());
    return true;
}

bool Sandbox::restoreApplication(qint64 applicationId, QString *error)
{
    if (!d->applications.count(applicationId))
        return fail(error, QStringLiteral("no job application %1").arg(applicationId));
    d->setRejected(applicationId, QDateTime());
    return true;
}

void Sandbox::Private::setRejected(qint64 applicationId, const QDateTime &at)
{
    JobApplication &app = applications.at(applicationId);
    // Rejecting a rejected application (or restoring an active one) changes nothing.
    if (app.rejectedAt.isValid() == at.isValid())
        return;
    app.rejectedAt = at;
    app.updatedAt = now();
    changed();
    Q_EMIT q->applicationChanged(applicationId);
    sendCompanyWebhook(QStringLiteral("job_application.update"), jobApplicationWebhookData(app));
}

qint64 Sandbox::createApplication(
    const QString &firstName, const QString &lastName, const QString &email, qint64 jobId, QString *error)
{
    auto jt = d->jobs.find(jobId);
    if (jt == d->jobs.end() || jt->second.stageIds.isEmpty()) {
        fail(error, QStringLiteral("no job %1 (or it has no stages)").arg(jobId));
        return 0;
    }
    if (firstName.trimmed().isEmpty() || email.trimmed().isEmpty()) {
        fail(error, QStringLiteral("a candidate needs a first name and an email"));
        return 0;
    }
    Candidate c;
    c.id = d->nextCandidate++;
    c.uuid = d->uuid();
    c.firstName = firstName.trimmed();
    c.lastName = lastName.trimmed();
    c.email = email.trimmed();
    c.createdAt = c.updatedAt = d->now();
    d->candidates[c.id] = c;
    JobApplication a;
    a.id = d->nextApp++;
    a.candidateId = c.id;
    a.jobId = jobId;
    a.stageId = jt->second.stageIds.first();
    a.createdAt = a.updatedAt = a.changedStageAt = d->now();
    d->applications[a.id] = a;
    d->appsByCandidate[c.id].append(a.id);
    d->changed();
    d->sendCompanyWebhook(QStringLiteral("candidate.create"),
        QJsonObject { { QStringLiteral("id"), QString::number(c.id) },
            { QStringLiteral("type"), QStringLiteral("candidates") },
            { QStringLiteral("attributes"),
                QJsonObject { { QStringLiteral("first-name"), c.firstName },
                    { QStringLiteral("last-name"), c.lastName }, { QStringLiteral("email"), c.email },
                    { QStringLiteral("created-at"), d->fmt(c.createdAt) },
                    { QStringLiteral("updated-at"), d->fmt(c.updatedAt) } } } });
    d->sendCompanyWebhook(QStringLiteral("job_application.create"), d->jobApplicationWebhookData(a));
    Q_EMIT applicationChanged(a.id);
    return a.id;
}

bool Sandbox::setJobStatus(qint64 jobId, const QString &status, QString *error)
{
    static const QStringList known { QStringLiteral("open"), QStringLiteral("draft"),
        QStringLiteral("archived"), QStringLiteral("unlisted"), QStringLiteral("temp") };
    auto it = d->jobs.find(jobId);
    if (it == d->jobs.end())
        return fail(error, QStringLiteral("no job %1").arg(jobId));
    if (!known.contains(status))
        return fail(
            error, QStringLiteral("job status must be one of %1").arg(known.join(QStringLiteral(", "))));
    if (it->second.status == status)
        return true;
    it->second.status = status;
    it->second.updatedAt = d->now();
    d->changed();
    d->sendCompanyWebhook(QStringLiteral("job.update"), d->jobWebhookData(it->second));
    return true;
}

bool Sandbox::deleteCandidate(qint64 candidateId, QString *error)
{
    auto it = d->candidates.find(candidateId);
    if (it == d->candidates.end())
        return fail(error, QStringLiteral("no candidate %1").arg(candidateId));
    for (qint64 appId : d->appsByCandidate.value(candidateId))
        d->applications.erase(appId);
    d->appsByCandidate.remove(candidateId);
    d->changed();
    for (auto n = d->notes.begin(); n != d->notes.end();) {
        if (n->second.candidateId == candidateId)
            n = d->notes.erase(n);
        else
            ++n;
    }
    d->candidates.erase(it);
    d->sendCompanyWebhook(QStringLiteral("candidate.destroy"),
        QJsonObject { { QStringLiteral("id"), QString::number(candidateId) },
            { QStringLiteral("type"), QStringLiteral("candidates") } });
    return true;
}

QString Sandbox::activatePartner(const QJsonObject &activationFields)
{
    d->activated = true;
    d->activationFields = activationFields;
    if (activationFields.isEmpty())
        d->providerKey = d->uuid();
    else
        d->providerKey
            = QString::fromLatin1(crypto::jwtHs256(activationFields, d->config.partnerApiKey.toUtf8()));
    d->providerKeyJwe = QString::fromLatin1(crypto::jweDirEncrypt(d->providerKey.toUtf8(),
        d->config.webhookSecret.toUtf8(), d->config.jweEnc == JweEnc::A256GCM, d->randomBytes(12)));
    qCInfo(lcSandbox) << "partner activated," << (activationFields.isEmpty() ? "UUID" : "JWT")
                      << "provider key";
    return d->providerKey;
}

bool Sandbox::isActivated() const
{
    return d->activated;
}

QString Sandbox::providerKey() const
{
    return d->providerKey;
}

QString Sandbox::providerKeyJwe() const
{
    return d->providerKeyJwe;
}

qint64 Sandbox::setTrigger(qint64 stageId, const QJsonObject &webhookData, QString *error)
{
    auto st = d->stages.find(stageId);
    if (st == d->stages.end()) {
        fail(error, QStringLiteral("no stage %1").arg(stageId));
        return 0;
    }
    if (!d->activated) {
        fail(error, QStringLiteral("activate the partner before putting a trigger on a stage"));
        return 0;
    }
    removeTrigger(stageId);
    Trigger t;
    t.id = d->nextTrigger++;
    t.stageId = stageId;
    t.userId = d->jobs.count(st->second.jobId) ? d->jobs.at(st->second.jobId).userId : 0;
    t.webhookData = webhookData;
    t.createdAt = d->now();
    d->triggers[t.id] = t;
    d->triggerByStage.insert(stageId, t.id);
    d->changed();

    // §3.1: the trigger form is fetched when a recruiter sets up a trigger.
    if (!d->config.partnerBaseUrl.isEmpty()) {
        QUrl url = d->config.partnerBaseUrl;
        QString path = url.path();
        if (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        url.setPath(path + QLatin1String("/config"));
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("job_id"), QString::number(st->second.jobId));
        query.addQueryItem(QStringLiteral("stage_id"), QString::number(stageId));
        query.addQueryItem(QStringLiteral("user_id"), QString::number(t.userId));
        url.setQuery(query);
        HeaderList headers { { "Authorization", "Bearer " + d->providerKey.toUtf8() } };
        if (d->config.sendCompanyToken)
            headers.append({ "teamtailor-api-token", d->config.companyApiToken.toUtf8() });
        if (d->config.sendTeamtailorHost)
            headers.append({ "Teamtailor-Host", d->urlFor({}).toUtf8() });
        const qint64 triggerId = t.id;
        d->sendOutbound(
            QStringLiteral("config"), {}, "GET", url, headers, {}, [this, triggerId](WebhookRecord &rec) {
                auto it = d->triggers.find(triggerId);
                if (it != d->triggers.end()) {
                    it->second.configStatus = rec.status;
                    it->second.configAnswer = rec.answer;
                }
            });
    }
    return t.id;
}

bool Sandbox::removeTrigger(qint64 stageId)
{
    const auto it = d->triggerByStage.find(stageId);
    if (it == d->triggerByStage.end())
        return false;
    d->triggers.erase(*it);
    d->triggerByStage.erase(it);
    d->changed();
    return true;
}

void Sandbox::setFaults(const Faults &faults)
{
    d->faults = faults;
    d->faultsSetAt = d->now();
    qCDebug(lcSandbox).noquote() << "faults:" << faults.toString();
    if (faults.refuseSecs > 0) // after the current answer (e.g. to POST /_sandbox/faults) is written
        QTimer::singleShot(0, this, [this, secs = faults.refuseSecs] { d->refuseConnections(secs); });
}

// --- fault "refuse": the listener is closed for a while (real time), then reopened on its port ---
void Sandbox::Private::refuseConnections(int secs)
{
    const QList<QTcpServer *> listeners = server->servers();
    for (QTcpServer *listener : listeners) {
        if (!listener->isListening())
            continue;
        const QHostAddress address = listener->serverAddress();
        const quint16 port = listener->serverPort();
        listener->close();
        const QList<QTcpSocket *> open = server->findChildren<QTcpSocket *>();
        for (QTcpSocket *socket : open)
            socket->disconnectFromHost(); // what is written goes out, then the connection closes
        qCDebug(lcSandbox) << "refusing connections on port" << port << "for" << secs << "s";
        QTimer::singleShot(secs * 1000, q, [this, listener = QPointer<QTcpServer>(listener), address, port] {
            if (listener && !listener->isListening() && !listener->listen(address, port))
                qCWarning(lcSandbox) << "cannot listen again on port" << port << ":" << listener->errorString();
            if (faults.refuseSecs > 0)
                faults.refuseSecs = 0; // over: the fault list no longer shows it
        });
    }
}
// --- end fault "refuse" ---

Faults Sandbox::faults() const
{
    return d->faults;
}

// ---------------------------------------------------------------------------------------------
// Outbound calls

qint64 Sandbox::Private::sendOutbound(const QString &kind, const QString &eventName, const QByteArray &method,
    const QUrl &url, const HeaderList &headers, const QByteArray &body,
    std::function<void(WebhookRecord &)> onAnswer)
{
    WebhookRecord rec;
    rec.seq = nextWebhookSeq++;
    rec.kind = kind;
    rec.eventName = eventName;
    rec.method = QString::fromLatin1(method);
    rec.url = url;
    rec.headers = headers;
    rec.body = body;
    rec.sentAt = now();
    webhookLog.append(rec);
    Q_EMIT q->webhookSent(rec);

    QNetworkRequest req(url);
    req.setTransferTimeout(15000);
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);
    QNetworkReply *reply = method == "GET" ? nam->get(req) : nam->sendCustomRequest(req, method, body);
    const qint64 seq = rec.seq;
    QObject::connect(reply, &QNetworkReply::finished, q, [this, reply, seq, onAnswer = std::move(onAnswer)] {
        reply->deleteLater();
        WebhookRecord *r = webhookRecord(seq);
        if (!r)
            return;
        r->answered = true;
        r->answeredAt = now();
        r->status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r->answer = reply->readAll();
        if (r->status == 0)
            r->networkError = reply->errorString();
        qCDebug(lcSandbox).noquote() << r->kind << r->eventName << Redaction::url(r->url) << "->"
                                     << (r->status ? QString::number(r->status) : r->networkError);
        if (onAnswer)
            onAnswer(*r);
        const WebhookRecord copy = *r;
        Q_EMIT q->webhookAnswered(copy);
    });
    return seq;
}

WebhookRecord *Sandbox::Private::webhookRecord(qint64 seq)
{
    for (qsizetype i = webhookLog.size() - 1; i >= 0; --i) {
        if (webhookLog[i].seq == seq)
            return &webhookLog[i];
    }
    return nullptr;
}

static QJsonObject dashedKeys(const QJsonObject &in)
{
    QJsonObject out;
    for (auto it = in.begin(); it != in.end(); ++it)
        out.insert(QString(it.key()).replace(QLatin1Char('_'), QLatin1Char('-')), it.value());
    return out;
}

QJsonObject Sandbox::Private::partnerEventBody(const JobApplication &app, const Trigger &trigger,
    const QString &eventId, const PartnerResult &result) const
{
    const Candidate &c = candidates.at(app.candidateId);
    const Job &job = jobs.at(app.jobId);
    const Stage &stage = stages.at(app.stageId);
    const auto recruiterIt = users.find(job.userId);
    const auto triggeredIt = users.find(trigger.userId);
    QJsonObject recruiter;
    if (recruiterIt != users.end())
        recruiter = QJsonObject { { QStringLiteral("name"), recruiterIt->second.name },
            { QStringLiteral("email"), recruiterIt->second.email },
            { QStringLiteral("phone"), QStringLiteral("+46701234567") } };
    QJsonObject triggeredBy;
    if (triggeredIt != users.end())
        triggeredBy = QJsonObject { { QStringLiteral("id"), triggeredIt->second.id },
            { QStringLiteral("email"), triggeredIt->second.email },
            { QStringLiteral("name"), triggeredIt->second.name } };
    const QJsonObject jobObj {
        { QStringLiteral("id"), job.id },
        { QStringLiteral("title"), job.title },
        { QStringLiteral("stage-id"), stage.id },
        { QStringLiteral("stage"), stage.name },
        { QStringLiteral("tags"), QJsonArray::fromStringList(job.tags) },
        { QStringLiteral("trigger-id"), trigger.id },
        { QStringLiteral("custom-fields"), QJsonArray {} },
        { QStringLiteral("status"),
            QJsonObject { { QStringLiteral("rejected"), app.rejectedAt.isValid() } } },
        { QStringLiteral("triggered-by"), triggeredBy },
    };
    const QJsonObject candidate {
        { QStringLiteral("id"), c.id },
        { QStringLiteral("uuid"), c.uuid },
        { QStringLiteral("first-name"), c.firstName },
        { QStringLiteral("last-name"), c.lastName },
        { QStringLiteral("email"), c.email },
        { QStringLiteral("phone"), c.phone },
        { QStringLiteral("picture-url"), QJsonValue::Null },
        { QStringLiteral("tags"), QJsonArray::fromStringList(c.tags) },
        { QStringLiteral("department"), job.department },
        { QStringLiteral("role"), job.title },
        { QStringLiteral("referrals"), QJsonArray {} },
        { QStringLiteral("job"), jobObj },
        { QStringLiteral("recruiter"), recruiter },
        { QStringLiteral("locations"),
            job.location.isEmpty() ? QJsonArray {}
                                   : QJsonArray { QJsonObject { { QStringLiteral("name"), job.location },
                                       { QStringLiteral("address"), job.location } } } },
        { QStringLiteral("questions"), QJsonArray {} },
        { QStringLiteral("custom-fields"), QJsonArray {} },
    };
    return QJsonObject {
        { QStringLiteral("partner-event"),
            QJsonObject { { QStringLiteral("id"), eventId },
                { QStringLiteral("webhook-data"), dashedKeys(trigger.webhookData) },
                { QStringLiteral("partner-result"),
                    QJsonObject { { QStringLiteral("id"), result.id },
                        { QStringLiteral("status"), QStringLiteral("sending") },
                        { QStringLiteral("update-url"),
                            urlFor(QStringLiteral("/partner/v1/partner-results/") + result.id) } } },
                { QStringLiteral("candidate"), candidate } } },
        { QStringLiteral("company"),
            QJsonObject { { QStringLiteral("uuid"), company.uuid }, { QStringLiteral("name"), company.name },
                { QStringLiteral("url"), company.url },
                { QStringLiteral("logotype"),
                    company.logotype.isEmpty() ? QJsonValue(QJsonValue::Null)
                                               : QJsonValue(company.logotype) } } },
    };
}

void Sandbox::Private::firePartnerEvent(qint64 applicationId, const Trigger &trigger)
{
    if (config.partnerBaseUrl.isEmpty()) {
        qCWarning(lcSandbox) << "trigger on stage" << trigger.stageId << "not sent: no partner base URL";
        return;
    }
    const JobApplication &app = applications.at(applicationId);
    // §3.2: Teamtailor creates the partner result (status "sending") before calling the partner.
    PartnerResult result;
    result.id = uuid();
    result.candidateId = app.candidateId;
    result.jobId = app.jobId;
    result.applicationId = applicationId;
    result.partnerEventId = uuid();
    result.createdAt = result.updatedAt = now();
    result.attributes = QJsonObject { { QStringLiteral("status"), QStringLiteral("sending") },
        { QStringLiteral("candidate-id"), app.candidateId }, { QStringLiteral("job-id"), app.jobId } };
    partnerResults[result.id] = result;
    partnerResultOrder.append(result.id);
    changed();
    Q_EMIT q->partnerResultChanged(result.id);

    const QByteArray body = QJsonDocument(partnerEventBody(app, trigger, result.partnerEventId, result))
                                .toJson(QJsonDocument::Compact);
    QUrl url = config.partnerBaseUrl;
    QString path = url.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QLatin1String("/webhook"));
    HeaderList headers {
        { "Authorization", "Bearer " + providerKey.toUtf8() },
        { "Teamtailor-Signature",
            crypto::partnerSignature(config.webhookSecret.toUtf8(), clock->nowSecs(),
                result.partnerEventId.toLatin1(), crypto::sha256(randomBytes(16)).toHex()) },
        { "Content-Type", "application/json" },
    };
    if (config.sendCompanyToken)
        headers.append({ "teamtailor-api-token", config.companyApiToken.toUtf8() });
    if (config.sendTeamtailorHost)
        headers.append({ "Teamtailor-Host", urlFor({}).toUtf8() });
    const QString resultId = result.id;
    const qint64 seq = sendOutbound(QStringLiteral("partner-event"), {}, "POST", url, headers, body,
        [this, resultId](WebhookRecord &rec) {
            auto it = partnerResults.find(resultId);
            if (it == partnerResults.end())
                return;
            PartnerResult &r = it->second;
            if (rec.status >= 200 && rec.status < 300) {
                // §3.3: optional inline update; ignored unless valid.
                const QJsonObject answer = QJsonDocument::fromJson(rec.answer).object();
                const QJsonObject inline_
                    = answer.value(QStringLiteral("partner_result_attributes")).toObject();
                if (!inline_.isEmpty()) {
                    QJsonObject attrs;
                    if (inline_.contains(QStringLiteral("status")))
                        attrs.insert(QStringLiteral("status"), inline_.value(QStringLiteral("status")));
                    const QJsonValue score = inline_.value(QStringLiteral("assessment"))
                                                 .toObject()
                                                 .value(QStringLiteral("score"));
                    if (!score.isUndefined())
                        attrs.insert(
                            QStringLiteral("assessment"), QJsonObject { { QStringLiteral("score"), score } });
                    for (const char *k : { "details", "attachments", "summary", "url" }) {
                        const QString key = QString::fromLatin1(k);
                        if (inline_.contains(key))
                            attrs.insert(key, inline_.value(key));
                    }
                    QJsonObject normalised;
                    if (validatePartnerResult(attrs, false, &normalised, {}).isEmpty())
                        applyPartnerResultAttributes(r, normalised);
                    else
                        qCInfo(lcSandbox) << "ignored invalid partner_result_attributes for" << resultId;
                }
            } else if (rec.status >= 400) {
                // §3.3: a plain string answer is shown as the result's error (the example partner
                // answers a JSON string).
                const QJsonDocument doc = QJsonDocument::fromJson("[" + rec.answer + "]");
                QString text = doc.isArray() && doc.array().size() == 1 && doc.array().at(0).isString()
                    ? doc.array().at(0).toString()
                    : QString::fromUtf8(rec.answer).trimmed();
                r.error = text.left(1000);
                r.updatedAt = now();
            } else {
                r.error = rec.networkError.isEmpty() ? QStringLiteral("HTTP %1").arg(rec.status)
                                                     : rec.networkError;
            }
            changed();
            Q_EMIT q->partnerResultChanged(resultId);
        });
    if (WebhookRecord *rec = webhookRecord(seq))
        rec->partnerResultId = resultId;
}

QJsonObject Sandbox::Private::jobApplicationWebhookData(const JobApplication &app) const
{
    const auto job = jobs.find(app.jobId);
    const auto stage = stages.find(app.stageId);
    const QJsonValue rejected = app.rejectedAt.isValid() ? QJsonValue(fmt(app.rejectedAt)) : QJsonValue();
    return QJsonObject {
        { QStringLiteral("id"), QString::number(app.id) },
        { QStringLiteral("type"), QStringLiteral("job-applications") },
        { QStringLiteral("attributes"),
            QJsonObject { { QStringLiteral("updated-at"), fmt(app.updatedAt) },
                { QStringLiteral("job-id"), app.jobId },
                { QStringLiteral("job-title"), job != jobs.end() ? job->second.title : QString() },
                { QStringLiteral("last-moved-at"), fmt(app.changedStageAt) },
                { QStringLiteral("stage-name"), stage != stages.end() ? stage->second.name : QString() },
                { QStringLiteral("referring-site"),
                    app.referringSite.isEmpty() ? QJsonValue() : QJsonValue(app.referringSite) },
                { QStringLiteral("referring-url"), QJsonValue() },
                { QStringLiteral("referer-id"), QJsonValue() }, { QStringLiteral("rejected-at"), rejected },
                { QStringLiteral("promotion-id"), QJsonValue() },
                { QStringLiteral("company-uuid"), company.uuid },
                { QStringLiteral("transparent-recruiting-visible-at"), rejected } } },
    };
}

static QString humanStatus(const QString &status)
{
    if (status == QLatin1String("open"))
        return QStringLiteral("published");
    if (status == QLatin1String("temp"))
        return QStringLiteral("unsaved");
    return status;
}

QJsonObject Sandbox::Private::jobWebhookData(const Job &job) const
{
    return QJsonObject {
        { QStringLiteral("id"), QString::number(job.id) },
        { QStringLiteral("type"), QStringLiteral("jobs") },
        { QStringLiteral("attributes"),
            QJsonObject { { QStringLiteral("title"), job.title },
                { QStringLiteral("company-name"), company.name }, { QStringLiteral("status"), job.status },
                { QStringLiteral("human-status"), humanStatus(job.status) },
                { QStringLiteral("remote-status"), job.remoteStatus },
                { QStringLiteral("created-at"), fmt(job.createdAt) },
                { QStringLiteral("updated-at"), fmt(job.updatedAt) },
                { QStringLiteral("tags"), QJsonArray::fromStringList(job.tags) } } },
    };
}

void Sandbox::Private::sendCompanyWebhook(const QString &eventName, const QJsonObject &data)
{
    if (!config.companyWebhooks || config.companyWebhookUrl.isEmpty())
        return;
    QJsonObject doc { { QStringLiteral("payload"),
        QJsonObject { { QStringLiteral("event_name"), eventName }, { QStringLiteral("data"), data } } } };
    const QByteArray key = config.companyWebhookKey.toUtf8();
    QByteArray signature;
    QByteArray body;
    if (config.ttSignature == TtSignature::V1) {
        // v1 signs data.id only, so the body can carry the signature as documented.
        signature = crypto::ttSignatureV1(key, data.value(QStringLiteral("id")).toString().toUtf8());
        doc.insert(QStringLiteral("signature"), QString::fromLatin1(signature));
        body = QJsonDocument(doc).toJson(QJsonDocument::Compact);
    } else {
        // v2 signs the raw body; the body is sent without "signature" (§4.2, the contradiction).
        body = QJsonDocument(doc).toJson(QJsonDocument::Compact);
        signature = crypto::ttSignatureV2(key, clock->nowSecs(), body);
    }
    HeaderList headers { { "Content-Type", "application/json" }, { "TT-Signature", signature } };
    if (activated) {
        headers.append({ "Authorization", "Bearer " + providerKey.toUtf8() });
        if (config.sendCompanyToken)
            headers.append({ "teamtailor-api-token", config.companyApiToken.toUtf8() });
    }
    sendOutbound(
        QStringLiteral("company-webhook"), eventName, "POST", config.companyWebhookUrl, headers, body, {});
}

// ---------------------------------------------------------------------------------------------
// Read access

Company Sandbox::company() const
{
    return d->company;
}

template<typename Map> static auto valuesOf(const Map &map)
{
    QList<typename Map::mapped_type> out;
    out.reserve(qsizetype(map.size()));
    for (const auto &kv : map)
        out.append(kv.second);
    return out;
}

QList<User> Sandbox::users() const
{
    return valuesOf(d->users);
}

QList<Job> Sandbox::jobs() const
{
    return valuesOf(d->jobs);
}

QList<Stage> Sandbox::stages(qint64 jobId) const
{
    QList<Stage> out;
    const auto it = d->jobs.find(jobId);
    if (it == d->jobs.end())
        return out;
    for (qint64 id : it->second.stageIds)
        out.append(d->stages.at(id));
    return out;
}

QList<Candidate> Sandbox::candidates() const
{
    return valuesOf(d->candidates);
}

QList<JobApplication> Sandbox::applications() const
{
    return valuesOf(d->applications);
}

QList<JobApplication> Sandbox::applicationsOfCandidate(qint64 candidateId) const
{
    QList<JobApplication> out;
    for (qint64 id : d->appsByCandidate.value(candidateId))
        out.append(d->applications.at(id));
    return out;
}

template<typename Map, typename Key>
static auto findIn(const Map &map, const Key &key) -> std::optional<typename Map::mapped_type>
{
    const auto it = map.find(key);
    if (it == map.end())
        return std::nullopt;
    return it->second;
}

std::optional<Job> Sandbox::job(qint64 id) const
{
    return findIn(d->jobs, id);
}

std::optional<Stage> Sandbox::stage(qint64 id) const
{
    return findIn(d->stages, id);
}

std::optional<Candidate> Sandbox::candidate(qint64 id) const
{
    return findIn(d->candidates, id);
}

std::optional<JobApplication> Sandbox::application(qint64 id) const
{
    return findIn(d->applications, id);
}

std::optional<Trigger> Sandbox::triggerOnStage(qint64 stageId) const
{
    const auto it = d->triggerByStage.constFind(stageId);
    if (it == d->triggerByStage.constEnd())
        return std::nullopt;
    return d->triggers.at(*it);
}

QList<Note> Sandbox::notesOfCandidate(qint64 candidateId) const
{
    QList<Note> out;
    for (const auto &kv : d->notes) {
        if (kv.second.candidateId == candidateId)
            out.append(kv.second);
    }
    return out;
}

QList<PartnerResult> Sandbox::partnerResults() const
{
    QList<PartnerResult> out;
    for (const QString &id : d->partnerResultOrder) {
        const auto it = d->partnerResults.find(id);
        if (it != d->partnerResults.end())
            out.append(it->second);
    }
    return out;
}

std::optional<PartnerResult> Sandbox::partnerResult(const QString &id) const
{
    return findIn(d->partnerResults, id);
}

qint64 Sandbox::stageIdByName(qint64 jobId, const QString &name) const
{
    const auto it = d->jobs.find(jobId);
    if (it == d->jobs.end())
        return 0;
    for (qint64 id : it->second.stageIds) {
        if (d->stages.at(id).name.compare(name, Qt::CaseInsensitive) == 0)
            return id;
    }
    return 0;
}

int Sandbox::jobCount() const
{
    return int(d->jobs.size());
}

int Sandbox::candidateCount() const
{
    return int(d->candidates.size());
}

int Sandbox::applicationCount() const
{
    return int(d->applications.size());
}

int Sandbox::noteCount() const
{
    return int(d->notes.size());
}

QList<RequestRecord> Sandbox::requestLog() const
{
    return d->requestLog;
}

QList<WebhookRecord> Sandbox::webhookLog() const
{
    return d->webhookLog;
}

void Sandbox::clearLogs()
{
    d->requestLog.clear();
    d->webhookLog.clear();
}

} // namespace intrvio

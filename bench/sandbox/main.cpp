// Sandbox benchmark: time to generate a 10 000 candidates × 3 applications seed, and JSON:API list
// pages served per second on loopback, next to a static-response baseline (a trivial QHttpServer
// route in the same process, measured with the same client).
//
// Usage: bench_sandbox [candidates] [requests]
#include "sandbox/Sandbox.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTextStream>

#include <algorithm>
#include <functional>

using namespace intrvio;

namespace {

// Fetches `total` URLs (url(i)) keeping `parallel` requests in flight; returns requests per second.
double measure(QNetworkAccessManager &nam, int total, int parallel, const std::function<QUrl(int)> &url,
    const QList<QPair<QByteArray, QByteArray>> &headers, int *failures)
{
    int started = 0, finished = 0;
    *failures = 0;
    QEventLoop loop;
    QElapsedTimer timer;
    std::function<void()> startOne = [&] {
        QNetworkRequest req(url(started++));
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        QNetworkReply *reply = nam.get(req);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200
                || reply->readAll().isEmpty())
                ++*failures;
            reply->deleteLater();
            if (++finished == total)
                loop.quit();
            else if (started < total)
                startOne();
        });
    };
    timer.start();
    for (int i = 0; i < std::min(parallel, total); ++i)
        startOne();
    loop.exec();
    return total / (double(timer.nsecsElapsed()) / 1e9);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int candidates = argc > 1 ? QByteArray(argv[1]).toInt() : 10000;
    const int requests = argc > 2 ? QByteArray(argv[2]).toInt() : 3000;
    QTextStream out(stdout);

    Sandbox::Config cfg;
    cfg.rateLimit = 0; // measure serving, not the limiter
    cfg.companyWebhooks = false;
    Sandbox sandbox(cfg);

    // 1. Seed generation (best of 3).
    qint64 bestNs = std::numeric_limits<qint64>::max();
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        sandbox.seed(sandbox::SeedSpec { 10, 6, candidates, 3, 1 });
        bestNs = std::min(bestNs, t.nsecsElapsed());
    }
    out << "seed: " << sandbox.candidateCount() << " candidates, " << sandbox.applicationCount()
        << " applications generated in " << QString::number(bestNs / 1e6, 'f', 1) << " ms (goal < 5000 ms)\n";
    out.flush();

    // 2. Pages per second on loopback.
    if (!sandbox.listen()) {
        out << "cannot listen\n";
        return 1;
    }
    QHttpServer baseline;
    const QByteArray staticBody = R"({"data":[],"meta":{"record-count":0,"page-count":0}})";
    baseline.route(QStringLiteral("/static"),
        [&staticBody] { return QHttpServerResponse("application/vnd.api+json", staticBody); });
    const quint16 basePort = baseline.listen(QHostAddress::LocalHost, 0);
    if (!basePort) {
        out << "cannot listen (baseline)\n";
        return 1;
    }
    QNetworkAccessManager nam;
    const QList<QPair<QByteArray, QByteArray>> auth {
        { "Authorization", "Token token=sandbox-company-token" }, { "X-Api-Version", "20240904" }
    };
    const QString base = sandbox.baseUrl().toString();
    const int pageCount = (candidates + 29) / 30;
    int failures = 0;

    // Warm up connections.
    measure(
        nam, 60, 6, [&](int) { return QUrl(QStringLiteral("http://127.0.0.1:%1/static").arg(basePort)); }, {},
        &failures);
    measure(
        nam, 60, 6,
        [&](int i) { return QUrl(base + QStringLiteral("/v1/candidates?page[number]=%1").arg(i + 1)); }, auth,
        &failures);

    const double staticRate = measure(
        nam, requests, 6,
        [&](int) { return QUrl(QStringLiteral("http://127.0.0.1:%1/static").arg(basePort)); }, {}, &failures);
    out << "baseline: static route " << QString::number(staticRate, 'f', 0) << " req/s (failures " << failures
        << ")\n";

    const double candRate = measure(
        nam, requests, 6,
        [&](int i) {
            return QUrl(
                base + QStringLiteral("/v1/candidates?page[size]=30&page[number]=%1").arg(i % pageCount + 1));
        },
        auth, &failures);
    out << "sandbox: /v1/candidates page[size]=30 " << QString::number(candRate, 'f', 0)
        << " pages/s (failures " << failures << "), ratio to baseline "
        << QString::number(candRate / staticRate, 'f', 2) << '\n';

    const double appRate = measure(
        nam, requests, 6,
        [&](int i) {
            return QUrl(base
                + QStringLiteral("/v1/job-applications?include=candidate,job,stage&page[number]=%1")
                      .arg(i % (pageCount * 3) + 1));
        },
        auth, &failures);
    out << "sandbox: /v1/job-applications include=candidate,job,stage " << QString::number(appRate, 'f', 0)
        << " pages/s (failures " << failures << "), ratio to baseline "
        << QString::number(appRate / staticRate, 'f', 2) << '\n';
    // A sync walks every page once right after data changed: nothing is cached yet.
    sandbox.setJobStatus(sandbox.jobs().first().id, QStringLiteral("archived")); // invalidates caches
    const double coldRate = measure(
        nam, pageCount, 6,
        [&](int i) {
            return QUrl(base + QStringLiteral("/v1/candidates?page[size]=30&page[number]=%1").arg(i + 1));
        },
        auth, &failures);
    out << "sandbox: /v1/candidates page[size]=30, every page once after a change (cold) "
        << QString::number(coldRate, 'f', 0) << " pages/s (failures " << failures << "), ratio to baseline "
        << QString::number(coldRate / staticRate, 'f', 2) << '\n';
    out << "goal: >= 1000 pages/s: "
        << (std::min({ candRate, appRate, coldRate }) >= 1000 ? "met" : "NOT met") << '\n';
    return 0;
}

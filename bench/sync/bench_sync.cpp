// A 10 000-candidate sync against the teamtailor-sandbox executable (another process, rate limit
// off), then decode and decode+store of the same candidate pages measured beside a plain
// QJsonDocument parse in the same run. CPU time is this process's (the sandbox runs elsewhere).
//
//   cmake -S . -B build/bench -G Ninja -DINTRVIO_BUILD_BENCHMARKS=ON -DINTRVIO_BUILD_UI=OFF
//   cmake --build build/bench --target bench_sync && build/bench/bench/sync/bench_sync [candidates]
#include "models/Clock.h"
#include "models/Store.h"
#include "net/api/JsonApi.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorClient.h"
#include "net/api/TeamtailorMapping.h"
#include "net/sync/SyncService.h"
#include "net/sync/SyncStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <simdjson.h>

#include <sys/resource.h>
#include <time.h>

using namespace intrvio;

namespace {

QTextStream out(stdout);

double cpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

long peakRssKb()
{
    rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

long currentRssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLong();
    }
    return -1;
}

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

QByteArray get(QNetworkAccessManager &nam, const RequestBuilder &b, const QUrl &url, int *status)
{
    QNetworkReply *reply = nam.get(b.request(RequestBuilder::Api::Public, url, false));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int candidates = argc > 1 ? QByteArray(argv[1]).toInt() : 10000;

    // --- the sandbox, in its own process ---
    const quint16 port = freePort();
    QProcess sandbox;
    sandbox.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    sandbox.start(QStringLiteral(INTRVIO_SANDBOX_BIN),
        { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
            QStringLiteral("--partner-base-url"), QStringLiteral("http://127.0.0.1:9"),
            QStringLiteral("--seed"),
            QStringLiteral("candidates=%1,jobs=5,stages=6,applications=1,rng=7").arg(candidates),
            QStringLiteral("--no-rate-limit") });
    if (!sandbox.waitForStarted()) {
        out << "cannot start " << INTRVIO_SANDBOX_BIN << Qt::endl;
        return 1;
    }
    QUrl base(QStringLiteral("http://127.0.0.1"));
    base.setPort(port);
    QNetworkAccessManager nam;
    const RequestBuilder builder(ApiEndpoints::forBaseUrl(base),
        { QStringLiteral("sandbox-company-token"), QStringLiteral("sandbox-partner-api-key") });
    for (int i = 0;; ++i) { // wait until it serves
        int status = 0;
        get(nam, builder, builder.url(RequestBuilder::Api::Public, QStringLiteral("jobs")), &status);
        if (status == 200)
            break;
        if (i > 200) {
            out << "the sandbox does not answer on port " << port << Qt::endl;
            return 1;
        }
        QEventLoop wait;
        QTimer::singleShot(50, &wait, &QEventLoop::quit);
        wait.exec();
    }
    out << "sandbox: " << candidates << " candidates on " << base.toString() << Qt::endl;
    const long rssStart = currentRssKb();

    // --- 1. the real thing: a full SyncService run over loopback into a fresh store ---
    QTemporaryDir dir;
    double syncCpu = 0;
    qint64 syncWall = 0;
    SyncService::Summary summary;
    {
        StoreError err;
        auto store = Store::openInDataDir(dir.filePath(QStringLiteral("sync")), &err);
        TeamtailorClient client(&nam, builder, Clock::system(), 1);
        SyncService sync(&client, store.get(), Clock::system());
        QEventLoop loop;
        bool ok = false;
        QString message;
        QObject::connect(&sync, &SyncService::finished, &loop, [&](bool success, const QString &m) {
            ok = success;
            message = m;
            loop.quit();
        });
        const double c0 = cpuMs();
        QElapsedTimer wall;
        wall.start();
        sync.start(SyncService::Mode::Full);
        loop.exec();
        syncWall = wall.elapsed();
        syncCpu = cpuMs() - c0;
        if (!ok) {
            out << "sync failed: " << message << Qt::endl;
            return 1;
        }
        summary = sync.summary();
        out << "sync: " << message << Qt::endl;
    }
    const long rssAfterSync = peakRssKb();

    // --- 2. the candidate pages the sync read, fetched again as raw bodies ---
    QList<QByteArray> pages;
    QList<QUrl> urls;
    QUrl next = ListCandidatesRequest::firstPage(builder, {});
    qint64 bytes = 0;
    while (!next.isEmpty()) {
        int status = 0;
        const QByteArray body = get(nam, builder, next, &status);
        if (status != 200) {
            out << "page fetch failed with " << status << Qt::endl;
            return 1;
        }
        bytes += body.size();
        pages.append(body);
        urls.append(next);
        const auto doc = JsonApi::decode(body, next);
        next = doc ? doc->next() : QUrl();
    }
    sandbox.terminate();
    sandbox.waitForFinished(5000);

    // --- 3. baseline: a plain QJsonDocument parse of the same pages ---
    auto measure = [&](auto fn, int rounds) {
        double best = 1e300;
        for (int r = 0; r < rounds; ++r) {
            const double c0 = cpuMs();
            fn();
            best = qMin(best, cpuMs() - c0);
        }
        return best;
    };
    qint64 sink = 0;
    const double baseline = measure(
        [&] {
            for (const QByteArray &p : pages)
                sink += QJsonDocument::fromJson(p).object().size();
        },
        3);
    // --- 3b. what decode() starts with: simdjson's DOM parse (validation) of the same pages,
    //         a padded copy of each page included, no Qt values built ---
    simdjson::dom::parser parser;
    const double simdParse = measure(
        [&] {
            for (const QByteArray &p : pages) {
                simdjson::dom::element top;
                if (parser.parse(p.constData(), static_cast<size_t>(p.size()), true).get(top)
                    == simdjson::SUCCESS)
                    sink += top.is_object();
            }
        },
        3);
    // --- 4a. JSON:API decode alone, as ListCandidatesRequest decodes ---
    const double decodeOnly = measure(
        [&] {
            for (int i = 0; i < pages.size(); ++i)
                sink += JsonApi::decode(pages.at(i), urls.at(i), nullptr, SyncPageDecode)->data.size();
        },
        3);
    // --- 4b. JSON:API decode + mapping to typed values, decoded as ListCandidatesRequest does ---
    const double decode = measure(
        [&] {
            for (int i = 0; i < pages.size(); ++i) {
                const auto doc = JsonApi::decode(pages.at(i), urls.at(i), nullptr, SyncPageDecode);
                for (const auto &r : doc->data)
                    sink += tt::toCandidate(r).id.size();
                for (const auto &r : doc->included)
                    sink += tt::toJobApplication(r).id.size();
            }
        },
        3);
    // --- 5. decode + store (one transaction per page, prepared multi-row upserts, WAL,
    //        synchronous=FULL as the app runs it), best of 3 into fresh stores ---
    const bool normal = qEnvironmentVariableIsSet("BENCH_SYNC_NORMAL");
    int stored = 0;
    int round = 0;
    qint64 decodeStoreWall = 0;
    auto decodeAndStore = [&](bool decodeToo, const QList<QList<tt::Candidate>> &preC,
                              const QList<QList<tt::JobApplication>> &preA) {
        StoreError err;
        auto store = Store::openInDataDir(dir.filePath(QStringLiteral("store%1").arg(++round)), &err);
        if (normal)
            QSqlQuery(store->database()).exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        SyncStore writer(store->database());
        QElapsedTimer wall;
        wall.start();
        const double c0 = cpuMs();
        for (int i = 0; i < pages.size(); ++i) {
            QString error;
            bool ok = false;
            if (decodeToo) {
                const auto doc = JsonApi::decode(pages.at(i), urls.at(i), nullptr, SyncPageDecode);
                QList<tt::Candidate> cs;
                cs.reserve(doc->data.size());
                for (const auto &r : doc->data)
                    cs.append(tt::toCandidate(r));
                QList<tt::JobApplication> as;
                as.reserve(doc->included.size());
                for (const auto &r : doc->included)
                    as.append(tt::toJobApplication(r));
                ok = writer.writeCandidates(cs, as, &error);
            } else {
                ok = writer.writeCandidates(preC.at(i), preA.at(i), &error);
            }
            if (!ok) {
                out << error << Qt::endl;
                ::exit(1);
            }
        }
        const double cpu = cpuMs() - c0;
        decodeStoreWall = wall.elapsed();
        if (qEnvironmentVariableIsSet("BENCH_SYNC_DEBUG")) {
            rusage ru {};
            getrusage(RUSAGE_SELF, &ru);
            out << "  round " << round << " cpu " << cpu << " ms; process user "
                << ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000 << " ms sys "
                << ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000 << " ms" << Qt::endl;
        }
        stored = writer.count(QStringLiteral("candidates"));
        return cpu;
    };
    QList<QList<tt::Candidate>> preC;
    QList<QList<tt::JobApplication>> preA;
    for (int i = 0; i < pages.size(); ++i) {
        const auto doc = JsonApi::decode(pages.at(i), urls.at(i), nullptr, SyncPageDecode);
        QList<tt::Candidate> cs;
        for (const auto &r : doc->data)
            cs.append(tt::toCandidate(r));
        QList<tt::JobApplication> as;
        for (const auto &r : doc->included)
            as.append(tt::toJobApplication(r));
        preC.append(cs);
        preA.append(as);
    }
    double storeOnly = 1e300;
    for (int r = 0; r < 3; ++r)
        storeOnly = qMin(storeOnly, decodeAndStore(false, preC, preA));
    preC.clear();
    preA.clear();
    double decodeStore = 1e300;
    for (int r = 0; r < 3; ++r)
        decodeStore = qMin(decodeStore, decodeAndStore(true, {}, {}));
    // --- 6. a full sync of an unchanged account: the same pages again into a filled store ---
    double resync = 1e300;
    for (int r = 0; r < 3; ++r) {
        StoreError err;
        auto store = Store::openInDataDir(dir.filePath(QStringLiteral("resync%1").arg(r)), &err);
        SyncStore writer(store->database());
        double cpu = 0;
        for (int pass = 0; pass < 2; ++pass) {
            const double c0 = cpuMs();
            for (int i = 0; i < pages.size(); ++i) {
                const auto doc = JsonApi::decode(pages.at(i), urls.at(i), nullptr, SyncPageDecode);
                QList<tt::Candidate> cs;
                cs.reserve(doc->data.size());
                for (const auto &res : doc->data)
                    cs.append(tt::toCandidate(res));
                QList<tt::JobApplication> as;
                as.reserve(doc->included.size());
                for (const auto &res : doc->included)
                    as.append(tt::toJobApplication(res));
                QString error;
                if (!writer.writeCandidates(cs, as, &error)) {
                    out << error << Qt::endl;
                    return 1;
                }
            }
            cpu = cpuMs() - c0; // the second pass: every row already there and unchanged
        }
        resync = qMin(resync, cpu);
    }

    const double n = stored;
    out << Qt::fixed;
    out.setRealNumberPrecision(2);
    out << "\n== " << stored << " candidates in " << pages.size() << " pages (" << bytes / 1024 << " KiB)\n";
    out << "plain QJsonDocument parse   " << baseline * 1000 / n << " us/candidate   (baseline 1.00x)\n";
    out << "  simdjson DOM parse        " << simdParse * 1000 / n << " us/candidate   "
        << simdParse / baseline << "x baseline (validation only, no Qt values)\n";
    out << "  JSON:API decode           " << decodeOnly * 1000 / n << " us/candidate   "
        << decodeOnly / baseline << "x baseline (SyncPageDecode: no resource links, read attributes only)\n";
    out << "JSON:API decode + mapping   " << decode * 1000 / n << " us/candidate   " << decode / baseline
        << "x baseline\n";
    out << "store only (CPU)            " << storeOnly * 1000 / n
        << " us/candidate (1 candidate + 1 application row)"
        << (normal ? ", whole connection synchronous=NORMAL\n" : ", pages synchronous=NORMAL, cursor FULL\n");
    out << "decode + store (CPU)        " << decodeStore * 1000 / n << " us/candidate   "
        << decodeStore / baseline << "x baseline   (goal <= 20 us)\n";
    out << "decode + store, re-sync     " << resync * 1000 / n
        << " us/candidate (CPU; the same pages again into the filled store, nothing changed)\n";
    out << "decode + store (wall)       " << decodeStoreWall * 1000.0 / n
        << " us/candidate (one commit per page)\n";
    out << "full sync over loopback     " << syncWall << " ms wall, " << syncCpu
        << " ms CPU in this process, " << summary.pages << " pages, " << summary.candidates << " candidates, "
        << summary.applications << " applications; " << syncCpu * 1000 / qMax(1, summary.candidates)
        << " us CPU/candidate incl. HTTP\n";
    out << "RSS at start " << rssStart / 1024 << " MiB; peak RSS after the sync " << rssAfterSync / 1024
        << " MiB (goal <= 150 MB); peak at the end " << peakRssKb() / 1024 << " MiB\n";
    out << "(checksum " << sink % 1000 << ")" << Qt::endl;
    return stored == candidates && summary.candidates == candidates ? 0 : 1;
}

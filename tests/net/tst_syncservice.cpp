// SyncService over a recording fake QNAM and a real SQLite store: what it requests, what lands in
// the store, progress, incremental cursors, pruning, cancellation and errors.
#include "FakeNetworkAccessManager.h"
#include "models/Clock.h"
#include "models/Store.h"
#include "net/api/RateLimiter.h"
#include "net/api/TeamtailorClient.h"
#include "net/sync/SyncService.h"
#include "net/sync/SyncStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;
using namespace intrvio::test;

namespace {

const QString Base = QStringLiteral("http://127.0.0.1:9/");

QByteArray list(
    const QJsonArray &data, const QString &next = {}, int pageCount = 1, const QJsonArray &included = {})
{
    QJsonObject links;
    if (!next.isEmpty())
        links.insert(QStringLiteral("next"), next);
    QJsonObject doc { { QStringLiteral("data"), data },
        { QStringLiteral("meta"), QJsonObject { { QStringLiteral("page-count"), pageCount } } },
        { QStringLiteral("links"), links } };
    if (!included.isEmpty())
        doc.insert(QStringLiteral("included"), included);
    return QJsonDocument(doc).toJson(QJsonDocument::Compact);
}

QJsonObject res(
    const QString &type, const QString &id, const QJsonObject &attrs, const QJsonObject &rels = {})
{
    QJsonObject o { { QStringLiteral("type"), type }, { QStringLiteral("id"), id },
        { QStringLiteral("attributes"), attrs } };
    if (!rels.isEmpty())
        o.insert(QStringLiteral("relationships"), rels);
    return o;
}

QJsonObject to1(const QString &type, const QString &id)
{
    return QJsonObject { { QStringLiteral("data"),
        QJsonObject { { QStringLiteral("type"), type }, { QStringLiteral("id"), id } } } };
}

QJsonObject app(
    const QString &id, const QString &cand, const QString &job, const QString &stage, const QString &updated)
{
    return res(QStringLiteral("job-applications"), id, { { QStringLiteral("updated-at"), updated } },
        { { QStringLiteral("candidate"), to1(QStringLiteral("candidates"), cand) },
            { QStringLiteral("job"), to1(QStringLiteral("jobs"), job) },
            { QStringLiteral("stage"), to1(QStringLiteral("stages"), stage) } });
}

QJsonObject cand(const QString &id, const QString &first, const QString &updated)
{
    return res(QStringLiteral("candidates"), id,
        { { QStringLiteral("first-name"), first }, { QStringLiteral("updated-at"), updated } });
}

QString scalar(Store *store, const QString &sql)
{
    QSqlQuery q(store->database());
    if (!q.exec(sql) || !q.next())
        return QStringLiteral("<error>");
    return q.value(0).toString();
}

} // namespace

class tst_SyncService : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<FakeNetworkAccessManager> m_nam;
    std::unique_ptr<TeamtailorClient> m_client;

    void queueFullSync(const QString &stageOfApp1)
    {
        // jobs: one page, two jobs
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("jobs"), QStringLiteral("12"),
                       { { QStringLiteral("title"), QStringLiteral("Welder") } }),
                res(QStringLiteral("jobs"), QStringLiteral("13"),
                    { { QStringLiteral("title"), QStringLiteral("Baker") } }) })));
        // stages of job 12 (two pages), of job 13 (one)
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("stages"), QStringLiteral("100"),
                     { { QStringLiteral("name"), QStringLiteral("Inbox") },
                         { QStringLiteral("row-order"), 0 } }) },
                Base + QStringLiteral("v1/jobs/12/stages?page%5Bnumber%5D=2&page%5Bsize%5D=30"), 2)));
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("stages"), QStringLiteral("101"),
                     { { QStringLiteral("name"), QStringLiteral("Phone screen") },
                         { QStringLiteral("row-order"), 1 } }) },
                {}, 2)));
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("stages"), QStringLiteral("200"),
                { { QStringLiteral("name"), QStringLiteral("Inbox") } }) })));
        // candidates: two pages, with included applications
        m_nam->enqueue(CannedReply::json(200,
            list({ cand(QStringLiteral("1"), QStringLiteral("Ada"),
                     QStringLiteral("2024-01-01T10:00:00.000+01:00")) },
                Base + QStringLiteral("v1/candidates?page%5Bnumber%5D=2"), 2,
                { app(QStringLiteral("9001"), QStringLiteral("1"), QStringLiteral("12"),
                    QStringLiteral("100"), QStringLiteral("2024-01-01T10:00:00.000+01:00")) })));
        m_nam->enqueue(CannedReply::json(200,
            list({ cand(QStringLiteral("2"), QStringLiteral("Grace"),
                     QStringLiteral("2024-01-02T10:00:00.000+01:00")) },
                {}, 2)));
        // applications
        m_nam->enqueue(CannedReply::json(200,
            list({ app(QStringLiteral("9001"), QStringLiteral("1"), QStringLiteral("12"), stageOfApp1,
                       QStringLiteral("2024-01-03T10:00:00.000+01:00")),
                app(QStringLiteral("9002"), QStringLiteral("2"), QStringLiteral("13"), QStringLiteral("200"),
                    QStringLiteral("2024-01-02T10:00:00.000+01:00")) })));
        // partner results
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("partner-results"), QStringLiteral("3230d614"),
                { { QStringLiteral("status"), QStringLiteral("sent") }, { QStringLiteral("candidate-id"), 1 },
                    { QStringLiteral("assessment"), QJsonObject { { QStringLiteral("score"), 82 } } } }) })));
    }

    bool runSync(SyncService &sync, SyncService::Mode mode, QString *message = nullptr)
    {
        QSignalSpy done(&sync, &SyncService::finished);
        sync.start(mode);
        if (!done.wait(20000))
            return false;
        if (message)
            *message = done.at(0).at(1).toString();
        return done.at(0).at(0).toBool();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        StoreError err;
        QFile::remove(m_dir.filePath(QStringLiteral("intrvio.sqlite")));
        m_store = Store::openInDataDir(m_dir.path(), &err);
        QVERIFY2(m_store, qPrintable(err.message));
        m_nam = std::make_unique<FakeNetworkAccessManager>();
        m_client = std::make_unique<TeamtailorClient>(m_nam.get(),
            RequestBuilder(ApiEndpoints::forBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:9"))),
                { QStringLiteral("tok"), QStringLiteral("key") }),
            Clock::system(), 7);
    }

    void cleanup()
    {
        m_client.reset();
        m_nam.reset();
        m_store.reset();
    }

    void fullSyncWritesEverything()
    {
        queueFullSync(QStringLiteral("101"));
        SyncService sync(m_client.get(), m_store.get(), Clock::system());
        QSignalSpy progress(&sync, &SyncService::progress);
        QString message;
        QVERIFY(runSync(sync, SyncService::Mode::Full, &message));
        QVERIFY2(message.contains(QLatin1String(
                     "2 jobs, 3 stages, 2 candidates, 2 job applications, 1 partner results in 8 pages")),
            qPrintable(message));
        QCOMPARE(m_nam->requests().size(), 8);
        QCOMPARE(m_nam->pending(), 0);
        // Pagination followed links.next verbatim.
        QCOMPARE(m_nam->requests().at(2).url.toString(),
            Base + QStringLiteral("v1/jobs/12/stages?page%5Bnumber%5D=2&page%5Bsize%5D=30"));
        QVERIFY(!m_nam->requests().at(4).url.toString().contains(QLatin1String("filter")));

        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM jobs")), QStringLiteral("2"));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM stages")), QStringLiteral("3"));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT job_id FROM stages WHERE id = '101'")),
            QStringLiteral("12"));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT first_name FROM candidates WHERE id = '2'")),
            QStringLiteral("Grace"));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT stage_id FROM applications WHERE id = '9001'")),
            QStringLiteral("101"));
        QCOMPARE(
            scalar(m_store.get(), QStringLiteral("SELECT score FROM partner_results")), QStringLiteral("82"));
        QCOMPARE(scalar(m_store.get(),
                     QStringLiteral("SELECT high_water FROM sync_state WHERE resource = 'applications'")),
            QStringLiteral("2024-01-03T10:00:00.000+01:00"));

        // Pages were committed with relaxed durability; the connection is back to FULL.
        QCOMPARE(scalar(m_store.get(), QStringLiteral("PRAGMA synchronous")), QStringLiteral("2"));

        // Progress: monotonic, ends at done == total.
        int lastDone = -1;
        for (const auto &args : progress) {
            QVERIFY(args.at(0).toInt() >= lastDone);
            QVERIFY(args.at(0).toInt() <= args.at(1).toInt());
            lastDone = args.at(0).toInt();
        }
        QCOMPARE(progress.constLast().at(0).toInt(), 8);
        QCOMPARE(progress.constLast().at(1).toInt(), 8);
    }

    void incrementalUsesCursorAndPicksUpMove()
    {
        queueFullSync(QStringLiteral("101"));
        SyncService sync(m_client.get(), m_store.get(), Clock::system());
        QVERIFY(runSync(sync, SyncService::Mode::Full));
        const int before = static_cast<int>(m_nam->requests().size());

        // Incremental: jobs + stages re-read, candidates/applications filtered by the cursors.
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("jobs"), QStringLiteral("12"),
                       { { QStringLiteral("title"), QStringLiteral("Welder") } }),
                res(QStringLiteral("jobs"), QStringLiteral("13"),
                    { { QStringLiteral("title"), QStringLiteral("Baker") } }) })));
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("stages"), QStringLiteral("100"),
                       { { QStringLiteral("name"), QStringLiteral("Inbox") } }),
                res(QStringLiteral("stages"), QStringLiteral("101"),
                    { { QStringLiteral("name"), QStringLiteral("Phone screen") } }) })));
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("stages"), QStringLiteral("200"),
                { { QStringLiteral("name"), QStringLiteral("Inbox") } }) })));
        m_nam->enqueue(CannedReply::json(200, list({})));
        m_nam->enqueue(CannedReply::json(200,
            list({ app(QStringLiteral("9001"), QStringLiteral("1"), QStringLiteral("12"),
                QStringLiteral("100"), QStringLiteral("2024-01-04T10:00:00.000+01:00")) })));
        m_nam->enqueue(CannedReply::json(200, list({})));
        QString message;
        QVERIFY2(runSync(sync, SyncService::Mode::Incremental, &message), qPrintable(message));
        const auto &reqs = m_nam->requests();
        QCOMPARE(reqs.size(), before + 6);
        const QString candUrl = QString::fromUtf8(reqs.at(before + 3).url.toEncoded());
        QVERIFY2(candUrl.contains(QLatin1String("filter[updated-at][from]=2024-01-02T10:00:00.000%2B01:00")),
            qPrintable(candUrl));
        const QString appUrl = QString::fromUtf8(reqs.at(before + 4).url.toEncoded());
        QVERIFY2(appUrl.contains(QLatin1String("filter[updated-at][from]=2024-01-03T10:00:00.000%2B01:00")),
            qPrintable(appUrl));
        // The moved application; nothing else lost (incremental never prunes).
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT stage_id FROM applications WHERE id = '9001'")),
            QStringLiteral("100"));
        QCOMPARE(
            scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM applications")), QStringLiteral("2"));
        QCOMPARE(
            scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM candidates")), QStringLiteral("2"));
    }

    void fullSyncPrunesVanished()
    {
        queueFullSync(QStringLiteral("101"));
        SyncService sync(m_client.get(), m_store.get(), Clock::system());
        QVERIFY(runSync(sync, SyncService::Mode::Full));
        // Job 13 and candidate 2 are gone on the server.
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("jobs"), QStringLiteral("12"),
                { { QStringLiteral("title"), QStringLiteral("Welder") } }) })));
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("stages"), QStringLiteral("100"),
                { { QStringLiteral("name"), QStringLiteral("Inbox") } }) })));
        m_nam->enqueue(CannedReply::json(200,
            list({ cand(QStringLiteral("1"), QStringLiteral("Ada"),
                QStringLiteral("2024-01-01T10:00:00.000+01:00")) })));
        m_nam->enqueue(CannedReply::json(200,
            list({ app(QStringLiteral("9001"), QStringLiteral("1"), QStringLiteral("12"),
                QStringLiteral("100"), QStringLiteral("2024-01-03T10:00:00.000+01:00")) })));
        m_nam->enqueue(CannedReply::json(200, list({})));
        QString message;
        QVERIFY2(runSync(sync, SyncService::Mode::Full, &message), qPrintable(message));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM jobs")), QStringLiteral("1"));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM stages")), QStringLiteral("1"));
        QCOMPARE(
            scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM candidates")), QStringLiteral("1"));
        QCOMPARE(
            scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM applications")), QStringLiteral("1"));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM partner_results")),
            QStringLiteral("0"));
        QVERIFY(message.contains(QLatin1String("removed")));
    }

    void errorStopsAndKeepsWrittenPages()
    {
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("jobs"), QStringLiteral("12"),
                { { QStringLiteral("title"), QStringLiteral("Welder") } }) })));
        m_nam->enqueue(CannedReply::json(
            401, QByteArray("{\"errors\":[{\"status\":\"401\",\"title\":\"Unauthorized\"}]}")));
        SyncService sync(m_client.get(), m_store.get(), Clock::system());
        QString message;
        QVERIFY(!runSync(sync, SyncService::Mode::Full, &message));
        QVERIFY(sync.lastError());
        QCOMPARE(sync.lastError()->kind, ApiError::Kind::Unauthorized);
        QVERIFY2(message.contains(QLatin1String("region")), qPrintable(message));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM jobs")), QStringLiteral("1"));
        QVERIFY(!sync.isRunning());
    }

    void nonEndingPaginationIsAnError()
    {
        const QString self = Base + QStringLiteral("v1/jobs?page%5Bsize%5D=30&filter%5Bstatus%5D=all");
        m_nam->enqueue(
            CannedReply::json(200, list({}, Base + QStringLiteral("v1/jobs?page%5Bnumber%5D=2"), 3)));
        m_nam->enqueue(
            CannedReply::json(200, list({}, Base + QStringLiteral("v1/jobs?page%5Bnumber%5D=2"), 3)));
        SyncService sync(m_client.get(), m_store.get(), Clock::system());
        QString message;
        QVERIFY(!runSync(sync, SyncService::Mode::Full, &message));
        QVERIFY2(message.contains(QLatin1String("does not end")), qPrintable(message));
        Q_UNUSED(self);
    }

    void cancelStopsQuickly()
    {
        CannedReply hang;
        hang.hang = true;
        m_nam->enqueue(CannedReply::json(200,
            list({ res(QStringLiteral("jobs"), QStringLiteral("12"),
                { { QStringLiteral("title"), QStringLiteral("Welder") } }) })));
        m_nam->enqueue(hang);
        SyncService sync(m_client.get(), m_store.get(), Clock::system());
        QSignalSpy done(&sync, &SyncService::finished);
        sync.start(SyncService::Mode::Full);
        QTRY_COMPARE(m_nam->requests().size(), 2);
        sync.cancel();
        QCOMPARE(done.size(), 1);
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QVERIFY(done.at(0).at(1).toString().contains(QLatin1String("cancelled")));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT count(*) FROM jobs")), QStringLiteral("1"));
        QVERIFY(!sync.isRunning());
        QCOMPARE(m_client->publicLimiter()->queued(), 0);
        QCOMPARE(m_nam->requests().size(), 2);
    }

    // Rewriting unchanged rows would dirty pages for nothing: an unchanged page changes no row,
    // a changed field changes exactly its row, and included applications without linkage keep
    // what the store knows.
    void unchangedRowsAreNotRewritten()
    {
        SyncStore writer(m_store->database());
        QString error;
        QVERIFY2(writer.writeJobs({ { QStringLiteral("7"), QStringLiteral("Chef"), {}, {}, {}, {}, {} } }, &error),
            qPrintable(error));
        tt::Candidate c { QStringLiteral("1"), QStringLiteral("Ada"), QStringLiteral("Lovelace"),
            QStringLiteral("ada@example.com"), {}, QStringLiteral("2024-01-01T00:00:00.000Z"),
            QStringLiteral("2024-01-02T00:00:00.000Z"), {} };
        tt::Candidate d = c;
        d.id = QStringLiteral("2");
        d.firstName = QStringLiteral("Grace");
        tt::JobApplication a { QStringLiteral("10"), QStringLiteral("1"), QStringLiteral("7"),
            QStringLiteral("101"), {}, {}, {}, QStringLiteral("2024-01-02T00:00:00.000Z") };
        QVERIFY2(writer.writeCandidates({ c, d }, { a }, &error), qPrintable(error));
        const auto totalChanges = [this] {
            QSqlQuery q(m_store->database());
            return q.exec(QStringLiteral("SELECT total_changes()")) && q.next() ? q.value(0).toLongLong() : -1;
        };
        const qint64 before = totalChanges();
        QVERIFY2(writer.writeCandidates({ c, d }, { a }, &error), qPrintable(error));
        QCOMPARE(totalChanges() - before, 0);

        d.phone = QStringLiteral("+46 70 000 00 00");
        tt::JobApplication partial = a; // included without job/stage linkage: the store keeps them
        partial.jobId.clear();
        partial.stageId.clear();
        QVERIFY2(writer.writeCandidates({ c, d }, { partial }, &error), qPrintable(error));
        QCOMPARE(totalChanges() - before, 1);
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT phone FROM candidates WHERE id = '2'")) && q.next());
        QCOMPARE(q.value(0).toString(), d.phone);
        QVERIFY(q.exec(QStringLiteral("SELECT job_id, stage_id FROM applications WHERE id = '10'")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("7"));
        QCOMPARE(q.value(1).toString(), QStringLiteral("101"));

        a.stageId = QStringLiteral("102"); // a move is written
        QVERIFY2(writer.writeApplications({ a }, &error), qPrintable(error));
        QCOMPARE(totalChanges() - before, 2);
        QVERIFY(q.exec(QStringLiteral("SELECT stage_id FROM applications WHERE id = '10'")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("102"));
    }

    void laterTimestamp_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<QString>("expected");
        QTest::newRow("offsets compared as instants")
            << QStringLiteral("2024-01-01T10:00:00.000+01:00") << QStringLiteral("2024-01-01T09:30:00.000Z")
            << QStringLiteral("2024-01-01T09:30:00.000Z");
        QTest::newRow("empty loses") << QString() << QStringLiteral("2024-01-01T10:00:00.000+01:00")
                                     << QStringLiteral("2024-01-01T10:00:00.000+01:00");
        QTest::newRow("invalid loses")
            << QStringLiteral("garbage") << QStringLiteral("2024-01-01T10:00:00.000+01:00")
            << QStringLiteral("2024-01-01T10:00:00.000+01:00");
        QTest::newRow("equal keeps first")
            << QStringLiteral("2024-01-01T10:00:00.000+01:00") << QStringLiteral("2024-01-01T09:00:00.000Z")
            << QStringLiteral("2024-01-01T10:00:00.000+01:00");
    }

    void laterTimestamp()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(QString, expected);
        QCOMPARE(SyncStore::later(a, b), expected);
    }
};

QTEST_GUILESS_MAIN(tst_SyncService)
#include "tst_syncservice.moc"

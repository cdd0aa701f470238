// The client and SyncService against the in-process Teamtailor sandbox over real loopback HTTP:
// a full sync equals the sandbox's data, an incremental sync picks up a moved application, a 429
// storm and a tight budget are absorbed without a request before the reset, 401 carries the
// key/region hint, 422 shows the server's message, and `intrvio sync` end to end.
#include "models/Clock.h"
#include "models/Store.h"
#include "net/api/TeamtailorClient.h"
#include "net/sync/SyncService.h"
#include "sandbox/Sandbox.h"
#include "tests/support/TestSupport.h"

#include <QNetworkAccessManager>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

namespace {

template<class T> ApiResult<T> await(TypedRequest<T> *request)
{
    ApiResult<T> out;
    bool done = false;
    QObject context;
    request->onFinished(&context, [&](const ApiResult<T> &r) {
        out = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 30000)) {
        ApiError e;
        e.kind = ApiError::Kind::Timeout;
        e.message = QStringLiteral("test: the request did not finish");
        return e;
    }
    return out;
}

QString scalar(Store *store, const QString &sql, const QString &bind = {})
{
    QSqlQuery q(store->database());
    q.prepare(sql);
    if (!bind.isNull())
        q.addBindValue(bind);
    if (!q.exec() || !q.next())
        return QStringLiteral("<none>");
    return q.value(0).toString();
}

int count(Store *store, const QString &table)
{
    return scalar(store, QStringLiteral("SELECT count(*) FROM ") + table).toInt();
}

} // namespace

class tst_SandboxSync : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<Sandbox> m_sandbox;
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    QNetworkAccessManager m_nam;
    std::unique_ptr<TeamtailorClient> m_client;
    std::unique_ptr<SyncService> m_sync;

    void makeSandbox(sandbox::Config cfg = {}, const QString &seed = QStringLiteral("demo"))
    {
        m_sandbox = std::make_unique<Sandbox>(cfg);
        QString error;
        QVERIFY2(m_sandbox->seed(seed, &error), qPrintable(error));
        QVERIFY2(m_sandbox->listen() != 0, qPrintable(m_sandbox->errorString()));
    }

    void makeClient(const QString &token = QStringLiteral("sandbox-company-token"),
        const QString &partnerKey = QStringLiteral("sandbox-partner-api-key"))
    {
        m_client = std::make_unique<TeamtailorClient>(&m_nam,
            RequestBuilder(ApiEndpoints::forBaseUrl(m_sandbox->baseUrl()), { token, partnerKey }),
            Clock::system(), 11);
    }

    bool sync(SyncService::Mode mode, QString *message = nullptr, SyncService **out = nullptr)
    {
        m_sync = std::make_unique<SyncService>(m_client.get(), m_store.get(), Clock::system());
        SyncService *s = m_sync.get();
        QSignalSpy done(s, &SyncService::finished);
        s->start(mode);
        if (!done.wait(60000))
            return false;
        if (message)
            *message = done.at(0).at(1).toString();
        if (out)
            *out = s;
        return done.at(0).at(0).toBool();
    }

    int totalStages() const
    {
        int n = 0;
        for (const auto &j : m_sandbox->jobs())
            n += static_cast<int>(m_sandbox->stages(j.id).size());
        return n;
    }

private Q_SLOTS:
    void init()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("intrvio.sqlite")));
        StoreError err;
        m_store = Store::openInDataDir(m_dir.path(), &err);
        QVERIFY2(m_store, qPrintable(err.message));
    }

    void cleanup()
    {
        m_sync.reset();
        m_client.reset();
        m_sandbox.reset();
        m_store.reset();
    }

    void fullSyncEqualsSandbox_data()
    {
        QTest::addColumn<QString>("seed");
        QTest::newRow("demo company") << QStringLiteral("demo");
        QTest::newRow("generated, several pages")
            << QStringLiteral("candidates=95,jobs=4,stages=5,applications=2,rng=3");
    }

    void fullSyncEqualsSandbox()
    {
        QFETCH(QString, seed);
        makeSandbox({}, seed);
        makeClient();
        // One partner result of our own so the partner-results phase has something to mirror.
        const sandbox::JobApplication firstApp = m_sandbox->applications().constFirst();
        tt::PartnerResultInput in;
        in.status = QStringLiteral("sent");
        in.candidateId = firstApp.candidateId;
        in.jobId = firstApp.jobId;
        in.score = 77;
        in.summary = QStringLiteral("Strong answers");
        const auto created = await(m_client->createPartnerResult(in));
        QVERIFY2(created.ok(), qPrintable(created.error().message));

        QString message;
        QVERIFY2(sync(SyncService::Mode::Full, &message), qPrintable(message));

        QCOMPARE(count(m_store.get(), QStringLiteral("jobs")), m_sandbox->jobCount());
        QCOMPARE(count(m_store.get(), QStringLiteral("stages")), totalStages());
        QCOMPARE(count(m_store.get(), QStringLiteral("candidates")), m_sandbox->candidateCount());
        QCOMPARE(count(m_store.get(), QStringLiteral("applications")), m_sandbox->applicationCount());
        QCOMPARE(count(m_store.get(), QStringLiteral("partner_results")),
            static_cast<int>(m_sandbox->partnerResults().size()));
        if (seed != QLatin1String("demo")) { // several pages of candidates and applications
            QVERIFY(m_sandbox->candidateCount() > 3 * 30);
            QVERIFY(m_sandbox->applicationCount() > 6 * 30);
        }

        for (const auto &j : m_sandbox->jobs()) {
            QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT title FROM jobs WHERE id = ?"),
                         QString::number(j.id)),
                j.title);
            for (const auto &s : m_sandbox->stages(j.id)) {
                QCOMPARE(scalar(m_store.get(),
                             QStringLiteral("SELECT job_id || '|' || name || '|' || row_order FROM "
                                            "stages WHERE id = ?"),
                             QString::number(s.id)),
                    QStringLiteral("%1|%2|%3").arg(j.id).arg(s.name).arg(s.rowOrder));
            }
        }
        const auto candidates = m_sandbox->candidates();
        for (int i = 0; i < candidates.size(); i += 7) { // sampled
            const auto &c = candidates.at(i);
            QCOMPARE(scalar(m_store.get(),
                         QStringLiteral("SELECT first_name || '|' || last_name || '|' || email || '|' || "
                                        "updated_at FROM candidates WHERE id = ?"),
                         QString::number(c.id)),
                QStringLiteral("%1|%2|%3|%4")
                    .arg(c.firstName, c.lastName, c.email, m_sandbox->formatTime(c.updatedAt)));
        }
        for (const auto &a : m_sandbox->applications()) {
            QCOMPARE(scalar(m_store.get(),
                         QStringLiteral("SELECT candidate_id || '|' || job_id || '|' || stage_id || '|' || "
                                        "coalesce(rejected_at, '') FROM applications WHERE id = ?"),
                         QString::number(a.id)),
                QStringLiteral("%1|%2|%3|%4")
                    .arg(a.candidateId)
                    .arg(a.jobId)
                    .arg(a.stageId)
                    .arg(a.rejectedAt.isValid() ? m_sandbox->formatTime(a.rejectedAt) : QString()));
        }
        QCOMPARE(scalar(m_store.get(),
                     QStringLiteral("SELECT score || '|' || status || '|' || candidate_id FROM "
                                    "partner_results WHERE id = ?"),
                     created.value().id),
            QStringLiteral("77|sent|%1").arg(firstApp.candidateId));

        // Every sync request used the company token or the partner key, the documented version,
        // and never got a 429.
        for (const auto &r : m_sandbox->requestLog()) {
            QVERIFY2(r.status == 200 || r.status == 201, qPrintable(r.pathAndQuery));
            QVERIFY(r.key == QLatin1String("company-token") || r.key == QLatin1String("partner-api-key"));
        }
    }

    void incrementalPicksUpMovedApplication()
    {
        makeSandbox();
        makeClient();
        QString message;
        QVERIFY2(sync(SyncService::Mode::Full, &message), qPrintable(message));

        const sandbox::JobApplication app = m_sandbox->applications().constLast();
        const auto stages = m_sandbox->stages(app.jobId);
        qint64 target = 0;
        for (const auto &s : stages) {
            if (s.id != app.stageId)
                target = s.id;
        }
        QVERIFY(target != 0);
        QVERIFY(m_sandbox->moveApplication(app.id, target));
        m_sandbox->clearLogs();

        QVERIFY2(sync(SyncService::Mode::Incremental, &message), qPrintable(message));
        QCOMPARE(scalar(m_store.get(), QStringLiteral("SELECT stage_id FROM applications WHERE id = ?"),
                     QString::number(app.id)),
            QString::number(target));
        QCOMPARE(count(m_store.get(), QStringLiteral("applications")), m_sandbox->applicationCount());
        QCOMPARE(count(m_store.get(), QStringLiteral("candidates")), m_sandbox->candidateCount());
        // The incremental pass asked only for what changed.
        bool filtered = false;
        for (const auto &r : m_sandbox->requestLog()) {
            if (r.pathAndQuery.startsWith(QLatin1String("/v1/job-applications"))) {
                QVERIFY2(r.pathAndQuery.contains(QLatin1String("updated-at")), qPrintable(r.pathAndQuery));
                filtered = true;
            }
        }
        QVERIFY(filtered);
        QVERIFY(m_sync->summary().applications < m_sandbox->applicationCount());
    }

    // The sandbox answers every request 429 for a while: the sync waits for the announced reset
    // and completes; no request arrives before the reset.
    void stormOf429IsAbsorbed()
    {
        makeSandbox();
        makeClient();
        sandbox::Faults f;
        f.storm429Secs = 2;
        const QDateTime stormStart = m_sandbox->clock().now();
        m_sandbox->setFaults(f);
        QString message;
        QVERIFY2(sync(SyncService::Mode::Full, &message), qPrintable(message));
        QCOMPARE(count(m_store.get(), QStringLiteral("candidates")), m_sandbox->candidateCount());
        const auto log = m_sandbox->requestLog();
        int storm = 0;
        for (const auto &r : log) {
            if (r.status == 429) {
                ++storm;
                QVERIFY(r.time < stormStart.addSecs(2));
            } else {
                QVERIFY2(r.time >= stormStart.addSecs(2),
                    qPrintable(QStringLiteral("%1 at %2 before the reset")
                                   .arg(r.pathAndQuery, r.time.toString(Qt::ISODateWithMs))));
            }
        }
        QCOMPARE(storm, 1); // the first request learnt the reset; nothing else was sent early
    }

    // A budget much smaller than the sync: the limiter waits for each window; the server never
    // has to refuse a request.
    void tightBudgetNeverExceeded()
    {
        sandbox::Config cfg;
        cfg.rateLimit = 2;
        cfg.rateWindowSecs = 1;
        makeSandbox(cfg);
        makeClient();
        QString message;
        QVERIFY2(sync(SyncService::Mode::Full, &message), qPrintable(message));
        const auto log = m_sandbox->requestLog();
        QVERIFY(log.size() > 3 * cfg.rateLimit); // several windows' worth
        for (const auto &r : log)
            QVERIFY2(r.status != 429, qPrintable(r.pathAndQuery));
        QCOMPARE(count(m_store.get(), QStringLiteral("applications")), m_sandbox->applicationCount());
    }

    void unauthorizedHintsKeyOrRegion()
    {
        makeSandbox();
        makeClient(QStringLiteral("wrong-token"));
        SyncService *s = nullptr;
        QString message;
        QVERIFY(!sync(SyncService::Mode::Full, &message, &s));
        QVERIFY(s->lastError());
        QCOMPARE(s->lastError()->kind, ApiError::Kind::Unauthorized);
        QCOMPARE(s->lastError()->httpStatus, 401);
        QVERIFY2(message.contains(QLatin1String("region")) && message.contains(QLatin1String("key")),
            qPrintable(message));
        QVERIFY(!message.contains(QLatin1String("wrong-token")));
        QCOMPARE(m_sandbox->requestLog().size(), 1); // 401 is not retried
    }

    void validationShowsServerMessage()
    {
        makeSandbox();
        makeClient();
        tt::PartnerResultInput in;
        in.status = QStringLiteral("completed");
        in.candidateId = m_sandbox->candidates().constFirst().id;
        in.score = 150;
        const auto r = await(m_client->createPartnerResult(in));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::Validation);
        QCOMPARE(r.error().httpStatus, 422);
        QVERIFY(!r.error().errors.isEmpty());
        const QString detail = r.error().errors.constFirst().detail;
        QVERIFY(!detail.isEmpty());
        QVERIFY2(r.error().message.contains(detail), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(QLatin1String("score")), qPrintable(r.error().message));
    }

    // The write paths the pipeline uses, against the sandbox's state.
    void writesReachTheSandbox()
    {
        makeSandbox();
        makeClient();
        const sandbox::JobApplication app = m_sandbox->applications().constFirst();

        // candidate -> application -> job in one request
        m_sandbox->clearLogs();
        const auto apps = await(m_client->candidateApplications(QString::number(app.candidateId)));
        QVERIFY2(apps.ok(), qPrintable(apps.error().message));
        QCOMPARE(m_sandbox->requestLog().size(), 1);
        bool found = false;
        for (const tt::JobApplication &a : apps.value().applications) {
            if (a.id == QString::number(app.id)) {
                found = true;
                QCOMPARE(a.jobId, QString::number(app.jobId));
                QCOMPARE(a.stageId, QString::number(app.stageId));
            }
        }
        QVERIFY(found);
        QVERIFY(!apps.value().jobs.isEmpty());
        QCOMPARE(apps.value().jobs.constFirst().title,
            m_sandbox->job(apps.value().jobs.constFirst().id.toLongLong())->title);

        const qint64 target = m_sandbox->stages(app.jobId).constLast().id;
        const auto moved = await(m_client->moveStage(QString::number(app.id), QString::number(target)));
        QVERIFY2(moved.ok(), qPrintable(moved.error().message));
        QCOMPARE(m_sandbox->application(app.id)->stageId, target);

        const auto note
            = await(m_client->createNote(QString::number(app.candidateId), QStringLiteral("Interview link")));
        QVERIFY2(note.ok(), qPrintable(note.error().message));
        QCOMPARE(
            m_sandbox->notesOfCandidate(app.candidateId).constLast().note, QStringLiteral("Interview link"));

        tt::PartnerResultInput in;
        in.status = QStringLiteral("sending");
        in.candidateId = app.candidateId;
        const auto pr = await(m_client->createPartnerResult(in));
        QVERIFY2(pr.ok(), qPrintable(pr.error().message));
        tt::PartnerResultInput upd;
        upd.status = QStringLiteral("completed");
        upd.score = 88;
        upd.grade = QStringLiteral("top_fit");
        upd.durationSecs = 1934;
        const auto put = await(m_client->updatePartnerResult(pr.value().id, upd));
        QVERIFY2(put.ok(), qPrintable(put.error().message));
        QCOMPARE(m_sandbox->partnerResult(pr.value().id)->score(), std::optional<int>(88));
        QCOMPARE(m_sandbox->partnerResult(pr.value().id)->grade(), QStringLiteral("top_fit"));
        const auto got = await(m_client->partnerResult(pr.value().id));
        QVERIFY(got.ok());
        QCOMPARE(got.value().durationSecs, std::optional<qint64>(1934));
        QVERIFY(await(m_client->deletePartnerResult(pr.value().id)).ok());
        QVERIFY(!m_sandbox->partnerResult(pr.value().id));
        QCOMPARE(await(m_client->partnerResult(pr.value().id)).error().kind, ApiError::Kind::NotFound);

        m_sandbox->activatePartner();
        const auto acts = await(m_client->listPartnerActivations());
        QVERIFY2(acts.ok(), qPrintable(acts.error().message));
        QCOMPARE(acts.value().items.size(), 1);
        QCOMPARE(acts.value().items.constFirst().providerKey, m_sandbox->providerKeyJwe());
    }

    // `intrvio sync` as a black box: secrets from the keychain, progress on stderr, exit codes.
    void cliSync()
    {
        makeSandbox();
        const QString bin = test::binaryPath(QStringLiteral("intrvio"));
        QTemporaryDir dataDir;
        const QStringList base { QStringLiteral("--data-dir"), dataDir.path(),
            QStringLiteral("--teamtailor-url"), m_sandbox->baseUrl().toString() };
        auto runAsync = [&](const QStringList &args, QByteArray *err) {
            // The sandbox serves from this thread: wait with the event loop, never block.
            QProcess p;
            p.start(bin, args);
            QSignalSpy finished(&p, &QProcess::finished);
            if (!finished.wait(60000))
                return -1;
            *err = p.readAllStandardError();
            return p.exitCode();
        };
        QByteArray err;
        QCOMPARE(runAsync(base + QStringList { QStringLiteral("sync") }, &err), 3);
        QVERIFY2(err.contains("intrvio secret set company-api-token"), err.constData());

        test::ProcessResult set = test::runProcess(bin,
            { QStringLiteral("--data-dir"), dataDir.path(), QStringLiteral("secret"), QStringLiteral("set"),
                QStringLiteral("company-api-token") },
            "wrong-token\n");
        QCOMPARE(set.exitCode, 0);
        QCOMPARE(runAsync(base + QStringList { QStringLiteral("sync"), QStringLiteral("--full") }, &err), 1);
        QVERIFY2(err.contains("401") && err.contains("region"), err.constData());
        QVERIFY(!err.contains("wrong-token"));

        set = test::runProcess(bin,
            { QStringLiteral("--data-dir"), dataDir.path(), QStringLiteral("secret"), QStringLiteral("set"),
                QStringLiteral("company-api-token") },
            "sandbox-company-token\n");
        QCOMPARE(set.exitCode, 0);
        QCOMPARE(runAsync(base + QStringList { QStringLiteral("sync"), QStringLiteral("--full") }, &err), 0);
        QVERIFY2(err.contains("sync: ") && err.contains("pages (candidates)"), err.constData());
        QVERIFY(err.contains("partner results are not synced"));
        QVERIFY(!err.contains("sandbox-company-token"));

        StoreError se;
        auto store = Store::openInDataDir(dataDir.path(), &se);
        QVERIFY(store);
        QCOMPARE(count(store.get(), QStringLiteral("candidates")), m_sandbox->candidateCount());
        QCOMPARE(count(store.get(), QStringLiteral("applications")), m_sandbox->applicationCount());
        store.reset();

        test::runProcess(bin,
            { QStringLiteral("--data-dir"), dataDir.path(), QStringLiteral("secret"), QStringLiteral("clear"),
                QStringLiteral("company-api-token") });
    }
};

QTEST_GUILESS_MAIN(tst_SandboxSync)
#include "tst_sandboxsync.moc"

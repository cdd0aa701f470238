// The sandbox's public API (/v1) over real loopback HTTP: JSON:API shape, pagination, include,
// sparse fieldsets, filters, writes, auth/version/content-type/rate-limit errors and faults.
#include "sandbox/Sandbox.h"
#include "tests/sandbox/SandboxTestHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QtTest>

#include <memory>

using namespace intrvio;
using namespace intrvio::test;

class tst_SandboxPublicApi : public QObject
{
    Q_OBJECT
private:
    ManualClock m_clock { QDateTime(QDate(2026, 3, 2), QTime(9, 30), Qt::UTC) };
    std::unique_ptr<Sandbox> m_sandbox;
    QNetworkAccessManager m_nam;

    QUrl url(const QString &pathAndQuery) const
    {
        return QUrl(m_sandbox->baseUrl().toString() + pathAndQuery, QUrl::StrictMode);
    }
    HttpReply get(const QString &pathAndQuery, const RawHeaders &headers = companyHeaders())
    {
        return httpRequest(m_nam, "GET", url(pathAndQuery), headers);
    }
    HttpReply send(const QByteArray &method, const QString &path, const QJsonObject &doc,
        const QByteArray &contentType = "application/vnd.api+json")
    {
        RawHeaders h = companyHeaders();
        h.append({ "Content-Type", contentType });
        return httpRequest(m_nam, method, url(path), h, QJsonDocument(doc).toJson(QJsonDocument::Compact));
    }
    qint64 firstApplicationOfJob(qint64 jobId) const
    {
        for (const auto &a : m_sandbox->applications()) {
            if (a.jobId == jobId)
                return a.id;
        }
        return 0;
    }

private Q_SLOTS:
    void init()
    {
        m_clock.set(QDateTime(QDate(2026, 3, 2), QTime(9, 30), Qt::UTC));
        Sandbox::Config cfg;
        cfg.clock = &m_clock;
        cfg.companyWebhooks = false;
        m_sandbox = std::make_unique<Sandbox>(cfg);
        const QString tag = QString::fromLatin1(QTest::currentTestFunction());
        if (tag.startsWith(QLatin1String("pagination")))
            m_sandbox->seed(sandbox::SeedSpec { 3, 5, 65, 1, 7 });
        else
            m_sandbox->seedDemo();
        QVERIFY(m_sandbox->listen() != 0);
    }

    void cleanup() { m_sandbox.reset(); }

    void demoSeedIsBelievable()
    {
        QCOMPARE(m_sandbox->jobCount(), 3);
        QVERIFY(m_sandbox->candidateCount() >= 28 && m_sandbox->candidateCount() <= 32);
        for (const auto &job : m_sandbox->jobs()) {
            const auto stages = m_sandbox->stages(job.id);
            QVERIFY(stages.size() >= 5 && stages.size() <= 7);
            QVERIFY(m_sandbox->stageIdByName(job.id, QStringLiteral("Phone screen")) != 0);
            QVERIFY(m_sandbox->stageIdByName(job.id, QStringLiteral("First interview")) != 0);
        }
        for (const auto &c : m_sandbox->candidates())
            QVERIFY(!m_sandbox->applicationsOfCandidate(c.id).isEmpty());
    }

    void pagination_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("pageCount");
        QTest::addColumn<bool>("hasPrev");
        QTest::addColumn<bool>("hasNext");
        QTest::newRow("default size 10") << QString() << 200 << 10 << 7 << false << true;
        QTest::newRow("size 1") << QStringLiteral("page[size]=1") << 200 << 1 << 65 << false << true;
        QTest::newRow("max size 30") << QStringLiteral("page[size]=30") << 200 << 30 << 3 << false << true;
        QTest::newRow("size 31 is 400") << QStringLiteral("page[size]=31") << 400 << 0 << 0 << false << false;
        QTest::newRow("size 0 is 400") << QStringLiteral("page[size]=0") << 400 << 0 << 0 << false << false;
        QTest::newRow("size abc is 400")
            << QStringLiteral("page[size]=abc") << 400 << 0 << 0 << false << false;
        QTest::newRow("number 0 is 400")
            << QStringLiteral("page[number]=0") << 400 << 0 << 0 << false << false;
        QTest::newRow("middle page") << QStringLiteral("page[number]=4") << 200 << 10 << 7 << true << true;
        QTest::newRow("last page") << QStringLiteral("page[number]=7") << 200 << 5 << 7 << true << false;
        QTest::newRow("last page of 30")
            << QStringLiteral("page[number]=3&page[size]=30") << 200 << 5 << 3 << true << false;
        QTest::newRow("beyond the end") << QStringLiteral("page[number]=9") << 200 << 0 << 7 << true << false;
        QTest::newRow("encoded brackets")
            << QStringLiteral("page%5Bnumber%5D=2&page%5Bsize%5D=20") << 200 << 20 << 4 << true << true;
    }

    void pagination()
    {
        QFETCH(QString, query);
        QFETCH(int, status);
        QFETCH(int, count);
        QFETCH(int, pageCount);
        QFETCH(bool, hasPrev);
        QFETCH(bool, hasNext);
        const HttpReply r = get(QStringLiteral("/v1/candidates?") + query);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/vnd.api+json"));
        const QJsonObject doc = r.json();
        if (status != 200) {
            const QJsonObject e = doc.value(QStringLiteral("errors")).toArray().at(0).toObject();
            QCOMPARE(e.value(QStringLiteral("status")).toString(), QString::number(status));
            QVERIFY(!e.value(QStringLiteral("detail")).toString().isEmpty());
            return;
        }
        QCOMPARE(doc.value(QStringLiteral("data")).toArray().size(), count);
        const QJsonObject meta = doc.value(QStringLiteral("meta")).toObject();
        QCOMPARE(meta.value(QStringLiteral("record-count")).toInt(), 65);
        QCOMPARE(meta.value(QStringLiteral("page-count")).toInt(), pageCount);
        const QJsonObject links = doc.value(QStringLiteral("links")).toObject();
        QCOMPARE(links.contains(QStringLiteral("prev")), hasPrev);
        QCOMPARE(links.contains(QStringLiteral("next")), hasNext);
        QVERIFY(links.contains(QStringLiteral("first")));
        QVERIFY(links.contains(QStringLiteral("last")));
        for (auto it = links.begin(); it != links.end(); ++it) {
            const QString link = it.value().toString();
            QVERIFY2(link.startsWith(m_sandbox->baseUrl().toString() + QLatin1String("/v1/candidates?")),
                qPrintable(link));
            QVERIFY2(!link.contains(QLatin1Char('[')) && link.contains(QLatin1String("page%5Bnumber%5D=")),
                qPrintable(link));
        }
        QVERIFY(
            links.value(QStringLiteral("first")).toString().contains(QLatin1String("page%5Bnumber%5D=1&")));
    }

    void paginationFollowsNextToTheEnd()
    {
        QSet<QString> ids;
        QString next = m_sandbox->baseUrl().toString() + QStringLiteral("/v1/candidates?page%5Bsize%5D=30");
        int pages = 0;
        while (!next.isEmpty()) {
            const HttpReply r = httpRequest(m_nam, "GET", QUrl(next, QUrl::StrictMode), companyHeaders());
            QCOMPARE(r.status, 200);
            const QJsonObject doc = r.json();
            for (const QJsonValue &v : doc.value(QStringLiteral("data")).toArray())
                ids.insert(v.toObject().value(QStringLiteral("id")).toString());
            next = doc.value(QStringLiteral("links")).toObject().value(QStringLiteral("next")).toString();
            QVERIFY(++pages <= 3);
        }
        QCOMPARE(pages, 3);
        QCOMPARE(ids.size(), 65);
    }

    void resourceShape()
    {
        const HttpReply r = get(QStringLiteral("/v1/job-applications?page[size]=3"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Api-Version"), QByteArray("20240904"));
        static const QRegularExpression ts(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+01:00$"));
        for (const QJsonValue &v : r.json().value(QStringLiteral("data")).toArray()) {
            const QJsonObject o = v.toObject();
            QVERIFY(o.value(QStringLiteral("id")).isString());
            QCOMPARE(o.value(QStringLiteral("type")).toString(), QStringLiteral("job-applications"));
            const QString self
                = o.value(QStringLiteral("links")).toObject().value(QStringLiteral("self")).toString();
            QCOMPARE(self,
                m_sandbox->baseUrl().toString() + QStringLiteral("/v1/job-applications/")
                    + o.value(QStringLiteral("id")).toString());
            const QJsonObject attrs = o.value(QStringLiteral("attributes")).toObject();
            for (const char *k : { "created-at", "updated-at", "changed-stage-at" })
                QVERIFY2(ts.match(attrs.value(QLatin1String(k)).toString()).hasMatch(),
                    qPrintable(attrs.value(QLatin1String(k)).toString()));
            const QJsonObject stage = o.value(QStringLiteral("relationships"))
                                          .toObject()
                                          .value(QStringLiteral("stage"))
                                          .toObject();
            QCOMPARE(stage.value(QStringLiteral("data")).toObject().value(QStringLiteral("type")).toString(),
                QStringLiteral("stages"));
            QVERIFY(stage.value(QStringLiteral("links"))
                        .toObject()
                        .value(QStringLiteral("related"))
                        .toString()
                        .endsWith(QLatin1String("/stage")));
        }
    }

    void include_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QStringList>("types");
        QTest::newRow("applications with candidate,job,stage")
            << QStringLiteral("/v1/job-applications?include=candidate,job,stage")
            << QStringList { QStringLiteral("candidates"), QStringLiteral("jobs"), QStringLiteral("stages") };
        QTest::newRow("candidates with applications") << QStringLiteral(
            "/v1/candidates?include=job-applications") << QStringList { QStringLiteral("job-applications") };
        QTest::newRow("jobs with stages")
            << QStringLiteral("/v1/jobs?include=stages") << QStringList { QStringLiteral("stages") };
    }

    void include()
    {
        QFETCH(QString, path);
        QFETCH(QStringList, types);
        const HttpReply r = get(path);
        QCOMPARE(r.status, 200);
        const QJsonObject doc = r.json();
        QSet<QString> included;
        for (const QJsonValue &v : doc.value(QStringLiteral("included")).toArray()) {
            const QJsonObject o = v.toObject();
            const QString key = o.value(QStringLiteral("type")).toString() + QLatin1Char('/')
                + o.value(QStringLiteral("id")).toString();
            QVERIFY2(!included.contains(key), qPrintable(QStringLiteral("duplicate ") + key));
            QVERIFY(types.contains(o.value(QStringLiteral("type")).toString()));
            included.insert(key);
        }
        // Every linkage of an included relationship resolves into `included`.
        int checked = 0;
        for (const QJsonValue &v : doc.value(QStringLiteral("data")).toArray()) {
            const QJsonObject rels = v.toObject().value(QStringLiteral("relationships")).toObject();
            for (auto it = rels.begin(); it != rels.end(); ++it) {
                const QJsonValue data = it.value().toObject().value(QStringLiteral("data"));
                const QJsonArray list = data.isArray() ? data.toArray() : QJsonArray { data };
                for (const QJsonValue &l : list) {
                    const QString type = l.toObject().value(QStringLiteral("type")).toString();
                    if (!types.contains(type))
                        continue;
                    QVERIFY(included.contains(
                        type + QLatin1Char('/') + l.toObject().value(QStringLiteral("id")).toString()));
                    ++checked;
                }
            }
        }
        QVERIFY(checked > 0);
    }

    void includeOfUnknownRelationshipIs400()
    {
        const HttpReply r = get(QStringLiteral("/v1/candidates?include=spaceships"));
        QCOMPARE(r.status, 400);
        QVERIFY(r.body.contains("spaceships"));
    }

    void sparseFieldsets()
    {
        const HttpReply r = get(QStringLiteral("/v1/"
                                               "job-applications?include=candidate&fields[candidates]=first-"
                                               "name,email&fields[job-applications]=stage"));
        QCOMPARE(r.status, 200);
        const QJsonObject doc = r.json();
        for (const QJsonValue &v : doc.value(QStringLiteral("data")).toArray()) {
            const QJsonObject o = v.toObject();
            QVERIFY(o.value(QStringLiteral("attributes")).toObject().isEmpty());
            QCOMPARE(o.value(QStringLiteral("relationships")).toObject().keys(),
                QStringList { QStringLiteral("stage") });
        }
        const QJsonArray included = doc.value(QStringLiteral("included")).toArray();
        QVERIFY(!included.isEmpty());
        for (const QJsonValue &v : included) {
            const QJsonObject o = v.toObject();
            QCOMPARE(o.value(QStringLiteral("attributes")).toObject().keys(),
                (QStringList { QStringLiteral("email"), QStringLiteral("first-name") }));
            QVERIFY(!o.contains(QStringLiteral("relationships")));
        }
    }

    void authentication_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<int>("status");
        QTest::newRow("missing") << QByteArray() << 401;
        QTest::newRow("wrong token") << QByteArray("Token token=nope") << 401;
        QTest::newRow("partner key on /v1") << QByteArray("Token token=sandbox-partner-api-key") << 401;
        QTest::newRow("Basic") << QByteArray("Basic c2FuZGJveA==") << 401;
        QTest::newRow("Token token=") << QByteArray("Token token=sandbox-company-token") << 200;
        QTest::newRow("Token token=quoted") << QByteArray("Token token=\"sandbox-company-token\"") << 200;
        QTest::newRow("Token bare") << QByteArray("Token sandbox-company-token") << 200;
        QTest::newRow("Bearer") << QByteArray("Bearer sandbox-company-token") << 200;
    }

    void authentication()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);
        RawHeaders h { { "X-Api-Version", "20240904" } };
        if (!authorization.isEmpty())
            h.append({ "Authorization", authorization });
        const HttpReply r = get(QStringLiteral("/v1/jobs"), h);
        QCOMPARE(r.status, status);
        for (const char *name : { "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset" })
            QVERIFY2(r.hasHeader(name), name);
        if (status == 401) {
            QCOMPARE(r.json()
                         .value(QStringLiteral("errors"))
                         .toArray()
                         .at(0)
                         .toObject()
                         .value(QStringLiteral("status"))
                         .toString(),
                QStringLiteral("401"));
            QVERIFY(!r.body.contains("sandbox-company-token"));
        }
        const auto log = m_sandbox->requestLog();
        QCOMPARE(log.last().status, status);
        QCOMPARE(log.last().key,
            status == 200 ? QStringLiteral("company-token")
                          : (authorization.isEmpty() ? QStringLiteral("none") : QStringLiteral("invalid")));
    }

    void versionHeader_data()
    {
        QTest::addColumn<QByteArray>("version");
        QTest::addColumn<int>("status");
        QTest::newRow("missing") << QByteArray() << 406;
        QTest::newRow("unknown") << QByteArray("20190101") << 406;
        QTest::newRow("garbage") << QByteArray("latest") << 406;
        QTest::newRow("20240904") << QByteArray("20240904") << 200;
        QTest::newRow("20161108") << QByteArray("20161108") << 200;
    }

    void versionHeader()
    {
        QFETCH(QByteArray, version);
        QFETCH(int, status);
        RawHeaders h { { "Authorization", "Token token=sandbox-company-token" } };
        if (!version.isEmpty())
            h.append({ "X-Api-Version", version });
        const HttpReply r = get(QStringLiteral("/v1/candidates"), h);
        QCOMPARE(r.status, status);
        QVERIFY(r.hasHeader("X-Rate-Limit-Remaining"));
        if (status == 406)
            QVERIFY2(r.body.contains("20240904"), r.body.constData());
        else
            QCOMPARE(r.header("X-Api-Version"), version);
    }

    void wrongBodyTypeIs415()
    {
        const QJsonObject doc { { QStringLiteral("data"),
            QJsonObject { { QStringLiteral("type"), QStringLiteral("notes") },
                { QStringLiteral("attributes"),
                    QJsonObject { { QStringLiteral("note"), QStringLiteral("x") } } } } } };
        const HttpReply r = send("POST", QStringLiteral("/v1/notes"), doc, "application/json");
        QCOMPARE(r.status, 415);
        QVERIFY(r.body.contains("application/vnd.api+json"));
        QVERIFY(r.hasHeader("X-Rate-Limit-Limit"));
        QCOMPARE(m_sandbox->noteCount(), 0);
    }

    void rateLimit()
    {
        for (int i = 1; i <= 50; ++i) {
            const HttpReply r = get(QStringLiteral("/v1/users"));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("X-Rate-Limit-Limit"), QByteArray("50"));
            QCOMPARE(r.header("X-Rate-Limit-Remaining"), QByteArray::number(50 - i));
            QCOMPARE(r.header("X-Rate-Limit-Reset"), QByteArray("10"));
        }
        m_clock.advanceSecs(4);
        const HttpReply limited = get(QStringLiteral("/v1/users"));
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.header("X-Rate-Limit-Remaining"), QByteArray("0"));
        QCOMPARE(limited.header("X-Rate-Limit-Reset"), QByteArray("6"));
        QCOMPARE(limited.header("Retry-After"), QByteArray("6"));
        QCOMPARE(limited.json()
                     .value(QStringLiteral("errors"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
            QStringLiteral("429"));
        m_clock.advanceSecs(6);
        const HttpReply again = get(QStringLiteral("/v1/users"));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.header("X-Rate-Limit-Remaining"), QByteArray("49"));
    }

    void filters_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::newRow("email") << QStringLiteral("/v1/candidates?filter[email]=ALVA.LINDQVIST@example.com")
                               << 200;
        QTest::newRow("updated-at from")
            << QStringLiteral("/v1/candidates?filter[updated-at][from]=2026-02-20T00:00:00Z") << 200;
        QTest::newRow("changed-stage-at from")
            << QStringLiteral("/v1/job-applications?filter[changed-stage-at][from]=2026-02-25") << 200;
        QTest::newRow("bad time") << QStringLiteral("/v1/candidates?filter[updated-at][from]=yesterday")
                                  << 400;
        QTest::newRow("unknown filter") << QStringLiteral("/v1/candidates?filter[shoe-size]=42") << 400;
        QTest::newRow("bad job status") << QStringLiteral("/v1/jobs?filter[status]=sleeping") << 400;
    }

    void filters()
    {
        QFETCH(QString, query);
        QFETCH(int, status);
        const HttpReply r = get(query);
        QCOMPARE(r.status, status);
        if (status != 200) {
            QVERIFY(r.json().contains(QStringLiteral("errors")));
            return;
        }
        const QJsonArray data = r.json().value(QStringLiteral("data")).toArray();
        if (query.contains(QLatin1String("email"))) {
            QCOMPARE(data.size(), 1);
            QCOMPARE(data.at(0)
                         .toObject()
                         .value(QStringLiteral("attributes"))
                         .toObject()
                         .value(QStringLiteral("email"))
                         .toString(),
                QStringLiteral("alva.lindqvist@example.com"));
        } else {
            const QString attr = query.contains(QLatin1String("changed-stage"))
                ? QStringLiteral("changed-stage-at")
                : QStringLiteral("updated-at");
            const QDateTime from = query.contains(QLatin1String("changed-stage"))
                ? QDateTime(QDate(2026, 2, 25), QTime(0, 0), Qt::UTC)
                : QDateTime(QDate(2026, 2, 20), QTime(0, 0), Qt::UTC);
            const int total = r.json()
                                  .value(QStringLiteral("meta"))
                                  .toObject()
                                  .value(QStringLiteral("record-count"))
                                  .toInt();
            QVERIFY(total > 0);
            QVERIFY(total < (attr == QLatin1String("updated-at") ? m_sandbox->candidateCount()
                                                                 : m_sandbox->applicationCount()));
            for (const QJsonValue &v : data) {
                const QDateTime t = QDateTime::fromString(
                    v.toObject().value(QStringLiteral("attributes")).toObject().value(attr).toString(),
                    Qt::ISODateWithMs);
                QVERIFY(t >= from);
            }
        }
    }

    void jobStatusFilter()
    {
        const qint64 jobId = m_sandbox->jobs().last().id;
        QVERIFY(m_sandbox->setJobStatus(jobId, QStringLiteral("archived")));
        QCOMPARE(get(QStringLiteral("/v1/jobs")).json().value(QStringLiteral("data")).toArray().size(), 2);
        QCOMPARE(get(QStringLiteral("/v1/jobs?filter[status]=archived"))
                     .json()
                     .value(QStringLiteral("data"))
                     .toArray()
                     .size(),
            1);
        QCOMPARE(get(QStringLiteral("/v1/jobs?filter[status]=all"))
                     .json()
                     .value(QStringLiteral("data"))
                     .toArray()
                     .size(),
            3);
    }

    void stagesOfJobInRowOrder()
    {
        const qint64 jobId = m_sandbox->jobs().first().id;
        const HttpReply r = get(QStringLiteral("/v1/jobs/%1/stages?sort=row-order").arg(jobId));
        QCOMPARE(r.status, 200);
        const QJsonArray data = r.json().value(QStringLiteral("data")).toArray();
        QCOMPARE(data.size(), m_sandbox->stages(jobId).size());
        int last = -1;
        QStringList names;
        for (const QJsonValue &v : data) {
            const QJsonObject a = v.toObject().value(QStringLiteral("attributes")).toObject();
            QVERIFY(a.value(QStringLiteral("row-order")).toInt() > last);
            last = a.value(QStringLiteral("row-order")).toInt();
            names << a.value(QStringLiteral("name")).toString();
        }
        QCOMPARE(names.first(), QStringLiteral("Inbox"));
        QVERIFY(names.contains(QStringLiteral("Phone screen")));
        QCOMPARE(get(QStringLiteral("/v1/jobs/999999/stages")).status, 404);
    }

    void applicationsOfCandidateWithJobAndStage()
    {
        const auto c = m_sandbox->candidates().at(9); // has two applications in the demo seed
        const auto apps = m_sandbox->applicationsOfCandidate(c.id);
        const HttpReply r
            = get(QStringLiteral("/v1/candidates/%1/job-applications?include=job,stage").arg(c.id));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("data")).toArray().size(), apps.size());
        QSet<QString> types;
        for (const QJsonValue &v : r.json().value(QStringLiteral("included")).toArray())
            types.insert(v.toObject().value(QStringLiteral("type")).toString());
        QCOMPARE(types, (QSet<QString> { QStringLiteral("jobs"), QStringLiteral("stages") }));
    }

    void patchStageMovesTheApplication()
    {
        const qint64 jobId = m_sandbox->jobs().first().id;
        const qint64 appId = firstApplicationOfJob(jobId);
        const qint64 target = m_sandbox->stageIdByName(jobId, QStringLiteral("First interview"));
        QSignalSpy changed(m_sandbox.get(), &Sandbox::applicationChanged);
        m_clock.advanceSecs(60);
        const QJsonObject doc { { QStringLiteral("data"),
            QJsonObject { { QStringLiteral("type"), QStringLiteral("job-applications") },
                { QStringLiteral("id"), QString::number(appId) },
                { QStringLiteral("relationships"),
                    QJsonObject { { QStringLiteral("stage"),
                        QJsonObject { { QStringLiteral("data"),
                            QJsonObject { { QStringLiteral("type"), QStringLiteral("stages") },
                                { QStringLiteral("id"), QString::number(target) } } } } } } } } } };
        const HttpReply r = send("PATCH", QStringLiteral("/v1/job-applications/%1").arg(appId), doc);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("relationships"))
                     .toObject()
                     .value(QStringLiteral("stage"))
                     .toObject()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
            QString::number(target));
        QCOMPARE(m_sandbox->application(appId)->stageId, target);
        QCOMPARE(m_sandbox->application(appId)->changedStageAt, m_clock.now());
        QVERIFY(changed.count() >= 1);
    }

    void patchValidation_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("pointer");
        QTest::newRow("stage of another job") << QByteArray(
            R"({"data":{"type":"job-applications","relationships":{"stage":{"data":{"type":"stages","id":"OTHER"}}}}})")
                                              << 422 << QStringLiteral("/data/relationships/stage");
        QTest::newRow("unknown stage") << QByteArray(
            R"({"data":{"type":"job-applications","relationships":{"stage":{"data":{"type":"stages","id":"1"}}}}})")
                                       << 422 << QStringLiteral("/data/relationships/stage");
        QTest::newRow("bad rejected-at")
            << QByteArray(R"({"data":{"type":"job-applications","attributes":{"rejected-at":"soon"}}})")
            << 422 << QStringLiteral("/data/attributes/rejected-at");
        QTest::newRow("read-only attribute")
            << QByteArray(R"({"data":{"type":"job-applications","attributes":{"created-at":"2020-01-01"}}})")
            << 422 << QStringLiteral("/data/attributes/created-at");
        QTest::newRow("wrong type") << QByteArray(R"({"data":{"type":"candidates","attributes":{}}})") << 409
                                    << QStringLiteral("/data/type");
        QTest::newRow("not json") << QByteArray("{") << 400 << QString();
    }

    void patchValidation()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, pointer);
        const qint64 jobId = m_sandbox->jobs().first().id;
        const qint64 appId = firstApplicationOfJob(jobId);
        const qint64 otherStage = m_sandbox->stages(m_sandbox->jobs().last().id).at(1).id;
        body.replace("OTHER", QByteArray::number(otherStage));
        const qint64 before = m_sandbox->application(appId)->stageId;
        RawHeaders h = companyHeaders();
        h.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/vnd.api+json")));
        const HttpReply r
            = httpRequest(m_nam, "PATCH", url(QStringLiteral("/v1/job-applications/%1").arg(appId)), h, body);
        QCOMPARE(r.status, status);
        const QJsonObject e = r.json().value(QStringLiteral("errors")).toArray().at(0).toObject();
        QCOMPARE(e.value(QStringLiteral("status")).toString(), QString::number(status));
        if (!pointer.isEmpty())
            QCOMPARE(e.value(QStringLiteral("source")).toObject().value(QStringLiteral("pointer")).toString(),
                pointer);
        QCOMPARE(m_sandbox->application(appId)->stageId, before);
        QVERIFY(!m_sandbox->application(appId)->rejectedAt.isValid());
    }

    void patchRejectedAtRejectsAndRestores()
    {
        const qint64 appId = firstApplicationOfJob(m_sandbox->jobs().first().id);
        const QByteArray reject
            = R"({"data":{"type":"job-applications","attributes":{"rejected-at":"2026-03-02T10:00:00.000+01:00"}}})";
        RawHeaders h = companyHeaders();
        h.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/vnd.api+json")));
        HttpReply r = httpRequest(
            m_nam, "PATCH", url(QStringLiteral("/v1/job-applications/%1").arg(appId)), h, reject);
        QCOMPARE(r.status, 200);
        QVERIFY(m_sandbox->application(appId)->rejectedAt.isValid());
        QCOMPARE(r.json()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("attributes"))
                     .toObject()
                     .value(QStringLiteral("rejected-at"))
                     .toString(),
            QStringLiteral("2026-03-02T10:00:00.000+01:00"));
        const QByteArray restore
            = R"({"data":{"type":"job-applications","attributes":{"rejected-at":null}}})";
        r = httpRequest(
            m_nam, "PATCH", url(QStringLiteral("/v1/job-applications/%1").arg(appId)), h, restore);
        QCOMPARE(r.status, 200);
        QVERIFY(!m_sandbox->application(appId)->rejectedAt.isValid());
    }

    void createNote_data()
    {
        QTest::addColumn<QByteArray>("relationships");
        QTest::addColumn<int>("status");
        QTest::newRow("doc form: numeric id, no type")
            << QByteArray(R"({"candidate":{"data":{"id":CID}},"user":{"data":{"id":UID}}})") << 201;
        QTest::newRow("json:api form")
            << QByteArray(R"({"candidate":{"data":{"type":"candidates","id":"CID"}}})") << 201;
        QTest::newRow("no candidate") << QByteArray(R"({})") << 422;
        QTest::newRow("unknown candidate") << QByteArray(R"({"candidate":{"data":{"id":1}}})") << 422;
        QTest::newRow("wrong linkage type")
            << QByteArray(R"({"candidate":{"data":{"type":"jobs","id":"CID"}}})") << 422;
        QTest::newRow("unknown user")
            << QByteArray(R"({"candidate":{"data":{"id":CID}},"user":{"data":{"id":7}}})") << 422;
    }

    void createNote()
    {
        QFETCH(QByteArray, relationships);
        QFETCH(int, status);
        const qint64 cid = m_sandbox->candidates().first().id;
        const qint64 uid = m_sandbox->users().first().id;
        relationships.replace("CID", QByteArray::number(cid)).replace("UID", QByteArray::number(uid));
        const QByteArray body
            = R"({"data":{"type":"notes","attributes":{"note":"Invited to an Intrvio interview"},"relationships":)"
            + relationships + "}}";
        RawHeaders h = companyHeaders();
        h.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/vnd.api+json")));
        const HttpReply r = httpRequest(m_nam, "POST", url(QStringLiteral("/v1/notes")), h, body);
        QCOMPARE(r.status, status);
        if (status != 201) {
            QCOMPARE(r.json()
                         .value(QStringLiteral("errors"))
                         .toArray()
                         .at(0)
                         .toObject()
                         .value(QStringLiteral("source"))
                         .toObject()
                         .value(QStringLiteral("pointer"))
                         .toString()
                         .left(20),
                QStringLiteral("/data/relationships/"));
            QCOMPARE(m_sandbox->noteCount(), 0);
            return;
        }
        const auto notes = m_sandbox->notesOfCandidate(cid);
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes.first().note, QStringLiteral("Invited to an Intrvio interview"));
        const QJsonObject data = r.json().value(QStringLiteral("data")).toObject();
        QCOMPARE(data.value(QStringLiteral("attributes"))
                     .toObject()
                     .value(QStringLiteral("candidate-id"))
                     .toInteger(),
            cid);
        const HttpReply back
            = get(QStringLiteral("/v1/notes/") + data.value(QStringLiteral("id")).toString());
        QCOMPARE(back.status, 200);
        QCOMPARE(get(QStringLiteral("/v1/notes?filter[candidate]=%1").arg(cid))
                     .json()
                     .value(QStringLiteral("data"))
                     .toArray()
                     .size(),
            1);
    }

    void unknownIdsAre404()
    {
        for (const char *path :
            { "/v1/candidates/1", "/v1/jobs/abc", "/v1/job-applications/5", "/v1/stages/9", "/v1/notes/77",
                "/v1/users/1", "/v1/partner-results/nope", "/v1/spaceships" }) {
            const HttpReply r = get(QLatin1String(path));
            QVERIFY2(r.status == 404, path);
            QVERIFY(r.json().contains(QStringLiteral("errors")));
        }
    }

    void deterministicForTheSameSeedAndClock()
    {
        Sandbox::Config cfg;
        cfg.clock = &m_clock;
        Sandbox other(cfg);
        other.seedDemo();
        QVERIFY(other.listen() != 0);
        const QString path = QStringLiteral("/v1/candidates?page[size]=30&include=job-applications");
        const QByteArray a = get(path).body;
        const QByteArray b
            = httpRequest(m_nam, "GET", QUrl(other.baseUrl().toString() + path), companyHeaders()).body;
        QCOMPARE(QString::fromUtf8(a).replace(m_sandbox->baseUrl().toString(), QStringLiteral("BASE")),
            QString::fromUtf8(b).replace(other.baseUrl().toString(), QStringLiteral("BASE")));
    }

    void faults()
    {
        sandbox::Faults f;
        f.errorRate = 1;
        m_sandbox->setFaults(f);
        QCOMPARE(get(QStringLiteral("/v1/jobs")).status, 500);
        // The control surface is never faulted.
        QCOMPARE(httpRequest(m_nam, "GET", url(QStringLiteral("/_sandbox/state"))).status, 200);

        f = {};
        f.storm429Secs = 30;
        m_sandbox->setFaults(f);
        HttpReply r = get(QStringLiteral("/v1/jobs"));
        QCOMPARE(r.status, 429);
        QCOMPARE(r.header("Retry-After"), QByteArray("30"));
        m_clock.advanceSecs(31);
        QCOMPARE(get(QStringLiteral("/v1/jobs")).status, 200);

        f = {};
        f.downSecs = 15;
        m_sandbox->setFaults(f);
        r = get(QStringLiteral("/v1/jobs"));
        QCOMPARE(r.status, 0);
        QVERIFY(r.error != QNetworkReply::NoError);
        QCOMPARE(m_sandbox->requestLog().last().status, 0);
        m_clock.advanceSecs(16);
        QCOMPARE(get(QStringLiteral("/v1/jobs")).status, 200);

        f = {};
        f.latencyMs = 30;
        m_sandbox->setFaults(f);
        QCOMPARE(get(QStringLiteral("/v1/jobs")).status, 200);
    }

    void faultSpecParsing_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("normalised");
        QTest::newRow("all") << QStringLiteral("latency=200,error-rate=0.1,storm429=30,down=15") << true
                             << QStringLiteral("latency=200,error-rate=0.1,storm429=30,down=15");
        QTest::newRow("none") << QStringLiteral("none") << true << QStringLiteral("none");
        QTest::newRow("empty") << QString() << true << QStringLiteral("none");
        QTest::newRow("rate above 1") << QStringLiteral("error-rate=2") << false << QString();
        QTest::newRow("negative latency") << QStringLiteral("latency=-5") << false << QString();
        QTest::newRow("unknown") << QStringLiteral("earthquake=1") << false << QString();
        QTest::newRow("lost answers") << QStringLiteral("lost-answer-path=/partner/v1,lost-answers=2") << true
                                      << QStringLiteral("lost-answers=2,lost-answer-path=/partner/v1");
        QTest::newRow("lost answer path not a path") << QStringLiteral("lost-answer-path=partner") << false << QString();
        QTest::newRow("process-level") << QStringLiteral("refuse=15,note-latency=5000") << true
                                       << QStringLiteral("note-latency=5000,refuse=15");
        QTest::newRow("negative refuse") << QStringLiteral("refuse=-1") << false << QString();
    }

    void lostAnswer()
    {
        // The change happens; the client gets a cut-off answer it cannot use.
        sandbox::Faults f;
        f.lostAnswers = 1;
        f.lostAnswerPath = QStringLiteral("/v1/notes");
        m_sandbox->setFaults(f);
        const int before = m_sandbox->noteCount();
        const qint64 candidate = m_sandbox->candidates().first().id;
        QNetworkRequest req(QUrl(m_sandbox->baseUrl().toString() + QStringLiteral("/v1/notes")));
        req.setRawHeader("Authorization", "Token token=" + m_sandbox->config().companyApiToken.toUtf8());
        req.setRawHeader("X-Api-Version", "20240904");
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/vnd.api+json"));
        const QByteArray body = QStringLiteral(R"({"data":{"type":"notes","attributes":{"note":"lost"},)"
                                               R"("relationships":{"candidate":{"data":{"type":"candidates","id":"%1"}}}}})")
                                    .arg(candidate)
                                    .toUtf8();
        QNetworkAccessManager nam;
        QNetworkReply *reply = nam.post(req, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QVERIFY(QJsonDocument::fromJson(reply->readAll()).isNull()); // no usable answer
        reply->deleteLater();
        QCOMPARE(m_sandbox->noteCount(), before + 1); // but the note exists
        QCOMPARE(m_sandbox->faults().lostAnswers, 0);
        QCOMPARE(m_sandbox->requestLog().constLast().status, 201);
        m_sandbox->setFaults({});
    }

    void faultSpecParsing()
    {
        QFETCH(QString, spec);
        QFETCH(bool, valid);
        QFETCH(QString, normalised);
        QString error;
        const auto f = sandbox::Faults::parse(spec, &error);
        QCOMPARE(bool(f), valid);
        if (f)
            QCOMPARE(f->toString(), normalised);
        else
            QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SandboxPublicApi)
#include "tst_sandboxpublicapi.moc"

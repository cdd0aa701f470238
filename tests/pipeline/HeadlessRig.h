#pragma once

// The interview flow with Intrvio and Teamtailor as two separate processes: the `teamtailor-sandbox`
// and `intrvio` executables, driven only through their command lines and HTTP (the sandbox's
// /_sandbox control surface and APIs, Intrvio's interview pages and /metrics). Ephemeral ports, a
// temporary data dir, the keychain of the test's keyring session; children are killed when the rig
// goes, and their output is printed when a test failed.

#include "tests/sandbox/SandboxTestHttp.h"
#include "tests/support/TestSupport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>

#include <memory>

namespace intrvio::test {

class HeadlessRig
{
public:
    QTemporaryDir dir;
    QString dataDir = dir.filePath(QStringLiteral("data"));
    QNetworkAccessManager nam;
    QUrl sandboxUrl; // http://127.0.0.1:PORT
    QUrl intrvioUrl; // where the running intrvio listens
    QJsonObject phoneScreen; // the phone-screen template as `mapping export` shows it

    ~HeadlessRig()
    {
        if (QTest::currentTestFailed()) {
            if (m_sandbox && m_sandbox->state() == QProcess::Running) {
                QByteArray hooks;
                for (const QJsonValue v : control("GET", QStringLiteral("webhooks")).json().value(QLatin1String("webhooks")).toArray()) {
                    const QJsonObject w = v.toObject();
                    hooks += QStringLiteral("%1 %2 %3 -> %4 %5 %6\n")
                                 .arg(w.value(QLatin1String("kind")).toString(), w.value(QLatin1String("event-name")).toString(),
                                     w.value(QLatin1String("url")).toString())
                                 .arg(w.value(QLatin1String("status")).toInt())
                                 .arg(w.value(QLatin1String("answer")).toString().left(120).trimmed(),
                                     w.value(QLatin1String("network-error")).toString())
                                 .toUtf8();
                }
                qWarning("--- teamtailor-sandbox's calls to intrvio ---\n%s", hooks.right(3000).constData());
            }
            dir.setAutoRemove(false); // the data dir stays for a look at the store
            qWarning("--- data dir kept: %s", qPrintable(dataDir));
            qWarning("--- intrvio output (last 6000 bytes) ---\n%s", m_intrvioLog.right(6000).constData());
            qWarning("--- teamtailor-sandbox output (last 2000 bytes) ---\n%s", m_sandboxLog.right(2000).constData());
        }
        stop(m_intrvio);
        stop(m_sandbox);
    }

    // --- processes -------------------------------------------------------------------------------
    bool startSandbox()
    {
        m_sandbox = std::make_unique<QProcess>();
        m_sandbox->setProcessChannelMode(QProcess::SeparateChannels);
        QObject::connect(m_sandbox.get(), &QProcess::readyReadStandardError, m_sandbox.get(),
            [this] { m_sandboxLog += m_sandbox->readAllStandardError(); });
        // The partner's address is not known yet: a placeholder, replaced through /_sandbox/partner.
        m_sandbox->start(binaryPath(QStringLiteral("teamtailor-sandbox")),
            { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--partner-base-url"),
                QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--seed"), QStringLiteral("demo"),
                QStringLiteral("--activate"), QStringLiteral("--no-rate-limit") });
        if (!m_sandbox->waitForStarted(10000))
            return false;
        QByteArray out;
        while (!out.contains('\n') && m_sandbox->waitForReadyRead(10000))
            out += m_sandbox->readAllStandardOutput();
        sandboxUrl = QUrl(QString::fromLatin1(out.left(out.indexOf('\n')).trimmed()));
        return sandboxUrl.isValid() && sandboxUrl.port() > 0;
    }

    // intrvio --data-dir DIR [--teamtailor-url SANDBOX] ARGS... (a subcommand), stdin piped.
    ProcessResult cli(const QStringList &args, const QByteArray &input = {})
    {
        QStringList all { QStringLiteral("--data-dir"), dataDir, QStringLiteral("--teamtailor-url"),
            sandboxUrl.toString() };
        return runProcess(binaryPath(QStringLiteral("intrvio")), all + args, input,
            QProcessEnvironment::systemEnvironment(), 60000);
    }

    // What an administrator does once: secrets on stdin, a full sync, the stage mapping.
    bool configure(QString *why)
    {
        const QList<QPair<QString, QByteArray>> secrets { { QStringLiteral("partner-api-key"), "sandbox-partner-api-key" },
            { QStringLiteral("webhook-secret"), "sandbox-webhook-secret" },
            { QStringLiteral("company-api-token"), "sandbox-company-token" },
            { QStringLiteral("company-webhook-secret"), "sandbox-company-webhook-key" } };
        for (const auto &s : secrets) {
            const ProcessResult r = cli({ QStringLiteral("secret"), QStringLiteral("set"), s.first }, s.second);
            if (r.exitCode != 0 || r.crashed)
                return fail(why, QStringLiteral("secret set ") + s.first, r);
        }
        ProcessResult r = cli({ QStringLiteral("sync"), QStringLiteral("--full") });
        if (r.exitCode != 0 || r.crashed)
            return fail(why, QStringLiteral("sync --full"), r);
        const QString mapping = dir.filePath(QStringLiteral("mapping.json"));
        QFile f(mapping);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write(R"({"version": 1, "mappings": [{"stage": "Phone screen", "template": "phone-screen",
                   "rules": {"pass": 50, "onPass": "First interview", "onFail": "reject"}}]})");
        f.close();
        r = cli({ QStringLiteral("mapping"), QStringLiteral("import"), mapping });
        if (r.exitCode != 0 || r.crashed)
            return fail(why, QStringLiteral("mapping import"), r);
        r = cli({ QStringLiteral("mapping"), QStringLiteral("export") });
        if (r.exitCode != 0 || r.crashed)
            return fail(why, QStringLiteral("mapping export"), r);
        for (const QJsonValue t : QJsonDocument::fromJson(r.out).object().value(QLatin1String("templates")).toArray()) {
            if (t.toObject().value(QLatin1String("id")).toString() == QLatin1String("phone-screen"))
                phoneScreen = t.toObject();
        }
        if (phoneScreen.isEmpty())
            return fail(why, QStringLiteral("mapping export has no phone-screen template"), r);
        return true;
    }

    // intrvio --headless on PORT (0: any), then the sandbox is told where it listens. With a fixed
    // port (a restart) the public URL is given explicitly, as an operator would.
    bool startIntrvio(quint16 port, QString *why)
    {
        m_intrvio = std::make_unique<QProcess>();
        m_intrvio->setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(m_intrvio.get(), &QProcess::readyReadStandardOutput, m_intrvio.get(),
            [this] { m_intrvioLog += m_intrvio->readAllStandardOutput(); });
        QStringList args { QStringLiteral("--data-dir"), dataDir, QStringLiteral("--headless"),
            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--teamtailor-url"),
            sandboxUrl.toString() };
        if (port)
            args << QStringLiteral("--public-url") << QStringLiteral("http://127.0.0.1:%1").arg(port);
        const qsizetype logStart = m_intrvioLog.size();
        m_intrvio->start(binaryPath(QStringLiteral("intrvio")), args);
        if (!m_intrvio->waitForStarted(10000)) {
            *why = QStringLiteral("intrvio did not start");
            return false;
        }
        static const QRegularExpression listening(QStringLiteral("listening on (http://127\\.0\\.0\\.1:\\d+)"));
        QRegularExpressionMatch m;
        [[maybe_unused]] const bool printed = QTest::qWaitFor([&] {
            m = listening.match(QString::fromUtf8(m_intrvioLog.mid(logStart)));
            return m.hasMatch() || m_intrvio->state() != QProcess::Running;
        }, 20000);
        if (!m.hasMatch()) {
            *why = QStringLiteral("intrvio did not print where it listens");
            return false;
        }
        intrvioUrl = QUrl(m.captured(1));
        const HttpReply set = control("POST", QStringLiteral("partner"),
            QJsonObject { { QStringLiteral("base-url"), intrvioUrl.toString() } });
        if (set.status != 200) {
            *why = QStringLiteral("POST /_sandbox/partner: %1").arg(QString::fromUtf8(set.body));
            return false;
        }
        // Ready (store and keychain) and activated: the provider key came from partner-activations.
        const bool ready = QTest::qWaitFor([&] {
            return fetch("GET", endpoint(intrvioUrl, QStringLiteral("/readyz"))).status == 200;
        }, 20000);
        if (!ready) {
            *why = QStringLiteral("intrvio never became ready");
            return false;
        }
        // The pipeline is attached once an unknown link is "not found" (503 "starting" before).
        const bool pages = QTest::qWaitFor([&] {
            return fetch("GET", endpoint(intrvioUrl, QStringLiteral("/interview/unknown"))).status == 404;
        }, 20000);
        if (!pages) {
            *why = QStringLiteral("intrvio never served interview pages");
            return false;
        }
        return true;
    }

    void killIntrvio() // SIGKILL: no drain, no goodbye
    {
        if (!m_intrvio)
            return;
        m_intrvio->kill();
        m_intrvio->waitForFinished(10000);
    }

    bool intrvioRunning() const { return m_intrvio && m_intrvio->state() == QProcess::Running; }

    // --- HTTP --------------------------------------------------------------------------------------
    // One request, waited for with a plain event loop: QSignalSpy::wait() returns at once after a
    // failed check, and the diagnostics printed then need answers too.
    HttpReply fetch(const QByteArray &method, const QUrl &url, const RawHeaders &headers = {}, const QByteArray &body = {})
    {
        QNetworkRequest req(url);
        req.setTransferTimeout(15000);
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
        if (!reply->isFinished()) {
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
        }
        HttpReply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.error = reply->error();
        for (const auto &pair : reply->rawHeaderPairs())
            r.headers.insert(pair.first.toLower(), pair.second);
        reply->deleteLater();
        return r;
    }

    static QUrl endpoint(const QUrl &base, const QString &pathAndQuery)
    {
        return QUrl(base.toString() + pathAndQuery);
    }

    HttpReply control(const QByteArray &verb, const QString &path, const QJsonObject &body = {})
    {
        RawHeaders headers;
        QByteArray data;
        if (verb != "GET") {
            headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
            data = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        return fetch(verb, endpoint(sandboxUrl, QStringLiteral("/_sandbox/") + path), headers, data);
    }

    bool setFaults(const QString &spec)
    {
        return control("POST", QStringLiteral("faults"), QJsonObject { { QStringLiteral("spec"), spec } }).status == 200;
    }

    // A new candidate applying to a job with "Phone screen" and "First interview" stages: sits in
    // the job's first stage. Returns the application id; the other ids through the pointers.
    qint64 newApplication(const QString &email, qint64 *candidateId, qint64 *phoneStage, qint64 *firstInterview)
    {
        const QJsonArray jobs = control("GET", QStringLiteral("state")).json().value(QLatin1String("jobs")).toArray();
        for (const QJsonValue j : jobs) {
            qint64 phone = 0, first = 0;
            for (const QJsonValue s : j.toObject().value(QLatin1String("stages")).toArray()) {
                const QString name = s.toObject().value(QLatin1String("name")).toString();
                if (name == QLatin1String("Phone screen"))
                    phone = s.toObject().value(QLatin1String("id")).toInteger();
                if (name == QLatin1String("First interview"))
                    first = s.toObject().value(QLatin1String("id")).toInteger();
            }
            if (!phone || !first || j.toObject().value(QLatin1String("status")).toString() != QLatin1String("open"))
                continue;
            const HttpReply r = control("POST", QStringLiteral("candidates"),
                QJsonObject { { QStringLiteral("first-name"), QStringLiteral("Ada") },
                    { QStringLiteral("last-name"), QStringLiteral("Lovelace") }, { QStringLiteral("email"), email },
                    { QStringLiteral("job-id"), j.toObject().value(QLatin1String("id")) } });
            if (r.status != 200)
                return 0;
            *candidateId = r.json().value(QLatin1String("candidate-id")).toInteger();
            *phoneStage = phone;
            *firstInterview = first;
            return r.json().value(QLatin1String("job-application-id")).toInteger();
        }
        return 0;
    }

    bool move(qint64 applicationId, const QString &stage)
    {
        return control("POST", QStringLiteral("applications/%1/move").arg(applicationId),
                   QJsonObject { { QStringLiteral("stage"), stage } })
                   .status
            == 200;
    }

    // Interview links in the candidate's notes (one per invite note). Empty while unreachable.
    QStringList inviteLinks(qint64 candidateId)
    {
        static const QRegularExpression re(QStringLiteral("(https?://\\S+/interview/[A-Za-z0-9_-]+)"));
        QStringList links;
        const HttpReply r = control("GET", QStringLiteral("candidates/%1/notes").arg(candidateId));
        for (const QJsonValue n : r.json().value(QLatin1String("notes")).toArray()) {
            const auto m = re.match(n.toObject().value(QLatin1String("note")).toString());
            if (m.hasMatch())
                links << m.captured(1);
        }
        return links;
    }

    QJsonArray partnerResults(qint64 candidateId)
    {
        return control("GET", QStringLiteral("candidates/%1/partner-results").arg(candidateId))
            .json()
            .value(QLatin1String("partner-results"))
            .toArray();
    }

    // Status of the candidate's only partner result; "" when none, "several" when more than one.
    QString resultStatus(qint64 candidateId)
    {
        const QJsonArray results = partnerResults(candidateId);
        if (results.size() > 1)
            return QStringLiteral("several");
        return results.isEmpty() ? QString()
                                 : results.first().toObject().value(QLatin1String("attributes")).toObject().value(QLatin1String("status")).toString();
    }

    qint64 stageOf(qint64 applicationId)
    {
        const HttpReply r = fetch("GET",
            endpoint(sandboxUrl, QStringLiteral("/v1/job-applications/%1").arg(applicationId)), companyHeaders());
        return r.json()
            .value(QLatin1String("data"))
            .toObject()
            .value(QLatin1String("relationships"))
            .toObject()
            .value(QLatin1String("stage"))
            .toObject()
            .value(QLatin1String("data"))
            .toObject()
            .value(QLatin1String("id"))
            .toVariant()
            .toLongLong();
    }

    // Requests the sandbox handled with a 2xx answer: METHOD and path prefix.
    int handled(const QString &method, const QString &pathPrefix)
    {
        int n = 0;
        for (const QJsonValue v : control("GET", QStringLiteral("requests")).json().value(QLatin1String("requests")).toArray()) {
            const QJsonObject r = v.toObject();
            const int status = r.value(QLatin1String("status")).toInt();
            n += r.value(QLatin1String("method")).toString() == method
                && r.value(QLatin1String("path")).toString().startsWith(pathPrefix) && status >= 200 && status < 300;
        }
        return n;
    }

    // API requests the sandbox dropped without an answer (fault "down").
    int dropped()
    {
        int n = 0;
        for (const QJsonValue v : control("GET", QStringLiteral("requests")).json().value(QLatin1String("requests")).toArray())
            n += v.toObject().value(QLatin1String("status")).toInt() == 0;
        return n;
    }

    // Outbox rows intrvio still has to send, from its /metrics (-1 while unreachable).
    int outboxPending()
    {
        const HttpReply r = fetch("GET", endpoint(intrvioUrl, QStringLiteral("/metrics")));
        static const QRegularExpression re(QStringLiteral("intrvio_outbox_rows\\{state=\"pending\"\\} (\\d+)"));
        const auto m = re.match(QString::fromUtf8(r.body));
        return r.status == 200 && m.hasMatch() ? m.captured(1).toInt() : -1;
    }

    // Answers with every keyword of every criterion: a pass.
    QByteArray strongAnswers() const
    {
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("consent"), QStringLiteral("yes"));
        for (const QJsonValue q : phoneScreen.value(QLatin1String("questions")).toArray()) {
            QStringList words;
            for (const QJsonValue c : q.toObject().value(QLatin1String("criteria")).toArray()) {
                for (const QJsonValue k : c.toObject().value(QLatin1String("keywords")).toArray())
                    words << k.toString();
            }
            form.addQueryItem(QStringLiteral("answer-") + q.toObject().value(QLatin1String("id")).toString(),
                words.join(QLatin1Char(' ')));
        }
        return form.toString(QUrl::FullyEncoded).toUtf8();
    }

private:
    static bool fail(QString *why, const QString &what, const ProcessResult &r)
    {
        *why = QStringLiteral("%1: exit %2, %3").arg(what).arg(r.exitCode).arg(QString::fromUtf8(r.err + r.out));
        return false;
    }

    static void stop(std::unique_ptr<QProcess> &p)
    {
        if (p && p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(10000);
        }
        p.reset();
    }

    std::unique_ptr<QProcess> m_sandbox;
    std::unique_ptr<QProcess> m_intrvio;
    QByteArray m_sandboxLog;
    QByteArray m_intrvioLog;
};

// --- steps of the flow, each failing the current test with a message -------------------------------

struct FlowIds
{
    qint64 candidate = 0;
    qint64 application = 0;
    qint64 phoneScreen = 0;
    qint64 firstInterview = 0;
    QString link;
};

// Sandbox and intrvio up and configured through the CLI.
inline void bringUp(HeadlessRig &rig)
{
    QVERIFY(rig.startSandbox());
    QString why;
    QVERIFY2(rig.configure(&why), qPrintable(why));
    QVERIFY2(rig.startIntrvio(0, &why), qPrintable(why));
}

// A candidate moved into "Phone screen"; returns once the invite note is in Teamtailor.
inline void inviteCandidate(HeadlessRig &rig, FlowIds *ids, const QString &email, int timeoutMs = 30000)
{
    ids->application = rig.newApplication(email, &ids->candidate, &ids->phoneScreen, &ids->firstInterview);
    QVERIFY(ids->application);
    QVERIFY(rig.move(ids->application, QStringLiteral("Phone screen")));
    QTRY_VERIFY_WITH_TIMEOUT(!rig.inviteLinks(ids->candidate).isEmpty(), timeoutMs);
    ids->link = rig.inviteLinks(ids->candidate).first();
    QVERIFY2(ids->link.startsWith(rig.intrvioUrl.toString() + QStringLiteral("/interview/")), qPrintable(ids->link));
}

// The candidate opens the page (consent first, questions, also as JSON) and answers.
inline void answerInterview(HeadlessRig &rig, const FlowIds &ids)
{
    const HttpReply page = rig.fetch("GET", QUrl(ids.link));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("consent"));
    const HttpReply json = rig.fetch("GET", QUrl(ids.link + QStringLiteral(".json")));
    QCOMPARE(json.status, 200);
    QVERIFY(!json.json().value(QLatin1String("questions")).toArray().isEmpty());
    const HttpReply posted = rig.fetch("POST", QUrl(ids.link),
        { { "Content-Type", "application/x-www-form-urlencoded" } }, rig.strongAnswers());
    QCOMPARE(posted.status, 201);
}

// The completed result in Teamtailor, the pass rule's move, and everything exactly once.
inline void verifyDeliveredOnce(HeadlessRig &rig, const FlowIds &ids, int timeoutMs = 30000)
{
    QTRY_COMPARE_WITH_TIMEOUT(rig.resultStatus(ids.candidate), QStringLiteral("completed"), timeoutMs);
    const QJsonObject a = rig.partnerResults(ids.candidate).first().toObject().value(QLatin1String("attributes")).toObject();
    const QJsonObject assessment = a.value(QLatin1String("assessment")).toObject();
    QVERIFY2(assessment.value(QLatin1String("score")).toInt() >= 50, QJsonDocument(a).toJson().constData());
    QCOMPARE(assessment.value(QLatin1String("grade")).toString(), QStringLiteral("top_fit"));
    QVERIFY(!a.value(QLatin1String("summary")).toString().isEmpty());
    QVERIFY2(QJsonDocument(a.value(QLatin1String("details")).toObject()).toJson().contains("transcript"),
        QJsonDocument(a).toJson().constData());
    QVERIFY(!a.value(QLatin1String("assessment-criteria")).toArray().isEmpty());
    const QString report = a.value(QLatin1String("url")).toString();
    QVERIFY2(report.startsWith(rig.intrvioUrl.toString()), qPrintable(report));
    QCOMPARE(rig.fetch("GET", QUrl(report)).status, 200);
    // Pass rule: the application moved on to "First interview".
    QTRY_COMPARE_WITH_TIMEOUT(rig.stageOf(ids.application), ids.firstInterview, timeoutMs);
    // The candidate card shows the badge.
    const HttpReply card = rig.control("GET", QStringLiteral("candidates/%1").arg(ids.candidate));
    QVERIFY(card.body.contains("data-partner-result"));
    QVERIFY(card.body.contains("s-completed"));
    // Exactly once: one invite note, one partner result, one stage move.
    QTRY_COMPARE_WITH_TIMEOUT(rig.outboxPending(), 0, timeoutMs);
    QCOMPARE(rig.inviteLinks(ids.candidate).size(), 1);
    QCOMPARE(rig.partnerResults(ids.candidate).size(), 1);
    QCOMPARE(rig.handled(QStringLiteral("POST"), QStringLiteral("/v1/notes")), 1);
    QCOMPARE(rig.handled(QStringLiteral("POST"), QStringLiteral("/partner/v1/partner-results")), 1);
    QCOMPARE(rig.handled(QStringLiteral("PATCH"), QStringLiteral("/v1/job-applications/%1").arg(ids.application)), 1);
}

} // namespace intrvio::test

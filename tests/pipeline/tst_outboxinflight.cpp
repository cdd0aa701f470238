// An outbox row whose request was in flight when the process stopped: the attempt was recorded
// before the request left, so the next worker treats it as maybe delivered. For a note (POST
// /v1/notes is not idempotent) that means looking for it in Teamtailor first: no second note.
// Real store, the in-process sandbox over loopback HTTP, a worker destroyed mid-request.
#include "models/Clock.h"
#include "models/Store.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorClient.h"
#include "net/outbox/Outbox.h"
#include "net/outbox/OutboxWorker.h"
#include "sandbox/Sandbox.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

class tst_OutboxInFlight : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void markInFlightIsOverwrittenByTheAnswer()
    {
        QTemporaryDir dir;
        StoreError se;
        auto store = Store::open(dir.filePath(QStringLiteral("intrvio.sqlite")), &se);
        QVERIFY(store);
        Outbox outbox(*store, Clock::system());
        OutboxItem item;
        item.idempotencyKey = QStringLiteral("k1");
        item.kind = QString::fromLatin1(OutboxKind::StageMove);
        item.method = QStringLiteral("PATCH");
        item.url = QStringLiteral("http://127.0.0.1:9/v1/job-applications/1");
        QString error;
        QVERIFY2(outbox.add(item, &error), qPrintable(error));
        const qint64 id = outbox.list().constFirst().id;
        QVERIFY(outbox.markInFlight(id));
        QCOMPARE(outbox.find(id)->lastStatus, Outbox::InFlightStatus);
        QCOMPARE(outbox.find(id)->attempts, 0);
        QCOMPARE(outbox.find(id)->state, QStringLiteral("pending"));
        QVERIFY(outbox.markSent(id, 200));
        QCOMPARE(outbox.find(id)->lastStatus, 200);
        QCOMPARE(outbox.find(id)->attempts, 1);
    }

    void noteInFlightWhenStoppedIsNotPostedAgain()
    {
        QTemporaryDir dir;
        StoreError se;
        auto store = Store::open(dir.filePath(QStringLiteral("intrvio.sqlite")), &se);
        QVERIFY(store);
        sandbox::Config cfg;
        cfg.rateLimit = 0;
        Sandbox sandbox(cfg);
        sandbox.seedDemo();
        QVERIFY(sandbox.listen());
        const qint64 candidateId = sandbox.candidates().constFirst().id;
        // The sandbox stores the note at once and answers much later.
        sandbox::Faults slow;
        slow.noteLatencyMs = 60000;
        sandbox.setFaults(slow);

        QNetworkAccessManager nam;
        TeamtailorClient client(&nam,
            RequestBuilder(ApiEndpoints::forBaseUrl(sandbox.baseUrl()), { cfg.companyApiToken, cfg.partnerApiKey }),
            Clock::system(), 7);
        const QString text = QStringLiteral("Intrvio interview invitation. Send the candidate this link: "
                                            "http://127.0.0.1:8787/interview/only-once");
        {
            OutboxItem note;
            note.idempotencyKey = QStringLiteral("note:1");
            note.kind = QString::fromLatin1(OutboxKind::Note);
            note.method = QStringLiteral("POST");
            note.url = client.builder().url(RequestBuilder::Api::Public, QStringLiteral("notes")).toString();
            note.body = CreateNoteRequest::body(QString::number(candidateId), text, {});
            note.candidateId = QString::number(candidateId);
            QString error;
            QVERIFY2(Outbox(*store, Clock::system()).add(note, &error), qPrintable(error));
        }
        {
            OutboxWorker worker(store.get(), &client, Clock::system(), 1);
            QSignalSpy created(&sandbox, &Sandbox::noteCreated);
            worker.start();
            QVERIFY(created.wait(10000));
        } // the worker goes while its request waits for the answer, as a killed process would
        QCOMPARE(sandbox.notesOfCandidate(candidateId).size(), 1);
        const OutboxItem row = Outbox(*store, Clock::system()).list().constFirst();
        QCOMPARE(row.state, QStringLiteral("pending"));
        QCOMPARE(row.lastStatus, Outbox::InFlightStatus);

        sandbox.setFaults({});
        sandbox.clearLogs();
        OutboxWorker again(store.get(), &client, Clock::system(), 2);
        QSignalSpy delivered(&again, &OutboxWorker::delivered);
        again.start();
        QVERIFY(delivered.wait(10000));
        QCOMPARE(Outbox(*store, Clock::system()).list().constFirst().state, QStringLiteral("sent"));
        QCOMPARE(sandbox.notesOfCandidate(candidateId).size(), 1);
        int posts = 0, probes = 0;
        for (const auto &r : sandbox.requestLog()) {
            posts += r.method == QLatin1String("POST") && r.pathAndQuery.startsWith(QLatin1String("/v1/notes"));
            probes += r.method == QLatin1String("GET") && r.pathAndQuery.startsWith(QLatin1String("/v1/notes"));
        }
        QCOMPARE(posts, 0);
        QCOMPARE(probes, 1);
    }
};

QTEST_GUILESS_MAIN(tst_OutboxInFlight)
#include "tst_outboxinflight.moc"

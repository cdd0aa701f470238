// The event normalizer: partner events and company webhooks (kebab and snake spellings) to domain events.
#include "net/events/EventNormalizer.h"

#include <QTest>

using namespace intrvio;

class tst_EventNormalizer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void partner_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("eventId");
        QTest::newRow("full") << QByteArray(
            R"({"partner-event":{"id":"e1","webhook-data":{"template":"t1"},)"
            R"("partner-result":{"update-url":"http://x/pr/1"},)"
            R"("candidate":{"id":54321,"job":{"id":12,"stage-id":3,"stage":"Screen"}}},)"
            R"("company":{"uuid":"c1","name":"Acme"}})")
                              << true << QStringLiteral("e1");
        QTest::newRow("snake") << QByteArray(R"({"partner_event":{"id":"e2"}})") << true
                               << QStringLiteral("e2");
        QTest::newRow("malformed") << QByteArray("{not json") << false << QString();
        QTest::newRow("array") << QByteArray("[1]") << false << QString();
        QTest::newRow("no event") << QByteArray(R"({"company":{}})") << false << QString();
        QTest::newRow("no id") << QByteArray(R"({"partner-event":{}})") << false << QString();
        QTest::newRow("numeric id") << QByteArray(R"({"partner-event":{"id":1337}})") << true
                                    << QStringLiteral("1337");
        QTest::newRow("integral double id") << QByteArray(R"({"partner-event":{"id":42.0}})") << true
                                            << QStringLiteral("42");
        // The JSON:API layer's id rule: a fractional number keeps its decimal text.
        QTest::newRow("fractional id") << QByteArray(R"({"partner-event":{"id":4.5}})") << true
                                       << QStringLiteral("4.5");
        // Found by the fuzzer: a huge number must not be cast to an integer (undefined behaviour).
        QTest::newRow("huge id") << QByteArray(R"({"partner-event":{"id":2.5e51}})") << true
                                 << QStringLiteral("2.5e+51");
        QTest::newRow("id object") << QByteArray(R"({"partner-event":{"id":{"x":1}}})") << false << QString();
        QTest::newRow("event not object") << QByteArray(R"({"partner-event":"e1"})") << false << QString();
        QTest::newRow("trailing garbage") << QByteArray(R"({"partner-event":{"id":"e1"}} x)") << false
                                          << QString();
        QTest::newRow("truncated") << QByteArray(R"({"partner-event":{"id":"e1")") << false << QString();
        QTest::newRow("invalid utf-8") << QByteArray("{\"partner-event\":{\"id\":\"e\xff\"}}") << false
                                       << QString();
        QTest::newRow("empty") << QByteArray() << false << QString();
    }

    // Every member the pipeline reads, in both spellings; the candidate profile is not copied.
    void partnerFields_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("kebab") << QByteArray(
            R"({"partner-event":{"id":"e1","webhook-data":{"template":"t1","threshold":70},)"
            R"("partner-result":{"id":"pr-1","update-url":"http://x/pr/1"},"triggered-by":{"id":9},)"
            R"("candidate":{"id":"54321","first-name":"Ann","job":{"id":12,"stage-id":3,"stage":"Screen"}}},)"
            R"("company":{"uuid":"c1","name":"Acme \u00c5"}})");
        QTest::newRow("snake") << QByteArray(
            R"({"partner_event":{"id":"e1","webhook_data":{"template":"t1","threshold":70},)"
            R"("partner_result":{"id":"pr-1","update_url":"http://x/pr/1"},"triggered_by":{"id":9},)"
            R"("candidate":{"id":54321,"first_name":"Ann","job":{"id":"12","stage_id":"3","stage":"Screen"}}},)"
            R"("company":{"uuid":"c1","name":"Acme \u00c5"}})");
    }
    void partnerFields()
    {
        QFETCH(QByteArray, body);
        const auto e = EventNormalizer::decodePartnerEvent(body);
        QVERIFY2(e.ok(), qPrintable(e.error));
        QCOMPARE(e.eventId, QStringLiteral("e1"));
        QCOMPARE(e.candidateId, QStringLiteral("54321"));
        QCOMPARE(e.jobId, QStringLiteral("12"));
        QCOMPARE(e.stageId, QStringLiteral("3"));
        QCOMPARE(e.stageName, QStringLiteral("Screen"));
        QCOMPARE(e.updateUrl, QStringLiteral("http://x/pr/1"));
        QCOMPARE(e.companyUuid, QStringLiteral("c1"));
        QCOMPARE(e.companyName, QString(QStringLiteral("Acme ") + QChar(0xc5)));
        QCOMPARE(e.webhookData.value(QLatin1String("template")).toString(), QStringLiteral("t1"));
        QCOMPARE(e.webhookData.value(QLatin1String("threshold")).toInt(), 70);
        const QJsonObject pr = e.partnerEvent.value(QLatin1String("partner-result")).toObject();
        QCOMPARE(pr.value(QLatin1String("id")).toString(), QStringLiteral("pr-1"));
        QCOMPARE(e.partnerEvent.value(QLatin1String("triggered-by"))
                     .toObject()
                     .value(QLatin1String("id"))
                     .toInt(),
            9);
        QVERIFY(!e.partnerEvent.contains(QLatin1String("candidate")));

        const auto envelope = EventNormalizer::decodePartnerEvent(body, EventNormalizer::PartnerDetail::Envelope);
        QVERIFY(envelope.ok());
        QCOMPARE(envelope.eventId, e.eventId);
        QCOMPARE(envelope.companyUuid, e.companyUuid);
        QCOMPARE(envelope.companyName, e.companyName);
        QVERIFY(envelope.candidateId.isEmpty() && envelope.webhookData.isEmpty() && envelope.partnerEvent.isEmpty());
    }

    void partnerMalformedSaysSo()
    {
        const auto e = EventNormalizer::decodePartnerEvent("{not json");
        // Names where and what, like every JSON error the app reports.
        QCOMPARE(e.error, QStringLiteral("malformed JSON at offset 2: unterminated object"));
    }
    void partner()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        QFETCH(QString, eventId);
        const auto e = EventNormalizer::decodePartnerEvent(body);
        QCOMPARE(e.ok(), ok);
        QCOMPARE(e.eventId, eventId);
        // The envelope a delivery's answer is decided on refuses exactly the same bodies.
        const auto envelope = EventNormalizer::decodePartnerEvent(body, EventNormalizer::PartnerDetail::Envelope);
        QCOMPARE(envelope.error, e.error);
        QCOMPARE(envelope.eventId, eventId);
        const auto events = EventNormalizer::normalizePartner(e);
        QCOMPARE(events.size(), ok ? 1 : 0);
        if (ok && eventId == QLatin1String("e1")) {
            const DomainEvent &d = events.first();
            QCOMPARE(d.type, QStringLiteral("partner.triggered"));
            QCOMPARE(d.candidateId, QStringLiteral("54321"));
            QCOMPARE(d.jobId, QStringLiteral("12"));
            QCOMPARE(d.stageId, QStringLiteral("3"));
            QCOMPARE(d.companyUuid, QStringLiteral("c1"));
            QCOMPARE(d.updateUrl, QStringLiteral("http://x/pr/1"));
            QCOMPARE(d.webhookData.value(QLatin1String("template")).toString(), QStringLiteral("t1"));
        }
    }

    void company_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("prevStage"); // "" = unknown; "id|name" with the mirrored name
        QTest::addColumn<int>("prevRejected"); // -1 unknown, 0, 1
        QTest::addColumn<QString>("prevJobStatus");
        QTest::addColumn<QStringList>("types");
        auto app = [](const char *event, const char *attrs) -> QByteArray {
            return QByteArray("{\"payload\":{\"event_name\":\"") + event
                + "\",\"data\":{\"id\":\"77\",\"type\":\"job-applications\",\"attributes\":" + attrs + "}}}";
        };
        QTest::newRow("created") << app("job_application.create", R"({"job_id":5,"stage_id":9})") << QString()
                                 << -1 << QString()
                                 << QStringList { QStringLiteral("job-application.created") };
        QTest::newRow("created kebab name")
            << app("job-application.create", R"({"job-id":5})") << QString() << -1 << QString()
            << QStringList { QStringLiteral("job-application.created") };
        QTest::newRow("stage changed")
            << app("job_application.update", R"({"stage_id":10,"stage_name":"Phone"})") << QStringLiteral("9")
            << 0 << QString() << QStringList { QStringLiteral("job-application.stage_changed") };
        QTest::newRow("stage kebab") << app("job_application.update", R"({"stage-id":10})")
                                     << QStringLiteral("9") << 0 << QString()
                                     << QStringList { QStringLiteral("job-application.stage_changed") };
        QTest::newRow("same stage") << app("job_application.update", R"({"stage_id":9})")
                                    << QStringLiteral("9") << 0 << QString() << QStringList {};
        QTest::newRow("stage unknown previous")
            << app("job_application.update", R"({"stage_id":9})") << QString() << -1 << QString()
            << QStringList { QStringLiteral("job-application.stage_changed") };
        // Company webhooks name the stage only by name (protocol §6.2): compared with the mirror's.
        QTest::newRow("stage name changed")
            << app("job_application.update", R"({"job-id":5,"stage-name":"Phone screen","rejected-at":null})")
            << QStringLiteral("9|Inbox") << 0 << QString()
            << QStringList { QStringLiteral("job-application.stage_changed") };
        QTest::newRow("stage name same")
            << app("job_application.update", R"({"job-id":5,"stage-name":"phone screen ","rejected-at":null})")
            << QStringLiteral("9|Phone screen") << 0 << QString() << QStringList {};
        QTest::newRow("stage name, previous name unknown")
            << app("job_application.update", R"({"stage-name":"Phone screen"})") << QStringLiteral("9") << 0
            << QString() << QStringList { QStringLiteral("job-application.stage_changed") };
        QTest::newRow("restored by name")
            << app("job_application.update", R"({"stage-name":"Phone screen","rejected-at":null})")
            << QStringLiteral("9|Phone screen") << 1 << QString()
            << QStringList { QStringLiteral("candidate.restored") };
        QTest::newRow("restored, previous stage name unknown")
            << app("job_application.update", R"({"stage-name":"Phone screen","rejected-at":null})")
            << QStringLiteral("9") << 1 << QString() << QStringList { QStringLiteral("candidate.restored") };
        QTest::newRow("rejected by name")
            << app("job_application.update", R"({"stage-name":"Phone screen","rejected-at":"2024-01-01T00:00:00Z"})")
            << QStringLiteral("9|Phone screen") << 0 << QString()
            << QStringList { QStringLiteral("candidate.rejected") };
        QTest::newRow("rejected") << app(
            "job_application.update", R"({"stage_id":9,"rejected_at":"2024-01-01T00:00:00Z"})")
                                  << QStringLiteral("9") << 0 << QString()
                                  << QStringList { QStringLiteral("candidate.rejected") };
        QTest::newRow("rejected kebab unknown prev")
            << app("job_application.update", R"({"rejected-at":"2024-01-01T00:00:00Z"})") << QString() << -1
            << QString() << QStringList { QStringLiteral("candidate.rejected") };
        QTest::newRow("already rejected")
            << app("job_application.update", R"({"stage_id":9,"rejected_at":"2024"})") << QStringLiteral("9")
            << 1 << QString() << QStringList {};
        QTest::newRow("restored") << app("job_application.update", R"({"stage_id":9,"rejected_at":null})")
                                  << QStringLiteral("9") << 1 << QString()
                                  << QStringList { QStringLiteral("candidate.restored") };
        QTest::newRow("job published") << QByteArray(
            R"({"payload":{"event_name":"job.update","data":{"id":"2","attributes":{"status":"open"}}}})")
                                       << QString() << -1 << QStringLiteral("draft")
                                       << QStringList { QStringLiteral("job.published") };
        QTest::newRow("job human published") << QByteArray(
            R"({"payload":{"event_name":"job.update","data":{"id":"2","attributes":{"human-status":"published"}}}})")
                                             << QString() << -1 << QString()
                                             << QStringList { QStringLiteral("job.published") };
        QTest::newRow("job stays open") << QByteArray(
            R"({"payload":{"event_name":"job.update","data":{"id":"2","attributes":{"status":"open"}}}})")
                                        << QString() << -1 << QStringLiteral("open") << QStringList {};
        QTest::newRow("job archived") << QByteArray(
            R"({"payload":{"event_name":"job.update","data":{"id":"2","attributes":{"status":"archived"}}}})")
                                      << QString() << -1 << QString() << QStringList {};
        QTest::newRow("candidate deleted")
            << QByteArray(R"({"payload":{"event_name":"candidate.destroy","data":{"id":"5"}}})") << QString()
            << -1 << QString() << QStringList { QStringLiteral("candidate.deleted") };
        QTest::newRow("candidate update ignored")
            << QByteArray(R"({"payload":{"event_name":"candidate.update","data":{"id":"5"}}})") << QString()
            << -1 << QString() << QStringList {};
    }
    void company()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, prevStage);
        QFETCH(int, prevRejected);
        QFETCH(QString, prevJobStatus);
        QFETCH(QStringList, types);
        const auto hook = EventNormalizer::decodeCompanyWebhook(body);
        QVERIFY2(hook.ok(), qPrintable(hook.error));
        EventNormalizer::Previous prev;
        if (!prevStage.isEmpty()) {
            prev.stageId = prevStage.section(QLatin1Char('|'), 0, 0);
            if (prevStage.contains(QLatin1Char('|')))
                prev.stageName = prevStage.section(QLatin1Char('|'), 1);
        }
        if (prevRejected >= 0)
            prev.rejected = prevRejected == 1;
        if (!prevJobStatus.isEmpty())
            prev.jobStatus = prevJobStatus;
        QStringList got;
        for (const DomainEvent &e : EventNormalizer::normalizeCompany(hook, prev))
            got << e.type;
        QCOMPARE(got, types);
    }

    // The documented company-webhook payload names the stage and carries no stage id (protocol
    // §6.2): against a mirrored application the stage name decides.
    void companyStageByName_data()
    {
        QTest::addColumn<QByteArray>("attrs");
        QTest::addColumn<QString>("prevStageName"); // "" = stage not mirrored
        QTest::addColumn<bool>("changed");
        QTest::newRow("other name") << QByteArray(R"({"stage-name":"Phone screen"})") << QStringLiteral("Inbox") << true;
        QTest::newRow("same name") << QByteArray(R"({"stage-name":"Phone screen"})") << QStringLiteral("Phone screen")
                                   << false;
        QTest::newRow("same name other case")
            << QByteArray(R"({"stage_name":"phone screen"})") << QStringLiteral("Phone screen") << false;
        QTest::newRow("stage not mirrored") << QByteArray(R"({"stage-name":"Phone screen"})") << QString() << true;
        QTest::newRow("no stage at all") << QByteArray(R"({"updated-at":"2026-01-01T00:00:00Z"})")
                                         << QStringLiteral("Inbox") << false;
        QTest::newRow("id wins over name")
            << QByteArray(R"({"stage-id":9,"stage-name":"Renamed"})") << QStringLiteral("Inbox") << false;
    }
    void companyStageByName()
    {
        QFETCH(QByteArray, attrs);
        QFETCH(QString, prevStageName);
        QFETCH(bool, changed);
        const auto hook = EventNormalizer::decodeCompanyWebhook(
            QByteArray(R"({"payload":{"event_name":"job_application.update","data":{"id":"77","type":"job-applications","attributes":)")
            + attrs + "}}}");
        QVERIFY2(hook.ok(), qPrintable(hook.error));
        EventNormalizer::Previous prev;
        prev.stageId = QStringLiteral("9");
        prev.rejected = false;
        if (!prevStageName.isEmpty())
            prev.stageName = prevStageName;
        const auto events = EventNormalizer::normalizeCompany(hook, prev);
        QCOMPARE(events.size(), changed ? 1 : 0);
        if (changed) {
            QCOMPARE(events.first().type, QStringLiteral("job-application.stage_changed"));
            QCOMPARE(events.first().stageName.toLower(), QStringLiteral("phone screen"));
        }
    }

    void companyErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("malformed") << QByteArray("{");
        QTest::newRow("no event name") << QByteArray(R"({"payload":{"data":{"id":"1"}}})");
        QTest::newRow("no id") << QByteArray(R"({"payload":{"event_name":"job.update","data":{}}})");
        QTest::newRow("no dot") << QByteArray(R"({"payload":{"event_name":"job","data":{"id":"1"}}})");
    }
    void companyErrors()
    {
        QFETCH(QByteArray, body);
        QVERIFY(!EventNormalizer::decodeCompanyWebhook(body).ok());
    }
};

QTEST_GUILESS_MAIN(tst_EventNormalizer)
#include "tst_eventnormalizer.moc"

// Teamtailor unreachable for a real 15 s in the middle of the flow, with Intrvio and the sandbox
// as separate processes (CLI and HTTP only, see HeadlessRig.h): the sandbox drops every API
// connection without an answer from the moment the candidate is moved. Afterwards everything is
// delivered exactly once: one note, one partner result, one stage move.
#include "tests/pipeline/HeadlessRig.h"

using namespace intrvio::test;

class tst_HeadlessOutage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectionsDroppedFor15Seconds()
    {
        HeadlessRig rig;
        bringUp(rig);
        if (QTest::currentTestFailed())
            return;
        FlowIds ids;
        ids.application = rig.newApplication(
            QStringLiteral("ada.outage@example.com"), &ids.candidate, &ids.phoneScreen, &ids.firstInterview);
        QVERIFY(ids.application);
        QElapsedTimer outage;
        QVERIFY(rig.setFaults(QStringLiteral("down=15")));
        outage.start();
        QVERIFY(rig.move(ids.application, QStringLiteral("Phone screen")));
        // Company webhook in, application lookup, note and result out: all after the outage.
        QTRY_VERIFY_WITH_TIMEOUT(!rig.inviteLinks(ids.candidate).isEmpty(), 50000);
        QVERIFY2(outage.elapsed() >= 15000, "the invite went out during the outage");
        ids.link = rig.inviteLinks(ids.candidate).first();
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultStatus(ids.candidate), QStringLiteral("sent"), 30000);
        answerInterview(rig, ids);
        if (QTest::currentTestFailed())
            return;
        verifyDeliveredOnce(rig, ids);
        QVERIFY(rig.dropped() > 0); // Intrvio did try during the outage
    }
};

QTEST_GUILESS_MAIN(tst_HeadlessOutage)
#include "tst_headlessoutage.moc"

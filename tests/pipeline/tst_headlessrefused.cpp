// Teamtailor unreachable for a real 15 s in the middle of the flow, with Intrvio and the sandbox
// as separate processes (CLI and HTTP only, see HeadlessRig.h): the sandbox closes its listening
// socket (connections refused) just as the candidate submits, so the completed result and the
// pass rule's stage move wait for it. Afterwards everything is delivered exactly once.
#include "tests/pipeline/HeadlessRig.h"

using namespace intrvio::test;

class tst_HeadlessRefused : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectionsRefusedFor15Seconds()
    {
        HeadlessRig rig;
        bringUp(rig);
        if (QTest::currentTestFailed())
            return;
        FlowIds ids;
        inviteCandidate(rig, &ids, QStringLiteral("ada.refused@example.com"));
        if (QTest::currentTestFailed())
            return;
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultStatus(ids.candidate), QStringLiteral("sent"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rig.outboxPending(), 0, 30000);
        QElapsedTimer outage;
        QVERIFY(rig.setFaults(QStringLiteral("refuse=15")));
        outage.start();
        QCOMPARE(rig.control("GET", QStringLiteral("state")).error, QNetworkReply::ConnectionRefusedError);
        answerInterview(rig, ids); // the interview page is Intrvio's: it works throughout
        if (QTest::currentTestFailed())
            return;
        QVERIFY(rig.outboxPending() > 0); // opened, completed, stage move: waiting for Teamtailor
        QTRY_VERIFY_WITH_TIMEOUT(rig.control("GET", QStringLiteral("state")).status == 200, 30000);
        QVERIFY(outage.elapsed() >= 14000);
        verifyDeliveredOnce(rig, ids, 45000);
    }
};

QTEST_GUILESS_MAIN(tst_HeadlessRefused)
#include "tst_headlessrefused.moc"

// Intrvio killed (SIGKILL) between invite and result resumes after a restart on the same data dir
// without a second note: once after the invite was delivered, once while the note's POST was in
// flight (the sandbox had stored the note but not answered yet). Separate processes, CLI and HTTP
// only (see HeadlessRig.h).
#include "tests/pipeline/HeadlessRig.h"

using namespace intrvio::test;

class tst_HeadlessRestart : public QObject
{
    Q_OBJECT

private:
    void restartAndFinish(HeadlessRig &rig, const FlowIds &ids)
    {
        const quint16 port = quint16(rig.intrvioUrl.port());
        rig.killIntrvio();
        QVERIFY(!rig.intrvioRunning());
        QString why;
        QVERIFY2(rig.startIntrvio(port, &why), qPrintable(why)); // same data dir, same port
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultStatus(ids.candidate), QStringLiteral("sent"), 30000);
        answerInterview(rig, ids);
        if (QTest::currentTestFailed())
            return;
        verifyDeliveredOnce(rig, ids);
    }

private Q_SLOTS:
    void killedAfterTheInvite()
    {
        HeadlessRig rig;
        bringUp(rig);
        if (QTest::currentTestFailed())
            return;
        FlowIds ids;
        inviteCandidate(rig, &ids, QStringLiteral("ada.killed@example.com"));
        if (QTest::currentTestFailed())
            return;
        // Killed once Intrvio knows the invite went out (note and "sent" result delivered).
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultStatus(ids.candidate), QStringLiteral("sent"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rig.outboxPending(), 0, 30000);
        restartAndFinish(rig, ids);
    }

    void killedWhileTheNoteIsInFlight()
    {
        HeadlessRig rig;
        bringUp(rig);
        if (QTest::currentTestFailed())
            return;
        // The sandbox stores a note at once and answers 30 s later: the note exists in Teamtailor
        // while Intrvio still waits for the answer, and Intrvio is killed right then.
        QVERIFY(rig.setFaults(QStringLiteral("note-latency=30000")));
        FlowIds ids;
        inviteCandidate(rig, &ids, QStringLiteral("ada.inflight@example.com"));
        if (QTest::currentTestFailed())
            return;
        QVERIFY(rig.outboxPending() > 0); // Intrvio has no answer yet: the note's row is unsent
        QCOMPARE(rig.resultStatus(ids.candidate), QString()); // the result comes after the note
        rig.killIntrvio();
        QVERIFY(rig.setFaults(QStringLiteral("none")));
        restartAndFinish(rig, ids);
    }
};

QTEST_GUILESS_MAIN(tst_HeadlessRestart)
#include "tst_headlessrestart.moc"

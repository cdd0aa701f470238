// The whole flow headless, with Teamtailor as a separate process: `teamtailor-sandbox` and
// `intrvio --headless` driven only through their command lines and HTTP (see HeadlessRig.h).
#include "tests/pipeline/HeadlessRig.h"

using namespace intrvio::test;

class tst_HeadlessFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void companyWebhookFlow()
    {
        HeadlessRig rig;
        bringUp(rig);
        if (QTest::currentTestFailed())
            return;
        FlowIds ids;
        inviteCandidate(rig, &ids, QStringLiteral("ada.flow@example.com"));
        if (QTest::currentTestFailed())
            return;
        QTRY_COMPARE_WITH_TIMEOUT(rig.resultStatus(ids.candidate), QStringLiteral("sent"), 30000);
        answerInterview(rig, ids);
        if (QTest::currentTestFailed())
            return;
        verifyDeliveredOnce(rig, ids);
    }
};

QTEST_GUILESS_MAIN(tst_HeadlessFlow)
#include "tst_headlessflow.moc"

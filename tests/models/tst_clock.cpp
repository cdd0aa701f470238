#include "models/Clock.h"

#include <QtTest>

using namespace intrvio;

class tst_Clock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manualClockMovesOnlyWhenTold()
    {
        ManualClock clock(QDateTime::fromSecsSinceEpoch(1000, Qt::UTC));
        QCOMPARE(clock.nowSecs(), 1000);
        QCOMPARE(clock.nowSecs(), 1000);
        clock.advanceSecs(301);
        QCOMPARE(clock.nowSecs(), 1301);
        clock.advanceMs(1500);
        QCOMPARE(clock.nowMs(), 1302500);
    }

    void systemClockIsUtcAndNow()
    {
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const QDateTime now = Clock::system().now();
        QCOMPARE(now.timeSpec(), Qt::UTC);
        QVERIFY(now >= before);
        QVERIFY(now.secsTo(QDateTime::currentDateTimeUtc()) < 5);
    }
};

QTEST_GUILESS_MAIN(tst_Clock)
#include "tst_clock.moc"

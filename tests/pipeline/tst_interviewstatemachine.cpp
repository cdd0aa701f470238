// The interview state machine's transition table (pure).
#include "net/pipeline/InterviewStateMachine.h"

#include <QtTest>

using namespace intrvio;
using namespace intrvio::InterviewStateMachine;

Q_DECLARE_METATYPE(intrvio::InterviewStateMachine::State)
Q_DECLARE_METATYPE(intrvio::InterviewStateMachine::Trigger)

class tst_InterviewStateMachine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void table_data()
    {
        QTest::addColumn<State>("from");
        QTest::addColumn<Trigger>("trigger");
        QTest::addColumn<QString>("to"); // empty: refused
        const QList<State> states { State::Created, State::Sent, State::Pending, State::Completed, State::Failed };
        const QList<Trigger> triggers { Trigger::InviteDelivered, Trigger::Opened, Trigger::Submitted, Trigger::Expired,
            Trigger::Cancelled };
        // The full table: every (state, trigger) pair, so a new row cannot slip in unnoticed.
        const QHash<QString, QString> allowed {
            { QStringLiteral("created/invite-delivered"), QStringLiteral("sent") },
            { QStringLiteral("created/opened"), QStringLiteral("pending") },
            { QStringLiteral("created/expired"), QStringLiteral("failed") },
            { QStringLiteral("created/cancelled"), QStringLiteral("failed") },
            { QStringLiteral("sent/opened"), QStringLiteral("pending") },
            { QStringLiteral("sent/submitted"), QStringLiteral("completed") },
            { QStringLiteral("sent/expired"), QStringLiteral("failed") },
            { QStringLiteral("sent/cancelled"), QStringLiteral("failed") },
            { QStringLiteral("pending/submitted"), QStringLiteral("completed") },
            { QStringLiteral("pending/expired"), QStringLiteral("failed") },
            { QStringLiteral("pending/cancelled"), QStringLiteral("failed") },
        };
        for (State s : states) {
            for (Trigger t : triggers) {
                const QString key = name(s) + QLatin1Char('/') + triggerName(t);
                QTest::newRow(qPrintable(key)) << s << t << allowed.value(key);
            }
        }
    }
    void table()
    {
        QFETCH(State, from);
        QFETCH(Trigger, trigger);
        QFETCH(QString, to);
        const auto n = next(from, trigger);
        QCOMPARE(n ? name(*n) : QString(), to);
        const auto viaNames = transition(1, name(from), trigger);
        QCOMPARE(viaNames.value_or(QString()), to);
    }
    void finalStates()
    {
        QVERIFY(isFinal(State::Completed));
        QVERIFY(isFinal(State::Failed));
        QVERIFY(!isFinal(State::Pending));
        QVERIFY(!transition(1, QStringLiteral("bogus"), Trigger::Opened));
        QCOMPARE(parse(QStringLiteral("sent")).value(), State::Sent);
    }
};

QTEST_GUILESS_MAIN(tst_InterviewStateMachine)
#include "tst_interviewstatemachine.moc"

#include "net/pipeline/InterviewStateMachine.h"

#include "models/Log.h"

#include <array>

namespace intrvio::InterviewStateMachine {

namespace {

struct Row
{
    State from;
    Trigger trigger;
    State to;
};

constexpr std::array<Row, 11> Table { {
    { State::Created, Trigger::InviteDelivered, State::Sent },
    { State::Created, Trigger::Opened, State::Pending },
    { State::Created, Trigger::Expired, State::Failed },
    { State::Created, Trigger::Cancelled, State::Failed },
    { State::Sent, Trigger::Opened, State::Pending },
    { State::Sent, Trigger::Submitted, State::Completed },
    { State::Sent, Trigger::Expired, State::Failed },
    { State::Sent, Trigger::Cancelled, State::Failed },
    { State::Pending, Trigger::Submitted, State::Completed },
    { State::Pending, Trigger::Expired, State::Failed },
    { State::Pending, Trigger::Cancelled, State::Failed },
} };

} // namespace

QString name(State s)
{
    switch (s) {
    case State::Created:
        return QStringLiteral("created");
    case State::Sent:
        return QStringLiteral("sent");
    case State::Pending:
        return QStringLiteral("pending");
    case State::Completed:
        return QStringLiteral("completed");
    case State::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

std::optional<State> parse(const QString &n)
{
    for (State s : { State::Created, State::Sent, State::Pending, State::Completed, State::Failed }) {
        if (name(s) == n)
            return s;
    }
    return std::nullopt;
}

QString triggerName(Trigger t)
{
    switch (t) {
    case Trigger::InviteDelivered:
        return QStringLiteral("invite-delivered");
    case Trigger::Opened:
        return QStringLiteral("opened");
    case Trigger::Submitted:
        return QStringLiteral("submitted");
    case Trigger::Expired:
        return QStringLiteral("expired");
    case Trigger::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

std::optional<State> next(State from, Trigger trigger)
{
    for (const Row &r : Table) {
        if (r.from == from && r.trigger == trigger)
            return r.to;
    }
    return std::nullopt;
}

bool isFinal(State s)
{
    return s == State::Completed || s == State::Failed;
}

std::optional<QString> transition(qint64 interviewId, const QString &from, Trigger trigger)
{
    const auto s = parse(from);
    const auto to = s ? next(*s, trigger) : std::nullopt;
    if (!to) {
        qCInfo(lcPipeline).noquote() << "interview" << interviewId << ": transition" << triggerName(trigger)
                                     << "refused in state" << from;
        return std::nullopt;
    }
    return name(*to);
}

} // namespace intrvio::InterviewStateMachine

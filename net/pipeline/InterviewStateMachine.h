#pragma once

#include <QString>

#include <optional>

namespace intrvio {

// The interview's life cycle as an explicit state machine. The states are stored as text in
// interviews.state (InterviewState names in models/interview/InterviewRepository.h); every change the
// pipeline makes goes through allowed(), and a refused one is logged and changes nothing.
//
//   created --invite note delivered--> sent --page opened--> pending --answers--> completed
//      |                                 |                      |
//      +--page opened--> pending         +--answers (JSON client, no GET)--> completed
//   created/sent/pending --expired | rejected | cancelled--> failed
// completed and failed are final.
namespace InterviewStateMachine {

enum class State { Created, Sent, Pending, Completed, Failed };
enum class Trigger { InviteDelivered, Opened, Submitted, Expired, Cancelled };

QString name(State s);
std::optional<State> parse(const QString &name);
QString triggerName(Trigger t);

// The transition table: the state `trigger` leads to from `from`, or nothing when not allowed.
std::optional<State> next(State from, Trigger trigger);
bool isFinal(State s);

// next() for stored state names, logging refusals (category lcPipeline) with the interview id.
std::optional<QString> transition(qint64 interviewId, const QString &from, Trigger trigger);

} // namespace InterviewStateMachine

} // namespace intrvio

#pragma once

#include "models/interview/Scorer.h"
#include "models/interview/Template.h"

#include <QDateTime>
#include <QJsonObject>
#include <QUrl>

namespace intrvio {

// A finished interview, as the pipeline hands it over for the partner result.
struct CompletedInterview
{
    InterviewTemplate tpl;
    QList<Answer> answers;
    ScoreResult score;
    QDateTime startedAt; // the candidate opened the page (or consented)
    QDateTime completedAt; // answers were accepted
    QUrl reportUrl; // the read-only transcript/report page served by the app
};

// Builds Partner API partner-result attribute bodies (teamtailor-protocol.md §5.1) and checks them
// against §5.1's rules. Pure.
namespace PartnerResultBuilder {

// Statuses (§5.1).
constexpr auto StatusSending = "sending";
constexpr auto StatusSent = "sent";
constexpr auto StatusPending = "pending";
constexpr auto StatusCompleted = "completed";
constexpr auto StatusFailed = "failed";

// `status: completed` with assessment {score, grade, duration "HH:MM:SS"}, the summary, `details`
// (interview name, scorer, the transcript and the criterion scores, at most 2 levels deep),
// `assessment-criteria` [{id, score}] and `url`. Never contains candidate-id (immutable on update).
QJsonObject completed(const CompletedInterview &interview);

// `status` with an optional summary (e.g. "sent", or "failed" with the reason) and optional url.
QJsonObject status(const QString &status, const QString &summary = {}, const QUrl &url = {});

// The JSON:API envelope for PUT /partner/v1/partner-results/{id} (id given) or POST (no id).
QJsonObject envelope(const QJsonObject &attributes, const QString &id = {});

// "HH:MM:SS" (hours may exceed 99 only in theory). Negative durations become 00:00:00.
QString duration(qint64 seconds);

// Checks attributes against §5.1: status values, score and criteria scores 0-100, grade enum or null,
// duration (seconds or H:MM:SS), details an object at most 2 levels deep, summary a string, url
// http(s), candidate-id numeric and required on create but absent on update, attachments and
// actions shapes. Returns one problem per violation, with its path.
QList<ValidationProblem> validate(const QJsonObject &attributes, bool create);

// Nesting depth of a JSON value: scalars 0, an object or array 1 + its deepest child.
int depth(const QJsonValue &value);

} // namespace PartnerResultBuilder

} // namespace intrvio

#pragma once

#include "models/Teamtailor.h"
#include "net/api/JsonApi.h"

#include <QJsonObject>

#include <optional>

// JSON:API resources -> domain values, and domain inputs -> request bodies. Pure functions.
namespace intrvio::tt {

Job toJob(const JsonApi::Resource &r);
Stage toStage(const JsonApi::Resource &r, const QString &jobIdFallback = {});
Candidate toCandidate(const JsonApi::Resource &r);
JobApplication toJobApplication(const JsonApi::Resource &r, const QString &candidateIdFallback = {});
// Every attribute toCandidate() and toJobApplication() read: the sync's list pages decode only
// these (JsonApi::DecodeOptions::attributes). Keep it in step with the two functions.
inline constexpr QLatin1StringView CandidateAndApplicationAttributes[]
    = { QLatin1StringView("first-name"), QLatin1StringView("last-name"), QLatin1StringView("email"),
          QLatin1StringView("phone"), QLatin1StringView("created-at"), QLatin1StringView("updated-at"),
          QLatin1StringView("candidate-id"), QLatin1StringView("job-id"), QLatin1StringView("stage-id"),
          QLatin1StringView("rejected-at"), QLatin1StringView("changed-stage-at") };
// Reads both shapes: Partner API (assessment{score,grade,duration}) and public API (assessment-score).
PartnerResult toPartnerResult(const JsonApi::Resource &r);
Note toNote(const JsonApi::Resource &r);
PartnerActivation toPartnerActivation(const JsonApi::Resource &r);

// What the app writes to a partner result (§5.1). Unset fields are not sent.
struct PartnerResultInput
{
    std::optional<QString> status;
    std::optional<int> score;
    std::optional<QString> grade; // top_fit, might_be_fit, might_not_be_fit, unknown; "" sends null
    std::optional<qint64> durationSecs;
    std::optional<QString> summary;
    std::optional<QString> url;
    std::optional<QJsonObject> details;
    std::optional<QJsonArray> attachments; // [{url, description}]
    std::optional<QJsonArray> actions; // [{buttonText, endpoint}]
    std::optional<qint64> candidateId; // create only (immutable afterwards)
    std::optional<qint64> jobId;

    QJsonObject attributes(bool forCreate) const;
};

} // namespace intrvio::tt

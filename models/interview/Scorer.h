#pragma once

#include "models/interview/Template.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace intrvio {

// A candidate's answer to one question.
struct Answer
{
    QString questionId;
    QString text;
    friend bool operator==(const Answer &, const Answer &) = default;
};

// Grade bands (Partner API `assessment.grade`, teamtailor-protocol.md §5.1).
namespace Grade {
constexpr int TopFitMin = 75; // score >= 75: top_fit
constexpr int MightBeFitMin = 50; // score >= 50: might_be_fit; below: might_not_be_fit
constexpr auto TopFit = "top_fit";
constexpr auto MightBeFit = "might_be_fit";
constexpr auto MightNotBeFit = "might_not_be_fit";
// The grade name for a 0-100 score.
QString forScore(int score);
} // namespace Grade

struct CriterionScore
{
    QString id;
    int score = 0; // 0-100
    double weight = 0; // summed over the questions that use the criterion
    QStringList matched; // keywords found (for the report)
    QStringList missing; // keywords not found
    friend bool operator==(const CriterionScore &, const CriterionScore &) = default;
};

struct ScoreResult
{
    int score = 0; // weighted overall, 0-100
    QString grade; // Grade::TopFit / MightBeFit / MightNotBeFit
    QList<CriterionScore> criteria; // in the template's first-appearance order
    QString summary; // the first sentence stands alone within 150 characters (the candidate modal's limit)
    QString scorer; // which scorer produced it ("rubric", "openai:<model>")
};

struct ScoreOutcome
{
    bool ok = false;
    ScoreResult result;
    QString error; // when !ok: what went wrong and how to fix it
};

// Turns a transcript into a score. Implementations may be asynchronous (a remote model) or call
// `done` before score() returns (the rubric scorer); either way `done` runs exactly once, on the
// caller's thread.
class Scorer
{
public:
    virtual ~Scorer() = default;
    virtual QString name() const = 0;
    virtual void score(const InterviewTemplate &tpl, const QList<Answer> &answers,
        std::function<void(const ScoreOutcome &)> done)
        = 0;
};

// Weighted overall score from criterion scores (weights as given), rounded; 0 without weights. Pure.
int weightedScore(const QList<CriterionScore> &criteria);

// Summary text: a first sentence of at most 150 characters that stands alone (grade, score, strongest
// and weakest criteria as far as they fit), then details. Pure.
QString summarize(const QString &templateName, int score, const QList<CriterionScore> &criteria);

constexpr int SummaryStandaloneLength = 150;

} // namespace intrvio

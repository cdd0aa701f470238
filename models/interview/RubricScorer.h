#pragma once

#include "models/interview/Scorer.h"

namespace intrvio {

// The built-in deterministic scorer. For each question, each criterion scores the share of its
// keywords found in the answer to that question (0-100); a criterion used by several questions gets
// the weight-averaged score. Overall is the weighted mean over criteria. Keywords match
// case-insensitively on whole words with light stemming ("leading", "leads" and "led" match "lead";
// "team" does not match "steam"); a keyword of several words matches that sequence of words.
class RubricScorer final : public Scorer
{
public:
    QString name() const override { return QStringLiteral("rubric"); }
    void score(const InterviewTemplate &tpl, const QList<Answer> &answers,
        std::function<void(const ScoreOutcome &)> done) override;

    // The pure core.
    static ScoreResult evaluate(const InterviewTemplate &tpl, const QList<Answer> &answers);

    // Exposed for tests: lowercase word tokens of a text, each stemmed.
    static QStringList stems(const QString &text);
    static QString stem(const QString &word);
    // Whether `keyword` (one or more words) occurs in the stemmed token list.
    static bool matches(const QStringList &answerStems, const QString &keyword);
};

} // namespace intrvio

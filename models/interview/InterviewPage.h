#pragma once

#include "models/interview/InterviewToken.h"
#include "models/interview/Scorer.h"
#include "models/interview/Template.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace intrvio {

// Pure renderers and the answer parser for the candidate-facing interview page (ARCHITECTURE.md §4,
// "Interview page contract"). The webhook server routes `GET/POST /interview/<token>` and
// `GET /interview/<token>.json` to these; nothing here does I/O.
namespace InterviewPage {

constexpr int MaxAnswerChars = 5000;
constexpr qint64 MaxBodyBytes = 512 * 1024;
constexpr auto ConsentField = "consent";
constexpr auto AnswerFieldPrefix = "answer-"; // HTML form field of a question: answer-<question id>

struct Model
{
    InterviewTemplate tpl;
    QString formAction; // where the form posts, e.g. "/interview/<token>"
    QString companyName; // optional
    QString jobTitle; // optional
    QString candidateName; // optional, first name for the greeting
    QDateTime expiresAt;
    // Re-rendering after a rejected submission: what the candidate typed and what was wrong.
    QList<Answer> previousAnswers;
    QList<ValidationProblem> problems;
    bool consentGiven = false;
};

// The HTML page: AI-use disclosure and consent first, then the questions. Accessible (lang, labels,
// fieldset/legend, an error summary with role="alert" linking to the fields) and works without
// JavaScript (there is none).
QByteArray renderHtml(const Model &m);

// `{"interview": {...}, "questions": [{"id": "...", "text": "..."}]}`.
QByteArray renderJson(const Model &m);

// A short page for a link that is no longer open (expired, already submitted, cancelled) or the thank-you
// page after a submission (Access::Submitted with `justSubmitted`).
QByteArray renderClosedHtml(InterviewToken::Access access, bool justSubmitted = false);

// The read-only transcript/report for recruiters (the partner result's `url`).
struct Report
{
    InterviewTemplate tpl;
    QString candidateName;
    QString jobTitle;
    QDateTime startedAt;
    QDateTime completedAt;
    QList<Answer> answers;
    ScoreResult score;
};
QByteArray renderReportHtml(const Report &r);

// The submitted answers, validated against the template.
struct Submission
{
    int httpStatus = 400; // 200 when ok; 400 invalid, 413 too large, 415 unsupported content type
    QList<Answer> answers; // in the template's question order, trimmed
    bool consent = false;
    QList<ValidationProblem> problems; // each with the field or JSON path it refers to
    bool ok() const { return problems.isEmpty(); }
};

// Accepts `application/x-www-form-urlencoded` (fields consent=yes and answer-<id>) and
// `application/json` (`{"answers": [{"id", "text"}], "consent": true}`, consent optional in JSON:
// a JSON client shows the disclosure itself, but `"consent": false` is refused). Every question needs
// a non-empty answer of at most MaxAnswerChars characters; unknown question ids and duplicates are
// errors. Pure.
Submission parseSubmission(
    const QByteArray &contentType, const QByteArray &body, const InterviewTemplate &tpl);

} // namespace InterviewPage

} // namespace intrvio

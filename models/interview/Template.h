#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace intrvio {

// One scoring criterion of a question: the answer is searched for the keywords (case-insensitive,
// whole words, simple stemming; see RubricScorer) and the criterion weighs `weight` in the total.
struct Criterion
{
    QString id;
    QStringList keywords;
    double weight = 1.0;

    friend bool operator==(const Criterion &, const Criterion &) = default;
};

struct Question
{
    QString id;
    QString text;
    QList<Criterion> criteria;

    friend bool operator==(const Question &, const Question &) = default;
};

// An interview template: the questions a candidate answers and the rubric that scores them.
struct InterviewTemplate
{
    static constexpr int DefaultExpiryDays = 7;
    static constexpr int MaxExpiryDays = 90;

    QString id; // stable, [a-z0-9-_.], referenced by mappings and the mapping file
    QString name; // shown to recruiters and on the candidate page
    QString language = QStringLiteral("en"); // BCP 47 tag, used as the page's lang attribute
    int expiryDays = DefaultExpiryDays; // how long an invite link stays valid
    QList<Question> questions;

    const Question *question(const QString &questionId) const;
    // Criteria ids in first-appearance order (a criterion id may recur across questions).
    QStringList criterionIds() const;

    friend bool operator==(const InterviewTemplate &, const InterviewTemplate &) = default;
};

// A problem found in a template or a mapping file, with the JSON path it refers to.
struct ValidationProblem
{
    QString path; // e.g. "templates[0].questions[1].criteria[0].weight"; empty for the whole document
    QString message; // what is wrong and, where useful, how to fix it
    QString toString() const { return path.isEmpty() ? message : path + QLatin1String(": ") + message; }
    friend bool operator==(const ValidationProblem &, const ValidationProblem &) = default;
};

namespace TemplateJson {

// The JSON shape used by the mapping file (ARCHITECTURE.md §4) and stored in templates.body:
// {"id", "name", "language", "expiryDays", "questions": [{"id", "text", "criteria": [{"id",
// "keywords": [...], "weight"}]}]}. "language" defaults to "en", "expiryDays" to 7, "criteria" to [].
QJsonObject toJson(const InterviewTemplate &t);

// Parses and validates one template; every problem is appended with `path` as prefix. Returns the
// template as far as it could be read (only meaningful when no problem was added). Pure.
InterviewTemplate fromJson(const QJsonValue &value, const QString &path, QList<ValidationProblem> *problems);

// Checks a template's content (ids, texts, keywords, weights, language, expiry; a template without
// questions is a problem because no interview can be taken with it). Pure.
QList<ValidationProblem> validate(const InterviewTemplate &t, const QString &path = {});

bool isValidId(const QString &id);
bool isValidLanguage(const QString &tag);

} // namespace TemplateJson

} // namespace intrvio

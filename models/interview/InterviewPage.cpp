#include "InterviewPage.h"

#include "models/interview/JsonCheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>
#include <QStringDecoder>

namespace intrvio::InterviewPage {

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString fieldName(const QString &questionId)
{
    return QString::fromLatin1(AnswerFieldPrefix) + questionId;
}

QString date(const QDateTime &t)
{
    return QLocale(QLocale::English).toString(t.toUTC(), QStringLiteral("d MMMM yyyy, HH:mm 'UTC'"));
}

// Kept small and inline: the page must work without any other request.
const char *const Style
    = "body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;color:#1a1a1a;background:#fafafa}"
      "main{max-width:44rem;margin:0 auto;padding:1.5rem}"
      "fieldset{border:1px solid #bbb;border-radius:.5rem;margin:1.5rem 0;padding:1rem}"
      "legend{font-weight:600;padding:0 .25rem}"
      "label{display:block;font-weight:600;margin:.75rem 0 .25rem}"
      ".consent label{display:inline;font-weight:400}"
      "textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem}"
      "button{font:inherit;padding:.6rem 1.4rem;border-radius:.4rem;border:0;background:#1b4dd6;color:#fff}"
      "button:focus,textarea:focus,input:focus{outline:3px solid #f5a623;outline-offset:2px}"
      ".errors{border:2px solid #b00020;padding:.75rem 1rem;background:#fff0f0}"
      ".hint{color:#555;font-size:.95rem;margin:0}"
      "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}";

QString head(const QString &lang, const QString &title)
{
    return QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"%1\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>%2</title>\n<style>%3</style>\n"
        "</head>\n<body>\n<main>\n")
        .arg(esc(lang), esc(title), QString::fromLatin1(Style));
}

const QString tail = QStringLiteral("</main>\n</body>\n</html>\n");

QString previousAnswer(const Model &m, const QString &questionId)
{
    for (const Answer &a : m.previousAnswers) {
        if (a.questionId == questionId)
            return a.text;
    }
    return {};
}

// The field a problem refers to, for the error summary's links.
QString anchorFor(const ValidationProblem &p)
{
    if (p.path == QLatin1String(ConsentField))
        return QString::fromLatin1(ConsentField);
    if (p.path.startsWith(QLatin1String(AnswerFieldPrefix)))
        return p.path;
    return {};
}

QString disclosure(const Model &m)
{
    const QString employer = m.companyName.isEmpty() ? QStringLiteral("the employer") : esc(m.companyName);
    return QStringLiteral(
        "<p>This is a written interview. When you submit, your answers are scored automatically by "
        "software (an AI assessment) against criteria that %1 chose for this role. The result is a score, "
        "a grade and a short summary.</p>\n"
        "<p>A recruiter at %1 sees the score, the summary and your full answers, and people make the "
        "decision: the software does not decide on its own. Your answers are used only for this "
        "application.</p>\n")
        .arg(employer);
}

} // namespace

QByteArray renderHtml(const Model &m)
{
    const QString lang = m.tpl.language.isEmpty() ? QStringLiteral("en") : m.tpl.language;
    QString h = head(QStringLiteral("en"), m.tpl.name + QStringLiteral(" – interview"));
    h += QStringLiteral("<h1>%1</h1>\n").arg(esc(m.tpl.name));
    QString intro = m.candidateName.isEmpty() ? QStringLiteral("Hello")
                                              : QStringLiteral("Hello %1").arg(esc(m.candidateName));
    if (!m.jobTitle.isEmpty() && !m.companyName.isEmpty())
        intro += QStringLiteral(", this interview is part of your application for %1 at %2.")
                     .arg(esc(m.jobTitle), esc(m.companyName));
    else if (!m.jobTitle.isEmpty())
        intro += QStringLiteral(", this interview is part of your application for %1.").arg(esc(m.jobTitle));
    else
        intro += QStringLiteral(", thank you for taking this interview.");
    h += QStringLiteral("<p>%1</p>\n").arg(intro);

    if (!m.problems.isEmpty()) {
        h += QStringLiteral(
            "<div class=\"errors\" role=\"alert\" aria-labelledby=\"errors-heading\" tabindex=\"-1\">\n"
            "<h2 id=\"errors-heading\">Your answers were not sent. Please fix the following:</h2>\n<ul>\n");
        for (const ValidationProblem &p : m.problems) {
            const QString anchor = anchorFor(p);
            if (anchor.isEmpty())
                h += QStringLiteral("<li>%1</li>\n").arg(esc(p.message));
            else
                h += QStringLiteral("<li><a href=\"#%1\">%2</a></li>\n").arg(esc(anchor), esc(p.message));
        }
        h += QStringLiteral("</ul>\n</div>\n");
    }

    h += QStringLiteral("<form method=\"post\" action=\"%1\" accept-charset=\"utf-8\">\n")
             .arg(esc(m.formAction));
    h += QStringLiteral("<section aria-labelledby=\"disclosure-heading\">\n"
                        "<h2 id=\"disclosure-heading\">Before you start: how this interview uses AI</h2>\n");
    h += disclosure(m);
    if (m.expiresAt.isValid())
        h += QStringLiteral(
            "<p>This link is personal. It works until %1, and you can submit your answers once.</p>\n")
                 .arg(esc(date(m.expiresAt)));
    h += QStringLiteral("<fieldset class=\"consent\">\n<legend>Your consent</legend>\n"
                        "<input type=\"checkbox\" id=\"%1\" name=\"%1\" value=\"yes\" required%2>\n"
                        "<label for=\"%1\">I have read how my answers are evaluated and I agree to take this "
                        "interview.</label>\n</fieldset>\n</section>\n")
             .arg(QString::fromLatin1(ConsentField), m.consentGiven ? QStringLiteral(" checked") : QString());

    h += QStringLiteral("<fieldset lang=\"%1\">\n<legend>Questions (%2)</legend>\n")
             .arg(esc(lang))
             .arg(m.tpl.questions.size());
    h += QStringLiteral(
        "<p class=\"hint\" lang=\"en\">Answer every question in your own words, at most %1 characters "
        "each.</p>\n")
             .arg(MaxAnswerChars);
    for (qsizetype i = 0; i < m.tpl.questions.size(); ++i) {
        const Question &q = m.tpl.questions.at(i);
        const QString field = fieldName(q.id);
        bool invalid = false;
        for (const ValidationProblem &p : m.problems)
            invalid = invalid || p.path == field;
        h += QStringLiteral(
            "<div class=\"question\">\n<label for=\"%1\">%2. %3</label>\n"
            "<textarea id=\"%1\" name=\"%1\" rows=\"8\" maxlength=\"%4\" required%5>%6</textarea>\n"
            "</div>\n")
                 .arg(esc(field))
                 .arg(i + 1)
                 .arg(esc(q.text))
                 .arg(MaxAnswerChars)
                 .arg(invalid ? QStringLiteral(" aria-invalid=\"true\"") : QString(),
                     esc(previousAnswer(m, q.id)));
    }
    h += QStringLiteral("</fieldset>\n<button type=\"submit\">Submit my answers</button>\n</form>\n");
    h += tail;
    return h.toUtf8();
}

QByteArray renderJson(const Model &m)
{
    QJsonArray questions;
    for (const Question &q : m.tpl.questions)
        questions.append(QJsonObject { { QStringLiteral("id"), q.id }, { QStringLiteral("text"), q.text } });
    QJsonObject interview {
        { QStringLiteral("template"), m.tpl.id },
        { QStringLiteral("name"), m.tpl.name },
        { QStringLiteral("language"), m.tpl.language },
        { QStringLiteral("state"), QStringLiteral("open") },
        { QStringLiteral("disclosure"),
            QStringLiteral(
                "Your answers are scored automatically by software (an AI assessment) against criteria "
                "the employer chose; a recruiter sees the score, a summary and your answers, and people make "
                "the decision.") },
        { QStringLiteral("consentRequired"), true },
        { QStringLiteral("maxAnswerLength"), MaxAnswerChars },
        { QStringLiteral("submit"), m.formAction },
    };
    if (m.expiresAt.isValid())
        interview.insert(QStringLiteral("expiresAt"), m.expiresAt.toUTC().toString(Qt::ISODate));
    if (!m.jobTitle.isEmpty())
        interview.insert(QStringLiteral("job"), m.jobTitle);
    if (!m.companyName.isEmpty())
        interview.insert(QStringLiteral("company"), m.companyName);
    return QJsonDocument(QJsonObject { { QStringLiteral("interview"), interview },
                             { QStringLiteral("questions"), questions } })
        .toJson(QJsonDocument::Compact);
}

QByteArray renderClosedHtml(InterviewToken::Access access, bool justSubmitted)
{
    QString title;
    QString text;
    if (justSubmitted) {
        title = QStringLiteral("Thank you");
        text = QStringLiteral(
            "Your answers were received. The recruiter will be in touch; you can close this page.");
    } else {
        title = access == InterviewToken::Access::Submitted ? QStringLiteral("Already submitted")
                                                            : QStringLiteral("Interview not available");
        text = InterviewToken::describe(access);
    }
    return (head(QStringLiteral("en"), title)
        + QStringLiteral("<h1>%1</h1>\n<p>%2</p>\n").arg(esc(title), esc(text)) + tail)
        .toUtf8();
}

QByteArray renderReportHtml(const Report &r)
{
    const QString who = r.candidateName.isEmpty() ? QStringLiteral("Candidate") : r.candidateName;
    QString h = head(QStringLiteral("en"), QStringLiteral("%1 – %2 report").arg(who, r.tpl.name));
    h += QStringLiteral("<h1>%1: %2</h1>\n").arg(esc(r.tpl.name), esc(who));
    if (!r.jobTitle.isEmpty())
        h += QStringLiteral("<p>Job: %1</p>\n").arg(esc(r.jobTitle));
    h += QStringLiteral(
        "<section aria-labelledby=\"result-heading\">\n<h2 id=\"result-heading\">Result</h2>\n"
        "<dl>\n<dt>Score</dt><dd>%1/100</dd>\n<dt>Grade</dt><dd>%2</dd>\n")
             .arg(r.score.score)
             .arg(esc(r.score.grade));
    if (r.completedAt.isValid())
        h += QStringLiteral("<dt>Completed</dt><dd>%1</dd>\n").arg(esc(date(r.completedAt)));
    if (r.startedAt.isValid() && r.completedAt.isValid()) {
        const qint64 secs = qMax<qint64>(0, r.startedAt.secsTo(r.completedAt));
        h += QStringLiteral("<dt>Duration</dt><dd>%1 min %2 s</dd>\n").arg(secs / 60).arg(secs % 60);
    }
    if (!r.score.scorer.isEmpty())
        h += QStringLiteral("<dt>Scored by</dt><dd>%1</dd>\n").arg(esc(r.score.scorer));
    h += QStringLiteral("</dl>\n<p>%1</p>\n").arg(esc(r.score.summary));
    h += QStringLiteral(
        "<p>This score was produced automatically from the written answers below. Read the answers "
        "before deciding.</p>\n</section>\n");
    if (!r.score.criteria.isEmpty()) {
        h += QStringLiteral(
            "<table>\n<caption>Scores by criterion</caption>\n<thead><tr><th scope=\"col\">Criterion</th>"
            "<th scope=\"col\">Score</th><th scope=\"col\">Evidence found</th></tr></thead>\n<tbody>\n");
        for (const CriterionScore &c : r.score.criteria) {
            h += QStringLiteral("<tr><th scope=\"row\">%1</th><td>%2</td><td>%3</td></tr>\n")
                     .arg(esc(c.id))
                     .arg(c.score)
                     .arg(esc(
                         c.matched.isEmpty() ? QStringLiteral("none") : c.matched.join(QLatin1String(", "))));
        }
        h += QStringLiteral("</tbody>\n</table>\n");
    }
    h += QStringLiteral("<section aria-labelledby=\"transcript-heading\" lang=\"%1\">\n"
                        "<h2 id=\"transcript-heading\" lang=\"en\">Transcript</h2>\n")
             .arg(esc(r.tpl.language));
    for (qsizetype i = 0; i < r.tpl.questions.size(); ++i) {
        const Question &q = r.tpl.questions.at(i);
        QString answer;
        for (const Answer &a : r.answers) {
            if (a.questionId == q.id)
                answer = a.text;
        }
        h += QStringLiteral("<h3>%1. %2</h3>\n<blockquote><p>%3</p></blockquote>\n")
                 .arg(i + 1)
                 .arg(esc(q.text),
                     answer.isEmpty() ? QStringLiteral("<em lang=\"en\">No answer</em>")
                                      : esc(answer).replace(QLatin1Char('\n'), QLatin1String("<br>")));
    }
    h += QStringLiteral("</section>\n") + tail;
    return h.toUtf8();
}

namespace {

bool decodeUtf8(const QByteArray &bytes, QString *out)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    *out = decoder.decode(bytes);
    return !decoder.hasError();
}

QByteArray mimeType(const QByteArray &contentType)
{
    return contentType.split(';').value(0).trimmed().toLower();
}

void finish(Submission &s, const InterviewTemplate &tpl, const QHash<QString, QString> &byQuestion,
    const QHash<QString, QString> &pathOf, bool formStyle)
{
    for (const Question &q : tpl.questions) {
        const QString text = byQuestion.value(q.id).trimmed();
        const QString path = formStyle ? fieldName(q.id) : pathOf.value(q.id, QStringLiteral("answers"));
        if (text.isEmpty()) {
            s.problems.append({ formStyle ? fieldName(q.id) : QStringLiteral("answers"),
                QStringLiteral("missing an answer to question %1 ('%2')")
                    .arg(tpl.questions.indexOf(q) + 1)
                    .arg(q.id) });
        } else if (text.size() > MaxAnswerChars) {
            s.problems.append({ path,
                QStringLiteral("the answer to question %1 is %2 characters long; at most %3 are allowed")
                    .arg(tpl.questions.indexOf(q) + 1)
                    .arg(text.size())
                    .arg(MaxAnswerChars) });
        } else {
            s.answers.append({ q.id, text });
        }
    }
}

} // namespace

Submission parseSubmission(
    const QByteArray &contentType, const QByteArray &body, const InterviewTemplate &tpl)
{
    Submission s;
    if (body.size() > MaxBodyBytes) {
        s.httpStatus = 413;
        s.problems.append(
            { {}, QStringLiteral("the submission is larger than %1 KiB").arg(MaxBodyBytes / 1024) });
        return s;
    }
    const QByteArray type = mimeType(contentType);
    QHash<QString, QString> byQuestion;
    QHash<QString, QString> pathOf;

    if (type == "application/x-www-form-urlencoded") {
        QSet<QString> seen;
        for (const QByteArray &pair : body.split('&')) {
            if (pair.isEmpty())
                continue;
            const qsizetype eq = pair.indexOf('=');
            QByteArray rawKey = eq < 0 ? pair : pair.left(eq);
            QByteArray rawValue = eq < 0 ? QByteArray() : pair.mid(eq + 1);
            rawKey.replace('+', ' ');
            rawValue.replace('+', ' ');
            QString key;
            QString value;
            if (!decodeUtf8(QByteArray::fromPercentEncoding(rawKey), &key)
                || !decodeUtf8(QByteArray::fromPercentEncoding(rawValue), &value)) {
                s.problems.append({ {}, QStringLiteral("the form data is not valid UTF-8") });
                return s;
            }
            if (key == QLatin1String(ConsentField)) {
                s.consent = value == QLatin1String("yes") || value == QLatin1String("on")
                    || value == QLatin1String("true");
                continue;
            }
            if (!key.startsWith(QLatin1String(AnswerFieldPrefix))) {
                s.problems.append({ key, QStringLiteral("unknown form field") });
                continue;
            }
            const QString id = key.mid(qstrlen(AnswerFieldPrefix));
            if (!tpl.question(id)) {
                s.problems.append({ key, QStringLiteral("unknown question '%1'").arg(id) });
                continue;
            }
            if (seen.contains(id)) {
                s.problems.append({ key, QStringLiteral("question '%1' is answered twice").arg(id) });
                continue;
            }
            seen.insert(id);
            byQuestion.insert(id, value);
        }
        if (!s.consent)
            s.problems.append({ QString::fromLatin1(ConsentField),
                QStringLiteral("please confirm that you have read how your answers are evaluated") });
        finish(s, tpl, byQuestion, pathOf, true);
    } else if (type == "application/json") {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error != QJsonParseError::NoError) {
            s.problems.append({ {},
                QStringLiteral("malformed JSON at offset %1: %2")
                    .arg(error.offset)
                    .arg(error.errorString()) });
            return s;
        }
        if (!doc.isObject()) {
            s.problems.append(
                { {}, QStringLiteral("expected an object {\"answers\": [{\"id\", \"text\"}]}") });
            return s;
        }
        const QJsonObject root = doc.object();
        jsoncheck::unknownKeys(root, { "answers", "consent" }, {}, &s.problems);
        const QJsonValue consent = root.value(QLatin1String(ConsentField));
        if (consent.isUndefined()) {
            s.consent = true;
        } else if (!consent.isBool()) {
            s.problems.append({ QString::fromLatin1(ConsentField), QStringLiteral("must be true or false") });
        } else {
            s.consent = consent.toBool();
            if (!s.consent)
                s.problems.append({ QString::fromLatin1(ConsentField),
                    QStringLiteral("the candidate did not consent; the interview cannot be submitted") });
        }
        const QJsonValue answers = root.value(QLatin1String("answers"));
        if (!answers.isArray()) {
            s.problems.append({ QStringLiteral("answers"),
                answers.isUndefined()
                    ? QStringLiteral("is required: [{\"id\": \"<question id>\", \"text\": \"...\"}]")
                    : QStringLiteral("must be an array, not %1").arg(jsoncheck::typeName(answers)) });
            return s;
        }
        const QJsonArray list = answers.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString p = jsoncheck::index(QStringLiteral("answers"), i);
            if (!list.at(i).isObject()) {
                s.problems.append({ p,
                    QStringLiteral("must be an object {\"id\", \"text\"}, not %1")
                        .arg(jsoncheck::typeName(list.at(i))) });
                continue;
            }
            const QJsonObject o = list.at(i).toObject();
            const qsizetype before = s.problems.size();
            jsoncheck::unknownKeys(o, { "id", "text" }, p, &s.problems);
            const QString id = jsoncheck::requiredString(o, "id", p, &s.problems);
            const QJsonValue text = o.value(QLatin1String("text"));
            if (!text.isString())
                s.problems.append({ jsoncheck::join(p, QStringLiteral("text")),
                    text.isUndefined()
                        ? QStringLiteral("is required")
                        : QStringLiteral("must be a string, not %1").arg(jsoncheck::typeName(text)) });
            if (s.problems.size() != before)
                continue;
            if (!tpl.question(id)) {
                s.problems.append({ jsoncheck::join(p, QStringLiteral("id")),
                    QStringLiteral("unknown question '%1'").arg(id) });
                continue;
            }
            if (byQuestion.contains(id)) {
                s.problems.append({ jsoncheck::join(p, QStringLiteral("id")),
                    QStringLiteral("question '%1' is answered twice").arg(id) });
                continue;
            }
            byQuestion.insert(id, text.toString());
            pathOf.insert(id, jsoncheck::join(p, QStringLiteral("text")));
        }
        finish(s, tpl, byQuestion, pathOf, false);
    } else {
        s.httpStatus = 415;
        s.problems.append({ {},
            QStringLiteral("unsupported content type '%1'; send application/x-www-form-urlencoded "
                           "or application/json")
                .arg(QString::fromLatin1(type)) });
        return s;
    }
    if (s.ok())
        s.httpStatus = 200;
    else
        s.answers.clear();
    return s;
}

} // namespace intrvio::InterviewPage

#include "Template.h"

#include "models/interview/JsonCheck.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

namespace intrvio {

using namespace jsoncheck;

namespace {

constexpr int MaxQuestions = 50;
constexpr int MaxCriteriaPerQuestion = 20;
constexpr int MaxQuestionText = 2000;
constexpr int MaxNameLength = 200;
constexpr int MaxKeywordLength = 80;
constexpr double MaxWeight = 100.0;

} // namespace

const Question *InterviewTemplate::question(const QString &questionId) const
{
    for (const Question &q : questions) {
        if (q.id == questionId)
            return &q;
    }
    return nullptr;
}

QStringList InterviewTemplate::criterionIds() const
{
    QStringList ids;
    for (const Question &q : questions) {
        for (const Criterion &c : q.criteria) {
            if (!ids.contains(c.id))
                ids << c.id;
        }
    }
    return ids;
}

namespace TemplateJson {

bool isValidId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re.match(id).hasMatch();
}

bool isValidLanguage(const QString &tag)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"));
    return re.match(tag).hasMatch();
}

QJsonObject toJson(const InterviewTemplate &t)
{
    QJsonArray questions;
    for (const Question &q : t.questions) {
        QJsonArray criteria;
        for (const Criterion &c : q.criteria) {
            criteria.append(QJsonObject { { QStringLiteral("id"), c.id },
                { QStringLiteral("keywords"), QJsonArray::fromStringList(c.keywords) },
                { QStringLiteral("weight"), c.weight } });
        }
        questions.append(QJsonObject { { QStringLiteral("id"), q.id }, { QStringLiteral("text"), q.text },
            { QStringLiteral("criteria"), criteria } });
    }
    return QJsonObject { { QStringLiteral("id"), t.id }, { QStringLiteral("name"), t.name },
        { QStringLiteral("language"), t.language }, { QStringLiteral("expiryDays"), t.expiryDays },
        { QStringLiteral("questions"), questions } };
}

InterviewTemplate fromJson(const QJsonValue &value, const QString &path, QList<ValidationProblem> *problems)
{
    InterviewTemplate t;
    if (!value.isObject()) {
        problems->append({ path, QStringLiteral("must be an object, not %1").arg(typeName(value)) });
        return t;
    }
    const QJsonObject o = value.toObject();
    const qsizetype before = problems->size();
    unknownKeys(o, { "id", "name", "language", "expiryDays", "questions" }, path, problems);
    t.id = requiredString(o, "id", path, problems);
    t.name = requiredString(o, "name", path, problems);
    t.language = optionalString(o, "language", path, problems, QStringLiteral("en"));
    t.expiryDays = optionalInt(o, "expiryDays", 1, InterviewTemplate::MaxExpiryDays,
        InterviewTemplate::DefaultExpiryDays, path, problems);

    const QString qpath = join(path, QStringLiteral("questions"));
    const QJsonValue qv = o.value(QLatin1String("questions"));
    if (qv.isUndefined()) {
        problems->append({ qpath, QStringLiteral("is required (a template needs at least one question)") });
    } else if (!qv.isArray()) {
        problems->append({ qpath, QStringLiteral("must be an array, not %1").arg(typeName(qv)) });
    } else {
        const QJsonArray qa = qv.toArray();
        for (qsizetype i = 0; i < qa.size(); ++i) {
            const QString qp = index(qpath, i);
            if (!qa.at(i).isObject()) {
                problems->append({ qp, QStringLiteral("must be an object, not %1").arg(typeName(qa.at(i))) });
                continue;
            }
            const QJsonObject qo = qa.at(i).toObject();
            unknownKeys(qo, { "id", "text", "criteria" }, qp, problems);
            Question q;
            q.id = requiredString(qo, "id", qp, problems);
            q.text = requiredString(qo, "text", qp, problems);
            const QString cpath = join(qp, QStringLiteral("criteria"));
            const QJsonValue cv = qo.value(QLatin1String("criteria"));
            if (!cv.isUndefined() && !cv.isArray()) {
                problems->append({ cpath, QStringLiteral("must be an array, not %1").arg(typeName(cv)) });
            } else {
                const QJsonArray ca = cv.toArray();
                for (qsizetype j = 0; j < ca.size(); ++j) {
                    const QString cp = index(cpath, j);
                    if (!ca.at(j).isObject()) {
                        problems->append(
                            { cp, QStringLiteral("must be an object, not %1").arg(typeName(ca.at(j))) });
                        continue;
                    }
                    const QJsonObject co = ca.at(j).toObject();
                    unknownKeys(co, { "id", "keywords", "weight" }, cp, problems);
                    Criterion c;
                    c.id = requiredString(co, "id", cp, problems);
                    const QJsonValue kv = co.value(QLatin1String("keywords"));
                    const QString kp = join(cp, QStringLiteral("keywords"));
                    if (kv.isUndefined()) {
                        problems->append({ kp, QStringLiteral("is required (a list of words or phrases)") });
                    } else if (!kv.isArray()) {
                        problems->append(
                            { kp, QStringLiteral("must be an array of strings, not %1").arg(typeName(kv)) });
                    } else {
                        const QJsonArray ka = kv.toArray();
                        for (qsizetype k = 0; k < ka.size(); ++k) {
                            if (!ka.at(k).isString())
                                problems->append({ index(kp, k),
                                    QStringLiteral("must be a string, not %1").arg(typeName(ka.at(k))) });
                            else
                                c.keywords << ka.at(k).toString().trimmed();
                        }
                    }
                    const QJsonValue wv = co.value(QLatin1String("weight"));
                    if (!wv.isUndefined() && !wv.isDouble())
                        problems->append({ join(cp, QStringLiteral("weight")),
                            QStringLiteral("must be a number, not %1").arg(typeName(wv)) });
                    else
                        c.weight = wv.toDouble(1.0);
                    q.criteria << c;
                }
            }
            t.questions << q;
        }
    }
    // Content checks only when the shape was right, so each mistake is reported once.
    if (problems->size() == before)
        problems->append(validate(t, path));
    return t;
}

QList<ValidationProblem> validate(const InterviewTemplate &t, const QString &path)
{
    QList<ValidationProblem> problems;
    auto add = [&](const QString &p, const QString &m) { problems.append({ p, m }); };
    if (!isValidId(t.id))
        add(join(path, QStringLiteral("id")),
            QStringLiteral(
                "'%1' is not a valid id (1-64 letters, digits, '.', '_' or '-', starting with a letter or "
                "digit)")
                .arg(t.id));
    if (t.name.trimmed().isEmpty())
        add(join(path, QStringLiteral("name")), QStringLiteral("must not be empty"));
    else if (t.name.size() > MaxNameLength)
        add(join(path, QStringLiteral("name")),
            QStringLiteral("is longer than %1 characters").arg(MaxNameLength));
    if (!isValidLanguage(t.language))
        add(join(path, QStringLiteral("language")),
            QStringLiteral("'%1' is not a language tag such as \"en\", \"sv\" or \"en-GB\"").arg(t.language));
    if (t.expiryDays < 1 || t.expiryDays > InterviewTemplate::MaxExpiryDays)
        add(join(path, QStringLiteral("expiryDays")),
            QStringLiteral("must be from 1 to %1").arg(InterviewTemplate::MaxExpiryDays));

    const QString qpath = join(path, QStringLiteral("questions"));
    if (t.questions.isEmpty())
        add(qpath, QStringLiteral("the template has no questions; add at least one"));
    if (t.questions.size() > MaxQuestions)
        add(qpath,
            QStringLiteral("has %1 questions; at most %2 are allowed")
                .arg(t.questions.size())
                .arg(MaxQuestions));
    QSet<QString> questionIds;
    for (qsizetype i = 0; i < t.questions.size(); ++i) {
        const Question &q = t.questions.at(i);
        const QString qp = index(qpath, i);
        if (!isValidId(q.id))
            add(join(qp, QStringLiteral("id")), QStringLiteral("'%1' is not a valid id").arg(q.id));
        else if (questionIds.contains(q.id))
            add(join(qp, QStringLiteral("id")), QStringLiteral("duplicate question id '%1'").arg(q.id));
        questionIds.insert(q.id);
        if (q.text.trimmed().isEmpty())
            add(join(qp, QStringLiteral("text")), QStringLiteral("must not be empty"));
        else if (q.text.size() > MaxQuestionText)
            add(join(qp, QStringLiteral("text")),
                QStringLiteral("is longer than %1 characters").arg(MaxQuestionText));
        if (q.criteria.size() > MaxCriteriaPerQuestion)
            add(join(qp, QStringLiteral("criteria")),
                QStringLiteral("at most %1 criteria per question").arg(MaxCriteriaPerQuestion));
        QSet<QString> criterionIds;
        for (qsizetype j = 0; j < q.criteria.size(); ++j) {
            const Criterion &c = q.criteria.at(j);
            const QString cp = index(join(qp, QStringLiteral("criteria")), j);
            if (!isValidId(c.id))
                add(join(cp, QStringLiteral("id")), QStringLiteral("'%1' is not a valid id").arg(c.id));
            else if (criterionIds.contains(c.id))
                add(join(cp, QStringLiteral("id")),
                    QStringLiteral("duplicate criterion id '%1' in this question").arg(c.id));
            criterionIds.insert(c.id);
            if (c.keywords.isEmpty())
                add(join(cp, QStringLiteral("keywords")), QStringLiteral("needs at least one keyword"));
            for (qsizetype k = 0; k < c.keywords.size(); ++k) {
                const QString &kw = c.keywords.at(k);
                static const QRegularExpression word(
                    QStringLiteral("\\w"), QRegularExpression::UseUnicodePropertiesOption);
                if (!word.match(kw).hasMatch())
                    add(index(join(cp, QStringLiteral("keywords")), k),
                        QStringLiteral("must contain at least one letter or digit"));
                else if (kw.size() > MaxKeywordLength)
                    add(index(join(cp, QStringLiteral("keywords")), k),
                        QStringLiteral("is longer than %1 characters").arg(MaxKeywordLength));
            }
            if (!(c.weight > 0.0) || c.weight > MaxWeight)
                add(join(cp, QStringLiteral("weight")),
                    QStringLiteral("must be greater than 0 and at most %1, not %2")
                        .arg(MaxWeight)
                        .arg(c.weight));
        }
    }
    return problems;
}

} // namespace TemplateJson

} // namespace intrvio

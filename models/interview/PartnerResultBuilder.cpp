#include "PartnerResultBuilder.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace intrvio::PartnerResultBuilder {

namespace {

constexpr int MaxDetailKey = 200;

QString questionKey(int number, const QString &text)
{
    QString key = QStringLiteral("%1. %2").arg(number).arg(text.simplified());
    if (key.size() > MaxDetailKey)
        key = key.left(MaxDetailKey - 1) + QChar(0x2026);
    return key;
}

bool isScore(const QJsonValue &v)
{
    return v.isDouble() && v.toDouble() >= 0 && v.toDouble() <= 100;
}

} // namespace

QString duration(qint64 seconds)
{
    const qint64 s = qMax<qint64>(0, seconds);
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600, 2, 10, QLatin1Char('0'))
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

int depth(const QJsonValue &value)
{
    int deepest = 0;
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            deepest = qMax(deepest, depth(it.value()));
        return 1 + deepest;
    }
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray())
            deepest = qMax(deepest, depth(v));
        return 1 + deepest;
    }
    return 0;
}

QJsonObject completed(const CompletedInterview &interview)
{
    const ScoreResult &score = interview.score;
    qint64 seconds = 0;
    if (interview.startedAt.isValid() && interview.completedAt.isValid())
        seconds = interview.startedAt.secsTo(interview.completedAt);

    QJsonObject transcript;
    for (qsizetype i = 0; i < interview.tpl.questions.size(); ++i) {
        const Question &q = interview.tpl.questions.at(i);
        QString answer;
        for (const Answer &a : interview.answers) {
            if (a.questionId == q.id)
                answer = a.text;
        }
        transcript.insert(questionKey(static_cast<int>(i + 1), q.text),
            answer.isEmpty() ? QStringLiteral("(no answer)") : answer);
    }
    QJsonObject criteriaDetails;
    QJsonArray criteria;
    for (const CriterionScore &c : score.criteria) {
        criteriaDetails.insert(c.id, c.score);
        criteria.append(QJsonObject { { QStringLiteral("id"), c.id }, { QStringLiteral("score"), c.score } });
    }
    const QJsonObject details {
        { QStringLiteral("interview"), interview.tpl.name },
        { QStringLiteral("scored-by"), score.scorer },
        { QStringLiteral("transcript"), transcript },
        { QStringLiteral("criteria"), criteriaDetails },
    };
    QJsonObject attributes {
        { QStringLiteral("status"), QString::fromLatin1(StatusCompleted) },
        { QStringLiteral("assessment"),
            QJsonObject { { QStringLiteral("score"), score.score }, { QStringLiteral("grade"), score.grade },
                { QStringLiteral("duration"), duration(seconds) } } },
        { QStringLiteral("summary"), score.summary },
        { QStringLiteral("details"), details },
        { QStringLiteral("assessment-criteria"), criteria },
    };
    if (interview.reportUrl.isValid())
        attributes.insert(QStringLiteral("url"), interview.reportUrl.toString(QUrl::FullyEncoded));
    return attributes;
}

QJsonObject status(const QString &statusName, const QString &summary, const QUrl &url)
{
    QJsonObject attributes { { QStringLiteral("status"), statusName } };
    if (!summary.isEmpty())
        attributes.insert(QStringLiteral("summary"), summary);
    if (url.isValid())
        attributes.insert(QStringLiteral("url"), url.toString(QUrl::FullyEncoded));
    return attributes;
}

QJsonObject envelope(const QJsonObject &attributes, const QString &id)
{
    QJsonObject data { { QStringLiteral("type"), QStringLiteral("partner-results") },
        { QStringLiteral("attributes"), attributes } };
    if (!id.isEmpty())
        data.insert(QStringLiteral("id"), id);
    return QJsonObject { { QStringLiteral("data"), data } };
}

QList<ValidationProblem> validate(const QJsonObject &a, bool create)
{
    QList<ValidationProblem> problems;
    auto add = [&](const QString &path, const QString &message) { problems.append({ path, message }); };
    static const QStringList statuses { QString::fromLatin1(StatusSending), QString::fromLatin1(StatusSent),
        QString::fromLatin1(StatusPending), QString::fromLatin1(StatusCompleted),
        QString::fromLatin1(StatusFailed) };
    static const QStringList grades { QStringLiteral("top_fit"), QStringLiteral("might_be_fit"),
        QStringLiteral("might_not_be_fit"), QStringLiteral("unknown") };
    static const QStringList known { QStringLiteral("status"), QStringLiteral("assessment"),
        QStringLiteral("details"), QStringLiteral("summary"), QStringLiteral("url"),
        QStringLiteral("candidate-id"), QStringLiteral("job-id"), QStringLiteral("attachments"),
        QStringLiteral("actions"), QStringLiteral("assessment-criteria"), QStringLiteral("criteria") };
    for (auto it = a.begin(); it != a.end(); ++it) {
        if (!known.contains(it.key()))
            add(it.key(), QStringLiteral("not a partner-result attribute"));
    }

    const QJsonValue st = a.value(QLatin1String("status"));
    if (st.isUndefined()) {
        if (create)
            add(QStringLiteral("status"), QStringLiteral("is required on create"));
    } else if (!statuses.contains(st.toString())) {
        add(QStringLiteral("status"),
            QStringLiteral("must be one of %1").arg(statuses.join(QLatin1String(", "))));
    }

    const QJsonValue assessment = a.value(QLatin1String("assessment"));
    if (!assessment.isUndefined()) {
        if (!assessment.isObject()) {
            add(QStringLiteral("assessment"), QStringLiteral("must be an object"));
        } else {
            const QJsonObject o = assessment.toObject();
            const QJsonValue score = o.value(QLatin1String("score"));
            if (!score.isUndefined() && !score.isNull() && !isScore(score))
                add(QStringLiteral("assessment.score"), QStringLiteral("must be a number from 0 to 100"));
            const QJsonValue grade = o.value(QLatin1String("grade"));
            if (!grade.isUndefined() && !grade.isNull() && !grades.contains(grade.toString()))
                add(QStringLiteral("assessment.grade"),
                    QStringLiteral("must be one of %1, or null").arg(grades.join(QLatin1String(", "))));
            const QJsonValue dur = o.value(QLatin1String("duration"));
            static const QRegularExpression hms(QStringLiteral("^\\d+:[0-5]\\d:[0-5]\\d$"));
            if (!dur.isUndefined() && !dur.isNull()
                && !((dur.isDouble() && dur.toDouble() >= 0)
                    || (dur.isString() && hms.match(dur.toString()).hasMatch())))
                add(QStringLiteral("assessment.duration"), QStringLiteral("must be seconds or \"HH:MM:SS\""));
        }
    }

    const QJsonValue details = a.value(QLatin1String("details"));
    if (!details.isUndefined()) {
        if (!details.isObject())
            add(QStringLiteral("details"), QStringLiteral("must be an object"));
        else if (depth(details) > 2)
            add(QStringLiteral("details"),
                QStringLiteral("is %1 levels deep; at most 2 are allowed").arg(depth(details)));
    }
    const QJsonValue summary = a.value(QLatin1String("summary"));
    if (!summary.isUndefined() && !summary.isString())
        add(QStringLiteral("summary"), QStringLiteral("must be a string"));
    const QJsonValue url = a.value(QLatin1String("url"));
    if (!url.isUndefined()) {
        const QUrl u(url.toString(), QUrl::StrictMode);
        if (!url.isString() || !u.isValid() || u.host().isEmpty()
            || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https")))
            add(QStringLiteral("url"), QStringLiteral("must be a valid http or https URL"));
    }
    const QJsonValue candidate = a.value(QLatin1String("candidate-id"));
    if (create) {
        if (candidate.isUndefined())
            add(QStringLiteral("candidate-id"), QStringLiteral("is required on create"));
        else if (!(candidate.isDouble()
                     || (candidate.isString()
                         && QRegularExpression(QStringLiteral("^\\d+$"))
                                .match(candidate.toString())
                                .hasMatch())))
            add(QStringLiteral("candidate-id"), QStringLiteral("must be numeric"));
    } else if (!candidate.isUndefined()) {
        add(QStringLiteral("candidate-id"), QStringLiteral("is immutable and must not be sent on update"));
    }
    const QJsonValue criteria = a.value(QLatin1String("assessment-criteria"));
    if (!criteria.isUndefined()) {
        if (!criteria.isArray()) {
            add(QStringLiteral("assessment-criteria"), QStringLiteral("must be an array"));
        } else {
            const QJsonArray list = criteria.toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                const QString p = QStringLiteral("assessment-criteria[%1]").arg(i);
                const QJsonObject o = list.at(i).toObject();
                if (!list.at(i).isObject() || !o.value(QLatin1String("id")).isString())
                    add(p, QStringLiteral("must be {id, score?} with a string id"));
                else if (o.contains(QLatin1String("score")) && !isScore(o.value(QLatin1String("score"))))
                    add(p + QStringLiteral(".score"), QStringLiteral("must be a number from 0 to 100"));
            }
        }
    }
    const QJsonValue attachments = a.value(QLatin1String("attachments"));
    if (!attachments.isUndefined()) {
        const QJsonArray list = attachments.toArray();
        if (!attachments.isArray())
            add(QStringLiteral("attachments"), QStringLiteral("must be an array"));
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QJsonObject o = list.at(i).toObject();
            if (o.keys() != QStringList { QStringLiteral("description"), QStringLiteral("url") })
                add(QStringLiteral("attachments[%1]").arg(i),
                    QStringLiteral("must be exactly {url, description}"));
        }
    }
    const QJsonValue actions = a.value(QLatin1String("actions"));
    if (!actions.isUndefined()) {
        const QJsonArray list = actions.toArray();
        if (!actions.isArray())
            add(QStringLiteral("actions"), QStringLiteral("must be an array"));
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QJsonObject o = list.at(i).toObject();
            if (!o.value(QLatin1String("buttonText")).isString()
                || !o.value(QLatin1String("endpoint")).isString())
                add(QStringLiteral("actions[%1]").arg(i), QStringLiteral("must be {buttonText, endpoint}"));
        }
    }
    return problems;
}

} // namespace intrvio::PartnerResultBuilder

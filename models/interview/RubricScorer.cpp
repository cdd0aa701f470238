#include "RubricScorer.h"

#include <QHash>
#include <QRegularExpression>

#include <cmath>

namespace intrvio {

namespace {

QString label(const QString &grade)
{
    if (grade == QLatin1String(Grade::TopFit))
        return QStringLiteral("Top fit");
    if (grade == QLatin1String(Grade::MightBeFit))
        return QStringLiteral("Might be a fit");
    return QStringLiteral("Might not be a fit");
}

QString readable(const QString &criterionId)
{
    QString s = criterionId;
    s.replace(QLatin1Char('-'), QLatin1Char(' ')).replace(QLatin1Char('_'), QLatin1Char(' '));
    return s;
}

// Irregular past forms common in interview answers, mapped to their base form.
const QHash<QString, QString> &irregular()
{
    static const QHash<QString, QString> map = {
        { QStringLiteral("led"), QStringLiteral("lead") },
        { QStringLiteral("built"), QStringLiteral("build") },
        { QStringLiteral("wrote"), QStringLiteral("write") },
        { QStringLiteral("written"), QStringLiteral("write") },
        { QStringLiteral("ran"), QStringLiteral("run") },
        { QStringLiteral("taught"), QStringLiteral("teach") },
        { QStringLiteral("brought"), QStringLiteral("bring") },
        { QStringLiteral("made"), QStringLiteral("make") },
        { QStringLiteral("thought"), QStringLiteral("think") },
        { QStringLiteral("drove"), QStringLiteral("drive") },
        { QStringLiteral("driven"), QStringLiteral("drive") },
        { QStringLiteral("took"), QStringLiteral("take") },
        { QStringLiteral("taken"), QStringLiteral("take") },
        { QStringLiteral("gave"), QStringLiteral("give") },
        { QStringLiteral("given"), QStringLiteral("give") },
        { QStringLiteral("spoke"), QStringLiteral("speak") },
        { QStringLiteral("spoken"), QStringLiteral("speak") },
        { QStringLiteral("chose"), QStringLiteral("choose") },
        { QStringLiteral("chosen"), QStringLiteral("choose") },
        { QStringLiteral("grew"), QStringLiteral("grow") },
        { QStringLiteral("grown"), QStringLiteral("grow") },
        { QStringLiteral("began"), QStringLiteral("begin") },
        { QStringLiteral("begun"), QStringLiteral("begin") },
        { QStringLiteral("did"), QStringLiteral("do") },
        { QStringLiteral("done"), QStringLiteral("do") },
        { QStringLiteral("went"), QStringLiteral("go") },
        { QStringLiteral("found"), QStringLiteral("find") },
        { QStringLiteral("held"), QStringLiteral("hold") },
        { QStringLiteral("kept"), QStringLiteral("keep") },
        { QStringLiteral("sold"), QStringLiteral("sell") },
        { QStringLiteral("met"), QStringLiteral("meet") },
        { QStringLiteral("learnt"), QStringLiteral("learn") },
        { QStringLiteral("understood"), QStringLiteral("understand") },
    };
    return map;
}

} // namespace

QString Grade::forScore(int score)
{
    if (score >= TopFitMin)
        return QString::fromLatin1(TopFit);
    if (score >= MightBeFitMin)
        return QString::fromLatin1(MightBeFit);
    return QString::fromLatin1(MightNotBeFit);
}

int weightedScore(const QList<CriterionScore> &criteria)
{
    double sum = 0;
    double weights = 0;
    for (const CriterionScore &c : criteria) {
        sum += c.weight * c.score;
        weights += c.weight;
    }
    if (weights <= 0)
        return 0;
    return std::clamp(static_cast<int>(std::lround(sum / weights)), 0, 100);
}

QString summarize(const QString &templateName, int score, const QList<CriterionScore> &criteria)
{
    const QString grade = label(Grade::forScore(score));
    const QString head = QStringLiteral("%1: scored %2/100").arg(grade).arg(score);
    QString strengths;
    if (criteria.size() >= 2) {
        const CriterionScore *best = &criteria.first();
        const CriterionScore *worst = &criteria.first();
        for (const CriterionScore &c : criteria) {
            if (c.score > best->score)
                best = &c;
            if (c.score < worst->score)
                worst = &c;
        }
        if (best->score != worst->score)
            strengths = QStringLiteral("strongest in %1, weakest in %2")
                            .arg(readable(best->id), readable(worst->id));
    }
    const QString name = templateName.simplified();
    QStringList candidates;
    if (!strengths.isEmpty()) {
        candidates << head + QStringLiteral(" on the %1 rubric; ").arg(name) + strengths + QLatin1Char('.');
        candidates << head + QStringLiteral("; ") + strengths + QLatin1Char('.');
    }
    candidates << head + QStringLiteral(" on the %1 rubric.").arg(name);
    candidates << head + QLatin1Char('.');
    QString first;
    for (const QString &c : std::as_const(candidates)) {
        if (c.size() <= SummaryStandaloneLength) {
            first = c;
            break;
        }
    }
    QStringList parts;
    for (const CriterionScore &c : criteria)
        parts << QStringLiteral("%1 %2").arg(readable(c.id)).arg(c.score);
    if (parts.isEmpty())
        return first;
    return first + QStringLiteral(" Criteria: ") + parts.join(QLatin1String(", ")) + QLatin1Char('.');
}

QString RubricScorer::stem(const QString &input)
{
    QString w = input.toCaseFolded();
    if (const auto it = irregular().constFind(w); it != irregular().cend())
        return stem(it.value());
    bool stripped = true;
    if (w.size() >= 6 && w.endsWith(QLatin1String("ing")))
        w.chop(3);
    else if (w.size() >= 5 && w.endsWith(QLatin1String("ied")))
        w = w.chopped(3) + QLatin1Char('y');
    else if (w.size() >= 5 && w.endsWith(QLatin1String("ed")))
        w.chop(2);
    else if (w.size() >= 5 && w.endsWith(QLatin1String("ies")))
        w = w.chopped(3) + QLatin1Char('y');
    else if (w.size() >= 5 && w.endsWith(QLatin1String("sses")))
        w.chop(2);
    else if (w.size() >= 4 && w.endsWith(QLatin1Char('s')) && !w.endsWith(QLatin1String("ss"))
        && !w.endsWith(QLatin1String("us")) && !w.endsWith(QLatin1String("is")))
        w.chop(1);
    else
        stripped = false;
    // planning -> plann -> plan; running -> runn -> run
    static const QString doubled = QStringLiteral("bdgmnprt");
    if (stripped && w.size() >= 4 && w.at(w.size() - 1) == w.at(w.size() - 2) && doubled.contains(w.back()))
        w.chop(1);
    // manage / managed / managing -> manag
    if (w.size() >= 4 && w.endsWith(QLatin1Char('e')))
        w.chop(1);
    return w;
}

QStringList RubricScorer::stems(const QString &text)
{
    static const QRegularExpression possessive(QStringLiteral("['\u2019]s\\b"));
    static const QRegularExpression apostrophe(QStringLiteral("['\u2019]"));
    static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{N}]+"));
    QString t = text;
    t.replace(possessive, QString()).replace(apostrophe, QString());
    QStringList out;
    for (auto it = word.globalMatch(t); it.hasNext();)
        out << stem(it.next().captured());
    return out;
}

bool RubricScorer::matches(const QStringList &answerStems, const QString &keyword)
{
    const QStringList needle = stems(keyword);
    if (needle.isEmpty() || needle.size() > answerStems.size())
        return false;
    for (qsizetype i = 0; i + needle.size() <= answerStems.size(); ++i) {
        bool all = true;
        for (qsizetype j = 0; j < needle.size() && all; ++j)
            all = answerStems.at(i + j) == needle.at(j);
        if (all)
            return true;
    }
    return false;
}

ScoreResult RubricScorer::evaluate(const InterviewTemplate &tpl, const QList<Answer> &answers)
{
    struct Acc
    {
        double weighted = 0;
        double weight = 0;
        QStringList matched;
        QStringList all;
    };
    QHash<QString, Acc> acc;
    for (const Question &q : tpl.questions) {
        QString text;
        for (const Answer &a : answers) {
            if (a.questionId == q.id)
                text += a.text + QLatin1Char('\n');
        }
        const QStringList answerStems = stems(text);
        for (const Criterion &c : q.criteria) {
            int found = 0;
            Acc &a = acc[c.id];
            for (const QString &k : c.keywords) {
                if (!a.all.contains(k))
                    a.all << k;
                if (matches(answerStems, k)) {
                    ++found;
                    if (!a.matched.contains(k))
                        a.matched << k;
                }
            }
            const double s = c.keywords.isEmpty() ? 0.0 : 100.0 * found / c.keywords.size();
            a.weighted += c.weight * s;
            a.weight += c.weight;
        }
    }
    ScoreResult r;
    r.scorer = QStringLiteral("rubric");
    for (const QString &id : tpl.criterionIds()) {
        const Acc &a = acc[id];
        CriterionScore c;
        c.id = id;
        c.weight = a.weight;
        c.score = a.weight > 0 ? std::clamp(static_cast<int>(std::lround(a.weighted / a.weight)), 0, 100) : 0;
        c.matched = a.matched;
        for (const QString &k : a.all) {
            if (!a.matched.contains(k))
                c.missing << k;
        }
        r.criteria << c;
    }
    r.score = weightedScore(r.criteria);
    r.grade = Grade::forScore(r.score);
    r.summary = summarize(tpl.name, r.score, r.criteria);
    return r;
}

void RubricScorer::score(const InterviewTemplate &tpl, const QList<Answer> &answers,
    std::function<void(const ScoreOutcome &)> done)
{
    ScoreOutcome outcome;
    outcome.ok = true;
    outcome.result = evaluate(tpl, answers);
    done(outcome);
}

} // namespace intrvio

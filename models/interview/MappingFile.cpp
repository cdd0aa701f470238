#include "MappingFile.h"

#include "models/interview/JsonCheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>

namespace intrvio::MappingFile {

using namespace jsoncheck;

namespace {

// Line and column of a byte offset, for JSON syntax errors.
QString position(const QByteArray &json, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < json.size(); ++i) {
        if (json.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

QString stageReference(
    const QJsonObject &o, const char *key, const QString &path, QList<ValidationProblem> *problems)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return {};
    const QString p = join(path, QString::fromLatin1(key));
    if (v.isDouble() && v.toDouble() == static_cast<double>(v.toInteger()) && v.toInteger() > 0)
        return QString::number(v.toInteger());
    if (!v.isString()) {
        problems->append({ p, QStringLiteral("must be a stage name or id, not %1").arg(typeName(v)) });
        return {};
    }
    const QString s = v.toString().trimmed();
    if (s.isEmpty())
        problems->append({ p, QStringLiteral("must not be empty (leave the key out for no move)") });
    return s;
}

} // namespace

ParseResult parse(const QByteArray &json, const QSet<QString> &knownTemplateIds)
{
    ParseResult r;
    auto add = [&](const QString &p, const QString &m) { r.problems.append({ p, m }); };
    if (json.size() > MaxFileBytes) {
        add({}, QStringLiteral("the file is larger than %1 MiB").arg(MaxFileBytes / (1024 * 1024)));
        return r;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        add({},
            QStringLiteral("not valid JSON at %1: %2")
                .arg(position(json, error.offset), error.errorString()));
        return r;
    }
    if (!doc.isObject()) {
        add({},
            QStringLiteral(
                "the top level must be an object with \"version\", \"templates\" and \"mappings\""));
        return r;
    }
    const QJsonObject root = doc.object();
    unknownKeys(root, { "version", "templates", "mappings" }, {}, &r.problems);

    const QJsonValue version = root.value(QLatin1String("version"));
    if (version.isUndefined())
        add(QStringLiteral("version"),
            QStringLiteral("is required; this Intrvio reads version %1").arg(Version));
    else if (!version.isDouble() || version.toDouble() != Version)
        add(QStringLiteral("version"),
            QStringLiteral("unsupported version %1; this Intrvio reads version %2")
                .arg(version.isDouble() ? QString::number(version.toDouble()) : typeName(version))
                .arg(Version));

    // Templates first: mappings may refer to them.
    QSet<QString> fileTemplateIds;
    const QJsonValue tv = root.value(QLatin1String("templates"));
    if (!tv.isUndefined() && !tv.isArray()) {
        add(QStringLiteral("templates"), QStringLiteral("must be an array, not %1").arg(typeName(tv)));
    } else {
        const QJsonArray ta = tv.toArray();
        for (qsizetype i = 0; i < ta.size(); ++i) {
            const QString p = index(QStringLiteral("templates"), i);
            InterviewTemplate t = TemplateJson::fromJson(ta.at(i), p, &r.problems);
            if (t.id.isEmpty())
                continue;
            if (fileTemplateIds.contains(t.id)) {
                add(join(p, QStringLiteral("id")),
                    QStringLiteral("duplicate template id '%1' (each template appears once)").arg(t.id));
                continue;
            }
            fileTemplateIds.insert(t.id);
            r.contents.templates << t;
        }
    }

    const QJsonValue mv = root.value(QLatin1String("mappings"));
    if (mv.isUndefined()) {
        add(QStringLiteral("mappings"), QStringLiteral("is required (an array; [] removes every mapping)"));
    } else if (!mv.isArray()) {
        add(QStringLiteral("mappings"), QStringLiteral("must be an array, not %1").arg(typeName(mv)));
    } else {
        const QJsonArray ma = mv.toArray();
        QList<qsizetype> indexes; // file index of each parsed mapping, for duplicate messages
        for (qsizetype i = 0; i < ma.size(); ++i) {
            const QString p = index(QStringLiteral("mappings"), i);
            if (!ma.at(i).isObject()) {
                add(p, QStringLiteral("must be an object, not %1").arg(typeName(ma.at(i))));
                continue;
            }
            const QJsonObject o = ma.at(i).toObject();
            const qsizetype before = r.problems.size();
            unknownKeys(o, { "job", "stage", "template", "rules" }, p, &r.problems);
            StageMapping m;
            const QJsonValue job = o.value(QLatin1String("job"));
            if (job.isDouble() && job.toDouble() == static_cast<double>(job.toInteger())
                && job.toInteger() > 0)
                m.jobId = QString::number(job.toInteger());
            else if (job.isString() && !job.toString().trimmed().isEmpty())
                m.jobId = job.toString().trimmed();
            else if (!job.isUndefined())
                add(join(p, QStringLiteral("job")),
                    QStringLiteral(
                        "must be a job id (string or positive number); leave it out for a default mapping"));
            m.stage = requiredString(o, "stage", p, &r.problems);
            m.templateId = requiredString(o, "template", p, &r.problems);
            if (!m.templateId.isEmpty() && !fileTemplateIds.contains(m.templateId)
                && !knownTemplateIds.contains(m.templateId)) {
                QStringList available = QStringList(fileTemplateIds.cbegin(), fileTemplateIds.cend())
                    + QStringList(knownTemplateIds.cbegin(), knownTemplateIds.cend());
                available.removeDuplicates();
                available.sort();
                add(join(p, QStringLiteral("template")),
                    QStringLiteral("unknown template '%1'%2")
                        .arg(m.templateId,
                            available.isEmpty()
                                ? QString()
                                : QStringLiteral(" (known: %1)").arg(available.join(QLatin1String(", ")))));
            }
            const QJsonValue rv = o.value(QLatin1String("rules"));
            const QString rp = join(p, QStringLiteral("rules"));
            if (!rv.isUndefined() && !rv.isObject()) {
                add(rp, QStringLiteral("must be an object, not %1").arg(typeName(rv)));
            } else if (rv.isObject()) {
                const QJsonObject ro = rv.toObject();
                unknownKeys(ro, { "pass", "onPass", "onFail" }, rp, &r.problems);
                if (ro.contains(QLatin1String("pass")))
                    m.rules.passThreshold = optionalInt(ro, "pass", 0, 100, 0, rp, &r.problems);
                m.rules.onPass = stageReference(ro, "onPass", rp, &r.problems);
                m.rules.onFail = stageReference(ro, "onFail", rp, &r.problems);
                if (m.rules.rejectsOnFail())
                    m.rules.onFail = QString::fromLatin1(MappingRules::Reject);
                if (!ro.contains(QLatin1String("pass"))
                    && (!m.rules.onPass.isEmpty() || !m.rules.onFail.isEmpty()))
                    add(join(rp, QStringLiteral("pass")),
                        QStringLiteral("is required when onPass or onFail is given (a score from 0 to 100)"));
                if (m.rules.rejectsOnFail() == false && !m.rules.onPass.isEmpty()
                    && m.rules.onPass.compare(QLatin1String(MappingRules::Reject), Qt::CaseInsensitive) == 0)
                    add(join(rp, QStringLiteral("onPass")),
                        QStringLiteral("\"reject\" is only allowed for onFail"));
            }
            if (r.problems.size() != before || m.stage.isEmpty())
                continue;
            bool duplicate = false;
            for (qsizetype k = 0; k < r.contents.mappings.size(); ++k) {
                if (r.contents.mappings.at(k).sameKey(m)) {
                    add(join(p, QStringLiteral("stage")),
                        QStringLiteral("duplicate of mappings[%1] (same %2 and stage '%3')")
                            .arg(indexes.at(k))
                            .arg(m.isDefault() ? QStringLiteral("default")
                                               : QStringLiteral("job %1").arg(m.jobId),
                                m.stage));
                    duplicate = true;
                    break;
                }
            }
            if (duplicate)
                continue;
            r.contents.mappings << m;
            indexes << i;
        }
    }
    if (!r.ok())
        r.contents = {};
    return r;
}

namespace {

// Writes JSON with keys in the documented order (QJsonDocument sorts them alphabetically), two-space
// indentation, and short arrays of strings on one line: the file is meant to be read and edited.
int keyRank(const QString &key)
{
    static const QStringList order {
        QStringLiteral("version"),
        QStringLiteral("templates"),
        QStringLiteral("mappings"),
        QStringLiteral("id"),
        QStringLiteral("name"),
        QStringLiteral("language"),
        QStringLiteral("expiryDays"),
        QStringLiteral("questions"),
        QStringLiteral("text"),
        QStringLiteral("criteria"),
        QStringLiteral("keywords"),
        QStringLiteral("weight"),
        QStringLiteral("job"),
        QStringLiteral("stage"),
        QStringLiteral("template"),
        QStringLiteral("rules"),
        QStringLiteral("pass"),
        QStringLiteral("onPass"),
        QStringLiteral("onFail"),
    };
    const qsizetype i = order.indexOf(key);
    return i < 0 ? static_cast<int>(order.size()) : static_cast<int>(i);
}

QByteArray scalar(const QJsonValue &v)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

void write(QByteArray &out, const QJsonValue &v, int level)
{
    const QByteArray pad(2 * (level + 1), ' ');
    const QByteArray closePad(2 * level, ' ');
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        if (a.isEmpty()) {
            out += "[]";
            return;
        }
        bool flat = true;
        for (const QJsonValue &e : a)
            flat = flat && !e.isArray() && !e.isObject();
        if (flat) {
            out += '[';
            for (qsizetype i = 0; i < a.size(); ++i)
                out += (i ? ", " : "") + scalar(a.at(i));
            out += ']';
            return;
        }
        out += "[\n";
        for (qsizetype i = 0; i < a.size(); ++i) {
            out += pad;
            write(out, a.at(i), level + 1);
            out += i + 1 < a.size() ? ",\n" : "\n";
        }
        out += closePad + ']';
        return;
    }
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        if (o.isEmpty()) {
            out += "{}";
            return;
        }
        QStringList keys = o.keys();
        std::stable_sort(keys.begin(), keys.end(),
            [](const QString &a, const QString &b) { return keyRank(a) < keyRank(b); });
        out += "{\n";
        for (qsizetype i = 0; i < keys.size(); ++i) {
            out += pad + scalar(keys.at(i)) + ": ";
            write(out, o.value(keys.at(i)), level + 1);
            out += i + 1 < keys.size() ? ",\n" : "\n";
        }
        out += closePad + '}';
        return;
    }
    out += scalar(v);
}

} // namespace

QByteArray serialize(const QList<InterviewTemplate> &templates, const QList<StageMapping> &mappings)
{
    QJsonArray ta;
    for (const InterviewTemplate &t : templates)
        ta.append(TemplateJson::toJson(t));
    QJsonArray ma;
    for (const StageMapping &m : mappings) {
        QJsonObject o;
        if (!m.jobId.isEmpty())
            o.insert(QStringLiteral("job"), m.jobId);
        o.insert(QStringLiteral("stage"), m.stage);
        o.insert(QStringLiteral("template"), m.templateId);
        if (!m.rules.isEmpty()) {
            QJsonObject rules;
            if (m.rules.passThreshold)
                rules.insert(QStringLiteral("pass"), *m.rules.passThreshold);
            if (!m.rules.onPass.isEmpty())
                rules.insert(QStringLiteral("onPass"), m.rules.onPass);
            if (!m.rules.onFail.isEmpty())
                rules.insert(QStringLiteral("onFail"), m.rules.onFail);
            o.insert(QStringLiteral("rules"), rules);
        }
        ma.append(o);
    }
    const QJsonObject root { { QStringLiteral("version"), Version }, { QStringLiteral("templates"), ta },
        { QStringLiteral("mappings"), ma } };
    QByteArray out;
    write(out, root, 0);
    return out + '\n';
}

} // namespace intrvio::MappingFile

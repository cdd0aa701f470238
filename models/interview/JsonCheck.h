#pragma once

// Small helpers for strict, path-reporting JSON validation (templates, mapping file, answers).
#include "models/interview/Template.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <initializer_list>

namespace intrvio::jsoncheck {

inline QString join(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

inline QString index(const QString &path, qsizetype i)
{
    return path + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
}

inline QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

// Reports every key of `o` that is not in `allowed` (typos must not be silently ignored).
inline void unknownKeys(const QJsonObject &o, std::initializer_list<const char *> allowed,
    const QString &path, QList<ValidationProblem> *problems)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool known = false;
        for (const char *a : allowed)
            known = known || it.key() == QLatin1String(a);
        if (!known) {
            QStringList names;
            for (const char *a : allowed)
                names << QString::fromLatin1(a);
            problems->append({ join(path, it.key()),
                QStringLiteral("unknown key; expected one of: %1").arg(names.join(QLatin1String(", "))) });
        }
    }
}

// A required non-empty string (after trimming). Returns the trimmed string.
inline QString requiredString(
    const QJsonObject &o, const char *key, const QString &path, QList<ValidationProblem> *problems)
{
    const QString p = join(path, QString::fromLatin1(key));
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        problems->append({ p, QStringLiteral("is required") });
        return {};
    }
    if (!v.isString()) {
        problems->append({ p, QStringLiteral("must be a string, not %1").arg(typeName(v)) });
        return {};
    }
    const QString s = v.toString().trimmed();
    if (s.isEmpty())
        problems->append({ p, QStringLiteral("must not be empty") });
    return s;
}

// An optional string; absent gives `fallback`.
inline QString optionalString(const QJsonObject &o, const char *key, const QString &path,
    QList<ValidationProblem> *problems, const QString &fallback = {})
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return fallback;
    if (!v.isString()) {
        problems->append({ join(path, QString::fromLatin1(key)),
            QStringLiteral("must be a string, not %1").arg(typeName(v)) });
        return fallback;
    }
    return v.toString().trimmed();
}

// An integer in [min, max]; absent gives `fallback`.
inline int optionalInt(const QJsonObject &o, const char *key, int min, int max, int fallback,
    const QString &path, QList<ValidationProblem> *problems)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return fallback;
    const QString p = join(path, QString::fromLatin1(key));
    const double d = v.toDouble(-1e300);
    if (!v.isDouble() || d != static_cast<double>(static_cast<long long>(d))) {
        problems->append({ p, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max) });
        return fallback;
    }
    if (d < min || d > max) {
        problems->append({ p, QStringLiteral("must be from %1 to %2, not %3").arg(min).arg(max).arg(d) });
        return fallback;
    }
    return static_cast<int>(d);
}

} // namespace intrvio::jsoncheck

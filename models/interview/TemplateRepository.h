#pragma once

#include "models/interview/Template.h"

#include <QList>
#include <QSet>

#include <optional>

namespace intrvio {

class AuditLog;
class Clock;
class Store;

// Interview templates in the store (table `templates`; the full template as JSON in `body`).
// Writes validate first and are audited when an AuditLog is given.
class TemplateRepository
{
public:
    // Set once the default templates were offered, so deleting them all does not bring them back.
    static constexpr auto SeededSetting = "templates.seeded";

    TemplateRepository(Store &store, const Clock &clock, AuditLog *audit = nullptr);

    QList<InterviewTemplate> list() const; // by name
    std::optional<InterviewTemplate> find(const QString &id) const;
    QSet<QString> ids() const;
    int count() const;

    // Validates and inserts or replaces, in its own transaction. `error` gets every problem.
    bool save(const InterviewTemplate &t, const QString &actor, QString *error);
    // Refuses while a mapping uses the template.
    bool remove(const QString &id, const QString &actor, QString *error);

    // Inserts the built-in templates when the table is empty on first run. Returns how many were added.
    int seedDefaults(const QString &actor = QStringLiteral("intrvio"));

    // The built-in templates compiled into the binary (resources/templates/*.json), validated. Pure.
    static QList<InterviewTemplate> defaultTemplates(QList<ValidationProblem> *problems = nullptr);

    // Writes one row without a transaction of its own (for callers that hold one). `created` tells
    // whether the row is new, `changed` whether anything differs from what was stored.
    bool upsert(const InterviewTemplate &t, bool *created, bool *changed, QString *error);

private:
    Store &m_store;
    const Clock &m_clock;
    AuditLog *m_audit;
};

} // namespace intrvio

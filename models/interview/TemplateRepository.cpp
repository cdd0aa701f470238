#include "TemplateRepository.h"

#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/Log.h"
#include "models/Store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

// Outside the namespace, as Q_INIT_RESOURCE requires: the .qrc lives in a static library, whose
// resource initialiser the linker would otherwise drop.
static void initTemplateResources()
{
    Q_INIT_RESOURCE(templates);
}

namespace intrvio {

namespace {

InterviewTemplate fromRow(const QSqlQuery &q, int bodyColumn)
{
    QList<ValidationProblem> ignored;
    const QJsonDocument doc = QJsonDocument::fromJson(q.value(bodyColumn).toString().toUtf8());
    InterviewTemplate t = TemplateJson::fromJson(doc.object(), {}, &ignored);
    if (t.id.isEmpty()) // a body without an id (hand-made rows): the row's key still identifies it
        t.id = q.value(0).toString();
    return t;
}

QString problemsText(const QList<ValidationProblem> &problems)
{
    QStringList lines;
    for (const ValidationProblem &p : problems)
        lines << p.toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace

TemplateRepository::TemplateRepository(Store &store, const Clock &clock, AuditLog *audit)
    : m_store(store)
    , m_clock(clock)
    , m_audit(audit)
{ }

QList<InterviewTemplate> TemplateRepository::list() const
{
    QList<InterviewTemplate> result;
    QSqlQuery q(m_store.database());
    q.exec(QStringLiteral("SELECT id, body FROM templates ORDER BY name COLLATE NOCASE, id"));
    while (q.next())
        result << fromRow(q, 1);
    return result;
}

std::optional<InterviewTemplate> TemplateRepository::find(const QString &id) const
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("SELECT id, body FROM templates WHERE id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return fromRow(q, 1);
    return std::nullopt;
}

QSet<QString> TemplateRepository::ids() const
{
    QSet<QString> result;
    QSqlQuery q(m_store.database());
    q.exec(QStringLiteral("SELECT id FROM templates"));
    while (q.next())
        result.insert(q.value(0).toString());
    return result;
}

int TemplateRepository::count() const
{
    QSqlQuery q(m_store.database());
    if (q.exec(QStringLiteral("SELECT count(*) FROM templates")) && q.next())
        return q.value(0).toInt();
    return 0;
}

bool TemplateRepository::upsert(const InterviewTemplate &t, bool *created, bool *changed, QString *error)
{
    const QList<ValidationProblem> problems = TemplateJson::validate(t);
    if (!problems.isEmpty()) {
        *error = problemsText(problems);
        return false;
    }
    const std::optional<InterviewTemplate> existing = find(t.id);
    *created = !existing;
    *changed = !existing || !(*existing == t);
    if (!*changed)
        return true;
    const QString now = m_clock.now().toUTC().toString(Qt::ISODateWithMs);
    const QString body
        = QString::fromUtf8(QJsonDocument(TemplateJson::toJson(t)).toJson(QJsonDocument::Compact));
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral(
        "INSERT INTO templates(id, name, language, expiry_days, body, created_at, updated_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
        "language = excluded.language, expiry_days = excluded.expiry_days, body = excluded.body, "
        "updated_at = excluded.updated_at"));
    q.addBindValue(t.id);
    q.addBindValue(t.name);
    q.addBindValue(t.language);
    q.addBindValue(t.expiryDays);
    q.addBindValue(body);
    q.addBindValue(now);
    q.addBindValue(now);
    if (!q.exec()) {
        *error = QStringLiteral("cannot store template '%1': %2").arg(t.id, q.lastError().text());
        return false;
    }
    return true;
}

bool TemplateRepository::save(const InterviewTemplate &t, const QString &actor, QString *error)
{
    QSqlDatabase db = m_store.database();
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    bool created = false;
    bool changed = false;
    if (!upsert(t, &created, &changed, error)) {
        db.rollback();
        return false;
    }
    if (changed && m_audit
        && !m_audit->append(actor, QString::fromLatin1(AuditLog::ActionTemplateSaved),
            QStringLiteral("template:") + t.id,
            { { QStringLiteral("created"), created }, { QStringLiteral("name"), t.name },
                { QStringLiteral("questions"), static_cast<int>(t.questions.size()) } })) {
        db.rollback();
        *error = m_audit->errorString();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

bool TemplateRepository::remove(const QString &id, const QString &actor, QString *error)
{
    QSqlDatabase db = m_store.database();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT count(*) FROM mappings WHERE template_id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next() && q.value(0).toInt() > 0) {
        *error = QStringLiteral("template '%1' is used by %2 mapping(s); change or remove those first")
                     .arg(id)
                     .arg(q.value(0).toInt());
        return false;
    }
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    q.prepare(QStringLiteral("DELETE FROM templates WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec()) {
        *error = q.lastError().text();
        db.rollback();
        return false;
    }
    if (q.numRowsAffected() == 0) {
        *error = QStringLiteral("no template '%1'").arg(id);
        db.rollback();
        return false;
    }
    if (m_audit
        && !m_audit->append(
            actor, QString::fromLatin1(AuditLog::ActionTemplateRemoved), QStringLiteral("template:") + id)) {
        db.rollback();
        *error = m_audit->errorString();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

QList<InterviewTemplate> TemplateRepository::defaultTemplates(QList<ValidationProblem> *problems)
{
    initTemplateResources();
    QList<InterviewTemplate> result;
    QList<ValidationProblem> local;
    QList<ValidationProblem> &out = problems ? *problems : local;
    const QDir dir(QStringLiteral(":/templates"));
    const QStringList files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) {
            out.append({ name, QStringLiteral("cannot be read") });
            continue;
        }
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
        if (error.error != QJsonParseError::NoError) {
            out.append({ name, error.errorString() });
            continue;
        }
        const qsizetype before = out.size();
        InterviewTemplate t = TemplateJson::fromJson(doc.object(), name, &out);
        if (out.size() == before)
            result << t;
    }
    if (!out.isEmpty())
        qCWarning(lcStore).noquote() << "built-in templates have problems:" << problemsText(out);
    return result;
}

int TemplateRepository::seedDefaults(const QString &actor)
{
    if (m_store.setting(QString::fromLatin1(SeededSetting)).has_value() || count() > 0)
        return 0;
    const QList<InterviewTemplate> defaults = defaultTemplates();
    QSqlDatabase db = m_store.database();
    if (!db.transaction())
        return 0;
    QStringList ids;
    for (const InterviewTemplate &t : defaults) {
        bool created = false;
        bool changed = false;
        QString error;
        if (!upsert(t, &created, &changed, &error)) {
            qCWarning(lcStore).noquote() << "cannot seed template" << t.id << error;
            db.rollback();
            return 0;
        }
        ids << t.id;
    }
    if (!m_store.setSetting(
            QString::fromLatin1(SeededSetting), m_clock.now().toUTC().toString(Qt::ISODate))) {
        db.rollback();
        return 0;
    }
    if (m_audit)
        m_audit->append(actor, QString::fromLatin1(AuditLog::ActionTemplatesSeeded),
            QStringLiteral("templates"), { { QStringLiteral("ids"), QJsonArray::fromStringList(ids) } });
    if (!db.commit()) {
        db.rollback();
        return 0;
    }
    qCInfo(lcStore) << "seeded" << ids.size() << "default interview templates";
    return static_cast<int>(ids.size());
}

} // namespace intrvio

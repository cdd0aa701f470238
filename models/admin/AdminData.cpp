#include "AdminData.h"

#include "models/Teamtailor.h"

#include "models/Transaction.h"

#include "ActivityModels.h"
#include "models/Clock.h"
#include "models/Store.h"
#include "models/interview/AuditLog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUrl>

namespace intrvio {

namespace {

bool exec(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}

bool run(QSqlDatabase db, const QString &sql, const QVariantList &binds, QString *error)
{
    QSqlQuery q(db);
    if (!q.prepare(sql)) {
        if (error)
            *error = q.lastError().text();
        return false;
    }
    for (const QVariant &b : binds)
        q.addBindValue(b);
    return exec(q, error);
}

QJsonArray rowsAsJson(
    QSqlDatabase db, const QString &sql, const QVariantList &binds, QString *error, bool *ok)
{
    QJsonArray out;
    QSqlQuery q(db);
    q.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!exec(q, error)) {
        *ok = false;
        return out;
    }
    while (q.next()) {
        QJsonObject o;
        const QSqlRecord rec = q.record();
        for (int i = 0; i < rec.count(); ++i) {
            const QVariant v = q.value(i);
            if (v.isNull())
                o.insert(rec.fieldName(i), QJsonValue::Null);
            else if (v.typeId() == QMetaType::QByteArray)
                o.insert(rec.fieldName(i), QString::fromUtf8(v.toByteArray()));
            else
                o.insert(rec.fieldName(i), QJsonValue::fromVariant(v));
        }
        out.append(o);
    }
    return out;
}

QString iso(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODate);
}

} // namespace

// ---- status -----------------------------------------------------------------------------------

StatusSnapshot StatusSnapshot::load(QSqlDatabase db)
{
    StatusSnapshot s;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SELECT value FROM settings WHERE key = 'region'")) && q.next())
        s.region = q.value(0).toString();
    if (q.exec(QStringLiteral("SELECT MAX(last_synced_at) FROM sync_state")) && q.next())
        s.lastSync = QDateTime::fromString(q.value(0).toString(), Qt::ISODate);
    if (q.exec(QStringLiteral(
            "SELECT coalesce(SUM(state = 'pending'), 0), coalesce(SUM(state = 'dead'), 0) FROM outbox"))
        && q.next()) {
        s.outboxPending = q.value(0).toInt();
        s.outboxDead = q.value(1).toInt();
    }
    return s;
}

// ---- settings ---------------------------------------------------------------------------------

QStringList AdminSettings::validate() const
{
    QStringList errors;
    static const QStringList regions = { QStringLiteral("eu"), QStringLiteral("na"), QStringLiteral("au") };
    if (!regions.contains(region))
        errors << QStringLiteral("Region must be eu, na or au (the Teamtailor data stack of your company).");

    if (!publicUrl.isEmpty()) {
        const QUrl u(publicUrl, QUrl::StrictMode);
        if (!u.isValid() || u.host().isEmpty()
            || (u.scheme() != QLatin1String("https") && u.scheme() != QLatin1String("http")))
            errors << QStringLiteral(
                "Public URL must be an absolute URL such as https://intrvio.example.com.");
        else if (u.scheme() == QLatin1String("http") && u.host() != QLatin1String("localhost")
            && u.host() != QLatin1String("127.0.0.1"))
            errors << QStringLiteral("Public URL must use https (Teamtailor only calls https endpoints); "
                                     "http is allowed for localhost only.");
        else if (!u.userInfo().isEmpty() || u.hasQuery() || u.hasFragment())
            errors << QStringLiteral("Public URL must not contain a user name, a query or a fragment.");
    }

    const qsizetype colon = listenAddress.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = colon > 0 ? listenAddress.mid(colon + 1).toInt(&portOk) : 0;
    if (colon <= 0 || !portOk || port < 1 || port > 65535)
        errors << QStringLiteral(
            "Listen address must be HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:8787.");

    if (retentionDays < 1 || retentionDays > 3650)
        errors << QStringLiteral("Retention must be between 1 and 3650 days.");

    if (residencyLock) {
        if (region != QLatin1String("eu"))
            errors << QStringLiteral(
                "The EU data-residency lock requires the eu region; turn the lock off to use %1.")
                          .arg(region);
        if (!teamtailorUrl.isEmpty()) {
            const QString host = QUrl(teamtailorUrl).host();
            const bool local = host == QLatin1String("localhost") || host == QLatin1String("127.0.0.1");
            if (!local && host != tt::apiHost(QStringLiteral("eu")))
                errors << QStringLiteral(
                    "The EU data-residency lock refuses the non-EU host %1; use %2 or turn the lock off.")
                              .arg(host, tt::apiHost(QStringLiteral("eu")));
        }
    }
    if (!teamtailorUrl.isEmpty()) {
        const QUrl u(teamtailorUrl, QUrl::StrictMode);
        if (!u.isValid() || u.host().isEmpty())
            errors << QStringLiteral(
                "Teamtailor URL must be an absolute URL, e.g. https://api.teamtailor.com.");
    }
    return errors;
}

AdminSettings AdminSettings::load(const Store &store)
{
    AdminSettings s;
    auto get = [&store](const char *key) { return store.setting(QString::fromLatin1(key)); };
    if (auto v = get(RegionKey))
        s.region = *v;
    if (auto v = get(PublicUrlKey))
        s.publicUrl = *v;
    if (auto v = get(ListenKey))
        s.listenAddress = *v;
    if (auto v = get(RetentionKey))
        s.retentionDays = v->toInt();
    if (auto v = get(ResidencyKey))
        s.residencyLock = *v == QLatin1String("1") || *v == QLatin1String("true");
    if (auto v = get(TeamtailorUrlKey))
        s.teamtailorUrl = *v;
    return s;
}

bool AdminSettings::save(Store &store, const Clock &clock, const QString &actor, QString *error) const
{
    const QStringList problems = validate();
    if (!problems.isEmpty()) {
        *error = problems.join(QLatin1Char('\n'));
        return false;
    }
    QSqlDatabase db = store.database();
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    const QList<QPair<const char *, QString>> values = {
        { RegionKey, region },
        { PublicUrlKey, publicUrl },
        { ListenKey, listenAddress },
        { RetentionKey, QString::number(retentionDays) },
        { ResidencyKey, residencyLock ? QStringLiteral("1") : QStringLiteral("0") },
        { TeamtailorUrlKey, teamtailorUrl },
    };
    for (const auto &[key, value] : values) {
        if (!store.setSetting(QString::fromLatin1(key), value.isNull() ? QString::fromLatin1("") : value)) {
            db.rollback();
            *error = QStringLiteral("Could not save the setting %1.").arg(QString::fromLatin1(key));
            return false;
        }
    }
    AuditLog audit(store, clock);
    if (!audit.append(actor, QString::fromLatin1(AuditLog::ActionSettingsSaved), QStringLiteral("settings"),
            QJsonObject { { QStringLiteral("region"), region }, { QStringLiteral("residencyLock"), residencyLock },
                { QStringLiteral("retentionDays"), retentionDays } })) {
        *error = audit.errorString();
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

// ---- GDPR -------------------------------------------------------------------------------------

QJsonObject CandidatePrivacy::exportData(QSqlDatabase db, const QString &id, QString *error)
{
    bool ok = true;
    const QJsonArray candidate
        = rowsAsJson(db, QStringLiteral("SELECT * FROM candidates WHERE id = ?"), { id }, error, &ok);
    if (!ok || candidate.isEmpty())
        return {};
    QJsonObject out;
    out.insert(QStringLiteral("candidate"), candidate.first());
    out.insert(QStringLiteral("applications"),
        rowsAsJson(db, QStringLiteral("SELECT * FROM applications WHERE candidate_id = ? ORDER BY id"),
            { id }, error, &ok));
    out.insert(QStringLiteral("partner_results"),
        rowsAsJson(db, QStringLiteral("SELECT * FROM partner_results WHERE candidate_id = ? ORDER BY id"),
            { id }, error, &ok));
    // Token hashes are credentials for the interview page, not personal data: left out.
    out.insert(QStringLiteral("interviews"),
        rowsAsJson(db,
            QStringLiteral("SELECT id, application_id, candidate_id, job_id, template_id, generation, state,"
                           " partner_result_id, threshold, score, grade, summary, transcript, criteria,"
                           " failure_reason, source, triggered_by, created_at, updated_at, expires_at,"
                           " started_at, completed_at FROM interviews WHERE candidate_id = ? ORDER BY id"),
            { id }, error, &ok));
    out.insert(QStringLiteral("outbox"),
        rowsAsJson(db,
            QStringLiteral(
                "SELECT id, kind, method, state, attempts, created_at, sent_at, last_status, body"
                " FROM outbox WHERE interview_id IN (SELECT id FROM interviews WHERE candidate_id = ?)"
                " ORDER BY id"),
            { id }, error, &ok));
    out.insert(QStringLiteral("audit_log"),
        rowsAsJson(db,
            QStringLiteral("SELECT at, actor, action, subject FROM audit_log WHERE subject = ? ORDER BY id"),
            { QString(QStringLiteral("candidate:") + id) }, error, &ok));
    if (!ok)
        return {};
    out.insert(QStringLiteral("format"), QStringLiteral("intrvio-candidate-export/1"));
    return out;
}

CandidatePrivacy::EraseOutcome CandidatePrivacy::eraseCandidate(
    QSqlDatabase db, const QString &id, const Clock &clock, const QString &actor, QString *error)
{
    Transaction tx(db); // also inside the inbox's processing batch, when a webhook deleted the candidate
    if (!tx.ok()) {
        *error = tx.errorString();
        return EraseOutcome::Failed;
    }
    auto fail = []() { return EraseOutcome::Failed; }; // tx rolls back
    // Known: mirrored, or only met through the pipeline (a webhook, an interview, an outbox row).
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT (SELECT COUNT(*) FROM candidates WHERE id = ?)"
                             " + (SELECT COUNT(*) FROM applications WHERE candidate_id = ?)"
                             " + (SELECT COUNT(*) FROM interviews WHERE candidate_id = ?)"
                             " + (SELECT COUNT(*) FROM partner_results WHERE candidate_id = ?)"
                             " + (SELECT COUNT(*) FROM outbox WHERE candidate_id = ?)"));
    for (int i = 0; i < 5; ++i)
        q.addBindValue(id);
    if (!exec(q, error) || !q.next())
        return fail();
    if (q.value(0).toInt() == 0) {
        *error = QStringLiteral("No candidate with id %1; nothing was erased.").arg(id);
        return EraseOutcome::Unknown;
    }
    const QList<QPair<QString, QString>> deletes = {
        { QStringLiteral("outbox"),
            QStringLiteral("DELETE FROM outbox WHERE candidate_id = ? OR interview_id IN"
                           " (SELECT id FROM interviews WHERE candidate_id = ?)") },
        { QStringLiteral("settings"),
            QStringLiteral("DELETE FROM settings WHERE key IN (SELECT 'pipeline.generation.' || application_id"
                           " FROM interviews WHERE candidate_id = ? UNION SELECT 'pipeline.generation.' || id"
                           " FROM applications WHERE candidate_id = ?)") },
        { QStringLiteral("interviews"), QStringLiteral("DELETE FROM interviews WHERE candidate_id = ?") },
        { QStringLiteral("partner_results"),
            QStringLiteral("DELETE FROM partner_results WHERE candidate_id = ?") },
        { QStringLiteral("applications"), QStringLiteral("DELETE FROM applications WHERE candidate_id = ?") },
        { QStringLiteral("candidates"), QStringLiteral("DELETE FROM candidates WHERE id = ?") },
    };
    QJsonObject counts;
    for (const auto &[table, sql] : deletes) {
        QSqlQuery d(db);
        d.prepare(sql);
        for (qsizetype i = 0; i < sql.count(QLatin1Char('?')); ++i)
            d.addBindValue(id);
        if (!exec(d, error))
            return fail();
        counts.insert(table, d.numRowsAffected());
    }
    AuditLog audit(db, clock);
    if (!audit.append(actor, QString::fromLatin1(AuditLog::ActionCandidateErased), QStringLiteral("candidate:") + id,
            QJsonObject { { QStringLiteral("deleted"), counts } })) {
        *error = audit.errorString();
        return fail();
    }
    if (!tx.commit()) {
        *error = tx.errorString();
        return fail();
    }
    return EraseOutcome::Erased;
}

bool CandidatePrivacy::erase(
    QSqlDatabase db, const QString &id, const Clock &clock, const QString &actor, QString *error)
{
    return eraseCandidate(db, id, clock, actor, error) == EraseOutcome::Erased;
}

// ---- statistics -------------------------------------------------------------------------------

QList<InterviewStats::Histogram> InterviewStats::scoreDistribution(QSqlDatabase db, GroupBy by)
{
    const QString sql = by == GroupBy::Job
        ? QStringLiteral(
            "SELECT coalesce(j.title, i.job_id, '?'), MIN(i.score / 10, 9), COUNT(*) FROM interviews i"
            " LEFT JOIN jobs j ON j.id = i.job_id WHERE i.score IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")
        : QStringLiteral(
            "SELECT coalesce(t.name, i.template_id), MIN(i.score / 10, 9), COUNT(*) FROM interviews i"
            " LEFT JOIN templates t ON t.id = i.template_id WHERE i.score IS NOT NULL GROUP BY 1, 2 ORDER BY "
            "1, 2");
    QList<Histogram> out;
    QSqlQuery q(db);
    if (!q.exec(sql))
        return out;
    while (q.next()) {
        const QString group = q.value(0).toString();
        if (out.isEmpty() || out.constLast().group != group)
            out.append({ group, QList<int>(10, 0) });
        const int bucket = qBound(0, q.value(1).toInt(), 9);
        out.last().buckets[bucket] += q.value(2).toInt();
    }
    return out;
}

InterviewStats::Funnel InterviewStats::funnel(QSqlDatabase db, const QString &jobId)
{
    Funnel f;
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
                  "SELECT COUNT(*), coalesce(SUM(started_at IS NOT NULL OR completed_at IS NOT NULL), 0),"
                  " coalesce(SUM(completed_at IS NOT NULL), 0),"
                  " coalesce(SUM(completed_at IS NOT NULL AND score >= coalesce(threshold, 70)), 0)"
                  " FROM interviews")
        + (jobId.isEmpty() ? QString() : QStringLiteral(" WHERE job_id = ?")));
    if (!jobId.isEmpty())
        q.addBindValue(jobId);
    if (q.exec() && q.next())
        f = { q.value(0).toInt(), q.value(1).toInt(), q.value(2).toInt(), q.value(3).toInt() };
    return f;
}

// ---- demo company -----------------------------------------------------------------------------

bool DemoData::seedCompany(QSqlDatabase db, const Clock &clock, QString *error)
{
    const QDateTime now = clock.now().toUTC();
    auto at = [&now](int minutesAgo) { return iso(now.addSecs(-60LL * minutesAgo)); };
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    auto fail = [&db]() {
        db.rollback();
        return false;
    };

    struct Job
    {
        const char *id, *title, *dept, *status;
        bool review;
    };
    const Job jobs[] = {
        { "101", "Senior Backend Engineer", "Engineering", "Published", false },
        { "102", "Customer Success Manager", "Customer Success", "Published", true },
        { "103", "Product Designer", "Design", "Draft", false },
    };
    const char *stageNames[] = { "Inbox", "Phone screen", "Technical interview", "Offer", "Hired" };
    const char *stageTypes[] = { "inbox", "in_process", "in_process", "in_process", "hired" };
    for (const Job &j : jobs) {
        if (!run(db,
                QStringLiteral(
                    "INSERT INTO jobs (id, title, status, human_status, department, created_at, updated_at,"
                    " needs_review, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                { QString::fromLatin1(j.id), QString::fromUtf8(j.title),
                    QString::fromLatin1(j.status).toLower(), QString::fromLatin1(j.status),
                    QString::fromUtf8(j.dept), at(60 * 24 * 30), at(60 * 24 * 2), j.review ? 1 : 0, at(12) },
                error))
            return fail();
        for (int s = 0; s < 5; ++s) {
            if (qstrcmp(j.id, "102") == 0 && s == 2)
                continue; // the CS role has no technical interview
            if (!run(db,
                    QStringLiteral("INSERT INTO stages (id, job_id, name, stage_type, row_order, "
                                   "active_count, rejected_count)"
                                   " VALUES (?, ?, ?, ?, ?, 0, 0)"),
                    { QStringLiteral("%1-%2").arg(QString::fromLatin1(j.id)).arg(s + 1),
                        QString::fromLatin1(j.id), QString::fromLatin1(stageNames[s]),
                        QString::fromLatin1(stageTypes[s]), s },
                    error))
                return fail();
        }
    }
    if (!run(db,
            QStringLiteral("INSERT INTO templates (id, name, language, expiry_days, body, updated_at) VALUES"
                           " ('tpl-screen', 'Phone screen (general)', 'en', 7, '{}', ?),"
                           " ('tpl-backend', 'Backend deep dive', 'en', 5, '{}', ?)"),
            { at(600), at(600) }, error)
        || !run(db,
            QStringLiteral(
                "INSERT INTO mappings (job_id, stage, template_id, pass_threshold, updated_at) VALUES"
                " ('', 'phone screen', 'tpl-screen', 70, ?),"
                " ('101', '101-3', 'tpl-backend', 75, ?)"),
            { at(500), at(500) }, error))
        return fail();

    const char *first[] = { "Astrid", "Johan", "Maja", "Elias", "Sara", "Oskar", "Linnea", "Hugo", "Ebba",
        "William", "Alice", "Noah", "Freja", "Lucas", "Wilma", "Adam", "Olivia", "Liam", "Elsa", "Axel",
        "Ines", "Mateo", "Chloé", "Tariq", "Priya", "Kenji", "Amara", "Daniel", "Zofia", "Emil" };
    const char *last[] = { "Lindqvist", "Berg", "Nyström", "Karlsson", "Holm", "Ekström", "Sandberg", "Lund",
        "Wallin", "Åberg", "Nilsson", "Persson", "Dahl", "Forsberg", "Sjöberg", "Engström", "Hedlund",
        "Björk", "Lindgren", "Strand", "Moreau", "García", "Dubois", "Haddad", "Sharma", "Tanaka", "Okafor",
        "Cohen", "Nowak", "Laine" };
    const char *states[]
        = { "completed", "completed", "pending", "sent", "completed", "failed", "sending", "completed" };
    const char *grades[] = { "top_fit", "might_be_fit", "might_not_be_fit" };
    const char *summaries[] = {
        "Clear, structured answers; strong ownership examples and good questions about the team.",
        "Solid fundamentals; a bit vague on trade-offs but communicates well.",
        "Limited experience with the core requirements; answers stayed general.",
    };
    int interviewNo = 0;
    for (int c = 0; c < 30; ++c) {
        const QString cid = QString::number(5001 + c);
        const QString fn = QString::fromUtf8(first[c]);
        const QString ln = QString::fromUtf8(last[c]);
        const QString email = (fn + QLatin1Char('.') + ln)
                                  .toLower()
                                  .normalized(QString::NormalizationForm_KD)
                                  .remove(QRegularExpression(QStringLiteral("[^a-z.]")))
            + QStringLiteral("@example.com");
        if (!run(db,
                QStringLiteral(
                    "INSERT INTO candidates (id, first_name, last_name, email, phone, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)"),
                { cid, fn, ln, email, QStringLiteral("+46 70 %1 %2").arg(100 + c * 7).arg(1000 + c * 37),
                    at(60 * (200 - c)), at(60 * (100 - c)) },
                error))
            return fail();
        const Job &job = jobs[c % 3 == 2 && c > 20 ? 2 : c % 2];
        const QString jid = QString::fromLatin1(job.id);
        int stage = 1 + (c % 4); // 1-based row: Inbox..Offer
        if (jid == QLatin1String("102") && stage == 3)
            stage = 2;
        const QString sid = QStringLiteral("%1-%2").arg(jid).arg(stage);
        const QString aid = QString::number(9001 + c);
        if (!run(db,
                QStringLiteral("INSERT INTO applications (id, candidate_id, job_id, stage_id, rejected_at, "
                               "changed_stage_at,"
                               " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                { aid, cid, jid, sid, c % 9 == 8 ? QVariant(at(60 * 5)) : QVariant(), at(60 * (50 - c)),
                    at(60 * (190 - c)), at(60 * (50 - c)) },
                error))
            return fail();
        if (!run(db,
                QStringLiteral("UPDATE stages SET active_count = active_count + ?, rejected_count = "
                               "rejected_count + ? WHERE id = ?"),
                { c % 9 == 8 ? 0 : 1, c % 9 == 8 ? 1 : 0, sid }, error))
            return fail();
        if (stage < 2)
            continue;
        // An interview for everyone past the inbox.
        const QString state = QString::fromLatin1(states[interviewNo % 8]);
        const bool completed = state == QLatin1String("completed");
        const int score = completed ? 38 + (c * 17) % 60 : 0;
        const int band = score >= 80 ? 0 : score >= 60 ? 1 : 2;
        const QString tpl = jid == QLatin1String("101") && stage == 3 ? QStringLiteral("tpl-backend")
                                                                      : QStringLiteral("tpl-screen");
        const QString prId = QStringLiteral("pr-%1").arg(c + 1, 4, 10, QLatin1Char('0'));
        const QString criteria
            = completed ? QString::fromUtf8(QJsonDocument(
                  QJsonArray { QJsonObject { { QStringLiteral("name"), QStringLiteral("Communication") },
                                   { QStringLiteral("score"), qMin(100, score + 8) } },
                      QJsonObject { { QStringLiteral("name"), QStringLiteral("Role experience") },
                          { QStringLiteral("score"), qMax(0, score - 6) } },
                      QJsonObject { { QStringLiteral("name"), QStringLiteral("Motivation") },
                          { QStringLiteral("score"),
                              score } } }).toJson(QJsonDocument::Compact))
                        : QString();
        const QString transcript = completed
            ? QStringLiteral(
                "Q: Tell us about a project you are proud of.\nA: I led the migration of our billing service"
                " to an event-driven design and cut failed payments by a third.\n"
                "Q: Why this role?\nA: I want to work closer to customers and own outcomes end to end.")
            : QString();
        ++interviewNo;
        if (!run(db,
                QStringLiteral(
                    "INSERT INTO interviews (application_id, candidate_id, job_id, template_id, state,"
                    " partner_result_id, threshold, score, grade, summary, transcript, criteria, "
                    "failure_reason,"
                    " source, triggered_by, created_at, updated_at, expires_at, started_at, completed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 70, ?, ?, ?, ?, ?, ?, 'webhook', 'stage', ?, ?, ?, ?, ?)"),
                { aid, cid, jid, tpl, state, prId, completed ? QVariant(score) : QVariant(),
                    completed ? QVariant(QString::fromLatin1(grades[band])) : QVariant(),
                    completed ? QVariant(QString::fromUtf8(summaries[band])) : QVariant(),
                    completed ? QVariant(transcript) : QVariant(),
                    completed ? QVariant(criteria) : QVariant(),
                    state == QLatin1String("failed") ? QVariant(QStringLiteral("Invitation e-mail bounced"))
                                                     : QVariant(),
                    at(60 * (48 - c)), at(60 * (20 - c / 2)), iso(now.addDays(7).addSecs(-3600LL * c)),
                    completed || state == QLatin1String("pending") ? QVariant(at(60 * (30 - c / 2)))
                                                                   : QVariant(),
                    completed ? QVariant(at(60 * (29 - c / 2))) : QVariant() },
                error))
            return fail();
        if (!run(db,
                QStringLiteral(
                    "INSERT INTO partner_results (id, candidate_id, job_id, status, score, summary, url,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                { prId, cid, jid, state, completed ? QVariant(score) : QVariant(),
                    completed ? QVariant(QString::fromUtf8(summaries[band])) : QVariant(),
                    QStringLiteral("https://intrvio.example.com/report/%1").arg(prId), at(60 * (48 - c)),
                    at(60 * (20 - c / 2)) },
                error))
            return fail();
    }

    // Webhook deliveries, outbound changes and the audit trail.
    for (int i = 0; i < 8; ++i) {
        const bool bad = i == 5;
        const QString headers = QStringLiteral("Content-Type: application/json\nTeamtailor-Signature: "
                                               "t=%1,v1=%2\nUser-Agent: Teamtailor-Webhooks")
                                    .arg(1718000000 + i)
                                    .arg(QStringLiteral("9f2c4e1a").repeated(8));
        const QByteArray body = QStringLiteral(
            "{\"event\":\"job_application.updated\",\"id\":\"%1\",\"stage\":\"Phone screen\"}")
                                    .arg(9001 + i)
                                    .toUtf8();
        const QString received = at(10 * (8 - i));
        if (!run(db,
                QStringLiteral("INSERT INTO inbox (received_at, route, event_key, headers, body, verification, status)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?)"),
                { received, i % 3 == 0 ? QStringLiteral("/webhook") : QStringLiteral("/company-webhooks"),
                    bad ? QVariant() : QVariant(QStringLiteral("partner:evt-%1").arg(700 + i)), headers, body,
                    bad ? QStringLiteral("bad-signature") : QStringLiteral("verified"), bad ? 401 : 202 },
                error))
            return fail();
        if (!run(db,
                QStringLiteral("INSERT INTO inbox_processing (id, processed_at, process_error, attempts)"
                               " VALUES (last_insert_rowid(), ?, ?, ?)"),
                { bad ? QVariant() : QVariant(at(10 * (8 - i) - 1)),
                    bad ? QVariant(QStringLiteral("signature mismatch")) : QVariant(), bad ? 0 : 1 },
                error))
            return fail();
    }
    struct Out
    {
        const char *kind, *method, *state;
        int attempts, status;
        const char *err;
    };
    const Out outs[] = {
        { "partner_result.update", "PATCH", "sent", 1, 200, nullptr },
        { "application.note", "POST", "sent", 1, 201, nullptr },
        { "partner_result.update", "PATCH", "pending", 0, 0, nullptr },
        { "application.move", "PATCH", "dead", 8, 422,
            "422 Unprocessable Entity: stage does not belong to the job" },
        { "partner_result.update", "PATCH", "pending", 2, 503, "503 Service Unavailable; retrying" },
    };
    for (int i = 0; i < 5; ++i) {
        const Out &o = outs[i];
        if (!run(db,
                QStringLiteral(
                    "INSERT INTO outbox (idempotency_key, kind, method, url, body, state, attempts,"
                    " next_attempt_at, last_error, last_status, interview_id, created_at, sent_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                { QStringLiteral("demo-%1").arg(i), QString::fromLatin1(o.kind),
                    QString::fromLatin1(o.method),
                    qstrcmp(o.kind, "application.move") == 0
                        ? QStringLiteral("https://api.teamtailor.com/v1/job-applications/%1").arg(9001 + i)
                        : qstrcmp(o.kind, "application.note") == 0
                        ? QStringLiteral("https://api.teamtailor.com/v1/notes")
                        : QStringLiteral("https://api.teamtailor.com/partner/v1/partner-results/pr-%1")
                              .arg(i + 1, 4, 10, QLatin1Char('0')),
                    QByteArray("{\"data\":{\"type\":\"partner-results\",\"attributes\":{\"status\":"
                               "\"completed\",\"score\":82}}}"),
                    QString::fromLatin1(o.state), o.attempts, at(-5 * i),
                    o.err ? QVariant(QString::fromLatin1(o.err)) : QVariant(),
                    o.status ? QVariant(o.status) : QVariant(), i + 1, at(30 * (5 - i)),
                    qstrcmp(o.state, "sent") == 0 ? QVariant(at(30 * (5 - i) - 1)) : QVariant() },
                error))
            return fail();
    }
    const char *actions[][3] = { { "admin", "mapping.create", "stage:phone screen" },
        { "admin", "mapping.override", "job:101 stage:101-3" }, { "system", "sync.full", "company" },
        { "pipeline", "interview.invite", "candidate:5003" } };
    for (int i = 0; i < 4; ++i) {
        // Through the one audit writer, at a time in the past.
        const ManualClock then(now.addSecs(-60LL * (400 - 90 * i)));
        AuditLog audit(db, then);
        if (!audit.append(QString::fromLatin1(actions[i][0]), QString::fromLatin1(actions[i][1]),
                QString::fromLatin1(actions[i][2]))) {
            *error = audit.errorString();
            return fail();
        }
    }
    if (!run(db,
            QStringLiteral("INSERT OR REPLACE INTO sync_state (resource, last_synced_at) VALUES ('jobs', ?), "
                           "('applications', ?)"),
            { at(14), at(12) }, error)
        || !run(db, QStringLiteral("INSERT OR REPLACE INTO settings (key, value) VALUES ('region', 'eu')"),
            {}, error))
        return fail();
    if (!db.commit()) {
        *error = db.lastError().text();
        return fail();
    }
    return true;
}

bool DemoData::seedCandidates(QSqlDatabase db, int count, QString *error)
{
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery c(db), a(db);
    c.prepare(QStringLiteral(
        "INSERT INTO candidates (id, first_name, last_name, email, created_at) VALUES (?, ?, ?, ?, ?)"));
    a.prepare(QStringLiteral(
        "INSERT INTO applications (id, candidate_id, job_id, stage_id, created_at) VALUES (?, ?, ?, ?, ?)"));
    static const char *firsts[]
        = { "Anna", "Erik", "Lena", "Omar", "Mei", "Jonas", "Sofia", "Ravi", "Nora", "Pablo" };
    static const char *lasts[] = { "Andersson", "Johansson", "Svensson", "Gustafsson", "Pettersson",
        "Jonsson", "Larsson", "Olsson", "Eriksson", "Hansson", "Fischer", "Rossi" };
    for (int i = 0; i < count; ++i) {
        const QString id = QStringLiteral("bulk-%1").arg(i);
        const QString fn = QString::fromLatin1(firsts[i % 10]);
        const QString ln = QString::fromLatin1(lasts[(i / 10) % 12]) + QString::number(i);
        c.bindValue(0, id);
        c.bindValue(1, fn);
        c.bindValue(2, ln);
        c.bindValue(3, QStringLiteral("c%1@bulk.example.com").arg(i));
        c.bindValue(4, QStringLiteral("2026-01-01T00:00:00Z"));
        if (!exec(c, error)) {
            db.rollback();
            return false;
        }
        const QString job = QString::number(101 + i % 3);
        a.bindValue(0, QStringLiteral("bulk-app-%1").arg(i));
        a.bindValue(1, id);
        a.bindValue(2, job);
        a.bindValue(3, QStringLiteral("%1-%2").arg(job).arg(1 + i % 4));
        a.bindValue(4, QStringLiteral("2026-01-01T00:00:00Z"));
        if (!exec(a, error)) {
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

} // namespace intrvio

#include "Migrations.h"

namespace intrvio {

const QList<Migration> &migrations()
{
    static const QList<Migration> list = {
        {1,
         "settings",
         {
             "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
         }},
        {2,
         "teamtailor mirror: jobs, stages, candidates, job applications, partner results",
         {
             "CREATE TABLE jobs (id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT, human_status TEXT,"
             " department TEXT, created_at TEXT, updated_at TEXT, needs_review INTEGER NOT NULL DEFAULT 0,"
             " synced_at TEXT)",
             "CREATE TABLE stages (id TEXT PRIMARY KEY, job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
             " name TEXT NOT NULL, stage_type TEXT, row_order INTEGER NOT NULL DEFAULT 0,"
             " active_count INTEGER, rejected_count INTEGER)",
             "CREATE INDEX stages_job ON stages(job_id, row_order)",
             "CREATE TABLE candidates (id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,"
             " phone TEXT, created_at TEXT, updated_at TEXT)",
             "CREATE INDEX candidates_email ON candidates(email)",
             "CREATE TABLE applications (id TEXT PRIMARY KEY, candidate_id TEXT NOT NULL, job_id TEXT NOT NULL,"
             " stage_id TEXT, rejected_at TEXT, changed_stage_at TEXT, created_at TEXT, updated_at TEXT)",
             "CREATE INDEX applications_candidate ON applications(candidate_id)",
             "CREATE INDEX applications_job_stage ON applications(job_id, stage_id)",
             "CREATE TABLE partner_results (id TEXT PRIMARY KEY, candidate_id TEXT, job_id TEXT, status TEXT,"
             " score INTEGER, grade TEXT, summary TEXT, url TEXT, created_at TEXT, updated_at TEXT)",
             "CREATE INDEX partner_results_candidate ON partner_results(candidate_id)",
             // high_water: the largest updated-at seen (Teamtailor's clock), the incremental cursor.
             "CREATE TABLE sync_state (resource TEXT PRIMARY KEY, last_synced_at TEXT NOT NULL, high_water TEXT)",
         }},
        {3,
         "webhook inbox and replay cache",
         {
             // One row per accepted delivery, committed before the 2xx and never rewritten. event_key
             // dedupes ("partner:<event id>", "company:<sha256 of body>"); signature_t is the signed t.
             "CREATE TABLE inbox (id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, route TEXT NOT NULL,"
             " event_key TEXT, headers TEXT NOT NULL, body BLOB NOT NULL, verification TEXT NOT NULL,"
             " status INTEGER NOT NULL, signature_t INTEGER)",
             "CREATE UNIQUE INDEX inbox_event_key ON inbox(event_key) WHERE event_key IS NOT NULL",
             // Processing state lives in its own small table, so marking a delivery processed appends a
             // few bytes instead of rewriting the page that holds its body.
             "CREATE TABLE inbox_processing (id INTEGER PRIMARY KEY, processed_at TEXT, process_error TEXT,"
             " attempts INTEGER NOT NULL DEFAULT 0)",
             // The inbox with its processing state, for the UI, tests and diagnostics.
             "CREATE VIEW inbox_state AS SELECT d.id, d.received_at, d.route, d.event_key, d.headers, d.body, d.verification,"
             " d.status, d.signature_t, p.processed_at, p.process_error, coalesce(p.attempts, 0) AS attempts"
             " FROM inbox d LEFT JOIN inbox_processing p ON p.id = d.id",
             // The persisted replay cache (event id, t) is a view over the same committed rows, so a
             // delivery costs one row and one unique-index entry, not two more b-tree inserts.
             "CREATE VIEW replay_cache AS SELECT substr(event_key, 9) AS event_id, signature_t AS t,"
             " received_at AS seen_at FROM inbox WHERE event_key LIKE 'partner:%' AND signature_t IS NOT NULL",
         }},
        {4,
         "templates, mappings, interviews, outbox, audit log",
         {
             // body: the whole template as JSON (TemplateJson); the other columns are for listing.
             "CREATE TABLE templates (id TEXT PRIMARY KEY, name TEXT NOT NULL, language TEXT NOT NULL DEFAULT 'en',"
             " expiry_days INTEGER NOT NULL DEFAULT 7, body TEXT NOT NULL, created_at TEXT, updated_at TEXT)",
             // job_id '' is the default mapping for every job whose stage has that name; with a job_id,
             // stage is a stage id or name. stale: the stage or a rule's target is gone in Teamtailor.
             "CREATE TABLE mappings (id INTEGER PRIMARY KEY, job_id TEXT NOT NULL DEFAULT '', stage TEXT NOT NULL,"
             " template_id TEXT NOT NULL REFERENCES templates(id), pass_threshold INTEGER, on_pass TEXT,"
             " on_fail TEXT, stale INTEGER NOT NULL DEFAULT 0, stale_reason TEXT, created_at TEXT, updated_at TEXT,"
             " UNIQUE(job_id, stage COLLATE NOCASE))",
             "CREATE INDEX mappings_template ON mappings(template_id)",
             // token_hash: SHA-256 (hex) of the interview link's token; the token itself is never stored.
             "CREATE TABLE interviews (id INTEGER PRIMARY KEY, application_id TEXT NOT NULL,"
             " candidate_id TEXT NOT NULL, job_id TEXT, template_id TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 0,"
             " token_hash TEXT UNIQUE, state TEXT NOT NULL, partner_result_id TEXT, update_url TEXT,"
             " threshold INTEGER, score INTEGER, grade TEXT, summary TEXT, transcript TEXT, criteria TEXT,"
             " failure_reason TEXT, source TEXT, triggered_by TEXT, created_at TEXT NOT NULL,"
             " updated_at TEXT NOT NULL, expires_at TEXT, started_at TEXT, completed_at TEXT,"
             " UNIQUE(application_id, template_id, generation))",
             "CREATE INDEX interviews_candidate ON interviews(candidate_id)",
             "CREATE INDEX interviews_open ON interviews(state, expires_at)",
             "CREATE TABLE outbox (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
             " method TEXT NOT NULL, url TEXT NOT NULL, body BLOB, state TEXT NOT NULL DEFAULT 'pending',"
             " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,"
             " last_status INTEGER, interview_id INTEGER, created_at TEXT NOT NULL, sent_at TEXT)",
             "CREATE INDEX outbox_due ON outbox(state, next_attempt_at)",
             // details: JSON; never a secret value (secret changes record the name only).
             "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
             " action TEXT NOT NULL, subject TEXT, details TEXT)",
             "CREATE INDEX audit_log_at ON audit_log(at)",
             "CREATE INDEX audit_log_subject ON audit_log(subject)",
         }},
        // --- interview pipeline ---
        {5,
         "interview pipeline: report tokens, outbox ordering",
         {
             // report_token_hash: SHA-256 of the read-only report page's own token (the partner result url).
             "ALTER TABLE interviews ADD COLUMN report_token_hash TEXT",
             "CREATE UNIQUE INDEX interviews_report_token ON interviews(report_token_hash)",
             // The result rules in force when the interview was created (a later mapping edit does not
             // change them): on_pass stage, on_fail stage or "reject"; threshold is in migration 4.
             "ALTER TABLE interviews ADD COLUMN on_pass TEXT",
             "ALTER TABLE interviews ADD COLUMN on_fail TEXT",
             // candidate_id: notes are checked against the candidate's notes before a re-POST.
             "ALTER TABLE outbox ADD COLUMN candidate_id TEXT",
             "CREATE INDEX outbox_interview ON outbox(interview_id, id)",
         }},
        {6,
         "inbox dedupe keys in their own append-only table",
         {
             // The unique index on inbox(event_key) put every delivery's key on a random leaf page:
             // one more 4 KiB page written (and checkpointed) per acknowledged delivery. Keys are now
             // appended in arrival order to a narrow table (about 70 per page), which the inbox writer
             // loads when it opens into its in-memory dedupe index, and adds to as it commits (it is
             // the only writer of deliveries; rows inserted through another connection, like the demo
             // data, are indexed the next time it opens). The triggers keep the table equal to the
             // keyed rows of the inbox, whoever writes them.
             "CREATE TABLE inbox_keys (id INTEGER PRIMARY KEY, event_key TEXT NOT NULL)",
             "INSERT INTO inbox_keys (id, event_key) SELECT id, event_key FROM inbox WHERE event_key IS NOT NULL",
             "CREATE TRIGGER inbox_keys_record AFTER INSERT ON inbox WHEN new.event_key IS NOT NULL"
             " BEGIN INSERT OR REPLACE INTO inbox_keys (id, event_key) VALUES (new.id, new.event_key); END",
             // A deleted delivery takes its key and processing state along: its row id can be reused.
             "CREATE TRIGGER inbox_forget AFTER DELETE ON inbox BEGIN DELETE FROM inbox_keys WHERE id = old.id;"
             " DELETE FROM inbox_processing WHERE id = old.id; END",
             "DROP INDEX inbox_event_key",
         }},
    };
    return list;
}

} // namespace intrvio

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
             "CREATE TABLE inbox (id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, route TEXT NOT NULL,"
             " event_key TEXT, headers TEXT NOT NULL, body BLOB NOT NULL, verification TEXT NOT NULL,"
             " status INTEGER NOT NULL, processed_at TEXT, process_error TEXT, attempts INTEGER NOT NULL DEFAULT 0)",
             "CREATE UNIQUE INDEX inbox_event_key ON inbox(event_key) WHERE event_key IS NOT NULL",
             "CREATE INDEX inbox_unprocessed ON inbox(id) WHERE processed_at IS NULL",
             "CREATE TABLE replay_cache (event_id TEXT PRIMARY KEY, t INTEGER NOT NULL, seen_at TEXT NOT NULL)",
         }},
        {4,
         "templates, mappings, interviews, outbox, audit log",
         {
             "CREATE TABLE templates (id TEXT PRIMARY KEY, name TEXT NOT NULL, language TEXT NOT NULL DEFAULT 'en',"
             " expiry_days INTEGER NOT NULL DEFAULT 7, body TEXT NOT NULL, updated_at TEXT)",
             // job_id '' is the default mapping for every job whose stage has that name.
             "CREATE TABLE mappings (id INTEGER PRIMARY KEY, job_id TEXT NOT NULL DEFAULT '', stage TEXT NOT NULL,"
             " template_id TEXT NOT NULL REFERENCES templates(id), pass_threshold INTEGER, on_pass TEXT,"
             " on_fail TEXT, stale INTEGER NOT NULL DEFAULT 0, updated_at TEXT,"
             " UNIQUE(job_id, stage COLLATE NOCASE))",
             "CREATE TABLE interviews (id INTEGER PRIMARY KEY, application_id TEXT NOT NULL,"
             " candidate_id TEXT NOT NULL, job_id TEXT, template_id TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 0,"
             " token_hash TEXT UNIQUE, state TEXT NOT NULL, partner_result_id TEXT, update_url TEXT,"
             " threshold INTEGER, score INTEGER, grade TEXT, summary TEXT, transcript TEXT, criteria TEXT,"
             " failure_reason TEXT, source TEXT, triggered_by TEXT, created_at TEXT NOT NULL,"
             " updated_at TEXT NOT NULL, expires_at TEXT, started_at TEXT, completed_at TEXT,"
             " UNIQUE(application_id, template_id, generation))",
             "CREATE INDEX interviews_candidate ON interviews(candidate_id)",
             "CREATE TABLE outbox (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
             " method TEXT NOT NULL, url TEXT NOT NULL, body BLOB, state TEXT NOT NULL DEFAULT 'pending',"
             " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,"
             " last_status INTEGER, interview_id INTEGER, created_at TEXT NOT NULL, sent_at TEXT)",
             "CREATE INDEX outbox_due ON outbox(state, next_attempt_at)",
             "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
             " action TEXT NOT NULL, subject TEXT, details TEXT)",
             "CREATE INDEX audit_log_at ON audit_log(at)",
         }},
    };
    return list;
}

} // namespace intrvio

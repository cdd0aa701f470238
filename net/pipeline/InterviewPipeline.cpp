#include "net/pipeline/InterviewPipeline.h"

#include "models/admin/AdminData.h"
#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/InterviewPage.h"
#include "models/interview/InterviewRepository.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/PartnerResultBuilder.h"
#include "models/interview/RubricScorer.h"
#include "models/interview/TemplateRepository.h"
#include "models/Log.h"
#include "models/Store.h"
#include "models/Transaction.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorClient.h"
#include "net/events/EventNormalizer.h"
#include "net/outbox/OutboxWorker.h"
#include "net/pipeline/InterviewStateMachine.h"
#include "net/sync/SyncStore.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSqlError>
#include <QSqlQuery>

namespace intrvio {

namespace {

using SM = InterviewStateMachine::Trigger;

constexpr auto Actor = "pipeline";

// The recruiters' report link token: derived from the candidate's 256-bit token, so it is as hard to
// guess, yet computable whenever the candidate's token is at hand (invite, open, submit) without
// storing either; only its SHA-256 is stored (report_token_hash).
QString reportTokenFor(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(QByteArray(QByteArrayLiteral("intrvio-report:") + token.toLatin1()), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<int> intValue(const QJsonValue &v)
{
    if (v.isDouble())
        return int(v.toDouble());
    bool ok = false;
    const int i = v.toString().trimmed().toInt(&ok);
    return ok ? std::optional<int>(i) : std::nullopt;
}

QJsonValue webhookValue(const QJsonObject &o, const QString &key)
{
    QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        QString snake = key;
        v = o.value(snake.replace(QLatin1Char('-'), QLatin1Char('_')));
    }
    return v;
}

QJsonValue numericId(const QString &id)
{
    bool ok = false;
    const qint64 n = id.toLongLong(&ok);
    return ok ? QJsonValue(double(n)) : QJsonValue(id);
}

PageAnswer page(int status, const QByteArray &body, const QByteArray &type = "text/html; charset=utf-8")
{
    PageAnswer a;
    a.status = status;
    a.body = body;
    a.contentType = type;
    return a;
}

QByteArray notFoundHtml()
{
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Interview not found</title></head>"
           "<body><main><h1>Interview not found</h1><p>This interview link is not valid. Please check that you "
           "copied the whole link from your invitation, or ask the recruiter for a new one.</p></main></body></html>\n";
}

} // namespace

InterviewPipeline::InterviewPipeline(
    Store *store, TeamtailorClient *client, OutboxWorker *outbox, Scorer *scorer, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_client(client)
    , m_outbox(outbox)
    , m_scorer(scorer)
    , m_clock(clock)
{
    connect(outbox, &OutboxWorker::delivered, this, [this](const OutboxItem &item, const QString &) { onDelivered(item); });
    connect(&m_expiryTimer, &QTimer::timeout, this, [this] { expireDue(); });
}

InterviewPipeline::~InterviewPipeline() = default;

void InterviewPipeline::start(int expiryCheckMs)
{
    m_expiryTimer.start(expiryCheckMs);
    expireDue();
}

bool InterviewPipeline::handle(const DomainEvent &e)
{
    qCDebug(lcPipeline) << "event" << e.type << "application" << e.applicationId << "candidate" << e.candidateId
                        << "job" << e.jobId << "stage" << e.stageId << e.stageName;
    if (e.type == QLatin1String(DomainEvent::PartnerTriggered))
        return onPartnerTriggered(e);
    if (e.type == QLatin1String(DomainEvent::StageChanged))
        return onStageChanged(e);
    if (e.type == QLatin1String(DomainEvent::CandidateRejected))
        return onRejected(e);
    if (e.type == QLatin1String(DomainEvent::CandidateRestored))
        return onRestored(e);
    if (e.type == QLatin1String(DomainEvent::CandidateDeleted))
        return onDeleted(e);
    if (e.type == QLatin1String(DomainEvent::JobPublished))
        return onJobPublished(e);
    return true; // nothing to do for the others
}

int InterviewPipeline::generation(const QString &applicationId) const
{
    return m_store->setting(QStringLiteral("pipeline.generation.") + applicationId).value_or(QString()).toInt();
}

QUrl InterviewPipeline::reportUrl(const QString &reportToken) const
{
    QUrl u = m_publicUrl;
    QString path = u.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    u.setPath(path + QStringLiteral("/interview-report/") + reportToken);
    return u;
}

bool InterviewPipeline::invite(const Invite &in, QString *error)
{
    TemplateRepository templates(*m_store, m_clock);
    const auto tpl = templates.find(in.templateId);
    if (!tpl) {
        *error = QStringLiteral("interview template '%1' does not exist").arg(in.templateId);
        return false;
    }
    NewInterview n;
    n.applicationId = in.applicationId;
    n.candidateId = in.candidateId;
    n.jobId = in.jobId;
    n.templateId = in.templateId;
    n.generation = generation(in.applicationId);
    n.source = in.source;
    n.triggeredBy = in.triggeredBy;
    n.partnerResultId = in.partnerResultId;
    n.updateUrl = in.updateUrl;
    n.threshold = in.threshold;

    Transaction tx(m_store->database());
    InterviewRepository repo(*m_store, m_clock);
    const auto created = repo.create(n, tpl->expiryDays, error);
    if (!created)
        return false;
    if (!created->isNew) {
        const InterviewRecord &old = created->record;
        qCInfo(lcPipeline) << "interview" << old.id << "exists for application" << in.applicationId
                           << "and template" << in.templateId << "; no second invite";
        const bool sameResult = !in.partnerResultId.isEmpty() && in.partnerResultId == old.partnerResultId;
        if (in.updateUrl.isEmpty() || in.updateUrl == old.updateUrl || sameResult)
            return tx.commit();
        // The same move reported by a company webhook and by a trigger: the interview came from the
        // webhook and its own partner result is not posted yet, so the trigger's result (created by
        // Teamtailor, "sending") becomes the interview's result and the POST becomes a PUT to it.
        if (old.updateUrl.isEmpty() && old.partnerResultId.isEmpty()) {
            QSqlQuery u(m_store->database());
            u.prepare(QStringLiteral("UPDATE outbox SET kind = ?, method = 'PUT', url = ?, body = ?"
                                     " WHERE idempotency_key = ? AND state <> 'sent'"));
            u.addBindValue(QString::fromLatin1(OutboxKind::PartnerResultUpdate));
            u.addBindValue(in.updateUrl);
            u.addBindValue(QJsonDocument(PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusSent),
                                             QStringLiteral("Interview invitation sent (%1).").arg(tpl->name)))
                               .toJson(QJsonDocument::Compact));
            u.addBindValue(QStringLiteral("pr-create:%1").arg(old.id));
            if (!u.exec()) {
                *error = u.lastError().text();
                return false;
            }
            if (u.numRowsAffected() == 1) {
                QSqlQuery q(m_store->database());
                q.prepare(QStringLiteral("UPDATE interviews SET update_url = ?, partner_result_id = ? WHERE id = ?"));
                q.addBindValue(in.updateUrl);
                q.addBindValue(in.partnerResultId.isEmpty() ? QVariant() : QVariant(in.partnerResultId));
                q.addBindValue(old.id);
                if (!q.exec()) {
                    *error = q.lastError().text();
                    return false;
                }
                AuditLog(*m_store, m_clock)
                    .append(QString::fromLatin1(Actor), QStringLiteral("interview.result-adopted"),
                        QStringLiteral("interview:%1").arg(old.id),
                        QJsonObject { { QStringLiteral("partner-result"), in.partnerResultId },
                            { QStringLiteral("triggered-by"), in.triggeredBy } });
                if (!tx.commit())
                    return false;
                m_outbox->kick();
                return true;
            }
        }
        // A trigger for an interview we already run (e.g. a second trigger on the same stage) gets its
        // partner result told where we are, once.
        OutboxItem item;
        item.idempotencyKey = QStringLiteral("pr-dup:%1").arg(in.updateUrl);
        item.kind = QString::fromLatin1(OutboxKind::PartnerResultUpdate);
        item.method = QStringLiteral("PUT");
        item.url = in.updateUrl;
        item.body = QJsonDocument(PartnerResultBuilder::status(old.state == QLatin1String("created")
                                                                   ? QString::fromLatin1(PartnerResultBuilder::StatusSent)
                                                                   : old.state,
                                      QStringLiteral("An Intrvio interview for this application is already under way.")))
                        .toJson(QJsonDocument::Compact);
        if (!m_outbox->outbox().add(item, error))
            return false;
        return tx.commit();
    }
    const InterviewRecord &rec = created->record;
    const QString token = created->token;
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("UPDATE interviews SET report_token_hash = ?, on_pass = ?, on_fail = ? WHERE id = ?"));
    q.addBindValue(InterviewToken::hash(reportTokenFor(token)));
    q.addBindValue(in.onPass);
    q.addBindValue(in.onFail);
    q.addBindValue(rec.id);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    QUrl link = m_publicUrl;
    QString path = link.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    link.setPath(path + QStringLiteral("/interview/") + token);
    const QString linkText = link.toString(QUrl::FullyEncoded);

    // The note holds the link, so its body (and with it the token) sits in the outbox until it is
    // delivered; the worker clears it then. Only the token's hash is kept after that.
    OutboxItem note;
    note.idempotencyKey = QStringLiteral("note:%1").arg(rec.id);
    note.kind = QString::fromLatin1(OutboxKind::Note);
    note.method = QStringLiteral("POST");
    note.url = m_client->builder().url(RequestBuilder::Api::Public, QStringLiteral("notes")).toString();
    note.body = CreateNoteRequest::body(in.candidateId,
        QStringLiteral("Intrvio interview invitation (%1). Send the candidate this link: %2 (valid until %3 UTC).")
            .arg(tpl->name, linkText, rec.expiresAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
        {});
    note.interviewId = rec.id;
    note.candidateId = in.candidateId;
    if (!m_outbox->outbox().add(note, error))
        return false;

    const QString summary = QStringLiteral("Interview invitation sent (%1).").arg(tpl->name);
    OutboxItem result;
    result.interviewId = rec.id;
    result.candidateId = in.candidateId;
    if (!in.updateUrl.isEmpty() || !in.partnerResultId.isEmpty()) {
        result.idempotencyKey = QStringLiteral("pr-sent:%1").arg(rec.id);
        result.kind = QString::fromLatin1(OutboxKind::PartnerResultUpdate);
        result.method = QStringLiteral("PUT");
        result.url = in.updateUrl;
        result.body = QJsonDocument(PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusSent), summary))
                          .toJson(QJsonDocument::Compact);
    } else {
        QJsonObject attrs = PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusSent), summary);
        attrs.insert(QLatin1String("candidate-id"), numericId(in.candidateId));
        if (!in.jobId.isEmpty())
            attrs.insert(QLatin1String("job-id"), numericId(in.jobId));
        result.idempotencyKey = QStringLiteral("pr-create:%1").arg(rec.id);
        result.kind = QString::fromLatin1(OutboxKind::PartnerResultCreate);
        result.method = QStringLiteral("POST");
        result.url = m_client->builder().url(RequestBuilder::Api::Partner, QStringLiteral("partner-results")).toString();
        result.body = QJsonDocument(PartnerResultBuilder::envelope(attrs)).toJson(QJsonDocument::Compact);
    }
    if (!m_outbox->outbox().add(result, error))
        return false;
    AuditLog audit(*m_store, m_clock);
    audit.append(in.triggeredBy.isEmpty() ? QString::fromLatin1(Actor) : QStringLiteral("teamtailor:user:") + in.triggeredBy,
        QStringLiteral("interview.invited"), QStringLiteral("interview:%1").arg(rec.id),
        QJsonObject { { QStringLiteral("application"), in.applicationId }, { QStringLiteral("candidate"), in.candidateId },
            { QStringLiteral("job"), in.jobId }, { QStringLiteral("template"), in.templateId },
            { QStringLiteral("source"), in.source }, { QStringLiteral("generation"), n.generation },
            { QStringLiteral("triggered-by"), in.triggeredBy } });
    if (!tx.commit()) {
        *error = QStringLiteral("cannot commit the invite: %1").arg(m_store->database().lastError().text());
        return false;
    }
    m_lastInviteLink = linkText;
    qCInfo(lcPipeline) << "interview" << rec.id << "created for application" << in.applicationId << "("
                       << in.source << ")";
    if (!in.jobId.isEmpty())
        ensureStages(in.jobId);
    m_outbox->kick();
    Q_EMIT interviewCreated(rec.id);
    return true;
}

bool InterviewPipeline::onStageChanged(const DomainEvent &e)
{
    if (e.applicationId.isEmpty())
        return true;
    MappingRepository mappings(*m_store, m_clock);
    const MappingDecision d = mappings.resolve(e.jobId, e.stageId, e.stageName);
    if (!d.found()) {
        qCDebug(lcPipeline) << "application" << e.applicationId << "moved to unmapped stage" << e.stageId << e.stageName;
        return true;
    }
    Invite in;
    in.applicationId = e.applicationId;
    in.candidateId = e.candidateId;
    in.jobId = e.jobId;
    in.templateId = d.templateId;
    in.threshold = d.rules.passThreshold;
    in.onPass = d.rules.onPass;
    in.onFail = d.rules.onFail;
    in.source = QStringLiteral("stage-change");
    QString error;
    if (in.candidateId.isEmpty()) {
        // Company webhooks name the application but not always its candidate: ask Teamtailor.
        lookupAndInvite(in, 0);
        return true;
    }
    if (!invite(in, &error)) {
        qCWarning(lcPipeline).noquote() << "stage change of application" << e.applicationId << "not handled:" << error;
        return false; // the inbox retries the row
    }
    return true;
}

bool InterviewPipeline::onPartnerTriggered(const DomainEvent &e)
{
    MappingRepository mappings(*m_store, m_clock);
    const MappingDecision d = mappings.resolve(e.jobId, e.stageId, e.stageName);
    Invite in;
    in.candidateId = e.candidateId;
    in.jobId = e.jobId;
    in.templateId = webhookValue(e.webhookData, QStringLiteral("template")).toString();
    if (in.templateId.isEmpty())
        in.templateId = d.templateId;
    in.threshold = intValue(webhookValue(e.webhookData, QStringLiteral("threshold")));
    if (!in.threshold)
        in.threshold = d.rules.passThreshold;
    in.onPass = d.rules.onPass;
    in.onFail = d.rules.onFail;
    in.source = QStringLiteral("trigger");
    in.updateUrl = e.updateUrl;
    const QJsonObject pr = webhookValue(e.data, QStringLiteral("partner-result")).toObject();
    in.partnerResultId = pr.value(QLatin1String("id")).toString();
    const QJsonValue by = webhookValue(e.data, QStringLiteral("triggered-by"));
    in.triggeredBy = by.isObject() ? by.toObject().value(QLatin1String("id")).toVariant().toString() : by.toVariant().toString();
    QString error;
    if (in.templateId.isEmpty() || in.candidateId.isEmpty()) {
        // Nothing to send: tell Teamtailor why instead of leaving the result "sending".
        if (in.updateUrl.isEmpty())
            return true;
        OutboxItem item;
        item.idempotencyKey = QStringLiteral("pr-refused:%1").arg(e.partnerEventId);
        item.kind = QString::fromLatin1(OutboxKind::PartnerResultUpdate);
        item.method = QStringLiteral("PUT");
        item.url = in.updateUrl;
        item.body = QJsonDocument(PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusFailed),
                                      QStringLiteral("No Intrvio interview template is set for this stage. Choose one "
                                                     "in the trigger or map the stage in Intrvio.")))
                        .toJson(QJsonDocument::Compact);
        const bool ok = m_outbox->outbox().add(item, &error);
        m_outbox->kick();
        return ok;
    }
    // The partner event names the candidate and job, not the application (§3.2): look it up.
    lookupAndInvite(in, 0);
    return true;
}

void InterviewPipeline::lookupAndInvite(const Invite &invite0, int attempt)
{
    // Not durable across a restart: the reconciler picks up what a crash loses (stage changes since
    // the last sync, partner results still "sending"). Transient failures are retried here.
    auto retry = [this, invite0, attempt](const ApiError &e) {
        if (!e.isTransient() || attempt >= 12) {
            qCWarning(lcPipeline).noquote() << "cannot look up application" << invite0.applicationId << "of candidate"
                                            << invite0.candidateId << ":" << e.message;
            return;
        }
        const int delayMs = std::min(60000, 500 << std::min(attempt, 7));
        QTimer::singleShot(delayMs, this, [this, invite0, attempt] { lookupAndInvite(invite0, attempt + 1); });
    };
    auto finish = [this](const Invite &in, const tt::JobApplication &app) {
        // The mirror learns the application (its candidate, stage and rejection): the next company
        // webhook about it is compared with this (EventNormalizer::Previous), which is how a later
        // restore is told apart from a plain update.
        QString error;
        if (!SyncStore(m_store->database()).writeApplications({ app }, &error))
            qCWarning(lcPipeline).noquote() << "cannot mirror application" << app.id << ":" << error;
        if (!app.jobId.isEmpty())
            ensureStages(app.jobId); // stage names, to compare the next webhook's `stage-name` with
        if (!app.rejectedAt.isEmpty()) {
            qCInfo(lcPipeline) << "application" << app.id << "is rejected; not invited";
            if (!in.updateUrl.isEmpty()) {
                // A trigger's result does not stay "sending": Teamtailor is told why.
                OutboxItem item;
                item.idempotencyKey = QStringLiteral("pr-refused:%1").arg(in.updateUrl);
                item.kind = QString::fromLatin1(OutboxKind::PartnerResultUpdate);
                item.method = QStringLiteral("PUT");
                item.url = in.updateUrl;
                item.body = QJsonDocument(PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusFailed),
                                              QStringLiteral("The application is rejected in Teamtailor; no interview was sent.")))
                                .toJson(QJsonDocument::Compact);
                if (m_outbox->outbox().add(item, &error))
                    m_outbox->kick();
                else
                    qCWarning(lcPipeline).noquote() << "cannot answer the trigger for application" << app.id << ":" << error;
            }
            return;
        }
        if (!invite(in, &error))
            qCWarning(lcPipeline).noquote() << "application" << in.applicationId << "not invited:" << error;
    };
    if (!invite0.applicationId.isEmpty()) {
        auto *r = m_client->jobApplication(invite0.applicationId);
        r->setParent(this); // never outlives us (or the client, destroyed after us)
        r->onFinished(this, [invite0, retry, finish](const ApiResult<tt::JobApplication> &result) {
            if (!result.ok())
                return retry(result.error());
            Invite in = invite0;
            in.candidateId = result.value().candidateId;
            if (in.jobId.isEmpty())
                in.jobId = result.value().jobId;
            finish(in, result.value());
        });
        return;
    }
    auto *r = m_client->candidateApplications(invite0.candidateId);
    r->setParent(this); // never outlives us (or the client, destroyed after us)
    r->onFinished(this, [invite0, retry, finish](const ApiResult<CandidateApplications> &result) {
        if (!result.ok())
            return retry(result.error());
        Invite in = invite0;
        tt::JobApplication found;
        for (const auto &a : result.value().applications) {
            if (a.jobId == in.jobId || in.jobId.isEmpty()) {
                // A candidate may have applied twice to a job: the active application wins.
                if (!found.id.isEmpty() && !a.rejectedAt.isEmpty())
                    continue;
                found = a;
                if (a.rejectedAt.isEmpty())
                    break;
            }
        }
        if (found.id.isEmpty()) {
            qCWarning(lcPipeline) << "candidate" << in.candidateId << "has no application for job" << in.jobId;
            return;
        }
        in.applicationId = found.id;
        in.jobId = found.jobId;
        if (found.candidateId.isEmpty())
            found.candidateId = in.candidateId;
        finish(in, found);
    });
}

bool InterviewPipeline::cancel(const InterviewRecord &rec, const QString &reason, const QString &actor)
{
    const auto to = InterviewStateMachine::transition(rec.id, rec.state, SM::Cancelled);
    if (!to)
        return true;
    Transaction tx(m_store->database());
    InterviewRepository repo(*m_store, m_clock);
    if (!repo.fail(rec.id, reason))
        return false;
    // An invitation not delivered yet is not delivered at all: its link would only open a closed page.
    QSqlQuery note(m_store->database());
    note.prepare(QStringLiteral("DELETE FROM outbox WHERE interview_id = ? AND kind = ? AND state <> 'sent'"));
    note.addBindValue(rec.id);
    note.addBindValue(QString::fromLatin1(OutboxKind::Note));
    if (!note.exec())
        return false;
    QString error;
    if (!queuePartnerStatus(rec, QStringLiteral("pr-failed:%1").arg(rec.id),
            PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusFailed), reason), &error))
        return false;
    AuditLog(*m_store, m_clock)
        .append(actor, QStringLiteral("interview.failed"), QStringLiteral("interview:%1").arg(rec.id),
            QJsonObject { { QStringLiteral("reason"), reason } });
    if (!tx.commit())
        return false;
    m_outbox->kick();
    Q_EMIT interviewChanged(rec.id, QStringLiteral("failed"));
    return true;
}

bool InterviewPipeline::onRejected(const DomainEvent &e)
{
    InterviewRepository repo(*m_store, m_clock);
    bool ok = true;
    for (const auto &rec : repo.forApplication(e.applicationId))
        ok = cancel(rec, QStringLiteral("The candidate was rejected in Teamtailor; the interview was cancelled."),
                 QStringLiteral("teamtailor"))
            && ok;
    return ok;
}

bool InterviewPipeline::onRestored(const DomainEvent &e)
{
    if (e.applicationId.isEmpty())
        return true;
    // The next invite for this application is a new generation (a new interview, a new link).
    const QString key = QStringLiteral("pipeline.generation.") + e.applicationId;
    const bool ok = m_store->setSetting(key, QString::number(generation(e.applicationId) + 1));
    AuditLog(*m_store, m_clock)
        .append(QStringLiteral("teamtailor"), QStringLiteral("interview.restored"),
            QStringLiteral("application:%1").arg(e.applicationId));
    return ok;
}

bool InterviewPipeline::onDeleted(const DomainEvent &e)
{
    if (e.candidateId.isEmpty())
        return true;
    // The same erasure as the GDPR button in Settings: one function, one definition of "the
    // candidate's data" (CandidatePrivacy::eraseCandidate).
    QString error;
    const auto outcome = CandidatePrivacy::eraseCandidate(
        m_store->database(), e.candidateId, m_clock, QStringLiteral("teamtailor"), &error);
    if (outcome == CandidatePrivacy::EraseOutcome::Failed) {
        qCWarning(lcPipeline).noquote() << "cannot erase candidate" << e.candidateId << ":" << error;
        return false; // the inbox retries the row
    }
    if (outcome == CandidatePrivacy::EraseOutcome::Unknown)
        qCInfo(lcPipeline) << "candidate" << e.candidateId << "deleted in Teamtailor; nothing stored about them";
    return true;
}

void InterviewPipeline::fetchStages(
    const QString &jobId, int attempt, std::function<void(const QList<tt::Stage> &)> onStored)
{
    auto *r = m_client->listJobStages(jobId);
    r->setParent(this); // never outlives us (or the client, destroyed after us)
    r->onFinished(this, [this, jobId, attempt, onStored](const ApiResult<Page<tt::Stage>> &result) {
        if (!result.ok()) {
            // The result rules and default mappings need the job's stages: transient failures are
            // retried with backoff.
            if (result.error().isTransient() && attempt < 12) {
                QTimer::singleShot(std::min(60000, 500 << std::min(attempt, 7)), this,
                    [this, jobId, attempt, onStored] { fetchStages(jobId, attempt + 1, onStored); });
                return;
            }
            qCWarning(lcPipeline).noquote() << "cannot read the stages of job" << jobId << ":" << result.error().message;
            return;
        }
        QSqlQuery j(m_store->database());
        j.prepare(QStringLiteral("INSERT OR IGNORE INTO jobs(id, title) VALUES(?, '')"));
        j.addBindValue(jobId);
        j.exec();
        SyncStore sync(m_store->database());
        QString error;
        if (!sync.writeStages(result.value().items, &error)) {
            qCWarning(lcPipeline).noquote() << "cannot store the stages of job" << jobId << ":" << error;
            return;
        }
        if (onStored)
            onStored(result.value().items);
    });
}

void InterviewPipeline::ensureStages(const QString &jobId)
{
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM stages WHERE job_id = ?"));
    q.addBindValue(jobId);
    if (q.exec() && q.next() && q.value(0).toInt() > 0)
        return;
    fetchStages(jobId, 0, {});
}

bool InterviewPipeline::onJobPublished(const DomainEvent &e)
{
    if (e.jobId.isEmpty())
        return true;
    // The job is mirrored as published (so the next job.update of it is not another publication)
    // and flagged for review: the Jobs view and the mapping panel list it until an admin marks it
    // reviewed.
    const QString title
        = EventNormalizer::attribute(e.data.value(QLatin1String("attributes")).toObject(), QStringLiteral("title")).toString();
    Transaction tx(m_store->database());
    QSqlQuery j(m_store->database());
    j.prepare(QStringLiteral("INSERT INTO jobs(id, title, status, human_status, needs_review) VALUES(?, ?, 'open', 'published', 1)"
                             " ON CONFLICT(id) DO UPDATE SET title = CASE WHEN excluded.title <> '' THEN excluded.title"
                             " ELSE jobs.title END, status = 'open', human_status = 'published', needs_review = 1"));
    j.addBindValue(e.jobId);
    j.addBindValue(title.isEmpty() ? QStringLiteral("") : title); // never NULL (jobs.title NOT NULL)
    if (!j.exec()) {
        qCWarning(lcPipeline).noquote() << "cannot flag job" << e.jobId << "for review:" << j.lastError().text();
        return false;
    }
    AuditLog(*m_store, m_clock)
        .append(QStringLiteral("teamtailor"), QStringLiteral("job.published"), QStringLiteral("job:%1").arg(e.jobId));
    if (!tx.commit())
        return false;
    syncPublishedJob(e.jobId);
    return true;
}

void InterviewPipeline::syncPublishedJob(const QString &jobId)
{
    // The job's stages are mirrored, so the default mappings (by stage name) apply to them and the
    // editor shows them; stale flags are recomputed with the new stages.
    fetchStages(jobId, 0, [this, jobId](const QList<tt::Stage> &stages) {
        MappingRepository mappings(*m_store, m_clock);
        mappings.refreshStale(QString::fromLatin1(Actor));
        // Which stages the default mappings now cover, for the audit trail and the review.
        QJsonArray mapped;
        for (const auto &stage : stages) {
            const MappingDecision d = mappings.resolve(jobId, stage.id, stage.name);
            if (d.found())
                mapped.append(QJsonObject { { QStringLiteral("stage"), stage.name }, { QStringLiteral("template"), d.templateId },
                    { QStringLiteral("override"), d.fromOverride() } });
        }
        AuditLog(*m_store, m_clock)
            .append(QString::fromLatin1(Actor), QStringLiteral("job.stages-mapped"), QStringLiteral("job:%1").arg(jobId),
                QJsonObject { { QStringLiteral("stages"), int(stages.size()) }, { QStringLiteral("mapped"), mapped } });
        Q_EMIT jobStagesSynced(jobId, int(mapped.size()));
    });
}

bool InterviewPipeline::queuePartnerStatus(
    const InterviewRecord &rec, const QString &key, const QJsonObject &attributes, QString *error)
{
    OutboxItem item;
    item.idempotencyKey = key;
    item.kind = QString::fromLatin1(OutboxKind::PartnerResultUpdate);
    item.method = QStringLiteral("PUT");
    item.url = rec.updateUrl; // empty: resolved when sent (our own POST's id)
    item.body = QJsonDocument(attributes).toJson(QJsonDocument::Compact);
    item.interviewId = rec.id;
    item.candidateId = rec.candidateId;
    return m_outbox->outbox().add(item, error);
}

void InterviewPipeline::onDelivered(const OutboxItem &item)
{
    if (item.kind != QLatin1String(OutboxKind::Note) || !item.interviewId)
        return;
    InterviewRepository repo(*m_store, m_clock);
    const auto rec = repo.find(item.interviewId);
    if (!rec)
        return;
    const auto to = InterviewStateMachine::transition(rec->id, rec->state, SM::InviteDelivered);
    if (to && repo.setState(rec->id, *to))
        Q_EMIT interviewChanged(rec->id, *to);
}

int InterviewPipeline::expireDue()
{
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT id FROM interviews WHERE state IN ('created', 'sent', 'pending') AND expires_at <= ?"));
    q.addBindValue(m_clock.now().toUTC().toString(Qt::ISODateWithMs));
    QList<qint64> ids;
    if (q.exec()) {
        while (q.next())
            ids.append(q.value(0).toLongLong());
    }
    InterviewRepository repo(*m_store, m_clock);
    int n = 0;
    for (qint64 id : ids) {
        const auto rec = repo.find(id);
        if (!rec || !InterviewStateMachine::transition(id, rec->state, SM::Expired))
            continue;
        const QString reason = QStringLiteral("The interview link expired on %1 UTC before the candidate completed it.")
                                   .arg(rec->expiresAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        Transaction tx(m_store->database());
        QString error;
        if (!repo.fail(id, reason)
            || !queuePartnerStatus(*rec, QStringLiteral("pr-failed:%1").arg(id),
                PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusFailed), reason), &error))
            continue;
        AuditLog(*m_store, m_clock)
            .append(QString::fromLatin1(Actor), QStringLiteral("interview.expired"), QStringLiteral("interview:%1").arg(id));
        if (tx.commit()) {
            ++n;
            Q_EMIT interviewChanged(id, QStringLiteral("failed"));
        }
    }
    if (n)
        m_outbox->kick();
    return n;
}

QString InterviewPipeline::resolveStage(const QString &jobId, const QString &stage) const
{
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT id FROM stages WHERE job_id = ? AND (id = ? OR lower(trim(name)) = lower(trim(?)))"
                             " ORDER BY (id = ?) DESC LIMIT 1"));
    q.addBindValue(jobId);
    q.addBindValue(stage);
    q.addBindValue(stage);
    q.addBindValue(stage);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return {};
}

PageAnswer InterviewPipeline::handlePage(
    const QByteArray &method, const QString &path, const QByteArray &contentType, const QByteArray &body)
{
    auto answer = std::make_shared<std::optional<PageAnswer>>();
    handlePageLater(method, path, contentType, body, [answer](const PageAnswer &a) { *answer = a; });
    if (*answer)
        return **answer;
    // Only a remote scorer answers later; a synchronous caller cannot wait for it.
    return page(503,
        "Your answers could not be scored right now. Please submit them again in a few minutes.\n",
        "text/plain; charset=utf-8");
}

void InterviewPipeline::handlePageLater(const QByteArray &method, const QString &path,
    const QByteArray &contentType, const QByteArray &body, std::function<void(const PageAnswer &)> reply)
{
    if (path.startsWith(QLatin1String("/interview-report/"))) {
        if (method != "GET")
            return reply(page(405, "method not allowed\n", "text/plain; charset=utf-8"));
        return reply(reportPage(path.mid(18)));
    }
    QString token = path.mid(11);
    bool json = false;
    if (token.endsWith(QLatin1String(".json"))) {
        json = true;
        token.chop(5);
        if (method != "GET")
            return reply(page(405, "method not allowed\n", "text/plain; charset=utf-8"));
    }
    if (auto answer = interviewPage(method, token, json, contentType, body, reply))
        reply(*answer);
}

std::optional<PageAnswer> InterviewPipeline::interviewPage(const QByteArray &method, const QString &token,
    bool json, const QByteArray &contentType, const QByteArray &body,
    const std::function<void(const PageAnswer &)> &later)
{
    InterviewRepository repo(*m_store, m_clock);
    const auto rec = repo.findByToken(token);
    if (!rec) {
        if (json)
            return page(404, R"({"error":"not_found","message":"This interview link is not valid."})" "\n", "application/json");
        return page(404, notFoundHtml());
    }
    const auto access = InterviewToken::access(rec->tokenState(), m_clock.now());
    if (access == InterviewToken::Access::Expired && InterviewStateMachine::transition(rec->id, rec->state, SM::Expired))
        expireDue();
    if (access != InterviewToken::Access::Open) {
        const int status = InterviewToken::httpStatus(access);
        if (json)
            return page(status,
                QJsonDocument(QJsonObject { { QStringLiteral("error"), status == 409 ? QStringLiteral("submitted") : QStringLiteral("closed") },
                                  { QStringLiteral("message"), InterviewToken::describe(access) } })
                    .toJson(QJsonDocument::Compact),
                "application/json");
        return page(status, InterviewPage::renderClosedHtml(access));
    }
    const auto tpl = TemplateRepository(*m_store, m_clock).find(rec->templateId);
    if (!tpl)
        return page(500, "the interview's template is missing; please contact the recruiter\n", "text/plain; charset=utf-8");
    InterviewPage::Model model;
    model.tpl = *tpl;
    model.formAction = QStringLiteral("/interview/") + token;
    model.expiresAt = rec->expiresAt;
    model.companyName = m_store->setting(QStringLiteral("activation.company_name")).value_or(QString());

    if (method == "GET") {
        // First open: pending (and Teamtailor is told).
        if (const auto to = InterviewStateMachine::transition(rec->id, rec->state, SM::Opened)) {
            Transaction tx(m_store->database());
            QString error;
            if (repo.markOpened(rec->id)
                && queuePartnerStatus(*rec, QStringLiteral("pr-pending:%1").arg(rec->id),
                    PartnerResultBuilder::status(QString::fromLatin1(PartnerResultBuilder::StatusPending),
                        QStringLiteral("The candidate opened the interview.")),
                    &error)
                && tx.commit()) {
                m_outbox->kick();
                Q_EMIT interviewChanged(rec->id, *to);
            } else {
                qCWarning(lcPipeline).noquote() << "interview" << rec->id << ": cannot record the first open:" << error
                                                << m_store->database().lastError().text();
            }
        }
        if (json)
            return page(200, InterviewPage::renderJson(model), "application/json");
        return page(200, InterviewPage::renderHtml(model));
    }

    // POST: validate, score, complete, queue the result and the rule, in one transaction.
    const bool wantsJson = contentType.toLower().contains("json");
    const InterviewPage::Submission sub = InterviewPage::parseSubmission(contentType, body, *tpl);
    if (!sub.ok()) {
        if (wantsJson || sub.httpStatus == 415) {
            QJsonArray problems;
            for (const auto &p : sub.problems)
                problems.append(QJsonObject { { QStringLiteral("path"), p.path }, { QStringLiteral("message"), p.message } });
            return page(sub.httpStatus,
                QJsonDocument(QJsonObject { { QStringLiteral("error"), QStringLiteral("invalid") }, { QStringLiteral("problems"), problems } })
                    .toJson(QJsonDocument::Compact),
                "application/json");
        }
        model.previousAnswers = sub.answers;
        model.problems = sub.problems;
        model.consentGiven = sub.consent;
        return page(sub.httpStatus, InterviewPage::renderHtml(model));
    }
    if (!InterviewStateMachine::transition(rec->id, rec->state, SM::Submitted))
        return page(409, InterviewPage::renderClosedHtml(InterviewToken::Access::Submitted));

    // Scoring may be remote (an OpenAI-compatible endpoint): the candidate's POST stays open until
    // the answers are scored and stored. Any scorer error or timeout falls back to the rubric, so the
    // interview always completes. Nothing is stored before that: when the process dies meanwhile the
    // candidate was not thanked and the link still takes the answers.
    struct Pending
    {
        bool returned = false; // score() has returned: answer through `later`
        std::optional<PageAnswer> answer; // answered before score() returned (the rubric scorer)
    };
    auto pending = std::make_shared<Pending>();
    QPointer<InterviewPipeline> self(this);
    const InterviewRecord record = *rec;
    const InterviewTemplate interviewTemplate = *tpl;
    const QList<Answer> answers = sub.answers;
    m_scorer->score(interviewTemplate, answers,
        [self, pending, later, record, interviewTemplate, answers, token, json, wantsJson](
            const ScoreOutcome &o) {
            if (!self)
                return;
            ScoreResult score = o.result;
            if (!o.ok) {
                qCWarning(lcPipeline).noquote()
                    << "scoring interview" << record.id << "with" << self->m_scorer->name()
                    << "failed, using the rubric:" << o.error;
                score = RubricScorer::evaluate(interviewTemplate, answers);
            }
            const PageAnswer a = self->completeSubmission(
                record, interviewTemplate, answers, score, token, json || wantsJson);
            if (pending->returned)
                later(a);
            else
                pending->answer = a;
        });
    pending->returned = true;
    return pending->answer;
}

PageAnswer InterviewPipeline::completeSubmission(const InterviewRecord &recRef,
    const InterviewTemplate &tplRef, const QList<Answer> &answers, const ScoreResult &score,
    const QString &token, bool wantsJson)
{
    const InterviewRecord *rec = &recRef;
    const InterviewTemplate *tpl = &tplRef;
    InterviewRepository repo(*m_store, m_clock);
    Transaction tx(m_store->database());
    const auto submitted = repo.submit(rec->id, answers, score);
    if (submitted == InterviewRepository::SubmitResult::AlreadySubmitted)
        return page(409, InterviewPage::renderClosedHtml(InterviewToken::Access::Submitted));
    if (submitted != InterviewRepository::SubmitResult::Accepted)
        return page(410, InterviewPage::renderClosedHtml(InterviewToken::Access::Expired));
    const auto done = repo.find(rec->id);
    CompletedInterview ci;
    ci.tpl = *tpl;
    ci.answers = answers;
    ci.score = score;
    ci.startedAt = done && done->startedAt.isValid() ? done->startedAt : rec->createdAt;
    ci.completedAt = done ? done->completedAt : m_clock.now();
    ci.reportUrl = reportUrl(reportTokenFor(token));
    QString error;
    bool ok = queuePartnerStatus(*rec, QStringLiteral("pr-completed:%1").arg(rec->id), PartnerResultBuilder::completed(ci), &error);

    // The result rule: pass -> on-pass stage; fail -> on-fail stage or reject.
    QString onPass, onFail;
    {
        QSqlQuery q(m_store->database());
        q.prepare(QStringLiteral("SELECT on_pass, on_fail FROM interviews WHERE id = ?"));
        q.addBindValue(rec->id);
        if (q.exec() && q.next()) {
            onPass = q.value(0).toString();
            onFail = q.value(1).toString();
        }
    }
    AuditLog audit(*m_store, m_clock);
    audit.append(QStringLiteral("candidate"), QStringLiteral("interview.completed"), QStringLiteral("interview:%1").arg(rec->id),
        QJsonObject { { QStringLiteral("score"), score.score }, { QStringLiteral("grade"), score.grade },
            { QStringLiteral("scorer"), score.scorer }, { QStringLiteral("triggered-by"), rec->triggeredBy } });
    if (ok && rec->threshold) {
        const bool pass = score.score >= *rec->threshold;
        const QString target = pass ? onPass : onFail;
        MappingRules rules;
        rules.onFail = onFail;
        const bool reject = !pass && rules.rejectsOnFail();
        QByteArray patch;
        QString detail;
        if (reject) {
            patch = QJsonDocument(QJsonObject { { QStringLiteral("data"),
                                      QJsonObject { { QStringLiteral("id"), rec->applicationId },
                                          { QStringLiteral("type"), QStringLiteral("job-applications") },
                                          { QStringLiteral("attributes"),
                                              QJsonObject { { QStringLiteral("rejected-at"),
                                                  m_clock.now().toUTC().toString(Qt::ISODateWithMs) } } } } } })
                        .toJson(QJsonDocument::Compact);
            detail = QStringLiteral("reject");
        } else if (!target.isEmpty()) {
            const QString stageId = resolveStage(rec->jobId, target);
            if (stageId.isEmpty()) {
                // The job's stages are not mirrored yet: the worker resolves the name when it sends
                // the row (and waits while it cannot), and the stages are fetched now.
                patch = QJsonDocument(QJsonObject { { QStringLiteral("resolve-stage"), target },
                                          { QStringLiteral("job"), rec->jobId },
                                          { QStringLiteral("application"), rec->applicationId } })
                            .toJson(QJsonDocument::Compact);
                detail = target;
                ensureStages(rec->jobId);
            } else {
                patch = MoveStageRequest::body(rec->applicationId, stageId);
                detail = stageId;
            }
        }
        if (!patch.isEmpty()) {
            OutboxItem move;
            move.idempotencyKey = QStringLiteral("stage:%1").arg(rec->id);
            move.kind = QString::fromLatin1(OutboxKind::StageMove);
            move.method = QStringLiteral("PATCH");
            move.url = m_client->builder()
                           .url(RequestBuilder::Api::Public, QStringLiteral("job-applications/") + rec->applicationId)
                           .toString();
            move.body = patch;
            move.interviewId = rec->id;
            move.candidateId = rec->candidateId;
            ok = m_outbox->outbox().add(move, &error);
            audit.append(QString::fromLatin1(Actor), reject ? QStringLiteral("application.rejected") : QStringLiteral("stage.moved"),
                QStringLiteral("application:%1").arg(rec->applicationId),
                QJsonObject { { QStringLiteral("interview"), rec->id }, { QStringLiteral("score"), score.score },
                    { QStringLiteral("threshold"), *rec->threshold }, { QStringLiteral("pass"), pass },
                    { QStringLiteral("target"), detail }, { QStringLiteral("triggered-by"), rec->triggeredBy } });
        }
    }
    if (!ok || !tx.commit()) {
        qCWarning(lcPipeline).noquote() << "cannot complete interview" << rec->id << ":" << error;
        return page(500, "Your answers could not be saved. Please submit them again.\n", "text/plain; charset=utf-8");
    }
    m_outbox->kick();
    Q_EMIT interviewChanged(rec->id, QStringLiteral("completed"));
    if (wantsJson)
        return page(201,
            QJsonDocument(QJsonObject { { QStringLiteral("status"), QStringLiteral("completed") } }).toJson(QJsonDocument::Compact),
            "application/json");
    return page(201, InterviewPage::renderClosedHtml(InterviewToken::Access::Submitted, true));
}

PageAnswer InterviewPipeline::reportPage(const QString &token)
{
    if (!InterviewToken::isWellFormed(token))
        return page(404, notFoundHtml());
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT id FROM interviews WHERE report_token_hash = ?"));
    q.addBindValue(InterviewToken::hash(token));
    if (!q.exec() || !q.next())
        return page(404, notFoundHtml());
    InterviewRepository repo(*m_store, m_clock);
    const auto rec = repo.find(q.value(0).toLongLong());
    if (!rec || rec->state != QLatin1String("completed"))
        return page(404, notFoundHtml());
    const auto tpl = TemplateRepository(*m_store, m_clock).find(rec->templateId);
    InterviewPage::Report r;
    if (tpl)
        r.tpl = *tpl;
    r.startedAt = rec->startedAt;
    r.completedAt = rec->completedAt;
    r.answers = rec->answers;
    r.score.score = rec->score.value_or(0);
    r.score.grade = rec->grade;
    r.score.summary = rec->summary;
    r.score.criteria = rec->criteria;
    return page(200, InterviewPage::renderReportHtml(r));
}

// --- admin actions (Interviews view) ---------------------------------------------------------

// The interview an admin action works on, when it exists and is not final; otherwise nullopt and
// out->message says why (whenFinal: "%1" is the state).
std::optional<InterviewRecord> InterviewPipeline::openInterview(
    const InterviewRepository &repo, qint64 interviewId, const QString &whenFinal, AdminOutcome *out)
{
    auto rec = repo.find(interviewId);
    if (!rec) {
        out->message = QStringLiteral("interview %1 does not exist (erased or never created).").arg(interviewId);
        return std::nullopt;
    }
    const auto state = InterviewStateMachine::parse(rec->state);
    if (!state || InterviewStateMachine::isFinal(*state)) {
        out->message = whenFinal.arg(rec->state);
        return std::nullopt;
    }
    return rec;
}

InterviewPipeline::AdminOutcome InterviewPipeline::resendInvite(qint64 interviewId, const QString &actor)
{
    AdminOutcome out;
    InterviewRepository repo(*m_store, m_clock);
    const auto rec = openInterview(repo, interviewId,
        QStringLiteral("the interview is %1, so there is nothing to resend; move the candidate into the stage "
                       "again in Teamtailor for a new interview."),
        &out);
    if (!rec)
        return out;
    if (!m_client->builder().hasCredential(RequestBuilder::Api::Public)) {
        out.message = QStringLiteral("the company API token is not set, so no note can reach Teamtailor (set it "
                                     "in Settings).");
        return out;
    }
    const bool expired = rec->expiresAt.isValid() && rec->expiresAt <= m_clock.now();
    // The first invite note still holds the link while it has not been delivered.
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral("SELECT id, body FROM outbox WHERE interview_id = ? AND kind = ? AND state != 'sent'"
                             " AND length(body) > 0 ORDER BY id DESC LIMIT 1"));
    q.addBindValue(interviewId);
    q.addBindValue(QString::fromLatin1(OutboxKind::Note));
    const bool held = q.exec() && q.next();
    const qint64 heldRow = held ? q.value(0).toLongLong() : 0;
    const QByteArray heldBody = held ? q.value(1).toByteArray() : QByteArray();
    q.finish();

    TemplateRepository templates(*m_store, m_clock);
    const auto tpl = templates.find(rec->templateId);
    Transaction tx(m_store->database());
    QString error;
    OutboxItem note;
    note.kind = QString::fromLatin1(OutboxKind::Note);
    note.method = QStringLiteral("POST");
    note.url = m_client->builder().url(RequestBuilder::Api::Public, QStringLiteral("notes")).toString();
    note.interviewId = rec->id;
    note.candidateId = rec->candidateId;
    note.idempotencyKey = QStringLiteral("note-resend:%1:%2").arg(rec->id).arg(m_clock.now().toMSecsSinceEpoch());
    QDateTime validUntil = rec->expiresAt;
    if (held && !expired) {
        // Same link: the waiting note is sent now in place of the old row.
        note.body = heldBody;
        QSqlQuery drop(m_store->database());
        drop.prepare(QStringLiteral("DELETE FROM outbox WHERE id = ? AND state != 'sent'"));
        drop.addBindValue(heldRow);
        if (!drop.exec()) {
            out.message = drop.lastError().text();
            return out;
        }
        out.message = QStringLiteral("invitation queued again with the same link (the first note had not reached "
                                     "Teamtailor yet).");
    } else {
        const auto token = repo.renewToken(rec->id, tpl ? tpl->expiryDays : 7, &error);
        if (!token) {
            out.message = error;
            return out;
        }
        QSqlQuery r(m_store->database());
        r.prepare(QStringLiteral("UPDATE interviews SET report_token_hash = ? WHERE id = ?"));
        r.addBindValue(InterviewToken::hash(reportTokenFor(*token)));
        r.addBindValue(rec->id);
        r.exec();
        if (held) { // an expired link is not worth sending any more
            QSqlQuery drop(m_store->database());
            drop.prepare(QStringLiteral("DELETE FROM outbox WHERE id = ? AND state != 'sent'"));
            drop.addBindValue(heldRow);
            drop.exec();
        }
        if (const auto fresh = repo.find(rec->id))
            validUntil = fresh->expiresAt;
        QUrl link = m_publicUrl;
        QString path = link.path();
        if (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        link.setPath(path + QStringLiteral("/interview/") + *token);
        note.body = CreateNoteRequest::body(rec->candidateId,
            QStringLiteral("Intrvio interview invitation (%1), sent again. Send the candidate this link: %2 (valid "
                           "until %3 UTC). Earlier links for this interview no longer work.")
                .arg(tpl ? tpl->name : rec->templateId, link.toString(QUrl::FullyEncoded),
                    validUntil.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
            {});
        out.newLink = true;
        out.message = expired
            ? QStringLiteral("the link had expired, so a new link (valid until %1 UTC) was sent in a new note.")
                  .arg(validUntil.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
            : QStringLiteral("a new link (valid until %1 UTC) was sent in a new note; links are kept only as hashes, "
                             "so the earlier one cannot be sent again and no longer works.")
                  .arg(validUntil.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    }
    if (!m_outbox->outbox().add(note, &error)) {
        out.message = error;
        return out;
    }
    AuditLog(*m_store, m_clock)
        .append(actor, QStringLiteral("interview.resent"), QStringLiteral("interview:%1").arg(rec->id),
            QJsonObject { { QStringLiteral("new-link"), out.newLink }, { QStringLiteral("expired"), expired } });
    if (!tx.commit()) {
        out.message = QStringLiteral("the store did not accept the change; try again.");
        return out;
    }
    m_outbox->kick();
    out.ok = true;
    Q_EMIT interviewChanged(rec->id, rec->state);
    return out;
}

InterviewPipeline::AdminOutcome InterviewPipeline::cancelInterview(qint64 interviewId, const QString &actor)
{
    AdminOutcome out;
    InterviewRepository repo(*m_store, m_clock);
    const auto rec = openInterview(
        repo, interviewId, QStringLiteral("the interview is already %1 and cannot be cancelled."), &out);
    if (!rec)
        return out;
    if (!cancel(*rec, QStringLiteral("cancelled by %1").arg(actor), actor)) {
        out.message = QStringLiteral("the store did not accept the change; try again.");
        return out;
    }
    out.ok = true;
    out.message = QStringLiteral("cancelled; Teamtailor's result shows it as failed (cancelled by %1).").arg(actor);
    return out;
}

} // namespace intrvio

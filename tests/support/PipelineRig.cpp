#include "PipelineRig.h"

#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "net/webhook/Inbox.h"

#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QUrlQuery>

namespace intrvio::test {

HttpResult httpRequest(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url,
    const QByteArray &body, const QByteArray &contentType)
{
    QNetworkRequest req(url);
    if (!contentType.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = verb == "GET" ? nam.get(req) : nam.post(req, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(20000);
    HttpResult h;
    h.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    h.body = reply->readAll();
    reply->deleteLater();
    return h;
}

QUrl interviewLinkIn(const QString &note)
{
    static const QRegularExpression re(QStringLiteral("(https?://\\S+/interview/[A-Za-z0-9_-]+)"));
    const auto m = re.match(note);
    return m.hasMatch() ? QUrl(m.captured(1)) : QUrl();
}

QByteArray strongAnswers(const InterviewTemplate &tpl)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("consent"), QStringLiteral("yes"));
    for (const auto &q : tpl.questions) {
        QStringList words;
        for (const auto &c : q.criteria)
            words << c.keywords;
        form.addQueryItem(QStringLiteral("answer-") + q.id, words.join(QLatin1Char(' ')));
    }
    return form.toString(QUrl::FullyEncoded).toUtf8();
}

PipelineRig::~PipelineRig()
{
    if (server)
        server->setInterviewHandler(nullptr);
    pipeline.reset();
    worker.reset();
    server.reset();
}

bool PipelineRig::setUp(bool companyWebhooks, OutboxWorker::Policy policy, const Clock *c)
{
    if (c)
        clock = c;
    StoreError se;
    store = Store::open(dir.filePath(QStringLiteral("intrvio.sqlite")), &se);
    if (!store) {
        error = se.message;
        return false;
    }
    TemplateRepository(*store, *clock).seedDefaults();
    if (mapPhoneScreen) {
        StageMapping m;
        m.stage = QStringLiteral("Phone screen");
        m.templateId = QStringLiteral("phone-screen");
        m.rules.passThreshold = 50;
        m.rules.onPass = QStringLiteral("First interview");
        m.rules.onFail = QStringLiteral("reject");
        if (!MappingRepository(*store, *clock).save(m, QStringLiteral("test"), &error))
            return false;
    }

    activation = std::make_unique<Activation>(store.get(), nullptr);
    server = std::make_unique<WebhookServer>(store.get(), activation.get(), *clock);
    if (!server->listen(WebhookServerConfig {}, &error))
        return false;
    sandbox::Config cfg;
    cfg.partnerBaseUrl = server->url();
    cfg.companyWebhooks = companyWebhooks;
    cfg.rateLimit = 0;
    sandbox = std::make_unique<Sandbox>(cfg);
    sandbox->seedDemo();
    if (!sandbox->listen()) {
        error = sandbox->errorString();
        return false;
    }
    const QString providerKey = sandbox->activatePartner();
    activation->setSecrets(cfg.partnerApiKey.toUtf8(), cfg.webhookSecret.toUtf8(), providerKey.toUtf8(),
        cfg.companyWebhookKey.toUtf8());

    client = std::make_unique<TeamtailorClient>(&nam,
        RequestBuilder(ApiEndpoints::forBaseUrl(sandbox->baseUrl()), { cfg.companyApiToken, cfg.partnerApiKey }),
        *clock, 7);
    RequestOptions o = client->options();
    o.timeoutMs = 3000;
    client->setOptions(o);
    worker = std::make_unique<OutboxWorker>(store.get(), client.get(), *clock, 42);
    policy.pollMs = 100;
    worker->setPolicy(policy);
    pipeline = std::make_unique<InterviewPipeline>(store.get(), client.get(), worker.get(),
        scorerOverride ? scorerOverride : static_cast<Scorer *>(&scorer), *clock);
    pipeline->setPublicUrl(server->url());
    server->setInterviewHandler(pipeline.get());
    server->inbox()->setHandler(pipeline.get());
    worker->start();
    return true;
}

qint64 PipelineRig::pickApplication(qint64 *phoneStage, qint64 *firstInterview) const
{
    for (const auto &app : sandbox->applications()) {
        const qint64 phone = sandbox->stageIdByName(app.jobId, QStringLiteral("Phone screen"));
        const qint64 first = sandbox->stageIdByName(app.jobId, QStringLiteral("First interview"));
        const auto stages = sandbox->stages(app.jobId);
        if (phone && first && !stages.isEmpty() && app.stageId == stages.first().id && !app.rejectedAt.isValid()) {
            *phoneStage = phone;
            *firstInterview = first;
            return app.id;
        }
    }
    return 0;
}

QList<sandbox::Note> PipelineRig::inviteNotes(qint64 candidateId) const
{
    QList<sandbox::Note> out;
    for (const auto &n : sandbox->notesOfCandidate(candidateId)) {
        if (n.note.contains(QLatin1String("/interview/")))
            out.append(n);
    }
    return out;
}

std::optional<sandbox::PartnerResult> PipelineRig::resultOf(qint64 candidateId) const
{
    std::optional<sandbox::PartnerResult> found;
    for (const auto &r : sandbox->partnerResults()) {
        if (r.candidateId == candidateId)
            found = r;
    }
    return found;
}

QString PipelineRig::resultStatus(qint64 candidateId) const
{
    return resultOf(candidateId).value_or(sandbox::PartnerResult {}).status();
}

int PipelineRig::resultsOf(qint64 candidateId) const
{
    int n = 0;
    for (const auto &r : sandbox->partnerResults())
        n += r.candidateId == candidateId;
    return n;
}

QString PipelineRig::scalar(const QString &sql) const
{
    QSqlQuery q(store->database());
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0).toString();
}

} // namespace intrvio::test

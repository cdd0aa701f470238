#pragma once

// The interview pipeline wired the way the composition root (AppServices) wires it, against the
// in-process Teamtailor sandbox over loopback HTTP: a real store file, the real webhook server
// (company webhooks and partner events signed by the sandbox and verified by the server), the
// Teamtailor client, the outbox worker and the rubric scorer. Shared by the pipeline end-to-end
// tests and the widget tests that drive a real invite. Links intrvio_net and intrvio_sandbox.

#include "models/Clock.h"
#include "models/Store.h"
#include "models/interview/RubricScorer.h"
#include "net/activation/Activation.h"
#include "net/api/TeamtailorClient.h"
#include "net/outbox/OutboxWorker.h"
#include "net/pipeline/InterviewPipeline.h"
#include "net/webhook/WebhookServer.h"
#include "sandbox/Sandbox.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <optional>

namespace intrvio::test {

struct HttpResult
{
    int status = 0;
    QByteArray body;
};

// One request on loopback, waiting on the reply's finished signal (never blocking a socket).
HttpResult httpRequest(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url,
    const QByteArray &body = {}, const QByteArray &contentType = {});

// The `<public-url>/interview/<token>` link in an invite note; invalid when there is none.
QUrl interviewLinkIn(const QString &note);

// A form answering every question with all of its criteria keywords (a strong candidate), consent given.
QByteArray strongAnswers(const InterviewTemplate &tpl);

struct PipelineRig
{
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<Activation> activation;
    std::unique_ptr<WebhookServer> server;
    std::unique_ptr<Sandbox> sandbox;
    QNetworkAccessManager nam;
    std::unique_ptr<TeamtailorClient> client;
    std::unique_ptr<OutboxWorker> worker;
    RubricScorer scorer;
    // Set before setUp(): the pipeline scores with this one instead of the rubric (e.g. OpenAiScorer).
    Scorer *scorerOverride = nullptr;
    std::unique_ptr<InterviewPipeline> pipeline;
    const Clock *clock = &Clock::system();
    // Set before setUp(): false leaves the store without mappings (a test maps stages itself).
    bool mapPhoneScreen = true;
    // Why setUp() returned false.
    QString error;

    PipelineRig() = default;
    PipelineRig(const PipelineRig &) = delete;
    PipelineRig &operator=(const PipelineRig &) = delete;
    ~PipelineRig();

    // Default templates, optionally the "Phone screen" -> phone-screen mapping (pass 50 moves to
    // "First interview", fail rejects), a listening webhook server, the demo-seeded sandbox pointing
    // its partner base URL (and company webhooks when asked) at it, an activated provider key, and
    // the pipeline with a started outbox worker polling every 100 ms.
    bool setUp(bool companyWebhooks, OutboxWorker::Policy policy = {}, const Clock *c = nullptr);

    // A job with a "Phone screen" stage, and an application of it in the job's first stage.
    qint64 pickApplication(qint64 *phoneStage, qint64 *firstInterview) const;
    // Notes on the candidate that carry an interview link.
    QList<sandbox::Note> inviteNotes(qint64 candidateId) const;
    // The candidate's newest partner result in the sandbox.
    std::optional<sandbox::PartnerResult> resultOf(qint64 candidateId) const;
    // Status of resultOf(), empty when there is none (for QTRY_COMPARE).
    QString resultStatus(qint64 candidateId) const;
    int resultsOf(qint64 candidateId) const;
    // First column of the first row of a query on the rig's store, as text.
    QString scalar(const QString &sql) const;
};

} // namespace intrvio::test

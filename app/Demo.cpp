#include "Demo.h"

#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/MappingFile.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/Log.h"
#include "models/Store.h"
#include "net/activation/Activation.h"
#include "net/api/TeamtailorClient.h"
#include "net/secrets/SecretStore.h"
#include "net/sync/SyncService.h"
#include "sandbox/Sandbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTextStream>
#include <QTimer>

#ifdef INTRVIO_WITH_UI
#include "ui/DemoPanel.h"
#include "ui/MainWindow.h"

#include <QDesktopServices>
#include <QFrame>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#endif

#include <algorithm>

namespace intrvio {

namespace {

const QString PhoneScreen = QStringLiteral("Phone screen");

// The main window's Sync action and the demo's Re-sync drive the same SyncService.
class DemoSyncController : public SyncController
{
public:
    DemoSyncController(SyncService *service, QObject *parent)
        : SyncController(parent)
        , m_service(service)
    {
        connect(service, &SyncService::progress, this,
            [this](int done, int total, const QString &) { Q_EMIT progress(done, total); });
        connect(service, &SyncService::finished, this, &SyncController::finished);
    }
    bool isRunning() const override { return m_service->isRunning(); }
    void start(bool full) override
    {
        if (!m_service->isRunning())
            m_service->start(full ? SyncService::Mode::Full : SyncService::Mode::Incremental);
    }
    void cancel() override { m_service->cancel(); }

private:
    SyncService *m_service;
};

QString randomSecret()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QString::fromLatin1(bytes.toHex());
}

// Reads a demo secret, creating it on the first run. False with a message when the keychain fails.
bool demoSecret(SecretStore &secrets, const QString &name, QString *value, QString *error)
{
    const SecretResult read = secrets.readSync(name);
    if (read.ok() && !read.value.isEmpty()) {
        *value = read.value;
        return true;
    }
    if (!read.ok() && read.status != SecretResult::Status::NotFound) {
        *error = QStringLiteral("the demo keeps its secrets in the keychain, which failed for %1: %2")
                     .arg(name, read.message);
        return false;
    }
    *value = randomSecret();
    const SecretResult written = secrets.writeSync(name, *value);
    if (!written.ok()) {
        *error = QStringLiteral("cannot store the demo's %1 in the keychain: %2").arg(name, written.message);
        return false;
    }
    return true;
}

QString pathOf(const QUrl &url)
{
    return url.path().isEmpty() ? QStringLiteral("/") : url.path();
}

} // namespace

DemoEnvironment::DemoEnvironment(Store *store, SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_secrets(secrets)
{ }

DemoEnvironment::~DemoEnvironment()
{
    // The sync and the client before the sandbox they talk to.
    m_syncService.reset();
    m_client.reset();
    m_sandbox.reset();
}

bool DemoEnvironment::prepare(QString *error)
{
    Sandbox::Config config;
    if (!demoSecret(*m_secrets, QStringLiteral("partner-api-key"), &config.partnerApiKey, error)
        || !demoSecret(*m_secrets, QStringLiteral("webhook-secret"), &config.webhookSecret, error)
        || !demoSecret(*m_secrets, QStringLiteral("company-api-token"), &config.companyApiToken, error)
        || !demoSecret(
            *m_secrets, QStringLiteral("company-webhook-secret"), &config.companyWebhookKey, error))
        return false;
    // The sandbox is reseeded on every start and activates afresh: the app learns the new provider
    // key instead of refusing it as another company's.
    m_secrets->removeSync(QStringLiteral("provider-key"));
    m_companyToken = config.companyApiToken;
    m_partnerKey = config.partnerApiKey;

    m_sandbox = std::make_unique<Sandbox>(config);
    m_sandbox->seedDemo();
    // Invite notes carry the candidate's link: the demo can answer as the candidate.
    connect(m_sandbox.get(), &Sandbox::noteCreated, this, [this](qint64 noteId, qint64 candidateId) {
        static const QRegularExpression link(QStringLiteral("https?://\\S+/interview/[A-Za-z0-9_-]+"));
        for (const sandbox::Note &n : m_sandbox->notesOfCandidate(candidateId)) {
            if (n.id != noteId)
                continue;
            const QRegularExpressionMatch m = link.match(n.note);
            if (m.hasMatch()) {
                m_interviewLink = QUrl(m.captured(0));
                Q_EMIT interviewLinkChanged(m_interviewLink);
            }
        }
    });
    if (!m_sandbox->listen(QHostAddress::LocalHost, 0)) {
        *error
            = QStringLiteral("cannot start the demo's Teamtailor sandbox: %1").arg(m_sandbox->errorString());
        return false;
    }
    qCInfo(lcApp).noquote() << "demo: Teamtailor sandbox on" << m_sandbox->baseUrl().toString();

    ApiCredentials credentials;
    credentials.companyToken = m_companyToken;
    credentials.partnerKey = m_partnerKey;
    m_nam = new QNetworkAccessManager(this);
    m_client = std::make_unique<TeamtailorClient>(m_nam,
        RequestBuilder(ApiEndpoints::forBaseUrl(m_sandbox->baseUrl()), credentials), Clock::system(),
        QRandomGenerator::system()->generate());
    m_syncService = std::make_unique<SyncService>(m_client.get(), m_store, Clock::system());
    m_sync = new DemoSyncController(m_syncService.get(), this);
    return true;
}

QUrl DemoEnvironment::sandboxUrl() const
{
    return m_sandbox ? m_sandbox->baseUrl() : QUrl();
}

QUrl DemoEnvironment::candidateIndexUrl() const
{
    QUrl url = sandboxUrl();
    url.setPath(QStringLiteral("/_sandbox/"));
    return url;
}

QUrl DemoEnvironment::candidatePageUrl(qint64 candidateId) const
{
    QUrl url = sandboxUrl();
    url.setPath(QStringLiteral("/_sandbox/candidates/%1").arg(candidateId));
    return url;
}

void DemoEnvironment::connectPartner(const QUrl &partnerBaseUrl, Activation *activation)
{
    m_partnerBaseUrl = partnerBaseUrl;
    m_activation = activation;
    m_sandbox->setPartnerBaseUrl(partnerBaseUrl);
    // An HS256 JWT provider key: the app verifies it on its own with the partner API key.
    m_sandbox->activatePartner(QJsonObject { { QStringLiteral("company"), m_sandbox->company().name },
        { QStringLiteral("plan"), QStringLiteral("demo") } });
    connect(m_sandbox.get(), &Sandbox::webhookAnswered, this, [this](const sandbox::WebhookRecord &r) {
        if (!m_guide)
            return;
        *m_guide << "demo: Teamtailor " << r.method << ' ' << pathOf(r.url) << " (" << r.kind
                 << (r.eventName.isEmpty() ? QString() : QString(QLatin1Char(' ') + r.eventName)) << ") -> "
                 << (r.status ? QString::number(r.status)
                              : QString(QStringLiteral("no answer: ") + r.networkError))
                 << Qt::endl;
    });
    connect(m_syncService.get(), &SyncService::finished, this, [this](bool ok, const QString &message) {
        if (m_ready)
            return;
        m_ready = true;
        m_readyLine = QStringLiteral("demo: ready (") + (ok ? QStringLiteral("synced: ") : QStringLiteral("sync failed: "))
            + message + QLatin1Char(')');
        if (m_guide)
            *m_guide << m_readyLine << Qt::endl;
        Q_EMIT ready(ok, message);
    });
    // Triggers call our GET /config, which needs the secrets the activation reads asynchronously.
    if (activation->loaded())
        setUpTeamtailorSide();
    else
        connect(activation, &Activation::loadedChanged, this, &DemoEnvironment::setUpTeamtailorSide);
}

void DemoEnvironment::setUpTeamtailorSide()
{
    if (m_teamtailorSideDone)
        return;
    m_teamtailorSideDone = true;
    for (const sandbox::Job &job : m_sandbox->jobs()) {
        const qint64 stageId = m_sandbox->stageIdByName(job.id, PhoneScreen);
        QString error;
        if (stageId
            && !m_sandbox->setTrigger(stageId,
                QJsonObject { { QStringLiteral("template"), QStringLiteral("phone-screen") } }, &error))
            qCWarning(lcApp).noquote() << "demo: no trigger on" << job.title << PhoneScreen << ":" << error;
    }
    importDefaultMapping();
    // The first trigger form activates us (the JWT verifies on its own); sync after that, so the
    // activation's own store writes do not wait behind the sync's.
    if (m_activation->activated()) {
        startFirstSync();
        return;
    }
    connect(m_activation, &Activation::activatedChanged, this, &DemoEnvironment::startFirstSync);
    QTimer::singleShot(5000, this, &DemoEnvironment::startFirstSync); // not activated by then: sync anyway
}

void DemoEnvironment::startFirstSync()
{
    if (m_firstSyncStarted)
        return;
    m_firstSyncStarted = true;
    m_sync->start(true);
}

void DemoEnvironment::importDefaultMapping()
{
    AuditLog audit(*m_store, Clock::system());
    TemplateRepository templates(*m_store, Clock::system(), &audit);
    MappingRepository mappings(*m_store, Clock::system(), &audit);
    if (!mappings.list().isEmpty())
        return; // the admin's mappings (or an earlier demo run's) stay as they are
    const QList<sandbox::Job> jobs = m_sandbox->jobs();
    QJsonArray list { QJsonObject { { QStringLiteral("stage"), PhoneScreen },
                          { QStringLiteral("template"), QStringLiteral("phone-screen") } },
        QJsonObject { { QStringLiteral("stage"), QStringLiteral("First interview") },
            { QStringLiteral("template"), QStringLiteral("first-interview") } } };
    if (!jobs.isEmpty()) {
        // One per-job override: the first job's first interview with pass/fail rules.
        list.append(QJsonObject { { QStringLiteral("job"), QString::number(jobs.first().id) },
            { QStringLiteral("stage"), QStringLiteral("First interview") },
            { QStringLiteral("template"), QStringLiteral("first-interview") },
            { QStringLiteral("rules"),
                QJsonObject { { QStringLiteral("pass"), 70 },
                    { QStringLiteral("onPass"), QStringLiteral("Technical interview") },
                    { QStringLiteral("onFail"), QStringLiteral("reject") } } } });
    }
    const QByteArray json = QJsonDocument(
        QJsonObject { { QStringLiteral("version"), 1 }, { QStringLiteral("templates"), QJsonArray() },
            { QStringLiteral("mappings"),
                list } }).toJson();
    const MappingFile::ParseResult parsed = MappingFile::parse(json, templates.ids());
    QString error;
    MappingRepository::ImportSummary summary;
    if (!parsed.ok()) {
        qCWarning(lcApp).noquote() << "demo: default mapping invalid:" << parsed.problems.first().message;
        return;
    }
    if (!mappings.importFile(parsed.contents, templates, QStringLiteral("demo"), &summary, &error))
        qCWarning(lcApp).noquote() << "demo: default mapping not imported:" << error;
}

DemoEnvironment::Pick DemoEnvironment::nextCandidate() const
{
    Pick best;
    Pick fallback;
    QList<sandbox::JobApplication> apps = m_sandbox->applications();
    std::sort(apps.begin(), apps.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    for (const sandbox::JobApplication &app : apps) {
        if (app.rejectedAt.isValid())
            continue;
        const qint64 phone = m_sandbox->stageIdByName(app.jobId, PhoneScreen);
        if (!phone || app.stageId == phone)
            continue;
        const auto job = m_sandbox->job(app.jobId);
        const auto candidate = m_sandbox->candidate(app.candidateId);
        Pick p { app.id, app.candidateId, phone,
            candidate ? QString(candidate->firstName + QLatin1Char(' ') + candidate->lastName) : QString(),
            job ? job->title : QString(), app.jobId };
        if (job && !job->stageIds.isEmpty() && job->stageIds.first() == app.stageId) {
            best = p;
            break;
        }
        if (!fallback.applicationId)
            fallback = p;
    }
    return best.applicationId ? best : fallback;
}

DemoEnvironment::Pick DemoEnvironment::moveNextCandidate(QString *error)
{
    const Pick pick = nextCandidate();
    if (!pick.applicationId) {
        *error = QStringLiteral("every candidate is already in Phone screen; restart the demo to reseed");
        return {};
    }
    if (!m_sandbox->moveApplication(pick.applicationId, pick.stageId, error))
        return {};
    return pick;
}

qint64 DemoEnvironment::demoJobId() const
{
    return nextCandidate().jobId;
}

QString DemoEnvironment::moveCommand() const
{
    const Pick pick = nextCandidate();
    QUrl url = sandboxUrl();
    url.setPath(QStringLiteral("/_sandbox/applications/%1/move").arg(pick.applicationId));
    return QStringLiteral("curl -X POST -H 'Content-Type: application/json' -d '{\"stage\": \"%1\"}' %2")
        .arg(PhoneScreen, url.toString());
}

void DemoEnvironment::printGuide(QTextStream &out)
{
    m_guide = &out;
    const Pick pick = nextCandidate();
    out << "demo: Teamtailor sandbox (company " << m_sandbox->company().name
        << "): " << sandboxUrl().toString() << "\n"
        << "demo: candidate cards: " << candidateIndexUrl().toString() << "\n"
        << "demo: our webhook server (the partner base-url): " << m_partnerBaseUrl.toString() << "\n"
        << "demo: move " << pick.candidateName << " (" << pick.jobTitle << ") to Phone screen:\n"
        << "demo:   " << moveCommand() << "\n"
        << "demo: then open " << candidatePageUrl(pick.candidateId).toString()
        << " to see the Intrvio result on the candidate card." << Qt::endl;
    // With a stored activation the first sync can end during start-up, before the guide is shown.
    if (m_ready)
        out << m_readyLine << Qt::endl;
}

#ifdef INTRVIO_WITH_UI
void installDemoPanel(MainWindow &window, DemoEnvironment &demo)
{
    DemoPanel::Hooks hooks;
    hooks.moveCandidate = [&demo](QString *error) {
        const DemoEnvironment::Pick pick = demo.moveNextCandidate(error);
        DemoPanel::Moved moved;
        moved.applicationId = pick.applicationId;
        moved.candidateId = pick.candidateId;
        moved.text = pick.applicationId
            ? QObject::tr("%1 (%2) moved to Phone screen.").arg(pick.candidateName, pick.jobTitle)
            : QString();
        return moved;
    };
    hooks.candidatePageUrl = [&demo](qint64 candidateId) { return demo.candidatePageUrl(candidateId); };
    hooks.resync = [&window] { window.startSync(true); };
    auto *panel = new DemoPanel(demo.sandbox(), hooks);
    panel->setPartnerBaseUrl(demo.partnerBaseUrl());
    panel->setCandidate(demo.nextCandidate().candidateId);
    auto *dock = new QDockWidget(QObject::tr("Demo"), &window);
    dock->setObjectName(QStringLiteral("demoDock"));
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    dock->setWidget(panel);
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    window.resizeDocks({ dock }, { 440 }, Qt::Horizontal);
    if (demo.partnerBaseUrl().isValid()) // connectPartner() ran: our server listens
        window.setWebhookState(true);
    // The first sync runs before the window can start it: refresh the views when it ends.
    QObject::connect(&demo, &DemoEnvironment::ready, &window, [&window] { window.refresh(true); });

    // The demo opens on the pipeline board of the demo job, with what to try above it.
    auto *hint = new QFrame;
    hint->setObjectName(QStringLiteral("boardHint"));
    hint->setFrameShape(QFrame::StyledPanel);
    hint->setStyleSheet(QStringLiteral("#boardHint { background: #fff8e1; border: 1px solid #ffe082; border-radius: 6px; }"));
    auto *hl = new QHBoxLayout(hint);
    auto *text = new QLabel(QObject::tr("<b>Try it:</b> drag a candidate into <b>\u201cPhone screen\u201d</b>. Teamtailor "
                                        "triggers an Intrvio interview and the card shows <i>Sent</i>. Then "
                                        "<b>Answer as the candidate</b>: the score appears on the card within a minute."),
        hint);
    text->setObjectName(QStringLiteral("boardHintText"));
    text->setWordWrap(true);
    hl->addWidget(text, 1);
    auto *answer = new QPushButton(QObject::tr("&Answer as the candidate"), hint);
    answer->setObjectName(QStringLiteral("boardAnswerAsCandidate"));
    auto updateAnswer = [answer, &demo] {
        const QUrl link = demo.latestInterviewLink();
        answer->setEnabled(link.isValid());
        answer->setToolTip(link.isValid()
                ? QObject::tr("Opens the interview page the candidate received: %1").arg(link.toString())
                : QObject::tr("Available once a candidate was invited (drag one into Phone screen)."));
    };
    updateAnswer();
    QObject::connect(&demo, &DemoEnvironment::interviewLinkChanged, answer, updateAnswer);
    QObject::connect(answer, &QPushButton::clicked, answer, [&demo] {
        if (demo.latestInterviewLink().isValid())
            QDesktopServices::openUrl(demo.latestInterviewLink());
    });
    hl->addWidget(answer);
    window.setBoardHint(hint);
    auto openBoard = [&window, &demo] {
        if (const qint64 job = demo.demoJobId())
            window.openBoard(QString::number(job));
    };
    if (demo.isReady())
        openBoard();
    else
        QObject::connect(&demo, &DemoEnvironment::ready, &window, openBoard);
}
#endif

} // namespace intrvio

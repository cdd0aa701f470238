#include "DemoPanel.h"

#include "sandbox/Sandbox.h"

#include <QDesktopServices>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMetaMethod>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

#include <utility>

namespace intrvio {

namespace {

QString kindText(const sandbox::WebhookRecord &r)
{
    if (r.kind == QLatin1String("partner-event"))
        return QObject::tr("trigger");
    if (r.kind == QLatin1String("config"))
        return QObject::tr("trigger form");
    return r.eventName.isEmpty() ? r.kind : r.eventName;
}

} // namespace

DemoPanel::DemoPanel(Sandbox *sandbox, Hooks hooks, QWidget *parent)
    : QWidget(parent)
    , m_sandbox(sandbox)
    , m_hooks(std::move(hooks))
{
    setObjectName(QStringLiteral("demoPanel"));
    auto *layout = new QVBoxLayout(this);

    auto *title
        = new QLabel(tr("<b>Demo: Teamtailor runs inside this app</b><br>"
                        "<span style='color:#555'>%1 is a sandbox company; no account, no network.</span>")
                         .arg(sandbox->company().name.toHtmlEscaped()),
            this);
    title->setWordWrap(true);
    layout->addWidget(title);

    auto *steps
        = new QLabel(tr("<ol style='margin-left:-20px'>"
                        "<li>Jobs, stages and candidates were synced from Teamtailor (see <i>Jobs</i> and "
                        "<i>Candidates</i>).</li>"
                        "<li>Every <i>Phone screen</i> stage has a “Send Intrvio interview” trigger, and the "
                        "<i>Stage mapping</i> picks the interview template.</li>"
                        "<li><b>Move a candidate to Phone screen.</b> Teamtailor calls our webhook; the log "
                        "below shows what it sent and what we answered.</li>"
                        "<li><b>Open the candidate card</b> in Teamtailor: the Intrvio badge shows the "
                        "interview's status and, once answered, its score.</li></ol>"),
            this);
    steps->setObjectName(QStringLiteral("demoSteps"));
    steps->setWordWrap(true);
    steps->setTextFormat(Qt::RichText);
    layout->addWidget(steps);

    m_moveButton = new QPushButton(tr("Move a candidate to Phone screen"), this);
    m_moveButton->setObjectName(QStringLiteral("demoMoveButton"));
    m_moveButton->setDefault(true);
    m_openButton = new QPushButton(tr("Open the Teamtailor candidate card"), this);
    m_openButton->setObjectName(QStringLiteral("demoOpenButton"));
    m_resyncButton = new QPushButton(tr("Re-sync"), this);
    m_resyncButton->setObjectName(QStringLiteral("demoResyncButton"));
    layout->addWidget(m_moveButton);
    auto *row = new QHBoxLayout;
    row->addWidget(m_openButton, 1);
    row->addWidget(m_resyncButton);
    layout->addLayout(row);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("demoStatus"));
    m_statusLabel->setWordWrap(true);
    layout->addWidget(m_statusLabel);

    m_linkLabel = new QLabel(this);
    m_linkLabel->setObjectName(QStringLiteral("demoCandidateLink"));
    m_linkLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_linkLabel->setOpenExternalLinks(false);
    m_linkLabel->setWordWrap(true);
    connect(m_linkLabel, &QLabel::linkActivated, this, [this] { openCandidateCard(); });
    layout->addWidget(m_linkLabel);

    m_partnerLabel = new QLabel(this);
    m_partnerLabel->setObjectName(QStringLiteral("demoPartnerUrl"));
    m_partnerLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_partnerLabel->setWordWrap(true);
    layout->addWidget(m_partnerLabel);

    auto *logBox = new QGroupBox(tr("What Teamtailor sent, what we answered"), this);
    auto *logLayout = new QVBoxLayout(logBox);
    m_log = new QPlainTextEdit(logBox);
    m_log->setObjectName(QStringLiteral("demoLog"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_log->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setMaximumBlockCount(500);
    logLayout->addWidget(m_log);
    layout->addWidget(logBox, 1);

    connect(m_moveButton, &QPushButton::clicked, this, &DemoPanel::moveCandidate);
    connect(m_openButton, &QPushButton::clicked, this, &DemoPanel::openCandidateCard);
    connect(m_resyncButton, &QPushButton::clicked, this, [this] {
        if (m_hooks.resync)
            m_hooks.resync();
    });
    // Earlier calls (trigger forms fetched at start-up) first, then live ones.
    for (const sandbox::WebhookRecord &r : sandbox->webhookLog()) {
        if (r.answered)
            appendLog(logLine(r));
    }
    connect(sandbox, &Sandbox::webhookAnswered, this,
        [this](const sandbox::WebhookRecord &r) { appendLog(logLine(r)); });
    connect(sandbox, &Sandbox::partnerResultChanged, this, [this](const QString &id) {
        const auto result = m_sandbox->partnerResult(id);
        if (!result)
            return;
        QString name = QString::number(result->candidateId);
        if (const auto c = m_sandbox->candidate(result->candidateId))
            name = c->firstName + QLatin1Char(' ') + c->lastName;
        QString line = tr("          Intrvio result on %1's card: %2").arg(name, result->status());
        if (const auto score = result->score())
            line += tr(", score %1").arg(*score);
        if (!result->error.isEmpty())
            line += tr(" (error: %1)").arg(result->error);
        if (m_lastResultLine.value(id) == line)
            return; // changed, but not in anything shown here
        m_lastResultLine.insert(id, line);
        appendLog(line);
    });
    setCandidate(0);
    setMinimumWidth(400);
}

void DemoPanel::setPartnerBaseUrl(const QUrl &url)
{
    m_partnerLabel->setText(tr("Teamtailor calls us at <code>%1</code>").arg(url.toString().toHtmlEscaped()));
}

void DemoPanel::setCandidate(qint64 candidateId)
{
    m_candidateUrl = candidateId && m_hooks.candidatePageUrl ? m_hooks.candidatePageUrl(candidateId) : QUrl();
    m_openButton->setEnabled(m_candidateUrl.isValid());
    if (!m_candidateUrl.isValid()) {
        m_linkLabel->clear();
        return;
    }
    QString name;
    if (const auto c = m_sandbox->candidate(candidateId))
        name = c->firstName + QLatin1Char(' ') + c->lastName;
    m_linkLabel->setText(tr("Candidate card of %1: <a href=\"%2\">%2</a>")
                             .arg(name.toHtmlEscaped(), m_candidateUrl.toString().toHtmlEscaped()));
}

QString DemoPanel::logLine(const sandbox::WebhookRecord &r)
{
    const QString time = (r.answeredAt.isValid() ? r.answeredAt : r.sentAt)
                             .toLocalTime()
                             .toString(QStringLiteral("HH:mm:ss"));
    QString answer;
    if (r.status) {
        answer = QString::number(r.status);
        // Short plain answers (errors, acknowledgements) are worth reading; JSON forms are not.
        const QString body = QString::fromUtf8(r.answer.left(200)).simplified();
        if (!body.isEmpty() && !body.startsWith(QLatin1Char('{')) && body.size() <= 80)
            answer += QStringLiteral(" \u201c") + body + QStringLiteral("\u201d");
    } else {
        answer = tr("no answer (%1)").arg(r.networkError);
    }
    return tr("%1  %2 %3 (%4) \u2192 %5")
        .arg(
            time, r.method, r.url.path().isEmpty() ? QStringLiteral("/") : r.url.path(), kindText(r), answer);
}

void DemoPanel::appendLog(const QString &line)
{
    if (m_moving) { // what the move itself causes goes below the line that announces it
        m_pending.append(line);
        return;
    }
    m_log->appendPlainText(line);
    m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
}

void DemoPanel::moveCandidate()
{
    if (!m_hooks.moveCandidate)
        return;
    QString error;
    m_moving = true;
    const Moved moved = m_hooks.moveCandidate(&error);
    m_moving = false;
    const QStringList pending = std::exchange(m_pending, {});
    if (moved.applicationId)
        appendLog(tr("\u25b6 %1").arg(moved.text));
    for (const QString &line : pending)
        appendLog(line);
    if (!moved.applicationId) {
        m_statusLabel->setText(tr("<span style='color:#b00020'>%1</span>").arg(error.toHtmlEscaped()));
        return;
    }
    m_statusLabel->setText(moved.text.toHtmlEscaped());
    setCandidate(moved.candidateId);
}

void DemoPanel::openCandidateCard()
{
    if (!m_candidateUrl.isValid())
        return;
    if (isSignalConnected(QMetaMethod::fromSignal(&DemoPanel::openUrlRequested)))
        Q_EMIT openUrlRequested(m_candidateUrl);
    else
        QDesktopServices::openUrl(m_candidateUrl);
}

} // namespace intrvio

#include "ui/ActivationWizard.h"

#include "models/Clock.h"
#include "models/Store.h"
#include "models/admin/AdminData.h"
#include "net/activation/Activation.h"
#include "net/api/TeamtailorClient.h"
#include "net/secrets/SecretStore.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QTimer>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QWizardPage>

namespace intrvio {

namespace {

constexpr int ReachabilityTimeoutMs = 8000;

QString label(const QString &name)
{
    if (name == QLatin1String("partner-api-key"))
        return ActivationWizard::tr("Partner API key");
    if (name == QLatin1String("webhook-secret"))
        return ActivationWizard::tr("Webhook secret");
    return ActivationWizard::tr("Company API token");
}

} // namespace

const QStringList &ActivationWizard::keyNames()
{
    static const QStringList names = { QStringLiteral("partner-api-key"), QStringLiteral("webhook-secret"),
        QStringLiteral("company-api-token") };
    return names;
}

ActivationWizard::ActivationWizard(const Context &context, QWidget *parent)
    : QWizard(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("activationWizard"));
    setWindowTitle(tr("Connect Intrvio to Teamtailor"));
    setWizardStyle(QWizard::ClassicStyle);
    if (!m_context.clock)
        m_context.clock = &Clock::system();
    m_nam = m_context.nam ? m_context.nam : new QNetworkAccessManager(this);
    setPage(KeysPage, buildKeysPage());
    setPage(ServerPage, buildServerPage());
    setPage(WaitPage, buildWaitPage());
    setStartId(KeysPage);
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id == WaitPage)
            startWaiting();
        else
            m_pollTimer->stop();
    });
    refreshKeyStates();
}

ActivationWizard::~ActivationWizard() = default;

QWizardPage *ActivationWizard::buildKeysPage()
{
    auto *page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("keysPage"));
    page->setTitle(tr("Region and keys"));
    page->setSubTitle(tr("The keys are kept in the system keychain only and are never shown again. "
                         "Leave a field empty to keep the stored key."));
    auto *layout = new QVBoxLayout(page);
    auto *form = new QFormLayout;
    m_region = new QComboBox(page);
    m_region->setObjectName(QStringLiteral("wizardRegion"));
    m_region->addItem(tr("EU (api.teamtailor.com)"), QStringLiteral("eu"));
    m_region->addItem(tr("North America (api.na.teamtailor.com)"), QStringLiteral("na"));
    m_region->addItem(tr("Asia-Pacific (api.au.teamtailor.com)"), QStringLiteral("au"));
    if (m_context.store)
        m_region->setCurrentIndex(qMax(0, m_region->findData(AdminSettings::load(*m_context.store).region)));
    form->addRow(tr("Region"), m_region);
    layout->addLayout(form);

    auto *grid = new QGridLayout;
    int r = 0;
    for (const QString &name : keyNames()) {
        KeyRow row;
        row.name = name;
        row.edit = new QLineEdit(page);
        row.edit->setObjectName(QStringLiteral("keyEdit_") + name);
        row.edit->setEchoMode(QLineEdit::Password);
        row.edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhSensitiveData);
        row.state = new QLabel(page);
        row.state->setObjectName(QStringLiteral("keyState_") + name);
        row.result = new QLabel(page);
        row.result->setObjectName(QStringLiteral("keyResult_") + name);
        row.result->setWordWrap(true);
        row.result->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *test = new QPushButton(name == QLatin1String("webhook-secret") ? tr("Check") : tr("Test"), page);
        test->setObjectName(QStringLiteral("keyTest_") + name);
        auto *clear = new QPushButton(tr("Clear"), page);
        clear->setObjectName(QStringLiteral("keyClear_") + name);
        grid->addWidget(new QLabel(label(name), page), r, 0);
        grid->addWidget(row.edit, r, 1);
        grid->addWidget(test, r, 2);
        grid->addWidget(clear, r, 3);
        grid->addWidget(row.state, r, 4);
        grid->addWidget(row.result, r + 1, 1, 1, 4);
        r += 2;
        connect(test, &QPushButton::clicked, this, [this, name] { testKey(name); });
        connect(clear, &QPushButton::clicked, this, [this, name] { clearKey(name); });
        connect(row.edit, &QLineEdit::textEdited, this, [this] { m_keysSaved = false; });
        m_rows.append(row);
    }
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);
    connect(m_region, &QComboBox::currentIndexChanged, this, [this] { m_keysSaved = false; });
    m_keysStatus = new QLabel(page);
    m_keysStatus->setObjectName(QStringLiteral("keysStatus"));
    m_keysStatus->setWordWrap(true);
    layout->addWidget(m_keysStatus);
    layout->addStretch(1);
    return page;
}

QWizardPage *ActivationWizard::buildServerPage()
{
    auto *page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("serverPage"));
    page->setTitle(tr("Webhook server"));
    page->setSubTitle(tr("Teamtailor calls Intrvio at the public URL (its partner base URL); Intrvio "
                         "listens at the listen address behind it."));
    const AdminSettings s = m_context.store ? AdminSettings::load(*m_context.store) : AdminSettings();
    auto *layout = new QVBoxLayout(page);
    auto *form = new QFormLayout;
    m_publicUrl = new QLineEdit(s.publicUrl, page);
    m_publicUrl->setObjectName(QStringLiteral("wizardPublicUrl"));
    m_publicUrl->setPlaceholderText(QStringLiteral("https://intrvio.example.com"));
    form->addRow(tr("Public URL"), m_publicUrl);
    m_listen = new QLineEdit(s.listenAddress, page);
    m_listen->setObjectName(QStringLiteral("wizardListen"));
    form->addRow(tr("Listen address"), m_listen);
    layout->addLayout(form);
    auto *check = new QPushButton(tr("Check reachability"), page);
    check->setObjectName(QStringLiteral("checkReachability"));
    auto *row = new QHBoxLayout;
    row->addWidget(check);
    m_reachability = new QLabel(page);
    m_reachability->setObjectName(QStringLiteral("reachabilityResult"));
    m_reachability->setWordWrap(true);
    row->addWidget(m_reachability, 1);
    layout->addLayout(row);
    m_serverStatus = new QLabel(page);
    m_serverStatus->setObjectName(QStringLiteral("serverStatus"));
    m_serverStatus->setWordWrap(true);
    layout->addWidget(m_serverStatus);
    layout->addStretch(1);
    connect(check, &QPushButton::clicked, this, &ActivationWizard::checkReachability);
    return page;
}

QWizardPage *ActivationWizard::buildWaitPage()
{
    auto *page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("waitPage"));
    page->setTitle(tr("Activate in Teamtailor"));
    page->setSubTitle(tr("In Teamtailor, open Settings → Integrations → Marketplace → Intrvio and press "
                         "Activate. This page notices the activation by itself."));
    auto *layout = new QVBoxLayout(page);
    m_waitStatus = new QLabel(tr("Waiting for the activation…"), page);
    m_waitStatus->setObjectName(QStringLiteral("activationStatus"));
    m_waitStatus->setWordWrap(true);
    layout->addWidget(m_waitStatus);
    layout->addStretch(1);
    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(qMax(100, m_context.pollIntervalMs));
    connect(m_pollTimer, &QTimer::timeout, this, &ActivationWizard::pollActivation);
    if (m_context.activation) {
        connect(m_context.activation, &Activation::activatedChanged, this, [this] {
            if (m_context.activation->activated())
                setActivated(m_context.activation->companyName());
        });
    }
    return page;
}

ActivationWizard::KeyRow *ActivationWizard::row(const QString &name)
{
    for (KeyRow &r : m_rows) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

QString ActivationWizard::region() const
{
    return m_region->currentData().toString();
}

QUrl ActivationWizard::overrideBase() const
{
    return m_context.store ? QUrl(AdminSettings::load(*m_context.store).teamtailorUrl) : QUrl();
}

void ActivationWizard::showResult(QLabel *label, bool ok, const QString &text)
{
    label->setStyleSheet(ok ? QStringLiteral("color: #2e7d32;") : QStringLiteral("color: #c62828;"));
    label->setText(text);
}

void ActivationWizard::withKey(
    const QString &name, const std::function<void(const QString &value, const QString &error)> &f)
{
    const QString typed = row(name)->edit->text().trimmed();
    if (!typed.isEmpty()) {
        f(typed, {});
        return;
    }
    if (!m_context.secrets) {
        f({}, tr("Enter the %1 first (the keychain is not available).").arg(label(name)));
        return;
    }
    m_context.secrets->read(name, this, [name, f](const SecretResult &r) {
        if (r.ok())
            f(r.value, {});
        else if (r.status == SecretResult::Status::NotFound)
            f({}, tr("Enter the %1 first: none is stored.").arg(label(name)));
        else
            f({}, r.message);
    });
}

TeamtailorClient *ActivationWizard::makeClient(const QString &companyToken, const QString &partnerKey)
{
    const RequestBuilder builder(ApiEndpoints::resolve(region(), overrideBase()), { companyToken, partnerKey });
    auto *client = new TeamtailorClient(m_nam, builder, *m_context.clock, 7, this);
    return client;
}

void ActivationWizard::testKey(const QString &name)
{
    KeyRow *r = row(name);
    showResult(r->result, true, tr("Testing…"));
    withKey(name, [this, name, r](const QString &value, const QString &error) {
        if (!error.isEmpty()) {
            showResult(r->result, false, error);
            return;
        }
        if (name == QLatin1String("webhook-secret")) {
            // Teamtailor only uses it to sign its calls; it cannot be tested before the first one.
            if (value.size() < 16)
                showResult(r->result, false,
                    tr("Too short (%1 characters): copy the whole webhook secret from the partner "
                       "settings in Teamtailor.")
                        .arg(value.size()));
            else
                showResult(r->result, true,
                    tr("Looks right (%1 characters). Teamtailor's first signed call confirms it.")
                        .arg(value.size()));
            return;
        }
        delete m_testClient;
        const bool company = name == QLatin1String("company-api-token");
        m_testClient = makeClient(company ? value : QString(), company ? QString() : value);
        if (company) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("page[size]"), QStringLiteral("1"));
            const QUrl url = m_testClient->builder().url(RequestBuilder::Api::Public, QStringLiteral("jobs"), q);
            m_testClient->listJobs(url)->onFinished(r->result, [r](const ApiResult<Page<tt::Job>> &res) {
                if (res.ok())
                    showResult(r->result, true,
                        tr("Works: Teamtailor answered with %n job(s).", nullptr, res.value().recordCount));
                else
                    showResult(r->result, false, res.error().message);
            });
        } else {
            m_testClient->listPartnerActivations()->onFinished(
                r->result, [r](const ApiResult<Page<tt::PartnerActivation>> &res) {
                    if (res.ok())
                        showResult(r->result, true,
                            tr("Works: %n company activation(s) so far.", nullptr,
                                static_cast<int>(res.value().items.size())));
                    else
                        showResult(r->result, false, res.error().message);
                });
        }
    });
}

void ActivationWizard::clearKey(const QString &name)
{
    KeyRow *r = row(name);
    r->edit->clear();
    if (!m_context.secrets)
        return;
    r->state->setText(tr("removing…"));
    m_context.secrets->remove(name, r->state, [r](const SecretResult &res) {
        r->state->setText(res.ok() || res.status == SecretResult::Status::NotFound
                ? tr("Not set")
                : tr("Not removed: %1").arg(res.message));
    });
}

void ActivationWizard::refreshKeyStates()
{
    for (KeyRow &r : m_rows) {
        if (!m_context.secrets) {
            r.state->setText(tr("keychain not available"));
            continue;
        }
        QLabel *state = r.state;
        QLineEdit *edit = r.edit;
        // The value is read only to learn whether one exists; it is dropped at once.
        m_context.secrets->read(r.name, state, [state, edit](const SecretResult &res) {
            if (res.ok()) {
                state->setText(tr("Stored"));
                edit->setPlaceholderText(tr("stored; type to replace"));
            } else if (res.status == SecretResult::Status::NotFound) {
                state->setText(tr("Not set"));
                edit->setPlaceholderText(QString());
            } else {
                state->setText(tr("Unavailable: %1").arg(res.message));
            }
        });
    }
}

bool ActivationWizard::validateCurrentPage()
{
    if (currentId() == KeysPage) {
        if (m_keysSaved)
            return true;
        saveKeys();
        return false; // saveKeys() moves on once the keychain has answered
    }
    if (currentId() == ServerPage)
        return saveServerSettings();
    return true;
}

void ActivationWizard::saveKeys()
{
    if (!m_context.secrets) {
        showResult(m_keysStatus, false, tr("The keychain is not available; the keys cannot be stored."));
        return;
    }
    if (m_pendingWrites > 0)
        return;
    if (m_context.store) {
        AdminSettings s = AdminSettings::load(*m_context.store);
        s.region = region();
        QString error;
        if (!s.save(*m_context.store, *m_context.clock, QStringLiteral("admin"), &error)) {
            showResult(m_keysStatus, false, error);
            return;
        }
    }
    m_writeErrors.clear();
    QList<KeyRow *> toWrite;
    for (KeyRow &r : m_rows) {
        if (!r.edit->text().trimmed().isEmpty())
            toWrite.append(&r);
    }
    auto finish = [this] {
        if (!m_writeErrors.isEmpty()) {
            showResult(m_keysStatus, false, m_writeErrors.join(QLatin1Char('\n')));
            return;
        }
        showResult(m_keysStatus, true, tr("Saved in the keychain."));
        m_keysSaved = true;
        if (m_context.activation)
            m_context.activation->load(); // the running service picks up the new keys
        Q_EMIT keysSaved();
        if (currentId() == KeysPage)
            next();
    };
    if (toWrite.isEmpty()) {
        finish();
        return;
    }
    showResult(m_keysStatus, true, tr("Saving in the keychain…"));
    m_pendingWrites = static_cast<int>(toWrite.size());
    for (KeyRow *r : toWrite) {
        m_context.secrets->write(r->name, r->edit->text().trimmed(), this, [this, r, finish](const SecretResult &res) {
            if (res.ok()) {
                r->edit->clear(); // the value lives in the keychain only
                r->state->setText(tr("Stored"));
                r->edit->setPlaceholderText(tr("stored; type to replace"));
            } else {
                m_writeErrors.append(tr("%1 not saved: %2").arg(label(r->name), res.message));
            }
            if (--m_pendingWrites == 0)
                finish();
        });
    }
}

bool ActivationWizard::saveServerSettings()
{
    if (!m_context.store)
        return true;
    AdminSettings s = AdminSettings::load(*m_context.store);
    s.region = region();
    s.publicUrl = m_publicUrl->text().trimmed();
    s.listenAddress = m_listen->text().trimmed();
    if (s.publicUrl.isEmpty()) {
        showResult(m_serverStatus, false,
            tr("Enter the public URL Teamtailor reaches Intrvio at, e.g. https://intrvio.example.com."));
        return false;
    }
    QString error;
    if (!s.save(*m_context.store, *m_context.clock, QStringLiteral("admin"), &error)) {
        showResult(m_serverStatus, false, error);
        return false;
    }
    showResult(m_serverStatus, true, tr("Saved. A new listen address applies after a restart."));
    return true;
}

void ActivationWizard::checkReachability()
{
    AdminSettings s;
    s.publicUrl = m_publicUrl->text().trimmed();
    s.listenAddress = m_listen->text().trimmed();
    const QStringList problems = s.validate();
    if (s.publicUrl.isEmpty() || !problems.isEmpty()) {
        showResult(m_reachability, false,
            s.publicUrl.isEmpty() ? tr("Enter the public URL first.") : problems.join(QLatin1Char('\n')));
        return;
    }
    QUrl url(s.publicUrl);
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/healthz"));
    url.setQuery(QString());
    QNetworkRequest request(url);
    request.setTransferTimeout(ReachabilityTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    showResult(m_reachability, true, tr("Checking %1…").arg(url.toDisplayString()));
    QNetworkReply *reply = m_nam->get(request);
    connect(reply, &QNetworkReply::finished, m_reachability, [this, reply, url] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status == 200)
            showResult(m_reachability, true, tr("Reachable: %1 answered 200 OK.").arg(url.toDisplayString()));
        else if (status != 0)
            showResult(m_reachability, false,
                tr("%1 answered HTTP %2: something else answers at this URL, or the proxy does not forward "
                   "to Intrvio's listen address.")
                    .arg(url.toDisplayString())
                    .arg(status));
        else
            showResult(m_reachability, false,
                tr("Not reachable: %1 (%2). Check DNS, the proxy and that Intrvio is running.")
                    .arg(reply->errorString(), url.toDisplayString()));
    });
}

void ActivationWizard::startWaiting()
{
    if (!m_companyName.isEmpty())
        return;
    if (m_context.activation && m_context.activation->activated()
        && !m_context.activation->companyName().isEmpty()) {
        setActivated(m_context.activation->companyName());
        return;
    }
    pollActivation();
    m_pollTimer->start();
}

void ActivationWizard::pollActivation()
{
    if (m_pollClient)
        return; // one poll at a time
    withKey(QStringLiteral("partner-api-key"), [this](const QString &value, const QString &error) {
        if (!error.isEmpty()) {
            showResult(m_waitStatus, false, error);
            return;
        }
        m_pollClient = makeClient({}, value);
        m_pollClient->listPartnerActivations()->onFinished(
            m_waitStatus, [this](const ApiResult<Page<tt::PartnerActivation>> &res) {
                m_pollClient->deleteLater();
                m_pollClient = nullptr;
                if (!res.ok()) {
                    showResult(m_waitStatus, false,
                        tr("Still waiting; the last check failed: %1").arg(res.error().message));
                    return;
                }
                for (const tt::PartnerActivation &a : res.value().items) {
                    if (!a.companyName.isEmpty()) {
                        setActivated(a.companyName);
                        return;
                    }
                }
                m_waitStatus->setStyleSheet(QString());
                m_waitStatus->setText(tr("Waiting for the activation… (no company has activated Intrvio yet)"));
            });
    });
}

void ActivationWizard::setActivated(const QString &companyName)
{
    if (!m_companyName.isEmpty())
        return;
    m_pollTimer->stop();
    m_companyName = companyName;
    showResult(m_waitStatus, true, tr("Activated by %1.").arg(companyName));
    Q_EMIT activated(companyName);
}

} // namespace intrvio

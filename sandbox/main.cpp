// teamtailor-sandbox: the Teamtailor imitation as a stand-alone server.
#include "models/Log.h"
#include "sandbox/Sandbox.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using intrvio::Sandbox;

namespace {

int g_signalFds[2] = { -1, -1 };

extern "C" void onSignal(int sig)
{
    const char c = static_cast<char>(sig);
    [[maybe_unused]] const auto n = ::write(g_signalFds[0], &c, 1);
}

const char kHelp[] = R"(Usage: teamtailor-sandbox --listen HOST:PORT --partner-base-url URL [options]

An imitation of Teamtailor for demos and tests: serves the public API (/v1), the Partner API
(/partner/v1), a control surface and candidate-card pages (/_sandbox/), and calls the partner
(GET /config, POST /webhook, company webhooks) like Teamtailor does.

Options:
  --listen HOST:PORT       Address to listen on, e.g. 127.0.0.1:8090 (port 0: any free port).
  --partner-base-url URL   The partner's base-url (where Intrvio listens), e.g. http://127.0.0.1:8080.
                           Partner events go to URL/webhook, trigger forms to URL/config.
  --seed demo|N|SPEC       Data to start with. "demo": a believable company with 3 jobs and about
                           30 candidates. N: N generated candidates over 5 jobs. SPEC:
                           candidates=N,jobs=J,stages=S,applications=A,rng=R. Default: demo.
  --faults SPEC            Fault injection for /v1 and /partner/v1, comma-separated:
                             latency=MS        add MS milliseconds to every answer
                             error-rate=R      answer a share R (0..1) of requests with 500
                             storm429=SECS     answer every request 429 for SECS seconds
                             down=SECS         drop every connection for SECS seconds
                             note-latency=MS   answer POST /v1/notes MS milliseconds late (the note
                                               is stored first, so the caller's request is in flight)
                             refuse=SECS       close the listening socket for SECS seconds (real
                                               time): connections are refused and open ones cut,
                                               the control surface included; then listen again
                           e.g. latency=200,error-rate=0.1,storm429=30,down=15
  --company-webhook-url URL  Where company webhooks go (default: partner base URL + /company-webhooks).
  --activate [uuid|jwt]    Activate the partner at start (provider key as a UUID or an HS256 JWT).
  --jwe-enc A128GCM|A256GCM  Encryption of the provider key in partner-activations (default A256GCM).
  --tt-signature v1|v2     TT-Signature version of company webhooks (default v2).
  --no-rate-limit          Disable the 50 requests / 10 s per key rate limit.
  --help                   Show this help.

Credentials (fixed sandbox values; override with environment variables):
  partner API key          sandbox-partner-api-key      TT_SANDBOX_PARTNER_API_KEY
  partner webhook secret   sandbox-webhook-secret       TT_SANDBOX_WEBHOOK_SECRET
  company API token        sandbox-company-token        TT_SANDBOX_COMPANY_TOKEN
  company webhook key      sandbox-company-webhook-key  TT_SANDBOX_COMPANY_WEBHOOK_KEY

Control surface (JSON): GET /_sandbox/state, POST /_sandbox/seed {"seed":"demo"},
  POST /_sandbox/applications/ID/move {"stage-id":N} | /reject | /restore,
  POST /_sandbox/activate {"fields":{...}}, POST /_sandbox/stages/ID/trigger {"webhook-data":{...}},
  POST /_sandbox/faults {"spec":"latency=200"}, POST /_sandbox/jobs/ID/status {"status":"archived"},
  POST /_sandbox/candidates {"first-name","last-name","email","job-id"}, DELETE /_sandbox/candidates/ID,
  GET /_sandbox/requests, GET /_sandbox/webhooks, GET /_sandbox/candidates/ID/notes and
  /_sandbox/candidates/ID/partner-results, GET|POST /_sandbox/partner {"base-url":URL,
  "company-webhook-url":URL} (where partner calls and company webhooks go: set it once the partner
  has bound its port). Pages: GET /_sandbox/ and /_sandbox/candidates/ID.

The first line on stdout is the base URL (with the bound port when --listen used port 0).

Exit codes: 0 ok (also on SIGTERM/SIGINT), 1 cannot listen, 2 usage error.
)";

int usage(const QString &message)
{
    QTextStream(stderr) << "teamtailor-sandbox: " << message
                        << "\nRun teamtailor-sandbox --help for usage.\n";
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);

    Sandbox::Config config;
    QString listen, seedSpec = QStringLiteral("demo"), faultSpec, activate;
    bool haveActivate = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString arg = args.at(i);
        auto value = [&](QString *out) {
            if (i + 1 >= args.size() || args.at(i + 1).startsWith(QLatin1String("--")))
                return false;
            *out = args.at(++i);
            return true;
        };
        QString v;
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            QTextStream(stdout) << kHelp;
            return 0;
        } else if (arg == QLatin1String("--listen")) {
            if (!value(&listen))
                return usage(QStringLiteral("--listen needs HOST:PORT"));
        } else if (arg == QLatin1String("--partner-base-url")) {
            if (!value(&v))
                return usage(QStringLiteral("--partner-base-url needs a URL"));
            const QUrl url(v, QUrl::StrictMode);
            if (!url.isValid()
                || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
                || url.host().isEmpty())
                return usage(QStringLiteral("--partner-base-url must be an http(s) URL, got \"%1\"").arg(v));
            config.partnerBaseUrl = url;
        } else if (arg == QLatin1String("--company-webhook-url")) {
            if (!value(&v) || !QUrl(v, QUrl::StrictMode).isValid())
                return usage(QStringLiteral("--company-webhook-url needs a URL"));
            config.companyWebhookUrl = QUrl(v);
        } else if (arg == QLatin1String("--seed")) {
            if (!value(&seedSpec))
                return usage(QStringLiteral("--seed needs demo, N or a SPEC"));
        } else if (arg == QLatin1String("--faults")) {
            if (!value(&faultSpec))
                return usage(QStringLiteral("--faults needs a SPEC such as latency=200,error-rate=0.1"));
        } else if (arg == QLatin1String("--activate")) {
            haveActivate = true;
            if (i + 1 < args.size() && !args.at(i + 1).startsWith(QLatin1String("--")))
                activate = args.at(++i);
            if (!activate.isEmpty() && activate != QLatin1String("uuid") && activate != QLatin1String("jwt"))
                return usage(QStringLiteral("--activate takes uuid or jwt, got \"%1\"").arg(activate));
        } else if (arg == QLatin1String("--jwe-enc")) {
            if (!value(&v) || (v != QLatin1String("A128GCM") && v != QLatin1String("A256GCM")))
                return usage(QStringLiteral("--jwe-enc must be A128GCM or A256GCM"));
            config.jweEnc
                = v == QLatin1String("A128GCM") ? Sandbox::JweEnc::A128GCM : Sandbox::JweEnc::A256GCM;
        } else if (arg == QLatin1String("--tt-signature")) {
            if (!value(&v) || (v != QLatin1String("v1") && v != QLatin1String("v2")))
                return usage(QStringLiteral("--tt-signature must be v1 or v2"));
            config.ttSignature
                = v == QLatin1String("v1") ? Sandbox::TtSignature::V1 : Sandbox::TtSignature::V2;
        } else if (arg == QLatin1String("--no-rate-limit")) {
            config.rateLimit = 0;
        } else {
            return usage(QStringLiteral("Unknown option \"%1\"").arg(arg));
        }
    }
    if (listen.isEmpty())
        return usage(QStringLiteral("--listen HOST:PORT is required"));
    if (config.partnerBaseUrl.isEmpty())
        return usage(QStringLiteral("--partner-base-url URL is required"));
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon < 0 ? 0 : listen.mid(colon + 1).toUInt(&portOk);
    QString hostText = colon < 0 ? QString() : listen.left(colon);
    if (hostText.startsWith(QLatin1Char('[')) && hostText.endsWith(QLatin1Char(']')))
        hostText = hostText.mid(1, hostText.size() - 2);
    QHostAddress host;
    if (hostText == QLatin1String("localhost"))
        host = QHostAddress::LocalHost;
    else
        host = QHostAddress(hostText);
    if (colon < 0 || !portOk || port > 65535 || host.isNull())
        return usage(
            QStringLiteral("--listen must be HOST:PORT with an IP address (or localhost), got \"%1\"")
                .arg(listen));

    for (const auto &[env, field] : { std::pair { "TT_SANDBOX_PARTNER_API_KEY", &config.partnerApiKey },
             std::pair { "TT_SANDBOX_WEBHOOK_SECRET", &config.webhookSecret },
             std::pair { "TT_SANDBOX_COMPANY_TOKEN", &config.companyApiToken },
             std::pair { "TT_SANDBOX_COMPANY_WEBHOOK_KEY", &config.companyWebhookKey } }) {
        const QString value = qEnvironmentVariable(env);
        if (!value.isEmpty())
            *field = value;
    }
    std::optional<intrvio::sandbox::Faults> faults;
    if (!faultSpec.isEmpty()) {
        QString error;
        faults = intrvio::sandbox::Faults::parse(faultSpec, &error);
        if (!faults)
            return usage(QStringLiteral("bad --faults: %1").arg(error));
    }

    Sandbox sandbox(config);
    QString error;
    if (!sandbox.seed(seedSpec, &error))
        return usage(QStringLiteral("bad --seed: %1").arg(error));
    if (faults)
        sandbox.setFaults(*faults);
    if (haveActivate) {
        QJsonObject fields;
        if (activate == QLatin1String("jwt"))
            fields = QJsonObject { { QStringLiteral("clientId"), QStringLiteral("sandbox-client") } };
        sandbox.activatePartner(fields);
    }

    const quint16 bound = sandbox.listen(host, quint16(port));
    if (!bound) {
        QTextStream(stderr) << "teamtailor-sandbox: " << sandbox.errorString() << '\n';
        return 1;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalFds) == 0) {
        auto *notifier = new QSocketNotifier(g_signalFds[1], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
            char c = 0;
            [[maybe_unused]] const auto n = ::read(g_signalFds[1], &c, 1);
            QCoreApplication::exit(0);
        });
        struct sigaction sa = {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        for (int sig : { SIGTERM, SIGINT })
            ::sigaction(sig, &sa, nullptr);
    }

    QTextStream out(stdout);
    out << sandbox.baseUrl().toString() << '\n';
    out << "teamtailor-sandbox: " << sandbox.company().name << ", " << sandbox.jobCount() << " jobs, "
        << sandbox.candidateCount() << " candidates; candidate cards at " << sandbox.baseUrl().toString()
        << "/_sandbox/\n";
    if (sandbox.isActivated())
        out << "teamtailor-sandbox: partner activated\n";
    out.flush();
    return app.exec();
}

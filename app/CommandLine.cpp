#include "CommandLine.h"

#include "Commands.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>

namespace intrvio {

namespace {

const QString UsageHint = QStringLiteral("Run `intrvio --help` for usage.");

bool parseHttpUrl(const QString &text, const QString &option, QUrl *out, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        *error = QStringLiteral("--%1 needs an absolute http:// or https:// URL, got '%2'.").arg(option, text);
        return false;
    }
    if (url.hasQuery() || url.hasFragment()) {
        *error = QStringLiteral("--%1 must not contain a query or fragment, got '%2'.").arg(option, text);
        return false;
    }
    QUrl clean = url;
    QString path = clean.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    clean.setPath(path);
    *out = clean;
    return true;
}

} // namespace

QString regionName(Region r)
{
    switch (r) {
    case Region::Eu:
        return QStringLiteral("eu");
    case Region::Na:
        return QStringLiteral("na");
    case Region::Au:
        return QStringLiteral("au");
    }
    return {};
}

QUrl Options::listenUrl() const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(listenHost == QLatin1String("0.0.0.0") || listenHost == QLatin1String("::") ? QStringLiteral("127.0.0.1")
                                                                                          : listenHost);
    u.setPort(listenPort);
    return u;
}

CommandLine::CommandLine()
    : m_parser(std::make_unique<QCommandLineParser>())
{
    QCommandLineParser &p = *m_parser;
    QString description = QStringLiteral(
        "Intrvio for Teamtailor: connects Intrvio AI interviews to the Teamtailor ATS.\n"
        "With no subcommand it opens the admin app (or, with --headless, runs the service).\n\n"
        "Subcommands (global options go before the subcommand):\n");
    for (const CliCommand &c : cliCommands())
        description += QStringLiteral("  %1\n      %2\n").arg(c.synopsis, c.summary);
    description += QStringLiteral("\nExit codes: 0 ok, 1 failure, 2 usage error, 3 configuration error "
                                  "(no keychain, missing secret, unusable data directory).");
    p.setApplicationDescription(description);
    p.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addVersionOption();
    p.addOptions({
        {QStringLiteral("demo"),
         QStringLiteral("Start the embedded Teamtailor sandbox with a seeded demo company and show the whole flow "
                        "offline.")},
        {QStringLiteral("headless"),
         QStringLiteral("Run the service only (webhook server, pipeline, outbox, reconciler); no display needed. "
                        "SIGTERM/SIGINT drain and exit 0.")},
        {QStringLiteral("data-dir"),
         QStringLiteral("Directory of the SQLite store (default: %1). Secrets are kept in the OS keychain, "
                        "scoped to this directory.")
             .arg(QDir::toNativeSeparators(defaultDataDir())),
         QStringLiteral("DIR")},
        {QStringLiteral("listen"),
         QStringLiteral("Address of the webhook server (default: 127.0.0.1:8787). Use 0.0.0.0:PORT to accept "
                        "connections from other hosts."),
         QStringLiteral("HOST:PORT")},
        {QStringLiteral("public-url"),
         QStringLiteral("Public base URL Teamtailor calls (the partner base-url) and that interview links use "
                        "(default: http://<listen>)."),
         QStringLiteral("URL")},
        {QStringLiteral("teamtailor-url"),
         QStringLiteral("Override both Teamtailor API base URLs (/v1 and /partner/v1), e.g. a sandbox."),
         QStringLiteral("URL")},
        {QStringLiteral("region"),
         QStringLiteral("Teamtailor data stack: eu (api.teamtailor.com), na (api.na.teamtailor.com) or au "
                        "(api.au.teamtailor.com). Default: eu."),
         QStringLiteral("eu|na|au")},
        {QStringLiteral("tls-cert"),
         QStringLiteral("Serve the webhook server over HTTPS with this PEM certificate (chain); needs --tls-key. "
                        "Default: $INTRVIO_TLS_CERT, else plain HTTP."),
         QStringLiteral("PATH")},
        {QStringLiteral("tls-key"),
         QStringLiteral("PEM private key (RSA or EC, no passphrase) of the --tls-cert certificate. "
                        "Default: $INTRVIO_TLS_KEY."),
         QStringLiteral("PATH")},
    });
    p.addPositionalArgument(QStringLiteral("subcommand"), QStringLiteral("Optional subcommand, see above."),
                            QStringLiteral("[subcommand [args...]]"));
}

CommandLine::~CommandLine() = default;

QString CommandLine::defaultDataDir()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QLatin1String("/.local/share/intrvio");
    return dir;
}

bool CommandLine::parseListen(const QString &text, QString *host, quint16 *port, QString *error)
{
    QString h;
    QString p;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1String("]:"));
        if (close < 0) {
            *error = QStringLiteral("--listen: expected [IPv6]:PORT, got '%1'.").arg(text);
            return false;
        }
        h = text.mid(1, close - 1);
        p = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0 || text.indexOf(QLatin1Char(':')) != colon) {
            *error = QStringLiteral("--listen: expected HOST:PORT (e.g. 127.0.0.1:8787), got '%1'.").arg(text);
            return false;
        }
        h = text.left(colon);
        p = text.mid(colon + 1);
    }
    bool ok = false;
    const uint n = p.toUInt(&ok);
    if (!ok || n > 65535) {
        *error = QStringLiteral("--listen: port must be a number from 0 to 65535, got '%1'.").arg(p);
        return false;
    }
    if (h.isEmpty())
        h = QStringLiteral("127.0.0.1");
    if (h != QLatin1String("localhost") && QHostAddress(h).isNull()) {
        *error = QStringLiteral("--listen: '%1' is not an IP address or localhost.").arg(h);
        return false;
    }
    *host = h == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : h;
    *port = static_cast<quint16>(n);
    return true;
}

CommandLine::Outcome CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser &p = *m_parser;
    m_options = Options{};
    m_error.clear();
    auto fail = [this](const QString &message) {
        m_error = message + QLatin1Char(' ') + UsageHint;
        return Outcome::Error;
    };
    if (!p.parse(arguments))
        return fail(p.errorText() + QLatin1Char('.'));
    if (p.isSet(QStringLiteral("help")))
        return Outcome::Help;
    if (p.isSet(QStringLiteral("version")))
        return Outcome::Version;

    Options &o = m_options;
    o.demo = p.isSet(QStringLiteral("demo"));
    o.headless = p.isSet(QStringLiteral("headless"));
    const QString dataDir = p.value(QStringLiteral("data-dir"));
    if (p.isSet(QStringLiteral("data-dir")) && dataDir.trimmed().isEmpty())
        return fail(QStringLiteral("--data-dir must not be empty."));
    // The demo keeps its own store (and keychain scope) unless told otherwise.
    const QString fallback = o.demo ? defaultDataDir() + QLatin1String("/demo") : defaultDataDir();
    o.dataDir = QDir::cleanPath(QDir(dataDir.isEmpty() ? fallback : dataDir).absolutePath());
    if (p.isSet(QStringLiteral("listen"))) {
        QString error;
        if (!parseListen(p.value(QStringLiteral("listen")), &o.listenHost, &o.listenPort, &error))
            return fail(error);
    }
    if (p.isSet(QStringLiteral("public-url"))) {
        QString error;
        if (!parseHttpUrl(p.value(QStringLiteral("public-url")), QStringLiteral("public-url"), &o.publicUrl, &error))
            return fail(error);
    }
    if (p.isSet(QStringLiteral("teamtailor-url"))) {
        QString error;
        if (!parseHttpUrl(p.value(QStringLiteral("teamtailor-url")), QStringLiteral("teamtailor-url"),
                          &o.teamtailorUrl, &error))
            return fail(error);
    }
    if (p.isSet(QStringLiteral("region"))) {
        const QString r = p.value(QStringLiteral("region")).toLower();
        if (r == QLatin1String("eu"))
            o.region = Region::Eu;
        else if (r == QLatin1String("na"))
            o.region = Region::Na;
        else if (r == QLatin1String("au"))
            o.region = Region::Au;
        else
            return fail(QStringLiteral("--region must be eu, na or au, got '%1'.").arg(p.value(QStringLiteral("region"))));
        o.regionGiven = true;
    }

    for (const QString &name : {QStringLiteral("tls-cert"), QStringLiteral("tls-key")}) {
        if (!p.isSet(name))
            continue;
        const QString value = p.value(name);
        if (value.trimmed().isEmpty())
            return fail(QStringLiteral("--%1 must not be empty.").arg(name));
        (name == QLatin1String("tls-cert") ? o.tlsCertPath : o.tlsKeyPath)
            = QDir::cleanPath(QDir(value).absolutePath());
    }

    const QStringList positional = p.positionalArguments();
    if (!positional.isEmpty()) {
        o.command = positional.first();
        o.commandArgs = positional.mid(1);
        if (!findCliCommand(o.command)) {
            QStringList names;
            for (const CliCommand &c : cliCommands())
                names << c.name;
            return fail(QStringLiteral("Unknown subcommand '%1' (known: %2).")
                            .arg(o.command, names.join(QLatin1String(", "))));
        }
        if (o.demo || o.headless)
            return fail(QStringLiteral("--demo and --headless run the app; they cannot be combined with the "
                                       "'%1' subcommand.")
                            .arg(o.command));
    }
    return Outcome::Run;
}

QString CommandLine::helpText() const
{
    return m_parser->helpText();
}

} // namespace intrvio

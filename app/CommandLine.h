#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QCommandLineParser;

namespace intrvio {

// Process exit codes (ARCHITECTURE.md §4): scripts rely on them.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,
    ExitUsage = 2,
    ExitConfig = 3,
};

enum class Region { Eu, Na, Au };
QString regionName(Region r);

struct Options
{
    bool demo = false;
    bool headless = false;
    QString dataDir;         // absolute; default: the platform's app data location
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8787;
    QUrl publicUrl;          // the partner base-url Teamtailor calls; default http://<listen>
    QUrl teamtailorUrl;      // overrides both API base URLs (sandbox); empty: the region's hosts
    Region region = Region::Eu;
    bool regionGiven = false;
    QString tlsCertPath;     // --tls-cert (absolute); empty: INTRVIO_TLS_CERT, else plain HTTP
    QString tlsKeyPath;      // --tls-key (absolute); empty: INTRVIO_TLS_KEY

    QString command;         // subcommand ("secret", "sync", ...); empty: run the app
    QStringList commandArgs; // everything after the subcommand name

    QUrl listenUrl() const;
    QUrl effectivePublicUrl() const { return publicUrl.isEmpty() ? listenUrl() : publicUrl; }
};

// Parses the global options; global options come before a subcommand, whose own arguments are
// left in commandArgs. Pure: no I/O, no QCoreApplication needed.
class CommandLine
{
public:
    enum class Outcome { Run, Help, Version, Error };

    CommandLine();
    ~CommandLine();

    Outcome parse(const QStringList &arguments);
    const Options &options() const { return m_options; }
    QString errorText() const { return m_error; } // for Outcome::Error; ends with a hint
    QString helpText() const;                     // needs a QCoreApplication instance

    // "HOST:PORT", "[::1]:PORT" or ":PORT". Returns false with a message on bad input.
    static bool parseListen(const QString &text, QString *host, quint16 *port, QString *error);
    static QString defaultDataDir();

private:
    std::unique_ptr<QCommandLineParser> m_parser;
    Options m_options;
    QString m_error;
};

} // namespace intrvio

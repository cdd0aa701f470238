#include "app/CommandLine.h"

#include <QDir>
#include <QtTest>

using namespace intrvio;

class tst_CommandLine : public QObject
{
    Q_OBJECT
private:
    static QStringList argv(const QString &line)
    {
        QStringList args{QStringLiteral("intrvio")};
        if (!line.isEmpty())
            args += line.split(QLatin1Char(' '));
        return args;
    }

private Q_SLOTS:
    void defaults()
    {
        CommandLine cli;
        QCOMPARE(cli.parse(argv({})), CommandLine::Outcome::Run);
        const Options &o = cli.options();
        QVERIFY(!o.demo);
        QVERIFY(!o.headless);
        QCOMPARE(o.dataDir, QDir::cleanPath(CommandLine::defaultDataDir()));
        QCOMPARE(o.listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(o.listenPort, quint16(8787));
        QCOMPARE(o.region, Region::Eu);
        QVERIFY(o.command.isEmpty());
        QCOMPARE(o.effectivePublicUrl(), QUrl(QStringLiteral("http://127.0.0.1:8787")));
    }

    void good_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("headless") << "--headless" << "headless" << "true";
        QTest::newRow("demo") << "--demo" << "demo" << "true";
        QTest::newRow("demo data dir") << "--demo" << "dataDir" << QDir::cleanPath(CommandLine::defaultDataDir() + QLatin1String("/demo"));
        QTest::newRow("data dir") << "--data-dir /tmp/x/../y" << "dataDir" << "/tmp/y";
        QTest::newRow("data dir =") << "--data-dir=/srv/intrvio" << "dataDir" << "/srv/intrvio";
        QTest::newRow("listen v4") << "--listen 0.0.0.0:9000" << "listen" << "0.0.0.0:9000";
        QTest::newRow("listen localhost") << "--listen localhost:80" << "listen" << "127.0.0.1:80";
        QTest::newRow("listen v6") << "--listen [::1]:8443" << "listen" << "::1:8443";
        QTest::newRow("listen port only") << "--listen :7000" << "listen" << "127.0.0.1:7000";
        QTest::newRow("public url") << "--public-url https://hooks.example.com/intrvio/" << "publicUrl"
                                    << "https://hooks.example.com/intrvio";
        QTest::newRow("teamtailor url") << "--teamtailor-url http://127.0.0.1:9999" << "teamtailorUrl"
                                        << "http://127.0.0.1:9999";
        QTest::newRow("region na") << "--region na" << "region" << "na";
        QTest::newRow("region AU") << "--region AU" << "region" << "au";
        QTest::newRow("subcommand") << "--data-dir /d secret status partner-api-key" << "command"
                                    << "secret|status partner-api-key";
        QTest::newRow("subcommand keeps its options") << "secret status --all" << "command" << "secret|status --all";
        QTest::newRow("tls cert") << "--tls-cert /etc/intrvio/../tls/cert.pem --tls-key k.pem" << "tlsCert"
                                  << "/etc/tls/cert.pem";
        QTest::newRow("tls key") << "--tls-cert c.pem --tls-key=/etc/tls/key.pem" << "tlsKey" << "/etc/tls/key.pem";
    }

    void good()
    {
        QFETCH(QString, line);
        QFETCH(QString, field);
        QFETCH(QString, expected);
        CommandLine cli;
        const CommandLine::Outcome outcome = cli.parse(argv(line));
        QVERIFY2(outcome == CommandLine::Outcome::Run, qPrintable(cli.errorText()));
        const Options &o = cli.options();
        QString actual;
        if (field == QLatin1String("headless"))
            actual = o.headless ? QStringLiteral("true") : QStringLiteral("false");
        else if (field == QLatin1String("demo"))
            actual = o.demo ? QStringLiteral("true") : QStringLiteral("false");
        else if (field == QLatin1String("dataDir"))
            actual = o.dataDir;
        else if (field == QLatin1String("listen"))
            actual = o.listenHost + QLatin1Char(':') + QString::number(o.listenPort);
        else if (field == QLatin1String("publicUrl"))
            actual = o.publicUrl.toString();
        else if (field == QLatin1String("teamtailorUrl"))
            actual = o.teamtailorUrl.toString();
        else if (field == QLatin1String("region"))
            actual = regionName(o.region);
        else if (field == QLatin1String("tlsCert"))
            actual = o.tlsCertPath;
        else if (field == QLatin1String("tlsKey"))
            actual = o.tlsKeyPath;
        else if (field == QLatin1String("command"))
            actual = o.command + QLatin1Char('|') + o.commandArgs.join(QLatin1Char(' '));
        QCOMPARE(actual, expected);
    }

    void bad_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown option") << "--frobnicate" << "Unknown option 'frobnicate'";
        QTest::newRow("missing value") << "--data-dir" << "Missing value after '--data-dir'";
        QTest::newRow("bad region") << "--region us" << "--region must be eu, na or au";
        QTest::newRow("listen no port") << "--listen 127.0.0.1" << "expected HOST:PORT";
        QTest::newRow("listen bad port") << "--listen 127.0.0.1:99999" << "port must be a number";
        QTest::newRow("listen bad host") << "--listen nohost.example:80" << "is not an IP address";
        QTest::newRow("public url relative") << "--public-url /webhook" << "absolute http:// or https:// URL";
        QTest::newRow("public url ftp") << "--public-url ftp://x.example" << "absolute http:// or https:// URL";
        QTest::newRow("public url query") << "--public-url https://x.example/?a=1" << "must not contain a query";
        QTest::newRow("teamtailor url") << "--teamtailor-url localhost" << "--teamtailor-url needs";
        QTest::newRow("unknown subcommand") << "frobnicate" << "Unknown subcommand 'frobnicate'";
        QTest::newRow("demo with subcommand") << "--demo secret status" << "cannot be combined";
        QTest::newRow("tls cert empty") << "--tls-cert= --tls-key k.pem" << "--tls-cert must not be empty";
        QTest::newRow("tls key missing value") << "--tls-cert c.pem --tls-key" << "Missing value after '--tls-key'";
    }

    void bad()
    {
        QFETCH(QString, line);
        QFETCH(QString, message);
        CommandLine cli;
        QCOMPARE(cli.parse(argv(line)), CommandLine::Outcome::Error);
        QVERIFY2(cli.errorText().contains(message), qPrintable(cli.errorText()));
        QVERIFY2(cli.errorText().contains(QLatin1String("--help")), qPrintable(cli.errorText()));
    }

    void helpAndVersion()
    {
        CommandLine cli;
        QCOMPARE(cli.parse(argv(QStringLiteral("--help"))), CommandLine::Outcome::Help);
        QCOMPARE(cli.parse(argv(QStringLiteral("--version"))), CommandLine::Outcome::Version);
        const QString help = cli.helpText();
        for (const char *option : {"--demo", "--headless", "--data-dir", "--listen", "--public-url",
                                   "--teamtailor-url", "--region", "--version", "--help", "secret set|clear|status"})
            QVERIFY2(help.contains(QLatin1String(option)), option);
    }
};

QTEST_GUILESS_MAIN(tst_CommandLine)
#include "tst_commandline.moc"

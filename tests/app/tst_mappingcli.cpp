// `intrvio mapping export|import` as a black box: exit codes, messages, atomicity, round trip.
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio::test;

namespace {

QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *a : list)
        out << QString::fromUtf8(a);
    return out;
}

} // namespace

class tst_MappingCli : public QObject
{
    Q_OBJECT
private:
    QString m_bin = binaryPath(QStringLiteral("intrvio"));
    QTemporaryDir m_dir;

    ProcessResult intrvio(const QString &dataDir, const QStringList &arguments, const QByteArray &input = {})
    {
        return runProcess(m_bin, QStringList { QStringLiteral("--data-dir"), dataDir } + arguments, input);
    }

    QString freshDataDir()
    {
        static int n = 0;
        return m_dir.filePath(QStringLiteral("data%1").arg(++n));
    }

    QJsonObject exportJson(const QString &dataDir)
    {
        const ProcessResult r = intrvio(dataDir, args({ "mapping", "export" }));
        [&] { QVERIFY2(r.exitCode == 0, r.err.constData()); }();
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        [&] { QVERIFY2(error.error == QJsonParseError::NoError, r.out.constData()); }();
        return doc.object();
    }

private Q_SLOTS:
    void helpListsTheCommand()
    {
        const ProcessResult r = runProcess(m_bin, args({ "--help" }));
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("mapping export [FILE] | mapping import FILE"));
    }

    void usageErrorsExit2_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no action") << args({ "mapping" })
                                   << QByteArray("mapping needs an action: export or import.");
        QTest::newRow("unknown action") << args({ "mapping", "sync" })
                                        << QByteArray("unknown mapping action 'sync'; use export or import.");
        QTest::newRow("import without file")
            << args({ "mapping", "import" }) << QByteArray("mapping import takes exactly one FILE");
        QTest::newRow("import two files")
            << args({ "mapping", "import", "a", "b" }) << QByteArray("mapping import takes exactly one FILE");
        QTest::newRow("export two files") << args({ "mapping", "export", "a", "b" })
                                          << QByteArray("mapping export takes at most one FILE.");
    }

    void usageErrorsExit2()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const ProcessResult r = intrvio(freshDataDir(), arguments);
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
        QVERIFY(
            r.err.contains("Usage: intrvio [global options] mapping export [FILE] | mapping import FILE"));
    }

    void exportOfAFreshStoreHasTheBuiltInTemplates()
    {
        const QJsonObject root = exportJson(freshDataDir());
        QCOMPARE(root.value(QLatin1String("version")).toInt(), 1);
        QCOMPARE(root.value(QLatin1String("mappings")).toArray().size(), 0);
        QStringList ids;
        for (const QJsonValue &t : root.value(QLatin1String("templates")).toArray())
            ids << t.toObject().value(QLatin1String("id")).toString();
        QCOMPARE(ids, (args({ "first-interview", "phone-screen", "technical" })));
    }

    void invalidFileExits1AndChangesNothing()
    {
        const QString dataDir = freshDataDir();
        ProcessResult r = intrvio(
            dataDir, args({ "mapping", "import" }) << dataPath(QStringLiteral("mapping/uses-builtin.json")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject before = exportJson(dataDir);

        const QString file = dataPath(QStringLiteral("mapping/invalid.json"));
        r = intrvio(dataDir, args({ "mapping", "import" }) << file);
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("is not a valid mapping file (11 problem(s)); nothing was changed:"),
            r.err.constData());
        for (const char *line : { ": templates[0].language: 'english' is not a language tag",
                 ": templates[1].questions: the template has no questions; add at least one",
                 ": mappings[1].template: unknown template 'x' (known: empty, first-interview, phone-screen, "
                 "screen, technical)",
                 ": mappings[2].stage: duplicate of mappings[0]",
                 ": mappings[3].rules.pass: must be from 0 to 100, not 120",
                 ": mappings[5].tempate: unknown key" })
            QVERIFY2(r.err.contains(QByteArray(file.toUtf8() + line)), line);
        QCOMPARE(r.err.count('\n'), 12); // the heading plus one line per problem
        QVERIFY(r.out.isEmpty());
        QCOMPARE(exportJson(dataDir), before);
    }

    void unreadableAndMalformedFilesExit1()
    {
        const QString dataDir = freshDataDir();
        ProcessResult r = intrvio(
            dataDir, args({ "mapping", "import" }) << m_dir.filePath(QStringLiteral("missing.json")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot read") && r.err.contains("nothing was changed"), r.err.constData());

        r = intrvio(
            dataDir, args({ "mapping", "import" }) << dataPath(QStringLiteral("mapping/not-json.json")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not-json.json: not valid JSON at line 4, column 31"), r.err.constData());
    }

    void importReplacesMappingsAndRoundTrips()
    {
        const QString dataDir = freshDataDir();
        ProcessResult r = intrvio(
            dataDir, args({ "mapping", "import" }) << dataPath(QStringLiteral("mapping/valid.json")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out,
            QByteArray(
                "Imported 1 template(s) (0 new, 1 updated, 0 unchanged) and 2 mapping(s), replacing 0.\n"));

        r = intrvio(
            dataDir, args({ "mapping", "import" }) << dataPath(QStringLiteral("mapping/edited-export.json")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out,
            QByteArray(
                "Imported 1 template(s) (1 new, 0 updated, 0 unchanged) and 2 mapping(s), replacing 2.\n"));

        const QJsonObject exported = exportJson(dataDir);
        const QJsonArray mappings = exported.value(QLatin1String("mappings")).toArray();
        QCOMPARE(mappings.size(), 2);
        QCOMPARE(mappings.at(0).toObject().value(QLatin1String("stage")).toString(),
            QStringLiteral("Culture interview"));
        QCOMPARE(mappings.at(1).toObject().value(QLatin1String("job")).toString(), QStringLiteral("124"));
        QCOMPARE(exported.value(QLatin1String("templates")).toArray().size(), 4);

        // Export to a file, import it back: nothing changes, and the file is the same as stdout.
        const QString file = m_dir.filePath(QStringLiteral("roundtrip.json"));
        r = intrvio(dataDir, args({ "mapping", "export" }) << file);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("Exported 4 template(s) and 2 mapping(s) to ") + file.toUtf8() + '\n');
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(f.readAll()).object(), exported);
        r = intrvio(dataDir, args({ "mapping", "import" }) << file);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out,
            QByteArray(
                "Imported 4 template(s) (0 new, 0 updated, 4 unchanged) and 2 mapping(s), replacing 2.\n"));
        QCOMPARE(exportJson(dataDir), exported);
    }

    void importFromStdin()
    {
        const QString dataDir = freshDataDir();
        QFile f(dataPath(QStringLiteral("mapping/uses-builtin.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const ProcessResult r = intrvio(dataDir, args({ "mapping", "import", "-" }), f.readAll());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("and 3 mapping(s), replacing 0."));
    }

    void unusableStoreExits3()
    {
        const QString dataDir = freshDataDir();
        QVERIFY(QDir().mkpath(dataDir));
        QFile f(dataDir + QLatin1String("/intrvio.sqlite"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("garbage");
        f.close();
        const ProcessResult r = intrvio(dataDir, args({ "mapping", "export" }));
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("not an Intrvio database"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(tst_MappingCli)
#include "tst_mappingcli.moc"

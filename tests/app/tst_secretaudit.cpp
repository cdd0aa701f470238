// Secret changes reach the audit log with their names only: through the composition root and the CLI.
#include "app/Application.h"
#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"
#include "net/secrets/SecretStore.h"
#include "tests/support/TestSupport.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <QUuid>

using namespace intrvio;
using namespace intrvio::test;

namespace {

struct Row
{
    QString actor;
    QString action;
    QString subject;
    QString details;
};

QList<Row> secretRows(const QString &dataDir)
{
    StoreError error;
    auto store = Store::openInDataDir(dataDir, &error);
    QList<Row> rows;
    if (!store)
        return rows;
    QSqlQuery q(store->database());
    q.exec(QStringLiteral("SELECT actor, action, subject, coalesce(details, '') FROM audit_log "
                          "WHERE action LIKE 'secret.%' ORDER BY id"));
    while (q.next())
        rows.append(
            { q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString() });
    return rows;
}

} // namespace

class tst_SecretAudit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void compositionRootAuditsAndSeeds()
    {
        QTemporaryDir dir;
        Options options;
        options.dataDir = dir.filePath(QStringLiteral("data"));
        QString error;
        int exitCode = 0;
        auto services = AppServices::create(options, &error, &exitCode);
        QVERIFY2(services, qPrintable(error));
        QCOMPARE(TemplateRepository(*services->store(), Clock::system()).count(), 3);

        const QString secret = QStringLiteral("value-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        SecretResult r = services->secrets()->writeSync(QStringLiteral("scorer-api-key"), secret);
        QVERIFY2(r.ok(), qPrintable(r.message));
        r = services->secrets()->removeSync(QStringLiteral("scorer-api-key"));
        QVERIFY2(r.ok(), qPrintable(r.message));

        AuditLog audit(*services->store(), Clock::system());
        const QList<AuditEntry> entries = audit.forSubject(QStringLiteral("secret:scorer-api-key"));
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(0).action, QString::fromLatin1(AuditLog::ActionSecretCleared));
        QCOMPARE(entries.at(1).action, QString::fromLatin1(AuditLog::ActionSecretSet));
        QCOMPARE(entries.at(1).actor, QStringLiteral("admin"));
        QVERIFY(entries.at(1).details.isEmpty());
        services.reset();
        QString where;
        QVERIFY2(!directoryContains(options.dataDir, secret.toUtf8(), &where), qPrintable(where));
    }

    void cliAuditsNamesOnly()
    {
        QTemporaryDir dir;
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        const QString bin = binaryPath(QStringLiteral("intrvio"));
        const QByteArray secret = "tt-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const QStringList base { QStringLiteral("--data-dir"), dataDir, QStringLiteral("secret") };

        ProcessResult r = runProcess(
            bin, base + QStringList { QStringLiteral("set"), QStringLiteral("webhook-secret") }, secret);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runProcess(bin, base + QStringList { QStringLiteral("clear"), QStringLiteral("webhook-secret") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // A refused name changes nothing and is not audited.
        r = runProcess(bin, base + QStringList { QStringLiteral("set"), QStringLiteral("password") }, secret);
        QCOMPARE(r.exitCode, 2);

        const QList<Row> rows = secretRows(dataDir);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0).action, QStringLiteral("secret.set"));
        QCOMPARE(rows.at(0).subject, QStringLiteral("secret:webhook-secret"));
        QCOMPARE(rows.at(0).actor, QStringLiteral("cli"));
        QCOMPARE(rows.at(0).details, QString());
        QCOMPARE(rows.at(1).action, QStringLiteral("secret.cleared"));
        QString where;
        QVERIFY2(!directoryContains(dataDir, secret, &where), qPrintable(where));
    }
};

QTEST_GUILESS_MAIN(tst_SecretAudit)
#include "tst_secretaudit.moc"

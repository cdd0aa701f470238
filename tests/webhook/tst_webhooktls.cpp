// HTTPS for the webhook server, through the real `intrvio --headless` process: --tls-cert/--tls-key
// (or INTRVIO_TLS_CERT/INTRVIO_TLS_KEY) serve GET /healthz over TLS on loopback with a self-signed
// certificate made here; unusable files are refused with exit code 2 and a message naming the file.
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

using namespace intrvio;

namespace {

// Runs the openssl CLI; returns its stderr on failure.
QString openssl(const QStringList &args, const QString &workDir)
{
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForStarted(10000))
        return QStringLiteral("openssl not found: install it (apt-get install -y openssl)");
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QString::fromUtf8(p.readAllStandardError());
    return {};
}

// A self-signed EC certificate for 127.0.0.1 (cert.pem, key.pem) and an unrelated key (other.pem).
QString makeCertificates(const QString &dir)
{
    QString error = openssl(
        { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
            QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
            QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-days"),
            QStringLiteral("2"), QStringLiteral("-keyout"), QStringLiteral("key.pem"), QStringLiteral("-out"),
            QStringLiteral("cert.pem") },
        dir);
    if (error.isEmpty())
        error = openssl({ QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"),
                            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                            QStringLiteral("-out"), QStringLiteral("other.pem") },
            dir);
    return error;
}

} // namespace

class tst_WebhookTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString error = makeCertificates(m_dir.path());
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void healthzOverTls_data()
    {
        QTest::addColumn<bool>("fromEnvironment");
        QTest::newRow("--tls-cert/--tls-key") << false;
        QTest::newRow("INTRVIO_TLS_CERT/INTRVIO_TLS_KEY") << true;
    }
    void healthzOverTls()
    {
        QFETCH(bool, fromEnvironment);
        const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
        const QString key = m_dir.filePath(QStringLiteral("key.pem"));
        QTemporaryDir data;
        QStringList args { QStringLiteral("--headless"), QStringLiteral("--data-dir"), data.path(),
            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") };
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("INTRVIO_TLS_CERT"));
        env.remove(QStringLiteral("INTRVIO_TLS_KEY"));
        if (fromEnvironment) {
            env.insert(QStringLiteral("INTRVIO_TLS_CERT"), cert);
            env.insert(QStringLiteral("INTRVIO_TLS_KEY"), key);
        } else {
            args << QStringLiteral("--tls-cert") << cert << QStringLiteral("--tls-key") << key;
        }
        QProcess service;
        service.setProcessEnvironment(env);
        service.start(test::binaryPath(QStringLiteral("intrvio")), args);
        QVERIFY(service.waitForStarted(10000));

        static const QRegularExpression listening(
            QStringLiteral("listening on https://127\\.0\\.0\\.1:(\\d+)"));
        QByteArray err;
        quint16 port = 0;
        QElapsedTimer t;
        t.start();
        while (port == 0 && t.elapsed() < 20000 && service.state() == QProcess::Running) {
            service.waitForReadyRead(100);
            err += service.readAllStandardError();
            const auto m = listening.match(QString::fromUtf8(err));
            if (m.hasMatch())
                port = quint16(m.captured(1).toUInt());
        }
        QVERIFY2(port, err.constData());

        // Verified TLS: the generated certificate is the only trusted CA, and it names 127.0.0.1.
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromPath(cert));
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        QNetworkRequest request(QUrl(QStringLiteral("https://127.0.0.1:%1/healthz").arg(port)));
        request.setSslConfiguration(ssl);
        QNetworkAccessManager nam;
        QNetworkReply *reply = nam.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(20000));
        QVERIFY2(reply->error() == QNetworkReply::NoError, qPrintable(reply->errorString()));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), QByteArray("ok\n"));
        QVERIFY(reply->sslConfiguration().peerCertificate() == QSslCertificate::fromPath(cert).value(0));
        delete reply;

        service.terminate(); // SIGTERM: drain and exit 0
        const bool exited = service.waitForFinished(15000);
        err += service.readAllStandardError();
        QVERIFY2(exited, err.constData());
        QCOMPARE(service.exitStatus(), QProcess::NormalExit);
        QCOMPARE(service.exitCode(), 0);
    }

    void unusableFilesExit2_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing certificate") << QStringList { QStringLiteral("--tls-cert"),
            QStringLiteral("missing.pem"), QStringLiteral("--tls-key"), QStringLiteral("key.pem") }
                                             << QStringLiteral("missing.pem: no such file");
        QTest::newRow("certificate is a directory") << QStringList { QStringLiteral("--tls-cert"),
            QStringLiteral("."), QStringLiteral("--tls-key"), QStringLiteral("key.pem") }
                                                    << QStringLiteral("is a directory");
        QTest::newRow("key given as certificate") << QStringList { QStringLiteral("--tls-cert"),
            QStringLiteral("key.pem"), QStringLiteral("--tls-key"), QStringLiteral("key.pem") }
                                                  << QStringLiteral("key.pem: no PEM certificate in it");
        QTest::newRow("certificate given as key")
            << QStringList { QStringLiteral("--tls-cert"), QStringLiteral("cert.pem"),
                   QStringLiteral("--tls-key"), QStringLiteral("cert.pem") }
            << QStringLiteral("cert.pem: no unencrypted PEM RSA or EC private key");
        QTest::newRow("key of another certificate")
            << QStringList { QStringLiteral("--tls-cert"), QStringLiteral("cert.pem"),
                   QStringLiteral("--tls-key"), QStringLiteral("other.pem") }
            << QStringLiteral("other.pem is not the private key of the certificate");
        QTest::newRow("certificate without key") << QStringList { QStringLiteral("--tls-cert"),
            QStringLiteral("cert.pem") } << QStringLiteral("--tls-cert is set but --tls-key is not");
        QTest::newRow("empty path") << QStringList { QStringLiteral("--tls-key="),
            QStringLiteral("--tls-cert"), QStringLiteral("cert.pem") }
                                    << QStringLiteral("--tls-key must not be empty");
    }
    void unusableFilesExit2()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, message);
        for (QString &o : options) {
            if (o.endsWith(QLatin1String(".pem")) || o == QLatin1String("."))
                o = QDir::cleanPath(m_dir.filePath(o));
        }
        QTemporaryDir data;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("INTRVIO_TLS_CERT"));
        env.remove(QStringLiteral("INTRVIO_TLS_KEY"));
        const auto r = test::runProcess(test::binaryPath(QStringLiteral("intrvio")),
            QStringList { QStringLiteral("--headless"), QStringLiteral("--data-dir"), data.path(),
                QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") }
                + options,
            {}, env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QVERIFY(!QFile::exists(data.filePath(QStringLiteral("intrvio.sqlite")))); // nothing started
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(tst_WebhookTls)
#include "tst_webhooktls.moc"

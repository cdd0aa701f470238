#include "TlsFiles.h"

#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslKey>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace intrvio {

namespace {

bool readFile(
    const QString &path, const QString &option, const QString &what, QByteArray *out, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = QStringLiteral("%1 %2: no such file; give the path of the PEM %3").arg(option, path, what);
        return false;
    }
    if (info.isDir()) {
        *error = QStringLiteral("%1 %2: is a directory; give the path of the PEM %3 file inside it")
                     .arg(option, path, what);
        return false;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral(
            "%1 %2: the %3 cannot be read (%4); make it readable by the user running intrvio")
                     .arg(option, path, what, f.errorString());
        return false;
    }
    *out = f.readAll();
    return true;
}

// True when the PEM private key belongs to the PEM certificate (same public key).
bool keyMatches(const QByteArray &certificatePem, const QByteArray &keyPem)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> certBio(
        BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(
        BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), BIO_free);
    if (!certBio || !keyBio)
        return false;
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr), X509_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    return cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
}

} // namespace

bool TlsFiles::load(QSslConfiguration *config, QString *error) const
{
    if (certificatePath.isEmpty() || keyPath.isEmpty()) {
        *error = certificatePath.isEmpty()
            ? QStringLiteral("%1 is set but %2 is not; TLS needs both the certificate and its key")
                  .arg(keyOption, certificateOption)
            : QStringLiteral("%1 is set but %2 is not; TLS needs both the certificate and its key")
                  .arg(certificateOption, keyOption);
        return false;
    }
    QByteArray certPem;
    QByteArray keyPem;
    if (!readFile(certificatePath, certificateOption, QStringLiteral("TLS certificate"), &certPem, error)
        || !readFile(keyPath, keyOption, QStringLiteral("TLS private key"), &keyPem, error))
        return false;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (chain.isEmpty() || chain.constFirst().isNull()) {
        *error = QStringLiteral("%1 %2: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----); "
                                "convert a DER file with `openssl x509 -in FILE -out cert.pem`")
                     .arg(certificateOption, certificatePath);
        return false;
    }
    QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull()) {
        *error
            = QStringLiteral("%1 %2: no unencrypted PEM RSA or EC private key in it; a passphrase-protected "
                             "key can be decrypted with `openssl pkey -in KEY -out key.pem`")
                  .arg(keyOption, keyPath);
        return false;
    }
    if (!keyMatches(certPem, keyPem)) {
        *error = QStringLiteral("%1 %2 is not the private key of the certificate in %3 %4; give the key the "
                                "certificate was issued for")
                     .arg(keyOption, keyPath, certificateOption, certificatePath);
        return false;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificateChain(chain);
    ssl.setPrivateKey(key);
    ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    *config = ssl;
    return true;
}

} // namespace intrvio

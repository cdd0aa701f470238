#pragma once

#include <QSslConfiguration>
#include <QString>

namespace intrvio {

// The webhook server's TLS certificate and key (--tls-cert / --tls-key, or INTRVIO_TLS_CERT /
// INTRVIO_TLS_KEY). Loads both PEM files and checks that the key belongs to the certificate.
// On failure *error names the file, what is wrong with it, and how to fix it.
struct TlsFiles
{
    QString certificatePath; // PEM: the server certificate first, then any intermediates
    QString keyPath; // PEM: the certificate's private key (RSA or EC), not passphrase-protected
    // Names for messages, e.g. "--tls-cert" or "INTRVIO_TLS_CERT".
    QString certificateOption = QStringLiteral("--tls-cert");
    QString keyOption = QStringLiteral("--tls-key");

    bool enabled() const { return !certificatePath.isEmpty() || !keyPath.isEmpty(); }
    bool load(QSslConfiguration *config, QString *error) const;
};

} // namespace intrvio

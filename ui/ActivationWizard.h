#pragma once

#include <QPointer>
#include <QUrl>
#include <QWizard>

class QComboBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QTimer;

namespace intrvio {

class Activation;
class Clock;
class SecretStore;
class Store;
class TeamtailorClient;

// First-run (and re-runnable) activation wizard: region and the four keys (masked, written only to
// the keychain through SecretStore, each with a Test button that calls Teamtailor), the public URL
// and listen address with a reachability self-check, then a page that waits for the company to
// activate Intrvio in Teamtailor and shows the company's name.
//
// A key field left empty keeps the stored key; "Clear" removes it from the keychain.
class ActivationWizard : public QWizard
{
    Q_OBJECT
public:
    struct Context
    {
        Store *store = nullptr;
        SecretStore *secrets = nullptr;
        Activation *activation = nullptr; // optional: its activatedChanged also ends the wait
        QNetworkAccessManager *nam = nullptr; // optional: the wizard makes its own
        const Clock *clock = nullptr; // default: the system clock
        int pollIntervalMs = 3000; // partner-activations polling on the last page
    };

    enum PageId { KeysPage, ServerPage, WaitPage };

    explicit ActivationWizard(const Context &context, QWidget *parent = nullptr);
    ~ActivationWizard() override;

    bool validateCurrentPage() override;

    QString companyName() const { return m_companyName; }

    // The key names, in page order.
    static const QStringList &keyNames();

Q_SIGNALS:
    void keysSaved(); // every non-empty field was written to the keychain
    void activated(const QString &companyName);

private:
    struct KeyRow
    {
        QString name;
        QLineEdit *edit = nullptr;
        QLabel *state = nullptr;
        QLabel *result = nullptr;
    };

    QWizardPage *buildKeysPage();
    QWizardPage *buildServerPage();
    QWizardPage *buildWaitPage();
    KeyRow *row(const QString &name);
    QString region() const;
    QUrl overrideBase() const;
    // Uses the field's value, or the stored key when the field is empty.
    void withKey(const QString &name, const std::function<void(const QString &value, const QString &error)> &f);
    TeamtailorClient *makeClient(const QString &companyToken, const QString &partnerKey);
    void testKey(const QString &name);
    void clearKey(const QString &name);
    void refreshKeyStates();
    void saveKeys();
    bool saveServerSettings();
    void checkReachability();
    void startWaiting();
    void pollActivation();
    void setActivated(const QString &companyName);
    static void showResult(QLabel *label, bool ok, const QString &text);

    Context m_context;
    QNetworkAccessManager *m_nam = nullptr;
    QPointer<TeamtailorClient> m_testClient;
    QPointer<TeamtailorClient> m_pollClient;
    QList<KeyRow> m_rows;
    QComboBox *m_region = nullptr;
    QLabel *m_keysStatus = nullptr;
    bool m_keysSaved = false;
    int m_pendingWrites = 0;
    QStringList m_writeErrors;
    QLineEdit *m_publicUrl = nullptr;
    QLineEdit *m_listen = nullptr;
    QLabel *m_serverStatus = nullptr;
    QLabel *m_reachability = nullptr;
    QLabel *m_waitStatus = nullptr;
    QTimer *m_pollTimer = nullptr;
    QString m_companyName;
};

} // namespace intrvio

#pragma once

#include <QHash>
#include <QStringList>
#include <QUrl>
#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace intrvio {

class Sandbox;
namespace sandbox {
struct WebhookRecord;
}

// The "Demo" panel of `intrvio --demo`: the story in four steps, buttons that play Teamtailor's
// part (move a candidate, open the candidate card, re-sync), and a live log of what the sandbox
// sent to the app and what the app answered. It knows the sandbox only through its C++ API and
// its signals; what happens after a delivery is the app's business.
class DemoPanel : public QWidget
{
    Q_OBJECT
public:
    struct Moved
    {
        qint64 applicationId = 0; // 0: nothing moved (the error says why)
        qint64 candidateId = 0;
        QString text;
    };
    struct Hooks
    {
        std::function<Moved(QString *error)> moveCandidate;
        std::function<QUrl(qint64 candidateId)> candidatePageUrl;
        std::function<void()> resync;
    };

    DemoPanel(Sandbox *sandbox, Hooks hooks, QWidget *parent = nullptr);

    void setPartnerBaseUrl(const QUrl &url);
    // The candidate whose card "Open the Teamtailor candidate card" opens.
    void setCandidate(qint64 candidateId);
    QUrl candidateUrl() const { return m_candidateUrl; }

    // One log line per outbound call of the sandbox (pure; also used by the tests).
    static QString logLine(const sandbox::WebhookRecord &record);

Q_SIGNALS:
    // Emitted instead of opening a browser when set (tests); otherwise QDesktopServices::openUrl.
    void openUrlRequested(const QUrl &url);

private:
    void moveCandidate();
    void openCandidateCard();
    void appendLog(const QString &line);

    Sandbox *m_sandbox;
    Hooks m_hooks;
    QUrl m_candidateUrl;
    QLabel *m_partnerLabel = nullptr;
    QLabel *m_linkLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPushButton *m_moveButton = nullptr;
    QPushButton *m_openButton = nullptr;
    QPushButton *m_resyncButton = nullptr;
    QPlainTextEdit *m_log = nullptr;
    bool m_moving = false;
    QStringList m_pending;
    QHash<QString, QString> m_lastResultLine; // partner result id -> last line logged
};

} // namespace intrvio

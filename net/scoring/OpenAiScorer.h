#pragma once

#include "models/interview/Scorer.h"

#include <QObject>
#include <QUrl>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace intrvio {

class SecretStore;
class Store;

// Where an OpenAI-compatible chat-completions endpoint is (a local model server or a hosted API).
// Non-secret settings in the store; the optional API key is the keychain secret `scorer-api-key`.
struct OpenAiScorerConfig
{
    static constexpr auto BaseUrlSetting = "scorer.base-url"; // e.g. http://127.0.0.1:8080
    static constexpr auto ModelSetting = "scorer.model";
    static constexpr auto TimeoutSetting = "scorer.timeout-seconds";
    static constexpr int DefaultTimeoutSeconds = 60;
    static constexpr qint64 MaxResponseBytes = 1024 * 1024;

    QUrl baseUrl;
    QString model;
    int timeoutMs = DefaultTimeoutSeconds * 1000;

    // Null when the scorer is not configured (no base URL or model); `error` is set when it is
    // configured wrongly (then the caller should say so rather than silently use the rubric).
    static std::optional<OpenAiScorerConfig> fromSettings(const Store &store, QString *error);
    QUrl endpoint() const; // {base}/v1/chat/completions
};

// Scores through POST {base}/v1/chat/completions (temperature 0, JSON response format). The model
// returns a score per criterion and a short summary; the overall score uses the template's weights
// and the grade bands of Grade::, and the summary's first sentence is built locally so it always
// stands alone within 150 characters. Every failure (no answer in time, HTTP error, malformed or
// incomplete JSON) ends in a ScoreOutcome with a clear error, never a made-up score.
// Destroying the scorer while a request runs drops that request without calling `done`.
class OpenAiScorer final : public QObject, public Scorer
{
    Q_OBJECT
public:
    // `secrets` may be null: then no key is sent (a local model server without authentication).
    OpenAiScorer(OpenAiScorerConfig config, QNetworkAccessManager *nam, SecretStore *secrets,
        QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("openai:") + m_config.model; }
    void score(const InterviewTemplate &tpl, const QList<Answer> &answers,
        std::function<void(const ScoreOutcome &)> done) override;

    // Pure parts, exposed for tests.
    static QByteArray requestBody(
        const QString &model, const InterviewTemplate &tpl, const QList<Answer> &answers);
    static ScoreOutcome parseResponse(
        int httpStatus, const QByteArray &body, const InterviewTemplate &tpl, const QString &scorerName);

private:
    void send(const InterviewTemplate &tpl, const QList<Answer> &answers, const QString &key,
        std::function<void(const ScoreOutcome &)> done);

    OpenAiScorerConfig m_config;
    QNetworkAccessManager *m_nam;
    SecretStore *m_secrets;
};

// The configured scorer: the OpenAI-compatible one when its settings are present, else the rubric.
std::unique_ptr<Scorer> createConfiguredScorer(
    const Store &store, QNetworkAccessManager *nam, SecretStore *secrets, QString *error);

} // namespace intrvio

#pragma once

#include "models/Teamtailor.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace intrvio {

class Clock;
class InterviewPipeline;
class Store;
class TeamtailorClient;

// Catches up with what webhooks may have missed (downtime, a crash before the inbox commit, a lost
// delivery): on start and every few minutes, the partner results Teamtailor still shows as
// "sending" (a trigger whose /webhook call never arrived or whose processing did not finish), the
// applications whose stage changed since the last pass (filter[changed-stage-at][from]) and the
// jobs published since, fed into the same pipeline as partner.triggered / stage-change /
// job.published events. The pipeline is idempotent (one interview per application,
// template and generation), so a pass that sees what a webhook already delivered changes nothing.
class Reconciler : public QObject
{
    Q_OBJECT

public:
    static constexpr auto CursorSetting = "reconciler.changed_stage_from";

    Reconciler(Store *store, TeamtailorClient *client, InterviewPipeline *pipeline, const Clock &clock,
        QObject *parent = nullptr);

    void start(int intervalMs = 5 * 60 * 1000);
    void runOnce();
    bool running() const { return m_running; }

Q_SIGNALS:
    void finished(bool ok, int events);

private:
    void fetchPartnerResults(const QUrl &page);
    void feedSending();
    bool knownPartnerResult(const QString &id) const;
    bool replayTrigger(const tt::PartnerResult &result);
    void fetchApplications(const QUrl &page);
    void startApplications();
    void feedChanged();
    void fetchJobs(const QUrl &page);
    void done(bool ok);
    QString stageName(const QString &stageId) const;

    Store *m_store;
    TeamtailorClient *m_client;
    InterviewPipeline *m_pipeline;
    const Clock &m_clock;
    QTimer m_timer;
    bool m_running = false;
    QString m_passStartedAt;
    int m_events = 0;
    QList<tt::JobApplication> m_changed;
    QList<tt::PartnerResult> m_sending;
    QSet<QString> m_fetchedJobs;
};

} // namespace intrvio

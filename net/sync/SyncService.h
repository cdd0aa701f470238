#pragma once

#include "net/api/ApiResult.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace intrvio {

class ApiRequest;
class Clock;
class Store;
class SyncStore;
class TeamtailorClient;

// Mirrors Teamtailor into the store: jobs, each job's stages, candidates (with their included
// job applications), job applications and the partner's own partner results.
//
// Full: everything, then rows Teamtailor no longer has are removed. Incremental: candidates and
// job applications with filter[updated-at][from] = the largest updated-at seen last time (so
// a moved application is picked up); jobs, stages and partner results, which have no
// documented updated-at filter, are re-read (they are few). Every page is written in its own
// transaction; the cursor advances only when a resource completes. Pagination follows
// links.next. Cancellable at any point; pages already written stay.
class SyncService : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Full, Incremental };

    struct Summary
    {
        int jobs = 0;
        int stages = 0;
        int candidates = 0;
        int applications = 0;
        int partnerResults = 0;
        int pages = 0;
        int pruned = 0;
        bool partnerResultsSkipped = false; // no partner API key
        QString text() const;
    };

    SyncService(TeamtailorClient *client, Store *store, const Clock &clock, QObject *parent = nullptr);
    ~SyncService() override;

    void start(Mode mode);
    void cancel();
    bool isRunning() const { return m_running; }
    const Summary &summary() const { return m_summary; }
    // Set when finished(false, ...) came from a Teamtailor error.
    const std::optional<ApiError> &lastError() const { return m_error; }

Q_SIGNALS:
    // pagesTotal grows as page counts become known (meta.page-count); suits a progress bar.
    void progress(int pagesDone, int pagesTotal, const QString &phase);
    void finished(bool ok, const QString &message);

private:
    enum class Phase { Jobs, Stages, Candidates, Applications, PartnerResults, Done };

    void runPhase();
    void nextPhase();
    void fetchJobs(const QUrl &next);
    void fetchStages(const QUrl &next);
    void fetchCandidates(const QUrl &next);
    void fetchApplications(const QUrl &next);
    void fetchPartnerResults(const QUrl &next);
    // Shared per-page bookkeeping; returns false when the sync has ended.
    bool pageDone(const QUrl &next, int pageCount, bool firstPage);
    bool checkNext(const QUrl &current, const QUrl &next);
    void failApi(const ApiError &e);
    void failStore(const QString &message);
    void finish(bool ok, const QString &message);
    bool completeResource(const QString &resource, const QString &table, const QSet<QString> &seen);
    QString phaseName() const;
    template<class R> R *track(R *request);

    TeamtailorClient *m_client;
    Store *m_store;
    const Clock &m_clock;
    std::unique_ptr<SyncStore> m_writer;
    QPointer<ApiRequest> m_current;
    Mode m_mode = Mode::Full;
    Phase m_phase = Phase::Done;
    bool m_running = false;
    int m_pagesDone = 0;
    int m_pagesTotal = 0;
    int m_pagesInPhase = 0;
    QStringList m_jobIds;
    int m_jobIndex = 0;
    QUrl m_currentUrl;
    QString m_from; // incremental cursor for the running phase
    QString m_highWater; // largest updated-at seen in the running phase
    QSet<QString> m_seenJobs, m_seenStages, m_seenCandidates, m_seenApplications, m_seenResults;
    Summary m_summary;
    std::optional<ApiError> m_error;
};

} // namespace intrvio

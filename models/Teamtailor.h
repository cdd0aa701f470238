#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// Plain values mirroring the Teamtailor resources Intrvio reads and writes
// (teamtailor-protocol.md §5, §7). Ids are strings everywhere (Teamtailor mixes numbers and
// strings on the wire); timestamps are kept as the ISO-8601 text Teamtailor sent.
namespace intrvio::tt {

// The API host of a Teamtailor data stack: "na", "au", anything else "eu" (case-insensitive).
inline QString apiHost(const QString &region)
{
    if (region.compare(QLatin1String("na"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("api.na.teamtailor.com");
    if (region.compare(QLatin1String("au"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("api.au.teamtailor.com");
    return QStringLiteral("api.teamtailor.com");
}

struct Job
{
    QString id;
    QString title;
    QString status; // open, draft, archived, unlisted, temp
    QString humanStatus; // published, draft, archived, ...
    QString department; // department relationship id, if given
    QString createdAt;
    QString updatedAt;
};

struct Stage
{
    QString id;
    QString jobId;
    QString name;
    QString stageType; // Inbox, In process, Hired
    int rowOrder = 0;
    std::optional<int> activeCount;
    std::optional<int> rejectedCount;
};

struct Candidate
{
    QString id;
    QString firstName;
    QString lastName;
    QString email;
    QString phone;
    QString createdAt;
    QString updatedAt;
    QStringList applicationIds; // from the job-applications relationship linkage, when sent
};

struct JobApplication
{
    QString id;
    QString candidateId;
    QString jobId;
    QString stageId;
    QString rejectedAt;
    QString changedStageAt;
    QString createdAt;
    QString updatedAt;
};

struct PartnerResult
{
    QString id; // UUID
    QString candidateId;
    QString jobId;
    QString status; // sending, sent, pending, completed, failed
    std::optional<int> score;
    QString grade;
    std::optional<qint64> durationSecs;
    QString summary;
    QString url;
    QJsonObject details;
    QJsonArray attachments;
    QString createdAt;
    QString updatedAt;
};

struct Note
{
    QString id;
    QString candidateId;
    QString userId;
    QString note;
    QString createdAt;
};

// providerKey is a secret: never log it, never store it outside the keychain.
struct PartnerActivation
{
    QString id;
    QString companyName;
    QString companyUuid;
    QString providerKey;
};

} // namespace intrvio::tt

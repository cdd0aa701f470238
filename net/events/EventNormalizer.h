#pragma once

#include "net/events/DomainEvent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace intrvio {

// Decoders and the normalizer are pure: bytes in, values out (fuzzed in tests/fuzz).
namespace EventNormalizer {

// `POST /webhook` and `/actions/<name>` body (teamtailor-protocol.md §3.2).
struct PartnerEvent
{
    QString error; // empty when ok: what is wrong with the body
    QString eventId;
    QString companyUuid;
    QString companyName;
    QString candidateId;
    QString jobId;
    QString stageId;
    QString stageName;
    QString updateUrl;
    QJsonObject webhookData;
    // The partner-event members the pipeline reads beyond the fields above, under kebab-case keys:
    // "partner-result" and "triggered-by" (the candidate profile is read for its ids only).
    QJsonObject partnerEvent;
    bool ok() const { return error.isEmpty(); }
};
// Envelope: the body is validated in full, but only error, eventId, companyUuid and companyName are
// filled (what a delivery's answer depends on).
enum class PartnerDetail { Full, Envelope };
PartnerEvent decodePartnerEvent(const QByteArray &body, PartnerDetail detail = PartnerDetail::Full);

// Company webhook body (§6.2). eventName is canonical "resource_name.action" (kebab accepted).
struct CompanyWebhook
{
    QString error;
    QString eventName; // e.g. "job_application.update"
    QString resource; // "job_application", "job", "candidate"
    QString action; // "create", "update", "destroy"
    QString dataId;
    QJsonObject data;
    QJsonObject attributes;
    bool ok() const { return error.isEmpty(); }
};
CompanyWebhook decodeCompanyWebhook(const QByteArray &body);

// What we knew before this delivery (from the mirror tables), to tell real changes apart.
struct Previous
{
    std::optional<QString> stageId;
    // The name of that stage, when mirrored: company webhooks name the new stage only by name
    // (`stage-name`, protocol §6.2), so a move is told from other updates by comparing names.
    std::optional<QString> stageName;
    std::optional<bool> rejected;
    std::optional<QString> jobStatus;
};

QList<DomainEvent> normalizePartner(const PartnerEvent &event, const QString &action = {});
QList<DomainEvent> normalizeCompany(const CompanyWebhook &hook, const Previous &previous = {});

// Reads an attribute under its kebab-case or snake_case name.
QJsonValue attribute(const QJsonObject &attributes, const QString &kebabName);

} // namespace EventNormalizer
} // namespace intrvio

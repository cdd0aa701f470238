#pragma once

#include "PagedSqlModel.h"

namespace intrvio {

class Clock;

// Every interview with its candidate, job, template, state, score and expiry; newest first.
class InterviewsModel : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Column { Candidate, Job, Template, State, Score, Created, Expires, ColumnCount };
    explicit InterviewsModel(QSqlDatabase db, QObject *parent = nullptr);
    void setStateFilter(const QString &state); // empty: all
    qint64 interviewId(int row) const { return keyAt(row); }
    QString state(int row) const { return field(row, 4).toString(); }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

protected:
    QString selectSql() const override;
    QString keyExpr() const override { return QStringLiteral("i.id"); }
    QStringList whereTerms(QVariantList *binds) const override;
    bool newestFirst() const override { return true; }
    QStringList headers() const override;

private:
    QString m_state;
};

// Webhook deliveries as received (headers shown redacted), newest first.
class InboxModel : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Column { Received, Route, Event, Verification, Status, Attempts, Processed, Error, ColumnCount };
    explicit InboxModel(QSqlDatabase db, QObject *parent = nullptr);
    void setVerificationFilter(const QString &outcome); // empty: all
    void setOnlyFailed(bool failed); // processing error or not verified
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Redacted headers and a redacted body preview of one delivery.
    struct Detail
    {
        QString headers, bodyPreview, verification, error;
    };
    Detail detail(qint64 id) const;
    QStringList verificationOutcomes() const;

protected:
    QString selectSql() const override;
    QString keyExpr() const override { return QStringLiteral("id"); }
    QStringList whereTerms(QVariantList *binds) const override;
    bool newestFirst() const override { return true; }
    QStringList headers() const override;

private:
    QString m_verification;
    bool m_onlyFailed = false;
};

// Outbound changes to Teamtailor, newest first; dead letters can be retried.
class OutboxModel : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Column { Created, Kind, Request, State, Attempts, NextAttempt, LastStatus, LastError, ColumnCount };
    static constexpr auto DeadState = "dead";
    static constexpr auto PendingState = "pending";

    explicit OutboxModel(QSqlDatabase db, QObject *parent = nullptr);
    void setStateFilter(const QString &state); // empty: all
    QString state(int row) const { return field(row, 5).toString(); }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QStringList states() const;

    // Puts a dead-lettered row back in the queue (state pending, next attempt now) and writes the
    // audit log, in one transaction. Refuses rows that are not dead letters.
    bool retry(qint64 id, const Clock &clock, const QString &actor, QString *error);
    QString bodyPreview(qint64 id) const;

protected:
    QString selectSql() const override;
    QString keyExpr() const override { return QStringLiteral("id"); }
    QStringList whereTerms(QVariantList *binds) const override;
    bool newestFirst() const override { return true; }
    QStringList headers() const override;

private:
    QString m_state;
};

// The audit log, newest first, filterable by text (action, subject, actor).
class AuditLogModel : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Column { At, Actor, Action, Subject, Details, ColumnCount };
    explicit AuditLogModel(QSqlDatabase db, QObject *parent = nullptr);
    void setTextFilter(const QString &text);
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

protected:
    QString selectSql() const override;
    QString keyExpr() const override { return QStringLiteral("id"); }
    QStringList whereTerms(QVariantList *binds) const override;
    bool newestFirst() const override { return true; }
    QStringList headers() const override;

private:
    QString m_text;
};

// An audit row's details (a compact JSON object, as AuditLog::append writes them) as
// "key: value, key: value"; nested objects and arrays stay compact JSON; anything else as stored. Pure.
QString auditDetailsText(const QString &stored);

// Stored headers (JSON object, JSON array of [name, value] pairs, or "Name: value" lines) as
// redacted "Name: value" lines. Pure.
QString redactedStoredHeaders(const QString &stored);

} // namespace intrvio

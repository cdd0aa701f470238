#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

namespace intrvio {

// A transaction on one connection that rolls back unless committed. It is a savepoint, so it also
// works inside a transaction already open on the connection (the inbox processes a batch of rows in
// one, and the pipeline's handlers and the candidate erase run inside it); on its own it begins and
// commits a transaction like BEGIN/COMMIT.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase db)
        : m_db(std::move(db))
    {
        QSqlQuery q(m_db);
        m_open = q.exec(QStringLiteral("SAVEPOINT intrvio_tx"));
        if (!m_open)
            m_error = q.lastError().text();
    }
    ~Transaction()
    {
        if (m_open) {
            QSqlQuery q(m_db);
            q.exec(QStringLiteral("ROLLBACK TO intrvio_tx"));
            q.exec(QStringLiteral("RELEASE intrvio_tx"));
        }
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool ok() const { return m_open; }
    QString errorString() const { return m_error; }
    bool commit()
    {
        if (!m_open)
            return false;
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("RELEASE intrvio_tx"))) {
            m_error = q.lastError().text();
            return false; // still open: the destructor rolls back
        }
        m_open = false;
        return true;
    }

private:
    QSqlDatabase m_db;
    bool m_open = false;
    QString m_error;
};

} // namespace intrvio

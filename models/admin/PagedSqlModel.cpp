#include "PagedSqlModel.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace intrvio {

PagedSqlModel::PagedSqlModel(QSqlDatabase db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(std::move(db))
{ }

int PagedSqlModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PagedSqlModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(headers().size());
}

QVariant PagedSqlModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0
        && section < headers().size())
        return headers().at(section);
    return QAbstractTableModel::headerData(section, orientation, role);
}

bool PagedSqlModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_busy;
}

void PagedSqlModel::fetchMore(const QModelIndex &parent)
{
    // Views and testers may ask again from inside our own reset or insert signals; a page is
    // fetched only from a quiet state.
    if (parent.isValid() || m_atEnd || m_busy)
        return;
    m_busy = true;
    QList<QVariantList> page = fetchPage();
    if (!page.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(page.size()) - 1);
        m_rows.append(std::move(page));
        endInsertRows();
    }
    m_busy = false;
}

void PagedSqlModel::reload()
{
    m_busy = true;
    beginResetModel();
    m_rows.clear();
    m_atEnd = false;
    m_error.clear();
    m_rows = fetchPage();
    endResetModel();
    m_busy = false;
}

void PagedSqlModel::sort(int column, Qt::SortOrder order)
{
    const int sortable = sortExpr(column).isEmpty() ? -1 : column;
    if (sortable == m_sortColumn && (sortable < 0 || order == m_sortOrder) && !m_rows.isEmpty())
        return;
    m_sortColumn = sortable;
    m_sortOrder = order;
    reload();
}

QList<QVariantList> PagedSqlModel::fetchPage()
{
    QVariantList binds;
    QStringList terms = whereTerms(&binds);
    const QString sortBy = m_sortColumn >= 0 ? sortExpr(m_sortColumn) : QString();
    QString sql = selectSql();
    if (sortBy.isEmpty()) {
        if (!m_rows.isEmpty()) {
            terms.append(keyExpr() + (newestFirst() ? QStringLiteral(" < ?") : QStringLiteral(" > ?")));
            binds.append(m_rows.constLast().constFirst());
        }
        if (!terms.isEmpty())
            sql += QStringLiteral(" WHERE ") + terms.join(QStringLiteral(" AND "));
        sql += QStringLiteral(" ORDER BY ") + keyExpr() + (newestFirst() ? QStringLiteral(" DESC") : QString());
        sql += QStringLiteral(" LIMIT ?");
        binds.append(m_pageSize);
    } else {
        // Two steps in one statement: the page's keys are picked on the sort value alone (SQLite's
        // top-N sort over cheap keys), then only those rows compute the SELECT's columns. The sort
        // value travels as an extra leading column and is kept at the end of the row.
        Q_ASSERT(sql.startsWith(QLatin1String("SELECT ")));
        const bool desc = m_sortOrder == Qt::DescendingOrder;
        const QString dir = desc ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
        const QString orderBy = sortBy + dir + QStringLiteral(", ") + keyExpr() + dir;
        if (!m_rows.isEmpty()) {
            terms.append(QStringLiteral("(") + sortBy + QStringLiteral(", ") + keyExpr()
                + (desc ? QStringLiteral(") < (?, ?)") : QStringLiteral(") > (?, ?)")));
            binds.append(m_rows.constLast().constLast());
            binds.append(m_rows.constLast().constFirst());
        }
        const int from = sql.lastIndexOf(QLatin1String(" FROM "));
        QString inner = QStringLiteral("SELECT ") + keyExpr() + sql.mid(from);
        if (!terms.isEmpty())
            inner += QStringLiteral(" WHERE ") + terms.join(QStringLiteral(" AND "));
        inner += QStringLiteral(" ORDER BY ") + orderBy + QStringLiteral(" LIMIT ?");
        binds.append(m_pageSize);
        sql = QStringLiteral("SELECT ") + sortBy + QStringLiteral(", ") + sql.mid(7) + QStringLiteral(" WHERE ")
            + keyExpr() + QStringLiteral(" IN (") + inner + QStringLiteral(") ORDER BY ") + orderBy;
    }

    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        m_error = q.lastError().text();
        m_atEnd = true;
        return {};
    }
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    if (!q.exec()) {
        m_error = q.lastError().text();
        m_atEnd = true;
        return {};
    }
    QList<QVariantList> page;
    const int fields = q.record().count();
    const int first = sortBy.isEmpty() ? 0 : 1;
    while (q.next()) {
        QVariantList row;
        row.reserve(fields);
        for (int i = first; i < fields; ++i)
            row.append(q.value(i));
        if (first)
            row.append(q.value(0)); // the sort value, after the SELECT's own fields
        page.append(std::move(row));
    }
    m_atEnd = page.size() < m_pageSize;
    return page;
}

qint64 PagedSqlModel::totalCount() const
{
    QVariantList binds;
    const QStringList terms = whereTerms(&binds);
    // Count over the same FROM/WHERE: wrap the select so joins and subqueries stay identical.
    QString sql = selectSql();
    if (!terms.isEmpty())
        sql += QStringLiteral(" WHERE ") + terms.join(QStringLiteral(" AND "));
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM (") + sql + QStringLiteral(")")))
        return -1;
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    if (!q.exec() || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

QVariant PagedSqlModel::field(int row, int field) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    const QVariantList &r = m_rows.at(row);
    return field >= 0 && field < r.size() ? r.at(field) : QVariant();
}

qint64 PagedSqlModel::keyAt(int row) const
{
    return field(row, 0).toLongLong();
}

int PagedSqlModel::rowOfKey(qint64 key) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).constFirst().toLongLong() == key)
            return i;
    }
    return -1;
}

} // namespace intrvio

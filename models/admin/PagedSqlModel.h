#pragma once

#include <QAbstractTableModel>
#include <QSqlDatabase>
#include <QStringList>
#include <QVariantList>

namespace intrvio {

// A read-only table over one SQL query that fetches lazily, one page at a time, with keyset
// pagination on an integer key (no OFFSET: page N costs the same as page 1). Filters are part
// of the WHERE clause, so filtering happens in SQLite, never in memory.
//
// Subclasses give the SELECT (its first column must be the key), the key expression, the WHERE
// terms with their bound values, and the headers; they map fields to columns in data().
// Sorting is SQL too: a subclass that names a sort expression for a column (sortExpr) gets
// ORDER BY <expr>, <key> with keyset paging on the pair (row values), so page N of a sorted
// view still costs what page 1 does and no rows are held beyond the fetched pages.
class PagedSqlModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit PagedSqlModel(QSqlDatabase db, QObject *parent = nullptr);

    int pageSize() const { return m_pageSize; }
    void setPageSize(int rows) { m_pageSize = qMax(1, rows); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Drops the rows and fetches the first page again (after a filter change or a write).
    void reload();
    // Rows matching the current filter, counted in SQLite.
    qint64 totalCount() const;
    QString lastError() const { return m_error; }

    qint64 keyAt(int row) const;
    int rowOfKey(qint64 key) const;

    // Header click: re-reads the first page in the new order. Columns without a sort expression
    // go back to the natural (key) order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

protected:
    virtual QString selectSql() const = 0; // "SELECT <key>, ... FROM ... [JOIN ...]"
    virtual QString keyExpr() const = 0; // e.g. "c.rowid"
    virtual QStringList whereTerms(QVariantList *binds) const
    {
        Q_UNUSED(binds)
        return {};
    }
    virtual bool newestFirst() const { return false; }
    // A non-NULL SQL expression (in the SELECT's scope) to order `column` by; empty: not sortable.
    virtual QString sortExpr(int column) const
    {
        Q_UNUSED(column)
        return {};
    }
    virtual QStringList headers() const = 0;

    // Field `field` of the SELECT (0 is the key) for `row`.
    QVariant field(int row, int field) const;
    QSqlDatabase database() const { return m_db; }

private:
    QList<QVariantList> fetchPage(); // the next page after the loaded rows

    QSqlDatabase m_db;
    QList<QVariantList> m_rows;
    int m_pageSize = 200;
    bool m_atEnd = true;
    bool m_busy = false;
    QString m_error;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace intrvio

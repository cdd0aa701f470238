#include "models/admin/AdminData.h"
#include "models/admin/CandidatesModel.h"
#include "models/Clock.h"
#include "models/Store.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

// 100 000 candidates: the model loads one page, never everything, and filters in SQL.
class tst_CandidatesModel : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    static constexpr int Count = 100000;

private Q_SLOTS:
    void initTestCase()
    {
        StoreError error;
        m_store = Store::open(m_dir.filePath(QStringLiteral("big.sqlite")), &error);
        QVERIFY2(m_store, qPrintable(error.message));
        QString err;
        QVERIFY2(DemoData::seedCompany(m_store->database(), ManualClock(), &err), qPrintable(err));
        QVERIFY2(DemoData::seedCandidates(m_store->database(), Count, &err), qPrintable(err));
    }

    void loadsOnePageFirst()
    {
        CandidatesModel model(m_store->database());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QElapsedTimer timer;
        timer.start();
        model.reload();
        // Informational only (no timing assertions): the cost of the first page.
        qInfo("first page of %d rows out of %d: %lld ms", model.rowCount(), Count + 30, timer.elapsed());
        QCOMPARE(model.rowCount(), model.pageSize());
        QVERIFY(model.rowCount() < 1000);
        QVERIFY(model.canFetchMore({}));
        QCOMPARE(model.totalCount(), qint64(Count + 30));
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 2 * model.pageSize());
        // Keyset pages neither skip nor repeat rows.
        for (int r = 1; r < model.rowCount(); ++r)
            QVERIFY(model.keyAt(r - 1) < model.keyAt(r));
    }

    void filteredQueryReturnsTheRightRows()
    {
        CandidatesModel model(m_store->database());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        CandidatesModel::Filter f;
        f.text = QStringLiteral("c4242@bulk");
        QElapsedTimer timer;
        timer.start();
        model.setFilter(f);
        qInfo("search over %d rows: %lld ms", Count + 30, timer.elapsed());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.candidateId(0), QStringLiteral("bulk-4242"));
        QVERIFY(!model.canFetchMore({}));

        // Job 102, stage 102-2: every 3rd candidate with i % 4 == 1, i.e. i % 12 == 1 ... of the bulk rows.
        f = {};
        f.jobId = QStringLiteral("102");
        f.stageId = QStringLiteral("102-2");
        model.setFilter(f);
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(DISTINCT candidate_id) FROM applications WHERE job_id = "
                                      "'102' AND stage_id = '102-2'")));
        QVERIFY(q.next());
        QCOMPARE(model.totalCount(), q.value(0).toLongLong());
        QCOMPARE(model.rowCount(), model.pageSize());
        for (int r = 0; r < model.rowCount(); ++r) {
            const QString id = model.candidateId(r);
            if (id.startsWith(QLatin1String("bulk-"))) {
                const int i = id.mid(5).toInt();
                QCOMPARE(i % 3, 1);
                QCOMPARE(i % 4, 1);
            }
        }
        // Name search across the whole table, not the loaded page.
        f = {};
        f.text = QStringLiteral("Gustafsson99999");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(
            model.index(0, CandidatesModel::Name).data().toString(), QStringLiteral("Pablo Gustafsson99999"));
    }

    // Header sorts run in SQL with keyset paging on (sort value, rowid): three pages in a row are
    // exactly what one ORDER BY over the whole table gives, with a filter too.
    void sortsInSqlAcrossPages_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("order");
        QTest::addColumn<QString>("orderBy");
        QTest::addColumn<QString>("text");
        const QString name = QStringLiteral("lower(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')))");
        const QString updated = QStringLiteral("coalesce(c.updated_at, c.created_at, '')");
        const QString score = QStringLiteral(
            "coalesce((SELECT i.score FROM interviews i WHERE i.candidate_id = c.id ORDER BY i.id DESC LIMIT 1), -1)");
        QTest::newRow("name asc") << int(CandidatesModel::Name) << int(Qt::AscendingOrder) << name + QStringLiteral(", c.rowid") << QString();
        QTest::newRow("name desc") << int(CandidatesModel::Name) << int(Qt::DescendingOrder)
                                   << name + QStringLiteral(" DESC, c.rowid DESC") << QString();
        QTest::newRow("updated desc (ties)") << int(CandidatesModel::Updated) << int(Qt::DescendingOrder)
                                             << updated + QStringLiteral(" DESC, c.rowid DESC") << QString();
        QTest::newRow("score desc") << int(CandidatesModel::Result) << int(Qt::DescendingOrder)
                                    << score + QStringLiteral(" DESC, c.rowid DESC") << QString();
        QTest::newRow("name asc, searched") << int(CandidatesModel::Name) << int(Qt::AscendingOrder)
                                            << name + QStringLiteral(", c.rowid") << QStringLiteral("pablo");
        QTest::newRow("job: natural order") << int(CandidatesModel::Job) << int(Qt::AscendingOrder)
                                            << QStringLiteral("c.rowid") << QString();
    }

    void sortsInSqlAcrossPages()
    {
        QFETCH(int, column);
        QFETCH(int, order);
        QFETCH(QString, orderBy);
        QFETCH(QString, text);
        CandidatesModel model(m_store->database());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        if (!text.isEmpty()) {
            CandidatesModel::Filter f;
            f.text = text;
            model.setFilter(f);
        }
        QElapsedTimer timer;
        timer.start();
        model.sort(column, Qt::SortOrder(order));
        qInfo("sorted first page: %lld ms", timer.elapsed()); // informational
        model.fetchMore({});
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 3 * model.pageSize());
        QSqlQuery q(m_store->database());
        QString sql = QStringLiteral("SELECT c.id FROM candidates c");
        if (!text.isEmpty())
            sql += QStringLiteral(" WHERE coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') LIKE ?"
                                  " OR coalesce(c.email, '') LIKE ?");
        QVERIFY(q.prepare(sql + QStringLiteral(" ORDER BY ") + orderBy + QStringLiteral(" LIMIT ?")));
        if (!text.isEmpty()) {
            q.addBindValue(QString(QStringLiteral("%") + text + QStringLiteral("%")));
            q.addBindValue(QString(QStringLiteral("%") + text + QStringLiteral("%")));
        }
        q.addBindValue(model.rowCount());
        QVERIFY(q.exec());
        int r = 0;
        while (q.next()) {
            QCOMPARE(model.candidateId(r), q.value(0).toString());
            ++r;
        }
        QCOMPARE(r, model.rowCount());
        QCOMPARE(model.sortColumn(), column == CandidatesModel::Job ? -1 : column);
    }
};

QTEST_GUILESS_MAIN(tst_CandidatesModel)
#include "tst_candidatesmodel.moc"

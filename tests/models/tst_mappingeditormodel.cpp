// The stage-mapping editor's models over a real SQLite store: scopes (default by stage name with job
// counts, a job's stages in row order), drag and drop through mimeData/dropMimeData (map, move,
// unmap by dropping on the palette, override, reset), refused drops, Inbox/Hired warnings, atomic
// changes with audit rows and exact reverts, and the validation issues.
#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/mapping/MappingEditorModel.h"
#include "models/Store.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMimeData>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace intrvio;

namespace {

bool exec(Store &store, const QString &sql)
{
    QSqlQuery q(store.database());
    if (!q.exec(sql)) {
        qWarning() << sql << q.lastError().text();
        return false;
    }
    return true;
}

// Every mapping row except ids and timestamps, ordered: what "the same state" means.
QStringList mappingRows(Store &store)
{
    QStringList rows;
    QSqlQuery q(store.database());
    q.exec(QStringLiteral(
        "SELECT job_id, stage, template_id, coalesce(pass_threshold, ''), coalesce(on_pass, ''),"
        " coalesce(on_fail, '') FROM mappings ORDER BY job_id, lower(stage)"));
    while (q.next()) {
        QStringList cols;
        for (int i = 0; i < 6; ++i)
            cols << q.value(i).toString();
        rows << cols.join(QLatin1Char('|'));
    }
    return rows;
}

QMimeData *mappingMime(const QString &scope, const QString &stage, qint64 id)
{
    auto *m = new QMimeData;
    m->setData(QLatin1String(MappingMime::Mapping),
        QJsonDocument(QJsonObject { { QStringLiteral("scope"), scope }, { QStringLiteral("stage"), stage },
                          { QStringLiteral("mapping"), id } })
            .toJson());
    return m;
}

QMimeData *templateMime(const QString &id)
{
    auto *m = new QMimeData;
    m->setData(QLatin1String(MappingMime::Template),
        QJsonDocument(QJsonObject { { QStringLiteral("template"), id } }).toJson());
    return m;
}

} // namespace

class tst_MappingEditorModel : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    ManualClock m_clock { QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC) };
    std::unique_ptr<AuditLog> m_audit;

    int rowOf(const QAbstractItemModel &m, const QString &name)
    {
        for (int r = 0; r < m.rowCount(); ++r) {
            if (m.index(r, 0).data(StageTargetsModel::StageNameRole).toString() == name)
                return r;
        }
        return -1;
    }

private Q_SLOTS:
    void init()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("t.sqlite")));
        StoreError err;
        m_store = Store::open(m_dir.filePath(QStringLiteral("t.sqlite")), &err);
        QVERIFY2(m_store, qPrintable(err.message));
        m_audit = std::make_unique<AuditLog>(*m_store, m_clock);
        QVERIFY(exec(*m_store,
            QStringLiteral("INSERT INTO jobs (id, title, needs_review) VALUES ('1', 'Backend', 0), "
                           "('2', 'Designer', 1), ('3', 'Support', 0)")));
        QVERIFY(exec(*m_store,
            QStringLiteral(
                "INSERT INTO stages (id, job_id, name, stage_type, row_order) VALUES "
                "('11', '1', 'Inbox', 'Inbox', 0), ('12', '1', 'Phone screen', 'In process', 1),"
                " ('13', '1', 'Technical interview', 'In process', 2), ('14', '1', 'Hired', 'Hired', 3),"
                " ('21', '2', 'Inbox', 'Inbox', 0), ('22', '2', 'Phone screen', 'In process', 1),"
                " ('23', '2', 'Hired', 'Hired', 2),"
                " ('31', '3', 'Inbox', 'Inbox', 0), ('32', '3', 'phone screen', 'In process', 1),"
                " ('33', '3', 'Offer', 'In process', 2)")));
        TemplateRepository templates(*m_store, m_clock);
        QCOMPARE(templates.seedDefaults(), 3);
    }

    void cleanup()
    {
        m_audit.reset();
        m_store.reset();
    }

    void scopes()
    {
        StageTargetsModel model(*m_store, m_clock, m_audit.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Default scope: distinct names (case-insensitive) with their job counts, pipeline order.
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(
            model.index(0, 0).data(StageTargetsModel::StageNameRole).toString(), QStringLiteral("Inbox"));
        QCOMPARE(model.index(0, 0).data(StageTargetsModel::JobCountRole).toInt(), 3);
        const int phone = rowOf(model, QStringLiteral("Phone screen"));
        QVERIFY(phone >= 0);
        QCOMPARE(model.index(phone, 0).data(StageTargetsModel::JobCountRole).toInt(), 3);
        QVERIFY(model.index(phone, 0).data().toString().contains(QStringLiteral("(3 job")));
        QCOMPARE(model.index(rowOf(model, QStringLiteral("Offer")), 0)
                     .data(StageTargetsModel::JobCountRole)
                     .toInt(),
            1);
        // Inbox and Hired warn; others do not.
        QVERIFY(model.index(0, 0)
                    .data(StageTargetsModel::WarningRole)
                    .toString()
                    .contains(QStringLiteral("Inbox")));
        QVERIFY(model.index(rowOf(model, QStringLiteral("Hired")), 0)
                    .data(StageTargetsModel::WarningRole)
                    .toString()
                    .contains(QStringLiteral("Hired")));
        QVERIFY(model.index(phone, 0).data(StageTargetsModel::WarningRole).toString().isEmpty());

        // A job's scope: its stages in row order, keyed by stage id.
        model.setScope(QStringLiteral("1"));
        QCOMPARE(model.rowCount(), 4);
        QStringList names;
        for (int r = 0; r < 4; ++r)
            names << model.index(r, 0).data(StageTargetsModel::StageNameRole).toString();
        QCOMPARE(names,
            QStringList({ QStringLiteral("Inbox"), QStringLiteral("Phone screen"),
                QStringLiteral("Technical interview"), QStringLiteral("Hired") }));
        QCOMPARE(model.index(1, 0).data(StageTargetsModel::StageKeyRole).toString(), QStringLiteral("12"));
    }

    void mapMoveUnmapThroughMime()
    {
        TemplatePaletteModel palette(*m_store);
        StageTargetsModel model(*m_store, m_clock, m_audit.get());
        QAbstractItemModelTester t1(&palette, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &StageTargetsModel::changed);
        const int tplRow = palette.rowOf(QStringLiteral("phone-screen"));
        QVERIFY(tplRow >= 0);
        std::unique_ptr<QMimeData> drag(palette.mimeData({ palette.index(tplRow) }));
        QVERIFY(drag->hasFormat(QLatin1String(MappingMime::Template)));
        QCOMPARE(QJsonDocument::fromJson(drag->data(QLatin1String(MappingMime::Template)))
                     .object()
                     .value(QStringLiteral("template"))
                     .toString(),
            QStringLiteral("phone-screen"));

        // Map: template onto "Phone screen" (the drop lands on the item: row -1, parent = item).
        int phone = rowOf(model, QStringLiteral("Phone screen"));
        QVERIFY(model.canDropMimeData(drag.get(), Qt::CopyAction, -1, -1, model.index(phone)));
        QVERIFY(model.dropMimeData(drag.get(), Qt::CopyAction, -1, -1, model.index(phone)));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Phone screen|phone-screen|||") });
        QCOMPARE(changed.count(), 1);
        QCOMPARE(
            model.index(phone).data(StageTargetsModel::SourceRole).toString(), QStringLiteral("default"));
        QCOMPARE(m_audit->recent(1).constFirst().action, QString::fromLatin1(AuditLog::ActionMappingSaved));
        // The same template again is refused (nothing would change).
        QVERIFY(!model.canDropMimeData(drag.get(), Qt::CopyAction, -1, -1, model.index(phone)));

        // Move: the mapping dragged onto "Offer".
        phone = rowOf(model, QStringLiteral("Phone screen"));
        std::unique_ptr<QMimeData> mapping(model.mimeData({ model.index(phone) }));
        QVERIFY(mapping && mapping->hasFormat(QLatin1String(MappingMime::Mapping)));
        const int offer = rowOf(model, QStringLiteral("Offer"));
        QVERIFY(
            !model.canDropMimeData(mapping.get(), Qt::MoveAction, -1, -1, model.index(phone))); // onto itself
        QVERIFY(model.canDropMimeData(mapping.get(), Qt::MoveAction, -1, -1, model.index(offer)));
        QVERIFY(model.dropMimeData(mapping.get(), Qt::MoveAction, -1, -1, model.index(offer)));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Offer|phone-screen|||") });
        // Unmapped rows cannot be dragged.
        QVERIFY(!(
            model.flags(model.index(rowOf(model, QStringLiteral("Phone screen")))) & Qt::ItemIsDragEnabled));
        QVERIFY(model.mimeData({ model.index(rowOf(model, QStringLiteral("Phone screen"))) }) == nullptr);

        // Unmap: dropped on the palette.
        connect(&palette, &TemplatePaletteModel::mappingDroppedOut, &model, &StageTargetsModel::unmapKey);
        std::unique_ptr<QMimeData> out(
            model.mimeData({ model.index(rowOf(model, QStringLiteral("Offer"))) }));
        QVERIFY(palette.canDropMimeData(out.get(), Qt::MoveAction, -1, -1, {}));
        QVERIFY(!palette.canDropMimeData(drag.get(), Qt::MoveAction, -1, -1, {})); // a template is no mapping
        QVERIFY(palette.dropMimeData(out.get(), Qt::MoveAction, -1, -1, {}));
        QVERIFY(mappingRows(*m_store).isEmpty());
        QCOMPARE(m_audit->recent(1).constFirst().action, QString::fromLatin1(AuditLog::ActionMappingRemoved));
    }

    void overrideAndReset()
    {
        StageTargetsModel model(*m_store, m_clock, m_audit.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(
            model.mapTemplate(rowOf(model, QStringLiteral("Phone screen")), QStringLiteral("phone-screen")));
        model.setScope(QStringLiteral("1"));
        // Inherited default, greyed: not this scope's own, not draggable.
        QCOMPARE(model.index(1).data(StageTargetsModel::SourceRole).toString(), QStringLiteral("inherited"));
        QCOMPARE(model.index(1).data(StageTargetsModel::TemplateIdRole).toString(),
            QStringLiteral("phone-screen"));
        QVERIFY(!model.index(1).data(StageTargetsModel::OwnMappingRole).toBool());
        QVERIFY(!(model.flags(model.index(1)) & Qt::ItemIsDragEnabled));

        std::unique_ptr<QMimeData> tech(templateMime(QStringLiteral("technical")));
        QVERIFY(model.dropMimeData(tech.get(), Qt::CopyAction, -1, -1, model.index(1)));
        QCOMPARE(model.index(1).data(StageTargetsModel::SourceRole).toString(), QStringLiteral("override"));
        QVERIFY(model.index(1).data().toString().contains(QStringLiteral("override")));
        QCOMPARE(mappingRows(*m_store),
            QStringList(
                { QStringLiteral("|Phone screen|phone-screen|||"), QStringLiteral("1|12|technical|||") }));
        QCOMPARE(MappingRepository(*m_store, m_clock)
                     .resolve(QStringLiteral("1"), QStringLiteral("12"), QStringLiteral("Phone screen"))
                     .templateId,
            QStringLiteral("technical"));
        // Other jobs still use the default.
        QCOMPARE(MappingRepository(*m_store, m_clock)
                     .resolve(QStringLiteral("3"), QStringLiteral("32"), QStringLiteral("phone screen"))
                     .templateId,
            QStringLiteral("phone-screen"));

        // Rules edited on the override; then reset to the default.
        MappingRules rules;
        rules.passThreshold = 70;
        rules.onPass = QStringLiteral("Technical interview");
        rules.onFail = QStringLiteral("reject");
        QVERIFY(model.setRules(1, rules));
        QCOMPARE(
            mappingRows(*m_store).last(), QStringLiteral("1|12|technical|70|Technical interview|reject"));
        QVERIFY(model.unmap(1));
        QCOMPARE(model.index(1).data(StageTargetsModel::SourceRole).toString(), QStringLiteral("inherited"));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Phone screen|phone-screen|||") });
        // Rules on an unmapped stage are refused with a reason.
        QVERIFY(!model.setRules(2, rules));
        QVERIFY(model.lastError().contains(QStringLiteral("Map a template")));
    }

    void invalidDropsRefused()
    {
        StageTargetsModel model(*m_store, m_clock, m_audit.get());
        const QModelIndex phone = model.index(rowOf(model, QStringLiteral("Phone screen")));
        std::unique_ptr<QMimeData> unknown(templateMime(QStringLiteral("no-such-template")));
        QVERIFY(!model.canDropMimeData(unknown.get(), Qt::CopyAction, -1, -1, phone));
        QVERIFY(!model.dropMimeData(unknown.get(), Qt::CopyAction, -1, -1, phone));
        std::unique_ptr<QMimeData> ok(templateMime(QStringLiteral("phone-screen")));
        QVERIFY(!model.canDropMimeData(ok.get(), Qt::CopyAction, 1, 0, {})); // between rows
        QVERIFY(!model.canDropMimeData(ok.get(), Qt::CopyAction, -1, -1, {})); // on the viewport
        QVERIFY(!model.canDropMimeData(ok.get(), Qt::LinkAction, -1, -1, phone));
        auto garbage = std::make_unique<QMimeData>();
        garbage->setData(QLatin1String(MappingMime::Template), "{not json");
        QVERIFY(!model.canDropMimeData(garbage.get(), Qt::CopyAction, -1, -1, phone));
        auto text = std::make_unique<QMimeData>();
        text->setText(QStringLiteral("phone-screen"));
        QVERIFY(!model.canDropMimeData(text.get(), Qt::CopyAction, -1, -1, phone));

        QVERIFY2(
            model.mapTemplate(phone.row(), QStringLiteral("phone-screen")), qPrintable(model.lastError()));
        const qint64 id = model.ownMapping(phone.row())->id;
        // A mapping from another scope, a stale id, or an unknown stage is refused.
        const QModelIndex offer = model.index(rowOf(model, QStringLiteral("Offer")));
        std::unique_ptr<QMimeData> otherScope(
            mappingMime(QStringLiteral("1"), QStringLiteral("Phone screen"), id));
        QVERIFY(!model.canDropMimeData(otherScope.get(), Qt::MoveAction, -1, -1, offer));
        std::unique_ptr<QMimeData> staleId(mappingMime(QString(), QStringLiteral("Phone screen"), id + 100));
        QVERIFY(!model.canDropMimeData(staleId.get(), Qt::MoveAction, -1, -1, offer));
        std::unique_ptr<QMimeData> noStage(mappingMime(QString(), QStringLiteral("Nowhere"), id));
        QVERIFY(!model.canDropMimeData(noStage.get(), Qt::MoveAction, -1, -1, offer));
        std::unique_ptr<QMimeData> good(mappingMime(QString(), QStringLiteral("Phone screen"), id));
        QVERIFY(model.canDropMimeData(good.get(), Qt::MoveAction, -1, -1, offer));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Phone screen|phone-screen|||") });
    }

    void changesAreAtomicAndRevertExactly()
    {
        StageTargetsModel model(*m_store, m_clock, m_audit.get());
        QVERIFY(
            model.mapTemplate(rowOf(model, QStringLiteral("Phone screen")), QStringLiteral("phone-screen")));
        MappingRules rules;
        rules.passThreshold = 60;
        rules.onFail = QStringLiteral("reject");
        QVERIFY(model.setRules(rowOf(model, QStringLiteral("Phone screen")), rules));
        const QStringList before = mappingRows(*m_store);

        // Capture the change a move makes, then revert it with the inverse.
        MappingChange captured;
        model.setChangeHandler([&](const MappingChange &c, QString *error) {
            captured = c;
            return model.apply(c, error);
        });
        QVERIFY(model.moveMapping(
            rowOf(model, QStringLiteral("Phone screen")), rowOf(model, QStringLiteral("Offer"))));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Offer|phone-screen|60||reject") });
        QString error;
        QVERIFY2(model.apply(captured.inverted(), &error), qPrintable(error));
        QCOMPARE(mappingRows(*m_store), before);
        QVERIFY2(model.apply(captured, &error), qPrintable(error));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Offer|phone-screen|60||reject") });

        // A change with one bad entry leaves nothing half-written (and no audit rows).
        const int auditBefore = int(m_audit->recent(1000).size());
        MappingChange bad;
        StageMapping good;
        good.templateId = QStringLiteral("technical");
        StageMapping broken;
        broken.templateId = QStringLiteral("no-such-template");
        bad.entries.append({ QString(), QStringLiteral("Inbox"), std::nullopt, good });
        bad.entries.append({ QString(), QStringLiteral("Hired"), std::nullopt, broken });
        QVERIFY(!model.apply(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("no-such-template")), qPrintable(error));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Offer|phone-screen|60||reject") });
        QCOMPARE(int(m_audit->recent(1000).size()), auditBefore);
    }

    void validationIssues()
    {
        QVERIFY(exec(*m_store,
            QStringLiteral("INSERT INTO mappings (job_id, stage, template_id) VALUES ('', 'Culture fit', "
                           "'phone-screen')")));
        QVERIFY(exec(*m_store,
            QStringLiteral("INSERT INTO templates (id, name, language, expiry_days, body) VALUES "
                           "('empty', 'Empty one', 'en', 7, '{\"id\": \"empty\", \"name\": \"Empty one\", "
                           "\"questions\": []}')")));
        const QList<MappingIssue> issues = findMappingIssues(*m_store);
        QCOMPARE(issues.size(), 3);
        QCOMPARE(issues.at(0).kind, MappingIssue::Kind::StaleMapping);
        QVERIFY(issues.at(0).text.contains(QStringLiteral("Culture fit")));
        QCOMPARE(issues.at(1).kind, MappingIssue::Kind::JobNeedsReview);
        QCOMPARE(issues.at(1).subject, QStringLiteral("2"));
        QCOMPARE(issues.at(2).kind, MappingIssue::Kind::TemplateWithoutQuestions);
        QCOMPARE(issues.at(2).subject, QStringLiteral("empty"));
        QString error;
        QVERIFY(markJobReviewed(*m_store, QStringLiteral("2"), &error));
        QCOMPARE(findMappingIssues(*m_store).size(), 2);

        // The stale default stays visible in the default scope so it can be fixed.
        StageTargetsModel model(*m_store, m_clock, m_audit.get());
        const int row = rowOf(model, QStringLiteral("Culture fit"));
        QVERIFY(row >= 0);
        QVERIFY(!model.index(row).data(StageTargetsModel::WarningRole).toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_MappingEditorModel)
#include "tst_mappingeditormodel.moc"

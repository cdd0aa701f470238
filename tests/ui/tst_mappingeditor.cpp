// The stage-mapping editor widget offscreen: synthesised drops on the views' viewports (map, move,
// drag out to unmap, override, reset), Delete, inline rules, undo/redo restoring the exact store
// rows, the validation panel's fixes, dry run, import/export with errors one per line, the template
// editor's preview, and the page in the main window.
#include "models/Clock.h"
#include "models/interview/AuditLog.h"
#include "models/interview/MappingRepository.h"
#include "models/interview/TemplateRepository.h"
#include "models/Store.h"
#include "ui/MainWindow.h"
#include "ui/MappingEditor.h"
#include "tests/support/DragDrop.h"

#include <QApplication>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>
#include <QUndoStack>

using namespace intrvio;
using intrvio::test::dropAt;

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

int rowOf(QAbstractItemModel *m, const QString &name)
{
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->index(r, 0).data(StageTargetsModel::StageNameRole).toString() == name)
            return r;
    }
    return -1;
}

} // namespace

class tst_MappingEditor : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    ManualClock m_clock { QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC) };

    QPoint centre(QAbstractItemView *view, int row)
    {
        return view->visualRect(view->model()->index(row, 0)).center();
    }

private Q_SLOTS:
    void init()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("t.sqlite")));
        StoreError err;
        m_store = Store::open(m_dir.filePath(QStringLiteral("t.sqlite")), &err);
        QVERIFY2(m_store, qPrintable(err.message));
        QVERIFY(exec(*m_store,
            QStringLiteral("INSERT INTO jobs (id, title, needs_review) VALUES ('1', 'Backend', 0), ('2', "
                           "'Designer', 1)")));
        QVERIFY(exec(*m_store,
            QStringLiteral(
                "INSERT INTO stages (id, job_id, name, stage_type, row_order) VALUES "
                "('11', '1', 'Inbox', 'Inbox', 0), ('12', '1', 'Phone screen', 'In process', 1),"
                " ('13', '1', 'Technical interview', 'In process', 2), ('14', '1', 'Hired', 'Hired', 3),"
                " ('21', '2', 'Inbox', 'Inbox', 0), ('22', '2', 'Phone screen', 'In process', 1),"
                " ('23', '2', 'Hired', 'Hired', 2)")));
        QVERIFY(exec(*m_store,
            QStringLiteral(
                "INSERT INTO candidates (id, first_name, last_name) VALUES ('501', 'Maja', 'Berg')")));
        QVERIFY(exec(*m_store,
            QStringLiteral("INSERT INTO applications (id, candidate_id, job_id, stage_id) VALUES ('9001', "
                           "'501', '1', '11')")));
    }

    void cleanup() { m_store.reset(); }

    void dropsOnViewportAndUndoRedo()
    {
        MappingEditor editor(m_store.get(), &m_clock);
        editor.resize(1200, 700);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QCOMPARE(editor.palette()->rowCount(), 3); // the built-in templates, offered on first run
        QListView *palette = editor.paletteView();
        StageTargetsView *stages = editor.targetsView();
        QAbstractItemModel *model = stages->model();
        const QStringList initial = mappingRows(*m_store);
        QVERIFY(initial.isEmpty());
        QList<QStringList> states { initial };
        // First run: nothing mapped, stages synced: the wizard is offered.
        QWidget *banner = editor.findChild<QWidget *>(QStringLiteral("firstRunBanner"));
        QVERIFY(banner && banner->isVisibleTo(&editor));

        // 1. Map: a template from the palette dropped on "Phone screen".
        std::unique_ptr<QMimeData> tpl(editor.palette()->mimeData(
            { editor.palette()->index(editor.palette()->rowOf(QStringLiteral("phone-screen"))) }));
        QVERIFY(dropAt(
            stages, tpl.get(), centre(stages, rowOf(model, QStringLiteral("Phone screen"))), Qt::CopyAction));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Phone screen|phone-screen|||") });
        states << mappingRows(*m_store);
        QVERIFY(!banner->isVisibleTo(&editor));

        // An invalid drop (the same template again, and on empty space) changes nothing.
        QVERIFY(!dropAt(
            stages, tpl.get(), centre(stages, rowOf(model, QStringLiteral("Phone screen"))), Qt::CopyAction));
        QVERIFY(!dropAt(stages, tpl.get(), QPoint(10, stages->viewport()->height() - 5), Qt::CopyAction));
        QCOMPARE(editor.undoStack()->count(), 1);

        // 2. Move: the mapping dragged to "Technical interview".
        std::unique_ptr<QMimeData> mapping(
            model->mimeData({ model->index(rowOf(model, QStringLiteral("Phone screen")), 0) }));
        QVERIFY(dropAt(stages, mapping.get(),
            centre(stages, rowOf(model, QStringLiteral("Technical interview"))), Qt::MoveAction));
        QCOMPARE(
            mappingRows(*m_store), QStringList { QStringLiteral("|Technical interview|phone-screen|||") });
        states << mappingRows(*m_store);

        // 3. Inline rules through the side panel.
        stages->setCurrentIndex(model->index(rowOf(model, QStringLiteral("Technical interview")), 0));
        editor.findChild<QSpinBox *>(QStringLiteral("passThreshold"))->setValue(65);
        editor.findChild<QComboBox *>(QStringLiteral("onFail"))->setCurrentText(QStringLiteral("reject"));
        QTest::mouseClick(editor.findChild<QPushButton *>(QStringLiteral("applyRules")), Qt::LeftButton);
        QCOMPARE(mappingRows(*m_store),
            QStringList { QStringLiteral("|Technical interview|phone-screen|65||reject") });
        states << mappingRows(*m_store);

        // 4. Override in job 1's scope: the default shows inherited, a drop overrides it.
        editor.setScope(QStringLiteral("1"));
        QCOMPARE(editor.findChild<QComboBox *>(QStringLiteral("scopeSelector"))->currentData().toString(),
            QStringLiteral("1"));
        const int tech = rowOf(model, QStringLiteral("Technical interview"));
        QCOMPARE(model->index(tech, 0).data(StageTargetsModel::SourceRole).toString(),
            QStringLiteral("inherited"));
        std::unique_ptr<QMimeData> technical(editor.palette()->mimeData(
            { editor.palette()->index(editor.palette()->rowOf(QStringLiteral("technical"))) }));
        QVERIFY(dropAt(stages, technical.get(), centre(stages, tech), Qt::CopyAction));
        QCOMPARE(
            model->index(tech, 0).data(StageTargetsModel::SourceRole).toString(), QStringLiteral("override"));
        QCOMPARE(mappingRows(*m_store),
            QStringList({ QStringLiteral("|Technical interview|phone-screen|65||reject"),
                QStringLiteral("1|13|technical|65||reject") }));
        states << mappingRows(*m_store);

        // 5. Reset to default with the button.
        stages->setCurrentIndex(model->index(tech, 0));
        QTest::mouseClick(editor.findChild<QPushButton *>(QStringLiteral("resetOverride")), Qt::LeftButton);
        QCOMPARE(model->index(tech, 0).data(StageTargetsModel::SourceRole).toString(),
            QStringLiteral("inherited"));
        states << mappingRows(*m_store);

        // 6. Back to all jobs: drag the default out onto the palette (unmap).
        editor.setScope(QString());
        std::unique_ptr<QMimeData> out(
            model->mimeData({ model->index(rowOf(model, QStringLiteral("Technical interview")), 0) }));
        QVERIFY(dropAt(palette, out.get(), centre(palette, 0), Qt::MoveAction));
        QVERIFY(mappingRows(*m_store).isEmpty());
        states << mappingRows(*m_store);

        // 7. Map Inbox (warns) and delete it with the Delete key.
        const int inbox = rowOf(model, QStringLiteral("Inbox"));
        QVERIFY(!model->index(inbox, 0).data(StageTargetsModel::WarningRole).toString().isEmpty());
        QVERIFY(dropAt(stages, tpl.get(), centre(stages, inbox), Qt::CopyAction));
        states << mappingRows(*m_store);
        stages->setFocus();
        stages->setCurrentIndex(model->index(inbox, 0));
        QTest::keyClick(stages, Qt::Key_Delete);
        QVERIFY(mappingRows(*m_store).isEmpty());
        states << mappingRows(*m_store);

        // Undo every step: each restores the exact rows of the state before it; then redo all.
        QCOMPARE(editor.undoStack()->count(), int(states.size()) - 1);
        for (int i = int(states.size()) - 2; i >= 0; --i) {
            editor.undoStack()->undo();
            QCOMPARE(mappingRows(*m_store), states.at(i));
        }
        for (int i = 1; i < states.size(); ++i) {
            editor.undoStack()->redo();
            QCOMPARE(mappingRows(*m_store), states.at(i));
        }
        // Every change reached the audit log.
        const QList<AuditEntry> audit = AuditLog(*m_store, m_clock).recent(1000);
        int mappingEntries = 0;
        for (const AuditEntry &e : audit)
            mappingEntries += e.action.startsWith(QLatin1String("mapping.")) ? 1 : 0;
        QVERIFY2(mappingEntries >= 2 * (int(states.size()) - 1), qPrintable(QString::number(mappingEntries)));
    }

    void validationPanelAndDryRun()
    {
        MappingEditor editor(m_store.get(), &m_clock); // offers the built-in templates
        QVERIFY(exec(*m_store,
            QStringLiteral(
                "INSERT INTO templates (id, name, language, expiry_days, body) VALUES "
                "('empty', 'Empty one', 'en', 7, '{\"id\": \"empty\", \"name\": \"Empty one\"}')")));
        QVERIFY(exec(*m_store,
            QStringLiteral("INSERT INTO mappings (job_id, stage, template_id) VALUES ('', 'Culture fit', "
                           "'phone-screen'),"
                           " ('', 'Phone screen', 'phone-screen')")));
        editor.reload();
        auto *list = editor.findChild<QListWidget *>(QStringLiteral("validationList"));
        QCOMPARE(editor.issues().size(), 3);
        QCOMPARE(list->count(), 3);
        // Fix the stale mapping (undoable), then mark the job reviewed (switches to its scope).
        QVERIFY(editor.fixIssue(0));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Phone screen|phone-screen|||") });
        QCOMPARE(editor.issues().size(), 2);
        QCOMPARE(editor.issues().at(0).kind, MappingIssue::Kind::JobNeedsReview);
        QVERIFY(editor.fixIssue(0));
        QCOMPARE(editor.scope(), QStringLiteral("2"));
        QCOMPARE(editor.issues().size(), 1);
        editor.undoStack()->undo();
        QCOMPARE(mappingRows(*m_store).size(), 2);

        // Dry run: nothing sent, the decision shown.
        const QString text = editor.dryRun(QStringLiteral("9001"), QStringLiteral("12"));
        QVERIFY2(text.contains(QStringLiteral("Maja Berg")) && text.contains(QStringLiteral("Phone screen"))
                && text.contains(QStringLiteral("default for the stage name"))
                && text.contains(QStringLiteral("Nothing was sent")),
            qPrintable(text));
        QVERIFY(editor.dryRun(QStringLiteral("9001"), QStringLiteral("13"))
                    .contains(QStringLiteral("nothing happens")));
        QVERIFY(editor.dryRun(QStringLiteral("9001"), QStringLiteral("22"))
                    .contains(QStringLiteral("not in the candidate's job")));
        auto *result = editor.findChild<QLabel *>(QStringLiteral("dryRunResult"));
        auto *stage = editor.findChild<QComboBox *>(QStringLiteral("dryRunStage"));
        stage->setCurrentIndex(stage->findData(QStringLiteral("12")));
        QVERIFY(result->text().contains(QStringLiteral("Nothing was sent")));
    }

    void importExport()
    {
        MappingEditor editor(m_store.get(), &m_clock);
        QVERIFY(editor.targets()->mapTemplate(
            rowOf(editor.targets(), QStringLiteral("Phone screen")), QStringLiteral("phone-screen")));
        const QString path = m_dir.filePath(QStringLiteral("export.json"));
        QString error;
        QVERIFY2(editor.exportFile(path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(doc.value(QStringLiteral("mappings")).toArray().size(), 1);
        f.close();

        // A broken file: every problem on its own line, with its JSON path; nothing changes.
        const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write(R"({"version": 1, "mappings": [{"stage": "Phone screen", "template": "nope"},
                   {"stage": "", "template": "phone-screen", "colour": 1}]})");
        b.close();
        QStringList errors;
        QVERIFY(!editor.importFile(bad, &errors));
        QVERIFY2(errors.size() >= 2, qPrintable(errors.join(QLatin1Char('\n'))));
        QVERIFY(errors.first().startsWith(QStringLiteral("mappings[0]")));
        QVERIFY(
            editor.findChild<QLabel *>(QStringLiteral("mappingError"))->text().contains(QLatin1Char('\n')));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Phone screen|phone-screen|||") });

        // Re-import the export after clearing: same rows.
        QVERIFY(editor.targets()->unmap(rowOf(editor.targets(), QStringLiteral("Phone screen"))));
        QVERIFY(mappingRows(*m_store).isEmpty());
        QVERIFY2(editor.importFile(path, &errors), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(mappingRows(*m_store), QStringList { QStringLiteral("|Phone screen|phone-screen|||") });
    }

    void templateEditorPreview()
    {
        InterviewTemplate t = TemplateRepository::defaultTemplates().constFirst();
        TemplateEditorDialog dialog(t, false);
        auto *preview = dialog.findChild<QTextBrowser *>(QStringLiteral("templatePreview"));
        QVERIFY(preview->toPlainText().contains(t.questions.first().text));
        QCOMPARE(dialog.currentTemplate(), t);
        QVERIFY(dialog.problems().isEmpty());
        // Editing a question updates the preview; removing all questions is a problem.
        auto *questions = dialog.findChild<QTableWidget *>(QStringLiteral("questionsTable"));
        questions->item(0, 1)->setText(QStringLiteral("Why do you want this job?"));
        QVERIFY(preview->toPlainText().contains(QStringLiteral("Why do you want this job?")));
        while (questions->rowCount() > 0) {
            questions->setCurrentCell(0, 0);
            QTest::mouseClick(
                dialog.findChild<QPushButton *>(QStringLiteral("questionsTableRemove")), Qt::LeftButton);
        }
        QVERIFY(!dialog.problems().isEmpty());
        dialog.accept();
        QVERIFY(dialog.result() != QDialog::Accepted);
        QVERIFY(!dialog.findChild<QLabel *>(QStringLiteral("templateProblems"))->text().isEmpty());
    }

    void pageInMainWindow()
    {
        MainWindow::Context context;
        context.store = m_store.get();
        context.clock = &m_clock;
        MainWindow window(context);
        window.showPage(MainWindow::MappingPage);
        auto *page = window.findChild<MappingEditor *>(QStringLiteral("mappingPage"));
        QVERIFY(page);
        QVERIFY(window.findChild<QAction *>(QStringLiteral("actionMappingWizard")));
    }
};

QTEST_MAIN(tst_MappingEditor)
#include "tst_mappingeditor.moc"

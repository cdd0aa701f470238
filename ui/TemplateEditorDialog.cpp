#include "ui/MappingEditor.h"

#include "models/interview/InterviewPage.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace intrvio {

namespace {

QTableWidget *makeTable(const QStringList &headers, const QString &name, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->hide();
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    return t;
}

QString cell(const QTableWidget *t, int row, int column)
{
    const QTableWidgetItem *i = t->item(row, column);
    return i ? i->text().trimmed() : QString();
}

} // namespace

TemplateEditorDialog::TemplateEditorDialog(const InterviewTemplate &tpl, bool isNew, QWidget *parent)
    : QDialog(parent)
    , m_tpl(tpl)
{
    setObjectName(QStringLiteral("templateEditor"));
    setWindowTitle(isNew ? tr("New interview template") : tr("Edit template “%1”").arg(tpl.name));
    resize(1100, 700);
    auto *root = new QVBoxLayout(this);
    auto *split = new QSplitter(this);
    root->addWidget(split, 1);

    auto *left = new QWidget(split);
    auto *ll = new QVBoxLayout(left);
    auto *form = new QFormLayout;
    m_id = new QLineEdit(tpl.id, left);
    m_id->setObjectName(QStringLiteral("templateIdEdit"));
    m_id->setReadOnly(!isNew); // mappings refer to the id
    m_name = new QLineEdit(tpl.name, left);
    m_name->setObjectName(QStringLiteral("templateNameEdit"));
    m_language = new QLineEdit(tpl.language, left);
    m_language->setObjectName(QStringLiteral("templateLanguageEdit"));
    m_expiry = new QSpinBox(left);
    m_expiry->setObjectName(QStringLiteral("templateExpiryEdit"));
    m_expiry->setRange(1, InterviewTemplate::MaxExpiryDays);
    m_expiry->setValue(tpl.expiryDays);
    m_expiry->setSuffix(tr(" days"));
    form->addRow(tr("Id"), m_id);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Language"), m_language);
    form->addRow(tr("Link valid for"), m_expiry);
    ll->addLayout(form);

    m_questions = makeTable({ tr("Id"), tr("Question") }, QStringLiteral("questionsTable"), left);
    m_criteria = makeTable({ tr("Criterion"), tr("Keywords (comma-separated)"), tr("Weight") },
        QStringLiteral("criteriaTable"), left);
    auto rowButtons = [&](QTableWidget *table, const QString &what) {
        auto *h = new QHBoxLayout;
        auto *add = new QPushButton(tr("Add %1").arg(what), left);
        auto *remove = new QPushButton(tr("Remove %1").arg(what), left);
        add->setObjectName(table->objectName() + QStringLiteral("Add"));
        remove->setObjectName(table->objectName() + QStringLiteral("Remove"));
        h->addWidget(add);
        h->addWidget(remove);
        h->addStretch(1);
        connect(add, &QPushButton::clicked, this, [this, table] {
            if (table == m_criteria && m_currentQuestion < 0)
                return;
            const int r = table->rowCount();
            table->insertRow(r);
            table->setItem(r, 0,
                new QTableWidgetItem(table == m_questions ? QStringLiteral("q%1").arg(r + 1)
                                                          : QStringLiteral("criterion-%1").arg(r + 1)));
            if (table == m_criteria)
                table->setItem(r, 2, new QTableWidgetItem(QStringLiteral("1")));
            table->setCurrentCell(r, 1);
        });
        connect(remove, &QPushButton::clicked, this, [this, table] {
            if (table->currentRow() >= 0) {
                if (table == m_questions) {
                    storeQuestion();
                    m_tpl.questions.removeAt(table->currentRow());
                    m_currentQuestion = -1;
                }
                table->removeRow(table->currentRow());
                updatePreview();
            }
        });
        return h;
    };
    ll->addWidget(new QLabel(tr("Questions"), left));
    ll->addWidget(m_questions, 2);
    ll->addLayout(rowButtons(m_questions, tr("question")));
    ll->addWidget(new QLabel(tr("Scoring criteria of the selected question"), left));
    ll->addWidget(m_criteria, 1);
    ll->addLayout(rowButtons(m_criteria, tr("criterion")));
    m_problems = new QLabel(left);
    m_problems->setObjectName(QStringLiteral("templateProblems"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #c62828;"));
    ll->addWidget(m_problems);

    auto *previewBox = new QGroupBox(tr("Candidate's page (preview)"), split);
    auto *pl = new QVBoxLayout(previewBox);
    m_preview = new QTextBrowser(previewBox);
    m_preview->setObjectName(QStringLiteral("templatePreview"));
    m_preview->setOpenLinks(false);
    pl->addWidget(m_preview);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    root->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_loading = true;
    for (const Question &q : std::as_const(m_tpl.questions)) {
        const int r = m_questions->rowCount();
        m_questions->insertRow(r);
        m_questions->setItem(r, 0, new QTableWidgetItem(q.id));
        m_questions->setItem(r, 1, new QTableWidgetItem(q.text));
    }
    m_loading = false;
    connect(m_questions, &QTableWidget::currentCellChanged, this, [this](int row) {
        storeQuestion();
        loadQuestion(row);
    });
    for (QTableWidget *t : { m_questions, m_criteria })
        connect(t, &QTableWidget::itemChanged, this, [this] {
            if (!m_loading)
                updatePreview();
        });
    for (QLineEdit *e : { m_id, m_name, m_language })
        connect(e, &QLineEdit::textChanged, this, &TemplateEditorDialog::updatePreview);
    connect(m_expiry, &QSpinBox::valueChanged, this, &TemplateEditorDialog::updatePreview);
    if (m_questions->rowCount() > 0)
        m_questions->setCurrentCell(0, 1);
    updatePreview();
}

void TemplateEditorDialog::loadQuestion(int row)
{
    m_loading = true;
    m_criteria->setRowCount(0);
    m_currentQuestion = row;
    if (row >= 0 && row < m_tpl.questions.size()) {
        for (const Criterion &c : m_tpl.questions.at(row).criteria) {
            const int r = m_criteria->rowCount();
            m_criteria->insertRow(r);
            m_criteria->setItem(r, 0, new QTableWidgetItem(c.id));
            m_criteria->setItem(r, 1, new QTableWidgetItem(c.keywords.join(QStringLiteral(", "))));
            m_criteria->setItem(r, 2, new QTableWidgetItem(QString::number(c.weight)));
        }
    }
    m_loading = false;
}

// Copies the criteria table back into the question it shows.
void TemplateEditorDialog::storeQuestion()
{
    if (m_currentQuestion < 0 || m_currentQuestion >= m_tpl.questions.size())
        return;
    QList<Criterion> criteria;
    for (int r = 0; r < m_criteria->rowCount(); ++r) {
        Criterion c;
        c.id = cell(m_criteria, r, 0);
        for (const QString &k : cell(m_criteria, r, 1).split(QLatin1Char(','), Qt::SkipEmptyParts))
            c.keywords << k.trimmed();
        bool ok = false;
        c.weight = cell(m_criteria, r, 2).toDouble(&ok);
        if (!ok)
            c.weight = -1; // reported by validate()
        criteria << c;
    }
    m_tpl.questions[m_currentQuestion].criteria = criteria;
}

InterviewTemplate TemplateEditorDialog::currentTemplate() const
{
    auto *self = const_cast<TemplateEditorDialog *>(this);
    self->storeQuestion();
    InterviewTemplate t = m_tpl;
    t.id = m_id->text().trimmed();
    t.name = m_name->text().trimmed();
    t.language = m_language->text().trimmed();
    t.expiryDays = m_expiry->value();
    QList<Question> questions;
    for (int r = 0; r < m_questions->rowCount(); ++r) {
        Question q;
        q.id = cell(m_questions, r, 0);
        q.text = cell(m_questions, r, 1);
        if (r < m_tpl.questions.size())
            q.criteria = m_tpl.questions.at(r).criteria;
        questions << q;
    }
    t.questions = questions;
    // Keep the model's list in step with the table (added rows).
    self->m_tpl.questions = questions;
    return t;
}

QStringList TemplateEditorDialog::problems() const
{
    QStringList out;
    for (const ValidationProblem &p : TemplateJson::validate(currentTemplate()))
        out << p.toString();
    return out;
}

void TemplateEditorDialog::updatePreview()
{
    const InterviewTemplate t = currentTemplate();
    const QStringList p = problems();
    m_problems->setText(p.join(QLatin1Char('\n')));
    InterviewPage::Model m;
    m.tpl = t;
    m.formAction = QStringLiteral("#");
    m.candidateName = tr("Alex");
    m.jobTitle = tr("Example job");
    m.expiresAt = QDateTime::currentDateTimeUtc().addDays(t.expiryDays);
    m_preview->setHtml(QString::fromUtf8(InterviewPage::renderHtml(m)));
}

void TemplateEditorDialog::accept()
{
    const QStringList p = problems();
    if (!p.isEmpty()) {
        m_problems->setText(tr("Fix these first:\n%1").arg(p.join(QLatin1Char('\n'))));
        return;
    }
    QDialog::accept();
}

} // namespace intrvio

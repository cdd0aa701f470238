#include "AdminViews.h"

#include "ChartsView.h"
#include "models/admin/ActivityModels.h"
#include "models/admin/AdminData.h"
#include "models/admin/AdminInterfaces.h"
#include "models/admin/CandidatesModel.h"
#include "models/admin/JobsModel.h"
#include "models/Store.h"
#include "models/interview/AuditLog.h"
#include "net/secrets/SecretStore.h"
#include "PartnerResultCard.h"
#include "ResultBadgeDelegate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QSqlQuery>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace intrvio {

namespace {

QTableView *makeTable(const QString &name, QWidget *parent)
{
    auto *t = new QTableView(parent);
    t->setObjectName(name);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setAlternatingRowColors(true);
    t->setShowGrid(false);
    t->setWordWrap(false);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 14);
    t->horizontalHeader()->setHighlightSections(false);
    t->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QLabel *heading(const QString &text, QWidget *parent, qreal scale = 1.3)
{
    auto *l = new QLabel(text, parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * scale);
    f.setBold(true);
    l->setFont(f);
    return l;
}

QLabel *emptyState(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setAlignment(Qt::AlignCenter);
    l->setWordWrap(true);
    l->setStyleSheet(QStringLiteral("color: #78909c; font-size: 13pt;"));
    return l;
}

// Colours the stage-mapping state so overrides and gaps stand out.
class MappingStateDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QString text = index.data().toString();
        QColor c(0x2e, 0x7d, 0x32);
        if (text == JobStagesModel::mappingStateText(JobStagesModel::MappingState::Override))
            c = QColor(0x15, 0x65, 0xc0);
        else if (text == JobStagesModel::mappingStateText(JobStagesModel::MappingState::Unmapped))
            c = QColor(0x90, 0xa4, 0xae);
        option->palette.setColor(QPalette::Text, c);
        if (c != QColor(0x90, 0xa4, 0xae))
            option->font.setBold(true);
    }
};

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString when(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODate);
    return t.isValid() ? t.toUTC().toString(QStringLiteral("d MMM yyyy, HH:mm")) : iso;
}

} // namespace

// ---- Jobs -------------------------------------------------------------------------------------

JobsView::JobsView(QSqlDatabase db, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
{
    m_model = new JobsModel(db, this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(AdminRole::Sort);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_stages = new JobStagesModel(db, this);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);
    m_stack->addWidget(
        emptyState(tr("No jobs yet. Connect to Teamtailor and sync to see your jobs and stages."), m_stack));

    auto *content = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 12, 12, 12);
    auto *bar = new QHBoxLayout;
    bar->addWidget(heading(tr("Jobs"), content));
    bar->addStretch(1);
    m_filter = new QLineEdit(content);
    m_filter->setObjectName(QStringLiteral("jobsFilter"));
    m_filter->setPlaceholderText(tr("Filter by title, status or department…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(260);
    bar->addWidget(m_filter);
    m_reviewOnly = new QCheckBox(tr("Needs review only"), content);
    m_reviewOnly->setObjectName(QStringLiteral("jobsNeedsReviewOnly"));
    bar->addWidget(m_reviewOnly);
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Vertical, content);
    m_table = makeTable(QStringLiteral("jobsTable"), split);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(JobsModel::Title, Qt::AscendingOrder);

    auto *detail = new QWidget(split);
    auto *dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 8, 0, 0);
    m_title = heading(QString(), detail, 1.15);
    m_title->setObjectName(QStringLiteral("jobDetailTitle"));
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_title, 1);
    m_openBoard = new QPushButton(tr("Open pipeline &board"), detail);
    m_openBoard->setObjectName(QStringLiteral("jobsOpenBoard"));
    m_openBoard->setToolTip(tr("Stages as columns; drag candidates between them (also: double-click or Enter on a job)"));
    m_openBoard->setEnabled(false);
    titleRow->addWidget(m_openBoard);
    dl->addLayout(titleRow);
    m_counts = new QLabel(detail);
    m_counts->setObjectName(QStringLiteral("jobDetailCounts"));
    m_counts->setStyleSheet(QStringLiteral("color: #546e7a;"));
    dl->addWidget(m_counts);
    m_stageTable = makeTable(QStringLiteral("jobStagesTable"), detail);
    m_stageTable->setModel(m_stages);
    m_stageTable->setSelectionMode(QAbstractItemView::NoSelection);
    m_stageTable->setItemDelegateForColumn(JobStagesModel::Mapping, new MappingStateDelegate(m_stageTable));
    dl->addWidget(m_stageTable, 1);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({ 300, 420 });
    layout->addWidget(split, 1);
    m_stack->addWidget(content);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_reviewOnly, &QCheckBox::toggled, this, [this](bool on) {
        // The review column shows text only for flagged jobs.
        m_proxy->setFilterKeyColumn(on ? JobsModel::NeedsReview : -1);
        m_proxy->setFilterFixedString(on ? tr("Needs review") : m_filter->text());
        m_filter->setEnabled(!on);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { showJob(current.data(AdminRole::Id).toString()); });
    auto openBoard = [this](const QModelIndex &index) {
        const QString id = index.siblingAtColumn(0).data(AdminRole::Id).toString();
        if (!id.isEmpty())
            Q_EMIT openBoardRequested(id);
    };
    connect(m_table, &QAbstractItemView::activated, this, openBoard); // Enter (and a double-click on some styles)
    connect(m_table, &QAbstractItemView::doubleClicked, this, openBoard);
    connect(m_openBoard, &QPushButton::clicked, this, [this] {
        if (const QString id = currentJobId(); !id.isEmpty())
            Q_EMIT openBoardRequested(id);
    });
    reload();
}

QString JobsView::currentJobId() const
{
    return m_table->currentIndex().siblingAtColumn(0).data(AdminRole::Id).toString();
}

void JobsView::reload()
{
    const QString current = m_table->currentIndex().data(AdminRole::Id).toString();
    m_model->reload();
    m_stack->setCurrentIndex(m_model->rowCount() > 0 ? 1 : 0);
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->resizeSection(
        JobsModel::Title, qMax(260, m_table->columnWidth(JobsModel::Title) + 24));
    for (int c = JobsModel::Status; c < JobsModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, m_table->columnWidth(c) + 24);
    if (!current.isEmpty())
        selectJob(current);
    else if (m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, 0));
    else
        showJob({});
}

void JobsView::selectJob(const QString &jobId)
{
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        if (m_proxy->index(r, 0).data(AdminRole::Id).toString() == jobId) {
            m_table->setCurrentIndex(m_proxy->index(r, 0));
            showJob(jobId); // also when it already was current
            return;
        }
    }
}

void JobsView::showJob(const QString &jobId)
{
    m_stages->setJob(jobId);
    m_openBoard->setEnabled(!jobId.isEmpty());
    if (jobId.isEmpty()) {
        m_title->setText(tr("Select a job to see its stages"));
        m_counts->clear();
        return;
    }
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("SELECT j.title, coalesce(j.department, ''), coalesce(j.human_status, j.status, ''),"
                       " (SELECT coalesce(SUM(active_count), 0) FROM stages WHERE job_id = j.id),"
                       " (SELECT coalesce(SUM(rejected_count), 0) FROM stages WHERE job_id = j.id)"
                       " FROM jobs j WHERE j.id = ?"));
    q.addBindValue(jobId);
    if (!q.exec() || !q.next())
        return;
    m_title->setText(q.value(0).toString());
    int mapped = 0;
    for (int r = 0; r < m_stages->rowCount(); ++r)
        mapped += m_stages->mappingState(r) != JobStagesModel::MappingState::Unmapped ? 1 : 0;
    m_counts->setText(tr("%1 · %2 · %3 active, %4 rejected · %5 of %6 stages trigger an interview")
                          .arg(q.value(1).toString(), q.value(2).toString())
                          .arg(q.value(3).toInt())
                          .arg(q.value(4).toInt())
                          .arg(mapped)
                          .arg(m_stages->rowCount()));
    m_stageTable->resizeColumnsToContents();
    for (int c = 0; c < JobStagesModel::ColumnCount - 1; ++c)
        m_stageTable->setColumnWidth(c, qMax(80, m_stageTable->columnWidth(c) + 28));
}

// ---- Candidates -------------------------------------------------------------------------------

CandidatesView::CandidatesView(QSqlDatabase db, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
{
    m_model = new CandidatesModel(db, this);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &CandidatesView::applyFilter);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    auto *bar = new QHBoxLayout;
    bar->addWidget(heading(tr("Candidates"), this));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("candidateCount"));
    m_count->setStyleSheet(QStringLiteral("color: #78909c;"));
    bar->addWidget(m_count);
    bar->addStretch(1);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("candidateSearch"));
    m_search->setPlaceholderText(tr("Search name or email…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(220);
    bar->addWidget(m_search);
    m_job = new QComboBox(this);
    m_job->setObjectName(QStringLiteral("candidateJobFilter"));
    bar->addWidget(m_job);
    m_stage = new QComboBox(this);
    m_stage->setObjectName(QStringLiteral("candidateStageFilter"));
    bar->addWidget(m_stage);
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("candidateStateFilter"));
    bar->addWidget(m_state);
    bar->addWidget(new QLabel(tr("Score"), this));
    m_minScore = new QSpinBox(this);
    m_minScore->setObjectName(QStringLiteral("candidateMinScore"));
    m_minScore->setRange(0, 100);
    m_maxScore = new QSpinBox(this);
    m_maxScore->setObjectName(QStringLiteral("candidateMaxScore"));
    m_maxScore->setRange(0, 100);
    m_maxScore->setValue(100);
    bar->addWidget(m_minScore);
    bar->addWidget(new QLabel(QStringLiteral("–"), this));
    bar->addWidget(m_maxScore);
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Horizontal, this);
    m_table = makeTable(QStringLiteral("candidatesTable"), split);
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(CandidatesModel::Result, new ResultBadgeDelegate(m_table));
    m_table->setColumnWidth(CandidatesModel::Name, 150);
    m_table->setColumnWidth(CandidatesModel::Email, 200);
    m_table->setColumnWidth(CandidatesModel::Job, 180);
    m_table->setColumnWidth(CandidatesModel::Stage, 125);
    m_table->setColumnWidth(CandidatesModel::Result, 150);
    m_table->setColumnWidth(CandidatesModel::Updated, 130);
    // Header clicks sort in SQL (name, email, updated, score); other columns keep the natural order
    // and show no indicator. Starts unsorted: the first page is the cheapest.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this](int section) {
        if (section >= 0 && m_model->sortColumn() != section)
            m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    });

    auto *scroll = new QScrollArea(split);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *pane = new QWidget(scroll);
    pane->setObjectName(QStringLiteral("candidateDetailPane"));
    auto *pl = new QVBoxLayout(pane);
    pl->setContentsMargins(12, 0, 4, 0);
    m_name = heading(QString(), pane, 1.25);
    m_name->setObjectName(QStringLiteral("candidateName"));
    pl->addWidget(m_name);
    m_contact = new QLabel(pane);
    m_contact->setObjectName(QStringLiteral("candidateContact"));
    m_contact->setStyleSheet(QStringLiteral("color: #546e7a;"));
    m_contact->setTextInteractionFlags(Qt::TextSelectableByMouse);
    pl->addWidget(m_contact);
    m_card = new PartnerResultCard(pane);
    pl->addWidget(m_card);
    m_detail = new QTextBrowser(pane);
    m_detail->setObjectName(QStringLiteral("candidateDetail"));
    m_detail->setOpenExternalLinks(true);
    m_detail->setFrameShape(QFrame::NoFrame);
    pl->addWidget(m_detail, 1);
    scroll->setWidget(pane);
    split->addWidget(m_table);
    split->addWidget(scroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({ 960, 380 });
    layout->addWidget(split, 1);

    connect(m_search, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_job, &QComboBox::currentIndexChanged, this, [this] {
        reloadChoices();
        applyFilter();
    });
    for (QComboBox *c : { m_stage, m_state })
        connect(c, &QComboBox::currentIndexChanged, this, &CandidatesView::applyFilter);
    for (QSpinBox *s : { m_minScore, m_maxScore })
        connect(s, &QSpinBox::valueChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { showCandidate(current.data(AdminRole::Id).toString()); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { showCandidate({}); });
    reload();
}

void CandidatesView::reloadChoices()
{
    const QString job = m_job->currentData().toString();
    const QString stage = m_stage->currentData().toString();
    const QString state = m_state->currentData().toString();
    const FilterChoices c = FilterChoices::load(m_db, job);
    const QSignalBlocker b1(m_job), b2(m_stage), b3(m_state);
    m_job->clear();
    m_job->addItem(tr("All jobs"), QString());
    for (const auto &[id, title] : c.jobs)
        m_job->addItem(title, id);
    m_job->setCurrentIndex(qMax(0, m_job->findData(job)));
    m_stage->clear();
    m_stage->addItem(job.isEmpty() ? tr("Any stage (pick a job)") : tr("Any stage"), QString());
    for (const auto &[id, name] : c.stages)
        m_stage->addItem(name, id);
    m_stage->setCurrentIndex(qMax(0, m_stage->findData(stage)));
    m_stage->setEnabled(!job.isEmpty());
    m_state->clear();
    m_state->addItem(tr("Any interview state"), QString());
    for (const QString &s : c.interviewStates)
        m_state->addItem(ResultBadgeDelegate::styleFor(s, {}).text, s);
    m_state->setCurrentIndex(qMax(0, m_state->findData(state)));
}

void CandidatesView::reload()
{
    reloadChoices();
    applyFilter();
}

void CandidatesView::applyFilter()
{
    m_debounce->stop();
    CandidatesModel::Filter f;
    f.text = m_search->text();
    f.jobId = m_job->currentData().toString();
    f.stageId = m_stage->currentData().toString();
    f.interviewState = m_state->currentData().toString();
    if (m_minScore->value() > 0)
        f.minScore = m_minScore->value();
    if (m_maxScore->value() < 100)
        f.maxScore = m_maxScore->value();
    m_model->setFilter(f);
    const qint64 total = m_model->totalCount();
    m_count->setText(total == 1 ? tr("1 candidate") : tr("%1 candidates").arg(QLocale().toString(total)));
}

QString CandidatesView::currentCandidateId() const
{
    return m_table->currentIndex().data(AdminRole::Id).toString();
}

void CandidatesView::showCandidate(const QString &id)
{
    if (id.isEmpty()) {
        m_name->setText(tr("No candidate selected"));
        m_contact->setText(tr("Select a candidate to see applications, interviews and results."));
        m_card->clear();
        m_detail->clear();
        return;
    }
    QString error;
    const CandidateDetail d = CandidateDetail::load(m_db, id, &error);
    if (!d.isValid()) {
        m_name->setText(tr("Candidate not found"));
        m_contact->setText(error);
        m_card->clear();
        m_detail->clear();
        return;
    }
    m_name->setText(d.name.isEmpty() ? d.id : d.name);
    QStringList contact { d.email };
    if (!d.phone.isEmpty())
        contact << d.phone;
    m_contact->setText(contact.join(QStringLiteral(" · ")));
    if (d.results.isEmpty())
        m_card->clear();
    else
        m_card->setResult(d.results.first());

    QString html = QStringLiteral("<style>h3{margin-top:14px;margin-bottom:4px;} td{padding:2px 10px 2px 0;}"
                                  " .muted{color:#78909c;}</style>");
    html += QStringLiteral("<h3>%1</h3><table>").arg(tr("Applications"));
    for (const auto &a : d.applications) {
        html += QStringLiteral("<tr><td><b>%1</b><br>%2 <span class=muted>· %3%4</span></td></tr>")
                    .arg(esc(a.jobTitle), esc(a.stageName), tr("applied %1").arg(when(a.createdAt)),
                        a.rejected
                            ? QStringLiteral(" · <span style='color:#c62828'>%1</span>").arg(tr("rejected"))
                            : QString());
    }
    if (d.applications.isEmpty())
        html += QStringLiteral("<tr><td class=muted>%1</td></tr>").arg(tr("None"));
    html += QStringLiteral("</table>");

    html += QStringLiteral("<h3>%1</h3>").arg(tr("Interview timeline"));
    if (d.interviews.isEmpty())
        html += QStringLiteral("<p class=muted>%1</p>").arg(tr("No interviews yet."));
    for (const auto &i : d.interviews) {
        html += QStringLiteral("<p><b>%1</b> <span class=muted>(%2)</span> — %3<br>")
                    .arg(esc(i.templateName), esc(i.jobTitle), esc(i.state));
        QStringList steps;
        steps << tr("invited %1").arg(when(i.createdAt));
        if (!i.startedAt.isEmpty())
            steps << tr("started %1").arg(when(i.startedAt));
        if (!i.completedAt.isEmpty())
            steps << tr("completed %1").arg(when(i.completedAt));
        else if (!i.expiresAt.isEmpty())
            steps << tr("expires %1").arg(when(i.expiresAt));
        html += QStringLiteral("<span class=muted>%1</span>").arg(esc(steps.join(QStringLiteral(" → "))));
        if (!i.failureReason.isEmpty())
            html += QStringLiteral("<br><span style='color:#c62828'>%1</span>").arg(esc(i.failureReason));
        html += QStringLiteral("</p>");
        if (!i.criteria.isEmpty()) {
            html += QStringLiteral("<table>");
            for (const QJsonValue &c : i.criteria) {
                const int score = c[QStringLiteral("score")].toInt();
                const QColor col = ResultBadgeDelegate::scoreColor(score);
                html += QStringLiteral("<tr><td>%1</td><td style='color:%2'><b>%3</b></td></tr>")
                            .arg(esc(c[QStringLiteral("name")].toString()), col.name())
                            .arg(score);
            }
            html += QStringLiteral("</table>");
        }
        if (!i.transcript.isEmpty()) {
            html += QStringLiteral("<h3>%1</h3><p style='white-space:pre-wrap'>%2</p>")
                        .arg(tr("Transcript"),
                            esc(i.transcript).replace(QLatin1Char('\n'), QStringLiteral("<br>")));
        }
    }
    m_detail->setHtml(html);
}

// ---- Interviews -------------------------------------------------------------------------------

InterviewsView::InterviewsView(QSqlDatabase db, InterviewActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_actions(actions)
{
    m_model = new InterviewsModel(db, this);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(12, 12, 12, 12);
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("interviewTabs"));
    outer->addWidget(tabs);

    auto *list = new QWidget(tabs);
    auto *layout = new QVBoxLayout(list);
    auto *bar = new QHBoxLayout;
    bar->addWidget(heading(tr("Interviews"), list));
    bar->addStretch(1);
    m_state = new QComboBox(list);
    m_state->setObjectName(QStringLiteral("interviewStateFilter"));
    bar->addWidget(m_state);
    m_resend = new QPushButton(tr("Resend invitation"), list);
    m_resend->setObjectName(QStringLiteral("resendInterview"));
    m_cancel = new QPushButton(tr("Cancel interview"), list);
    m_cancel->setObjectName(QStringLiteral("cancelInterview"));
    bar->addWidget(m_resend);
    bar->addWidget(m_cancel);
    layout->addLayout(bar);
    m_table = makeTable(QStringLiteral("interviewsTable"), list);
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(InterviewsModel::State, new ResultBadgeDelegate(m_table));
    layout->addWidget(m_table, 1);
    m_status = new QLabel(list);
    m_status->setObjectName(QStringLiteral("interviewActionStatus"));
    layout->addWidget(m_status);
    tabs->addTab(list, tr("All interviews"));
    m_charts = new ChartsView(db, tabs);
    tabs->addTab(m_charts, tr("Charts"));

    if (!m_actions) {
        const QString why = tr("The interview pipeline is not running in this process.");
        m_resend->setToolTip(why);
        m_cancel->setToolTip(why);
    } else {
        connect(m_actions, &InterviewActions::done, this, [this](qint64 id, bool ok, const QString &message) {
            m_status->setText(ok ? tr("Interview %1: %2").arg(id).arg(message)
                                 : tr("Interview %1 failed: %2").arg(id).arg(message));
            m_status->setStyleSheet(ok ? QString() : QStringLiteral("color: #c62828;"));
            reload();
        });
    }
    connect(m_resend, &QPushButton::clicked, this, [this] {
        if (const qint64 id = currentInterview(); id && m_actions) {
            m_status->setText(tr("Resending interview %1…").arg(id));
            m_actions->resend(id);
        }
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (const qint64 id = currentInterview(); id && m_actions) {
            m_status->setText(tr("Cancelling interview %1…").arg(id));
            m_actions->cancel(id);
        }
    });
    connect(m_state, &QComboBox::currentIndexChanged, this,
        [this] { m_model->setStateFilter(m_state->currentData().toString()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &InterviewsView::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &InterviewsView::updateButtons);
    reload();
}

void InterviewsView::reload()
{
    const QString state = m_state->currentData().toString();
    {
        const QSignalBlocker block(m_state);
        m_state->clear();
        m_state->addItem(tr("Every state"), QString());
        for (const QString &s : { QStringLiteral("sending"), QStringLiteral("sent"),
                 QStringLiteral("pending"), QStringLiteral("completed"), QStringLiteral("failed"),
                 QStringLiteral("cancelled"), QStringLiteral("expired") })
            m_state->addItem(ResultBadgeDelegate::styleFor(s, {}).text, s);
        m_state->setCurrentIndex(qMax(0, m_state->findData(state)));
    }
    m_model->setStateFilter(state);
    m_table->resizeColumnsToContents();
    for (int c = 0; c < InterviewsModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, qMax(90, m_table->columnWidth(c) + 20));
    m_charts->reload();
    updateButtons();
}

qint64 InterviewsView::currentInterview() const
{
    const QModelIndex i = m_table->currentIndex();
    return i.isValid() ? m_model->interviewId(i.row()) : 0;
}

void InterviewsView::updateButtons()
{
    const QModelIndex i = m_table->currentIndex();
    const QString state = i.isValid() ? m_model->state(i.row()) : QString();
    // Completed and failed interviews are final: nothing to resend or cancel.
    const bool open = !state.isEmpty() && state != QLatin1String("completed") && state != QLatin1String("cancelled")
        && state != QLatin1String("failed") && state != QLatin1String("expired");
    m_resend->setEnabled(m_actions && open);
    m_cancel->setEnabled(m_actions && open);
}

// ---- Activity ---------------------------------------------------------------------------------

ActivityView::ActivityView(QSqlDatabase db, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
    , m_clock(clock ? clock : &Clock::system())
{
    m_inbox = new InboxModel(db, this);
    m_outbox = new OutboxModel(db, this);
    m_audit = new AuditLogModel(db, this);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(12, 12, 12, 12);
    outer->addWidget(heading(tr("Activity"), this));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("activityTabs"));
    outer->addWidget(m_tabs, 1);

    // Inbox
    auto *inbox = new QWidget(m_tabs);
    auto *il = new QVBoxLayout(inbox);
    auto *ib = new QHBoxLayout;
    ib->addWidget(new QLabel(tr("Verification"), inbox));
    m_verification = new QComboBox(inbox);
    m_verification->setObjectName(QStringLiteral("inboxVerificationFilter"));
    ib->addWidget(m_verification);
    m_failedOnly = new QCheckBox(tr("Problems only"), inbox);
    m_failedOnly->setObjectName(QStringLiteral("inboxFailedOnly"));
    ib->addWidget(m_failedOnly);
    ib->addStretch(1);
    il->addLayout(ib);
    auto *isplit = new QSplitter(Qt::Vertical, inbox);
    m_inboxTable = makeTable(QStringLiteral("inboxTable"), isplit);
    m_inboxTable->setModel(m_inbox);
    m_inboxDetail = new QPlainTextEdit(isplit);
    m_inboxDetail->setObjectName(QStringLiteral("inboxDetail"));
    m_inboxDetail->setReadOnly(true);
    m_inboxDetail->setPlaceholderText(tr("Select a delivery to see its redacted headers and body."));
    isplit->setStretchFactor(0, 3);
    isplit->setStretchFactor(1, 2);
    il->addWidget(isplit, 1);
    m_tabs->addTab(inbox, tr("Webhook inbox"));

    // Outbox
    auto *outbox = new QWidget(m_tabs);
    auto *ol = new QVBoxLayout(outbox);
    auto *ob = new QHBoxLayout;
    ob->addWidget(new QLabel(tr("State"), outbox));
    m_outboxState = new QComboBox(outbox);
    m_outboxState->setObjectName(QStringLiteral("outboxStateFilter"));
    ob->addWidget(m_outboxState);
    ob->addStretch(1);
    m_outboxStatus = new QLabel(outbox);
    m_outboxStatus->setObjectName(QStringLiteral("outboxActionStatus"));
    ob->addWidget(m_outboxStatus);
    m_retry = new QPushButton(tr("Retry dead letter"), outbox);
    m_retry->setObjectName(QStringLiteral("retryOutbox"));
    m_retry->setToolTip(
        tr("Put the selected dead-lettered change back in the queue for an immediate attempt."));
    ob->addWidget(m_retry);
    ol->addLayout(ob);
    auto *osplit = new QSplitter(Qt::Vertical, outbox);
    m_outboxTable = makeTable(QStringLiteral("outboxTable"), osplit);
    m_outboxTable->setModel(m_outbox);
    m_outboxTable->setItemDelegateForColumn(OutboxModel::State, new ResultBadgeDelegate(m_outboxTable));
    m_outboxDetail = new QPlainTextEdit(osplit);
    m_outboxDetail->setObjectName(QStringLiteral("outboxDetail"));
    m_outboxDetail->setReadOnly(true);
    osplit->setStretchFactor(0, 3);
    osplit->setStretchFactor(1, 1);
    ol->addWidget(osplit, 1);
    m_tabs->addTab(outbox, tr("Outbox"));

    // Audit log
    auto *audit = new QWidget(m_tabs);
    auto *al = new QVBoxLayout(audit);
    m_auditFilter = new QLineEdit(audit);
    m_auditFilter->setObjectName(QStringLiteral("auditFilter"));
    m_auditFilter->setPlaceholderText(tr("Filter by action, subject or actor…"));
    m_auditFilter->setClearButtonEnabled(true);
    al->addWidget(m_auditFilter);
    m_auditTable = makeTable(QStringLiteral("auditTable"), audit);
    m_auditTable->setModel(m_audit);
    al->addWidget(m_auditTable, 1);
    m_tabs->addTab(audit, tr("Audit log"));

    connect(m_verification, &QComboBox::currentIndexChanged, this,
        [this] { m_inbox->setVerificationFilter(m_verification->currentData().toString()); });
    connect(m_failedOnly, &QCheckBox::toggled, m_inbox, &InboxModel::setOnlyFailed);
    connect(m_inboxTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &i) {
            if (!i.isValid()) {
                m_inboxDetail->clear();
                return;
            }
            const auto d = m_inbox->detail(m_inbox->keyAt(i.row()));
            QString text = tr("Verification: %1\n").arg(d.verification);
            if (!d.error.isEmpty())
                text += tr("Error: %1\n").arg(d.error);
            text += QStringLiteral("\n") + d.headers + QStringLiteral("\n\n") + d.bodyPreview;
            m_inboxDetail->setPlainText(text);
        });
    connect(m_outboxState, &QComboBox::currentIndexChanged, this,
        [this] { m_outbox->setStateFilter(m_outboxState->currentData().toString()); });
    connect(m_outboxTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &i) {
            m_outboxDetail->setPlainText(
                i.isValid() ? m_outbox->bodyPreview(m_outbox->keyAt(i.row())) : QString());
            updateRetry();
        });
    connect(m_outbox, &QAbstractItemModel::modelReset, this, &ActivityView::updateRetry);
    connect(m_retry, &QPushButton::clicked, this, &ActivityView::retrySelected);
    connect(m_auditFilter, &QLineEdit::textChanged, m_audit, &AuditLogModel::setTextFilter);
    reload();
}

void ActivityView::reload()
{
    auto fill = [](QComboBox *combo, const QString &all, const QStringList &values) {
        const QString current = combo->currentData().toString();
        const QSignalBlocker block(combo);
        combo->clear();
        combo->addItem(all, QString());
        for (const QString &v : values)
            combo->addItem(v, v);
        combo->setCurrentIndex(qMax(0, combo->findData(current)));
    };
    fill(m_verification, tr("All"), m_inbox->verificationOutcomes());
    fill(m_outboxState, tr("All"), m_outbox->states());
    m_inbox->setVerificationFilter(m_verification->currentData().toString());
    m_outbox->setStateFilter(m_outboxState->currentData().toString());
    m_audit->setTextFilter(m_auditFilter->text());
    for (QTableView *t : { m_inboxTable, m_outboxTable, m_auditTable }) {
        t->resizeColumnsToContents();
        for (int c = 0; c < t->model()->columnCount() - 1; ++c)
            t->setColumnWidth(c, qMin(360, t->columnWidth(c) + 20));
    }
    updateRetry();
}

void ActivityView::updateRetry()
{
    const QModelIndex i = m_outboxTable->currentIndex();
    m_retry->setEnabled(i.isValid() && m_outbox->state(i.row()) == QLatin1String(OutboxModel::DeadState));
}

bool ActivityView::retrySelected()
{
    const QModelIndex i = m_outboxTable->currentIndex();
    if (!i.isValid()) {
        m_outboxStatus->setText(tr("Select a dead letter first."));
        return false;
    }
    const qint64 id = m_outbox->keyAt(i.row());
    QString error;
    if (!m_outbox->retry(id, *m_clock, QStringLiteral("admin"), &error)) {
        m_outboxStatus->setText(error);
        m_outboxStatus->setStyleSheet(QStringLiteral("color: #c62828;"));
        return false;
    }
    m_outboxStatus->setStyleSheet(QString());
    m_outboxStatus->setText(tr("Entry %1 is queued again.").arg(id));
    reload();
    if (const int row = m_outbox->rowOfKey(id); row >= 0)
        m_outboxTable->setCurrentIndex(m_outbox->index(row, 0));
    return true;
}

// ---- Settings ---------------------------------------------------------------------------------

SettingsView::SettingsView(Store *store, SecretStore *secrets, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_secrets(secrets)
    , m_clock(clock ? clock : &Clock::system())
{
    askSecret = [this](const QString &name) -> std::optional<QString> {
        bool ok = false;
        const QString v = QInputDialog::getText(this, tr("Replace %1").arg(name),
            tr("New value for %1 (stored in the keychain only):").arg(name), QLineEdit::Password, QString(),
            &ok);
        if (!ok)
            return std::nullopt;
        return v;
    };
    confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Please confirm"), question) == QMessageBox::Yes;
    };
    askExportPath = [this](const QString &suggested) {
        return QFileDialog::getSaveFileName(
            this, tr("Export candidate data"), suggested, tr("JSON (*.json)"));
    };

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    auto *holder = new QWidget(scroll);
    scroll->setWidget(holder);
    auto *hl = new QHBoxLayout(holder);
    hl->setContentsMargins(0, 0, 0, 0);
    auto *page = new QWidget(holder);
    page->setMaximumWidth(860);
    hl->addWidget(page, 1);
    hl->addStretch(0);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addWidget(heading(tr("Settings"), page));

    auto *conn = new QGroupBox(tr("Teamtailor connection and webhook server"), page);
    auto *form = new QFormLayout(conn);
    m_region = new QComboBox(conn);
    m_region->setObjectName(QStringLiteral("regionCombo"));
    m_region->addItem(tr("EU (api.teamtailor.com)"), QStringLiteral("eu"));
    m_region->addItem(tr("North America (api.na.teamtailor.com)"), QStringLiteral("na"));
    m_region->addItem(tr("Asia-Pacific (api.au.teamtailor.com)"), QStringLiteral("au"));
    form->addRow(tr("Region"), m_region);
    m_lock = new QCheckBox(tr("EU data residency: refuse non-EU hosts"), conn);
    m_lock->setObjectName(QStringLiteral("residencyLock"));
    form->addRow(QString(), m_lock);
    m_ttUrl = new QLineEdit(conn);
    m_ttUrl->setObjectName(QStringLiteral("teamtailorUrlEdit"));
    m_ttUrl->setPlaceholderText(tr("default for the region"));
    form->addRow(tr("Teamtailor API URL"), m_ttUrl);
    m_publicUrl = new QLineEdit(conn);
    m_publicUrl->setObjectName(QStringLiteral("publicUrlEdit"));
    m_publicUrl->setPlaceholderText(QStringLiteral("https://intrvio.example.com"));
    form->addRow(tr("Public URL"), m_publicUrl);
    m_listen = new QLineEdit(conn);
    m_listen->setObjectName(QStringLiteral("listenEdit"));
    form->addRow(tr("Listen address"), m_listen);
    m_retention = new QSpinBox(conn);
    m_retention->setObjectName(QStringLiteral("retentionSpin"));
    m_retention->setRange(0, 3650); // 0 is shown so the validation message can explain the limit
    m_retention->setSuffix(tr(" days"));
    form->addRow(tr("Keep webhook and outbox history"), m_retention);
    auto *saveRow = new QHBoxLayout;
    auto *save = new QPushButton(tr("Save settings"), conn);
    save->setObjectName(QStringLiteral("saveSettings"));
    saveRow->addWidget(save);
    m_status = new QLabel(conn);
    m_status->setObjectName(QStringLiteral("settingsStatus"));
    m_status->setWordWrap(true);
    saveRow->addWidget(m_status, 1);
    form->addRow(saveRow);
    layout->addWidget(conn);
    connect(save, &QPushButton::clicked, this, &SettingsView::save);

    auto *keys = new QGroupBox(tr("Keys (kept in the system keychain, never shown)"), page);
    auto *grid = new QGridLayout(keys);
    int row = 0;
    for (const QString &name : SecretStore::knownNames()) {
        grid->addWidget(new QLabel(name, keys), row, 0);
        auto *state = new QLabel(tr("checking…"), keys);
        state->setObjectName(QStringLiteral("secretState_") + name);
        grid->addWidget(state, row, 1);
        auto *replace = new QPushButton(tr("Replace…"), keys);
        replace->setObjectName(QStringLiteral("replaceSecret_") + name);
        auto *clear = new QPushButton(tr("Clear"), keys);
        clear->setObjectName(QStringLiteral("clearSecret_") + name);
        grid->addWidget(replace, row, 2);
        grid->addWidget(clear, row, 3);
        connect(replace, &QPushButton::clicked, this, [this, name] { replaceSecret(name); });
        connect(clear, &QPushButton::clicked, this, [this, name] { clearSecret(name); });
        ++row;
    }
    grid->setColumnStretch(1, 1);
    auto *wizardButton = new QPushButton(tr("Run the activation wizard…"), keys);
    wizardButton->setObjectName(QStringLiteral("runActivationWizard"));
    grid->addWidget(wizardButton, row, 0, 1, 2);
    connect(wizardButton, &QPushButton::clicked, this, &SettingsView::activationWizardRequested);
    layout->addWidget(keys);

    auto *gdpr = new QGroupBox(tr("Privacy (GDPR)"), page);
    auto *gl = new QHBoxLayout(gdpr);
    m_gdprCandidate = new QLineEdit(gdpr);
    m_gdprCandidate->setObjectName(QStringLiteral("gdprCandidate"));
    m_gdprCandidate->setPlaceholderText(tr("Candidate id or email"));
    gl->addWidget(m_gdprCandidate, 1);
    auto *exportButton = new QPushButton(tr("Export as JSON…"), gdpr);
    exportButton->setObjectName(QStringLiteral("gdprExport"));
    auto *eraseButton = new QPushButton(tr("Erase candidate…"), gdpr);
    eraseButton->setObjectName(QStringLiteral("gdprErase"));
    gl->addWidget(exportButton);
    gl->addWidget(eraseButton);
    m_gdprStatus = new QLabel(page);
    m_gdprStatus->setObjectName(QStringLiteral("gdprStatus"));
    m_gdprStatus->setWordWrap(true);
    layout->addWidget(gdpr);
    layout->addWidget(m_gdprStatus);
    layout->addStretch(1);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString who = m_gdprCandidate->text().trimmed();
        const QString path = askExportPath(QStringLiteral("candidate-%1.json").arg(resolveCandidate(who)));
        if (path.isEmpty())
            return;
        QString error;
        m_gdprStatus->setText(exportCandidate(who, path, &error) ? tr("Exported to %1.").arg(path) : error);
    });
    connect(eraseButton, &QPushButton::clicked, this, [this] {
        QString error;
        if (eraseCandidate(m_gdprCandidate->text().trimmed(), &error))
            m_gdprStatus->setText(tr("The candidate's data was erased."));
        else if (!error.isEmpty())
            m_gdprStatus->setText(error);
    });
    reload();
}

void SettingsView::reload()
{
    const AdminSettings s = AdminSettings::load(*m_store);
    m_region->setCurrentIndex(qMax(0, m_region->findData(s.region)));
    m_publicUrl->setText(s.publicUrl);
    m_listen->setText(s.listenAddress);
    m_retention->setValue(s.retentionDays);
    m_lock->setChecked(s.residencyLock);
    m_ttUrl->setText(s.teamtailorUrl);
    refreshSecrets();
}

bool SettingsView::save()
{
    AdminSettings s;
    s.region = m_region->currentData().toString();
    s.publicUrl = m_publicUrl->text().trimmed();
    s.listenAddress = m_listen->text().trimmed();
    s.retentionDays = m_retention->value();
    s.residencyLock = m_lock->isChecked();
    s.teamtailorUrl = m_ttUrl->text().trimmed();
    QString error;
    if (!s.save(*m_store, *m_clock, QStringLiteral("admin"), &error)) {
        m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_status->setText(error);
        return false;
    }
    m_status->setStyleSheet(QStringLiteral("color: #2e7d32;"));
    m_status->setText(tr("Saved. A new listen address applies after a restart."));
    Q_EMIT dataChanged();
    return true;
}

void SettingsView::refreshSecrets()
{
    for (const QString &name : SecretStore::knownNames()) {
        auto *label = findChild<QLabel *>(QStringLiteral("secretState_") + name);
        if (!m_secrets) {
            label->setText(tr("keychain not available"));
            continue;
        }
        // The value is read only to learn whether it exists; it is dropped at once.
        m_secrets->read(name, label, [label](const SecretResult &r) {
            if (r.ok())
                label->setText(tr("Set"));
            else if (r.status == SecretResult::Status::NotFound)
                label->setText(tr("Not set"));
            else
                label->setText(tr("Unavailable: %1").arg(r.message));
        });
    }
}

void SettingsView::replaceSecret(const QString &name)
{
    if (!m_secrets)
        return;
    const std::optional<QString> value = askSecret(name);
    if (!value)
        return;
    auto *label = findChild<QLabel *>(QStringLiteral("secretState_") + name);
    if (value->isEmpty()) {
        label->setText(tr("Not changed: an empty value is not a key."));
        return;
    }
    label->setText(tr("saving…"));
    m_secrets->write(name, *value, label, [label](const SecretResult &r) {
        label->setText(r.ok() ? tr("Set") : tr("Not saved: %1").arg(r.message));
    });
}

void SettingsView::clearSecret(const QString &name)
{
    if (!m_secrets
        || !confirm(
            tr("Remove %1 from the keychain? Features that need it stop working until it is set again.")
                .arg(name)))
        return;
    auto *label = findChild<QLabel *>(QStringLiteral("secretState_") + name);
    label->setText(tr("removing…"));
    m_secrets->remove(name, label, [label](const SecretResult &r) {
        label->setText(r.ok() || r.status == SecretResult::Status::NotFound
                ? tr("Not set")
                : tr("Not removed: %1").arg(r.message));
    });
}

QString SettingsView::resolveCandidate(const QString &idOrEmail) const
{
    QSqlQuery q(m_store->database());
    q.prepare(QStringLiteral(
        "SELECT id FROM candidates WHERE id = ? OR lower(email) = lower(?) ORDER BY id = ? DESC LIMIT 1"));
    q.addBindValue(idOrEmail);
    q.addBindValue(idOrEmail);
    q.addBindValue(idOrEmail);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return {};
}

bool SettingsView::exportCandidate(const QString &idOrEmail, const QString &path, QString *error)
{
    const QString id = resolveCandidate(idOrEmail);
    if (id.isEmpty()) {
        *error = tr("No candidate with id or email \"%1\".").arg(idOrEmail);
        return false;
    }
    const QJsonObject data = CandidatePrivacy::exportData(m_store->database(), id, error);
    if (data.isEmpty())
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(data).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    AuditLog(*m_store, *m_clock)
        .append(QStringLiteral("admin"), QString::fromLatin1(AuditLog::ActionCandidateExported),
            QStringLiteral("candidate:") + id);
    return true;
}

bool SettingsView::eraseCandidate(const QString &idOrEmail, QString *error)
{
    const QString id = resolveCandidate(idOrEmail);
    if (id.isEmpty()) {
        *error = tr("No candidate with id or email \"%1\".").arg(idOrEmail);
        return false;
    }
    if (!confirm(
            tr("Erase every stored record of candidate %1 (applications, interviews, transcripts, results)?"
               " This cannot be undone; Teamtailor's own data is not touched.")
                .arg(id))) {
        error->clear();
        return false;
    }
    if (!CandidatePrivacy::erase(m_store->database(), id, *m_clock, QStringLiteral("admin"), error))
        return false;
    Q_EMIT dataChanged();
    return true;
}

} // namespace intrvio

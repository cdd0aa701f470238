// The candidates view (ui/AdminViews CandidatesView over the SQL-backed lazy CandidatesModel)
// offscreen with 100 000 candidates: first paint, a filter keystroke (text typed into the search
// box, applied, repainted) and a header sort click (re-query, repaint), each beside the same
// action on the 30-row demo company measured in the same run. Aims (issue): first paint ≤ 300 ms,
// keystroke ≤ 50 ms. Medians of several runs; wall time on the GUI thread.
//
//   cmake -S . -B build/bench -G Ninja -DINTRVIO_BUILD_BENCHMARKS=ON
//   cmake --build build/bench --target bench_candidates && build/bench/bench/candidates/bench_candidates [rows]
#include "models/Clock.h"
#include "models/Store.h"
#include "models/admin/AdminData.h"
#include "models/admin/CandidatesModel.h"
#include "ui/AdminViews.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <algorithm>

using namespace intrvio;

namespace {

QTextStream out(stdout);

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

struct Numbers
{
    double firstPaint = 0;
    double keystroke = 0;
    double sortClick = 0;
    double sortClickScore = 0;
};

// Paints the view now (what the user sees), like the event loop would after the change.
void paint(QWidget &w)
{
    w.repaint();
    QCoreApplication::processEvents();
}

Numbers measure(Store &store, int runs)
{
    Numbers n;
    QList<double> first, keys, sorts, scoreSorts;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer t;
        t.start();
        CandidatesView view(store.database());
        view.resize(1280, 800);
        view.show();
        paint(view);
        first.append(double(t.nsecsElapsed()) / 1e6);

        auto *search = view.findChild<QLineEdit *>(QStringLiteral("candidateSearch"));
        const QString typed = QStringLiteral("pablo");
        for (int i = 0; i < typed.size(); ++i) {
            t.restart();
            QTest::keyClick(search, typed.at(i).toLatin1());
            view.applyFilter(); // what the debounce timer does after the last keystroke
            paint(view);
            keys.append(double(t.nsecsElapsed()) / 1e6);
        }
        search->clear();
        view.applyFilter();

        auto *table = view.findChild<QTableView *>(QStringLiteral("candidatesTable"));
        QHeaderView *header = table->horizontalHeader();
        auto click = [&](int section) {
            const QPoint at(header->sectionViewportPosition(section) + header->sectionSize(section) / 2,
                header->height() / 2);
            t.restart();
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
            paint(view);
            return double(t.nsecsElapsed()) / 1e6;
        };
        sorts.append(click(CandidatesModel::Name));
        sorts.append(click(CandidatesModel::Name)); // descending
        sorts.append(click(CandidatesModel::Updated));
        scoreSorts.append(click(CandidatesModel::Result));
        scoreSorts.append(click(CandidatesModel::Result));
    }
    n.firstPaint = median(first);
    n.keystroke = median(keys);
    n.sortClick = median(sorts);
    n.sortClickScore = median(scoreSorts);
    return n;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int rows = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 100000;
    QTemporaryDir dir;
    StoreError error;
    auto small = Store::open(dir.filePath(QStringLiteral("small.sqlite")), &error);
    auto big = Store::open(dir.filePath(QStringLiteral("big.sqlite")), &error);
    if (!small || !big) {
        out << "cannot open the stores: " << error.message << Qt::endl;
        return 1;
    }
    QString err;
    const ManualClock clock(QDateTime(QDate(2026, 11, 27), QTime(15, 0), Qt::UTC));
    if (!DemoData::seedCompany(small->database(), clock, &err) || !DemoData::seedCompany(big->database(), clock, &err)
        || !DemoData::seedCandidates(big->database(), rows, &err)) {
        out << "cannot seed: " << err << Qt::endl;
        return 1;
    }
    const int runs = 5;
    const Numbers base = measure(*small, runs);
    const Numbers n = measure(*big, runs);
    auto line = [](const char *what, double baseline, double value, const char *aim) {
        out << QString::fromLatin1(what).leftJustified(34) << QString::number(baseline, 'f', 1).rightJustified(8)
            << " ms" << QString::number(value, 'f', 1).rightJustified(10) << " ms"
            << QString::number(baseline > 0 ? value / baseline : 0, 'f', 1).rightJustified(8) << "x   " << aim
            << Qt::endl;
    };
    out << "candidates view, offscreen, median of " << runs << " runs; " << rows + 30 << " rows vs 30 (demo)\n"
        << QStringLiteral("action").leftJustified(34) << "  30 rows" << "   " << QString::number(rows + 30).rightJustified(10)
        << "   ratio\n";
    line("first paint", base.firstPaint, n.firstPaint, "aim <= 300 ms");
    line("filter keystroke (apply + paint)", base.keystroke, n.keystroke, "aim <= 50 ms");
    line("sort click: name, updated", base.sortClick, n.sortClick, "");
    line("sort click: interview score", base.sortClickScore, n.sortClickScore, "");
    return 0;
}

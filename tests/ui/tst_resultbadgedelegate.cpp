#include "models/admin/AdminInterfaces.h"
#include "ui/ResultBadgeDelegate.h"

#include <QApplication>
#include <QPainter>
#include <QStandardItemModel>
#include <QtTest>

using namespace intrvio;

// Paints the badge into an image for each state and checks the colours and the size hint.
class tst_ResultBadgeDelegate : public QObject
{
    Q_OBJECT
private:
    static bool near(QColor a, QColor b)
    {
        return qAbs(a.red() - b.red()) <= 3 && qAbs(a.green() - b.green()) <= 3
            && qAbs(a.blue() - b.blue()) <= 3;
    }

private Q_SLOTS:
    void paintsStateColours_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<QVariant>("score");
        QTest::addColumn<QString>("background");
        QTest::addColumn<QString>("text");
        QTest::newRow("sending") << "sending" << QVariant() << "#e3f2fd"
                                 << "Sending";
        QTest::newRow("sent") << "sent" << QVariant() << "#e8eaf6"
                              << "Sent";
        QTest::newRow("pending") << "pending" << QVariant() << "#fff3c4"
                                 << "Pending";
        QTest::newRow("failed") << "failed" << QVariant() << "#ffebee"
                                << "Failed";
        QTest::newRow("completed 92: strong") << "completed" << QVariant(92) << "#2e7d32"
                                              << "Completed · 92";
        QTest::newRow("completed 80: strong") << "completed" << QVariant(80) << "#2e7d32"
                                              << "Completed · 80";
        QTest::newRow("completed 65: good") << "completed" << QVariant(65) << "#7cb342"
                                            << "Completed · 65";
        QTest::newRow("completed 45: borderline") << "completed" << QVariant(45) << "#f9a825"
                                                  << "Completed · 45";
        QTest::newRow("completed 12: weak") << "completed" << QVariant(12) << "#c62828"
                                            << "Completed · 12";
        QTest::newRow("completed, no score") << "completed" << QVariant() << "#00897b"
                                             << "Completed";
        QTest::newRow("outbox dead letter") << "dead" << QVariant() << "#ffebee"
                                            << "Dead letter";
        QTest::newRow("other state") << "expired" << QVariant() << "#eceff1"
                                     << "Expired";
    }
    void paintsStateColours()
    {
        QFETCH(QString, state);
        QFETCH(QVariant, score);
        QFETCH(QString, background);
        QFETCH(QString, text);

        QStandardItemModel model(1, 1);
        model.setData(model.index(0, 0), state, AdminRole::ResultState);
        model.setData(model.index(0, 0), score, AdminRole::ResultScore);
        ResultBadgeDelegate delegate;
        QStyleOptionViewItem option;
        option.rect = QRect(0, 0, 220, 32);
        option.font = QApplication::font();
        option.state = QStyle::State_Enabled;

        const auto style = ResultBadgeDelegate::styleFor(state, score);
        QCOMPARE(style.text, text);
        QCOMPARE(style.background.name(), background);

        QImage image(option.rect.size(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        delegate.paint(&painter, option, model.index(0, 0));
        painter.end();

        QFont bold = option.font;
        bold.setBold(true);
        const QRect badge = ResultBadgeDelegate::badgeRect(option.rect, QFontMetrics(bold), text);
        QVERIFY(badge.width() > 20 && badge.height() > 8);
        // Inside the pill, left of the text: the state's colour.
        const QColor inside = image.pixelColor(badge.left() + 4, badge.center().y());
        QVERIFY2(near(inside, QColor(background)),
            qPrintable(inside.name() + QStringLiteral(" vs ") + background));
        // Outside the pill: untouched.
        QCOMPARE(image.pixelColor(option.rect.right() - 2, 2), QColor(Qt::white));
        // The label is drawn: some pixels in the pill are neither background nor white.
        int ink = 0;
        for (int x = badge.left() + 8; x < badge.right() - 8; ++x) {
            for (int y = badge.top() + 2; y < badge.bottom() - 2; ++y) {
                const QColor c = image.pixelColor(x, y);
                if (!near(c, QColor(background)) && c != QColor(Qt::white))
                    ++ink;
            }
        }
        QVERIFY(ink > 10);
    }

    void emptyStateDrawsNothing()
    {
        QStandardItemModel model(1, 1);
        ResultBadgeDelegate delegate;
        QStyleOptionViewItem option;
        option.rect = QRect(0, 0, 120, 30);
        option.font = QApplication::font();
        QImage image(option.rect.size(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        delegate.paint(&painter, option, model.index(0, 0));
        painter.end();
        for (int x = 0; x < image.width(); x += 5)
            QCOMPARE(image.pixelColor(x, 15), QColor(Qt::white));
    }

    void sizeHintFitsTheLabel()
    {
        QStandardItemModel model(2, 1);
        model.setData(model.index(0, 0), QStringLiteral("sent"), AdminRole::ResultState);
        model.setData(model.index(1, 0), QStringLiteral("completed"), AdminRole::ResultState);
        model.setData(model.index(1, 0), 100, AdminRole::ResultScore);
        ResultBadgeDelegate delegate;
        QStyleOptionViewItem option;
        option.font = QApplication::font();
        QFont bold = option.font;
        bold.setBold(true);
        const QFontMetrics fm(bold);
        const QSize sent = delegate.sizeHint(option, model.index(0, 0));
        const QSize done = delegate.sizeHint(option, model.index(1, 0));
        QVERIFY(sent.width() > fm.horizontalAdvance(QStringLiteral("Sent")));
        QVERIFY(done.width() > fm.horizontalAdvance(QStringLiteral("Completed · 100")));
        QVERIFY(done.width() > sent.width());
        QVERIFY(sent.height() > fm.height());
    }
};

QTEST_MAIN(tst_ResultBadgeDelegate)
#include "tst_resultbadgedelegate.moc"

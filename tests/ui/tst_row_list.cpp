// The list model template the kiosk and the auditor share (ui/common/row_list.hpp): role names from
// the row type, `count` and its signal as rows come and go, get(row) by role name, in-place
// updates, and the wipe of rows that hold a secret when they are replaced, cleared or destroyed.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <memory>

#include "row_list.hpp"
#include "secret_wipe.hpp"

namespace ui = psephos::ui;

namespace {

struct PlainRow {
    enum Role { NameRole = Qt::UserRole + 1, SizeRole };
    static QHash<int, QByteArray> role_names() { return {{NameRole, "name"}, {SizeRole, "size"}}; }
    QVariant value(int role) const {
        switch (role) {
            case NameRole:
                return name;
            case SizeRole:
                return size;
            default:
                return {};
        }
    }
    QString name;
    int size = 0;
};

// A row holding a secret: counts its wipes, and zeroes its text (the kiosk's rows' wipeString).
struct SecretRow {
    enum Role { MarkRole = Qt::UserRole + 1 };
    static QHash<int, QByteArray> role_names() { return {{MarkRole, "mark"}}; }
    QVariant value(int role) const { return role == MarkRole ? QVariant(mark) : QVariant(); }
    void wipe() {
        ui::wipeString(mark);
        ++*wipes;
    }
    QString mark;
    std::shared_ptr<int> wipes;
};

static_assert(!ui::WipedRow<PlainRow>);
static_assert(ui::WipedRow<SecretRow>);

std::vector<SecretRow> secret_rows(const std::shared_ptr<int>& wipes, int n) {
    std::vector<SecretRow> rows;
    for (int i = 0; i < n; ++i) rows.push_back({QStringLiteral("mark %1").arg(i), wipes});
    return rows;
}

}  // namespace

class TestRowList : public QObject {
    Q_OBJECT

private slots:
    void role_names_come_from_the_row() {
        ui::RowList<PlainRow> list;
        QAbstractItemModelTester tester(&list,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        list.setRows({{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}});
        const QHash<int, QByteArray> names = list.roleNames();
        QCOMPARE(names.size(), 2);
        QCOMPARE(names.value(PlainRow::NameRole), QByteArray("name"));
        QCOMPARE(names.value(PlainRow::SizeRole), QByteArray("size"));
        QCOMPARE(list.data(list.index(1), PlainRow::NameRole).toString(), QStringLiteral("b"));
        QCOMPARE(list.data(list.index(1), PlainRow::SizeRole).toInt(), 2);
        QVERIFY(!list.data(list.index(1), Qt::DisplayRole).isValid());  // no role of the row
        const QVariantMap row = list.get(0);
        QCOMPARE(row.size(), 2);
        QCOMPARE(row.value(QStringLiteral("name")).toString(), QStringLiteral("a"));
        QCOMPARE(row.value(QStringLiteral("size")).toInt(), 1);
        QVERIFY(list.get(2).isEmpty());
        QVERIFY(list.get(-1).isEmpty());
    }

    void count_changes_with_the_number_of_rows() {
        ui::RowList<PlainRow> list;
        QAbstractItemModelTester tester(&list,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy counts(&list, &ui::ListModel::countChanged);
        QSignalSpy resets(&list, &QAbstractItemModel::modelReset);
        QCOMPARE(list.count(), 0);
        list.setRows(
            {{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}, {QStringLiteral("c"), 3}});
        QCOMPARE(list.count(), 3);
        QCOMPARE(list.rowCount(), 3);
        QCOMPARE(list.property("count").toInt(), 3);  // what QML reads
        QCOMPARE(counts.size(), 1);
        // As many rows again: the rows are new (a reset) but the count did not change.
        list.setRows(
            {{QStringLiteral("x"), 7}, {QStringLiteral("y"), 8}, {QStringLiteral("z"), 9}});
        QCOMPARE(counts.size(), 1);
        QCOMPARE(resets.size(), 2);
        QCOMPARE(list.rows()[2].name, QStringLiteral("z"));
        list.clear();
        QCOMPARE(list.count(), 0);
        QCOMPARE(counts.size(), 2);
        QCOMPARE(resets.size(), 3);
    }

    void update_rows_changes_every_row_in_place() {
        ui::RowList<PlainRow> list;
        QAbstractItemModelTester tester(&list,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        list.setRows({{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}});
        QSignalSpy changed(&list, &QAbstractItemModel::dataChanged);
        QSignalSpy counts(&list, &ui::ListModel::countChanged);
        list.updateRows([](PlainRow& row) { row.size *= 10; });
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toModelIndex().row(), 0);
        QCOMPARE(changed[0][1].toModelIndex().row(), 1);
        QCOMPARE(counts.size(), 0);
        QCOMPARE(list.data(list.index(0), PlainRow::SizeRole).toInt(), 10);
        QCOMPARE(list.data(list.index(1), PlainRow::SizeRole).toInt(), 20);
        ui::RowList<PlainRow> empty;
        QSignalSpy none(&empty, &QAbstractItemModel::dataChanged);
        empty.updateRows([](PlainRow& row) { row.size = 1; });
        QCOMPARE(none.size(), 0);
    }

    void secret_rows_are_wiped_when_replaced_cleared_or_destroyed() {
        auto wipes = std::make_shared<int>(0);
        {
            ui::RowList<SecretRow> list;
            list.setRows(secret_rows(wipes, 3));
            QCOMPARE(*wipes, 0);
            list.setRows(secret_rows(wipes, 2));
            QCOMPARE(*wipes, 3);  // the three replaced rows
            QCOMPARE(list.get(1).value(QStringLiteral("mark")).toString(),
                     QStringLiteral("mark 1"));
            list.clear();
            QCOMPARE(*wipes, 5);
            QCOMPARE(list.count(), 0);
            list.setRows(secret_rows(wipes, 4));
        }
        QCOMPARE(*wipes, 9);  // the last four, when the list went
    }
};

QTEST_GUILESS_MAIN(TestRowList)
#include "tst_row_list.moc"

// The Qt-side wipes of a voter's marks (secret_wipe.hpp): a string this code owns alone is zeroed
// in place; a string shared with someone else (the QML engine) is released, never written.
#include <QStringList>
#include <QTest>
#include <QVariantMap>

#include "secret_wipe.hpp"

namespace ui = psephos::ui;

class TestSecretWipe : public QObject {
    Q_OBJECT

private slots:
    void wipe_string_zeroes_its_only_copy() {
        QString text = QString::fromUtf8("Mayor: Rosa Delgado, selected.");
        const QChar* data = text.constData();
        const qsizetype size = text.size();
        ui::wipeString(text);
        QVERIFY(text.isEmpty());
        QCOMPARE(text.constData(), data);  // the same buffer, kept and zeroed
        for (qsizetype i = 0; i < size; ++i) QCOMPARE(data[i].unicode(), char16_t{0});
    }

    void wipe_string_leaves_a_shared_copy_alone() {
        const QString other = QString::fromUtf8("Rosa Delgado");
        QString text = other;  // shared, as a string handed to QML is
        ui::wipeString(text);
        QVERIFY(text.isEmpty());
        QCOMPARE(other, QStringLiteral("Rosa Delgado"));
    }

    // Each string goes through wipeString (zeroed when owned alone, as above); a copy that
    // someone else holds stays readable to them.
    void wipe_string_list_empties_and_leaves_shared_copies_alone() {
        QStringList marks{QString::fromUtf8("Rosa Delgado"), QString::fromUtf8("Yes")};
        const QString shared = marks[1];  // as a row's string handed to QML is
        ui::wipeStringList(marks);
        QVERIFY(marks.isEmpty());
        QCOMPARE(shared, QStringLiteral("Yes"));
    }

    void wipe_variant_list_empties_nested_values() {
        QVariantList items{
            QVariantMap{{QStringLiteral("title"), QStringLiteral("Mayor")},
                        {QStringLiteral("marks"), QStringList{QString::fromUtf8("Rosa Delgado")}}},
            QString::fromUtf8("No")};
        ui::wipeVariantList(items);
        QVERIFY(items.isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestSecretWipe)
#include "tst_secret_wipe.moc"

// The auditor on a record whose manifest was written to attack it: names that start like
// spreadsheet formulas and names with markup. The CSV export neutralises every formula cell
// (OWASP's CSV injection list), and the real QML shows the markup as the characters it is
// written with (plain text) on the overview and results pages.
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQuickItem>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "auditor_driver.hpp"
#include "csv_cell.hpp"
#include "psephos_process.hpp"

using namespace psephos;

namespace {

// What the hostile manifest says in place of the sample's names.
const QString formula_district = QStringLiteral("=HYPERLINK(\"http://x.invalid\",\"Ward 1\")");
const QString formula_title = QStringLiteral("+cmd|' /C calc'!A0");
const QString markup_candidate = QStringLiteral("<b>Rosa</b> <font color=red>Delgado</font>");
const QString at_candidate = QStringLiteral("@SUM(1+1)*cmd|' /C calc'!A0");
const QString minus_candidate = QStringLiteral("-2+3");
const QString comma_candidate = QStringLiteral("Haddad, Amir");
const QString markup_election = QStringLiteral("<h1>Maplewood</h1> Municipal Election 2026");

QJsonObject with_field(QJsonObject o, const QString& key, const QString& value) {
    o[key] = value;
    return o;
}

// The small sample with the names above, written beside `dir`'s other files.
QString write_hostile_manifest(const QString& dir) {
    QFile in(QStringLiteral(PSEPHOS_SAMPLES_DIR "/small-election.json"));
    if (!in.open(QIODevice::ReadOnly)) qFatal("cannot read the small sample");
    QJsonObject m = QJsonDocument::fromJson(in.readAll()).object();
    m[QStringLiteral("name")] = markup_election;
    QJsonArray districts = m[QStringLiteral("districts")].toArray();
    districts[0] = with_field(districts[0].toObject(), QStringLiteral("name"), formula_district);
    m[QStringLiteral("districts")] = districts;
    QJsonArray contests = m[QStringLiteral("contests")].toArray();
    QJsonObject mayor = with_field(contests[0].toObject(), QStringLiteral("title"), formula_title);
    QJsonArray options = mayor[QStringLiteral("options")].toArray();
    options[0] = with_field(options[0].toObject(), QStringLiteral("label"), markup_candidate);
    options[1] = with_field(options[1].toObject(), QStringLiteral("label"), at_candidate);
    options[2] = with_field(options[2].toObject(), QStringLiteral("label"), minus_candidate);
    mayor[QStringLiteral("options")] = options;
    contests[0] = mayor;
    QJsonObject council = contests[1].toObject();
    QJsonArray council_options = council[QStringLiteral("options")].toArray();
    council_options[0] =
        with_field(council_options[0].toObject(), QStringLiteral("label"), comma_candidate);
    council[QStringLiteral("options")] = council_options;
    contests[1] = council;
    m[QStringLiteral("contests")] = contests;
    const QString path = QDir(dir).filePath(QStringLiteral("hostile-election.json"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(m).toJson()) < 0)
        qFatal("cannot write the hostile manifest");
    return path;
}

bool wait_for_verification(ui::AuditorController& a) {
    QSignalSpy finished(&a, &ui::AuditorController::verificationFinished);
    if (!a.verification()->verifying()) return true;
    return finished.wait(120'000);
}

// Every visible Text and TextEdit under `item`.
void collect_texts(QQuickItem* item, QList<QQuickItem*>& out) {
    if (!item || !item->isVisible()) return;
    if (item->inherits("QQuickText") || item->inherits("QQuickTextEdit")) out << item;
    for (QQuickItem* child : item->childItems()) collect_texts(child, out);
}

}  // namespace

class TestHostileLabels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        const QString data = m_dir.filePath(QStringLiteral("election"));
        const test::Run demo = test::run(
            {QStringLiteral("demo"), QStringLiteral("--election"),
             write_hostile_manifest(m_dir.path()), QStringLiteral("--voters"), QStringLiteral("12"),
             QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--threads"),
             QStringLiteral("2"), QStringLiteral("--data"), data});
        QVERIFY2(demo.exit_code == 0, qPrintable(test::describe(demo)));
        m_record = QDir(data).filePath(QStringLiteral("record"));
    }

    void csv_cell_neutralises_formulas_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("cell");
        QTest::newRow("equals") << QStringLiteral("=1+1") << QStringLiteral("\"'=1+1\"");
        QTest::newRow("plus") << QStringLiteral("+1") << QStringLiteral("\"'+1\"");
        QTest::newRow("minus") << QStringLiteral("-1") << QStringLiteral("\"'-1\"");
        QTest::newRow("at") << QStringLiteral("@A1") << QStringLiteral("\"'@A1\"");
        QTest::newRow("tab") << QStringLiteral("\t=1") << QStringLiteral("\"'\t=1\"");
        QTest::newRow("carriage return") << QStringLiteral("\r=1") << QStringLiteral("\"'\r=1\"");
        QTest::newRow("formula with quotes")
            << QStringLiteral("=HYPERLINK(\"u\")") << QStringLiteral("\"'=HYPERLINK(\"\"u\"\")\"");
        QTest::newRow("plain") << QStringLiteral("Rosa Delgado") << QStringLiteral("Rosa Delgado");
        QTest::newRow("a formula sign inside") << QStringLiteral("a=b") << QStringLiteral("a=b");
        QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral("\"a,b\"");
        QTest::newRow("quote") << QStringLiteral("a\"b") << QStringLiteral("\"a\"\"b\"");
        QTest::newRow("line break") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
        QTest::newRow("empty") << QString() << QString();
    }
    void csv_cell_neutralises_formulas() {
        QFETCH(QString, field);
        QFETCH(QString, cell);
        QCOMPARE(ui::csvCell(field), cell);
    }

    // The export of the hostile record: every name that starts like a formula is a quoted cell
    // starting with ', and the other names are as they were.
    void csv_export_neutralises_formula_names() {
        ui::AuditorController a;
        QVERIFY2(a.openRecord(m_record), qPrintable(a.record()->loadError()));
        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Passed);
        const QString csv = m_dir.filePath(QStringLiteral("results.csv"));
        QVERIFY(a.exportResultsCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        const QString district =
            QStringLiteral("\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"Ward 1\"\")\"");
        const QString title = QStringLiteral("\"'+cmd|' /C calc'!A0\"");
        const QStringList expected_prefixes{
            QStringLiteral("ward-1,%1,mayor,%2,rosa-delgado,%3,")
                .arg(district, title, markup_candidate),
            QStringLiteral("ward-1,%1,mayor,%2,martin-okafor,\"'%3\",")
                .arg(district, title, at_candidate),
            QStringLiteral("ward-1,%1,mayor,%2,helen-park,\"'-2+3\",").arg(district, title),
            QStringLiteral("TOTAL,All districts,mayor,%1,helen-park,\"'-2+3\",").arg(title),
            QStringLiteral("ward-1,%1,city-council,City Council (vote for up to 2),amir-haddad,"
                           "\"Haddad, Amir\",")
                .arg(district),
            QStringLiteral("ward-2,Ward 2,mayor,%1,rosa-delgado,%2,").arg(title, markup_candidate)};
        for (const QString& prefix : expected_prefixes) {
            bool found = false;
            for (const QString& line : lines) found = found || line.startsWith(prefix);
            QVERIFY2(found, qPrintable(QStringLiteral("no line starts with %1 in:\n%2")
                                           .arg(prefix, lines.join('\n'))));
        }
        // No cell of any line starts like a formula outside its quotes.
        for (const QString& line : lines) {
            for (const QString& cell : line.split(',')) {
                QVERIFY2(cell.isEmpty() || !QStringLiteral("=+-@").contains(cell.front()),
                         qPrintable(QStringLiteral("cell %1 of line %2").arg(cell, line)));
            }
        }
    }

    // The overview and the results page show the markup literally: every text item that holds
    // a manifest name is plain text.
    void auditor_shows_markup_as_plain_text() {
        test::AuditorDriver d;
        d.openByPath(m_record);
        QVERIFY2(d.auditor().record()->loaded(), qPrintable(d.auditor().record()->loadError()));
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; }));
        QCOMPARE(d.text(QStringLiteral("electionName")), markup_election);
        QCOMPARE(d.require(QStringLiteral("electionName"))->property("textFormat").toInt(), 0);
        check_markup_is_plain(d, 2);  // the election's name, the district's
        d.click(QStringLiteral("tab-verify"));
        d.click(QStringLiteral("verifyButton"));
        QVERIFY(d.waitForVerdict());
        d.click(QStringLiteral("tab-results"));
        QVERIFY(d.text(QStringLiteral("resultsStatus")).startsWith(QStringLiteral("passed")));
        check_markup_is_plain(d, 1);
    }

private:
    // At least `at_least` visible text items show markup from the manifest, each as plain text.
    static void check_markup_is_plain(test::AuditorDriver& d, int at_least) {
        d.settle();
        QList<QQuickItem*> texts;
        collect_texts(d.window->contentItem(), texts);
        int shown = 0;
        for (QQuickItem* t : texts) {
            const QString text = t->property("text").toString();
            if (!text.contains(QStringLiteral("<b>")) && !text.contains(QStringLiteral("<h1>")) &&
                !text.contains(QStringLiteral("HYPERLINK")))
                continue;
            ++shown;
            QVERIFY2(t->property("textFormat").toInt() == 0,
                     qPrintable(QStringLiteral("\"%1\" is not plain text").arg(text)));
        }
        QVERIFY2(shown >= at_least, qPrintable(QStringLiteral("%1 items show a name").arg(shown)));
    }

    QTemporaryDir m_dir;
    QString m_record;
};

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestHostileLabels test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_hostile_labels.moc"

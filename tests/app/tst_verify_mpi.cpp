// `mpirun -np N psephos verify --mpi` (docs/scale.md) as real processes, on a record of a
// hundred districts from `psephos-bench national`: its --json report is byte for byte the
// single-process report with 2 ranks and with 3 (oversubscribed), passing and with a ballot
// changed in one district (record.json's hash redone, so the content checks must catch it); a
// rank killed before it reports, or one that fails, makes the run fail naming the districts not
// checked, never pass. The ctest environment allows mpirun as root (label mpi).
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

#include "psephos_process.hpp"

using namespace psephos;
using test::Run;

namespace {

constexpr int districts = 100;

Run mpi_run(int ranks, const QStringList& command, const QString& fault = {}) {
    QStringList args = {"-np", QString::number(ranks)};
    if (ranks > 2) args << "--oversubscribe";
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("PSEPHOS_MPI_FAULT");
    if (!fault.isEmpty()) {
        env.insert("PSEPHOS_MPI_FAULT", fault);
        args << "-x"
             << "PSEPHOS_MPI_FAULT";
    }
    args << PSEPHOS_EXE << command;
    return test::run_executable(QStringLiteral(MPIEXEC_EXE), args, env);
}

Run mpi_verify(int ranks, const QString& record, const QString& fault = {}) {
    return mpi_run(ranks, {"verify", "--mpi", record, "--json"}, fault);
}

// The district ids a "districts not checked: a, b" line of stderr names.
std::set<QString> named_not_checked(const QString& err) {
    std::set<QString> names;
    for (const QString& line : err.split('\n')) {
        const auto at = line.indexOf(QRegularExpression("districts not (checked|recomputed): "));
        if (at < 0) continue;
        const QString list = line.mid(line.indexOf(": ", at) + 2);
        for (const QString& id : list.split(", ")) names.insert(id.trimmed());
    }
    return names;
}

}  // namespace

class TestVerifyMpi : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString record_;
    QString changed_;  // a copy with a ballot of d-042 changed

    // Flips a byte in the middle of the first ballot of the district's log and redoes the
    // file's sha256 in record.json.
    void change_a_ballot(const QString& record, const QString& district) {
        const QString path = record + "/districts/" + district + "/records.bin";
        QByteArray bytes = test::read_all(path);
        qsizetype at = 0;
        while (at + 4 < bytes.size()) {
            const auto* p = reinterpret_cast<const unsigned char*>(bytes.constData() + at);
            const qsizetype n = (qsizetype{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
            if (p[4] == 0x02) {  // a ballot record (docs/encoding.md §4)
                bytes[at + 4 + n / 2] = static_cast<char>(bytes[at + 4 + n / 2] ^ 0x01);
                break;
            }
            at += 4 + n;
        }
        QVERIFY2(at + 4 < bytes.size(), "no ballot in the district's log");
        const QByteArray old_hash =
            QCryptographicHash::hash(test::read_all(path), QCryptographicHash::Sha256).toHex();
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(bytes);
        out.close();
        const QByteArray new_hash =
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
        QByteArray index = test::read_all(record + "/record.json");
        QVERIFY(index.contains(old_hash));
        index.replace(old_hash, new_hash);
        QFile index_file(record + "/record.json");
        QVERIFY(index_file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        index_file.write(index);
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        record_ = tmp_.path() + "/record";
        const Run built =
            test::run_executable(QStringLiteral(PSEPHOS_BENCH_EXE),
                                 {"national", "--districts", QString::number(districts),
                                  "--ballots-per-district", "3", "--out", record_});
        QVERIFY2(built.exit_code == 0, qPrintable(test::describe(built)));
        changed_ = tmp_.path() + "/changed";
        QVERIFY(QDir().mkpath(changed_));
        const Run copied = test::run_executable("cp", {"-a", record_ + "/.", changed_});
        QVERIFY(copied.exit_code == 0);
        change_a_ballot(changed_, "d-042");
    }

    void same_report_as_one_process_data() {
        QTest::addColumn<bool>("changed");
        QTest::newRow("as built") << false;
        QTest::newRow("a ballot changed in d-042") << true;
    }
    void same_report_as_one_process() {
        QFETCH(bool, changed);
        const QString record = changed ? changed_ : record_;
        const Run single = test::run({"verify", record, "--json"});
        QCOMPARE(single.exit_code, changed ? 1 : 0);
        const QJsonObject report = test::json_of(single);
        QCOMPARE(report["verdict"].toString(), changed ? "FAIL" : "PASS");
        if (changed) {
            // The ballot's change is named in its district and nowhere else.
            std::set<QString> failed_scopes;
            for (const auto& c : report["checks"].toArray())
                if (c.toObject()["status"].toString() == "failed")
                    failed_scopes.insert(c.toObject()["scope"].toString());
            QVERIFY2(failed_scopes.count("d-042") == 1, qPrintable(single.out.left(2000)));
            for (const QString& scope : failed_scopes)
                QVERIFY2(scope == "d-042" || !scope.startsWith("d-"), qPrintable(scope));
        }
        for (const int ranks : {2, 3}) {
            const Run mpi = mpi_verify(ranks, record);
            QVERIFY2(mpi.exit_code == single.exit_code, qPrintable(test::describe(mpi)));
            QCOMPARE(mpi.out, single.out);
        }
    }

    // tally --recompute: the ranks' partial sums added at rank 0 give the one process's output.
    void tally_recompute_same_as_one_process_data() {
        QTest::addColumn<bool>("changed");
        QTest::newRow("as built") << false;
        QTest::newRow("a ballot changed in d-042") << true;
    }
    void tally_recompute_same_as_one_process() {
        QFETCH(bool, changed);
        const QString record = changed ? changed_ : record_;
        const Run single = test::run({"tally", "--recompute", record});
        QCOMPARE(single.exit_code, changed ? 1 : 0);
        QVERIFY2(single.out.contains(changed ? "DIFFER: " : "MATCH: 300 ballots counted in 100"),
                 qPrintable(test::describe(single)));
        // Totals only when every district's log was recomputed.
        QCOMPARE(single.out.contains("contest measure-1 option yes: election-wide encrypted total"),
                 !changed);
        for (const QString& line : single.out.split('\n'))
            if (line.startsWith("district ") && !line.contains(") matches: "))
                QVERIFY2(changed && line.startsWith("district d-042: "), qPrintable(line));
        for (const int ranks : {2, 3}) {
            const Run mpi = mpi_run(ranks, {"tally", "--recompute", "--mpi", record});
            QCOMPARE(mpi.exit_code, single.exit_code);
            QCOMPARE(mpi.out, single.out);
        }
    }

    void a_killed_rank_fails_the_tally_recompute() {
        const Run mpi = mpi_run(3, {"tally", "--recompute", "--mpi", record_}, "kill:1");
        QVERIFY2(mpi.exit_code != 0, qPrintable(test::describe(mpi)));
        QVERIFY(!mpi.out.contains("MATCH"));
        const std::set<QString> named = named_not_checked(mpi.err);
        QVERIFY2(named.size() >= districts / 4 && named.size() <= districts / 2,
                 qPrintable(test::describe(mpi)));
    }

    void a_killed_rank_fails_the_run_naming_its_districts_data() {
        QTest::addColumn<QString>("fault");
        QTest::newRow("rank 1 killed") << "kill:1";
        QTest::newRow("rank 2 fails") << "fail:2";
    }
    void a_killed_rank_fails_the_run_naming_its_districts() {
        QFETCH(QString, fault);
        const Run mpi = mpi_verify(3, record_, fault);
        QVERIFY2(mpi.exit_code != 0, qPrintable(test::describe(mpi)));
        QVERIFY2(!mpi.out.contains("PASS"), qPrintable(test::describe(mpi)));
        const std::set<QString> named = named_not_checked(mpi.err);
        // About a third of the districts, each one of the record's.
        QVERIFY2(named.size() >= districts / 4 && named.size() <= districts / 2,
                 qPrintable(test::describe(mpi)));
        for (const QString& id : named)
            QVERIFY2(QDir(record_ + "/districts/" + id).exists(), qPrintable(id));
        if (fault.startsWith("fail")) {
            // The report is still printed, incomplete, its unchecked districts marked so.
            const QJsonObject report = test::json_of(mpi);
            QCOMPARE(report["verdict"].toString(), QString("INCOMPLETE"));
            for (const auto& c : report["checks"].toArray()) {
                const QJsonObject check = c.toObject();
                if (named.count(check["scope"].toString()))
                    QCOMPARE(check["status"].toString(), QString("not run"));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestVerifyMpi)
#include "tst_verify_mpi.moc"

// The ledger when its disk fails under it (docs/ledger.md §9): the database's write-ahead log goes
// through a file system that refuses appends (a full disk) or syncs (a failed fsync) on demand
// (testing::StorageFaults). A batch whose synced write failed acknowledges nothing, leaves the
// ledger's logs and modules as they were, and leaves the database either without the batch or with
// all of it — never a part — as a reopening shows; a ballot that was refused this way can be cast
// again.
#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/testing/storage_faults.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;

namespace {

struct LogState {
    std::uint64_t size = 0;
    Hash32 root;
    std::string checkpoint;
    bool operator==(const LogState&) const = default;
};

LogState state_of(const Ledger& l, std::string_view log) {
    auto s = l.status(log);
    if (!s) qFatal("status: %s", s.error().message.c_str());
    return {s.value().size, s.value().root, s.value().signed_checkpoint};
}

}  // namespace

class TestLedgerDiskFull : public QObject {
    Q_OBJECT

private slots:
    void a_failed_write_acknowledges_nothing_and_changes_nothing_data() {
        QTest::addColumn<int>("fault");
        QTest::newRow("disk full (append)") << static_cast<int>(testing::StorageFault::append);
        QTest::newRow("fsync fails") << static_cast<int>(testing::StorageFault::sync);
    }
    void a_failed_write_acknowledges_nothing_and_changes_nothing() {
        QFETCH(int, fault);
        QTemporaryDir dir;
        test::LedgerScenario s;
        LedgerOptions o = test::options_in(dir.path().toStdString());
        auto faults = std::make_shared<testing::StorageFaults>();
        o.storage_faults = faults;
        const std::string district = s.kiosk(0).district_id;

        std::vector<Bytes> cast_before;
        LogState district_before, events_before;
        std::uint64_t counted_before = 0;
        Bytes refused_ballot;
        {
            auto created =
                Ledger::create(o, s.election(), s.approval(), test::LedgerScenario::ledger_key());
            QVERIFY2(created, created ? "" : created.error().message.c_str());
            auto& ledger = *created.value();
            test::require_all_ok(ledger.ingest(s.opening(), ActorRole::election_official));
            for (int i = 0; i < 3; ++i) cast_before.push_back(s.next_cast(0, i));
            test::require_all_ok(ledger.ingest(cast_before));
            district_before = state_of(ledger, district);
            events_before = state_of(ledger, event_log_name);
            counted_before = ledger.statistics().records_appended;

            faults->inject(static_cast<testing::StorageFault>(fault));
            const PreparedBallot prepared = s.next_ballot(0, 3);
            refused_ballot = encode_ballot(prepared.ballot);
            const Result<Receipt> refused = ledger.submit(refused_ballot).get();
            QVERIFY(!refused);
            QVERIFY2(refused.error().code == ErrorCode::io_error, refused.error().message.c_str());
            QVERIFY2(refused.error().message.find("district '" + district +
                                                  "': the batch was not acknowledged") !=
                         std::string::npos,
                     refused.error().message.c_str());
            QVERIFY(faults->refused() > 0);
            // Nothing moved in memory: the log, the event log, the counts.
            QVERIFY(state_of(ledger, district) == district_before);
            QVERIFY(state_of(ledger, event_log_name) == events_before);
            QCOMPARE(ledger.statistics().records_appended, counted_before);
            QCOMPARE(ledger.casting().status(0).ballots_cast, std::uint64_t{3});
            QVERIFY(!ledger.casting().find_tracking_code(prepared.tracking_code));

            // The disk is back, but the ledger refuses to write until it is reopened: whether
            // the failed batch is in the database is known only from what a reopening replays,
            // so nothing may be written on top of it (RocksDB may recover from ENOSPC by itself,
            // so this is the ledger's own refusal).
            faults->inject(testing::StorageFault::none);
            const int refused_before = faults->refused();
            const Result<Receipt> again = ledger.submit(s.next_cast(1, 0)).get();
            QVERIFY(!again);
            QCOMPARE(again.error().code, ErrorCode::refused);
            QVERIFY2(
                again.error().message.find("the batch was not written") != std::string::npos &&
                    again.error().message.find("until the ledger is reopened") != std::string::npos,
                again.error().message.c_str());
            QCOMPARE(faults->refused(), refused_before);  // refused before reaching the disk
            QVERIFY(state_of(ledger, s.kiosk(1).district_id).size == 2);
        }

        // Reopened (every stored record, leaf and checkpoint re-checked): the failed batch is
        // either wholly absent or wholly present, and the log before it is intact.
        auto reopened = Ledger::open(o, test::LedgerScenario::ledger_key());
        QVERIFY2(reopened, reopened ? "" : reopened.error().message.c_str());
        auto& ledger = *reopened.value();
        const LogState after = state_of(ledger, district);
        for (std::uint64_t i = 0; i < cast_before.size(); ++i)
            QCOMPARE(ledger.record(district, 2 + i).value(), cast_before[i]);
        qInfo("after reopening, the district log holds %s", after.size == district_before.size
                                                                ? "none of the failed batch"
                                                                : "all of the failed batch");
        if (after.size == district_before.size) {
            QVERIFY(after == district_before);
            // The refused ballot was not recorded: cast again, it is accepted and chains on.
            const Result<Receipt> recast = ledger.submit(refused_ballot).get();
            QVERIFY2(recast, recast ? "" : recast.error().message.c_str());
            QCOMPARE(recast.value().index, district_before.size);
        } else {
            // The write reached the file before its sync failed and was replayed whole.
            QCOMPARE(after.size, district_before.size + 1);
            QCOMPARE(ledger.record(district, district_before.size).value(), refused_ballot);
        }
        QVERIFY2(testing::StorageFault(fault) == testing::StorageFault::sync ||
                     after.size == district_before.size,
                 "a batch whose append was refused cannot be in the database");
        // Either way the ledger writes again, and the next ballot chains on from the log.
        const Result<Receipt> next = ledger.submit(s.next_cast(0, 4)).get();
        QVERIFY2(next, next ? "" : next.error().message.c_str());
        QCOMPARE(next.value().index, district_before.size + 1);
    }
};

QTEST_GUILESS_MAIN(TestLedgerDiskFull)
#include "tst_ledger_disk_full.moc"

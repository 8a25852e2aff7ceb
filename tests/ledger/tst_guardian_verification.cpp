// Guardians verify before they decrypt (docs/tally.md §2, §3; issue 19): whoever holds the ledger
// key writes a doctored district tally into the ledger — the ciphertexts of exactly one voter's
// ballot, with the honest counts, log size and root, so it passes every check but the sum.
// Reopening the ledger refuses it, naming the district, the record and the option that differs.
#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "psephos/election/tally_recomputation.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/tallying_module.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;

namespace {

LedgerOptions options_for(const QTemporaryDir& dir) {
    LedgerOptions o;
    o.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
    o.threads = 2;
    o.clock = [] { return std::uint64_t{1'793'000'300}; };
    return o;
}

void require_all_ok(const std::vector<Result<Receipt>>& results) {
    for (std::size_t i = 0; i < results.size(); ++i)
        if (!results[i]) qFatal("record %zu: %s", i, results[i].error().message.c_str());
}

// A ledger after a short polling day (in each district: ballots with different marks, one
// challenged), polls closed, not tallied.
std::unique_ptr<Ledger> polling_day(test::LedgerScenario& s, const LedgerOptions& o) {
    auto created = Ledger::create(o, s.election(), test::LedgerScenario::ledger_key());
    if (!created) qFatal("create: %s", created.error().message.c_str());
    require_all_ok(created.value()->ingest(s.opening()));
    std::vector<Bytes> ballots;
    for (std::size_t d = 0; d < s.election().manifest.districts.size(); ++d) {
        for (std::uint64_t choice = 0; choice < 4; ++choice)
            ballots.push_back(s.next_cast(d, choice));
        ballots.push_back(s.next_challenged(d, 1));
    }
    require_all_ok(created.value()->ingest(std::move(ballots)));
    if (auto closed = created.value()->close_all_polls("clerk"); !closed)
        qFatal("close: %s", closed.error().message.c_str());
    return std::move(created).value();
}

// The doctored tally of district 0 recorded in `l`, with the honest tally's first option, which
// is where the two first differ.
struct Doctored {
    std::uint64_t index = 0;  // of the tally record
    std::string contest, option;
};

// The ledger-key holder's doctored tally: the sums are the first cast ballot's ciphertexts, the
// counts, log size and root the honest ones. It is written through the ledger as Ledger::tally
// writes its own tally (TallyingModule::expect_tally, which spares the second summing): this plays
// the key holder running software that skips the check. Then the other districts are tallied.
Doctored record_doctored_tally(test::LedgerScenario& s, Ledger& l) {
    const std::string district = s.election().manifest.districts[0].id;
    const LogStatus log = l.status(district).value();
    auto honest = DistrictTallyBuilder::create(s.election(), district).value();
    auto one_voter = DistrictTallyBuilder::create(s.election(), district).value();
    bool first = true;
    for (std::uint64_t i = 0; i < log.size; ++i) {
        const Bytes record = l.record(district, i).value();
        if (!honest.add_record(record)) qFatal("record %llu", static_cast<unsigned long long>(i));
        if (first && record[0] == static_cast<std::uint8_t>(RecordType::encrypted_ballot)) {
            first = false;
            if (!one_voter.add_record(record)) qFatal("first ballot");
        }
    }
    const DistrictTally truth = honest.finish(log.size, log.root);
    DistrictTally doctored = truth;
    doctored.sums = one_voter.finish(log.size, log.root).sums;
    if (doctored == truth) qFatal("the doctored tally is the honest one");
    const Bytes bytes = encode_district_tally(doctored);
    const_cast<TallyingModule&>(l.tallying()).expect_tally(0, bytes);
    auto receipt = l.submit(bytes, ActorRole::election_official).get();
    if (!receipt) qFatal("doctored tally: %s", receipt.error().message.c_str());
    if (auto rest = l.tally(); !rest) qFatal("tally: %s", rest.error().message.c_str());
    return {receipt.value().index, truth.sums[0].contest_id, truth.sums[0].options[0].option_id};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The error names the district, the tally record's index and the first option that differs.
void require_names_the_difference(const std::string& message, const Doctored& doctored) {
    QVERIFY2(contains(message, "district 'd1'"), message.c_str());
    QVERIFY2(contains(message, "record " + std::to_string(doctored.index)), message.c_str());
    QVERIFY2(contains(message, "contest '" + doctored.contest + "', option '" + doctored.option +
                                   "' is not the sum of the log's cast ballots"),
             message.c_str());
}

}  // namespace

class TestGuardianVerification : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void reopening_refuses_a_doctored_tally() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        const LedgerOptions o = options_for(dir);
        auto l = polling_day(s, o);
        const Doctored doctored = record_doctored_tally(s, *l);
        l.reset();
        for (const bool with_key : {true, false}) {
            std::optional<LedgerKey> key;
            if (with_key) key = test::LedgerScenario::ledger_key();
            auto reopened = Ledger::open(o, std::move(key));
            QVERIFY(!reopened);
            QCOMPARE(reopened.error().code, ErrorCode::corrupted);
            require_names_the_difference(reopened.error().message, doctored);
        }
    }
};

QTEST_APPLESS_MAIN(TestGuardianVerification)
#include "tst_guardian_verification.moc"

// Fuzzes the decoders of the tally's records (docs/encoding.md §16–§18): district tally, tally
// decryption and district result, every one on each input, and the tally builder's reading of a
// cast ballot. Invariants: a decoded record re-encodes to exactly the input; a rejected input
// gives invalid_encoding naming the record and byte offset; at most one decoder accepts an input;
// tally_record_district agrees with the decoded record's district; an accepted result's
// guardians are strictly ascending from 1; the builder either counts the input or refuses it, and
// so does the guardian's recomputation (TallyRecomputation with every ballot check). And a
// guardian's shares file (docs/tally.md §3.1): an accepted one re-encodes to the input and holds
// only that guardian's decryptions; a rejection is invalid_encoding naming the shares file.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/election/local_key_ceremony.hpp"
#include "psephos/election/tally_recomputation.hpp"
#include "psephos/election/tally_records.hpp"

using namespace psephos;
using psephos::fuzz::require;

namespace {
// The small test election's manifest (tests/ledger/test_election.hpp) is not linked here; the
// builder needs only a finalized election with a ballot style for "d1".
std::optional<election::LocalKeyCeremony> ceremony;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    election::ElectionManifest m;
    m.election_id = "test-election-2026";
    m.name = "Test election";
    m.start_date = m.end_date = "2026-11-03";
    m.districts = {{"d1", "North"}, {"d2", "South"}};
    m.contests = {{"mayor",
                   {"Mayor", {}},
                   election::ContestKind::candidate,
                   1,
                   {{"ada", {"Ada", {}}}, {"grace", {"Grace", {}}}, {"alan", {"Alan", {}}}}},
                  {"council",
                   {"Council", {}},
                   election::ContestKind::candidate,
                   2,
                   {{"emmy", {"Emmy", {}}},
                    {"kurt", {"Kurt", {}}},
                    {"john", {"John", {}}},
                    {"rozsa", {"Rózsa", {}}}}},
                  {"measure-a",
                   {"Measure A", {}},
                   election::ContestKind::ballot_measure,
                   1,
                   {{"yes", {"Yes", {}}}, {"no", {"No", {}}}}}};
    m.ballot_styles = {{"north", {"d1"}, {"mayor", "council", "measure-a"}},
                       {"south", {"d2"}, {"mayor", "measure-a"}}};
    m.guardian_count = 3;
    m.threshold = 2;
    ceremony.emplace(election::run_local_key_ceremony(std::move(m)).value());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    int accepted = 0;
    std::optional<std::string> district;

    const auto tally = fuzz::check_canonical_record(
        input, "district tally", [](ByteSpan in) { return election::decode_district_tally(in); },
        [](const auto& record) { return election::encode_district_tally(record); });
    if (tally) {
        ++accepted;
        district = tally->district_id;
        require(tally->ballots_counted + tally->ballots_challenged <= tally->log_size,
                "a tally counts no more ballots than the records it covers");
        (void)election::check_tally_shape(ceremony->election, *tally);
    }

    const auto decryption = fuzz::check_canonical_record(
        input, "tally decryption",
        [](ByteSpan in) { return election::decode_tally_decryption(in); },
        [](const auto& record) { return election::encode_tally_decryption(record); });
    if (decryption) {
        ++accepted;
        district = decryption->district_id;
        require(decryption->guardian_index >= 1, "guardian indices start at 1");
    }

    const auto result = fuzz::check_canonical_record(
        input, "district result", [](ByteSpan in) { return election::decode_district_result(in); },
        [](const auto& record) { return election::encode_district_result(record); });
    if (result) {
        ++accepted;
        district = result->district_id;
        require(!result->guardians.empty() && result->guardians.front() >= 1,
                "a result names at least one guardian, from 1");
        for (std::size_t i = 1; i < result->guardians.size(); ++i)
            require(result->guardians[i - 1] < result->guardians[i], "guardians ascend");
    }

    require(accepted <= 1, "at most one decoder accepts an input");
    if (district) {
        const auto declared = election::tally_record_district(input);
        require(declared && declared.value() == *district,
                "the declared district is the decoded record's");
    }

    // The builder reads cast ballots without decoding their points: it must never crash.
    auto builder = election::DistrictTallyBuilder::create(ceremony->election, "d1").value();
    if (builder.add_record(input)) {
        const election::DistrictTally t = builder.finish(1, {});
        require(t.ballots_counted + t.ballots_challenged <= 1, "one record counts at most once");
    }
    auto recomputation =
        election::TallyRecomputation::create(ceremony->election, "d1", election::BallotChecks::full)
            .value();
    if (recomputation.add_record(input))
        require(recomputation.finish().log_size == 1, "the recomputation covers what it read");

    auto file = election::decode_guardian_decryption_file(input);
    if (file) {
        require(election::encode_guardian_decryption_file(file.value()) ==
                    Bytes(input.begin(), input.end()),
                "a decoded shares file re-encodes to the input");
        for (const Bytes& record : file.value().records)
            require(election::decode_tally_decryption(record).value().guardian_index ==
                        file.value().guardian_index,
                    "a shares file holds its guardian's decryptions only");
    } else {
        require(file.error().code == ErrorCode::invalid_encoding &&
                    file.error().message.rfind("shares file: ", 0) == 0,
                "a rejected shares file is invalid_encoding naming the shares file");
    }
    return 0;
}

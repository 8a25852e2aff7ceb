// Fuzzes the decoders of the ledger's own records (docs/encoding.md §12–§15): device
// registrations and deauthorisations, polls records, district checkpoints and ledger events, every
// one on each input. Invariants: a decoded record re-encodes to exactly the input (one encoding per
// record); a rejected input gives invalid_encoding with a message naming the record and byte
// offset; at most one decoder accepts an input (each record type has one decoder); an accepted
// polls record's action is its type and an opening is a zero report; an accepted event has known
// enum values; an accepted checkpoint record holds a non-empty note ending in a newline.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/ledger_records.hpp"

using namespace psephos;
using psephos::fuzz::require;

namespace {
// The polls decoder names the record after its type byte, "polls record" before it knows it.
std::string polls_record_name(ByteSpan input) {
    if (!input.empty()) {
        for (const auto action : {election::PollsAction::opened, election::PollsAction::paused,
                                  election::PollsAction::resumed, election::PollsAction::closed}) {
            if (input[0] == static_cast<std::uint8_t>(election::record_type_of(action))) {
                return "polls " + std::string(election::to_string(action));
            }
        }
    }
    return "polls record";
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    int accepted = 0;

    const auto registration = fuzz::check_canonical_record(
        input, "device registration",
        [](ByteSpan in) { return election::decode_device_registration(in); },
        [](const auto& record) { return election::encode_device_registration(record); });
    accepted += registration.has_value();

    const auto deauthorisation = fuzz::check_canonical_record(
        input, "device deauthorisation",
        [](ByteSpan in) { return election::decode_device_deauthorisation(in); },
        [](const auto& record) { return election::encode_device_deauthorisation(record); });
    accepted += deauthorisation.has_value();

    const auto evidence = fuzz::check_canonical_record(
        input, "equivocation evidence",
        [](ByteSpan in) { return election::decode_equivocation_evidence(in); },
        [](const auto& record) { return election::encode_equivocation_evidence(record); });
    accepted += evidence.has_value();

    const auto approval = fuzz::check_canonical_record(
        input, "election approval",
        [](ByteSpan in) { return election::decode_election_approval(in); },
        [](const auto& record) { return election::encode_election_approval(record); });
    accepted += approval.has_value();

    const auto polls = fuzz::check_canonical_record(
        input, polls_record_name(input),
        [](ByteSpan in) { return election::decode_polls_record(in); },
        [](const auto& record) { return election::encode_polls_record(record); });
    if (polls) {
        ++accepted;
        require(input[0] == static_cast<std::uint8_t>(election::record_type_of(polls->action)),
                "a polls record's action is its record type");
        require(polls->action != election::PollsAction::opened ||
                    (polls->ballots_cast == 0 && polls->ballots_challenged == 0),
                "polls opened is a zero report");
    }

    const auto checkpoint = fuzz::check_canonical_record(
        input, "district checkpoint",
        [](ByteSpan in) { return election::decode_district_checkpoint(in); },
        [](const auto& record) { return election::encode_district_checkpoint(record); });
    if (checkpoint) {
        ++accepted;
        require(
            !checkpoint->signed_checkpoint.empty() && checkpoint->signed_checkpoint.back() == '\n',
            "a district checkpoint holds a non-empty note ending in a newline");
    }

    const auto event = fuzz::check_canonical_record(
        input, "ledger event", [](ByteSpan in) { return election::decode_ledger_event(in); },
        [](const auto& record) { return election::encode_ledger_event(record); });
    if (event) {
        ++accepted;
        require(election::to_string(event->type) != "unknown" &&
                    election::to_string(event->actor) != "unknown" &&
                    election::to_string(event->disposition) != "unknown",
                "a decoded event has known enum values");
    }

    require(accepted <= 1, "at most one decoder accepts an input");
    return 0;
}

// Fuzzes the record verifier's own decoders (ledger/verifier/src/record_verifier_decode.hpp),
// written independently of the ledger's, against the election library's decoders of the same
// record types: on any input, neither crashes, and both accept or both refuse
// (docs/election-record.md: the verifier decodes "strictly", as docs/encoding.md specifies). A
// disagreement means one of the two reads the specification differently, which is exactly what
// the verifier is there to catch.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/election/anchor_records.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/tally_records.hpp"
#include "record_verifier_decode.hpp"

using namespace psephos;
using psephos::fuzz::require;
namespace rv = psephos::verifier::decode;

namespace {
template <class T>
void agree(bool ledger_accepts, const Result<T>& verifier, const char* what) {
    require(ledger_accepts == verifier.ok(),
            (std::string("the ledger and the verifier disagree on a ") + what).c_str());
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    agree(static_cast<bool>(election::decode_ballot(input)), rv::decode_ballot(input),
          "cast ballot");
    agree(static_cast<bool>(election::decode_challenged_ballot(input)),
          rv::decode_challenged(input), "challenged ballot");
    agree(static_cast<bool>(election::decode_device_registration(input)),
          rv::decode_registration(input), "device registration");
    agree(static_cast<bool>(election::decode_device_deauthorisation(input)),
          rv::decode_deauthorisation(input), "device deauthorisation");
    agree(static_cast<bool>(election::decode_equivocation_evidence(input)),
          rv::decode_equivocation(input), "equivocation evidence");
    agree(static_cast<bool>(election::decode_polls_record(input)), rv::decode_polls(input),
          "polls record");
    agree(static_cast<bool>(election::decode_election_approval(input)), rv::decode_approval(input),
          "election approval");
    agree(static_cast<bool>(election::decode_district_checkpoint(input)),
          rv::decode_district_checkpoint(input), "district checkpoint");
    agree(static_cast<bool>(election::decode_ledger_event(input)), rv::decode_event(input),
          "ledger event");
    agree(static_cast<bool>(election::decode_district_tally(input)), rv::decode_tally(input),
          "district tally");
    agree(static_cast<bool>(election::decode_tally_decryption(input)), rv::decode_decryption(input),
          "tally decryption");
    agree(static_cast<bool>(election::decode_district_result(input)), rv::decode_result(input),
          "district result");
    agree(static_cast<bool>(election::decode_anchor_intent(input)), rv::decode_anchor_intent(input),
          "anchor intent");
    agree(static_cast<bool>(election::decode_anchor_transaction(input)),
          rv::decode_anchor_transaction(input), "anchor transaction");
    agree(static_cast<bool>(election::decode_anchor_confirmation(input)),
          rv::decode_anchor_confirmation(input), "anchor confirmation");
    return 0;
}

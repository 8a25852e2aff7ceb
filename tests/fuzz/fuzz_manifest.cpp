// Fuzzes parse_manifest, the loader of election manifests (JSON from officials' files).
// Invariants: it never crashes; a rejected input lists at least one problem, each with a
// message; an accepted manifest survives manifest_to_json → parse_manifest unchanged in its
// canonical encoding.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/election_manifest.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = election::parse_manifest(fuzz::text_of(data, size));
    if (!parsed) {
        fuzz::require_message(parsed.error(), "parse_manifest error has a message");
        return 0;
    }
    auto again = election::parse_manifest(election::manifest_to_json(parsed.value()));
    require(again.ok(), "a manifest written back as JSON parses again");
    require(election::encode_manifest(again.value(), true) ==
                election::encode_manifest(parsed.value(), true),
            "manifest_to_json then parse_manifest keeps the manifest");
    return 0;
}

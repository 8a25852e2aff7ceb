// Writes the seed corpora of the ledger decoders' fuzz targets: real ballots and challenged
// ballots of a small finalized election, and the sample manifests. Re-run when a format changes:
//     build/fuzz/tests/fuzz/make_ledger_seed_corpus tests/fuzz/corpus samples
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "psephos/ledger/encrypted_ballot.hpp"
#include "test_election.hpp"

namespace fs = std::filesystem;
using namespace psephos;

namespace {
void write(const fs::path& dir, const std::string& name, psephos::ByteSpan bytes) {
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                       static_cast<std::streamsize>(bytes.size()));
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: make_ledger_seed_corpus CORPUS_DIR SAMPLES_DIR\n";
        return 2;
    }
    const fs::path corpus = argv[1];
    const auto election = test::finalize(test::small_manifest());
    const auto device = crypto::Ed25519SigningKey::generate();
    const Hash32 seed = ledger::initial_tracking_code(election.election.base_hash, "kiosk-1");
    const ledger::BallotMarks marks[] = {{}, {{"mayor", {"ada"}}, {"measure-a", {"yes"}}},
                                         {{"mayor", {"alan"}}, {"council", {"emmy", "kurt"}}}};
    int n = 0;
    for (const auto& m : marks) {
        for (const char* district : {"d1", "d2"}) {
            if (std::string(district) == "d2" && m.count("council")) continue;
            const std::string id = "seed-" + std::to_string(n++);
            auto prepared = ledger::encrypt_ballot(election.election, {id, "kiosk-1", district, 1'800'000'000, seed},
                                                   m, device);
            if (!prepared) {
                std::cerr << prepared.error().message << '\n';
                return 1;
            }
            write(corpus / "fuzz_ballot", id, ledger::encode_ballot(prepared.value().ballot));
            write(corpus / "fuzz_challenged_ballot", id,
                  ledger::encode_challenged_ballot(ledger::challenge_ballot(std::move(prepared).value())));
        }
    }
    for (const auto& entry : fs::directory_iterator(argv[2])) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        write(corpus / "fuzz_manifest", entry.path().filename().string(), psephos::as_bytes(text));
    }
    return 0;
}

// Writes the seed corpora of the ledger decoders' fuzz targets: real ballots and challenged
// ballots of a small finalized election, the sample manifests, the guardian announcements,
// sealed shares and decryption shares of a real key ceremony, and the ledger's own records (a
// device registration, the polls records, a signed district checkpoint, a chain of events).
// Re-run when a format changes (a third argument, a target name such as fuzz_tally_records,
// writes that target's seeds only):
//     build/fuzz/tests/fuzz/make_ledger_seed_corpus tests/fuzz/corpus samples [TARGET]
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/ceremony_records.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/election/tally_records.hpp"
#include "test_election.hpp"

namespace fs = std::filesystem;
using namespace psephos;

namespace {
void write(const fs::path& dir, const std::string& name, psephos::ByteSpan bytes) {
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
}

// Three guardians (threshold 2) and one with threshold 3, so the seeds differ in their numbers
// of commitments; every announcement, every sealed share, and decryption shares of a ciphertext.
void write_ceremony_records(const fs::path& corpus) {
    const Hash32 ceremony_hash = crypto::sha256(psephos::as_bytes("make_ledger_seed_corpus"));
    for (const std::uint32_t threshold : {2u, 3u}) {
        const std::uint32_t count = 3;
        std::vector<crypto::Guardian> guardians;
        std::vector<crypto::CoefficientCommitments> commitments;
        for (std::uint32_t i = 1; i <= count; ++i) {
            guardians.push_back(crypto::Guardian::create(ceremony_hash, i, count, threshold));
            commitments.push_back(guardians.back().announcement().commitments);
        }
        const std::string prefix = "k" + std::to_string(threshold) + "-";
        for (auto& recipient : guardians) {
            const auto& a = recipient.announcement();
            write(corpus / "fuzz_guardian_announcement",
                  prefix + "guardian-" + std::to_string(a.index),
                  election::encode_guardian_announcement(a));
            for (const auto& sender : guardians) {
                if (sender.index() == recipient.index()) continue;
                const crypto::SealedShare share = sender.share_for(a);
                write(corpus / "fuzz_sealed_share",
                      prefix + std::to_string(sender.index()) + "-to-" + std::to_string(a.index),
                      election::encode_sealed_share(share));
                if (!recipient.receive_share(sender.announcement(), share)) {
                    throw std::runtime_error("seed ceremony: honest share rejected");
                }
            }
        }
        const crypto::Ciphertext ciphertext = crypto::encrypt_message(
            1, crypto::Scalar::random(), crypto::compute_joint_public_key(commitments));
        for (const auto& g : guardians) {
            const auto secret = g.finish().value();
            const auto share = crypto::compute_decryption_share(
                ceremony_hash, g.index(), secret.secret,
                crypto::compute_public_share(commitments, g.index()), ciphertext);
            write(corpus / "fuzz_decryption_share",
                  prefix + "guardian-" + std::to_string(g.index()),
                  election::encode_decryption_share(share));
        }
    }
}

// One record of each ledger record type, with every polls action and a chain of events that
// uses every event type, actor role and disposition, so the fuzzer starts from each decoder's
// accepting paths.
void write_ledger_records(const fs::path& corpus) {
    const fs::path dir = corpus / "fuzz_ledger_records";
    const auto device = crypto::Ed25519SigningKey::generate();
    election::DeviceRegistration registration{
        "d1", "kiosk-1", device.public_key(), 1'800'000'000, {}};
    election::authorise_device(Hash32{}, registration, crypto::Ed25519SigningKey::generate());
    write(dir, "device-registration", election::encode_device_registration(registration));
    election::DeviceDeauthorisation deauthorisation{
        "d1", "kiosk-1", device.public_key(), 1'800'010'000, "reported stolen", {}};
    election::deauthorise_device(Hash32{}, deauthorisation, crypto::Ed25519SigningKey::generate());
    write(dir, "device-deauthorisation", election::encode_device_deauthorisation(deauthorisation));
    const std::string note =
        "example/district/d1\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
        "\xE2\x80\x94 example/district/d1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    write(dir, "equivocation-evidence",
          election::encode_equivocation_evidence(
              {"station-1", "d1", "two checkpoints of size 3", note, note}));

    std::vector<Bytes> polls;
    for (const auto action : {election::PollsAction::opened, election::PollsAction::paused,
                              election::PollsAction::resumed, election::PollsAction::closed}) {
        const bool opened = action == election::PollsAction::opened;
        election::PollsRecord p{action,
                                "d1",
                                1'800'000'000,
                                opened ? 0u : 12u,
                                opened ? 0u : 3u,
                                "Grace Hopper",
                                "kiosk-1",
                                {},
                                {}};
        if (action == election::PollsAction::closed)
            p.heads.push_back(
                election::sign_device_head(Hash32{}, "d1", "kiosk-1", 15, Hash32{}, device));
        election::sign_polls_record(Hash32{}, p, device);
        const Bytes record = election::encode_polls_record(p);
        write(dir, "polls-" + std::string(election::to_string(action)), record);
        polls.push_back(record);
    }

    crypto::MerkleTreeBuilder tree;
    for (const auto& record : polls) tree.append_leaf_hash(crypto::hash_merkle_leaf(record));
    const std::string origin = "psephos/tiny-2026/district/d1";
    const election::Checkpoint checkpoint{origin, tree.size(), tree.root(), {}};
    const auto log_key = crypto::Ed25519SigningKey::generate();
    const std::string checkpoint_note =
        election::sign_note(checkpoint.to_text(), origin, log_key).value();
    write(dir, "district-checkpoint",
          election::encode_district_checkpoint({"d1", checkpoint_note}));

    Hash32 previous;
    for (std::uint16_t type = 1; type <= 15; ++type) {
        const election::LedgerEvent event{
            type,
            1'800'000'000u + type,
            static_cast<election::EventType>(type),
            static_cast<election::ActorRole>(1 + type % 4),
            static_cast<election::Disposition>(1 + type % 2),
            type % 3 == 0 ? "" : "d1",
            std::string(election::to_string(static_cast<election::EventType>(type))),
            previous};
        const Bytes record = election::encode_ledger_event(event);
        write(dir, "event-" + std::to_string(type), record);
        previous = crypto::hash_merkle_leaf(record);
    }
}

// A district tally of real ballots in both districts, a guardian's decryption of each, the
// results combined from guardians 1 and 2 (threshold 2 of 3), and guardian 1's shares file.
void write_tally_records(const fs::path& corpus, const election::LocalKeyCeremony& election,
                         const std::vector<Bytes>& ballots) {
    const fs::path dir = corpus / "fuzz_tally_records";
    const crypto::DiscreteLogTable table(16);
    election::GuardianDecryptionFile shares{election.election.base_hash, 1, {}};
    for (const char* district : {"d1", "d2"}) {
        auto builder = election::DistrictTallyBuilder::create(election.election, district).value();
        for (const auto& b : ballots) (void)builder.add_record(b);
        const election::DistrictTally tally =
            builder.finish(ballots.size() + 3, crypto::sha256(psephos::as_bytes(district)));
        const Bytes encoded = election::encode_district_tally(tally);
        const Hash32 hash = crypto::hash_merkle_leaf(encoded);
        write(dir, std::string("tally-") + district, encoded);
        std::vector<election::TallyDecryption> decryptions;
        for (std::uint32_t g = 1; g <= 2; ++g) {
            decryptions.push_back(election::decrypt_district_tally(
                election.election, tally, hash, g, election.secret_shares[g - 1].secret,
                election.identities[g - 1]));
            write(dir, std::string("decryption-") + district + "-" + std::to_string(g),
                  election::encode_tally_decryption(decryptions.back()));
            if (g == 1)
                shares.records.push_back(election::encode_tally_decryption(decryptions.back()));
        }
        write(
            dir, std::string("result-") + district,
            election::encode_district_result(election::combine_tally_decryptions(
                                                 election.election, tally, hash, decryptions, table)
                                                 .value()));
    }
    write(dir, "shares-guardian-1", election::encode_guardian_decryption_file(shares));
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        std::cerr << "usage: make_ledger_seed_corpus CORPUS_DIR SAMPLES_DIR [TARGET]\n";
        return 2;
    }
    const fs::path corpus = argv[1];
    const std::string only = argc == 4 ? argv[3] : "";
    const auto election = test::finalize(test::small_manifest());
    std::vector<Bytes> cast;
    const auto device = crypto::Ed25519SigningKey::generate();
    const Hash32 seed = election::initial_tracking_code(election.election.base_hash, "kiosk-1");
    const election::BallotMarks marks[] = {{},
                                           {{"mayor", {"ada"}}, {"measure-a", {"yes"}}},
                                           {{"mayor", {"alan"}}, {"council", {"emmy", "kurt"}}}};
    int n = 0;
    for (const auto& m : marks) {
        for (const char* district : {"d1", "d2"}) {
            if (std::string(district) == "d2" && m.count("council")) continue;
            const std::string id = "seed-" + std::to_string(n++);
            auto prepared = election::encrypt_ballot(
                election.election, {id, "kiosk-1", district, 1'800'000'000, seed}, m, device);
            if (!prepared) {
                std::cerr << prepared.error().message << '\n';
                return 1;
            }
            cast.push_back(election::encode_ballot(prepared.value().ballot));
            if (only == "fuzz_tally_records") continue;
            write(corpus / "fuzz_ballot", id, election::encode_ballot(prepared.value().ballot));
            write(corpus / "fuzz_challenged_ballot", id,
                  election::encode_challenged_ballot(
                      election::challenge_ballot(std::move(prepared).value())));
        }
    }
    write_tally_records(corpus, election, cast);
    if (only == "fuzz_tally_records") return 0;
    for (const auto& entry : fs::directory_iterator(argv[2])) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string text{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        write(corpus / "fuzz_manifest", entry.path().filename().string(), psephos::as_bytes(text));
    }
    write_ceremony_records(corpus);
    write_ledger_records(corpus);
    return 0;
}

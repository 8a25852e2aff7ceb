// `psephos demo`: key ceremony (5 guardians, threshold 3), voters casting encrypted ballots on
// several kiosks in parallel (some Benaloh-challenged), verification of every signature and
// proof, homomorphic tally, decryption by 3 of the 5 guardians, and a check that the decrypted
// totals equal the simulated voters' choices. The ledger, manifest files and record export come
// with later issues; until then the election is defined here.
#include "demo.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <iomanip>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/guardian.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/range_proof.hpp"
#include "psephos/crypto/threshold_decryption.hpp"

namespace psephos::app {

using namespace psephos::crypto;

namespace {

constexpr std::uint32_t guardian_count = 5;
constexpr std::uint32_t threshold = 3;
constexpr std::uint32_t kiosk_count = 4;
constexpr std::uint32_t challenge_every = 25;  // one voter in 25 challenges a ballot first

struct Contest {
    std::string id;
    std::string title;
    std::uint32_t vote_for;
    std::vector<std::string> options;
};

const std::vector<Contest>& demo_contests() {
    static const std::vector<Contest> contests = {
        {"mayor", "Mayor", 1, {"Ada Lovelace", "Grace Hopper", "Alan Turing"}},
        {"council", "City council", 2, {"Emmy Noether", "Kurt Gödel", "John von Neumann", "Rózsa Péter"}},
        {"measure-a", "Measure A: library bond", 1, {"Yes", "No"}},
    };
    return contests;
}

using Selections = std::vector<std::vector<std::uint8_t>>;  // [contest][option] ∈ {0, 1}

struct EncryptedContest {
    std::vector<Ciphertext> selections;
    std::vector<RangeProof> selection_proofs;  // 0/1 each
    RangeProof sum_proof;                      // Σ selections ∈ [0, vote_for]
};

struct EncryptedBallot {
    std::string ballot_id;
    std::uint32_t kiosk = 0;
    std::vector<EncryptedContest> contests;
    Ed25519Signature signature;  // the kiosk's, over signed_bytes()

    Bytes signed_bytes(const Hash32& base_hash) const {
        Bytes out(base_hash.bytes.begin(), base_hash.bytes.end());
        append_u32_be(out, static_cast<std::uint32_t>(ballot_id.size()));
        out.insert(out.end(), ballot_id.begin(), ballot_id.end());
        append_u32_be(out, kiosk);
        for (const auto& c : contests) {
            for (std::size_t o = 0; o < c.selections.size(); ++o) {
                const Bytes ct = c.selections[o].to_bytes();
                const Bytes proof = c.selection_proofs[o].to_bytes();
                out.insert(out.end(), ct.begin(), ct.end());
                out.insert(out.end(), proof.begin(), proof.end());
            }
            const Bytes sum = c.sum_proof.to_bytes();
            out.insert(out.end(), sum.begin(), sum.end());
        }
        return out;
    }
};

// Binds a proof to its ballot and place on it, so proofs cannot be moved between selections.
Bytes proof_context(const std::string& ballot_id, std::size_t contest, std::size_t option) {
    Bytes out(ballot_id.begin(), ballot_id.end());
    append_u32_be(out, static_cast<std::uint32_t>(contest));
    append_u32_be(out, static_cast<std::uint32_t>(option));
    return out;
}
constexpr std::size_t contest_sum = 0xffffffff;  // option slot of a contest's range proof

// The nonces of one ballot: kept only until it is cast (then wiped) or challenged (revealed).
using Nonces = std::vector<std::vector<Scalar>>;

EncryptedBallot encrypt_ballot(const Hash32& base_hash, const Point& key, const std::string& id,
                               std::uint32_t kiosk, const Ed25519SigningKey& kiosk_key,
                               const Selections& selections, Nonces& nonces) {
    EncryptedBallot ballot{id, kiosk, {}, {}};
    nonces.assign(selections.size(), {});
    for (std::size_t c = 0; c < selections.size(); ++c) {
        const Contest& contest = demo_contests()[c];
        EncryptedContest ec;
        Ciphertext sum = zero_ciphertext();
        Scalar sum_nonce;
        std::uint64_t marks = 0;
        for (std::size_t o = 0; o < selections[c].size(); ++o) {
            const std::uint64_t m = selections[c][o];
            Scalar r = Scalar::random();
            ec.selections.push_back(encrypt_message(m, r, key));
            ec.selection_proofs.push_back(
                prove_zero_or_one(base_hash, proof_context(id, c, o), ec.selections.back(), key, m, r).value());
            sum = add_ciphertexts(sum, ec.selections.back());
            sum_nonce = sum_nonce + r;
            marks += m;
            nonces[c].push_back(std::move(r));
        }
        ec.sum_proof = prove_range(base_hash, proof_context(id, c, contest_sum), sum, key, marks, sum_nonce,
                                   contest.vote_for)
                           .value();
        ballot.contests.push_back(std::move(ec));
    }
    ballot.signature = kiosk_key.sign(ballot.signed_bytes(base_hash));
    return ballot;
}

// Everything a verifier checks about a ballot, from the ballot alone plus public keys.
Status verify_ballot(const Hash32& base_hash, const Point& key, const std::vector<Ed25519PublicKey>& kiosks,
                     const EncryptedBallot& b) {
    const std::string where = "ballot " + b.ballot_id;
    if (b.kiosk >= kiosks.size()) return make_error(ErrorCode::verification_failed, where + ": unknown kiosk");
    if (auto ok = verify_signature(kiosks[b.kiosk], b.signed_bytes(base_hash), b.signature); !ok) {
        return ok.error().within(where);
    }
    for (std::size_t c = 0; c < b.contests.size(); ++c) {
        const auto& ec = b.contests[c];
        Ciphertext sum = zero_ciphertext();
        for (std::size_t o = 0; o < ec.selections.size(); ++o) {
            if (auto ok = verify_zero_or_one(base_hash, proof_context(b.ballot_id, c, o), ec.selections[o], key,
                                             ec.selection_proofs[o]);
                !ok) {
                return ok.error().within(where + ": contest " + demo_contests()[c].id + ": option " +
                                         std::to_string(o));
            }
            sum = add_ciphertexts(sum, ec.selections[o]);
        }
        if (auto ok = verify_range(base_hash, proof_context(b.ballot_id, c, contest_sum), sum, key,
                                   demo_contests()[c].vote_for, ec.sum_proof);
            !ok) {
            return ok.error().within(where + ": contest " + demo_contests()[c].id + ": selection count");
        }
    }
    return {};
}

// A Benaloh challenge: with the revealed nonces anyone checks the ballot encrypts the displayed
// selections. Done here as an observer would, from public data.
bool challenge_matches(const Point& key, const EncryptedBallot& b, const Nonces& revealed,
                       const Selections& displayed) {
    for (std::size_t c = 0; c < b.contests.size(); ++c) {
        for (std::size_t o = 0; o < b.contests[c].selections.size(); ++o) {
            const Point m_g = decrypt_with_nonce(b.contests[c].selections[o], revealed[c][o], key);
            const Point expected = displayed[c][o] ? Point::generator() : Point::identity();
            if (!(m_g == expected)) return false;
        }
    }
    return true;
}

Selections choose(std::mt19937_64& rng) {
    Selections s;
    for (const auto& contest : demo_contests()) {
        std::vector<std::uint8_t> marks(contest.options.size(), 0);
        // Mostly full votes, some undervotes (including blank contests).
        std::uint32_t count = contest.vote_for;
        if (rng() % 10 == 0) count = static_cast<std::uint32_t>(rng() % contest.vote_for);
        std::vector<std::size_t> order(contest.options.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), rng);
        for (std::uint32_t i = 0; i < count; ++i) marks[order[i]] = 1;
        s.push_back(std::move(marks));
    }
    return s;
}

class PhaseTimer {
public:
    PhaseTimer(std::ostream& out, std::string name) : out_(out), name_(std::move(name)) {}
    ~PhaseTimer() {
        const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
        out_ << "  " << std::left << std::setw(44) << name_ << std::right << std::fixed << std::setprecision(1)
             << std::setw(10) << ms << " ms\n";
    }

private:
    std::ostream& out_;
    std::string name_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Runs body(i) for i in [0, count) on `threads` joined workers; shows progress on a terminal.
template <class Body>
void parallel_for(std::uint32_t count, std::uint32_t threads, const char* what, Body body) {
    std::atomic<std::uint32_t> next{0}, done{0};
    const bool tty = isatty(STDERR_FILENO) == 1;
    {
        std::vector<std::jthread> workers;
        for (std::uint32_t t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (std::uint32_t i = next++; i < count; i = next++) {
                    body(i);
                    const std::uint32_t d = ++done;
                    if (tty && (d % 16 == 0 || d == count)) std::fprintf(stderr, "\r  %s %u/%u ", what, d, count);
                }
            });
        }
    }
    if (tty) std::fprintf(stderr, "\r%60s\r", "");
}

Hash32 hash_text(std::string_view text) { return sha256(as_bytes(text)); }

}  // namespace

int run_demo(const DemoOptions& options, std::ostream& out) {
    const std::uint32_t threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const auto& contests = demo_contests();
    out << "Psephos demo: " << options.voters << " voters, " << kiosk_count << " kiosks, " << guardian_count
        << " guardians (threshold " << threshold << "), " << threads << " threads\n\n";

    // 1. Key ceremony.
    const Hash32 ceremony_hash = hash_text("psephos/v1/demo-election/ceremony n=5 k=3");
    std::vector<Guardian> guardians;
    std::vector<CoefficientCommitments> commitments;
    std::vector<GuardianSecretShare> secret_shares;
    Point joint_key;
    {
        PhaseTimer t(out, "key ceremony (5 guardians, threshold 3)");
        for (std::uint32_t i = 1; i <= guardian_count; ++i)
            guardians.push_back(Guardian::create(ceremony_hash, i, guardian_count, threshold));
        for (const auto& g : guardians) {
            if (auto ok = verify_announcement(ceremony_hash, g.announcement(), threshold); !ok)
                throw std::runtime_error(ok.error().message);
            commitments.push_back(g.announcement().commitments);
        }
        for (auto& recipient : guardians)
            for (const auto& sender : guardians)
                if (sender.index() != recipient.index())
                    if (auto ok = recipient.receive_share(sender.announcement(), sender.share_for(recipient.announcement()));
                        !ok)
                        throw std::runtime_error(ok.error().message);
        for (const auto& g : guardians) secret_shares.push_back(g.finish().value());
        joint_key = compute_joint_public_key(commitments);
    }
    // The election base hash binds the election definition and the joint key; every ballot
    // proof and signature binds it.
    Bytes base_input(ceremony_hash.bytes.begin(), ceremony_hash.bytes.end());
    base_input.insert(base_input.end(), joint_key.bytes().begin(), joint_key.bytes().end());
    const Hash32 base_hash = sha256(base_input);

    // 2. Voting: each voter marks a ballot on a kiosk; some challenge one first (Benaloh).
    std::vector<Ed25519SigningKey> kiosk_keys;
    std::vector<Ed25519PublicKey> kiosk_public;
    for (std::uint32_t k = 0; k < kiosk_count; ++k) {
        kiosk_keys.push_back(Ed25519SigningKey::generate());
        kiosk_public.push_back(kiosk_keys.back().public_key());
    }
    std::vector<EncryptedBallot> cast(options.voters);
    std::vector<Selections> chosen(options.voters);  // the simulation's truth, never stored
    std::vector<EncryptedBallot> challenged;
    std::vector<Nonces> revealed;
    std::vector<Selections> displayed;
    std::atomic<std::uint32_t> challenges_failed{0};
    std::mutex challenged_mutex;
    const std::uint64_t seed = options.seed ? options.seed : std::random_device{}();
    {
        PhaseTimer t(out, "encrypt, prove, sign " + std::to_string(options.voters) + " ballots");
        parallel_for(options.voters, threads, "casting", [&](std::uint32_t v) {
            std::mt19937_64 rng(seed ^ (0x9e3779b97f4a7c15ull * (v + 1)));
            chosen[v] = choose(rng);
            const std::uint32_t kiosk = v % kiosk_count;
            Nonces nonces;
            if (v % challenge_every == challenge_every - 1) {
                auto spoiled = encrypt_ballot(base_hash, joint_key, "B" + std::to_string(v) + "-challenged", kiosk,
                                              kiosk_keys[kiosk], chosen[v], nonces);
                if (!challenge_matches(joint_key, spoiled, nonces, chosen[v])) ++challenges_failed;
                std::lock_guard lock(challenged_mutex);
                challenged.push_back(std::move(spoiled));
                revealed.push_back(std::move(nonces));
                displayed.push_back(chosen[v]);
            }
            cast[v] = encrypt_ballot(base_hash, joint_key, "B" + std::to_string(v), kiosk, kiosk_keys[kiosk],
                                     chosen[v], nonces);
            nonces.clear();  // cast: the nonces are wiped (Scalar destructors)
        });
    }

    // 3. Verification of every cast ballot's signature and proofs, as an auditor would.
    std::atomic<std::uint32_t> bad_ballots{0};
    {
        PhaseTimer t(out, "verify every signature and proof");
        parallel_for(options.voters, threads, "verifying", [&](std::uint32_t v) {
            if (auto ok = verify_ballot(base_hash, joint_key, kiosk_public, cast[v]); !ok) {
                ++bad_ballots;
                std::fprintf(stderr, "psephos: %s\n", ok.error().message.c_str());
            }
        });
    }

    // 4. Homomorphic tally of the cast ballots (challenged ones are never counted).
    std::vector<std::vector<Ciphertext>> tally;
    {
        PhaseTimer t(out, "homomorphic tally");
        for (std::size_t c = 0; c < contests.size(); ++c)
            tally.emplace_back(contests[c].options.size(), zero_ciphertext());
        std::vector<std::pair<std::size_t, std::size_t>> slots;
        for (std::size_t c = 0; c < contests.size(); ++c)
            for (std::size_t o = 0; o < contests[c].options.size(); ++o) slots.emplace_back(c, o);
        parallel_for(static_cast<std::uint32_t>(slots.size()), threads, "tallying", [&](std::uint32_t i) {
            const auto [c, o] = slots[i];
            for (const auto& b : cast) tally[c][o] = add_ciphertexts(tally[c][o], b.contests[c].selections[o]);
        });
    }

    // 5. Decryption by guardians 1, 3 and 5; guardians 2 and 4 are absent.
    const std::vector<std::uint32_t> present = {1, 3, 5};
    std::vector<std::vector<std::uint64_t>> totals;
    std::uint32_t bad_shares = 0;
    {
        PhaseTimer t(out, "decrypt with guardians 1, 3, 5 (2, 4 absent)");
        const DiscreteLogTable dlog(options.voters);
        for (std::size_t c = 0; c < contests.size(); ++c) {
            totals.emplace_back();
            for (const auto& ct : tally[c]) {
                std::vector<DecryptionShare> shares;
                for (std::uint32_t g : present) {
                    const Point public_share = compute_public_share(commitments, g);
                    shares.push_back(compute_decryption_share(base_hash, g, secret_shares[g - 1].secret,
                                                              public_share, ct));
                    if (!verify_decryption_share(base_hash, public_share, ct, shares.back())) ++bad_shares;
                }
                auto m = dlog.solve(combine_decryption_shares(ct, shares, threshold).value());
                if (!m) throw std::runtime_error("tally does not decrypt: " + m.error().message);
                totals.back().push_back(m.value());
            }
        }
    }

    // 6. Results, and the check against what the simulated voters chose.
    bool totals_match = true;
    out << "\nResults (decrypted from the homomorphic tally):\n";
    for (std::size_t c = 0; c < contests.size(); ++c) {
        out << "  " << contests[c].title << " (vote for " << contests[c].vote_for << ")\n";
        for (std::size_t o = 0; o < contests[c].options.size(); ++o) {
            std::uint64_t expected = 0;
            for (const auto& s : chosen) expected += s[c][o];
            totals_match = totals_match && expected == totals[c][o];
            out << "    " << std::left << std::setw(24) << contests[c].options[o] << std::right << std::setw(8)
                << totals[c][o] << (expected == totals[c][o] ? "" : "   MISMATCH, expected " + std::to_string(expected))
                << "\n";
        }
    }
    std::vector<Hash32> leaves;
    for (const auto& b : cast) leaves.push_back(hash_merkle_leaf(b.signed_bytes(base_hash)));
    out << "\nBallots cast: " << cast.size() << ", challenged (never counted): " << challenged.size()
        << "\nMerkle root of the cast ballots (RFC 9162): " << compute_merkle_root(leaves).to_hex() << "\n\n";
    out << (bad_ballots == 0 ? "PASS" : "FAIL") << "  every ballot signature and proof verified (" << bad_ballots
        << " failures)\n";
    out << (challenges_failed == 0 ? "PASS" : "FAIL") << "  every challenged ballot opened to its displayed selections ("
        << challenged.size() << " challenged)\n";
    out << (bad_shares == 0 ? "PASS" : "FAIL") << "  every decryption share proof verified\n";
    out << (totals_match ? "PASS" : "FAIL") << "  decrypted totals equal the simulated voters' choices\n";
    return bad_ballots == 0 && challenges_failed == 0 && bad_shares == 0 && totals_match ? 0 : 1;
}

}  // namespace psephos::app

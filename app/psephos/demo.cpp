// `psephos demo`: the realistic sample election (or --election FILE) end to end with what exists so
// far: key ceremony (local; the sample has 5 guardians, threshold 3), voters on two kiosks per
// district casting in parallel (some Benaloh-challenged first), verification of every ballot,
// challenge and tracking-code chain, homomorphic tallies per district, decryption by exactly
// `threshold` guardians (the others absent), and a check that the decrypted totals equal the
// simulated voters' choices.
#include "demo.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <map>
#include <mutex>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/threshold_decryption.hpp"
#include "psephos/ledger/encrypted_ballot.hpp"
#include "psephos/ledger/local_key_ceremony.hpp"

namespace psephos::app {

namespace {

constexpr std::uint32_t kiosks_per_district = 2;
constexpr std::uint32_t challenge_every = 25;  // one voter in 25 challenges a ballot first

std::string default_manifest() {
    for (const std::filesystem::path& p : {std::filesystem::path(PSEPHOS_SOURCE_SAMPLES_DIR),
                                          std::filesystem::path("/usr/share/psephos/samples")}) {
        if (std::filesystem::exists(p / "county-general-2026.json")) return (p / "county-general-2026.json").string();
    }
    throw std::runtime_error("cannot find samples/county-general-2026.json; give one with --election FILE");
}

class PhaseTimer {
public:
    PhaseTimer(std::ostream& out, std::string name) : out_(out), name_(std::move(name)) {}
    ~PhaseTimer() {
        const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
        out_ << "  " << std::left << std::setw(52) << name_ << std::right << std::fixed << std::setprecision(1)
             << std::setw(10) << ms << " ms\n";
    }

private:
    std::ostream& out_;
    std::string name_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Runs body(i) for i in [0, count) on `threads` joined workers; progress on a terminal.
template <class Body>
void parallel_for(std::size_t count, std::uint32_t threads, const char* what, Body body) {
    std::atomic<std::size_t> next{0}, done{0};
    const bool tty = isatty(STDERR_FILENO) == 1;
    {
        std::vector<std::jthread> workers;
        for (std::uint32_t t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (std::size_t i = next++; i < count; i = next++) {
                    body(i);
                    const std::size_t d = ++done;
                    if (tty) std::fprintf(stderr, "\r  %s %zu/%zu ", what, d, count);
                }
            });
        }
    }
    if (tty) std::fprintf(stderr, "\r%70s\r", "");
}

// A voter's marks: mostly full votes, some undervotes (including blank contests).
ledger::BallotMarks choose(const ledger::ElectionManifest& m, const ledger::BallotStyle& style, std::mt19937_64& rng) {
    ledger::BallotMarks marks;
    for (const auto& id : style.contests) {
        const ledger::Contest& c = *m.find_contest(id);
        std::uint32_t count = c.vote_for;
        if (rng() % 10 == 0) count = static_cast<std::uint32_t>(rng() % c.vote_for);
        std::vector<std::size_t> order(c.options.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), rng);
        for (std::uint32_t i = 0; i < count; ++i) marks[id].push_back(c.options[order[i]].id);
    }
    return marks;
}

struct Kiosk {
    std::string device_id;
    std::string district_id;
    crypto::Ed25519SigningKey key;
    std::vector<std::uint32_t> voters;
    std::vector<ledger::EncryptedBallot> cast;
    std::vector<ledger::ChallengedBallot> challenged;
};

// Σ over ballots of the ciphertexts, per contest and option of the district's style.
using Tally = std::vector<std::vector<crypto::Ciphertext>>;

}  // namespace

int run_demo(const DemoOptions& options, std::ostream& out) {
    const std::uint32_t threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const std::string manifest_path = options.election.empty() ? default_manifest() : options.election;
    auto manifest = ledger::load_manifest_file(manifest_path);
    if (!manifest) throw std::runtime_error(manifest.error().message);
    if (manifest.value().ceremony) {
        throw std::runtime_error(manifest_path + ": already finalized; the demo runs its own key ceremony");
    }
    const ledger::ElectionManifest& m0 = manifest.value();
    out << "Psephos demo: " << m0.name << " (" << m0.districts.size() << " districts, " << m0.contests.size()
        << " contests, " << m0.ballot_styles.size() << " ballot styles)\n"
        << options.voters << " voters on " << kiosks_per_district * m0.districts.size() << " kiosks, "
        << m0.guardian_count << " guardians (threshold " << m0.threshold << "), " << threads << " threads\n\n";

    // 1. Key ceremony: announcements verified, shares sealed, opened and checked.
    std::optional<ledger::LocalKeyCeremony> ceremony;
    {
        PhaseTimer t(out, "key ceremony");
        auto done = ledger::run_local_key_ceremony(std::move(manifest).value());
        if (!done) throw std::runtime_error(done.error().message);
        ceremony.emplace(std::move(done).value());
    }
    const ledger::ElectionContext& election = ceremony->election;
    const ledger::ElectionManifest& m = election.manifest;

    // 2. Voting: voter v votes in district v mod D, on one of the district's kiosks. One worker
    //    per kiosk keeps each kiosk's tracking-code chain in order.
    std::vector<Kiosk> kiosks;
    for (const auto& d : m.districts)
        for (std::uint32_t k = 0; k < kiosks_per_district; ++k)
            kiosks.push_back({d.id + "-kiosk-" + std::to_string(k + 1), d.id, crypto::Ed25519SigningKey::generate(), {}, {}, {}});
    for (std::uint32_t v = 0; v < options.voters; ++v) {
        const std::size_t district = v % m.districts.size();
        const std::size_t kiosk = (v / m.districts.size()) % kiosks_per_district;
        kiosks[district * kiosks_per_district + kiosk].voters.push_back(v);
    }
    const std::uint64_t seed = options.seed ? options.seed : std::random_device{}();
    std::vector<ledger::BallotMarks> chosen(options.voters);  // the simulation's truth, memory only
    std::atomic<std::uint32_t> encrypt_failures{0};
    {
        PhaseTimer t(out, "encrypt, prove, sign " + std::to_string(options.voters) + " ballots");
        parallel_for(kiosks.size(), threads, "kiosks voting", [&](std::size_t k) {
            Kiosk& kiosk = kiosks[k];
            const ledger::BallotStyle& style = *m.ballot_style_of_district(kiosk.district_id);
            Hash32 previous = ledger::initial_tracking_code(election.base_hash, kiosk.device_id);
            auto cast_one = [&](const std::string& id, const ledger::BallotMarks& marks) {
                auto prepared = ledger::encrypt_ballot(election, {id, kiosk.device_id, kiosk.district_id, 1'793'700'000, previous},
                                                       marks, kiosk.key);
                if (!prepared) {
                    ++encrypt_failures;
                    return std::optional<ledger::PreparedBallot>{};
                }
                previous = prepared.value().tracking_code;
                return std::optional<ledger::PreparedBallot>(std::move(prepared).value());
            };
            for (const std::uint32_t v : kiosk.voters) {
                std::mt19937_64 rng(seed ^ (0x9e3779b97f4a7c15ull * (v + 1)));
                chosen[v] = choose(m, style, rng);
                if (v % challenge_every == challenge_every - 1) {
                    if (auto spoiled = cast_one("v" + std::to_string(v) + "-challenged", chosen[v]))
                        kiosk.challenged.push_back(ledger::challenge_ballot(std::move(*spoiled)));
                }
                if (auto ballot = cast_one("v" + std::to_string(v), chosen[v])) kiosk.cast.push_back(std::move(ballot->ballot));
            }
        });
    }

    // 3. Verification, as an auditor would from the ballots and the kiosks' public keys: every
    //    signature and proof, every kiosk's tracking-code chain, every challenge.
    std::atomic<std::uint32_t> bad_ballots{0}, bad_chains{0}, bad_challenges{0};
    {
        PhaseTimer t(out, "verify every ballot, chain and challenge");
        parallel_for(kiosks.size(), threads, "verifying kiosks", [&](std::size_t k) {
            const Kiosk& kiosk = kiosks[k];
            const auto key = kiosk.key.public_key();
            for (const auto& b : kiosk.cast) {
                if (auto ok = ledger::verify_ballot(election, key, b); !ok) {
                    ++bad_ballots;
                    std::fprintf(stderr, "psephos: %s\n", ok.error().message.c_str());
                }
            }
            for (const auto& c : kiosk.challenged)
                if (!ledger::verify_challenged_ballot(election, key, c)) ++bad_challenges;
            // Cast and challenged ballots share one chain; rebuild it in ballot order.
            std::vector<const ledger::EncryptedBallot*> all;
            for (const auto& b : kiosk.cast) all.push_back(&b);
            for (const auto& c : kiosk.challenged) all.push_back(&c.ballot);
            std::map<Hash32, const ledger::EncryptedBallot*> by_previous;
            for (const auto* b : all) by_previous[b->previous_tracking_code] = b;
            Hash32 code = ledger::initial_tracking_code(election.base_hash, kiosk.device_id);
            std::size_t walked = 0;
            for (auto it = by_previous.find(code); it != by_previous.end(); it = by_previous.find(code)) {
                code = ledger::next_tracking_code(code, ledger::compute_ballot_hash(*it->second));
                ++walked;
            }
            if (walked != all.size()) ++bad_chains;
        });
    }

    // 4. Homomorphic tallies per district (challenged ballots never counted).
    std::vector<Tally> tallies(m.districts.size());
    {
        PhaseTimer t(out, "homomorphic tally per district");
        parallel_for(m.districts.size(), threads, "tallying", [&](std::size_t d) {
            const ledger::BallotStyle& style = *m.ballot_style_of_district(m.districts[d].id);
            for (const auto& id : style.contests)
                tallies[d].emplace_back(m.find_contest(id)->options.size(), crypto::zero_ciphertext());
            for (std::uint32_t k = 0; k < kiosks_per_district; ++k)
                for (const auto& b : kiosks[d * kiosks_per_district + k].cast)
                    for (std::size_t c = 0; c < b.contests.size(); ++c)
                        for (std::size_t o = 0; o < b.contests[c].selections.size(); ++o)
                            tallies[d][c][o] = crypto::add_ciphertexts(tallies[d][c][o], b.contests[c].selections[o].ciphertext);
        });
    }

    // 5. Decryption by exactly `threshold` guardians, odd indices first (for 5 and 3: guardians
    //    1, 3 and 5, with 2 and 4 absent): every share proved and checked.
    std::vector<std::uint32_t> present;
    for (std::uint32_t start : {1u, 2u})
        for (std::uint32_t g = start; g <= m.guardian_count && present.size() < m.threshold; g += 2) present.push_back(g);
    std::string present_names;
    for (const std::uint32_t g : present) present_names += (present_names.empty() ? "" : ", ") + std::to_string(g);
    std::vector<crypto::CoefficientCommitments> commitments;
    for (const auto& g : m.ceremony->guardians) commitments.push_back(g.commitments);
    std::vector<std::vector<std::vector<std::uint64_t>>> results(m.districts.size());
    std::atomic<std::uint32_t> bad_shares{0}, undecryptable{0};
    {
        PhaseTimer t(out, "decrypt with guardians " + present_names + " of " + std::to_string(m.guardian_count));
        const crypto::DiscreteLogTable dlog(options.voters);
        parallel_for(m.districts.size(), threads, "decrypting", [&](std::size_t d) {
            for (const auto& contest : tallies[d]) {
                results[d].emplace_back();
                for (const auto& ct : contest) {
                    std::vector<crypto::DecryptionShare> shares;
                    for (const std::uint32_t g : present) {
                        const crypto::Point public_share = crypto::compute_public_share(commitments, g);
                        shares.push_back(crypto::compute_decryption_share(election.base_hash, g,
                                                                          ceremony->secret_shares[g - 1].secret, public_share, ct));
                        if (!crypto::verify_decryption_share(election.base_hash, public_share, ct, shares.back())) ++bad_shares;
                    }
                    auto value = dlog.solve(crypto::combine_decryption_shares(ct, shares, m.threshold).value());
                    if (!value) ++undecryptable;
                    results[d].back().push_back(value ? value.value() : 0);
                }
            }
        });
    }

    // 6. Results, and the check against what the simulated voters chose.
    std::map<std::string, std::map<std::string, std::uint64_t>> totals, expected;
    for (std::size_t d = 0; d < m.districts.size(); ++d) {
        const ledger::BallotStyle& style = *m.ballot_style_of_district(m.districts[d].id);
        for (std::size_t c = 0; c < style.contests.size(); ++c) {
            const ledger::Contest& contest = *m.find_contest(style.contests[c]);
            for (std::size_t o = 0; o < contest.options.size(); ++o) totals[contest.id][contest.options[o].id] += results[d][c][o];
        }
    }
    for (std::uint32_t v = 0; v < options.voters; ++v)
        for (const auto& [contest, options_marked] : chosen[v])
            for (const auto& option : options_marked) ++expected[contest][option];
    bool totals_match = true;
    out << "\nResults, decrypted from the homomorphic tallies (all districts):\n";
    for (const auto& contest : m.contests) {
        const bool says_vote_for = contest.title.text.find("vote for") != std::string::npos;
        out << "  " << contest.title.text
            << (says_vote_for ? "" : " (vote for " + std::to_string(contest.vote_for) + ")") << "\n";
        for (const auto& option : contest.options) {
            const std::uint64_t got = totals[contest.id][option.id];
            const std::uint64_t want = expected[contest.id][option.id];
            totals_match = totals_match && got == want;
            out << "    " << std::left << std::setw(40) << option.label.text << std::right << std::setw(8) << got
                << (got == want ? "" : "   MISMATCH, expected " + std::to_string(want)) << "\n";
        }
    }
    std::size_t cast = 0, challenged = 0;
    for (const auto& k : kiosks) {
        cast += k.cast.size();
        challenged += k.challenged.size();
    }
    out << "\nBallots cast: " << cast << ", challenged (published, never counted): " << challenged << "\n";
    for (std::size_t d = 0; d < m.districts.size(); ++d) {
        std::size_t n = 0;
        for (std::uint32_t k = 0; k < kiosks_per_district; ++k) n += kiosks[d * kiosks_per_district + k].cast.size();
        out << "  " << std::left << std::setw(40) << m.districts[d].name << std::right << std::setw(8) << n << " ballots\n";
    }
    if (!kiosks.empty() && !kiosks.front().cast.empty()) {
        const auto& b = kiosks.front().cast.front();
        out << "\nA voter's receipt: ballot " << b.ballot_id << " on " << b.device_id << ", tracking code "
            << ledger::format_tracking_code(ledger::next_tracking_code(b.previous_tracking_code, ledger::compute_ballot_hash(b)))
            << "\n(Proof bundles for receipts come with the bridge: `psephos proof TRACKING-CODE`.)\n";
    }
    const bool ok = encrypt_failures == 0 && bad_ballots == 0 && bad_chains == 0 && bad_challenges == 0 && bad_shares == 0 &&
                    undecryptable == 0 && totals_match;
    out << "\n" << (bad_ballots == 0 && encrypt_failures == 0 ? "PASS" : "FAIL")
        << "  every ballot's signature and proofs verified\n"
        << (bad_chains == 0 ? "PASS" : "FAIL") << "  every kiosk's tracking-code chain is complete\n"
        << (bad_challenges == 0 ? "PASS" : "FAIL") << "  every challenged ballot opened to exactly its revealed selections\n"
        << (bad_shares == 0 && undecryptable == 0 ? "PASS" : "FAIL") << "  every decryption share verified (" << present.size() << " of " << m.guardian_count << " guardians)\n"
        << (totals_match ? "PASS" : "FAIL") << "  decrypted totals equal the simulated voters' choices\n";
    return ok ? 0 : 1;
}

}  // namespace psephos::app

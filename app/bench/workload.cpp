#include "workload.hpp"

#include <stdlib.h>

#include <atomic>
#include <exception>
#include <iomanip>
#include <limits>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/ledger_records.hpp"

namespace psephos::bench {

// Runs fn(0) … fn(count − 1) on `threads` joined threads; rethrows the first exception a call
// threw once all threads have stopped.
void run_in_parallel(unsigned threads, std::size_t count,
                     const std::function<void(std::size_t)>& fn) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (std::size_t i = next++; i < count && !failed; i = next++) {
                    try {
                        fn(i);
                    } catch (...) {
                        std::lock_guard lock(error_mutex);
                        if (!first_error) first_error = std::current_exception();
                        failed = true;
                    }
                }
            });
        }
    }
    if (first_error) std::rethrow_exception(first_error);
}

// A full vote that varies with the ballot: vote_for consecutive options of every contest, from an
// offset that moves with the ballot and the contest.
election::BallotMarks varied_full_vote(const election::ElectionManifest& m,
                                       const election::BallotStyle& style, std::size_t ballot) {
    election::BallotMarks marks;
    for (std::size_t c = 0; c < style.contests.size(); ++c) {
        const election::Contest* contest = m.find_contest(style.contests[c]);
        const std::size_t n = contest->options.size();
        for (std::uint32_t k = 0; k < contest->vote_for; ++k) {
            marks[contest->id].push_back(contest->options[(ballot + c + k) % n].id);
        }
    }
    return marks;
}

crypto::Ed25519SigningKey kiosk_key(std::size_t number) {
    const std::string label = "psephos-bench national kiosk " + std::to_string(number);
    const Hash32 seed =
        crypto::sha256(ByteSpan(reinterpret_cast<const std::uint8_t*>(label.data()), label.size()));
    auto key = crypto::Ed25519SigningKey::from_seed(seed.bytes);
    if (!key) throw std::runtime_error("kiosk key: " + key.error().message);
    return std::move(key).value();
}

namespace {

// The authority's approval, every kiosk's registration, then the polls opened in every district
// that has a kiosk (the zero report signed by its first kiosk); and the authority's
// deauthorisation of each kiosk from `deauthorisable_from` on, kept apart (the authority's key
// lives only here).
void register_and_open(const election::ElectionContext& election, Workload& w,
                       const std::vector<std::vector<std::size_t>>& kiosks_of_district,
                       std::size_t deauthorisable_from = std::numeric_limits<std::size_t>::max()) {
    const election::ElectionManifest& m = election.manifest;
    const crypto::Ed25519SigningKey authority = crypto::Ed25519SigningKey::generate();
    w.approval = election::approve_election(election.base_hash, authority);
    for (const Kiosk& k : w.kiosks) {
        election::DeviceRegistration registration{
            k.district_id, k.device_id, k.public_key, registration_time, {}};
        election::authorise_device(election.base_hash, registration, authority);
        w.opening.push_back(election::encode_device_registration(registration));
    }
    for (std::size_t d = 0; d < m.districts.size(); ++d) {
        if (kiosks_of_district[d].empty()) continue;
        const Kiosk& first = w.kiosks.at(kiosks_of_district[d].front());
        election::PollsRecord opening{election::PollsAction::opened,
                                      m.districts[d].id,
                                      opening_time,
                                      0,
                                      0,
                                      "psephos-bench",
                                      first.device_id,
                                      {},
                                      {}};
        election::sign_polls_record(election.base_hash, opening, *first.key);
        w.opening.push_back(election::encode_polls_record(opening));
    }
    for (std::size_t k = deauthorisable_from; k < w.kiosks.size(); ++k) {
        const Kiosk& kiosk = w.kiosks[k];
        election::DeviceDeauthorisation deauthorisation{kiosk.district_id,
                                                        kiosk.device_id,
                                                        kiosk.public_key,
                                                        deauthorisation_time,
                                                        "psephos-bench: a kiosk taken out",
                                                        {}};
        election::deauthorise_device(election.base_hash, deauthorisation, authority);
        w.spare_deauthorisations.push_back(
            election::encode_device_deauthorisation(deauthorisation));
    }
}

Kiosk make_kiosk(std::size_t number, const std::string& district_id, bool derived = false) {
    auto key = derived ? kiosk_key(number) : crypto::Ed25519SigningKey::generate();
    const auto public_key = key.public_key();
    return {"kiosk-" + std::to_string(number), district_id, std::move(key), public_key, {}};
}

// Encrypts every kiosk's ballots (Kiosk::ballots, w.ballots sized), in parallel over kiosks.
void encrypt_ballots(const election::ElectionContext& election, Workload& w, unsigned threads) {
    const election::ElectionManifest& m = election.manifest;
    run_in_parallel(threads, w.kiosks.size(), [&](std::size_t k) {
        Kiosk& kiosk = w.kiosks[k];
        const election::BallotStyle* style = m.ballot_style_of_district(kiosk.district_id);
        if (style == nullptr) {
            throw std::runtime_error("district '" + kiosk.district_id + "' has no ballot style");
        }
        Hash32 chain_head = election::initial_tracking_code(election.base_hash, kiosk.device_id);
        for (std::size_t n = 0; n < kiosk.ballots.size(); ++n) {
            const std::size_t i = kiosk.ballots[n];
            const election::BallotRequest request{kiosk.device_id + "-b" + std::to_string(n),
                                                  kiosk.device_id, kiosk.district_id, ballot_time,
                                                  chain_head};
            auto prepared = election::encrypt_ballot(election, request,
                                                     varied_full_vote(m, *style, i), *kiosk.key);
            if (!prepared) {
                throw std::runtime_error("encrypting ballot " + std::to_string(i) + ": " +
                                         prepared.error().message);
            }
            chain_head = prepared.value().tracking_code;
            w.ballots[i] = election::encode_ballot(prepared.value().ballot);
            if (!w.tracking_codes.empty()) w.tracking_codes[i] = prepared.value().tracking_code;
        }
    });
}

}  // namespace

// Ballot i goes to district i mod D and, within its district, to the district's kiosks in turn;
// the manifest's first, third, … districts have two kiosks, the others one. Device ids are
// "kiosk-<n>", short whatever the district ids. Encrypting is parallel over kiosks, since each
// kiosk's ballots chain to the one before.
Workload prepare_workload(const election::ElectionContext& election, std::size_t ballots,
                          unsigned threads, bool one_kiosk_each) {
    const election::ElectionManifest& m = election.manifest;
    Workload w;
    w.districts = m.districts.size();
    std::vector<std::vector<std::size_t>> kiosks_of_district(w.districts);
    for (std::size_t d = 0; d < w.districts; ++d) {
        const std::size_t count = d % 2 == 0 && !one_kiosk_each ? 2 : 1;
        for (std::size_t k = 0; k < count; ++k) {
            kiosks_of_district[d].push_back(w.kiosks.size());
            w.kiosks.push_back(make_kiosk(w.kiosks.size() + 1, m.districts[d].id, one_kiosk_each));
        }
    }
    register_and_open(election, w, kiosks_of_district);
    w.ballots.resize(ballots);
    w.kiosk_of.resize(ballots);
    for (std::size_t i = 0; i < ballots; ++i) {
        const auto& kiosks = kiosks_of_district[i % w.districts];
        const std::size_t kiosk = kiosks[(i / w.districts) % kiosks.size()];
        w.kiosk_of[i] = kiosk;
        w.kiosks[kiosk].ballots.push_back(i);
    }
    encrypt_ballots(election, w, threads);
    if (one_kiosk_each)
        for (Kiosk& k : w.kiosks) k.key.reset();
    return w;
}

Workload prepare_district_workload(const election::ElectionContext& election, std::size_t district,
                                   std::size_t kiosks, std::size_t spare_kiosks,
                                   std::size_t ballots, unsigned threads) {
    const election::ElectionManifest& m = election.manifest;
    Workload w;
    w.districts = 1;
    std::vector<std::vector<std::size_t>> kiosks_of_district(m.districts.size());
    for (std::size_t k = 0; k < kiosks + spare_kiosks; ++k) {
        kiosks_of_district.at(district).push_back(k);
        w.kiosks.push_back(make_kiosk(k + 1, m.districts.at(district).id));
    }
    register_and_open(election, w, kiosks_of_district, kiosks);
    w.ballots.resize(ballots);
    w.kiosk_of.resize(ballots);
    w.tracking_codes.resize(ballots);
    for (std::size_t i = 0; i < ballots; ++i) {
        w.kiosk_of[i] = i % kiosks;
        w.kiosks[i % kiosks].ballots.push_back(i);
    }
    encrypt_ballots(election, w, threads);
    return w;
}

void require_all_accepted(const std::vector<Result<ledger::Receipt>>& results,
                          const std::string& what) {
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i]) {
            throw std::runtime_error(what + ": record " + std::to_string(i) + " of " +
                                     std::to_string(results.size()) + " was rejected (" +
                                     results[i].error().message +
                                     "); the benchmark times accepted ballots only");
        }
    }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string fixed(double value, int decimals) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << value;
    return s.str();
}

}  // namespace psephos::bench

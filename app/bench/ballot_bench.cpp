// Ballot benchmark (docs/benchmarks.md): for the manifest's ballot style with the most options,
// single thread, medians of encrypt-and-prove (full path), the online part with a warm
// precomputation pool, and decode-and-verify (signature and every proof). Each bound is the sum
// of the ballot's counted group operations (and its Ed25519 signing or verification) priced at
// their own medians from the same run.
#include "ballot_bench.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <stdexcept>

#include "bench_support.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/local_key_ceremony.hpp"

namespace psephos::bench {

namespace {
const election::BallotStyle& largest_style(const election::ElectionManifest& m) {
    auto options = [&](const election::BallotStyle& s) {
        std::size_t n = 0;
        for (const auto& c : s.contests) n += m.find_contest(c)->options.size();
        return n;
    };
    return *std::max_element(m.ballot_styles.begin(), m.ballot_styles.end(),
                             [&](const auto& a, const auto& b) { return options(a) < options(b); });
}

// A full vote: the first vote_for options of every contest on the style.
election::BallotMarks full_vote(const election::ElectionManifest& m,
                                const election::BallotStyle& style) {
    election::BallotMarks marks;
    for (const auto& id : style.contests) {
        const election::Contest* c = m.find_contest(id);
        for (std::uint32_t i = 0; i < c->vote_for; ++i) marks[id].push_back(c->options[i].id);
    }
    return marks;
}
}  // namespace

int run_ballot_bench(const BallotBenchOptions& options, std::ostream& out) {
    auto manifest = election::load_manifest_file(options.manifest_path);
    if (!manifest) throw std::runtime_error(manifest.error().message);
    auto ceremony = election::run_local_key_ceremony(std::move(manifest).value());
    if (!ceremony) throw std::runtime_error(ceremony.error().message);
    const election::ElectionContext& election = ceremony.value().election;
    const election::BallotStyle& style = largest_style(election.manifest);
    const std::string district = style.districts.front();
    const election::BallotMarks marks = full_vote(election.manifest, style);
    std::size_t selections = 0;
    for (const auto& id : style.contests)
        selections += election.manifest.find_contest(id)->options.size();

    const auto device = crypto::Ed25519SigningKey::generate();
    const auto device_public = device.public_key();
    const election::BallotRequest request{
        "bench", "kiosk-1", district, 1'800'000'000,
        election::initial_tracking_code(election.base_hash, "kiosk-1")};
    auto encrypt = [&](election::BallotPrecomputationPool* pool) {
        auto b = election::encrypt_ballot(election, request, marks, device, pool);
        if (!b) throw std::runtime_error(b.error().message);
        return std::move(b).value();
    };
    const Bytes ballot_bytes = election::encode_ballot(encrypt(nullptr).ballot);
    auto verify = [&] {
        auto b = election::decode_ballot(ballot_bytes);
        if (!b || !election::verify_ballot(election, device_public, b.value()))
            throw std::runtime_error("benchmark ballot does not verify");
    };
    // A precomputed ballot for every timed online call, all made before timing starts; then the
    // workers stop, so none competes for the CPU while anything is timed.
    constexpr std::int64_t online_iterations = 8;
    const std::size_t online_ballots =
        static_cast<std::size_t>(online_iterations * options.repetitions);
    election::BallotPrecomputationPool pool(election, district, online_ballots, 2);

    const crypto::Scalar nonce = crypto::Scalar::random();
    const Bytes message(512, 0x5a);
    const auto signature = device.sign(message);
    std::vector<TimedOp> ops = group_primitive_ops();
    ops.push_back({"ed25519_sign", [&] { benchmark::DoNotOptimize(device.sign(message)); }});
    ops.push_back({"ed25519_verify", [&] {
                       benchmark::DoNotOptimize(
                           crypto::verify_signature(device_public, message, signature));
                   }});
    ops.push_back({"encrypt", [&] { benchmark::DoNotOptimize(encrypt(nullptr)); }});
    ops.push_back({"encrypt_online",
                   [&] {
                       if (pool.available() == 0)
                           throw std::logic_error("benchmark ran out of precomputed ballots");
                       benchmark::DoNotOptimize(encrypt(&pool));
                   },
                   online_iterations});
    ops.push_back({"verify", verify});
    pool.wait_until_available(online_ballots);
    pool.stop_refilling();
    const auto m = measure_medians(ops, options.repetitions, options.min_time_s);

    const auto encrypt_ops = count_group_ops([&] { encrypt(nullptr); });
    const auto verify_ops = count_group_ops(verify);
    const double encrypt_bound = price_group_ops(encrypt_ops, m) + m.at("ed25519_sign");
    const double verify_bound = price_group_ops(verify_ops, m) + m.at("ed25519_verify");
    const double ms = 1e-6;
    if (options.json) {
        out << std::setprecision(4) << "{\"suite\":\"ballot\",\"selections\":" << selections
            << ",\"contests\":" << style.contests.size()
            << ",\"encrypt_ms\":" << m.at("encrypt") * ms
            << ",\"encrypt_online_ms\":" << m.at("encrypt_online") * ms
            << ",\"verify_ms\":" << m.at("verify") * ms
            << ",\"encrypt_bound_ratio\":" << m.at("encrypt") / encrypt_bound
            << ",\"verify_bound_ratio\":" << m.at("verify") / verify_bound << ",\"ballot_style\":\""
            << style.id << "\",\"ballot_bytes\":" << ballot_bytes.size() << "}\n";
    } else {
        out << std::fixed << std::setprecision(2) << "ballot style " << style.id << ": "
            << style.contests.size() << " contests, " << selections << " selections, "
            << ballot_bytes.size() << " bytes\n"
            << "  encrypt and prove     " << std::setw(9) << m.at("encrypt") * ms
            << " ms   bound ratio " << m.at("encrypt") / encrypt_bound << "   ("
            << encrypt_ops.scalarmult << " mult, " << encrypt_ops.scalarmult_base << " base, "
            << encrypt_ops.point_add + encrypt_ops.point_sub << " add/sub)\n"
            << "  online, warm pool     " << std::setw(9) << m.at("encrypt_online") * ms << " ms\n"
            << "  decode and verify     " << std::setw(9) << m.at("verify") * ms
            << " ms   bound ratio " << m.at("verify") / verify_bound << "   ("
            << verify_ops.scalarmult << " mult, " << verify_ops.scalarmult_base << " base, "
            << verify_ops.point_add + verify_ops.point_sub << " add/sub, "
            << verify_ops.point_decode << " decodes)\n";
    }
    return 0;
}

}  // namespace psephos::bench

// Tally benchmark (docs/benchmarks.md). Untimed: a key ceremony of 5 guardians with threshold 3,
// a pool of real encryptions of 0 and of 1 under the joint key, and N synthetic ballots of 5
// selections (a vote for one option, or none) laid out as contiguous 64-byte ciphertext
// encodings, each copied from a pool entry picked by a seeded generator, with the counts they
// must decrypt to; ballot b belongs to district b mod 16. Their proofs are not part of the
// layout: verifying ballots is the ledger's work, timed by the ledger suite.
//
// Timed, by the wall clock: one CiphertextSum per district and option over every ballot, on 1
// thread and then on T threads (split by district and, within a district, by chunks whose
// partial sums are merged); then the decryption of the 16 × 5 sums: shares from guardians 1, 3
// and 5, each verified, combined, and solved with a DiscreteLogTable(N) built inside the clock.
//
// The sums run on the public backend (docs/crypto.md §1.1, §3.3): each half of each ciphertext
// decoded once and added unencoded. The bound is that work, counted (exactly 2 decodings and 2
// additions per ciphertext), each pair priced at the median of batches of decode-and-add timed
// in between the 1-thread aggregation's segments, so the price is taken under the same machine
// load. Side by side in the same run, the same 1-thread aggregation through libsodium's
// crypto_core_ristretto255_add on encodings (the path before the public backend, 2 additions
// per ciphertext) must give the same sums; its time is reported next to the new one. Any count
// that does not decrypt as expected, or any difference between the sums, stops the run.
#include "tally_bench.hpp"

#include <benchmark/benchmark.h>
#include <sodium.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <iomanip>
#include <mutex>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "psephos/crypto/ciphertext_sum.hpp"
#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/guardian.hpp"
#include "psephos/crypto/public_point.hpp"
#include "psephos/crypto/threshold_decryption.hpp"
#include "workload.hpp"

namespace psephos::bench {

namespace {

constexpr std::size_t district_count = 16;
constexpr std::size_t selection_count =
    5;  // options of the one contest; a ballot marks at most one
constexpr std::size_t ballot_size = selection_count * crypto::Ciphertext::size;
constexpr std::uint32_t guardian_count = 5;
constexpr std::uint32_t threshold = 3;
constexpr std::array<std::uint32_t, threshold> decrypting_guardians = {1, 3, 5};
constexpr std::size_t pool_size = 4096;  // half encryptions of 0, half of 1
constexpr std::uint64_t layout_seed = 20261201;
// The largest chunk of one district's ballots a worker sums at a time: small enough that the
// last chunks finish together on a shared machine, large enough that merging costs nothing.
constexpr std::size_t max_chunk = 2048;
// The point-addition price: batches of additions, one before each aggregation segment and one
// after the last.
constexpr std::size_t add_batches = 15;
constexpr std::size_t adds_per_batch = 2000;

using CiphertextEncoding = std::span<const std::uint8_t, crypto::Ciphertext::size>;
using DistrictSums = std::array<crypto::CiphertextSum, selection_count>;
using Sums = std::array<DistrictSums, district_count>;
using Counts = std::array<std::array<std::uint64_t, selection_count>, district_count>;

struct Ceremony {
    Hash32 base_hash;
    std::vector<crypto::CoefficientCommitments> commitments;
    std::vector<crypto::GuardianSecretShare> secrets;  // guardian i at i − 1
    crypto::Point joint_key;
};

struct TallyWorkload {
    std::size_t ballots = 0;
    std::vector<std::uint8_t> encodings;  // ballot-major, ballot_size bytes per ballot
    Counts expected{};                    // the plaintext sums, by district and option
    // The pooled encryptions, and which one each selection copied (ballot-major): for the
    // running tally, which adds the ciphertexts the ballot check decoded.
    std::vector<std::array<std::uint8_t, crypto::Ciphertext::size>> pool;
    std::vector<std::uint16_t> entries;
};

Hash32 hash_filled_with(std::uint8_t fill) {
    Hash32 h;
    h.bytes.fill(fill);
    return h;
}

// Every guardian sends every other one its share; all are honest, so any refusal is a bug.
Ceremony run_ceremony() {
    Ceremony c;
    const Hash32 ceremony_hash = hash_filled_with(0xc3);
    c.base_hash = hash_filled_with(0x42);  // stands for an election's base hash
    std::vector<crypto::Guardian> guardians;
    for (std::uint32_t i = 1; i <= guardian_count; ++i) {
        guardians.push_back(crypto::Guardian::create(ceremony_hash, i, guardian_count, threshold));
    }
    for (auto& recipient : guardians) {
        for (const auto& sender : guardians) {
            if (sender.index() == recipient.index()) continue;
            if (auto ok = recipient.receive_share(sender.announcement(),
                                                  sender.share_for(recipient.announcement()));
                !ok) {
                throw std::runtime_error("key ceremony: " + ok.error().message);
            }
        }
    }
    for (const auto& g : guardians) {
        c.commitments.push_back(g.announcement().commitments);
        auto secret = g.finish();
        if (!secret) throw std::runtime_error("key ceremony: " + secret.error().message);
        c.secrets.push_back(std::move(secret).value());
    }
    c.joint_key = crypto::compute_joint_public_key(c.commitments);
    return c;
}

// Each ballot marks one of the options, or none (one chance in 6), with encryptions copied from
// the pool: distinct real ciphertexts, reused, which costs the sums nothing they would not cost
// with fresh ones (an addition's time does not depend on its inputs).
TallyWorkload prepare_workload(const crypto::Point& joint_key, std::size_t ballots,
                               unsigned threads) {
    std::vector<std::array<std::uint8_t, crypto::Ciphertext::size>> pool(pool_size);
    run_in_parallel(threads, pool_size, [&](std::size_t i) {
        const crypto::Ciphertext c =
            crypto::encrypt_message(i % 2, crypto::Scalar::random(), joint_key);
        const Bytes bytes = c.to_bytes();
        std::copy(bytes.begin(), bytes.end(), pool[i].begin());
    });
    TallyWorkload w;
    w.ballots = ballots;
    w.encodings.resize(ballots * ballot_size);
    w.entries.resize(ballots * selection_count);
    std::mt19937_64 rng(layout_seed);
    for (std::size_t b = 0; b < ballots; ++b) {
        const std::size_t choice = rng() % (selection_count + 1);  // selection_count: none
        std::uint8_t* ballot = w.encodings.data() + b * ballot_size;
        for (std::size_t o = 0; o < selection_count; ++o) {
            const std::size_t message = o == choice ? 1 : 0;
            const std::size_t entry = 2 * (rng() % (pool_size / 2)) + message;
            std::memcpy(ballot + o * crypto::Ciphertext::size, pool[entry].data(),
                        crypto::Ciphertext::size);
            w.entries[b * selection_count + o] = static_cast<std::uint16_t>(entry);
            w.expected[b % district_count][o] += message;
        }
    }
    w.pool = std::move(pool);
    return w;
}

void add_ballot(const TallyWorkload& w, std::size_t ballot, DistrictSums& sums) {
    const std::uint8_t* encodings = w.encodings.data() + ballot * ballot_size;
    for (std::size_t o = 0; o < selection_count; ++o) {
        if (auto ok = sums[o].add(CiphertextEncoding(encodings + o * crypto::Ciphertext::size,
                                                     crypto::Ciphertext::size));
            !ok) {
            throw std::runtime_error("ballot " + std::to_string(ballot) + ", selection " +
                                     std::to_string(o) + ": " + ok.error().message);
        }
    }
}

// CPU seconds this process has used on all its threads: over a phase's wall time, how many cores
// it really had (the machines are shared).
double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Timing {
    double seconds = 0;      // wall clock
    double cpu_seconds = 0;  // on all threads of the process
    double cores() const { return seconds > 0 ? cpu_seconds / seconds : 0; }
    Timing& operator+=(const Timing& other) {
        seconds += other.seconds;
        cpu_seconds += other.cpu_seconds;
        return *this;
    }
};

Timing time_phase(const std::function<void()>& fn) {
    const double cpu_start = process_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    fn();
    return {seconds_since(start), process_cpu_seconds() - cpu_start};
}

// Nanoseconds per decode-and-add of one encoded point into an unencoded running sum, over one
// batch of random valid points: the unit of the aggregation's bound.
double time_decode_add_batch(const std::vector<crypto::Point>& points) {
    crypto::PublicPoint sum;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < adds_per_batch; ++i)
        sum += crypto::PublicPoint::from_bytes(points[i % points.size()].bytes()).value();
    const double seconds = seconds_since(start);
    benchmark::DoNotOptimize(sum);
    return seconds * 1e9 / static_cast<double>(adds_per_batch);
}

// The path before the public backend, for the side-by-side figure: one district's option sums
// as encodings, each ciphertext added with two crypto_core_ristretto255_add (decode both, add,
// encode).
struct EncodedSum {
    std::array<std::uint8_t, crypto::Ciphertext::size> sum{};
    void add(const std::uint8_t* encoding) {
        std::array<std::uint8_t, crypto::Ciphertext::size> next;
        if (crypto_core_ristretto255_add(next.data(), sum.data(), encoding) != 0 ||
            crypto_core_ristretto255_add(next.data() + 32, sum.data() + 32, encoding + 32) != 0)
            throw std::runtime_error("libsodium refused a pooled ciphertext");
        sum = next;
    }
};
using EncodedSums = std::array<std::array<EncodedSum, selection_count>, district_count>;

// The same 1-thread aggregation through libsodium; its sums must equal the public backend's.
Timing aggregate_with_libsodium(const TallyWorkload& w, const Sums& expected) {
    EncodedSums sums{};
    const Timing timing = time_phase([&] {
        for (std::size_t b = 0; b < w.ballots; ++b) {
            const std::uint8_t* encodings = w.encodings.data() + b * ballot_size;
            for (std::size_t o = 0; o < selection_count; ++o)
                sums[b % district_count][o].add(encodings + o * crypto::Ciphertext::size);
        }
    });
    for (std::size_t d = 0; d < district_count; ++d)
        for (std::size_t o = 0; o < selection_count; ++o)
            if (!(crypto::Ciphertext::from_bytes(sums[d][o].sum).value() == expected[d][o].value()))
                throw std::runtime_error("district " + std::to_string(d) + ", option " +
                                         std::to_string(o) +
                                         ": libsodium's sum differs from the public backend's");
    return timing;
}

struct SingleThreadRun {
    Sums sums;
    Timing timing;                // the aggregation's segments only
    std::uint64_t decodes = 0;    // counted
    std::uint64_t additions = 0;  // counted
    std::vector<double> add_ns;   // decode and add, one per batch
};

// The 1-thread aggregation, in ballot order on this thread, cut into add_batches − 1 segments
// with a batch of timed point additions before each and after the last; the clock and the
// addition counter run over the segments only.
SingleThreadRun aggregate_on_one_thread(const TallyWorkload& w) {
    std::vector<crypto::Point> points;
    for (int i = 0; i < 64; ++i) {
        points.push_back(crypto::Point::multiply_base(crypto::Scalar::random()));
    }
    SingleThreadRun run;
    const std::size_t segments = add_batches - 1;
    for (std::size_t s = 0; s < segments; ++s) {
        run.add_ns.push_back(time_decode_add_batch(points));
        const std::size_t first = w.ballots * s / segments;
        const std::size_t last = w.ballots * (s + 1) / segments;
        const auto counts = count_group_ops([&] {
            run.timing += time_phase([&] {
                for (std::size_t b = first; b < last; ++b) {
                    add_ballot(w, b, run.sums[b % district_count]);
                }
            });
        });
        run.decodes += counts.public_decode;
        run.additions += counts.public_add;
    }
    run.add_ns.push_back(time_decode_add_batch(points));
    return run;
}

struct RunningRun {
    Sums sums;
    Timing timing;
    std::uint64_t decodes = 0;    // counted: none
    std::uint64_t additions = 0;  // counted
};

// The ledger's running tally (docs/tally.md §2.1): the ballot check decodes each ciphertext for
// its proof (timed by the verify suite), and the casting module adds those unencoded points as
// it accepts the ballot, so the tally itself adds nothing. Here each pooled encryption is decoded
// once before the clock, standing for the check's decoding, and the clock covers the additions
// of every ballot in ballot order on one thread: 2 per ciphertext, counted, and no decoding.
RunningRun aggregate_running(const TallyWorkload& w) {
    std::vector<crypto::PublicCiphertext> decoded;
    decoded.reserve(w.pool.size());
    for (const auto& entry : w.pool)
        decoded.push_back(crypto::PublicCiphertext::from_bytes(entry).value());
    RunningRun run;
    const auto counts = count_group_ops([&] {
        run.timing = time_phase([&] {
            for (std::size_t b = 0; b < w.ballots; ++b) {
                DistrictSums& sums = run.sums[b % district_count];
                const std::uint16_t* entries = w.entries.data() + b * selection_count;
                for (std::size_t o = 0; o < selection_count; ++o) sums[o].add(decoded[entries[o]]);
            }
        });
    });
    run.decodes = counts.public_decode;
    run.additions = counts.public_add;
    return run;
}

struct Chunk {
    std::size_t district = 0;
    std::size_t first = 0;  // the district's k-th ballot is ballot district + k · district_count
    std::size_t last = 0;
};

// Chunks of each district's ballots, in district order, at least about 8 per thread.
std::vector<Chunk> make_chunks(std::size_t ballots, unsigned threads) {
    const std::size_t wanted = std::size_t{threads} * 8;
    const std::size_t chunk =
        std::clamp<std::size_t>((ballots + wanted - 1) / wanted, 1, max_chunk);
    std::vector<Chunk> chunks;
    for (std::size_t d = 0; d < district_count && d < ballots; ++d) {
        const std::size_t in_district = (ballots - d + district_count - 1) / district_count;
        for (std::size_t k = 0; k < in_district; k += chunk) {
            chunks.push_back({d, k, std::min(in_district, k + chunk)});
        }
    }
    return chunks;
}

struct ParallelRun {
    Sums sums;
    Timing timing;
    std::size_t chunks = 0;
};

// The T-thread aggregation: every chunk summed on its own, then each district's partial sums
// merged in chunk order. Both parts are timed.
ParallelRun aggregate_on_threads(const TallyWorkload& w, unsigned threads) {
    const std::vector<Chunk> chunks = make_chunks(w.ballots, threads);
    std::vector<DistrictSums> partial(chunks.size());
    ParallelRun run;
    run.chunks = chunks.size();
    run.timing = time_phase([&] {
        run_in_parallel(threads, chunks.size(), [&](std::size_t i) {
            const Chunk& c = chunks[i];
            for (std::size_t k = c.first; k < c.last; ++k) {
                add_ballot(w, c.district + k * district_count, partial[i]);
            }
        });
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            for (std::size_t o = 0; o < selection_count; ++o) {
                run.sums[chunks[i].district][o].add(partial[i][o]);
            }
        }
    });
    return run;
}

// The readable name of a district's option, for messages.
std::string place(std::size_t district, std::size_t option) {
    return "district " + std::to_string(district) + ", option " + std::to_string(option);
}

// `other` (named by `what`) must hold the 1-thread aggregation's sums.
void require_same_sums(const Sums& one, const Sums& other, const std::string& what) {
    for (std::size_t d = 0; d < district_count; ++d) {
        for (std::size_t o = 0; o < selection_count; ++o) {
            if (one[d][o].count() != other[d][o].count() ||
                one[d][o].value() != other[d][o].value()) {
                throw std::runtime_error(place(d, o) + ": the sum " + what +
                                         " differs from the sum on 1 thread");
            }
        }
    }
}

// Threshold decryption of every sum by guardians 1, 3 and 5, on this thread: each guardian's
// public share from the commitments, each decryption share computed and verified, combined,
// and solved with a table built here (its size follows N).
Counts decrypt_sums(const Ceremony& c, const Sums& sums, std::size_t ballots) {
    const crypto::DiscreteLogTable dlog(ballots);
    std::array<crypto::Point, threshold> public_shares;
    for (std::size_t g = 0; g < threshold; ++g) {
        public_shares[g] = crypto::compute_public_share(c.commitments, decrypting_guardians[g]);
    }
    Counts counts{};
    for (std::size_t d = 0; d < district_count; ++d) {
        for (std::size_t o = 0; o < selection_count; ++o) {
            const crypto::Ciphertext sum = sums[d][o].value();
            std::vector<crypto::DecryptionShare> shares;
            for (std::size_t g = 0; g < threshold; ++g) {
                const std::uint32_t index = decrypting_guardians[g];
                shares.push_back(crypto::compute_decryption_share(
                    c.base_hash, index, c.secrets[index - 1].secret, public_shares[g], sum));
                if (auto ok = crypto::verify_decryption_share(c.base_hash, public_shares[g], sum,
                                                              shares.back());
                    !ok) {
                    throw std::runtime_error(place(d, o) + ": " + ok.error().message);
                }
            }
            auto combined = crypto::combine_decryption_shares(sum, shares, threshold);
            if (!combined) throw std::runtime_error(place(d, o) + ": " + combined.error().message);
            auto count = dlog.solve(combined.value());
            if (!count) throw std::runtime_error(place(d, o) + ": " + count.error().message);
            counts[d][o] = count.value();
        }
    }
    return counts;
}

void require_expected_counts(const Counts& got, const TallyWorkload& w, const Sums& sums) {
    for (std::size_t d = 0; d < district_count; ++d) {
        const std::uint64_t in_district =
            d < w.ballots ? (w.ballots - d + district_count - 1) / district_count : 0;
        for (std::size_t o = 0; o < selection_count; ++o) {
            if (sums[d][o].count() != in_district) {
                throw std::runtime_error(place(d, o) + ": summed " +
                                         std::to_string(sums[d][o].count()) + " ciphertexts of " +
                                         std::to_string(in_district) + " ballots");
            }
            if (got[d][o] != w.expected[d][o]) {
                throw std::runtime_error(place(d, o) + ": decrypted count " +
                                         std::to_string(got[d][o]) + ", expected " +
                                         std::to_string(w.expected[d][o]));
            }
        }
    }
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int run_tally_bench(const TallyBenchOptions& options, std::ostream& out) {
    if (options.ballots == 0) {
        throw std::invalid_argument("the tally benchmark needs at least one ballot");
    }
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const Ceremony ceremony = run_ceremony();
    const auto prepare_start = std::chrono::steady_clock::now();
    const TallyWorkload w = prepare_workload(ceremony.joint_key, options.ballots, threads);
    const double prepare_seconds = seconds_since(prepare_start);

    const SingleThreadRun one = aggregate_on_one_thread(w);
    const std::uint64_t additions = 2 * std::uint64_t{w.ballots} * selection_count;
    if (one.additions != additions || one.decodes != additions) {
        throw std::runtime_error("the 1-thread aggregation performed " +
                                 std::to_string(one.decodes) + " decodings and " +
                                 std::to_string(one.additions) + " additions, not " +
                                 std::to_string(additions) + " of each (2 per ciphertext)");
    }
    const ParallelRun all = aggregate_on_threads(w, threads);
    require_same_sums(one.sums, all.sums, "on " + std::to_string(threads) + " threads");
    const Timing before = aggregate_with_libsodium(w, one.sums);
    const RunningRun running = aggregate_running(w);
    if (running.additions != additions || running.decodes != 0) {
        throw std::runtime_error("the running tally performed " + std::to_string(running.decodes) +
                                 " decodings and " + std::to_string(running.additions) +
                                 " additions, not 0 and " + std::to_string(additions));
    }
    require_same_sums(one.sums, running.sums, "of the running tally");
    const double running_speedup = before.seconds / running.timing.seconds;

    Counts counts{};
    const Timing decrypt =
        time_phase([&] { counts = decrypt_sums(ceremony, all.sums, w.ballots); });
    require_expected_counts(counts, w, all.sums);

    const double add_ns = median(one.add_ns);
    const double bound_seconds = static_cast<double>(additions) * add_ns * 1e-9;
    const double ratio = one.timing.seconds / bound_seconds;
    if (options.json) {
        out << "{\"suite\":\"tally\",\"ballots\":" << w.ballots
            << ",\"aggregate_s_1\":" << fixed(one.timing.seconds, 3)
            << ",\"aggregate_s_all\":" << fixed(all.timing.seconds, 3)
            << ",\"decrypt_s\":" << fixed(decrypt.seconds, 3)
            << ",\"aggregate_s_1_libsodium\":" << fixed(before.seconds, 3)
            << ",\"speedup_over_libsodium\":" << fixed(before.seconds / one.timing.seconds, 2)
            << ",\"aggregate_s_1_running\":" << fixed(running.timing.seconds, 4)
            << ",\"speedup_running_over_libsodium\":" << fixed(running_speedup, 1)
            << ",\"add_bound_ratio\":" << fixed(ratio, 3) << ",\"threads\":" << threads
            << ",\"decode_add_us\":" << fixed(add_ns * 1e-3, 3) << "}\n";
        return 0;
    }
    const std::string t = std::to_string(threads) + (threads == 1 ? " thread " : " threads");
    auto row = [&](const std::string& what, const Timing& timing) {
        out << "  " << std::left << std::setw(34) << what << std::right << std::setw(9)
            << fixed(timing.seconds, 3) << " s   cores used " << fixed(timing.cores(), 2) << '\n';
    };
    out << w.ballots << " ballots of " << selection_count << " selections over " << district_count
        << " districts (" << pool_size << " pooled encryptions, laid out in "
        << fixed(prepare_seconds, 1) << " s, not timed)\n";
    row("aggregate, 1 thread", one.timing);
    row("same, libsodium add (before)", before);
    row("running tally, decoded (ledger)", running.timing);
    row("aggregate, " + t + " (" + std::to_string(all.chunks) + " chunks)", all.timing);
    row("decrypt 80 sums (guardians 1,3,5)", decrypt);
    out << '\n'
        << "  decodings, additions " << additions << " each (2 per ciphertext, counted)\n"
        << "  decode+add median   " << fixed(add_ns * 1e-3, 2) << " us (" << add_batches
        << " batches of " << adds_per_batch << ")\n"
        << "  over libsodium      " << fixed(before.seconds / one.timing.seconds, 1)
        << "x faster on 1 thread (same sums)\n"
        << "  running tally       " << fixed(running_speedup, 1)
        << "x faster than libsodium (same sums; ciphertexts decoded by the ballot check)\n"
        << "  bound               " << fixed(bound_seconds, 3) << " s;  aggregate_s_1 / bound "
        << fixed(ratio, 3) << '\n'
        << "  speed-up            " << fixed(one.timing.seconds / all.timing.seconds, 2) << " on "
        << t << '\n'
        << "  every decrypted count matches; the 1-thread and " << threads
        << "-thread sums are identical\n";
    return 0;
}

}  // namespace psephos::bench

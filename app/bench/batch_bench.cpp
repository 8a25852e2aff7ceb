// Batch-verification benchmark (docs/benchmarks.md "Batch verification"). Untimed: one key and
// 4096 selections (alternately 0 and 1), each with its commitment-form 0/1 proof in its own
// context; the compact proof of each is the commitment form's tail (the same transcript, §4.6),
// so every op checks the same statements. The ciphertexts and the key are held decoded by every
// op (a ballot's ciphertexts are decoded once for verification and the tally alike); every op
// decodes its proofs from bytes inside the clock (the commitment form's four commitments are
// points to decode, the compact form's scalars only need a canonical check).
//
// Timed, by the wall clock, in rounds: each op once per round, the ops in a new random order each
// round; an op's figure is its median over the rounds, per proof. Ops:
//   sodium_compact     verify_zero_or_one (libsodium), 256 proofs one by one — the baseline
//   public_compact     verify_range_public, the same 256
//   committed_single   verify_range_committed, the same 256
//   committed_decode_only  the decoding alone of the same 256 (no check): the floor under the
//                      commitment form's figures
//   batch_<method>_<n> verify_range_committed_batch over max(n, 256) proofs in batches of n,
//                      for method straus, pippenger and by_size, n ∈ {1, 4, 8, 16, 24, 32, 64,
//                      256, 1024, 4096}
// Any proof refused stops the run.
#include "batch_bench.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <iomanip>
#include <map>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "psephos/crypto/committed_range_proof.hpp"
#include "psephos/crypto/group_op_counter.hpp"
#include "psephos/crypto/public_committed_proofs.hpp"
#include "psephos/crypto/public_proofs.hpp"
#include "workload.hpp"

namespace psephos::bench {

using namespace psephos::crypto;

namespace {

constexpr std::size_t pool_size = 4096;
constexpr std::size_t single_proofs = 256;  // proofs per round for the one-by-one ops
constexpr std::array<std::size_t, 10> batch_sizes = {1, 4, 8, 16, 24, 32, 64, 256, 1024, 4096};

struct Pool {
    Hash32 base_hash;
    Point key;
    DecodedPoint public_key;
    std::vector<Bytes> contexts;
    std::vector<Ciphertext> ciphertexts;
    std::vector<DecodedCiphertext> decoded;
    std::vector<Bytes> committed;  // commitment-form proof bytes
    std::vector<Bytes> compact;    // their compact tails (today's proof bytes)
};

Pool make_pool() {
    Pool p;
    p.base_hash.bytes.fill(0x42);
    const Scalar secret = Scalar::random();
    p.key = Point::multiply_base(secret);
    p.public_key = DecodedPoint(p.key);
    p.contexts.resize(pool_size);
    p.ciphertexts.resize(pool_size);
    p.decoded.resize(pool_size);
    p.committed.resize(pool_size);
    p.compact.resize(pool_size);
    const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
    run_in_parallel(threads, pool_size, [&p](std::size_t i) {
        const std::string context =
            "ballot-" + std::to_string(i) + "/mayor/option-" + std::to_string(i % 5);
        p.contexts[i] = Bytes(context.begin(), context.end());
        const Scalar nonce = Scalar::random();
        p.ciphertexts[i] = encrypt_message(i % 2, nonce, p.key);
        p.decoded[i] = DecodedCiphertext(p.ciphertexts[i]);
        auto proof = prove_zero_or_one_committed(p.base_hash, p.contexts[i], p.ciphertexts[i],
                                                 p.key, i % 2, nonce);
        if (!proof) throw std::runtime_error("prove: " + proof.error().message);
        p.committed[i] = proof->to_bytes();
        p.compact[i] = proof->compact.to_bytes();
    });
    return p;
}

RangeProof decode_compact(const Pool& p, std::size_t i) {
    auto proof = RangeProof::from_bytes(p.compact[i], 1);
    if (!proof) throw std::runtime_error("decode: " + proof.error().message);
    return std::move(proof).value();
}

void fail(const std::string& what, std::size_t i, const Status& s) {
    throw std::runtime_error(what + " refused proof " + std::to_string(i) + ": " +
                             s.error().message);
}

// Decodes proofs [first, first + n) and verifies them as one batch.
void verify_batch(const Pool& p, std::size_t first, std::size_t n, MultiScalarMethod method) {
    std::vector<DecodedCommittedRangeProof> proofs;
    proofs.reserve(n);
    std::vector<CommittedRangeStatement> statements;
    statements.reserve(n);
    for (std::size_t i = first; i < first + n; ++i) {
        auto proof = DecodedCommittedRangeProof::from_bytes(p.committed[i], 1);
        if (!proof) throw std::runtime_error("decode: " + proof.error().message);
        proofs.push_back(std::move(proof).value());
        statements.push_back({p.contexts[i], &p.decoded[i], 1, &proofs.back()});
    }
    const BatchVerification v =
        verify_range_committed_batch(p.base_hash, p.public_key, statements, method);
    if (!v.ok()) throw std::runtime_error("batch refused: " + v.errors.front().message);
}

struct Op {
    std::string name;
    std::size_t proofs = 0;  // per run
    std::function<void()> run;
    // Priced at the primitives it performs (counted: decodings, additions, doublings, negations,
    // and the other primitives: scalar arithmetic, hashing, random bytes), each at its median
    // from this run. Only where every group operation is counted one by one: Pippenger's rows and
    // the decoding (Straus counts terms, priced for full-width scalars).
    bool priced = false;
};

const char* method_name(MultiScalarMethod m) {
    switch (m) {
        case MultiScalarMethod::straus:
            return "straus";
        case MultiScalarMethod::pippenger:
            return "pippenger";
        case MultiScalarMethod::by_size:
            break;
    }
    return "by_size";
}

std::vector<Op> make_ops(const Pool& p) {
    std::vector<Op> ops;
    ops.push_back({"sodium_compact", single_proofs, [&p] {
                       for (std::size_t i = 0; i < single_proofs; ++i) {
                           const RangeProof proof = decode_compact(p, i);
                           if (auto ok = verify_zero_or_one(p.base_hash, p.contexts[i],
                                                            p.ciphertexts[i], p.key, proof);
                               !ok)
                               fail("sodium_compact", i, ok);
                       }
                   }});
    ops.push_back({"public_compact", single_proofs, [&p] {
                       for (std::size_t i = 0; i < single_proofs; ++i) {
                           const RangeProof proof = decode_compact(p, i);
                           if (auto ok = verify_range_public(p.base_hash, p.contexts[i],
                                                             p.decoded[i], p.public_key, 1, proof);
                               !ok)
                               fail("public_compact", i, ok);
                       }
                   }});
    ops.push_back({"committed_single", single_proofs, [&p] {
                       for (std::size_t i = 0; i < single_proofs; ++i) {
                           auto proof = DecodedCommittedRangeProof::from_bytes(p.committed[i], 1);
                           if (!proof) throw std::runtime_error(proof.error().message);
                           if (auto ok =
                                   verify_range_committed(p.base_hash, p.contexts[i], p.decoded[i],
                                                          p.public_key, 1, proof.value());
                               !ok)
                               fail("committed_single", i, ok);
                       }
                   }});
    // Not a verification: the decoding every commitment-form op above includes (four points), the
    // floor under the batches' per-proof figures.
    ops.push_back({"committed_decode_only", single_proofs,
                   [&p] {
                       for (std::size_t i = 0; i < single_proofs; ++i) {
                           auto proof = DecodedCommittedRangeProof::from_bytes(p.committed[i], 1);
                           if (!proof) throw std::runtime_error(proof.error().message);
                       }
                   },
                   true});
    for (auto method :
         {MultiScalarMethod::straus, MultiScalarMethod::pippenger, MultiScalarMethod::by_size}) {
        for (std::size_t n : batch_sizes) {
            const std::size_t total = std::max(n, single_proofs);
            ops.push_back({std::string("batch_") + method_name(method) + "_" + std::to_string(n),
                           total,
                           [&p, n, total, method] {
                               for (std::size_t first = 0; first < total; first += n)
                                   verify_batch(p, first, n, method);
                           },
                           method == MultiScalarMethod::pippenger});
        }
    }
    return ops;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

}  // namespace

int run_batch_bench(const BatchBenchOptions& options, std::ostream& out) {
    const Pool pool = make_pool();
    const std::vector<Op> ops = make_ops(pool);
    std::vector<std::vector<double>> per_proof_ns(ops.size());
    std::vector<std::size_t> order(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) order[i] = i;
    std::mt19937_64 rng(20261206);
    for (const auto& op : ops) op.run();  // warm-up: caches, allocator, page faults
    for (int round = 0; round < options.repetitions; ++round) {
        std::shuffle(order.begin(), order.end(), rng);
        for (std::size_t i : order) {
            const auto start = std::chrono::steady_clock::now();
            ops[i].run();
            per_proof_ns[i].push_back(seconds_since(start) * 1e9 /
                                      static_cast<double>(ops[i].proofs));
        }
    }
    std::map<std::string, double> m;
    for (std::size_t i = 0; i < ops.size(); ++i) m[ops[i].name] = median(per_proof_ns[i]);
    // The primitives' medians (Google Benchmark, interleaved): the group operations and the
    // library's other primitives. Then each priced op's bound: its time over Σ count × primitive
    // median over all of them (bound_ratio), and over the group operations alone
    // (group_bound_ratio, the bound before 2026-12-07) (docs/benchmarks.md).
    std::vector<TimedOp> primitive_ops = group_primitive_ops();
    for (auto& op : other_primitive_ops()) primitive_ops.push_back(std::move(op));
    const auto primitives =
        measure_medians(primitive_ops, std::max(options.repetitions, 3),  // medians need ≥ 2
                        0.05);
    std::map<std::string, GroupOpCounts> counts;
    std::map<std::string, double> group_bound;  // ns per run
    std::map<std::string, double> other_bound;
    std::map<std::string, double> bound_ratio;
    for (const auto& op : ops) {
        if (!op.priced) continue;
        counts[op.name] = count_group_ops(op.run);
        group_bound[op.name] = price_group_ops(counts[op.name], primitives);
        other_bound[op.name] = price_other_ops(counts[op.name], primitives);
        bound_ratio[op.name] = m.at(op.name) * static_cast<double>(op.proofs) /
                               (group_bound[op.name] + other_bound[op.name]);
    }
    const double baseline = m.at("sodium_compact");
    const std::size_t compact_bytes = 2 * 2 * Scalar::size;
    const std::size_t committed_bytes = CommittedRangeProof::size_for(1);
    if (options.json) {
        out << "{\"suite\":\"batch\",\"repetitions\":" << options.repetitions
            << ",\"proof_bytes\":{\"compact\":" << compact_bytes
            << ",\"committed\":" << committed_bytes
            << "},\"pippenger_crossover_terms\":" << PublicPoint::pippenger_crossover_terms
            << ",\"primitives_ns\":{" << std::fixed;
        bool first = true;
        for (const auto& op : primitive_ops) {
            out << (first ? "" : ",") << '"' << op.name << "\":" << std::setprecision(1)
                << primitives.at(op.name);
            first = false;
        }
        out << "},\"ops\":{";
        first = true;
        for (const auto& op : ops) {
            out << (first ? "" : ",") << '"' << op.name
                << "\":{\"per_proof_ns\":" << std::setprecision(0) << m.at(op.name)
                << ",\"speedup_vs_sodium_compact\":" << std::setprecision(2)
                << baseline / m.at(op.name);
            if (op.priced) {
                const GroupOpCounts& c = counts.at(op.name);
                const double n = static_cast<double>(op.proofs);
                const auto per = [n](std::uint64_t count) {
                    return static_cast<double>(count) / n;
                };
                out << ",\"bound_ratio\":" << bound_ratio.at(op.name)
                    << ",\"group_bound_ratio\":" << m.at(op.name) * n / group_bound.at(op.name)
                    << std::setprecision(0)
                    << ",\"bound_ns_per_proof\":{\"group\":" << group_bound.at(op.name) / n
                    << ",\"other\":" << other_bound.at(op.name) / n << "}" << std::setprecision(1)
                    << ",\"group_ops_per_proof\":{\"public_decode\":" << per(c.public_decode)
                    << ",\"public_add\":" << per(c.public_add)
                    << ",\"public_double\":" << per(c.public_double)
                    << ",\"public_negate\":" << per(c.public_negate) << "}"
                    << ",\"other_ops_per_proof\":{\"scalar_add\":" << per(c.scalar_add)
                    << ",\"scalar_mul\":" << per(c.scalar_mul)
                    << ",\"scalar_decode\":" << per(c.scalar_decode)
                    << ",\"scalar_reduce\":" << per(c.scalar_reduce)
                    << ",\"scalar_wipe\":" << per(c.scalar_wipe)
                    << ",\"hash_init\":" << per(c.hash_init)
                    << ",\"hash_update\":" << per(c.hash_update)
                    << ",\"hash_bytes\":" << per(c.hash_bytes)
                    << ",\"hash_final\":" << per(c.hash_final)
                    << ",\"random_calls\":" << per(c.random_calls)
                    << ",\"random_bytes\":" << per(c.random_bytes) << "}";
            }
            out << "}";
            first = false;
        }
        out << "}}\n";
        return 0;
    }
    out << "proof bytes: compact " << compact_bytes << ", commitment form " << committed_bytes
        << "; Pippenger from " << PublicPoint::pippenger_crossover_terms << " terms\n"
        << std::left << std::setw(24) << "op" << std::right << std::setw(16) << "µs per proof"
        << std::setw(15) << "× sodium" << std::setw(10) << "bound" << std::setw(10) << "group\n";
    for (const auto& op : ops) {
        out << std::left << std::setw(24) << op.name << std::right << std::fixed
            << std::setprecision(1) << std::setw(16) << m.at(op.name) / 1000.0
            << std::setprecision(2) << std::setw(15) << baseline / m.at(op.name);
        if (op.priced) {
            out << std::setw(10) << bound_ratio.at(op.name) << std::setw(10)
                << m.at(op.name) * static_cast<double>(op.proofs) / group_bound.at(op.name);
        }
        out << '\n';
    }
    return 0;
}

}  // namespace psephos::bench

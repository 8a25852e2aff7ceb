// Crypto benchmark on Google Benchmark (docs/benchmarks.md). Every op is timed by the harness
// (repetitions randomly interleaved, so drift hits all ops alike); its bound is the sum of the
// group operations it performs — counted by running it once with the per-thread counters, not
// assumed — each priced at its own median from the same run.
#include "crypto_bench.hpp"

#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <functional>
#include <iomanip>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/group_op_counter.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "psephos/crypto/public_proofs.hpp"
#include "psephos/crypto/range_proof.hpp"
#include "psephos/crypto/schnorr_proof.hpp"
#include "psephos/crypto/threshold_decryption.hpp"

namespace psephos::bench {

using namespace psephos::crypto;

namespace {

struct Op {
    std::string name;
    std::function<void()> run;
    bool priced = true;  // false for the group primitives themselves
};

std::vector<Op> with_primitives(std::vector<Op> ops) {
    std::vector<Op> all;
    for (auto& p : group_primitive_ops()) all.push_back({p.name, p.run, false});
    for (auto& op : ops) all.push_back(std::move(op));
    return all;
}

// Fixed inputs shared by every op, built once outside the timed loops.
struct Fixture {
    Hash32 base_hash = [] {
        Hash32 h;
        h.bytes.fill(0x42);
        return h;
    }();
    Bytes context{'c', 'o', 'n', 't', 'e', 's', 't'};
    Scalar secret = Scalar::random();
    Point key = Point::multiply_base(secret);
    Scalar nonce = Scalar::random();
    Ciphertext one = encrypt_message(1, nonce, key);
    std::map<std::uint32_t, Ciphertext> range_ct;
    std::map<std::uint32_t, RangeProof> range_proofs;
    Point partial = secret * one.alpha;
    EqualDiscreteLogsProof share_proof = prove_equal_discrete_logs(
        base_hash, decryption_share_context(1), secret, key, one.alpha, partial);
    DecryptionShare share{1, partial, share_proof};
    // The same statements decoded once for the public backend (docs/crypto.md §1.1).
    DecodedPoint public_key{key};
    DecodedCiphertext public_one{one};
    DecodedPoint public_alpha{one.alpha};
    DecodedPoint public_partial{partial};
    std::map<std::uint32_t, DecodedCiphertext> public_range_ct;

    Fixture() {
        for (std::uint32_t limit : {1u, 3u, 10u}) {
            // The worst case for the prover's simulated branches is the same for any m; pick m = 1.
            range_ct.emplace(limit, encrypt_message(1, nonce, key));
            range_proofs.emplace(
                limit,
                prove_range(base_hash, context, range_ct.at(limit), key, 1, nonce, limit).value());
            public_range_ct.emplace(limit, DecodedCiphertext(range_ct.at(limit)));
        }
    }
};

std::vector<Op> make_ops(Fixture& f) {
    std::vector<Op> ops = {
        {"elgamal_encrypt", [&f] { benchmark::DoNotOptimize(encrypt_message(1, f.nonce, f.key)); }},
        {"proof01_prove",
         [&f] {
             benchmark::DoNotOptimize(
                 prove_zero_or_one(f.base_hash, f.context, f.one, f.key, 1, f.nonce));
         }},
        {"proof01_verify",
         [&f] {
             if (!verify_zero_or_one(f.base_hash, f.context, f.one, f.key, f.range_proofs.at(1)))
                 throw std::logic_error("benchmark 0/1 proof does not verify");
         }},
        {"proof01_verify_public",
         [&f] {
             if (!verify_range_public(f.base_hash, f.context, f.public_one, f.public_key, 1,
                                      f.range_proofs.at(1)))
                 throw std::logic_error("benchmark 0/1 proof does not verify (public)");
         }},
        {"schnorr_verify",
         [&f, proof = prove_knowledge_of_secret(f.base_hash, f.context, f.secret, f.key)] {
             if (!verify_knowledge_of_secret(f.base_hash, f.context, f.key, proof))
                 throw std::logic_error("benchmark Schnorr proof does not verify");
         }},
        {"decryption_share_verify",
         [&f] {
             if (!verify_decryption_share(f.base_hash, f.key, f.one, f.share))
                 throw std::logic_error("benchmark decryption share does not verify");
         }},
        {"decryption_share_verify_public",
         [&f] {
             if (!verify_equal_discrete_logs_public(f.base_hash, decryption_share_context(1),
                                                    f.public_key, f.public_alpha, f.public_partial,
                                                    f.share_proof))
                 throw std::logic_error("benchmark decryption share does not verify (public)");
         }},
    };
    for (std::uint32_t limit : {1u, 3u, 10u}) {
        const std::string l = std::to_string(limit);
        ops.push_back({"range_prove_L" + l, [&f, limit] {
                           benchmark::DoNotOptimize(prove_range(f.base_hash, f.context,
                                                                f.range_ct.at(limit), f.key, 1,
                                                                f.nonce, limit));
                       }});
        ops.push_back({"range_verify_L" + l, [&f, limit] {
                           if (!verify_range(f.base_hash, f.context, f.range_ct.at(limit), f.key,
                                             limit, f.range_proofs.at(limit)))
                               throw std::logic_error("benchmark range proof does not verify");
                       }});
        ops.push_back({"range_verify_public_L" + l, [&f, limit] {
                           if (!verify_range_public(f.base_hash, f.context,
                                                    f.public_range_ct.at(limit), f.public_key,
                                                    limit, f.range_proofs.at(limit)))
                               throw std::logic_error("benchmark range proof does not verify");
                       }});
    }
    return ops;
}

}  // namespace

int run_crypto_bench(const CryptoBenchOptions& options, std::ostream& out) {
    Fixture fixture;
    const std::vector<Op> ops = with_primitives(make_ops(fixture));
    std::vector<TimedOp> timed;
    for (const auto& op : ops) timed.push_back({op.name, op.run});
    const auto m = measure_medians(timed, options.repetitions, options.min_time_s);
    const double unit = m.at("scalarmult");
    if (options.json) {
        out << std::setprecision(4)
            << "{\"suite\":\"crypto\",\"repetitions\":" << options.repetitions << ",\"ops\":{";
    } else {
        out << std::left << std::setw(26) << "op" << std::right << std::setw(12) << "median µs"
            << std::setw(12) << "× smult" << std::setw(10) << "bound"
            << "   group ops (mult/base/add/sub/decode | public decode/encode/add/base2/terms)\n";
    }
    bool first = true;
    for (const auto& op : ops) {
        const double median = m.at(op.name);
        const GroupOpCounts c = count_group_ops(op.run);
        const double ratio = op.priced ? median / price_group_ops(c, m) : 0.0;
        if (options.json) {
            out << (first ? "" : ",") << '"' << op.name << "\":{\"median_ns\":" << std::fixed
                << std::setprecision(0) << median << std::defaultfloat << std::setprecision(4)
                << ",\"scalarmult_equiv\":" << median / unit;
            if (op.priced) {
                out << ",\"bound_ratio\":" << ratio
                    << ",\"group_ops\":{\"scalarmult\":" << c.scalarmult
                    << ",\"scalarmult_base\":" << c.scalarmult_base
                    << ",\"point_add\":" << c.point_add << ",\"point_sub\":" << c.point_sub
                    << ",\"point_decode\":" << c.point_decode
                    << ",\"public_decode\":" << c.public_decode
                    << ",\"public_encode\":" << c.public_encode
                    << ",\"public_add\":" << c.public_add
                    << ",\"public_multiply_base_add\":" << c.public_multiply_base_add
                    << ",\"public_multiply_terms\":" << c.public_multiply_terms << "}";
            }
            out << "}";
        } else {
            out << std::left << std::setw(26) << op.name << std::right << std::fixed
                << std::setprecision(1) << std::setw(12) << median / 1000.0 << std::setprecision(2)
                << std::setw(12) << median / unit << std::setw(10);
            if (op.priced) {
                out << ratio << "   " << c.scalarmult << "/" << c.scalarmult_base << "/"
                    << c.point_add << "/" << c.point_sub << "/" << c.point_decode << " | "
                    << c.public_decode << "/" << c.public_encode << "/" << c.public_add << "/"
                    << c.public_multiply_base_add << "/" << c.public_multiply_terms;
            } else {
                out << "-";
            }
            out << '\n';
        }
        first = false;
    }
    if (options.json) out << "}}\n";
    return 0;
}

}  // namespace psephos::bench

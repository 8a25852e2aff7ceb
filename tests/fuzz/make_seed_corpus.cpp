// Writes the seed corpus of every fuzz target: a few valid encodings each (docs/fuzzing.md), so
// fuzzing starts from inputs that get past the decoders. The corpus is kept in the repository
// under tests/fuzz/corpus/<target>/; re-run this only when a format or a fixture changes:
//     build/fuzz/tests/fuzz/make_seed_corpus tests/fuzz/corpus
// Proofs and boxes use fresh randomness, so a re-run changes those files but not what they are.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "fixtures.hpp"
#include "psephos/crypto/box_key_pair.hpp"
#include "psephos/crypto/equal_discrete_logs_proof.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/range_proof.hpp"
#include "psephos/crypto/schnorr_proof.hpp"

using namespace psephos;
using namespace psephos::crypto;
namespace fs = std::filesystem;

namespace {

class CorpusWriter {
public:
    explicit CorpusWriter(fs::path root) : root_(std::move(root)) {}

    void write(std::string_view target, std::string_view name, ByteSpan content) {
        const fs::path directory = root_ / target;
        fs::create_directories(directory);
        std::ofstream out(directory / name, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(content.data()),
                  static_cast<std::streamsize>(content.size()));
        if (!out) throw std::runtime_error("cannot write " + (directory / name).string());
        ++count_;
    }
    void write(std::string_view target, std::string_view name, std::string_view text) {
        write(target, name, as_bytes(text));
    }
    int count() const { return count_; }

private:
    fs::path root_;
    int count_ = 0;
};

void append(Bytes& out, ByteSpan data) { out.insert(out.end(), data.begin(), data.end()); }

void append_u64_le(Bytes& out, std::uint64_t value) {
    for (unsigned i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

Bytes read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_point_seeds(CorpusWriter& corpus) {
    corpus.write("fuzz_point", "identity", Point::identity().bytes());
    corpus.write("fuzz_point", "generator", Point::generator().bytes());
    corpus.write("fuzz_point", "two-g", (Point::generator() + Point::generator()).bytes());
    corpus.write("fuzz_point", "key", fuzz::range_statement().public_key.bytes());
}

// P ‖ Q ‖ a ‖ b for fuzz_public_point: valid pairs with ordinary, zero and maximal scalars.
void write_public_point_seeds(CorpusWriter& corpus) {
    const auto& s = fuzz::range_statement();
    auto seed = [&](std::string_view name, const Point& p, const Point& q, const Scalar& a,
                    const Scalar& b) {
        Bytes out;
        append(out, p.bytes());
        append(out, q.bytes());
        append(out, a.bytes());
        append(out, b.bytes());
        corpus.write("fuzz_public_point", name, out);
    };
    seed("ciphertext", s.ciphertext.alpha, s.ciphertext.beta, Scalar::from_uint64(3),
         Scalar::from_uint64(1).negate());
    seed("zero-scalar", Point::generator(), s.public_key, Scalar::from_uint64(5), Scalar());
    seed("identity", Point::identity(), Point::generator(), Scalar::random(), Scalar::random());
}

// Programs for fuzz_group_backends (its header gives the opcodes): decoding real values, mapping
// uniform bytes, and every operation once on them, with zero, one, L − 1, small and full scalars.
void write_group_backends_seeds(CorpusWriter& corpus) {
    const auto& s = fuzz::range_statement();
    auto full = [](Bytes& out, const Scalar& a) {
        out.push_back(4);
        append(out, a.bytes());
    };
    auto decode = [](Bytes& out, const Point& p, std::uint8_t to) {
        out.push_back(0);
        append(out, p.bytes());
        out.push_back(to);
    };
    Bytes values;
    decode(values, s.ciphertext.alpha, 2);
    decode(values, s.ciphertext.beta, 3);
    decode(values, s.public_key, 4);
    values.insert(values.end(), {2, 2, 3, 5, 3, 5, 4, 6, 4, 6, 7});  // add, subtract, negate
    values.push_back(5);                                             // a·G + b·P
    full(values, Scalar::random());
    full(values, Scalar::random());
    values.insert(values.end(), {4, 5});
    values.push_back(6);  // a·P + b·Q
    full(values, Scalar::from_uint64(1).negate());
    values.push_back(2);
    values.insert(values.end(), {3, 7, 3});  // b = 7
    values.push_back(6);
    values.push_back(7);  // Σ of five terms
    values.push_back(4);
    for (std::uint8_t i = 0; i < 5; ++i) {
        full(values, Scalar::random());
        values.push_back(static_cast<std::uint8_t>(i + 1));
    }
    values.push_back(0);
    values.insert(values.end(), {8, 0, 5, 8, 3, 3});  // compare
    corpus.write("fuzz_group_backends", "decoded-values", values);

    Bytes mapped;
    for (std::uint8_t to = 2; to < 5; ++to) {
        mapped.push_back(1);
        const Scalar a = Scalar::random(), b = Scalar::random();
        append(mapped, a.bytes());
        append(mapped, b.bytes());
        mapped.push_back(to);
    }
    // Edge scalars: a·G + 0·P, 0·G + 1·P, then a sum with zero and repeated terms.
    mapped.insert(mapped.end(), {5, 3, 9, 0, 2, 5, 5, 0, 1, 3, 6});
    mapped.insert(mapped.end(), {7, 4, 0, 2, 1, 2, 2, 2, 3, 0, 3, 3, 200, 4, 7});
    corpus.write("fuzz_group_backends", "mapped-edge-scalars", mapped);
    // An encoding libsodium refuses (not canonical: p itself), then the identity.
    Bytes refused{0};
    append(refused, Bytes{0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f});
    refused.push_back(2);
    decode(refused, Point::identity(), 3);
    refused.insert(refused.end(), {8, 3, 0});
    corpus.write("fuzz_group_backends", "refused-and-identity", refused);
}

void write_scalar_seeds(CorpusWriter& corpus) {
    corpus.write("fuzz_scalar", "zero", Scalar().bytes());
    corpus.write("fuzz_scalar", "one", Scalar::from_uint64(1).bytes());
    corpus.write("fuzz_scalar", "order-minus-one", Scalar::from_uint64(1).negate().bytes());
    corpus.write("fuzz_scalar", "random", Scalar::random().bytes());
}

void write_ciphertext_seeds(CorpusWriter& corpus) {
    const auto& s = fuzz::range_statement();
    corpus.write("fuzz_ciphertext", "zero", zero_ciphertext().to_bytes());
    corpus.write("fuzz_ciphertext", "one", s.ciphertext.to_bytes());
    corpus.write("fuzz_ciphertext", "zero-random-nonce",
                 encrypt_message(0, Scalar::random(), s.public_key).to_bytes());
}

void write_challenge_response_seeds(CorpusWriter& corpus) {
    const auto& s = fuzz::range_statement();
    const Scalar secret = Scalar::from_uint64(0x5eed);
    corpus.write(
        "fuzz_challenge_response", "schnorr",
        prove_knowledge_of_secret(s.base_hash, as_bytes("seed"), secret, s.public_key).to_bytes());
    const Point product = secret * s.ciphertext.alpha;
    corpus.write("fuzz_challenge_response", "equal-discrete-logs",
                 prove_equal_discrete_logs(s.base_hash, as_bytes("seed"), secret, s.public_key,
                                           s.ciphertext.alpha, product)
                     .to_bytes());
}

void write_range_proof_seeds(CorpusWriter& corpus) {
    const auto& s = fuzz::range_statement();
    for (const std::uint32_t limit : {1u, 2u, 5u, 32u, max_range_limit}) {
        auto proof = prove_range(s.base_hash, as_bytes(fuzz::range_seed_context), s.ciphertext,
                                 s.public_key, s.message, s.nonce, limit);
        Bytes input{static_cast<std::uint8_t>(limit)};
        append(input, proof.value().to_bytes());
        corpus.write("fuzz_range_proof", "limit-" + std::to_string(limit), input);
    }
}

void write_text_codec_seeds(CorpusWriter& corpus) {
    const Hash32 hash = hash_merkle_leaf(as_bytes("entry 0"));
    corpus.write("fuzz_hex", "bytes", "00ff7f80");
    corpus.write("fuzz_hex", "mixed-case", "DEADbeef");
    corpus.write("fuzz_hex", "hash", hash.to_hex());
    corpus.write("fuzz_base64", "one-byte", "YQ==");
    corpus.write("fuzz_base64", "two-bytes", "YWI=");
    corpus.write("fuzz_base64", "three-bytes", "YWJj");
    corpus.write("fuzz_base64", "key", to_base64(fuzz::ed25519_fixed_key().public_key().span()));
    corpus.write("fuzz_hash32", "raw", hash.span());
    corpus.write("fuzz_hash32", "hex", hash.to_hex());
}

void write_ed25519_seeds(CorpusWriter& corpus) {
    const auto& key = fuzz::ed25519_fixed_key();
    for (const std::string_view message :
         {std::string_view{}, std::string_view{"guardian 3 announcement"},
          std::string_view{"ledger record 0000000000000042: the body of a signed ledger entry"}}) {
        Bytes input;
        append(input, key.public_key().span());
        append(input, key.sign(as_bytes(message)).span());
        append(input, as_bytes(message));
        corpus.write("fuzz_ed25519", "signed-" + std::to_string(message.size()), input);
    }
}

void write_sealed_box_seeds(CorpusWriter& corpus) {
    const BoxKeyPair other = BoxKeyPair::generate();
    corpus.write("fuzz_sealed_box", "public-key", other.public_key().bytes);
    corpus.write("fuzz_sealed_box", "sealed-share",
                 seal_to(other.public_key(), Scalar::random().bytes()));
    corpus.write("fuzz_sealed_box", "sealed-empty", seal_to(other.public_key(), {}));
}

void write_merkle_seeds(CorpusWriter& corpus) {
    const std::span<const Hash32> leaves = fuzz::merkle_leaf_hashes();
    const auto root_of = [&](std::uint64_t size) {
        return compute_merkle_root(leaves.first(static_cast<std::size_t>(size)));
    };
    for (const auto& [index, size] :
         {std::pair<std::uint64_t, std::uint64_t>{0, 1}, {0, 7}, {3, 7}, {6, 7}, {4, 5}, {2, 4}}) {
        Bytes input;
        append(input, root_of(size).span());
        append(input, leaves[index].span());
        append_u64_le(input, index);
        append_u64_le(input, size);
        auto proof = prove_inclusion(leaves.first(static_cast<std::size_t>(size)), index);
        for (const Hash32& hash : proof.value()) append(input, hash.span());
        corpus.write("fuzz_merkle_inclusion",
                     "index-" + std::to_string(index) + "-of-" + std::to_string(size), input);
    }
    for (const auto& [old_size, new_size] : {std::pair<std::uint64_t, std::uint64_t>{1, 7},
                                             {3, 7},
                                             {4, 7},
                                             {6, 7},
                                             {7, 7},
                                             {2, 5},
                                             {3, 5}}) {
        Bytes input;
        append(input, root_of(old_size).span());
        append(input, root_of(new_size).span());
        append_u64_le(input, old_size);
        append_u64_le(input, new_size);
        auto proof = prove_consistency(leaves.first(static_cast<std::size_t>(new_size)), old_size);
        for (const Hash32& hash : proof.value()) append(input, hash.span());
        corpus.write("fuzz_merkle_consistency",
                     std::to_string(old_size) + "-to-" + std::to_string(new_size), input);
    }
}

// Genuine files from the real writers, in a scratch directory.
void write_key_file_seeds(CorpusWriter& corpus) {
    std::string scratch_template = (fs::temp_directory_path() / "psephos-seeds-XXXXXX").string();
    if (::mkdtemp(scratch_template.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    const fs::path scratch = scratch_template;
    const auto& key = fuzz::ed25519_fixed_key();
    const auto secret_path = scratch / "guardian-3.key";
    const auto public_path = scratch / "guardian-3.pub";
    if (!write_signing_key_file(secret_path, key, "guardian-3").ok() ||
        !write_public_key_file(public_path, key.public_key(), "guardian-3").ok()) {
        throw std::runtime_error("cannot write key files in " + scratch.string());
    }
    corpus.write("fuzz_key_file", "secret-key", read_file(secret_path));
    corpus.write("fuzz_key_file", "public-key", read_file(public_path));
    fs::remove_all(scratch);
    // Just over the size limit, so the fuzzer's maximum input length covers that refusal.
    corpus.write("fuzz_key_file", "oversized", std::string(4097, '\n'));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_seed_corpus <corpus directory>\n";
        return 2;
    }
    initialize();
    CorpusWriter corpus(argv[1]);
    write_point_seeds(corpus);
    write_public_point_seeds(corpus);
    write_group_backends_seeds(corpus);
    write_scalar_seeds(corpus);
    write_ciphertext_seeds(corpus);
    write_challenge_response_seeds(corpus);
    write_range_proof_seeds(corpus);
    write_text_codec_seeds(corpus);
    write_ed25519_seeds(corpus);
    write_sealed_box_seeds(corpus);
    write_merkle_seeds(corpus);
    write_key_file_seeds(corpus);
    std::cout << "make_seed_corpus: wrote " << corpus.count() << " files under " << argv[1] << "\n";
    return 0;
}

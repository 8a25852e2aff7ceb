// RFC 9162 Merkle trees: known answers from an independent Python transcription of the RFC
// (vectors/make_rfc9162_vectors.py), rejection of every kind of tampered proof, random trees.
#include <QFile>
#include <QList>
#include <QSet>
#include <QTest>

#include "vector_file.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "psephos/crypto/merkle_tree.hpp"

using psephos::Bytes;
using psephos::Hash32;
using psephos::Status;
using namespace psephos::crypto;

namespace {

// The eight test leaves of Certificate Transparency implementations, as in the vector file.
const char* const test_leaves_hex[] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};
constexpr int test_leaf_count = 8;

struct Vector {
    QByteArray kind;
    int first = 0;      // root: size; inclusion: index; consistency: old size
    int second = 0;     // inclusion: size; consistency: new size
    QByteArray hashes;  // a hex root, or comma-separated hex hashes, "-" for none
};

QList<Vector> read_vectors() {
    QList<Vector> out;
    for (const auto& parts : psephos::test::read_vector_lines(
             QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/rfc9162_merkle.txt"), 3, 4)) {
        const QByteArray line = parts.join(' ');
        if (parts[0] == "root" && parts.size() == 3) {
            out.push_back({parts[0], parts[1].toInt(), 0, parts[2]});
        } else if ((parts[0] == "inclusion" || parts[0] == "consistency") && parts.size() == 4) {
            out.push_back({parts[0], parts[1].toInt(), parts[2].toInt(), parts[3]});
        } else {
            qFatal("bad vector line: %s", line.constData());
        }
    }
    return out;
}

Hash32 hash_from_hex(const QByteArray& hex) { return Hash32::from_hex(hex.toStdString()).value(); }

std::vector<Hash32> hashes_from_text(const QByteArray& text) {
    std::vector<Hash32> out;
    if (text == "-") return out;
    for (const QByteArray& hex : text.split(',')) out.push_back(hash_from_hex(hex));
    return out;
}

QByteArray hashes_to_text(const std::vector<Hash32>& hashes) {
    if (hashes.empty()) return "-";
    QList<QByteArray> hex;
    for (const Hash32& h : hashes) hex.push_back(QByteArray::fromStdString(h.to_hex()));
    return hex.join(',');
}

std::vector<Hash32> test_leaf_hashes(int count) {
    std::vector<Hash32> out;
    for (int i = 0; i < count; ++i) {
        out.push_back(hash_merkle_leaf(psephos::from_hex(test_leaves_hex[i]).value()));
    }
    return out;
}

// Roots of the test tree for sizes 0..8, from the vector file.
const std::vector<Hash32>& vector_roots() {
    static const std::vector<Hash32> roots = [] {
        std::vector<Hash32> out(test_leaf_count + 1);
        for (const auto& v : read_vectors()) {
            if (v.kind == "root") out.at(v.first) = hash_from_hex(v.hashes);
        }
        return out;
    }();
    return roots;
}

// "ok", or "<code>: <message>", so a failed comparison shows what came back.
QByteArray outcome(const Status& status) {
    if (status.ok()) return "ok";
    return QByteArray(psephos::to_string(status.error().code)) + ": " +
           QByteArray::fromStdString(status.error().message);
}

QByteArray failed(const char* message) { return QByteArray("verification failed: ") + message; }

Hash32 with_flipped_byte(Hash32 h, std::size_t at, std::uint8_t mask = 0x01) {
    h.bytes[at % h.bytes.size()] ^= mask;
    return h;
}

// Roots of every prefix of leaves, sizes 0..n, through the incremental builder.
std::vector<Hash32> prefix_roots(const std::vector<Hash32>& leaves) {
    MerkleTreeBuilder builder;
    std::vector<Hash32> roots{builder.root()};
    for (const Hash32& leaf : leaves) {
        builder.append_leaf_hash(leaf);
        roots.push_back(builder.root());
    }
    return roots;
}

std::vector<Hash32> random_leaf_hashes(std::mt19937_64& rng, std::size_t count) {
    std::vector<Hash32> out;
    std::uniform_int_distribution<std::size_t> length(0, 48);
    for (std::size_t i = 0; i < count; ++i) {
        Bytes data(length(rng));
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        out.push_back(hash_merkle_leaf(data));
    }
    return out;
}

std::uint64_t uniform(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
}

void add_vector_rows(const char* kind, int expected_rows) {
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("second");
    QTest::addColumn<QByteArray>("hashes");
    int rows = 0;
    for (const auto& v : read_vectors()) {
        if (v.kind != kind) continue;
        const QByteArray name = v.kind == "inclusion"
                                    ? "rfc9162 inclusion of leaf " + QByteArray::number(v.first) +
                                          " in tree of " + QByteArray::number(v.second)
                                    : "rfc9162 consistency " + QByteArray::number(v.first) +
                                          " to " + QByteArray::number(v.second);
        QTest::newRow(name.constData()) << v.first << v.second << v.hashes;
        ++rows;
    }
    QCOMPARE(rows, expected_rows);
}

void add_inclusion_rows() { add_vector_rows("inclusion", 36); }      // 1 + 2 + ... + 8
void add_consistency_rows() { add_vector_rows("consistency", 36); }  // 1 <= old <= new <= 8

}  // namespace

class TestMerkleTree : public QObject {
    Q_OBJECT
private slots:
    void hashes_are_sha256_with_rfc9162_prefixes() {
        // FIPS 180-2 known answers.
        QCOMPARE(sha256({}).to_hex(),
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QCOMPARE(sha256(psephos::as_bytes("abc")).to_hex(),
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        const Bytes data = psephos::from_hex("3031").value();
        QCOMPARE(hash_merkle_leaf(data), sha256(psephos::from_hex("003031").value()));
        const Hash32 l = sha256(psephos::as_bytes("left")), r = sha256(psephos::as_bytes("right"));
        Bytes node{0x01};
        node.insert(node.end(), l.bytes.begin(), l.bytes.end());
        node.insert(node.end(), r.bytes.begin(), r.bytes.end());
        QCOMPARE(hash_merkle_children(l, r), sha256(node));
        QVERIFY(hash_merkle_children(l, r) != hash_merkle_children(r, l));
    }

    void roots_match_rfc9162_vectors_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<QByteArray>("root");
        int rows = 0;
        for (const auto& v : read_vectors()) {
            if (v.kind != "root") continue;
            QTest::newRow(("rfc9162 root of " + QByteArray::number(v.first)).constData())
                << v.first << v.hashes;
            ++rows;
        }
        QCOMPARE(rows, 9);
    }
    void roots_match_rfc9162_vectors() {
        QFETCH(int, size);
        QFETCH(QByteArray, root);
        const auto leaves = test_leaf_hashes(size);
        QCOMPARE(QByteArray::fromStdString(compute_merkle_root(leaves).to_hex()), root);
        MerkleTreeBuilder builder;
        for (const Hash32& leaf : leaves) builder.append_leaf_hash(leaf);
        QCOMPARE(builder.size(), std::uint64_t(size));
        QCOMPARE(QByteArray::fromStdString(builder.root().to_hex()), root);
    }

    void inclusion_proofs_match_rfc9162_vectors_data() { add_inclusion_rows(); }
    void inclusion_proofs_match_rfc9162_vectors() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const auto leaves = test_leaf_hashes(second);
        auto proof = prove_inclusion(leaves, first);
        QVERIFY(proof.ok());
        QCOMPARE(hashes_to_text(proof.value()), hashes);
        QCOMPARE(outcome(verify_inclusion(leaves[first], first, second, proof.value(),
                                          vector_roots()[second])),
                 "ok");
    }

    void consistency_proofs_match_rfc9162_vectors_data() { add_consistency_rows(); }
    void consistency_proofs_match_rfc9162_vectors() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        auto proof = prove_consistency(test_leaf_hashes(second), first);
        QVERIFY(proof.ok());
        QCOMPARE(hashes_to_text(proof.value()), hashes);
        QCOMPARE(outcome(verify_consistency(first, second, vector_roots()[first],
                                            vector_roots()[second], proof.value())),
                 "ok");
    }

    void rejects_mutated_inclusion_proof_data() { add_inclusion_rows(); }
    void rejects_mutated_inclusion_proof() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const Hash32 leaf = test_leaf_hashes(second)[first];
        const Hash32& root = vector_roots()[second];
        for (std::size_t i = 0; i < proof.size(); ++i) {
            for (std::size_t at : {std::size_t(0), 31 - i, std::size_t(31)}) {
                auto tampered = proof;
                tampered[i] = with_flipped_byte(tampered[i], at, 0x80);
                QCOMPARE(outcome(verify_inclusion(leaf, first, second, tampered, root)),
                         failed("computed root does not match"));
            }
        }
        QCOMPARE(outcome(verify_inclusion(with_flipped_byte(leaf, 5), first, second, proof, root)),
                 failed("computed root does not match"));
        if (proof.size() >= 2) {
            auto swapped = proof;
            std::swap(swapped.front(), swapped.back());
            QCOMPARE(outcome(verify_inclusion(leaf, first, second, swapped, root)),
                     failed("computed root does not match"));
        }
    }

    void rejects_inclusion_proof_for_wrong_index_data() { add_inclusion_rows(); }
    void rejects_inclusion_proof_for_wrong_index() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const Hash32 leaf = test_leaf_hashes(second)[first];
        const Hash32& root = vector_roots()[second];
        for (int index = 0; index < second; ++index) {
            if (index == first) continue;
            const QByteArray got = outcome(verify_inclusion(leaf, index, second, proof, root));
            QVERIFY2(got == failed("computed root does not match") ||
                         got.startsWith(failed("proof has ")),
                     got.constData());
        }
        QCOMPARE(outcome(verify_inclusion(leaf, second, second, proof, root)),
                 failed(("index " + std::to_string(second) + " is not below tree size " +
                         std::to_string(second))
                            .c_str()));
        QVERIFY(
            !verify_inclusion(leaf, std::numeric_limits<std::uint64_t>::max(), second, proof, root)
                 .ok());
    }

    // A proof does not bind the tree size by itself; the root does. So the wrong size is tried
    // with the root of that size, as a signed tree head would pair them.
    void rejects_inclusion_proof_for_wrong_tree_size_data() { add_inclusion_rows(); }
    void rejects_inclusion_proof_for_wrong_tree_size() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const Hash32 leaf = test_leaf_hashes(second)[first];
        for (int size = 0; size <= test_leaf_count; ++size) {
            if (size == second) continue;
            const QByteArray got =
                outcome(verify_inclusion(leaf, first, size, proof, vector_roots()[size]));
            QVERIFY2(got == failed("computed root does not match") ||
                         got.startsWith(failed("proof has ")) ||
                         got.endsWith("is not below tree size " + QByteArray::number(size)),
                     got.constData());
        }
    }

    void rejects_truncated_or_extended_inclusion_proof_data() { add_inclusion_rows(); }
    void rejects_truncated_or_extended_inclusion_proof() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const Hash32 leaf = test_leaf_hashes(second)[first];
        const Hash32& root = vector_roots()[second];
        const QByteArray expected = ", expected " + QByteArray::number(qsizetype(proof.size()));
        if (!proof.empty()) {
            const std::vector<Hash32> without_last(proof.begin(), proof.end() - 1);
            const std::vector<Hash32> without_first(proof.begin() + 1, proof.end());
            for (const auto& truncated : {without_last, without_first}) {
                QCOMPARE(outcome(verify_inclusion(leaf, first, second, truncated, root)),
                         failed("proof has ") + QByteArray::number(qsizetype(truncated.size())) +
                             (truncated.size() == 1 ? " hash" : " hashes") + expected);
            }
        }
        // Extended with the root itself, and with a hash that makes the walk overshoot.
        for (const Hash32& extra : {root, Hash32{}}) {
            auto extended = proof;
            extended.push_back(extra);
            QCOMPARE(outcome(verify_inclusion(leaf, first, second, extended, root)),
                     failed("proof has ") + QByteArray::number(qsizetype(extended.size())) +
                         (extended.size() == 1 ? " hash" : " hashes") + expected);
        }
    }

    void rejects_inclusion_proof_against_wrong_root_data() { add_inclusion_rows(); }
    void rejects_inclusion_proof_against_wrong_root() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const Hash32 leaf = test_leaf_hashes(second)[first];
        std::vector<Hash32> wrong_roots{with_flipped_byte(vector_roots()[second], 17), Hash32{}};
        for (int size = 0; size <= test_leaf_count; ++size) {
            if (size != second) wrong_roots.push_back(vector_roots()[size]);
        }
        for (const Hash32& root : wrong_roots) {
            QCOMPARE(outcome(verify_inclusion(leaf, first, second, proof, root)),
                     failed("computed root does not match"));
        }
    }

    void rejects_mutated_consistency_proof_data() { add_consistency_rows(); }
    void rejects_mutated_consistency_proof() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const Hash32& old_root = vector_roots()[first];
        const Hash32& new_root = vector_roots()[second];
        const QSet<QByteArray> root_mismatch{failed("computed old root does not match"),
                                             failed("computed new root does not match")};
        for (std::size_t i = 0; i < proof.size(); ++i) {
            for (std::size_t at : {std::size_t(0), 31 - i, std::size_t(31)}) {
                auto tampered = proof;
                tampered[i] = with_flipped_byte(tampered[i], at, 0x80);
                const QByteArray got =
                    outcome(verify_consistency(first, second, old_root, new_root, tampered));
                QVERIFY2(root_mismatch.contains(got), got.constData());
            }
        }
        if (proof.size() >= 2) {
            auto swapped = proof;
            std::swap(swapped.front(), swapped.back());
            const QByteArray got =
                outcome(verify_consistency(first, second, old_root, new_root, swapped));
            QVERIFY2(root_mismatch.contains(got), got.constData());
        }
        if (proof.empty()) {  // equal sizes: nothing to flip but the roots
            QCOMPARE(
                outcome(verify_consistency(first, second, old_root, with_flipped_byte(new_root, 3),
                                           proof)),
                failed(("old and new roots differ for the same tree size " + std::to_string(first))
                           .c_str()));
        }
    }

    // As for inclusion, each wrong size comes with the root of that size.
    void rejects_consistency_proof_for_wrong_sizes_data() { add_consistency_rows(); }
    void rejects_consistency_proof_for_wrong_sizes() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const auto& roots = vector_roots();
        for (int size = 1; size <= test_leaf_count; ++size) {
            if (size != first) {
                const QByteArray got =
                    outcome(verify_consistency(size, second, roots[size], roots[second], proof));
                QVERIFY2(got.startsWith("verification failed: "), got.constData());
            }
            if (size != second) {
                const QByteArray got =
                    outcome(verify_consistency(first, size, roots[first], roots[size], proof));
                QVERIFY2(got.startsWith("verification failed: "), got.constData());
            }
        }
        if (first != second) {
            QCOMPARE(outcome(verify_consistency(second, first, roots[second], roots[first], proof)),
                     failed(("old size " + std::to_string(second) + " is above new size " +
                             std::to_string(first))
                                .c_str()));
        }
    }

    void rejects_truncated_or_extended_consistency_proof_data() { add_consistency_rows(); }
    void rejects_truncated_or_extended_consistency_proof() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const Hash32& old_root = vector_roots()[first];
        const Hash32& new_root = vector_roots()[second];
        const auto expect_length_error = [&](const std::vector<Hash32>& given) {
            QCOMPARE(outcome(verify_consistency(first, second, old_root, new_root, given)),
                     failed("proof has ") + QByteArray::number(qsizetype(given.size())) +
                         (given.size() == 1 ? " hash" : " hashes") + ", expected " +
                         QByteArray::number(qsizetype(proof.size())));
        };
        if (!proof.empty()) {
            expect_length_error({proof.begin(), proof.end() - 1});
            expect_length_error({proof.begin() + 1, proof.end()});
        }
        for (const Hash32& extra : {old_root, new_root, Hash32{}}) {
            auto extended = proof;
            extended.push_back(extra);
            expect_length_error(extended);
            extended.insert(extended.begin(), extra);
            expect_length_error(extended);
        }
    }

    void rejects_consistency_proof_against_wrong_roots_data() { add_consistency_rows(); }
    void rejects_consistency_proof_against_wrong_roots() {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(QByteArray, hashes);
        const std::vector<Hash32> proof = hashes_from_text(hashes);
        const auto& roots = vector_roots();
        const QSet<QByteArray> mismatch{
            failed("computed old root does not match"), failed("computed new root does not match"),
            failed(("old and new roots differ for the same tree size " + std::to_string(first))
                       .c_str())};
        for (int size = 0; size <= test_leaf_count; ++size) {
            if (size != first) {
                const QByteArray got =
                    outcome(verify_consistency(first, second, roots[size], roots[second], proof));
                QVERIFY2(mismatch.contains(got), got.constData());
            }
            if (size != second) {
                const QByteArray got =
                    outcome(verify_consistency(first, second, roots[first], roots[size], proof));
                QVERIFY2(mismatch.contains(got), got.constData());
            }
        }
        for (std::size_t at : {std::size_t(0), std::size_t(31)}) {
            const auto flipped_old = with_flipped_byte(roots[first], at);
            const auto flipped_new = with_flipped_byte(roots[second], at);
            for (const auto& [old_root, new_root] :
                 {std::pair{flipped_old, roots[second]}, std::pair{roots[first], flipped_new}}) {
                const QByteArray got =
                    outcome(verify_consistency(first, second, old_root, new_root, proof));
                QVERIFY2(mismatch.contains(got), got.constData());
            }
        }
    }

    void consistency_of_equal_sizes_needs_empty_proof_and_equal_roots() {
        const auto leaves = test_leaf_hashes(5);
        const Hash32 root = compute_merkle_root(leaves);
        QCOMPARE(prove_consistency(leaves, 5).value().size(), std::size_t(0));
        QCOMPARE(outcome(verify_consistency(5, 5, root, root, {})), "ok");
        const std::vector<Hash32> one{root};
        QCOMPARE(outcome(verify_consistency(5, 5, root, root, one)),
                 failed("proof has 1 hash, expected 0"));
        QCOMPARE(outcome(verify_consistency(5, 5, root, vector_roots()[4], {})),
                 failed("old and new roots differ for the same tree size 5"));
    }

    void rejects_sizes_with_nothing_to_prove() {
        const auto leaves = test_leaf_hashes(7);
        const Hash32 root = compute_merkle_root(leaves);

        auto inclusion = prove_inclusion(leaves, 7);
        QVERIFY(!inclusion.ok());
        QCOMPARE(inclusion.error().code, psephos::ErrorCode::invalid_argument);
        QCOMPARE(inclusion.error().message, "index 7 is not below tree size 7");
        QVERIFY(!prove_inclusion({}, 0).ok());
        QCOMPARE(outcome(verify_inclusion(leaves[0], 7, 7, {}, root)),
                 failed("index 7 is not below tree size 7"));
        QCOMPARE(outcome(verify_inclusion(leaves[0], 0, 0, {}, sha256({}))),
                 failed("index 0 is not below tree size 0"));

        for (std::uint64_t old_size : {std::uint64_t(0), std::uint64_t(8)}) {
            auto consistency = prove_consistency(leaves, old_size);
            QVERIFY(!consistency.ok());
            QCOMPARE(consistency.error().code, psephos::ErrorCode::invalid_argument);
            QCOMPARE(consistency.error().message,
                     "old size " + std::to_string(old_size) + " is not in 1..7");
        }
        QCOMPARE(outcome(verify_consistency(0, 7, sha256({}), root, {})),
                 failed("old size 0: the empty tree is a prefix of every tree, there is nothing "
                        "to prove"));
        QCOMPARE(outcome(verify_consistency(0, 0, sha256({}), sha256({}), {})),
                 failed("old size 0: the empty tree is a prefix of every tree, there is nothing "
                        "to prove"));
        QCOMPARE(outcome(verify_consistency(8, 7, root, root, {})),
                 failed("old size 8 is above new size 7"));
    }

    // Sizes near 2^64 must neither overflow nor hash: the length check comes first.
    void handles_extreme_tree_sizes_without_overflow() {
        constexpr auto max = std::numeric_limits<std::uint64_t>::max();
        const Hash32 h = sha256({});
        // The tree of 2^64 − 1 leaves is perfect subtrees of 2^63, 2^62, ..., 1 leaves side by
        // side: its last leaf sits 63 levels down, its first 64.
        QCOMPARE(outcome(verify_inclusion(h, max - 1, max, {}, h)),
                 failed("proof has 0 hashes, expected 63"));
        QCOMPARE(outcome(verify_inclusion(h, 0, max, {}, h)),
                 failed("proof has 0 hashes, expected 64"));
        QCOMPARE(outcome(verify_inclusion(h, max, max, {}, h)),
                 failed("index 18446744073709551615 is not below tree size 18446744073709551615"));
        // The old tree of 2^63 leaves is the new root's left child: its sibling is the proof.
        const std::vector<Hash32> long_proof(200, h);
        QCOMPARE(outcome(verify_consistency(std::uint64_t(1) << 63, max, h, h, long_proof)),
                 failed("proof has 200 hashes, expected 1"));
        QCOMPARE(outcome(verify_consistency(max - 1, max, h, h, {})),
                 failed("proof has 0 hashes, expected 64"));
        // A consistency proof can be longer than the tree is deep: the old tree's own subtree
        // root (not a power of two) comes first.
        QCOMPARE(outcome(verify_consistency(3, max, h, h, {})),
                 failed("proof has 0 hashes, expected 65"));
        QCOMPARE(outcome(verify_consistency(max, max, h, h, {})), "ok");
    }

    void builder_matches_compute_merkle_root_for_sizes_0_to_300() {
        std::mt19937_64 rng(300);
        const auto leaves = random_leaf_hashes(rng, 300);
        MerkleTreeBuilder builder;
        QCOMPARE(builder.root(), sha256({}));
        for (std::size_t size = 0; size <= leaves.size(); ++size) {
            QCOMPARE(builder.size(), std::uint64_t(size));
            QCOMPARE(builder.root(), compute_merkle_root(std::span(leaves).first(size)));
            if (size < leaves.size()) builder.append_leaf_hash(leaves[size]);
        }
    }

    void random_inclusion_proofs_verify_and_fail_when_mutated() {
        std::mt19937_64 rng(0x9162'0001);
        for (int trial = 0; trial < 300; ++trial) {
            const auto total = uniform(rng, 1, 600);
            const auto leaves = random_leaf_hashes(rng, total);
            const auto roots = prefix_roots(leaves);
            const auto size = uniform(rng, 1, total);
            const auto index = uniform(rng, 0, size - 1);
            const auto tree = std::span(leaves).first(size);
            QCOMPARE(roots[size], compute_merkle_root(tree));
            const std::vector<Hash32> proof = prove_inclusion(tree, index).value();
            const QByteArray where =
                "tree of " + QByteArray::number(size) + ", leaf " + QByteArray::number(index);
            QVERIFY2(verify_inclusion(leaves[index], index, size, proof, roots[size]).ok(),
                     where.constData());

            if (!proof.empty()) {
                auto tampered = proof;
                auto& victim = tampered[uniform(rng, 0, tampered.size() - 1)];
                victim = with_flipped_byte(victim, uniform(rng, 0, 31),
                                           static_cast<std::uint8_t>(uniform(rng, 1, 255)));
                QCOMPARE(
                    outcome(verify_inclusion(leaves[index], index, size, tampered, roots[size])),
                    failed("computed root does not match"));
            }
            if (size > 1) {
                auto other_index = uniform(rng, 0, size - 2);
                if (other_index >= index) ++other_index;
                QVERIFY2(
                    !verify_inclusion(leaves[index], other_index, size, proof, roots[size]).ok(),
                    where.constData());
            }
            if (total > index + 1) {  // another size that still holds the leaf, with its root
                auto other_size = uniform(rng, index + 1, total - 1);
                if (other_size >= size) ++other_size;
                QVERIFY2(
                    !verify_inclusion(leaves[index], index, other_size, proof, roots[other_size])
                         .ok(),
                    where.constData());
            }
        }
    }

    void random_consistency_proofs_verify_and_fail_when_mutated() {
        std::mt19937_64 rng(0x9162'0002);
        for (int trial = 0; trial < 300; ++trial) {
            const auto total = uniform(rng, 1, 600);
            const auto leaves = random_leaf_hashes(rng, total);
            const auto roots = prefix_roots(leaves);
            const auto new_size = uniform(rng, 1, total);
            const auto old_size = uniform(rng, 1, new_size);
            const std::vector<Hash32> proof =
                prove_consistency(std::span(leaves).first(new_size), old_size).value();
            const QByteArray where =
                "from " + QByteArray::number(old_size) + " to " + QByteArray::number(new_size);
            QCOMPARE(outcome(verify_consistency(old_size, new_size, roots[old_size],
                                                roots[new_size], proof)),
                     "ok");

            if (!proof.empty()) {
                auto tampered = proof;
                auto& victim = tampered[uniform(rng, 0, tampered.size() - 1)];
                victim = with_flipped_byte(victim, uniform(rng, 0, 31),
                                           static_cast<std::uint8_t>(uniform(rng, 1, 255)));
                const QByteArray got = outcome(verify_consistency(
                    old_size, new_size, roots[old_size], roots[new_size], tampered));
                QVERIFY2(got == failed("computed old root does not match") ||
                             got == failed("computed new root does not match"),
                         (where + ": " + got).constData());
            }
            if (total > 1) {
                auto other_old = uniform(rng, 1, total - 1);
                if (other_old >= old_size) ++other_old;
                QVERIFY2(!verify_consistency(other_old, new_size, roots[other_old], roots[new_size],
                                             proof)
                              .ok(),
                         where.constData());
                auto other_new = uniform(rng, 1, total - 1);
                if (other_new >= new_size) ++other_new;
                QVERIFY2(!verify_consistency(old_size, other_new, roots[old_size], roots[other_new],
                                             proof)
                              .ok(),
                         where.constData());
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestMerkleTree)
#include "tst_merkle_tree.moc"

// Encrypted ballots: encryption on the kiosk, canonical encoding, verification, tracking codes
// and Benaloh challenges (docs/encoding.md §4–§5).
#include "psephos/election/encrypted_ballot.hpp"

#include <sodium.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/public_committed_proofs.hpp"
#include "psephos/crypto/public_proofs.hpp"
#include "psephos/election/canonical_encoding.hpp"

namespace psephos::election {

using crypto::Ciphertext;
using crypto::RangeProof;
using crypto::Scalar;

namespace {
constexpr std::size_t max_id_size = 64;
constexpr std::size_t max_contests = 1000;
constexpr std::size_t max_options = 1000;
constexpr std::uint64_t timestamp_resolution = 3600;

void write_proof(CanonicalWriter& w, const BallotRangeProof& proof, std::uint8_t version) {
    w.u32(proof.limit());
    if (version >= committed_proofs_ballot_version) {
        if (proof.commitments.size() != 2 * (std::size_t{proof.limit()} + 1)) {
            throw std::logic_error("encode_ballot: a version " + std::to_string(version) +
                                   " ballot's range proof needs its 2(L+1) commitments");
        }
        for (const auto& p : proof.commitments) w.point(p);
    }
    w.fixed(proof.compact.to_bytes());
}

BallotRangeProof read_proof(CanonicalReader& r, std::string_view field,
                            std::uint32_t expected_limit) {
    const std::uint32_t limit = r.u32(field);
    if (!r.ok()) return {};
    if (limit != expected_limit && expected_limit != 0) {
        r.fail(field,
               "limit " + std::to_string(limit) + ", expected " + std::to_string(expected_limit));
        return {};
    }
    if (limit == 0 || limit > crypto::max_range_limit) {
        r.fail(field, "limit " + std::to_string(limit) + " is outside [1, " +
                          std::to_string(crypto::max_range_limit) + "]");
        return {};
    }
    BallotRangeProof proof;
    if (r.version() >= committed_proofs_ballot_version) {
        // Every commitment is a point: validated here, by libsodium, like the ciphertexts.
        for (std::uint32_t j = 0; j <= limit && r.ok(); ++j) {
            const std::string branch = std::string(field) + " branch " + std::to_string(j);
            proof.commitments.push_back(r.point(branch + " a"));
            proof.commitments.push_back(r.point(branch + " b"));
        }
    }
    const ByteSpan bytes = r.fixed(field, 2 * (std::size_t{limit} + 1) * Scalar::size);
    if (!r.ok()) return {};
    auto compact = RangeProof::from_bytes(bytes, limit);
    if (!compact) {
        r.fail(field, compact.error().message);
        return {};
    }
    proof.compact = std::move(compact).value();
    return proof;
}

void write_body(CanonicalWriter& w, const EncryptedBallot& b) {
    w.hash(b.election_base_hash);
    w.text(b.ballot_id);
    w.text(b.device_id);
    w.text(b.district_id);
    w.text(b.ballot_style_id);
    w.u64(b.timestamp);
    w.hash(b.previous_tracking_code);
    w.count(b.contests.size());
    for (const auto& c : b.contests) {
        w.text(c.contest_id);
        w.count(c.selections.size());
        for (const auto& s : c.selections) {
            w.text(s.option_id);
            w.point(s.ciphertext.alpha);
            w.point(s.ciphertext.beta);
            write_proof(w, s.proof, b.version);
        }
        write_proof(w, c.selection_count_proof, b.version);
    }
}

EncryptedBallot read_ballot(CanonicalReader& r) {
    EncryptedBallot b;
    b.version = r.version();
    b.election_base_hash = r.hash("election base hash");
    b.ballot_id = r.text("ballot id", max_id_size);
    b.device_id = r.text("device id", max_id_size);
    b.district_id = r.text("district id", max_id_size);
    b.ballot_style_id = r.text("ballot style id", max_id_size);
    b.timestamp = r.u64("timestamp");
    if (r.ok() && b.timestamp % timestamp_resolution != 0) {
        r.fail("timestamp", "not rounded down to the hour");
    }
    b.previous_tracking_code = r.hash("previous tracking code");
    const std::size_t contests = r.count("contests", max_contests);
    for (std::size_t i = 0; i < contests && r.ok(); ++i) {
        EncryptedContest c;
        const std::string where = "contest " + std::to_string(i);
        c.contest_id = r.text(where + " id", max_id_size);
        const std::size_t options = r.count(where + " selections", max_options);
        for (std::size_t j = 0; j < options && r.ok(); ++j) {
            EncryptedSelection s;
            const std::string at = where + " selection " + std::to_string(j);
            s.option_id = r.text(at + " option id", max_id_size);
            s.ciphertext.alpha = r.point(at + " alpha");
            s.ciphertext.beta = r.point(at + " beta");
            s.proof = read_proof(r, at + " proof", 1);
            c.selections.push_back(std::move(s));
        }
        c.selection_count_proof = read_proof(r, where + " count proof", 0);
        b.contests.push_back(std::move(c));
    }
    b.device_signature = r.ed25519_signature("device signature");
    return b;
}

std::string quoted(std::string_view id) { return "'" + std::string(id) + "'"; }
}  // namespace

Bytes encode_ballot_body(const EncryptedBallot& ballot) {
    if (ballot.version < oldest_encrypted_ballot_version ||
        ballot.version > encrypted_ballot_version) {
        throw std::logic_error("encode_ballot: version " + std::to_string(ballot.version) +
                               " is not one this build writes");
    }
    CanonicalWriter w(RecordType::encrypted_ballot, ballot.version);
    write_body(w, ballot);
    return w.take();
}

Bytes encode_ballot(const EncryptedBallot& ballot) {
    Bytes out = encode_ballot_body(ballot);
    out.insert(out.end(), ballot.device_signature.bytes.begin(),
               ballot.device_signature.bytes.end());
    return out;
}

Result<EncryptedBallot> decode_ballot(ByteSpan data) {
    CanonicalReader r(data, RecordType::encrypted_ballot, encrypted_ballot_version,
                      "encrypted ballot", oldest_encrypted_ballot_version);
    EncryptedBallot b = read_ballot(r);
    if (auto ok = r.finish(); !ok) return ok.error();
    return b;
}

Hash32 compute_ballot_hash(const EncryptedBallot& ballot) {
    return crypto::sha256(encode_ballot_body(ballot));
}

Hash32 initial_tracking_code(const Hash32& election_base_hash, std::string_view device_id) {
    CanonicalWriter w(RecordType::encrypted_ballot, 1);
    w.text("psephos/v1/tracking-code-seed");
    w.hash(election_base_hash);
    w.text(device_id);
    return crypto::sha256(w.data());
}

Hash32 next_tracking_code(const Hash32& previous, const Hash32& ballot_hash) {
    CanonicalWriter w(RecordType::encrypted_ballot, 1);
    w.text("psephos/v1/tracking-code");
    w.hash(previous);
    w.hash(ballot_hash);
    return crypto::sha256(w.data());
}

std::string format_tracking_code(const Hash32& code) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";  // RFC 4648 §6
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    int written = 0;
    for (std::size_t i = 0; i < 20; ++i) {  // 160 bits → exactly 32 characters
        buffer = (buffer << 8) | code.bytes[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            if (written > 0 && written % 4 == 0) out.push_back('-');
            out.push_back(alphabet[(buffer >> bits) & 0x1f]);
            ++written;
        }
    }
    return out;
}

Result<std::array<std::uint8_t, 20>> parse_tracking_code(std::string_view text) {
    std::array<std::uint8_t, 20> out{};
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t digits = 0;
    std::size_t written = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '-' || c == ' ') continue;
        int value = -1;
        if (c >= 'A' && c <= 'Z') value = c - 'A';
        if (c >= 'a' && c <= 'z') value = c - 'a';
        if (c >= '2' && c <= '7') value = c - '2' + 26;
        if (value < 0) {
            return make_error(ErrorCode::invalid_argument,
                              "tracking code: character " + std::to_string(i + 1) +
                                  " is not a base32 letter (A-Z, 2-7)");
        }
        if (++digits > 32) break;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[written++] = static_cast<std::uint8_t>(buffer >> bits);
        }
    }
    if (digits != 32) {
        return make_error(
            ErrorCode::invalid_argument,
            "tracking code: " + std::string(digits > 32 ? "more than 32" : std::to_string(digits)) +
                " base32 characters, expected 32");
    }
    return out;
}

Bytes ballot_proof_context(const EncryptedBallot& ballot, std::string_view contest_id,
                           std::string_view option_id) {
    Bytes out;
    for (const std::string_view part :
         {std::string_view(ballot.ballot_id), std::string_view(ballot.device_id),
          std::string_view(ballot.district_id), std::string_view(ballot.ballot_style_id),
          contest_id, option_id}) {
        append_u32_be(out, static_cast<std::uint32_t>(part.size()));
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

BallotPrecomputationPool::BallotPrecomputationPool(const ElectionContext& election,
                                                   std::string_view district_id,
                                                   std::size_t target_ballots,
                                                   std::size_t thread_count)
    : public_key_(election.joint_key),
      ballot_style_id_([&] {
          const BallotStyle* style = election.manifest.ballot_style_of_district(district_id);
          if (style == nullptr)
              throw std::invalid_argument("district " + quoted(district_id) +
                                          " has no ballot style");
          return style->id;
      }()),
      shapes_([&] {
          std::vector<std::pair<std::size_t, std::uint32_t>> shapes;
          for (const auto& id : election.manifest.ballot_style_of_district(district_id)->contests) {
              const Contest* c = election.manifest.find_contest(id);
              shapes.emplace_back(c->options.size(), c->vote_for);
          }
          return shapes;
      }()),
      pool_(
          [this] {
              std::vector<crypto::PrecomputedContest> ballot;
              for (const auto& [options, vote_for] : shapes_)
                  ballot.push_back(
                      crypto::PrecomputedContest::compute(public_key_, options, vote_for));
              return ballot;
          },
          target_ballots, thread_count) {}

namespace {
// Everything about the marks the ballot style allows, checked before anything is encrypted.
Status check_marks(const ElectionManifest& m, const BallotStyle& style, const BallotMarks& marks) {
    for (const auto& [contest_id, options] : marks) {
        if (std::find(style.contests.begin(), style.contests.end(), contest_id) ==
            style.contests.end()) {
            return make_error(
                ErrorCode::invalid_argument,
                "contest " + quoted(contest_id) + " is not on ballot style " + quoted(style.id));
        }
        const Contest* contest = m.find_contest(contest_id);
        // Duplicates are found by comparing with the earlier marks in place, never by copying the
        // option ids into a set: a copy of a voter's marks would outlive the check unwiped. Every
        // earlier mark is a distinct known option, so this is at most quadratic in the contest's
        // option count.
        for (std::size_t i = 0; i < options.size(); ++i) {
            const std::string& option_id = options[i];
            const bool known =
                std::any_of(contest->options.begin(), contest->options.end(),
                            [&](const ContestOption& o) { return o.id == option_id; });
            if (!known) {
                return make_error(
                    ErrorCode::invalid_argument,
                    "contest " + quoted(contest_id) + ": unknown option " + quoted(option_id));
            }
            const auto earlier = options.begin() + static_cast<std::ptrdiff_t>(i);
            if (std::find(options.begin(), earlier, option_id) != earlier) {
                return make_error(ErrorCode::invalid_argument,
                                  "contest " + quoted(contest_id) + ": an option is marked twice");
            }
        }
        if (options.size() > contest->vote_for) {
            return make_error(ErrorCode::invalid_argument,
                              "contest " + quoted(contest_id) + ": more marks than vote for " +
                                  std::to_string(contest->vote_for) + " allows (overvote)");
        }
    }
    return {};
}

// The full path for one contest: fresh nonces, every proof computed now.
Result<crypto::EncryptedContestSelections> encrypt_contest_full(
    const ElectionContext& election, std::span<const Bytes> contexts, ByteSpan count_context,
    std::uint32_t vote_for, std::span<const std::uint8_t> marks) {
    crypto::EncryptedContestSelections out;
    Ciphertext sum = crypto::zero_ciphertext();
    Scalar nonce_sum;
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < marks.size(); ++i) {
        auto s = crypto::encrypt_selection_full(election.base_hash, contexts[i], election.joint_key,
                                                marks[i]);
        if (!s) return s.error();
        sum = crypto::add_ciphertexts(sum, s.value().ciphertext);
        nonce_sum = nonce_sum + s.value().nonce;
        count += marks[i];
        out.selections.push_back(std::move(s).value());
    }
    auto proof = crypto::prove_range_committed(election.base_hash, count_context, sum,
                                               election.joint_key, count, nonce_sum, vote_for);
    if (!proof) return proof.error();
    out.count_proof = std::move(proof).value();
    return out;
}
}  // namespace

Result<PreparedBallot> encrypt_ballot(const ElectionContext& election, const BallotRequest& request,
                                      const BallotMarks& marks,
                                      const crypto::Ed25519SigningKey& device_key,
                                      BallotPrecomputationPool* pool) {
    const ElectionManifest& m = election.manifest;
    const BallotStyle* style = m.ballot_style_of_district(request.district_id);
    if (m.find_district(request.district_id) == nullptr || style == nullptr) {
        return make_error(ErrorCode::invalid_argument, "district " + quoted(request.district_id) +
                                                           " has no ballot style in this election");
    }
    if (auto ok = check_marks(m, *style, marks); !ok) return ok.error();
    std::optional<std::vector<crypto::PrecomputedContest>> precomputed;
    if (pool != nullptr) {
        if (!(pool->public_key() == election.joint_key) || pool->ballot_style_id() != style->id) {
            return make_error(
                ErrorCode::invalid_argument,
                "precomputation pool is for another election key or ballot style than " +
                    quoted(style->id));
        }
        precomputed = pool->take();
    }

    PreparedBallot prepared;
    EncryptedBallot& b = prepared.ballot;
    b.election_base_hash = election.base_hash;
    b.ballot_id = request.ballot_id;
    b.device_id = request.device_id;
    b.district_id = request.district_id;
    b.ballot_style_id = style->id;
    b.timestamp = request.time - request.time % timestamp_resolution;
    b.previous_tracking_code = request.previous_tracking_code;
    for (std::size_t c = 0; c < style->contests.size(); ++c) {
        const std::string& contest_id = style->contests[c];
        const Contest& contest = *m.find_contest(contest_id);
        const auto marked = marks.find(contest_id);
        // In locked memory, wiped when freed (on the error path too), and reserved, so no
        // reallocation is needed; on success they move into `prepared`.
        ContestMarks contest_marks;
        contest_marks.reserve(contest.options.size());
        std::vector<Bytes> contexts;
        for (const auto& option : contest.options) {
            const bool is_marked =
                marked != marks.end() && std::find(marked->second.begin(), marked->second.end(),
                                                   option.id) != marked->second.end();
            contest_marks.push_back(is_marked ? 1 : 0);
            contexts.push_back(ballot_proof_context(b, contest_id, option.id));
        }
        const Bytes count_context = ballot_proof_context(b, contest_id, "");
        auto encrypted = precomputed
                             ? crypto::encrypt_contest(std::move((*precomputed)[c]),
                                                       election.base_hash, contexts, count_context,
                                                       election.joint_key, contest_marks)
                             : encrypt_contest_full(election, contexts, count_context,
                                                    contest.vote_for, contest_marks);
        if (!encrypted) return encrypted.error().within("contest " + quoted(contest_id));
        EncryptedContest ec;
        ec.contest_id = contest_id;
        ContestNonces contest_nonces;
        contest_nonces.reserve(contest.options.size());
        for (std::size_t o = 0; o < contest.options.size(); ++o) {
            auto& s = encrypted.value().selections[o];
            ec.selections.push_back({contest.options[o].id, s.ciphertext, std::move(s.proof)});
            contest_nonces.push_back(std::move(s.nonce));
        }
        ec.selection_count_proof = std::move(encrypted.value().count_proof);
        b.contests.push_back(std::move(ec));
        prepared.marks.push_back(std::move(contest_marks));
        prepared.nonces.push_back(std::move(contest_nonces));
    }
    b.device_signature = device_key.sign(encode_ballot_body(b));
    prepared.tracking_code = next_tracking_code(b.previous_tracking_code, compute_ballot_hash(b));
    return prepared;
}

namespace {
// A version 3 ballot's range proofs, gathered to be checked as one random linear combination
// (crypto::verify_range_committed_batch); each keeps its statement's parts alive and the name an
// error gives it ("ballot 'b-1': contest 'mayor': option 'alice'").
class BallotProofBatch {
public:
    void add(Bytes context, const crypto::DecodedCiphertext& ciphertext, std::uint32_t limit,
             const BallotRangeProof& proof, std::string name) {
        entries_.push_back(std::make_unique<Entry>(
            Entry{std::move(context), ciphertext, limit,
                  crypto::DecodedCommittedRangeProof::from_proof(proof), std::move(name)}));
    }

    // The first refused proof's error, named; the batch falls back to per-proof checks itself.
    Status verify(const Hash32& base_hash, const crypto::DecodedPoint& joint_key) const {
        std::vector<crypto::CommittedRangeStatement> statements;
        statements.reserve(entries_.size());
        for (const auto& e : entries_)
            statements.push_back({e->context, &e->ciphertext, e->limit, &e->proof});
        const crypto::BatchVerification result =
            crypto::verify_range_committed_batch(base_hash, joint_key, statements);
        if (result.ok()) return {};
        // The refused proof checked again on its own, for an error without the batch's index.
        const Entry& bad = *entries_[result.refused.front()];
        Status alone = crypto::verify_range_committed(base_hash, bad.context, bad.ciphertext,
                                                      joint_key, bad.limit, bad.proof);
        return (alone ? result.errors.front() : alone.error()).within(bad.name);
    }

private:
    struct Entry {
        Bytes context;
        crypto::DecodedCiphertext ciphertext;
        std::uint32_t limit;
        crypto::DecodedCommittedRangeProof proof;
        std::string name;
    };
    std::vector<std::unique_ptr<Entry>> entries_;  // stable addresses for the statements
};
}  // namespace

Status verify_ballot_signature(const crypto::Ed25519PublicKey& device_key,
                               const EncryptedBallot& b) {
    if (auto ok = crypto::verify_signature(device_key, encode_ballot_body(b), b.device_signature);
        !ok) {
        return ok.error().within("ballot " + quoted(b.ballot_id) + ": device signature");
    }
    return {};
}

Status verify_ballot(const ElectionContext& election, const crypto::Ed25519PublicKey& device_key,
                     const EncryptedBallot& b) {
    if (auto ok = verify_ballot_signature(device_key, b); !ok) return ok;
    return verify_ballot_contents(election, b);
}

namespace {

Status check_ballot_contents(const ElectionContext& election, const EncryptedBallot& b,
                             std::vector<crypto::PublicCiphertext>* decoded) {
    const std::string where = "ballot " + quoted(b.ballot_id);
    auto fail = [&](const std::string& reason) {
        return make_error(ErrorCode::verification_failed, where + ": " + reason);
    };
    // The decoder reads the ballot id as text; its syntax is this content rule, as the record
    // verifier's V19 (docs/encoding.md §4).
    if (b.ballot_id.empty() || b.ballot_id.size() > max_id_size ||
        !std::all_of(b.ballot_id.begin(), b.ballot_id.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }))
        return fail("the ballot id is not an id (1 to 64 of a-z, 0-9 and -)");
    if (!(b.election_base_hash == election.base_hash))
        return fail("made for another election (base hash differs)");
    const ElectionManifest& m = election.manifest;
    const BallotStyle* style = m.ballot_style_of_district(b.district_id);
    if (style == nullptr)
        return fail("district " + quoted(b.district_id) + " is not in this election");
    if (style->id != b.ballot_style_id) {
        return fail("ballot style " + quoted(b.ballot_style_id) + " is not district " +
                    quoted(b.district_id) + "'s style " + quoted(style->id));
    }
    if (b.contests.size() != style->contests.size()) {
        return fail(std::to_string(b.contests.size()) + " contests, the ballot style has " +
                    std::to_string(style->contests.size()));
    }
    // The proofs on the public backend (docs/crypto.md §1.1): each ciphertext decoded once more
    // into unencoded points, reused by its 0/1 proof and by the contest's sum. A version 2
    // ballot's compact proofs are checked one by one (§4.2.1); a version 3 ballot's
    // commitment-form proofs are gathered and checked as one batch (§4.6).
    const crypto::DecodedPoint joint_key(election.joint_key);
    const bool batched = b.version >= committed_proofs_ballot_version;
    BallotProofBatch batch;
    for (std::size_t i = 0; i < b.contests.size(); ++i) {
        const EncryptedContest& ec = b.contests[i];
        const Contest* contest = m.find_contest(style->contests[i]);
        if (ec.contest_id != contest->id) {
            return fail("contest " + std::to_string(i) + " is " + quoted(ec.contest_id) +
                        ", expected " + quoted(contest->id));
        }
        const std::string in_contest = where + ": contest " + quoted(contest->id);
        if (ec.selections.size() != contest->options.size()) {
            return make_error(ErrorCode::verification_failed,
                              in_contest + ": " + std::to_string(ec.selections.size()) +
                                  " selections for " + std::to_string(contest->options.size()) +
                                  " options");
        }
        crypto::PublicCiphertext sum;
        for (std::size_t j = 0; j < ec.selections.size(); ++j) {
            const EncryptedSelection& s = ec.selections[j];
            const std::string& option_id = contest->options[j].id;
            if (s.option_id != option_id) {
                return make_error(ErrorCode::verification_failed,
                                  in_contest + ": selection " + std::to_string(j) + " is " +
                                      quoted(s.option_id) + ", expected " + quoted(option_id));
            }
            // α = r·G is the identity only for r = 0, and then β = m·G shows the mark to anyone.
            if (s.ciphertext.alpha.is_identity())
                return make_error(ErrorCode::verification_failed,
                                  in_contest + ": option " + quoted(option_id) +
                                      ": alpha is the identity (a zero nonce shows the mark)");
            const crypto::DecodedCiphertext ciphertext(s.ciphertext);
            if (decoded != nullptr) decoded->push_back(ciphertext.unencoded);
            sum.alpha += ciphertext.unencoded.alpha;
            sum.beta += ciphertext.unencoded.beta;
            Bytes context = ballot_proof_context(b, contest->id, option_id);
            std::string name = in_contest + ": option " + quoted(option_id);
            if (batched) {
                batch.add(std::move(context), ciphertext, 1, s.proof, std::move(name));
            } else if (auto ok = crypto::verify_range_public(
                           election.base_hash, context, ciphertext, joint_key, 1, s.proof.compact);
                       !ok) {
                return ok.error().within(name);
            }
        }
        Bytes count_context = ballot_proof_context(b, contest->id, "");
        std::string name = in_contest + ": selection count";
        if (batched) {
            batch.add(std::move(count_context), crypto::DecodedCiphertext(sum), contest->vote_for,
                      ec.selection_count_proof, std::move(name));
        } else if (auto ok = crypto::verify_range_public(
                       election.base_hash, count_context, crypto::DecodedCiphertext(sum), joint_key,
                       contest->vote_for, ec.selection_count_proof.compact);
                   !ok) {
            return ok.error().within(name);
        }
    }
    if (batched) return batch.verify(election.base_hash, joint_key);
    return {};
}

}  // namespace

Status verify_ballot_contents(const ElectionContext& election, const EncryptedBallot& b,
                              std::vector<crypto::PublicCiphertext>* ciphertexts) {
    std::vector<crypto::PublicCiphertext> decoded;
    auto status = check_ballot_contents(election, b, ciphertexts ? &decoded : nullptr);
    if (ciphertexts != nullptr) {
        ciphertexts->clear();
        if (status) *ciphertexts = std::move(decoded);
    }
    return status;
}

ChallengedBallot challenge_ballot(PreparedBallot&& prepared) {
    return ChallengedBallot{std::move(prepared.ballot), std::move(prepared.marks),
                            std::move(prepared.nonces)};
}

Bytes encode_challenged_ballot(const ChallengedBallot& c) {
    CanonicalWriter w(RecordType::challenged_ballot, 1);
    w.bytes(encode_ballot(c.ballot));
    w.count(c.marks.size());
    for (std::size_t i = 0; i < c.marks.size(); ++i) {
        w.count(c.marks[i].size());
        for (std::size_t j = 0; j < c.marks[i].size(); ++j) {
            w.u8(c.marks[i][j]);
            w.scalar(c.nonces.at(i).at(j));
        }
    }
    return w.take();
}

Result<ChallengedBallot> decode_challenged_ballot(ByteSpan data) {
    CanonicalReader r(data, RecordType::challenged_ballot, 1, "challenged ballot");
    const Bytes inner = r.bytes("ballot", 64 * 1024 * 1024);
    ChallengedBallot c;
    if (r.ok()) {
        auto ballot = decode_ballot(inner);
        if (!ballot) {
            r.fail("ballot", ballot.error().message);
        } else {
            c.ballot = std::move(ballot).value();
        }
    }
    const std::size_t contests = r.count("contests", max_contests);
    if (r.ok() && contests != c.ballot.contests.size())
        r.fail("contests", "count differs from the ballot's");
    for (std::size_t i = 0; i < contests && r.ok(); ++i) {
        const std::string where = "contest " + std::to_string(i);
        const std::size_t options = r.count(where + " selections", max_options);
        if (r.ok() && options != c.ballot.contests[i].selections.size()) {
            r.fail(where + " selections", "count differs from the ballot's");
        }
        c.marks.emplace_back();
        c.nonces.emplace_back();
        for (std::size_t j = 0; j < options && r.ok(); ++j) {
            const std::string at = where + " selection " + std::to_string(j);
            const std::uint8_t mark = r.u8(at + " mark");
            if (r.ok() && mark > 1) r.fail(at + " mark", "must be 0 or 1");
            c.marks.back().push_back(mark);
            c.nonces.back().push_back(r.scalar(at + " nonce"));
        }
    }
    if (auto ok = r.finish(); !ok) return ok.error();
    return c;
}

Status verify_challenged_ballot(const ElectionContext& election,
                                const crypto::Ed25519PublicKey& device_key,
                                const ChallengedBallot& c) {
    if (auto ok = verify_ballot_signature(device_key, c.ballot); !ok) return ok;
    return verify_challenged_ballot_contents(election, c);
}

Status verify_challenged_ballot_contents(const ElectionContext& election,
                                         const ChallengedBallot& c) {
    if (auto ok = verify_ballot_contents(election, c.ballot); !ok) return ok;
    const std::string where = "challenged ballot " + quoted(c.ballot.ballot_id);
    if (c.marks.size() != c.ballot.contests.size() || c.nonces.size() != c.ballot.contests.size()) {
        return make_error(ErrorCode::verification_failed,
                          where + ": revealed contests do not match the ballot");
    }
    for (std::size_t i = 0; i < c.ballot.contests.size(); ++i) {
        const auto& ec = c.ballot.contests[i];
        if (c.marks[i].size() != ec.selections.size() ||
            c.nonces[i].size() != ec.selections.size()) {
            return make_error(ErrorCode::verification_failed,
                              where + ": contest " + quoted(ec.contest_id) +
                                  ": revealed selections do not match");
        }
        for (std::size_t j = 0; j < ec.selections.size(); ++j) {
            const crypto::Point expected =
                c.marks[i][j] == 1 ? crypto::Point::generator() : crypto::Point::identity();
            const auto& ct = ec.selections[j].ciphertext;
            // Both halves: α = r·G pins the nonce, β − r·K = m·G pins the mark.
            if (!(crypto::Point::multiply_base(c.nonces[i][j]) == ct.alpha) ||
                !(crypto::decrypt_with_nonce(ct, c.nonces[i][j], election.joint_key) == expected) ||
                c.marks[i][j] > 1) {
                return make_error(
                    ErrorCode::verification_failed,
                    where + ": contest " + quoted(ec.contest_id) + ": option " +
                        quoted(ec.selections[j].option_id) +
                        ": the revealed nonce does not open the ciphertext to the revealed mark");
            }
        }
    }
    return {};
}

}  // namespace psephos::election

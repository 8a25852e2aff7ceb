// V19's proofs, V20 and V22 of one ballot (ballot_work.hpp), off the district reader's thread.
#include "ballot_work.hpp"

#include <algorithm>
#include <memory>

#include "psephos/crypto/public_proofs.hpp"

namespace psephos::verifier::detail {

namespace {

// docs/encoding.md §4.1: ballot id, device, district, ballot style, contest, option.
Bytes proof_context(const DecodedBallot& b, std::string_view contest, std::string_view option) {
    Bytes out;
    for (const std::string_view part :
         {std::string_view(b.ballot_id), std::string_view(b.device_id),
          std::string_view(b.district_id), std::string_view(b.style_id), contest, option}) {
        const Bytes field = text_field(part);
        out.insert(out.end(), field.begin(), field.end());
    }
    return out;
}

// V19's proofs of one ballot on the public backend (docs/crypto.md §1.1): each ciphertext was
// decoded once by the reader and is reused here and by the tally. A version 2 ballot's compact
// proofs are checked one by one; a version 3 ballot's commitment-form proofs as one batch
// (§4.6), which names every refused proof when the combination fails.
void check_ballot_proofs(const BallotWork& w, const Hash32& base_hash,
                         const crypto::DecodedPoint& joint_key, Outcome& v19) {
    const DecodedBallot& b = w.ballot;
    const bool batched = b.version >= committed_ballot_version;
    struct Statement {
        Bytes context;
        std::unique_ptr<crypto::DecodedCiphertext> sum;  // a contest's; null for a selection
        std::string failure;                             // the report line if refused
    };
    std::vector<Statement> statements;
    std::vector<crypto::CommittedRangeStatement> batch;
    auto check = [&](Statement st, const crypto::DecodedCiphertext& ciphertext, std::uint32_t limit,
                     const crypto::DecodedCommittedRangeProof& proof) {
        if (!batched) {
            if (!crypto::verify_range_public(base_hash, st.context, ciphertext, joint_key, limit,
                                             proof.compact))
                v19.fail(st.failure);
            return;
        }
        statements.push_back(std::move(st));
        batch.push_back({{}, &ciphertext, limit, &proof});
    };
    for (std::size_t c = 0; c < b.contests.size(); ++c) {
        const DecodedContest& contest = b.contests[c];
        crypto::PublicCiphertext sum;
        for (const DecodedSelection& s : contest.selections) {
            if (s.ciphertext.unencoded.alpha.is_identity())
                v19.fail(w.at + ": contest '" + contest.id + "' option '" + s.id +
                         "': alpha is the identity (a zero nonce shows the mark)");
            sum.alpha += s.ciphertext.unencoded.alpha;
            sum.beta += s.ciphertext.unencoded.beta;
            check({proof_context(b, contest.id, s.id), nullptr,
                   w.at + ": contest '" + contest.id + "' option '" + s.id +
                       "': 0/1 proof does not verify"},
                  s.ciphertext, 1, s.proof);
        }
        if (contest.count_proof.compact.challenges.size() != std::size_t{w.vote_for[c]} + 1) {
            v19.fail(w.at + ": contest '" + contest.id + "': count proof limit " +
                     std::to_string(contest.count_proof.compact.challenges.size() - 1) +
                     ", vote_for " + std::to_string(w.vote_for[c]));
            continue;
        }
        auto encoded_sum = std::make_unique<crypto::DecodedCiphertext>(sum);
        const crypto::DecodedCiphertext& sum_ref = *encoded_sum;
        check({proof_context(b, contest.id, ""), std::move(encoded_sum),
               w.at + ": contest '" + contest.id + "': count proof does not verify"},
              sum_ref, w.vote_for[c], contest.count_proof);
    }
    if (!batched || batch.empty()) return;
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].context = statements[i].context;
    const crypto::BatchVerification result =
        crypto::verify_range_committed_batch(base_hash, joint_key, batch);
    for (const std::size_t i : result.refused) v19.fail(statements[i].failure);
}

}  // namespace

// The expensive part of one ballot (V19's proofs, V20, V22) on the work queue.
void verify_ballot_work(const BallotWork& w, const Hash32& base_hash,
                        const crypto::DecodedPoint& joint_key, Outcome& v19, Outcome& v20,
                        Outcome& v22) {
    const DecodedBallot& b = w.ballot;
    if (w.check_proofs) check_ballot_proofs(w, base_hash, joint_key, v19);
    if (w.key) {
        const ByteSpan body = ByteSpan(w.record).subspan(b.body_offset, b.body_size);
        if (!crypto::verify_signature(*w.key, body, b.signature))
            v20.fail(w.at + ": device signature does not verify");
    }
    if (w.challenged) {
        for (std::size_t c = 0; c < b.contests.size() && c < w.openings.size(); ++c) {
            for (std::size_t s = 0; s < b.contests[c].selections.size() && s < w.openings[c].size();
                 ++s) {
                const DecodedSelection& sel = b.contests[c].selections[s];
                const Opening& o = w.openings[c][s];
                const std::string where =
                    w.at + ": contest '" + b.contests[c].id + "' option '" + sel.id + "'";
                // The revealed nonces on libsodium's path; the halves were validated by the
                // reader, so making Points of them cannot fail.
                const Point alpha = Point::multiply_base(o.nonce);
                if (!std::equal(alpha.bytes().begin(), alpha.bytes().end(),
                                sel.ciphertext.alpha_bytes().begin())) {
                    v22.fail(where + ": alpha is not nonce·G");
                    continue;
                }
                const Point beta = Point::from_bytes(sel.ciphertext.beta_bytes()).value();
                const Point m = beta - o.nonce * Point::from_bytes(joint_key.encoding).value();
                if (!(m == (o.mark ? Point::generator() : Point::identity())))
                    v22.fail(where + ": does not open to its revealed mark");
            }
        }
    }
}

}  // namespace psephos::verifier::detail

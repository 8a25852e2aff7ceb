// Canonical manifest encoding, the ceremony and election base hashes (docs/encoding.md §3).
#include "psephos/election/election_context.hpp"

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/canonical_encoding.hpp"

namespace psephos::election {

namespace {
void write_localized(CanonicalWriter& w, const LocalizedText& t) {
    w.text(t.text);
    w.count(t.translations.size());
    for (const auto& [language, text] : t.translations) {  // std::map: sorted, so canonical
        w.text(language);
        w.text(text);
    }
}

// SHA-256(u32be(len(domain)) ‖ domain ‖ data).
Hash32 domain_hash(std::string_view domain, ByteSpan data) {
    Bytes input;
    append_u32_be(input, static_cast<std::uint32_t>(domain.size()));
    input.insert(input.end(), domain.begin(), domain.end());
    input.insert(input.end(), data.begin(), data.end());
    return crypto::sha256(input);
}
}  // namespace

Bytes encode_manifest(const ElectionManifest& m, bool include_ceremony) {
    // Version 1 without the optional "polls" member (so every base hash made before it stays),
    // version 2 with it: one more byte after the threshold (docs/encoding.md §3).
    CanonicalWriter w(RecordType::election_manifest, m.polls ? 2 : 1);
    w.text(m.election_id);
    w.text(m.name);
    w.text(m.start_date);
    w.text(m.end_date);
    w.count(m.districts.size());
    for (const auto& d : m.districts) {
        w.text(d.id);
        w.text(d.name);
    }
    w.count(m.contests.size());
    for (const auto& c : m.contests) {
        w.text(c.id);
        write_localized(w, c.title);
        w.u8(static_cast<std::uint8_t>(c.kind));
        w.u32(c.vote_for);
        w.count(c.options.size());
        for (const auto& o : c.options) {
            w.text(o.id);
            write_localized(w, o.label);
        }
    }
    w.count(m.ballot_styles.size());
    for (const auto& s : m.ballot_styles) {
        w.text(s.id);
        w.count(s.districts.size());
        for (const auto& d : s.districts) w.text(d);
        w.count(s.contests.size());
        for (const auto& c : s.contests) w.text(c);
    }
    w.u32(m.guardian_count);
    w.u32(m.threshold);
    if (m.polls) w.u8(static_cast<std::uint8_t>(m.polls->close_requires));
    const bool with_ceremony = include_ceremony && m.ceremony.has_value();
    w.u8(with_ceremony ? 1 : 0);
    if (with_ceremony) {
        w.point(m.ceremony->joint_key);
        w.count(m.ceremony->guardians.size());
        for (const auto& g : m.ceremony->guardians) {
            w.u32(g.index);
            w.fixed(g.identity_key.span());
            w.count(g.commitments.commitments.size());
            for (std::size_t j = 0; j < g.commitments.commitments.size(); ++j) {
                w.point(g.commitments.commitments[j]);
                w.fixed(g.commitments.proofs.at(j).to_bytes());
            }
        }
    }
    return w.take();
}

Hash32 compute_ceremony_hash(const ElectionManifest& manifest) {
    return domain_hash("psephos/v1/ceremony-hash", encode_manifest(manifest, false));
}

Status verify_ceremony_record(const ElectionManifest& manifest) {
    if (!manifest.ceremony) {
        return make_error(
            ErrorCode::invalid_argument,
            "election " + manifest.election_id + ": no key ceremony record (not finalized)");
    }
    const Hash32 ceremony_hash = compute_ceremony_hash(manifest);
    std::vector<crypto::CoefficientCommitments> all;
    for (const auto& g : manifest.ceremony->guardians) {
        if (g.commitments.guardian_index != g.index) {
            return make_error(ErrorCode::verification_failed,
                              "ceremony: guardian " + std::to_string(g.index) +
                                  ": commitments are labelled for guardian " +
                                  std::to_string(g.commitments.guardian_index));
        }
        if (auto ok = crypto::verify_coefficient_commitments(ceremony_hash, g.commitments,
                                                             manifest.threshold);
            !ok) {
            return ok.error().within("ceremony");
        }
        all.push_back(g.commitments);
    }
    if (all.size() != manifest.guardian_count) {
        return make_error(ErrorCode::verification_failed,
                          "ceremony: " + std::to_string(all.size()) +
                              " guardians recorded, the manifest names " +
                              std::to_string(manifest.guardian_count));
    }
    if (!(crypto::compute_joint_public_key(all) == manifest.ceremony->joint_key)) {
        return make_error(
            ErrorCode::verification_failed,
            "ceremony: joint key is not the sum of the guardians' constant commitments");
    }
    return {};
}

Result<ElectionContext> make_election_context(ElectionManifest manifest) {
    if (auto ok = verify_ceremony_record(manifest); !ok) return ok.error();
    ElectionContext context;
    context.base_hash =
        domain_hash("psephos/v1/election-base-hash", encode_manifest(manifest, true));
    context.joint_key = manifest.ceremony->joint_key;
    context.manifest = std::move(manifest);
    return context;
}

}  // namespace psephos::election

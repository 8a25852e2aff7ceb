// Guardian announcements, sealed shares and decryption shares as canonical records
// (docs/encoding.md §8–§10).
#include "psephos/election/ceremony_records.hpp"

#include <stdexcept>
#include <string>

#include "psephos/election/canonical_encoding.hpp"

namespace psephos::election {

namespace {
constexpr std::uint8_t record_version = 1;

bool is_guardian_index(std::uint32_t index) {
    return index >= 1 && index <= max_ceremony_guardians;
}

void require_guardian_index(std::uint32_t index, const char* what) {
    if (!is_guardian_index(index)) {
        throw std::invalid_argument(std::string(what) + ": guardian index " +
                                    std::to_string(index) + " is outside 1.." +
                                    std::to_string(max_ceremony_guardians));
    }
}

// The index fields sit at fixed offsets (only fixed-size fields precede them), so the value is
// checked before it is read: the reader then reports the field's own offset, not the next one.
std::uint32_t read_guardian_index(CanonicalReader& r, ByteSpan data, std::size_t at,
                                  std::string_view field) {
    if (r.ok() && data.size() >= at + 4) {
        const std::uint32_t index = std::uint32_t{data[at]} << 24 |
                                    std::uint32_t{data[at + 1]} << 16 |
                                    std::uint32_t{data[at + 2]} << 8 | std::uint32_t{data[at + 3]};
        if (!is_guardian_index(index)) {
            r.fail(field, std::to_string(index) + " is outside 1.." +
                              std::to_string(max_ceremony_guardians));
        }
    }
    return r.u32(field);
}

// c ‖ v (crypto::ChallengeResponse), each a canonical scalar. Read as two scalars rather than
// through ChallengeResponse::from_bytes (the same checks) so an error names the scalar's offset.
crypto::ChallengeResponse read_challenge_response(CanonicalReader& r, const std::string& field) {
    crypto::Scalar challenge = r.scalar(field + " challenge");
    crypto::Scalar response = r.scalar(field + " response");
    return crypto::ChallengeResponse{std::move(challenge), std::move(response)};
}
}  // namespace

Bytes encode_guardian_announcement(const crypto::GuardianAnnouncement& a) {
    require_guardian_index(a.index, "guardian announcement");
    const auto& c = a.commitments;
    if (c.guardian_index != a.index || c.proofs.size() != c.commitments.size() ||
        c.commitments.size() > max_announcement_commitments) {
        throw std::invalid_argument(
            "guardian announcement: commitments must be the guardian's own, one proof each, at "
            "most " +
            std::to_string(max_announcement_commitments));
    }
    CanonicalWriter w(RecordType::guardian_announcement, record_version);
    w.u32(a.index);
    w.fixed(a.identity_key.span());
    w.fixed(a.box_key.bytes);
    w.count(c.commitments.size());
    for (std::size_t j = 0; j < c.commitments.size(); ++j) {
        w.point(c.commitments[j]);
        w.fixed(c.proofs[j].to_bytes());
    }
    w.fixed(a.signature.span());
    return w.take();
}

Result<crypto::GuardianAnnouncement> decode_guardian_announcement(ByteSpan data) {
    CanonicalReader r(data, RecordType::guardian_announcement, record_version,
                      "guardian announcement");
    crypto::GuardianAnnouncement a;
    a.index = read_guardian_index(r, data, 2, "guardian index");
    a.identity_key = r.ed25519_public_key("identity key");
    const ByteSpan box_key = r.fixed("box key", crypto::BoxPublicKey::size);
    if (r.ok()) a.box_key = crypto::BoxPublicKey::from_bytes(box_key).value();
    a.commitments.guardian_index = a.index;
    const std::size_t count = r.count("commitments", max_announcement_commitments);
    for (std::size_t j = 0; j < count && r.ok(); ++j) {
        const std::string at = "commitment " + std::to_string(j);
        a.commitments.commitments.push_back(r.point(at));
        a.commitments.proofs.push_back(read_challenge_response(r, at + " proof"));
    }
    a.signature = r.ed25519_signature("signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return a;
}

Bytes encode_sealed_share(const crypto::SealedShare& s) {
    require_guardian_index(s.sender, "sealed share sender");
    require_guardian_index(s.recipient, "sealed share recipient");
    if (s.sealed.size() > max_sealed_share_size) {
        throw std::invalid_argument("sealed share: sealed box over " +
                                    std::to_string(max_sealed_share_size) + " bytes");
    }
    CanonicalWriter w(RecordType::sealed_share, record_version);
    w.u32(s.sender);
    w.u32(s.recipient);
    w.bytes(s.sealed);
    w.fixed(s.signature.span());
    return w.take();
}

Result<crypto::SealedShare> decode_sealed_share(ByteSpan data) {
    CanonicalReader r(data, RecordType::sealed_share, record_version, "sealed share");
    crypto::SealedShare s;
    s.sender = read_guardian_index(r, data, 2, "sender");
    s.recipient = read_guardian_index(r, data, 6, "recipient");
    s.sealed = r.bytes("sealed", max_sealed_share_size);
    s.signature = r.ed25519_signature("signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return s;
}

Bytes encode_decryption_share(const crypto::DecryptionShare& s) {
    require_guardian_index(s.guardian_index, "decryption share");
    CanonicalWriter w(RecordType::decryption_share, record_version);
    w.u32(s.guardian_index);
    w.point(s.partial);
    w.fixed(s.proof.to_bytes());
    return w.take();
}

Result<crypto::DecryptionShare> decode_decryption_share(ByteSpan data) {
    CanonicalReader r(data, RecordType::decryption_share, record_version, "decryption share");
    crypto::DecryptionShare s;
    s.guardian_index = read_guardian_index(r, data, 2, "guardian index");
    s.partial = r.point("partial");
    s.proof = read_challenge_response(r, "proof");
    if (auto ok = r.finish(); !ok) return ok.error();
    return s;
}

}  // namespace psephos::election

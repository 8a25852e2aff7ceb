// Complaints and resolutions of a distributed key ceremony (ceremony_exchange.hpp,
// docs/key-ceremony.md §4).
#include "psephos/election/ceremony_exchange.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

#include "psephos/election/canonical_encoding.hpp"
#include "psephos/election/ceremony_records.hpp"

namespace psephos::election {

namespace {

constexpr std::uint8_t exchange_version = 1;
constexpr std::string_view complaint_label = "psephos/v1/share-complaint";
constexpr std::string_view resolution_label = "psephos/v1/share-resolution";
// An encoded sealed share: type, version, two indices, the box's length and bytes, a signature.
constexpr std::size_t max_evidence_size = 2 + 4 + 4 + 4 + max_sealed_share_size + 64;
constexpr std::size_t signature_size = 64;
// Where the evidence's bytes start: type, version, accuser, accused, the evidence's length.
constexpr std::size_t evidence_offset = 2 + 4 + 4 + 4;

std::string guardian_name(std::uint32_t index) { return "guardian " + std::to_string(index); }

void require_index(std::uint32_t index, const char* what) {
    if (index < 1 || index > max_ceremony_guardians)
        throw std::invalid_argument(std::string(what) + ": guardian index out of range");
}

std::uint32_t read_index(CanonicalReader& r, std::string_view field) {
    const std::uint32_t index = r.u32(field);
    if (r.ok() && (index < 1 || index > max_ceremony_guardians)) {
        r.fail(field,
               std::to_string(index) + " is outside 1.." + std::to_string(max_ceremony_guardians));
    }
    return index;
}

// label ‖ 0x00 ‖ ceremony hash ‖ the record up to its signature.
Bytes signing_message(std::string_view label, const Hash32& ceremony_hash, const Bytes& record) {
    Bytes out(label.begin(), label.end());
    out.push_back(0);
    out.insert(out.end(), ceremony_hash.bytes.begin(), ceremony_hash.bytes.end());
    out.insert(out.end(), record.begin(), record.end() - signature_size);
    return out;
}

}  // namespace

Bytes encode_share_complaint(const SignedComplaint& c) {
    require_index(c.complaint.accuser, "share complaint accuser");
    require_index(c.complaint.accused, "share complaint accused");
    CanonicalWriter w(RecordType::share_complaint, exchange_version);
    w.u32(c.complaint.accuser);
    w.u32(c.complaint.accused);
    w.bytes(encode_sealed_share(c.complaint.evidence));
    w.fixed(c.signature.span());
    return w.take();
}

Result<SignedComplaint> decode_share_complaint(ByteSpan data) {
    CanonicalReader r(data, RecordType::share_complaint, exchange_version, "share complaint");
    SignedComplaint c;
    c.complaint.accuser = read_index(r, "accuser");
    c.complaint.accused = read_index(r, "accused");
    const Bytes evidence = r.bytes("evidence", max_evidence_size);
    c.signature = r.ed25519_signature("signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    auto share = decode_sealed_share(evidence);
    if (!share) {
        return make_error(ErrorCode::invalid_encoding, "share complaint at byte " +
                                                           std::to_string(evidence_offset) +
                                                           ": evidence: " + share.error().message);
    }
    c.complaint.evidence = std::move(share).value();
    return c;
}

Bytes encode_share_resolution(const ShareResolution& s) {
    require_index(s.accused, "share resolution accused");
    require_index(s.accuser, "share resolution accuser");
    CanonicalWriter w(RecordType::share_resolution, exchange_version);
    w.u32(s.accused);
    w.u32(s.accuser);
    w.scalar(s.revealed_share);
    w.fixed(s.signature.span());
    return w.take();
}

Result<ShareResolution> decode_share_resolution(ByteSpan data) {
    CanonicalReader r(data, RecordType::share_resolution, exchange_version, "share resolution");
    ShareResolution s;
    s.accused = read_index(r, "accused");
    s.accuser = read_index(r, "accuser");
    s.revealed_share = r.scalar("revealed share");
    s.signature = r.ed25519_signature("signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return s;
}

SignedComplaint sign_share_complaint(const Hash32& ceremony_hash,
                                     const crypto::SealedShare& evidence,
                                     const crypto::Ed25519SigningKey& accuser) {
    SignedComplaint c;
    c.complaint = crypto::ShareComplaint{evidence.recipient, evidence.sender, evidence};
    c.signature =
        accuser.sign(signing_message(complaint_label, ceremony_hash, encode_share_complaint(c)));
    return c;
}

ShareResolution sign_share_resolution(const Hash32& ceremony_hash, std::uint32_t accused,
                                      std::uint32_t accuser, const crypto::Scalar& share,
                                      const crypto::Ed25519SigningKey& accused_key) {
    ShareResolution s{accused, accuser, share, {}};
    s.signature = accused_key.sign(
        signing_message(resolution_label, ceremony_hash, encode_share_resolution(s)));
    return s;
}

Status verify_share_complaint(const Hash32& ceremony_hash, const SignedComplaint& c,
                              const crypto::GuardianAnnouncement& accuser,
                              const crypto::GuardianAnnouncement& accused) {
    const crypto::ShareComplaint& k = c.complaint;
    const std::string what =
        "complaint of " + guardian_name(k.accuser) + " against " + guardian_name(k.accused);
    if (k.accuser != accuser.index || k.accused != accused.index || k.accuser == k.accused) {
        return make_error(ErrorCode::invalid_argument,
                          what + ": does not name " + guardian_name(accuser.index) +
                              " as accuser and " + guardian_name(accused.index) + " as accused");
    }
    if (k.evidence.sender != k.accused || k.evidence.recipient != k.accuser) {
        return make_error(ErrorCode::verification_failed,
                          what + ": evidence is a share from " + guardian_name(k.evidence.sender) +
                              " to " + guardian_name(k.evidence.recipient));
    }
    if (auto ok = crypto::verify_signature(
            accuser.identity_key,
            signing_message(complaint_label, ceremony_hash, encode_share_complaint(c)),
            c.signature);
        !ok) {
        return ok.error().within(what + ": accuser's signature");
    }
    if (auto ok = crypto::verify_signature(
            accused.identity_key, k.evidence.signed_bytes(ceremony_hash), k.evidence.signature);
        !ok) {
        return ok.error().within(what + ": evidence is not signed by the accused");
    }
    return {};
}

Result<ComplaintOutcome> judge_complaint(const Hash32& ceremony_hash, const SignedComplaint& c,
                                         const ShareResolution& resolution,
                                         const crypto::GuardianAnnouncement& accuser,
                                         const crypto::GuardianAnnouncement& accused) {
    PSEPHOS_TRY(verify_share_complaint(ceremony_hash, c, accuser, accused));
    const std::string what =
        "resolution of " + guardian_name(accused.index) + " for " + guardian_name(accuser.index);
    if (resolution.accused != accused.index || resolution.accuser != accuser.index) {
        return make_error(ErrorCode::invalid_argument,
                          what + ": answers the complaint of " + guardian_name(resolution.accuser) +
                              " against " + guardian_name(resolution.accused));
    }
    if (auto ok = crypto::verify_signature(
            accused.identity_key,
            signing_message(resolution_label, ceremony_hash, encode_share_resolution(resolution)),
            resolution.signature);
        !ok) {
        return ok.error().within(what + ": signature");
    }
    auto decided =
        crypto::resolve_complaint(ceremony_hash, accused, c.complaint, resolution.revealed_share);
    if (decided) return ComplaintOutcome::cleared;
    if (decided.error().code == ErrorCode::share_mismatch) return ComplaintOutcome::disqualified;
    return decided.error().within(what);
}

}  // namespace psephos::election

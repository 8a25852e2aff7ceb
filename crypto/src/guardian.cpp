// A guardian's side of the key ceremony (docs/crypto.md §5).
#include "psephos/crypto/guardian.hpp"

#include <sodium.h>

#include <stdexcept>

namespace psephos::crypto {

namespace {
constexpr std::string_view announcement_domain = "psephos/v1/guardian-announcement";
constexpr std::string_view sealed_share_domain = "psephos/v1/sealed-share";

void append_framed(Bytes& out, ByteSpan data) {
    append_u32_be(out, static_cast<std::uint32_t>(data.size()));
    out.insert(out.end(), data.begin(), data.end());
}

std::string guardian_name(std::uint32_t index) { return "guardian " + std::to_string(index); }

// Opens, decodes and checks one share; the plaintext is wiped whatever happens.
Result<Scalar> open_share(const BoxKeyPair& box, const GuardianAnnouncement& sender,
                          const SealedShare& share, std::uint32_t recipient) {
    auto plaintext = box.open(share.sealed);
    if (!plaintext) {
        return make_error(ErrorCode::share_mismatch,
                          guardian_name(sender.index) + "'s sealed share does not open");
    }
    auto scalar = Scalar::from_bytes(plaintext.value());
    sodium_memzero(plaintext.value().data(), plaintext.value().size());
    if (!scalar) {
        return make_error(ErrorCode::share_mismatch,
                          guardian_name(sender.index) + "'s share is not a canonical scalar");
    }
    if (auto ok = verify_share_against_commitments(sender.commitments, recipient, scalar.value());
        !ok) {
        return ok.error();
    }
    return scalar;
}
}  // namespace

Bytes GuardianAnnouncement::signed_bytes(const Hash32& ceremony_hash) const {
    Bytes out;
    append_framed(out, as_bytes(announcement_domain));
    append_framed(out, ceremony_hash.span());
    append_u32_be(out, index);
    append_framed(out, identity_key.span());
    append_framed(out, box_key.bytes);
    append_u32_be(out, static_cast<std::uint32_t>(commitments.commitments.size()));
    for (std::size_t j = 0; j < commitments.commitments.size(); ++j) {
        append_framed(out, commitments.commitments[j].bytes());
        append_framed(out, commitments.proofs.at(j).to_bytes());
    }
    return out;
}

Status verify_announcement(const Hash32& ceremony_hash, const GuardianAnnouncement& announcement,
                           std::uint32_t threshold) {
    const std::string who = guardian_name(announcement.index);
    if (announcement.commitments.guardian_index != announcement.index) {
        return make_error(ErrorCode::verification_failed,
                          who + ": commitments are labelled for guardian " +
                              std::to_string(announcement.commitments.guardian_index));
    }
    if (announcement.commitments.proofs.size() != announcement.commitments.commitments.size()) {
        return make_error(ErrorCode::verification_failed,
                          who + ": commitments and proofs differ in number");
    }
    if (auto ok =
            verify_signature(announcement.identity_key, announcement.signed_bytes(ceremony_hash),
                             announcement.signature);
        !ok) {
        return ok.error().within(who + ": announcement");
    }
    return verify_coefficient_commitments(ceremony_hash, announcement.commitments, threshold);
}

Bytes SealedShare::signed_bytes(const Hash32& ceremony_hash) const {
    Bytes out;
    append_framed(out, as_bytes(sealed_share_domain));
    append_framed(out, ceremony_hash.span());
    append_u32_be(out, sender);
    append_u32_be(out, recipient);
    append_framed(out, sealed);
    return out;
}

Status resolve_complaint(const Hash32& ceremony_hash, const GuardianAnnouncement& accused,
                         const ShareComplaint& complaint, const Scalar& revealed_share) {
    const SealedShare& e = complaint.evidence;
    if (e.sender != accused.index || complaint.accused != accused.index ||
        e.recipient != complaint.accuser) {
        return make_error(ErrorCode::invalid_argument,
                          "complaint evidence is not a share from the accused to the accuser");
    }
    if (auto ok =
            verify_signature(accused.identity_key, e.signed_bytes(ceremony_hash), e.signature);
        !ok) {
        return ok.error().within("complaint against " + guardian_name(accused.index) +
                                 ": evidence");
    }
    return verify_share_against_commitments(accused.commitments, complaint.accuser, revealed_share);
}

Guardian::Guardian(const Hash32& ceremony_hash, std::uint32_t index, std::uint32_t guardian_count,
                   ElectionPolynomial polynomial, Ed25519SigningKey identity, BoxKeyPair box)
    : ceremony_hash_(ceremony_hash),
      index_(index),
      guardian_count_(guardian_count),
      polynomial_(std::move(polynomial)),
      identity_(std::move(identity)),
      box_(std::move(box)) {
    announcement_.index = index_;
    announcement_.identity_key = identity_.public_key();
    announcement_.box_key = box_.public_key();
    announcement_.commitments = polynomial_.commit(ceremony_hash_, index_);
    announcement_.signature = identity_.sign(announcement_.signed_bytes(ceremony_hash_));
    received_.emplace(index_, LockedScalar(polynomial_.evaluate(index_)));
}

Guardian::Guardian(const Hash32& ceremony_hash, std::uint32_t guardian_count,
                   ElectionPolynomial polynomial, Ed25519SigningKey identity, BoxKeyPair box,
                   GuardianAnnouncement announcement)
    : ceremony_hash_(ceremony_hash),
      index_(announcement.index),
      guardian_count_(guardian_count),
      polynomial_(std::move(polynomial)),
      identity_(std::move(identity)),
      box_(std::move(box)),
      announcement_(std::move(announcement)) {
    received_.emplace(index_, LockedScalar(polynomial_.evaluate(index_)));
}

Result<Guardian> Guardian::restore(const Hash32& ceremony_hash, std::uint32_t guardian_count,
                                   ElectionPolynomial polynomial, Ed25519SigningKey identity,
                                   BoxKeyPair box, const GuardianAnnouncement& announcement) {
    const std::string who = guardian_name(announcement.index) + ": announcement";
    if (announcement.index == 0 || announcement.index > guardian_count) {
        return make_error(ErrorCode::verification_failed,
                          who + ": index is outside 1.." + std::to_string(guardian_count));
    }
    if (announcement.identity_key != identity.public_key()) {
        return make_error(ErrorCode::verification_failed,
                          who + ": identity key is not the state's identity");
    }
    if (!(announcement.box_key == box.public_key())) {
        return make_error(ErrorCode::verification_failed,
                          who + ": box key is not the state's box key");
    }
    const auto& coefficients = polynomial.coefficients();
    const auto& commitments = announcement.commitments.commitments;
    if (commitments.size() != coefficients.size()) {
        return make_error(ErrorCode::verification_failed,
                          who + ": " + std::to_string(commitments.size()) +
                              " commitments for a polynomial of " +
                              std::to_string(coefficients.size()) + " coefficients");
    }
    for (std::size_t j = 0; j < coefficients.size(); ++j) {
        if (!(Point::multiply_base(coefficients[j]) == commitments[j])) {
            return make_error(ErrorCode::verification_failed,
                              who + ": commitment " + std::to_string(j) +
                                  " is not the state's coefficient times G");
        }
    }
    return Guardian(ceremony_hash, guardian_count, std::move(polynomial), std::move(identity),
                    std::move(box), announcement);
}

Guardian Guardian::create(const Hash32& ceremony_hash, std::uint32_t index,
                          std::uint32_t guardian_count, std::uint32_t threshold) {
    if (index == 0 || index > guardian_count || threshold == 0 || threshold > guardian_count) {
        throw std::invalid_argument("guardian index must be in 1..n and threshold in 1..n");
    }
    return Guardian(ceremony_hash, index, guardian_count, ElectionPolynomial::random(threshold),
                    Ed25519SigningKey::generate(), BoxKeyPair::generate());
}

SealedShare Guardian::share_for(const GuardianAnnouncement& recipient) const {
    SealedShare share;
    share.sender = index_;
    share.recipient = recipient.index;
    const Scalar value = polynomial_.evaluate(recipient.index);
    share.sealed = seal_to(recipient.box_key, value.bytes());
    share.signature = identity_.sign(share.signed_bytes(ceremony_hash_));
    return share;
}

Status Guardian::receive_share(const GuardianAnnouncement& sender, const SealedShare& share) {
    const std::string from = "share from " + guardian_name(sender.index);
    if (share.sender != sender.index || share.recipient != index_) {
        return make_error(ErrorCode::invalid_argument,
                          from + ": addressed from " + std::to_string(share.sender) + " to " +
                              std::to_string(share.recipient) + ", expected " +
                              std::to_string(sender.index) + " to " + std::to_string(index_));
    }
    if (auto ok = verify_signature(sender.identity_key, share.signed_bytes(ceremony_hash_),
                                   share.signature);
        !ok) {
        return ok.error().within(from);
    }
    auto value = open_share(box_, sender, share, index_);
    if (!value) return value.error();
    received_.insert_or_assign(sender.index, std::move(value).value());
    return {};
}

Status Guardian::accept_revealed_share(const GuardianAnnouncement& sender, const Scalar& share) {
    if (auto ok = verify_share_against_commitments(sender.commitments, index_, share); !ok)
        return ok;
    received_.insert_or_assign(sender.index, share);
    return {};
}

Result<GuardianSecretShare> Guardian::finish() const {
    if (received_.size() != guardian_count_) {
        return make_error(ErrorCode::invalid_argument,
                          guardian_name(index_) + " has " + std::to_string(received_.size()) +
                              " of " + std::to_string(guardian_count_) + " shares");
    }
    GuardianSecretShare out;
    out.index = index_;
    for (const auto& [sender, value] : received_) out.secret = out.secret.get() + value.get();
    return out;
}

}  // namespace psephos::crypto

#include "psephos/election/authority.hpp"

#include <string_view>

#include "psephos/election/canonical_encoding.hpp"

namespace psephos::election {
namespace {

constexpr std::uint8_t approval_version = 1;
constexpr std::string_view approval_label = "psephos/v1/election-approval";
constexpr std::string_view authorisation_label = "psephos/v1/device-authorisation";
constexpr std::string_view deauthorisation_label = "psephos/v1/device-deauthorisation";

Bytes labelled(std::string_view label, const Hash32& base_hash) {
    Bytes out(label.begin(), label.end());
    out.push_back(0);
    out.insert(out.end(), base_hash.bytes.begin(), base_hash.bytes.end());
    return out;
}

}  // namespace

Bytes encode_election_approval(const ElectionApproval& a) {
    CanonicalWriter w(RecordType::election_approval, approval_version);
    w.hash(a.base_hash);
    w.fixed(a.authority_key.span());
    w.fixed(a.signature.span());
    return w.take();
}

Result<ElectionApproval> decode_election_approval(ByteSpan data) {
    CanonicalReader r(data, RecordType::election_approval, approval_version, "election approval");
    ElectionApproval a;
    a.base_hash = r.hash("base hash");
    a.authority_key = r.ed25519_public_key("authority key");
    a.signature = r.ed25519_signature("signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return a;
}

Bytes election_approval_message(const Hash32& base_hash) {
    return labelled(approval_label, base_hash);
}

Bytes device_authorisation_message(const Hash32& base_hash, const DeviceRegistration& r) {
    Bytes out = labelled(authorisation_label, base_hash);
    const Bytes body = encode_device_registration_body(r);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

ElectionApproval approve_election(const Hash32& base_hash,
                                  const crypto::Ed25519SigningKey& authority) {
    return {base_hash, authority.public_key(),
            authority.sign(election_approval_message(base_hash))};
}

Result<ElectionApproval> approve_election(const Hash32& base_hash,
                                          const crypto::Ed25519Signer& authority) {
    PSEPHOS_TRY_ASSIGN(const crypto::Ed25519Signature signature,
                       authority.sign_message(election_approval_message(base_hash)));
    return ElectionApproval{base_hash, authority.public_key(), signature};
}

Status verify_election_approval(const ElectionApproval& approval, const Hash32& base_hash) {
    if (!(approval.base_hash == base_hash))
        return Error{ErrorCode::verification_failed,
                     "election approval: it approves base hash " + approval.base_hash.to_hex() +
                         ", not this election's " + base_hash.to_hex()};
    if (auto ok = crypto::verify_signature(
            approval.authority_key, election_approval_message(base_hash), approval.signature);
        !ok)
        return ok.error().within("election approval by " +
                                 authority_key_text(approval.authority_key));
    return {};
}

void authorise_device(const Hash32& base_hash, DeviceRegistration& registration,
                      const crypto::Ed25519SigningKey& authority) {
    registration.authority_signature =
        authority.sign(device_authorisation_message(base_hash, registration));
}

Status authorise_device(const Hash32& base_hash, DeviceRegistration& registration,
                        const crypto::Ed25519Signer& authority) {
    PSEPHOS_TRY_ASSIGN(
        registration.authority_signature,
        authority.sign_message(device_authorisation_message(base_hash, registration)));
    return {};
}

Status verify_device_authorisation(const Hash32& base_hash, const DeviceRegistration& r,
                                   const crypto::Ed25519PublicKey& authority_key) {
    if (auto ok = crypto::verify_signature(
            authority_key, device_authorisation_message(base_hash, r), r.authority_signature);
        !ok)
        return Error{ErrorCode::verification_failed,
                     "device '" + r.device_id + "' of district '" + r.district_id +
                         "': the election authority (" + authority_key_text(authority_key) +
                         ") did not authorise this registration (" + ok.error().message + ")"};
    return {};
}

Bytes device_deauthorisation_message(const Hash32& base_hash, const DeviceDeauthorisation& d) {
    Bytes out = labelled(deauthorisation_label, base_hash);
    const Bytes body = encode_device_deauthorisation_body(d);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

void deauthorise_device(const Hash32& base_hash, DeviceDeauthorisation& d,
                        const crypto::Ed25519SigningKey& authority) {
    d.authority_signature = authority.sign(device_deauthorisation_message(base_hash, d));
}

Status deauthorise_device(const Hash32& base_hash, DeviceDeauthorisation& d,
                          const crypto::Ed25519Signer& authority) {
    PSEPHOS_TRY_ASSIGN(d.authority_signature,
                       authority.sign_message(device_deauthorisation_message(base_hash, d)));
    return {};
}

Status verify_device_deauthorisation(const Hash32& base_hash, const DeviceDeauthorisation& d,
                                     const crypto::Ed25519PublicKey& authority_key) {
    if (auto ok = crypto::verify_signature(
            authority_key, device_deauthorisation_message(base_hash, d), d.authority_signature);
        !ok)
        return Error{ErrorCode::verification_failed,
                     "deauthorisation of device '" + d.device_id + "' of district '" +
                         d.district_id + "': the election authority (" +
                         authority_key_text(authority_key) + ") did not sign it (" +
                         ok.error().message + ")"};
    return {};
}

std::string authority_key_text(const crypto::Ed25519PublicKey& key) {
    return "ed25519:" + to_hex(key.span());
}

}  // namespace psephos::election

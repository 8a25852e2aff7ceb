// A guardian's decryptions from a published election record (record_decryption.hpp).
#include "psephos/record/record_decryption.hpp"

#include <optional>

#include "psephos/election/authority.hpp"

namespace psephos::record {

namespace {

// The key that authorised the record's devices: the approval's, once it is checked (V29's
// checks, by the guardian itself).
Result<crypto::Ed25519PublicKey> approved_authority_key(
    const RecordReader& reader, const std::optional<crypto::Ed25519PublicKey>& trusted) {
    PSEPHOS_TRY_ASSIGN(const election::ElectionApproval approval, reader.approval());
    if (auto ok = election::verify_election_approval(approval, reader.election().base_hash); !ok)
        return ok.error().within("authority.bin");
    if (trusted && !(approval.authority_key == *trusted))
        return Error{
            ErrorCode::verification_failed,
            "authority.bin: approved by " + election::authority_key_text(approval.authority_key) +
                ", not by the trusted authority " + election::authority_key_text(*trusted)};
    return approval.authority_key;
}

}  // namespace

Result<ledger::GuardianDecryptions> prepare_tally_decryptions_from_record(
    const RecordReader& reader, const election::GuardianKey& key,
    const std::optional<crypto::Ed25519PublicKey>& trusted_authority) {
    if (auto ok = election::check_guardian_key(key, reader.election().manifest); !ok)
        return ok.error();
    PSEPHOS_TRY_ASSIGN(const crypto::Ed25519PublicKey authority,
                       approved_authority_key(reader, trusted_authority));
    const ledger::DistrictLogSource logs = [&reader](std::string_view district,
                                                     const ledger::LogVisitor& visit) -> Status {
        // The reader streams every record; after the first failed visit the rest are skipped.
        std::optional<Error> failed;
        PSEPHOS_TRY(reader.for_each_record(district, [&](std::uint64_t index, const Bytes& record) {
            if (failed) return;
            if (auto ok = visit(index, record); !ok) failed = ok.error();
        }));
        if (failed) return *failed;
        return {};
    };
    return ledger::prepare_tally_decryptions(reader.election(), key, logs, authority);
}

}  // namespace psephos::record

// A voter's receipt file from the ledger's acknowledgement (voter_receipts.hpp).
#include "psephos/ledger/voter_receipts.hpp"

namespace psephos::ledger {

Result<ReceiptInclusion> prove_receipt_inclusion(const Ledger& ledger, const Receipt& receipt) {
    const std::string where =
        "receipt of record " + receipt.log + "#" + std::to_string(receipt.index);
    auto status = ledger.status(receipt.log);
    if (!status) return status.error().within(where);
    auto text = election::open_note(receipt.signed_checkpoint, status.value().verifier);
    if (!text) return text.error().within(where);
    auto checkpoint = election::Checkpoint::parse(text.value());
    if (!checkpoint) return checkpoint.error().within(where);
    auto inclusion = ledger.prove_inclusion(receipt.log, receipt.index, checkpoint.value().size);
    if (!inclusion) return inclusion.error().within(where);
    return ReceiptInclusion{status.value().verifier.to_text(), checkpoint.value().size,
                            std::move(inclusion).value()};
}

Result<election::VoterReceipt> make_voter_receipt(const Ledger& ledger, const Receipt& receipt,
                                                  const Hash32& tracking_code) {
    const std::string where =
        "receipt of record " + receipt.log + "#" + std::to_string(receipt.index);
    auto inclusion = prove_receipt_inclusion(ledger, receipt);
    if (!inclusion) return inclusion.error();

    election::VoterReceipt out;
    out.election_id = ledger.election().manifest.election_id;
    out.district_id = receipt.log;
    out.tracking_code = tracking_code;
    out.index = receipt.index;
    out.leaf_hash = receipt.leaf_hash;
    out.verifier_key = std::move(inclusion.value().verifier_key);
    out.signed_checkpoint = receipt.signed_checkpoint;
    out.inclusion = std::move(inclusion.value().proof);
    const std::string key = out.verifier_key;
    if (auto ok = election::verify_voter_receipt(out, std::span<const std::string>(&key, 1)); !ok)
        return ok.error().within(where);
    return out;
}

}  // namespace psephos::ledger

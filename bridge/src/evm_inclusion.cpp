// One endpoint's report of a mined anchor transaction, and two reports compared
// (evm_inclusion.hpp).
#include "evm_inclusion.hpp"

#include "psephos/bridge/evm_transaction.hpp"

namespace psephos::bridge {

namespace {

Error differs(const std::string& what) { return Error{ErrorCode::verification_failed, what}; }

}  // namespace

Result<std::optional<EvmInclusion>> look_up_evm_inclusion(EvmClient& client, ByteSpan raw) {
    auto decoded = decode_signed_transaction(raw);
    if (!decoded) return decoded.error().within("the anchor transaction");
    const DecodedEvmTransaction& mine = decoded.value();
    auto info = client.transaction_by_hash(mine.hash);
    if (!info) return info.error();
    if (!info.value() || !info.value()->block_number) return std::optional<EvmInclusion>();
    const EvmTransactionInfo& t = *info.value();
    if (t.hash != mine.hash)
        return differs("the endpoint answered with transaction " + t.hash.to_hex());
    if (t.from != mine.sender.bytes) return differs("the endpoint says another sender");
    if (t.nonce != mine.nonce()) return differs("the endpoint says another nonce");
    if (t.input != mine.data()) return differs("the endpoint's transaction carries other data");
    auto receipt = client.transaction_receipt(mine.hash);
    if (!receipt) return receipt.error();
    if (!receipt.value()) return std::optional<EvmInclusion>();  // mined a moment ago, or a lie
    const EvmReceipt& r = *receipt.value();
    if (r.transaction_hash != mine.hash)
        return differs("the endpoint's receipt is for transaction " + r.transaction_hash.to_hex());
    if (r.block_number != *t.block_number || r.block_hash != *t.block_hash)
        return differs("the endpoint's receipt and transaction name different blocks");
    auto head = client.block_number();
    if (!head) return head.error();
    EvmInclusion inclusion;
    inclusion.block_number = r.block_number;
    inclusion.block_hash = r.block_hash;
    inclusion.transaction_index = r.transaction_index;
    inclusion.succeeded = r.succeeded();
    inclusion.confirmations =
        head.value() >= r.block_number ? head.value() - r.block_number + 1 : 0;
    return std::optional<EvmInclusion>(inclusion);
}

Status check_same_inclusion(const EvmInclusion& first, const EvmInclusion& second) {
    if (first.block_number != second.block_number || first.block_hash != second.block_hash)
        return differs(describe_inclusion(first) + " against " + describe_inclusion(second));
    if (first.transaction_index != second.transaction_index)
        return differs("transaction index " + std::to_string(first.transaction_index) +
                       " against " + std::to_string(second.transaction_index));
    if (first.succeeded != second.succeeded)
        return differs(std::string("receipt status ") + (first.succeeded ? "1" : "0") +
                       " against " + (second.succeeded ? "1" : "0"));
    return {};
}

std::string describe_inclusion(const EvmInclusion& inclusion) {
    return "block " + std::to_string(inclusion.block_number) + " (0x" +
           inclusion.block_hash.to_hex() + ")";
}

}  // namespace psephos::bridge

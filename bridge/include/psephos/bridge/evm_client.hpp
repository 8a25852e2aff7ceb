// Typed Ethereum JSON-RPC calls (eth_*) for anchoring on an EVM chain, over JsonRpcClient.
// Every value a node sends back is parsed strictly, as the Ethereum JSON-RPC spec encodes it
// (execution-apis, "Value encoding"): a quantity is "0x" and hex digits without leading zeros
// ("0x0" for zero), data is "0x" and an even number of hex digits; anything else is an error
// naming the call and the field, never a silently misread number.
#pragma once

#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "psephos/bridge/json_rpc_client.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

// A 256-bit unsigned quantity (wei amounts, fees per gas), big-endian.
using EvmQuantity = std::array<std::uint8_t, 32>;
// A 20-byte account or contract address, as raw bytes.
using EvmAddressBytes = std::array<std::uint8_t, 20>;

EvmQuantity evm_quantity_from_u64(std::uint64_t value);
// The value if it fits in 64 bits.
std::optional<std::uint64_t> evm_quantity_to_u64(const EvmQuantity& value);

// Text forms used in requests: canonical quantities ("0x0", "0x1a") and data ("0x" + lower hex).
std::string format_evm_quantity(std::uint64_t value);
std::string format_evm_quantity(const EvmQuantity& value);
std::string format_evm_data(ByteSpan data);

// Strict decoders of the text forms (invalid_encoding on anything else). Upper- and lower-case
// digits are both accepted; a quantity must fit its type (64 bits, or 64 hex digits for 256).
Result<std::uint64_t> parse_evm_quantity_u64(std::string_view text);
Result<EvmQuantity> parse_evm_quantity(std::string_view text);
Result<Bytes> parse_evm_data(std::string_view text);
Result<EvmAddressBytes> parse_evm_address(std::string_view text);  // data of exactly 20 bytes
Result<Hash32> parse_evm_hash(std::string_view text);              // data of exactly 32 bytes

enum class EvmBlockTag { latest, pending };

struct EvmFees {
    EvmQuantity max_priority_fee_per_gas{};
    EvmQuantity max_fee_per_gas{};
};

// A mined transaction's receipt (eth_getTransactionReceipt).
struct EvmReceipt {
    Hash32 transaction_hash;
    std::uint64_t block_number = 0;
    Hash32 block_hash;
    std::uint64_t transaction_index = 0;
    std::uint64_t status = 0;  // EIP-658: 1 succeeded, 0 reverted
    std::uint64_t gas_used = 0;
    std::optional<EvmAddressBytes> contract_address;  // set for a contract creation

    bool succeeded() const { return status == 1; }
};

// The fields of a transaction (eth_getTransactionByHash) the bridge checks an anchor by.
struct EvmTransactionInfo {
    Hash32 hash;
    std::optional<std::uint64_t> block_number;  // none while pending
    std::optional<Hash32> block_hash;           // none while pending
    EvmAddressBytes from{};
    std::optional<EvmAddressBytes> to;  // none for a contract creation
    Bytes input;
    std::uint64_t nonce = 0;
};

// Decoders of the objects the node returns, public for tests: null gives nullopt (unknown or not
// yet mined); a receipt whose status is neither 0 nor 1, or one without a status (pre-Byzantium
// root receipts), is refused.
Result<std::optional<EvmReceipt>> parse_evm_receipt(const boost::json::value& json);
Result<std::optional<EvmTransactionInfo>> parse_evm_transaction(const boost::json::value& json);

class EvmClient {
public:
    explicit EvmClient(JsonRpcClient rpc) : rpc_(std::move(rpc)) {}

    Result<std::uint64_t> chain_id();      // eth_chainId
    Result<std::uint64_t> block_number();  // eth_blockNumber
    Result<std::uint64_t> transaction_count(const EvmAddressBytes& address,
                                            EvmBlockTag tag);  // eth_getTransactionCount

    // EIP-1559 fees for a transaction to be mined soon. The tip is eth_maxPriorityFeePerGas; a
    // node that answers that method with an error object (it does not offer it) gets
    // eth_feeHistory over the last 5 blocks instead, and the tip is the median of their
    // 50th-percentile rewards. max_fee_per_gas = 2 * baseFeePerGas of the latest block + tip:
    // the base fee rises at most 12.5% per block, so doubling it keeps the transaction
    // includable through six full blocks in a row, and only the actual base fee is paid.
    Result<EvmFees> suggest_fees();

    // eth_estimateGas at the node's default block; `to` empty for a contract creation.
    Result<std::uint64_t> estimate_gas(const EvmAddressBytes& from,
                                       const std::optional<EvmAddressBytes>& to, ByteSpan data);
    // eth_sendRawTransaction; the returned hash is the node's, not recomputed here.
    Result<Hash32> send_raw_transaction(ByteSpan raw_transaction);
    Result<std::optional<EvmReceipt>> transaction_receipt(const Hash32& hash);
    Result<std::optional<EvmTransactionInfo>> transaction_by_hash(const Hash32& hash);
    // eth_call against the latest block.
    Result<Bytes> call(const EvmAddressBytes& to, ByteSpan data);
    // eth_getCode at the latest block (empty for an account without code).
    Result<Bytes> get_code(const EvmAddressBytes& address);

    JsonRpcClient& rpc() { return rpc_; }

private:
    Result<EvmQuantity> base_fee_of_latest_block();
    Result<EvmQuantity> priority_fee_from_history();

    JsonRpcClient rpc_;
};

}  // namespace psephos::bridge

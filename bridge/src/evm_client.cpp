// Typed eth_* calls and the strict decoders of their answers (evm_client.hpp).
#include "psephos/bridge/evm_client.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <vector>

namespace psephos::bridge {
namespace {

namespace json = boost::json;

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The text quoted in a message: short enough to read, printable whatever the node sent.
std::string quoted(std::string_view text) {
    std::string out = "'";
    const std::size_t kept = std::min<std::size_t>(text.size(), 80);
    for (std::size_t i = 0; i < kept; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
    }
    if (text.size() > kept) out += "...";
    return out + "'";
}

Error encoding_error(std::string message) {
    return make_error(ErrorCode::invalid_encoding, std::move(message));
}

// The hex digits of a quantity after the checks common to every width.
Result<std::string_view> quantity_digits(std::string_view text, std::size_t max_digits,
                                         const char* type_name) {
    if (text.size() < 2 || text[0] != '0' || text[1] != 'x')
        return encoding_error("quantity " + quoted(text) + " does not start with \"0x\"");
    const std::string_view digits = text.substr(2);
    if (digits.empty()) return encoding_error("quantity \"0x\" has no digits (zero is \"0x0\")");
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return hex_value(c) >= 0; }))
        return encoding_error("quantity " + quoted(text) + " has a character that is not hex");
    if (digits.size() > 1 && digits[0] == '0')
        return encoding_error("quantity " + quoted(text) + " has a leading zero");
    if (digits.size() > max_digits)
        return encoding_error("quantity " + quoted(text) + " does not fit in " + type_name);
    return digits;
}

Result<std::string_view> as_text(const json::value& value) {
    const json::string* text = value.if_string();
    if (text == nullptr)
        return encoding_error("expected a string, got " + quoted(json::serialize(value)));
    return std::string_view(text->data(), text->size());
}

template <class T>
Result<T> parse_text(const json::value& value, Result<T> (*parse)(std::string_view)) {
    auto text = as_text(value);
    if (!text) return text.error();
    return parse(text.value());
}

// A required member of an object, decoded by `parse`; errors name the member.
template <class T>
Result<T> member(const json::object& object, std::string_view key,
                 Result<T> (*parse)(std::string_view)) {
    const json::value* value = object.if_contains(json::string_view(key.data(), key.size()));
    if (value == nullptr) return encoding_error("field \"" + std::string(key) + "\" is missing");
    auto parsed = parse_text(*value, parse);
    if (!parsed) return parsed.error().within("field \"" + std::string(key) + "\"");
    return parsed;
}

// An optional member: missing or null gives nullopt.
template <class T>
Result<std::optional<T>> optional_member(const json::object& object, std::string_view key,
                                         Result<T> (*parse)(std::string_view)) {
    const json::value* value = object.if_contains(json::string_view(key.data(), key.size()));
    if (value == nullptr || value->is_null()) return std::optional<T>();
    auto parsed = parse_text(*value, parse);
    if (!parsed) return parsed.error().within("field \"" + std::string(key) + "\"");
    return std::optional<T>(std::move(parsed).value());
}

// Adds b to a; false on overflow past 256 bits.
bool add_to(EvmQuantity& a, const EvmQuantity& b) {
    unsigned carry = 0;
    for (std::size_t i = a.size(); i-- > 0;) {
        const unsigned sum = a[i] + b[i] + carry;
        a[i] = static_cast<std::uint8_t>(sum & 0xff);
        carry = sum >> 8;
    }
    return carry == 0;
}

std::string format_address(const EvmAddressBytes& address) { return format_evm_data(address); }

const char* tag_name(EvmBlockTag tag) { return tag == EvmBlockTag::pending ? "pending" : "latest"; }

// Each request's error says which call failed: "eth_chainId: result: ...".
template <class T>
Result<T> within_call(std::string_view method, Result<T> result) {
    if (!result) return result.error().within(std::string(method));
    return result;
}

}  // namespace

EvmQuantity evm_quantity_from_u64(std::uint64_t value) {
    EvmQuantity out{};
    for (std::size_t i = 0; i < 8; ++i)
        out[out.size() - 1 - i] = static_cast<std::uint8_t>(value >> (8 * i));
    return out;
}

std::optional<std::uint64_t> evm_quantity_to_u64(const EvmQuantity& value) {
    if (!std::all_of(value.begin(), value.end() - 8, [](std::uint8_t b) { return b == 0; }))
        return std::nullopt;
    std::uint64_t out = 0;
    for (std::size_t i = value.size() - 8; i < value.size(); ++i) out = (out << 8) | value[i];
    return out;
}

std::string format_evm_quantity(std::uint64_t value) {
    return format_evm_quantity(evm_quantity_from_u64(value));
}

std::string format_evm_quantity(const EvmQuantity& value) {
    std::string digits;
    for (std::uint8_t byte : value) {
        digits.push_back(hex_digits[byte >> 4]);
        digits.push_back(hex_digits[byte & 0x0f]);
    }
    const std::size_t first = digits.find_first_not_of('0');
    return first == std::string::npos ? "0x0" : "0x" + digits.substr(first);
}

std::string format_evm_data(ByteSpan data) { return "0x" + to_hex(data); }

Result<std::uint64_t> parse_evm_quantity_u64(std::string_view text) {
    auto digits = quantity_digits(text, 16, "64 bits");
    if (!digits) return digits.error();
    std::uint64_t out = 0;
    for (char c : digits.value()) out = (out << 4) | static_cast<std::uint64_t>(hex_value(c));
    return out;
}

Result<EvmQuantity> parse_evm_quantity(std::string_view text) {
    auto digits = quantity_digits(text, 64, "256 bits");
    if (!digits) return digits.error();
    EvmQuantity out{};
    const std::string_view d = digits.value();
    // Digits from the right: digit k (0 = least significant) is the low or high nibble of byte
    // 31 - k/2.
    for (std::size_t k = 0; k < d.size(); ++k) {
        const auto nibble = static_cast<unsigned>(hex_value(d[d.size() - 1 - k]));
        auto& byte = out[out.size() - 1 - k / 2];
        byte = static_cast<std::uint8_t>(byte | (k % 2 == 0 ? nibble : nibble << 4));
    }
    return out;
}

Result<Bytes> parse_evm_data(std::string_view text) {
    if (text.size() < 2 || text[0] != '0' || text[1] != 'x')
        return encoding_error("data " + quoted(text) + " does not start with \"0x\"");
    const std::string_view digits = text.substr(2);
    if (digits.size() % 2 != 0)
        return encoding_error("data " + quoted(text) + " has an odd number of hex digits");
    Bytes out;
    out.reserve(digits.size() / 2);
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        const int high = hex_value(digits[i]);
        const int low = hex_value(digits[i + 1]);
        if (high < 0 || low < 0)
            return encoding_error("data " + quoted(text) + " has a character that is not hex");
        out.push_back(static_cast<std::uint8_t>((high << 4) | low));
    }
    return out;
}

Result<EvmAddressBytes> parse_evm_address(std::string_view text) {
    auto data = parse_evm_data(text);
    if (!data) return data.error();
    if (data.value().size() != 20)
        return encoding_error("address " + quoted(text) + " is " +
                              std::to_string(data.value().size()) + " bytes, expected 20");
    EvmAddressBytes out{};
    std::copy(data.value().begin(), data.value().end(), out.begin());
    return out;
}

Result<Hash32> parse_evm_hash(std::string_view text) {
    auto data = parse_evm_data(text);
    if (!data) return data.error();
    if (data.value().size() != 32)
        return encoding_error("hash " + quoted(text) + " is " +
                              std::to_string(data.value().size()) + " bytes, expected 32");
    return Hash32::from_bytes(data.value());
}

Result<std::optional<EvmReceipt>> parse_evm_receipt(const boost::json::value& value) {
    if (value.is_null()) return std::optional<EvmReceipt>();
    const json::object* object = value.if_object();
    if (object == nullptr) return encoding_error("receipt is neither an object nor null");
    auto wrap = [](const Error& e) { return e.within("receipt"); };

    EvmReceipt receipt;
    auto hash = member(*object, "transactionHash", parse_evm_hash);
    if (!hash) return wrap(hash.error());
    receipt.transaction_hash = hash.value();
    auto block_number = member(*object, "blockNumber", parse_evm_quantity_u64);
    if (!block_number) return wrap(block_number.error());
    receipt.block_number = block_number.value();
    auto block_hash = member(*object, "blockHash", parse_evm_hash);
    if (!block_hash) return wrap(block_hash.error());
    receipt.block_hash = block_hash.value();
    auto index = member(*object, "transactionIndex", parse_evm_quantity_u64);
    if (!index) return wrap(index.error());
    receipt.transaction_index = index.value();
    auto status = member(*object, "status", parse_evm_quantity_u64);
    if (!status) return wrap(status.error());
    if (status.value() > 1)
        return wrap(encoding_error("field \"status\" is " + std::to_string(status.value()) +
                                   ", expected 0 (reverted) or 1 (succeeded)"));
    receipt.status = status.value();
    auto gas_used = member(*object, "gasUsed", parse_evm_quantity_u64);
    if (!gas_used) return wrap(gas_used.error());
    receipt.gas_used = gas_used.value();
    auto contract = optional_member(*object, "contractAddress", parse_evm_address);
    if (!contract) return wrap(contract.error());
    receipt.contract_address = contract.value();
    return std::optional<EvmReceipt>(receipt);
}

Result<std::optional<EvmTransactionInfo>> parse_evm_transaction(const boost::json::value& value) {
    if (value.is_null()) return std::optional<EvmTransactionInfo>();
    const json::object* object = value.if_object();
    if (object == nullptr) return encoding_error("transaction is neither an object nor null");
    auto wrap = [](const Error& e) { return e.within("transaction"); };

    EvmTransactionInfo info;
    auto hash = member(*object, "hash", parse_evm_hash);
    if (!hash) return wrap(hash.error());
    info.hash = hash.value();
    auto block_number = optional_member(*object, "blockNumber", parse_evm_quantity_u64);
    if (!block_number) return wrap(block_number.error());
    info.block_number = block_number.value();
    auto block_hash = optional_member(*object, "blockHash", parse_evm_hash);
    if (!block_hash) return wrap(block_hash.error());
    info.block_hash = block_hash.value();
    if (info.block_number.has_value() != info.block_hash.has_value())
        return wrap(
            encoding_error("has one of \"blockNumber\" and \"blockHash\" without the other"));
    auto from = member(*object, "from", parse_evm_address);
    if (!from) return wrap(from.error());
    info.from = from.value();
    auto to = optional_member(*object, "to", parse_evm_address);
    if (!to) return wrap(to.error());
    info.to = to.value();
    auto input = member(*object, "input", parse_evm_data);
    if (!input) return wrap(input.error());
    info.input = std::move(input).value();
    auto nonce = member(*object, "nonce", parse_evm_quantity_u64);
    if (!nonce) return wrap(nonce.error());
    info.nonce = nonce.value();
    return std::optional<EvmTransactionInfo>(std::move(info));
}

Result<std::uint64_t> EvmClient::chain_id() {
    constexpr std::string_view method = "eth_chainId";
    auto result = rpc_.call(method, {});
    if (!result) return result.error();
    return within_call(method, parse_text(result.value(), parse_evm_quantity_u64));
}

Result<std::uint64_t> EvmClient::block_number() {
    constexpr std::string_view method = "eth_blockNumber";
    auto result = rpc_.call(method, {});
    if (!result) return result.error();
    return within_call(method, parse_text(result.value(), parse_evm_quantity_u64));
}

Result<std::uint64_t> EvmClient::transaction_count(const EvmAddressBytes& address,
                                                   EvmBlockTag tag) {
    constexpr std::string_view method = "eth_getTransactionCount";
    auto result = rpc_.call(method, {json::string(format_address(address)), tag_name(tag)});
    if (!result) return result.error();
    return within_call(method, parse_text(result.value(), parse_evm_quantity_u64));
}

Result<EvmQuantity> EvmClient::base_fee_of_latest_block() {
    constexpr std::string_view method = "eth_getBlockByNumber";
    auto result = rpc_.call(method, {"latest", false});
    if (!result) return result.error();
    const json::object* block = result.value().if_object();
    if (block == nullptr)
        return encoding_error(std::string(method) + ": latest block is not an object");
    if (!block->contains("baseFeePerGas"))
        return make_error(ErrorCode::refused,
                          std::string(method) +
                              ": latest block has no \"baseFeePerGas\"; the chain does not "
                              "support EIP-1559 fees");
    return within_call(method, member(*block, "baseFeePerGas", parse_evm_quantity));
}

Result<EvmQuantity> EvmClient::priority_fee_from_history() {
    constexpr std::string_view method = "eth_feeHistory";
    auto result = rpc_.call(method, {"0x5", "latest", json::array{50}});
    if (!result) return result.error();
    const json::object* history = result.value().if_object();
    if (history == nullptr)
        return encoding_error(std::string(method) + ": result is not an object");
    const json::value* reward = history->if_contains("reward");
    if (reward == nullptr || !reward->is_array() || reward->get_array().empty())
        return encoding_error(std::string(method) + ": no \"reward\" array");
    std::vector<EvmQuantity> tips;
    for (const json::value& block_rewards : reward->get_array()) {
        const json::array* percentiles = block_rewards.if_array();
        if (percentiles == nullptr || percentiles->size() != 1)
            return encoding_error(std::string(method) +
                                  ": a \"reward\" entry is not an array of one value");
        auto tip = within_call(method, parse_text(percentiles->front(), parse_evm_quantity));
        if (!tip) return tip.error();
        tips.push_back(tip.value());
    }
    // Big-endian arrays order as the numbers they encode.
    std::sort(tips.begin(), tips.end());
    return tips[(tips.size() - 1) / 2];
}

Result<EvmFees> EvmClient::suggest_fees() {
    constexpr std::string_view method = "eth_maxPriorityFeePerGas";
    auto answer = rpc_.call_for_answer(method, {});
    if (!answer) return answer.error();
    EvmFees fees;
    if (std::holds_alternative<JsonRpcErrorObject>(answer.value())) {
        auto tip = priority_fee_from_history();
        if (!tip) {
            return tip.error().within(
                to_error(method, std::get<JsonRpcErrorObject>(answer.value())).message +
                "; fallback");
        }
        fees.max_priority_fee_per_gas = tip.value();
    } else {
        auto tip = within_call(
            method, parse_text(std::get<json::value>(answer.value()), parse_evm_quantity));
        if (!tip) return tip.error();
        fees.max_priority_fee_per_gas = tip.value();
    }

    auto base_fee = base_fee_of_latest_block();
    if (!base_fee) return base_fee.error();
    EvmQuantity max_fee = base_fee.value();
    if (!add_to(max_fee, base_fee.value()) || !add_to(max_fee, fees.max_priority_fee_per_gas))
        return make_error(ErrorCode::invalid_encoding,
                          "suggest_fees: 2 * base fee + tip overflows 256 bits");
    fees.max_fee_per_gas = max_fee;
    return fees;
}

Result<std::uint64_t> EvmClient::estimate_gas(const EvmAddressBytes& from,
                                              const std::optional<EvmAddressBytes>& to,
                                              ByteSpan data) {
    constexpr std::string_view method = "eth_estimateGas";
    json::object transaction;
    transaction["from"] = format_address(from);
    if (to) transaction["to"] = format_address(*to);
    transaction["data"] = format_evm_data(data);
    auto result = rpc_.call(method, {std::move(transaction)});
    if (!result) return result.error();
    return within_call(method, parse_text(result.value(), parse_evm_quantity_u64));
}

Result<Hash32> EvmClient::send_raw_transaction(ByteSpan raw_transaction) {
    constexpr std::string_view method = "eth_sendRawTransaction";
    auto result = rpc_.call(method, {json::string(format_evm_data(raw_transaction))});
    if (!result) return result.error();
    return within_call(method, parse_text(result.value(), parse_evm_hash));
}

Result<std::optional<EvmReceipt>> EvmClient::transaction_receipt(const Hash32& hash) {
    constexpr std::string_view method = "eth_getTransactionReceipt";
    auto result = rpc_.call(method, {json::string(format_evm_data(hash.span()))});
    if (!result) return result.error();
    auto receipt = within_call(method, parse_evm_receipt(result.value()));
    if (!receipt) return receipt.error();
    if (receipt.value() && receipt.value()->transaction_hash != hash)
        return encoding_error(std::string(method) + ": receipt is for another transaction (" +
                              receipt.value()->transaction_hash.to_hex() + ")");
    return receipt;
}

Result<std::optional<EvmTransactionInfo>> EvmClient::transaction_by_hash(const Hash32& hash) {
    constexpr std::string_view method = "eth_getTransactionByHash";
    auto result = rpc_.call(method, {json::string(format_evm_data(hash.span()))});
    if (!result) return result.error();
    auto transaction = within_call(method, parse_evm_transaction(result.value()));
    if (!transaction) return transaction.error();
    if (transaction.value() && transaction.value()->hash != hash)
        return encoding_error(std::string(method) + ": answer is another transaction (" +
                              transaction.value()->hash.to_hex() + ")");
    return transaction;
}

Result<Bytes> EvmClient::call(const EvmAddressBytes& to, ByteSpan data) {
    constexpr std::string_view method = "eth_call";
    json::object transaction;
    transaction["to"] = format_address(to);
    transaction["data"] = format_evm_data(data);
    auto result = rpc_.call(method, {std::move(transaction), "latest"});
    if (!result) return result.error();
    return within_call(method, parse_text(result.value(), parse_evm_data));
}

Result<Bytes> EvmClient::get_code(const EvmAddressBytes& address) {
    constexpr std::string_view method = "eth_getCode";
    auto result = rpc_.call(method, {json::string(format_address(address)), "latest"});
    if (!result) return result.error();
    return within_call(method, parse_text(result.value(), parse_evm_data));
}

}  // namespace psephos::bridge

// Deploying the ElectionAnchor contract on an EVM chain (anchor_relay.hpp, docs/bridge.md).
#include <boost/json.hpp>

#include <thread>

#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/evm_abi.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/json/strict_json.hpp"

namespace psephos::bridge {

namespace json = boost::json;

Result<EvmAddress> deploy_election_anchor(const EvmChainConfig& chain,
                                          const std::filesystem::path& contract_json,
                                          std::chrono::seconds timeout) {
    auto bytes = crypto::read_public_file(contract_json, 4 * 1024 * 1024);
    if (!bytes) return bytes.error();
    auto parsed = psephos::json::parse_strict(
        std::string_view(reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size()),
        contract_json.string());
    if (!parsed) return parsed.error();
    const json::value& artifact = *parsed;
    const json::value* code_text =
        artifact.is_object() ? artifact.as_object().if_contains("bytecode") : nullptr;
    if (!code_text || !code_text->is_string())
        return make_error(ErrorCode::invalid_encoding,
                          contract_json.string() + ": no \"bytecode\" string");
    auto code = parse_evm_data(code_text->as_string());
    if (!code || code.value().empty())
        return make_error(ErrorCode::invalid_encoding,
                          contract_json.string() + ": bytecode is not 0x-prefixed hex");
    auto key = read_secp256k1_key_file(chain.key_file);
    if (!key) return key.error();
    auto endpoint = RpcEndpoint::parse(chain.rpc_url);
    if (!endpoint) return endpoint.error();
    JsonRpcClient rpc(endpoint.value(), chain.timeouts);
    if (!chain.rpc_certificates.empty())
        rpc.use_trusted_certificates(chain.rpc_certificates.string());
    EvmClient client{std::move(rpc)};
    auto chain_id = client.chain_id();
    if (!chain_id) return chain_id.error();
    if (chain_id.value() != chain.chain_id) {
        return make_error(ErrorCode::invalid_argument,
                          "the endpoint serves chain id " + std::to_string(chain_id.value()) +
                              ", the configuration says " + std::to_string(chain.chain_id));
    }
    const EvmAddress sender = EvmAddress::of_public_key(key.value().uncompressed_public_key());
    Eip1559Transaction t;
    t.chain_id = chain.chain_id;
    t.data = encode_election_anchor_deployment(code.value(), sender);
    auto nonce = client.transaction_count(sender.bytes, EvmBlockTag::pending);
    if (!nonce) return nonce.error();
    t.nonce = nonce.value();
    auto fees = client.suggest_fees();
    if (!fees) return fees.error();
    t.max_priority_fee_per_gas = fees.value().max_priority_fee_per_gas;
    t.max_fee_per_gas = fees.value().max_fee_per_gas;
    auto gas = client.estimate_gas(sender.bytes, std::nullopt, t.data);
    if (!gas) return gas.error().within("estimating the deployment's gas");
    t.gas_limit = gas.value() + gas.value() / 5;
    const SignedEvmTransaction signed_tx = t.sign(key.value());
    auto sent = client.send_raw_transaction(signed_tx.raw);
    if (!sent) return sent.error().within("deploying ElectionAnchor");
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto receipt = client.transaction_receipt(signed_tx.hash);
        if (!receipt) return receipt.error();
        if (receipt.value()) {
            if (!receipt.value()->succeeded() || !receipt.value()->contract_address)
                return make_error(ErrorCode::refused, "the ElectionAnchor deployment reverted");
            EvmAddress address;
            address.bytes = *receipt.value()->contract_address;
            return address;
        }
        if (std::chrono::steady_clock::now() > give_up)
            return make_error(ErrorCode::io_error, "the ElectionAnchor deployment " +
                                                       signed_tx.hash.to_hex() +
                                                       " was not mined in time");
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

}  // namespace psephos::bridge

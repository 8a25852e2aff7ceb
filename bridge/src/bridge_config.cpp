// The bridge's configuration file (anchor_relay.hpp, docs/bridge.md §3): read strictly, every
// problem named by file, place and field, with the limits of docs/bridge.md §2 checked.
#include <boost/json.hpp>

#include <algorithm>

#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/json/strict_json.hpp"

namespace psephos::bridge {

namespace json = boost::json;

namespace {

// Reads the bridge configuration's JSON strictly: the first problem is kept, naming the file,
// the place ("evm[0]") and the field; relative paths are taken from the file's folder.
class ConfigReader {
public:
    ConfigReader(std::string where, std::filesystem::path base)
        : where_(std::move(where)), base_(std::move(base)) {}

    const std::optional<Error>& error() const { return error_; }

    void fail(const std::string& at, const std::string& what) {
        if (!error_) error_ = Error{ErrorCode::invalid_argument, where_ + ": " + at + ": " + what};
    }
    std::filesystem::path resolve(const std::string& p) const {
        std::filesystem::path f(p);
        return f.is_absolute() ? f : base_ / f;
    }
    std::string text(const json::object& o, const char* key, const std::string& at) {
        const json::value* v = o.if_contains(key);
        if (!v || !v->is_string()) {
            fail(at, std::string("'") + key + "' must be a string");
            return {};
        }
        return std::string(v->as_string());
    }
    std::uint64_t number(const json::object& o, const char* key, const std::string& at,
                         std::optional<std::uint64_t> fallback = std::nullopt) {
        const json::value* v = o.if_contains(key);
        if (!v && fallback) return *fallback;
        if (v && v->is_uint64()) return v->as_uint64();
        if (v && v->is_int64() && v->as_int64() >= 0)
            return static_cast<std::uint64_t>(v->as_int64());
        fail(at, std::string("'") + key + "' must be a whole number from 0");
        return 0;
    }
    void known_keys(const json::object& o, std::initializer_list<std::string_view> keys,
                    const std::string& at) {
        for (const auto& kv : o) {
            if (std::find(keys.begin(), keys.end(), kv.key()) == keys.end())
                fail(at, "unknown field '" + std::string(kv.key()) + "'");
        }
    }

    EvmChainConfig evm_chain(const json::object& o, const std::string& at) {
        known_keys(o,
                   {"name", "rpc", "rpc_certificates", "confirm_rpc", "confirm_rpc_certificates",
                    "chain_id", "confirmations", "key_file", "contract", "timeout_ms",
                    "max_fee_per_gas_gwei", "max_fee_per_anchor_gwei", "max_nonce_gap"},
                   at);
        EvmChainConfig c;
        c.name = text(o, "name", at);
        c.rpc_url = text(o, "rpc", at);
        if (o.contains("rpc_certificates"))
            c.rpc_certificates = resolve(text(o, "rpc_certificates", at));
        if (o.contains("confirm_rpc")) c.confirm_rpc_url = text(o, "confirm_rpc", at);
        if (o.contains("confirm_rpc_certificates")) {
            if (!o.contains("confirm_rpc")) fail(at, "confirm_rpc_certificates needs confirm_rpc");
            c.confirm_rpc_certificates = resolve(text(o, "confirm_rpc_certificates", at));
        }
        c.chain_id = number(o, "chain_id", at);
        c.confirmations = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(number(o, "confirmations", at, 1), 1000));
        c.key_file = resolve(text(o, "key_file", at));
        const std::uint64_t timeout = number(o, "timeout_ms", at, 15000);
        c.timeouts.request = std::chrono::milliseconds(timeout);
        c.timeouts.connect = std::chrono::milliseconds(std::min<std::uint64_t>(timeout, 5000));
        if (o.contains("contract")) {
            auto address = EvmAddress::from_text(text(o, "contract", at));
            if (!address)
                fail(at, "contract: " + address.error().message);
            else
                c.contract = address.value();
        }
        c.max_fee_per_gas_gwei =
            number(o, "max_fee_per_gas_gwei", at, default_max_fee_per_gas_gwei);
        c.max_fee_per_anchor_gwei =
            number(o, "max_fee_per_anchor_gwei", at, default_max_fee_per_anchor_gwei);
        c.max_nonce_gap = number(o, "max_nonce_gap", at, default_max_nonce_gap);
        if (c.max_fee_per_gas_gwei == 0 || c.max_fee_per_gas_gwei > max_evm_fee_cap_gwei ||
            c.max_fee_per_anchor_gwei == 0 || c.max_fee_per_anchor_gwei > max_evm_fee_cap_gwei)
            fail(at, "max_fee_per_gas_gwei and max_fee_per_anchor_gwei must be 1 to 10^9 gwei");
        if (c.max_nonce_gap > 1000) fail(at, "max_nonce_gap must be at most 1000");
        if (c.chain_id == 0) fail(at, "chain_id must be at least 1");
        if (c.confirmations == 0) fail(at, "confirmations must be at least 1");
        if (auto endpoint = RpcEndpoint::parse(c.rpc_url); !endpoint && !error_)
            fail(at, "rpc: " + endpoint.error().message);
        if (!c.confirm_rpc_url.empty()) {
            // Two names for one node would confirm on one node's word.
            if (c.confirm_rpc_url == c.rpc_url)
                fail(at, "confirm_rpc must be another endpoint than rpc");
            else if (auto confirm = RpcEndpoint::parse(c.confirm_rpc_url); !confirm && !error_)
                fail(at, "confirm_rpc: " + confirm.error().message);
        }
        return c;
    }

    BitcoinChainConfig bitcoin_chain(const json::object& o, const std::string& at) {
        known_keys(o,
                   {"name",
                    "network",
                    "key_file",
                    "utxo",
                    "fee_rate_sat_per_vbyte",
                    "out_dir",
                    "rpc",
                    "rpc_user",
                    "rpc_password",
                    "rpc_cookie_file",
                    "rpc_certificates",
                    "confirm_rpc",
                    "confirm_rpc_user",
                    "confirm_rpc_password",
                    "confirm_rpc_cookie_file",
                    "confirm_rpc_certificates",
                    "confirmations",
                    "timeout_ms",
                    "max_fee_rate_sat_per_vbyte",
                    "max_fee_sat"},
                   at);
        BitcoinChainConfig c;
        c.name = text(o, "name", at);
        const std::string network = text(o, "network", at);
        if (network == "mainnet")
            c.network = BitcoinNetwork::mainnet;
        else if (network == "testnet")
            c.network = BitcoinNetwork::testnet;
        else if (network == "regtest")
            c.network = BitcoinNetwork::regtest;
        else
            fail(at, "network must be mainnet, testnet or regtest");
        c.key_file = resolve(text(o, "key_file", at));
        c.fee_rate_sat_per_vbyte = number(o, "fee_rate_sat_per_vbyte", at, 2);
        c.max_fee_rate_sat_per_vbyte =
            number(o, "max_fee_rate_sat_per_vbyte", at, default_max_fee_rate_sat_per_vbyte);
        c.max_fee_sat = number(o, "max_fee_sat", at, default_max_fee_sat);
        if (c.fee_rate_sat_per_vbyte > c.max_fee_rate_sat_per_vbyte)
            fail(at, "fee_rate_sat_per_vbyte " + std::to_string(c.fee_rate_sat_per_vbyte) +
                         " is above max_fee_rate_sat_per_vbyte " +
                         std::to_string(c.max_fee_rate_sat_per_vbyte));
        c.out_dir = resolve(text(o, "out_dir", at));
        if (!o.contains("confirm_rpc")) {
            for (const char* key : {"confirm_rpc_user", "confirm_rpc_password",
                                    "confirm_rpc_cookie_file", "confirm_rpc_certificates"})
                if (o.contains(key)) fail(at, std::string(key) + " needs confirm_rpc");
        }
        if (o.contains("rpc")) {
            bitcoin_node(o, at, c);
        } else if (o.contains("confirm_rpc")) {
            fail(at, "confirm_rpc needs rpc");
        }
        const json::value* utxo = o.if_contains("utxo");
        if (!utxo || !utxo->is_object()) {
            fail(at, "'utxo' must be an object {txid, vout, amount_sat}");
        } else {
            const json::object& u = utxo->as_object();
            known_keys(u, {"txid", "vout", "amount_sat"}, at + ".utxo");
            auto txid = Hash32::from_hex(text(u, "txid", at + ".utxo"));
            if (!txid)
                fail(at + ".utxo", "txid must be 64 hex digits");
            else
                c.utxo.txid = txid.value();
            const std::uint64_t vout = number(u, "vout", at + ".utxo");
            if (vout > 0xFFFFFFFFu) fail(at + ".utxo", "vout is too large");
            c.utxo.vout = static_cast<std::uint32_t>(vout);
            c.utxo.amount_sat = number(u, "amount_sat", at + ".utxo");
        }
        return c;
    }

private:
    // A Bitcoin node's fields under `prefix` ("rpc" or "confirm_rpc"): the URL, its certificates
    // and its credentials (<prefix>_cookie_file, or <prefix>_user and <prefix>_password).
    BitcoinNodeAccess node_access(const json::object& o, const std::string& at,
                                  const std::string& prefix) {
        BitcoinNodeAccess node;
        node.rpc_url = text(o, prefix.c_str(), at);
        if (o.contains(prefix + "_certificates"))
            node.rpc_certificates = resolve(text(o, (prefix + "_certificates").c_str(), at));
        if (auto endpoint = RpcEndpoint::parse(node.rpc_url); !endpoint) {
            fail(at, prefix + ": " + endpoint.error().message);
        } else if (!endpoint.value().tls && !endpoint.value().is_loopback()) {
            // The node's credentials would cross the network in clear.
            fail(at, prefix +
                         ": credentials go only over https or to a loopback address, not to '" +
                         endpoint.value().to_string() + "'");
        }
        if (o.contains(prefix + "_cookie_file")) {
            node.cookie_file = resolve(text(o, (prefix + "_cookie_file").c_str(), at));
        } else {
            node.credentials.user = text(o, (prefix + "_user").c_str(), at);
            node.credentials.password = text(o, (prefix + "_password").c_str(), at);
        }
        return node;
    }

    // The node a Bitcoin chain broadcasts through, when "rpc" is given.
    void bitcoin_node(const json::object& o, const std::string& at, BitcoinChainConfig& c) {
        const BitcoinNodeAccess node = node_access(o, at, "rpc");
        c.rpc_url = node.rpc_url;
        c.rpc_certificates = node.rpc_certificates;
        c.credentials = node.credentials;
        c.cookie_file = node.cookie_file;
        if (o.contains("confirm_rpc")) {
            c.confirm = node_access(o, at, "confirm_rpc");
            // Two names for one node would confirm on one node's word.
            if (c.confirm.rpc_url == c.rpc_url)
                fail(at, "confirm_rpc must be another endpoint than rpc");
        }
        c.confirmations = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(number(o, "confirmations", at, 1), 1000));
        if (c.confirmations == 0) fail(at, "confirmations must be at least 1");
        const std::uint64_t timeout = number(o, "timeout_ms", at, 15000);
        c.timeouts.request = std::chrono::milliseconds(timeout);
        c.timeouts.connect = std::chrono::milliseconds(std::min<std::uint64_t>(timeout, 5000));
    }

    std::string where_;
    std::filesystem::path base_;
    std::optional<Error> error_;
};

}  // namespace

Result<BridgeConfig> read_bridge_config(const std::filesystem::path& path) {
    auto bytes = crypto::read_public_file(path, 1024 * 1024);
    if (!bytes) return bytes.error();
    const std::string where = path.string();
    auto parsed = psephos::json::parse_strict(
        std::string_view(reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size()),
        where);
    if (!parsed) return parsed.error();
    const json::value root = std::move(parsed).value();
    if (!root.is_object())
        return make_error(ErrorCode::invalid_encoding, where + ": not an object");
    ConfigReader read(where, path.parent_path());
    BridgeConfig config;
    const json::object& top = root.as_object();
    read.known_keys(top, {"evm", "bitcoin", "first_retry_ms", "max_retry_ms"}, "top level");
    config.first_retry =
        std::chrono::milliseconds(read.number(top, "first_retry_ms", "top level", 500));
    config.max_retry =
        std::chrono::milliseconds(read.number(top, "max_retry_ms", "top level", 30000));
    std::vector<std::string> names;
    // Each entry of a list of chains that is an object, read by `chain`.
    auto each_chain = [&](const char* key, auto&& chain) {
        const json::value* list = top.if_contains(key);
        if (!list) return;
        if (!list->is_array()) read.fail(key, "must be a list");
        for (std::size_t i = 0; list->is_array() && i < list->as_array().size(); ++i) {
            const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
            if (!list->as_array()[i].is_object()) {
                read.fail(at, "must be an object");
                continue;
            }
            chain(list->as_array()[i].as_object(), at);
        }
    };
    each_chain("evm", [&](const json::object& o, const std::string& at) {
        config.evm.push_back(read.evm_chain(o, at));
        names.push_back(config.evm.back().name);
    });
    each_chain("bitcoin", [&](const json::object& o, const std::string& at) {
        config.bitcoin.push_back(read.bitcoin_chain(o, at));
        names.push_back(config.bitcoin.back().name);
    });
    std::sort(names.begin(), names.end());
    if (std::adjacent_find(names.begin(), names.end()) != names.end())
        read.fail("chains", "two chains have the same name");
    if (read.error()) return *read.error();
    return config;
}

}  // namespace psephos::bridge

// The bridge's configuration file (anchor_relay.hpp, docs/bridge.md §3): read strictly, every
// problem named by file, place and field, with the limits of docs/bridge.md §2 checked.
#include <boost/json.hpp>

#include <algorithm>

#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/json/field_reader.hpp"
#include "psephos/json/strict_json.hpp"

namespace psephos::bridge {

namespace json = boost::json;
using psephos::json::FieldReader;

namespace {

// Reads the bridge configuration's chains with the one field reader (psephos/json/
// field_reader.hpp): the first problem is kept, naming the file and the JSON path
// ("$.evm[0].chain_id"); relative paths are taken from the file's folder.
class ConfigReader {
public:
    explicit ConfigReader(std::filesystem::path base) : base_(std::move(base)) {}

    std::filesystem::path resolve(const std::string& p) const {
        std::filesystem::path f(p);
        return f.is_absolute() ? f : base_ / f;
    }
    static std::uint64_t number(FieldReader& r, std::string_view key, std::uint64_t fallback) {
        return r.optional_number(key).value_or(fallback);
    }

    EvmChainConfig evm_chain(FieldReader& r) {
        EvmChainConfig c;
        c.name = r.text("name");
        c.rpc_url = r.text("rpc");
        if (r.has("rpc_certificates")) c.rpc_certificates = resolve(r.text("rpc_certificates"));
        if (r.has("confirm_rpc")) c.confirm_rpc_url = r.text("confirm_rpc");
        if (r.has("confirm_rpc_certificates")) {
            if (!r.has("confirm_rpc")) r.fail("confirm_rpc_certificates needs confirm_rpc");
            c.confirm_rpc_certificates = resolve(r.text("confirm_rpc_certificates"));
        }
        c.chain_id = r.number("chain_id");
        c.confirmations = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(number(r, "confirmations", 1), 1000));
        c.key_file = resolve(r.text("key_file"));
        const std::uint64_t timeout = number(r, "timeout_ms", 15000);
        c.timeouts.request = std::chrono::milliseconds(timeout);
        c.timeouts.connect = std::chrono::milliseconds(std::min<std::uint64_t>(timeout, 5000));
        if (r.has("contract")) {
            auto address = EvmAddress::from_text(r.text("contract"));
            if (!address)
                r.fail("contract: " + address.error().message);
            else
                c.contract = address.value();
        }
        c.max_fee_per_gas_gwei = number(r, "max_fee_per_gas_gwei", default_max_fee_per_gas_gwei);
        c.max_fee_per_anchor_gwei =
            number(r, "max_fee_per_anchor_gwei", default_max_fee_per_anchor_gwei);
        c.max_nonce_gap = number(r, "max_nonce_gap", default_max_nonce_gap);
        if (c.max_fee_per_gas_gwei == 0 || c.max_fee_per_gas_gwei > max_evm_fee_cap_gwei ||
            c.max_fee_per_anchor_gwei == 0 || c.max_fee_per_anchor_gwei > max_evm_fee_cap_gwei)
            r.fail("max_fee_per_gas_gwei and max_fee_per_anchor_gwei must be 1 to 10^9 gwei");
        if (c.max_nonce_gap > 1000) r.fail("max_nonce_gap must be at most 1000");
        if (c.chain_id == 0) r.fail("chain_id must be at least 1");
        if (c.confirmations == 0) r.fail("confirmations must be at least 1");
        if (auto endpoint = RpcEndpoint::parse(c.rpc_url); !endpoint && r.ok())
            r.fail("rpc: " + endpoint.error().message);
        if (!c.confirm_rpc_url.empty()) {
            // Two names for one node would confirm on one node's word.
            if (c.confirm_rpc_url == c.rpc_url)
                r.fail("confirm_rpc must be another endpoint than rpc");
            else if (auto confirm = RpcEndpoint::parse(c.confirm_rpc_url); !confirm && r.ok())
                r.fail("confirm_rpc: " + confirm.error().message);
        }
        (void)r.finish();
        return c;
    }

    BitcoinChainConfig bitcoin_chain(FieldReader& r) {
        // Credentials of a node not used are allowed (read only with the node).
        r.allow({"rpc_user", "rpc_password", "rpc_cookie_file", "rpc_certificates",
                 "confirm_rpc_user", "confirm_rpc_password", "confirm_rpc_cookie_file",
                 "confirm_rpc_certificates", "confirmations", "timeout_ms"});
        BitcoinChainConfig c;
        c.name = r.text("name");
        const std::string network = r.text("network");
        if (network == "mainnet")
            c.network = BitcoinNetwork::mainnet;
        else if (network == "testnet")
            c.network = BitcoinNetwork::testnet;
        else if (network == "regtest")
            c.network = BitcoinNetwork::regtest;
        else
            r.fail("network must be mainnet, testnet or regtest");
        c.key_file = resolve(r.text("key_file"));
        c.fee_rate_sat_per_vbyte = number(r, "fee_rate_sat_per_vbyte", 2);
        c.max_fee_rate_sat_per_vbyte =
            number(r, "max_fee_rate_sat_per_vbyte", default_max_fee_rate_sat_per_vbyte);
        c.max_fee_sat = number(r, "max_fee_sat", default_max_fee_sat);
        if (c.fee_rate_sat_per_vbyte > c.max_fee_rate_sat_per_vbyte)
            r.fail("fee_rate_sat_per_vbyte " + std::to_string(c.fee_rate_sat_per_vbyte) +
                   " is above max_fee_rate_sat_per_vbyte " +
                   std::to_string(c.max_fee_rate_sat_per_vbyte));
        c.out_dir = resolve(r.text("out_dir"));
        if (!r.has("confirm_rpc")) {
            for (const char* key : {"confirm_rpc_user", "confirm_rpc_password",
                                    "confirm_rpc_cookie_file", "confirm_rpc_certificates"})
                if (r.has(key)) r.fail(std::string(key) + " needs confirm_rpc");
        }
        if (r.has("rpc")) {
            bitcoin_node(r, c);
        } else if (r.has("confirm_rpc")) {
            r.fail("confirm_rpc needs rpc");
        }
        if (const json::value* utxo = r.get("utxo"); utxo && !utxo->is_object()) {
            r.fail("'utxo' must be an object {txid, vout, amount_sat}");
        } else if (utxo) {
            FieldReader u = r.object("utxo");
            auto txid = Hash32::from_hex(u.text("txid"));
            if (!txid && u.ok())
                u.fail("txid must be 64 hex digits");
            else if (txid)
                c.utxo.txid = txid.value();
            const std::uint64_t vout = u.number("vout");
            if (vout > 0xFFFFFFFFu) u.fail("vout is too large");
            c.utxo.vout = static_cast<std::uint32_t>(vout);
            c.utxo.amount_sat = u.number("amount_sat");
            (void)u.finish();
        }
        (void)r.finish();
        return c;
    }

private:
    // A Bitcoin node's fields under `prefix` ("rpc" or "confirm_rpc"): the URL, its certificates
    // and its credentials (<prefix>_cookie_file, or <prefix>_user and <prefix>_password).
    BitcoinNodeAccess node_access(FieldReader& r, const std::string& prefix) {
        BitcoinNodeAccess node;
        node.rpc_url = r.text(prefix);
        if (r.has(prefix + "_certificates"))
            node.rpc_certificates = resolve(r.text(prefix + "_certificates"));
        if (auto endpoint = RpcEndpoint::parse(node.rpc_url); !endpoint) {
            r.fail(prefix + ": " + endpoint.error().message);
        } else if (!endpoint.value().tls && !endpoint.value().is_loopback()) {
            // The node's credentials would cross the network in clear.
            r.fail(prefix + ": credentials go only over https or to a loopback address, not to '" +
                   endpoint.value().to_string() + "'");
        }
        if (r.has(prefix + "_cookie_file")) {
            node.cookie_file = resolve(r.text(prefix + "_cookie_file"));
        } else {
            node.credentials.user = r.text(prefix + "_user");
            node.credentials.password = r.text(prefix + "_password");
        }
        return node;
    }

    // The node a Bitcoin chain broadcasts through, when "rpc" is given.
    void bitcoin_node(FieldReader& r, BitcoinChainConfig& c) {
        const BitcoinNodeAccess node = node_access(r, "rpc");
        c.rpc_url = node.rpc_url;
        c.rpc_certificates = node.rpc_certificates;
        c.credentials = node.credentials;
        c.cookie_file = node.cookie_file;
        if (r.has("confirm_rpc")) {
            c.confirm = node_access(r, "confirm_rpc");
            // Two names for one node would confirm on one node's word.
            if (c.confirm.rpc_url == c.rpc_url)
                r.fail("confirm_rpc must be another endpoint than rpc");
        }
        c.confirmations = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(number(r, "confirmations", 1), 1000));
        if (c.confirmations == 0) r.fail("confirmations must be at least 1");
        const std::uint64_t timeout = number(r, "timeout_ms", 15000);
        c.timeouts.request = std::chrono::milliseconds(timeout);
        c.timeouts.connect = std::chrono::milliseconds(std::min<std::uint64_t>(timeout, 5000));
    }

    std::filesystem::path base_;
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
    ConfigReader read(path.parent_path());
    FieldReader top(root, where, "$", ErrorCode::invalid_argument);
    BridgeConfig config;
    config.first_retry =
        std::chrono::milliseconds(ConfigReader::number(top, "first_retry_ms", 500));
    config.max_retry = std::chrono::milliseconds(ConfigReader::number(top, "max_retry_ms", 30000));
    std::vector<std::string> names;
    // Each entry of a list of chains, read by `chain`.
    auto each_chain = [&](std::string_view key, auto&& chain) {
        const json::value* list = top.get_optional(key);
        if (list == nullptr) return;
        if (!list->is_array()) top.fail_at(key, "must be a list");
        for (std::size_t i = 0; list->is_array() && i < list->as_array().size(); ++i) {
            FieldReader r = top.element(list->as_array()[i], i, top.path_of(key));
            if (r.ok()) chain(r);
        }
    };
    each_chain("evm", [&](FieldReader& r) {
        config.evm.push_back(read.evm_chain(r));
        names.push_back(config.evm.back().name);
    });
    each_chain("bitcoin", [&](FieldReader& r) {
        config.bitcoin.push_back(read.bitcoin_chain(r));
        names.push_back(config.bitcoin.back().name);
    });
    std::sort(names.begin(), names.end());
    if (std::adjacent_find(names.begin(), names.end()) != names.end())
        top.fail("two chains have the same name");
    PSEPHOS_TRY(top.finish());
    return config;
}
}  // namespace psephos::bridge

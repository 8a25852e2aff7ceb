// The voter's receipt file: its canonical JSON, its strict reader and its checks R1–R3
// (voter_receipt.hpp, docs/proof-bundle.md §4). The reader uses the manifest's JSON document,
// which keeps duplicate members and every number's text, so that nothing is silently dropped.
#include "psephos/election/voter_receipt.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include "manifest_json.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/log_origin.hpp"

namespace psephos::election {

namespace json = boost::json;
using manifest_detail::Document;
using manifest_detail::Kind;
using manifest_detail::Node;

std::string voter_receipt_to_json(const VoterReceipt& r) {
    json::array inclusion;
    for (const Hash32& h : r.inclusion) inclusion.emplace_back(h.to_hex());
    json::object out;
    out["format"] = std::string(voter_receipt_format);
    out["election_id"] = r.election_id;
    out["district"] = r.district_id;
    out["tracking_code"] = r.tracking_code.to_hex();
    out["printed_tracking_code"] = format_tracking_code(r.tracking_code);
    out["index"] = r.index;
    out["leaf_hash"] = r.leaf_hash.to_hex();
    out["verifier_key"] = r.verifier_key;
    out["signed_checkpoint"] = r.signed_checkpoint;
    out["inclusion"] = std::move(inclusion);
    return json::serialize(out) + "\n";
}

namespace {

// The receipt's members, in their canonical order.
constexpr std::string_view receipt_members[] = {
    "format", "election_id", "district",     "tracking_code",     "printed_tracking_code",
    "index",  "leaf_hash",   "verifier_key", "signed_checkpoint", "inclusion"};

Error encoding_error(std::string_view where, const std::string& reason) {
    return make_error(ErrorCode::invalid_encoding,
                      "receipt: " + std::string(where) + ": " + reason);
}

// Reads the members of the receipt's one object by name, each at most once.
class ReceiptFields {
public:
    explicit ReceiptFields(const Document& doc) : doc_(doc) {}

    Status index_members() {
        const Node& root = doc_.root();
        if (root.kind != Kind::object)
            return make_error(ErrorCode::invalid_encoding, "receipt: is not a JSON object");
        std::set<std::string_view> seen;
        for (const Node& child : doc_.children(root)) {
            const std::string_view key = doc_.key_of(child);
            if (!seen.insert(key).second)
                return encoding_error(manifest_detail::excerpt(key), "appears twice");
            if (std::find(std::begin(receipt_members), std::end(receipt_members), key) ==
                std::end(receipt_members))
                return encoding_error(manifest_detail::excerpt(key), "is not a receipt member");
            members_.emplace_back(key, &child);
        }
        for (std::string_view name : receipt_members)
            if (!find(name)) return encoding_error(name, "is missing");
        return {};
    }

    Result<std::string> text(std::string_view name, std::size_t max_bytes) const {
        const Node& n = *find(name);
        if (n.kind != Kind::string)
            return encoding_error(
                name, std::string("is ") + manifest_detail::describe(n.kind) + ", not a string");
        if (n.too_long || n.text_size > max_bytes)
            return encoding_error(name, "is longer than " + std::to_string(max_bytes) + " bytes");
        return std::string(doc_.text_of(n));
    }

    Result<Hash32> hash(std::string_view name) const {
        PSEPHOS_TRY_ASSIGN(const std::string t, text(name, 64));
        return hash_of(name, t);
    }

    Result<std::uint64_t> number(std::string_view name) const {
        const Node& n = *find(name);
        const std::string_view t = doc_.text_of(n);
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
        if (n.kind != Kind::number || ec != std::errc() || end != t.data() + t.size() ||
            (t.size() > 1 && t[0] == '0'))
            return encoding_error(name, "is not a whole number from 0 to 2^64 - 1");
        return value;
    }

    Result<std::vector<Hash32>> hashes(std::string_view name) const {
        const Node& n = *find(name);
        if (n.kind != Kind::array || n.child_count > max_receipt_proof_hashes)
            return encoding_error(name, "is not a list of at most " +
                                            std::to_string(max_receipt_proof_hashes) + " hashes");
        std::vector<Hash32> out;
        for (const Node& item : doc_.children(n)) {
            const std::string where = std::string(name) + "[" + std::to_string(out.size()) + "]";
            if (item.kind != Kind::string || item.too_long)
                return encoding_error(where, "is not a string");
            PSEPHOS_TRY_ASSIGN(Hash32 h, hash_of(where, doc_.text_of(item)));
            out.push_back(h);
        }
        return out;
    }

private:
    const Node* find(std::string_view name) const {
        for (const auto& [key, node] : members_)
            if (key == name) return node;
        return nullptr;
    }
    static Result<Hash32> hash_of(std::string_view where, std::string_view t) {
        auto h = Hash32::from_hex(t);
        if (!h || h.value().to_hex() != t)
            return encoding_error(where, "is not 64 lower-case hex digits");
        return h.value();
    }

    const Document& doc_;
    std::vector<std::pair<std::string_view, const Node*>> members_;
};

Result<VoterReceipt> read_receipt(const ReceiptFields& f) {
    PSEPHOS_TRY_ASSIGN(const std::string format, f.text("format", 64));
    if (format != voter_receipt_format)
        return encoding_error("format", "is not '" + std::string(voter_receipt_format) + "'");
    VoterReceipt r;
    PSEPHOS_TRY_ASSIGN(r.election_id, f.text("election_id", max_receipt_id_bytes));
    PSEPHOS_TRY_ASSIGN(r.district_id, f.text("district", max_receipt_id_bytes));
    PSEPHOS_TRY_ASSIGN(r.tracking_code, f.hash("tracking_code"));
    PSEPHOS_TRY_ASSIGN(const std::string printed, f.text("printed_tracking_code", 64));
    if (printed != format_tracking_code(r.tracking_code))
        return encoding_error("printed_tracking_code", "is not the tracking code's printed form");
    PSEPHOS_TRY_ASSIGN(r.index, f.number("index"));
    PSEPHOS_TRY_ASSIGN(r.leaf_hash, f.hash("leaf_hash"));
    PSEPHOS_TRY_ASSIGN(r.verifier_key, f.text("verifier_key", max_receipt_key_bytes));
    PSEPHOS_TRY_ASSIGN(r.signed_checkpoint,
                       f.text("signed_checkpoint", max_receipt_checkpoint_bytes));
    PSEPHOS_TRY_ASSIGN(r.inclusion, f.hashes("inclusion"));
    return r;
}

}  // namespace

Result<VoterReceipt> voter_receipt_from_json(std::string_view text) {
    if (text.size() > max_voter_receipt_bytes)
        return make_error(
            ErrorCode::invalid_argument,
            "receipt: larger than " + std::to_string(max_voter_receipt_bytes) + " bytes");
    ManifestProblem problem;
    const std::optional<Document> doc = manifest_detail::parse_document(text, problem);
    if (!doc) return encoding_error(problem.path, problem.reason);
    ReceiptFields fields(*doc);
    PSEPHOS_TRY(fields.index_members());
    PSEPHOS_TRY_ASSIGN(VoterReceipt r, read_receipt(fields));
    // One form per receipt: a changed byte anywhere is either caught above or here.
    if (voter_receipt_to_json(r) != text)
        return make_error(ErrorCode::invalid_encoding,
                          "receipt: not in its canonical form (one line, members in order, no "
                          "spaces, \"\\n\" at the end)");
    return r;
}

Result<VerifiedReceipt> verify_voter_receipt(const VoterReceipt& r,
                                             std::span<const std::string> trusted_keys) {
    // R1: the district's key.
    auto key = NoteVerifierKey::parse(r.verifier_key);
    if (!key) return key.error().within("receipt: R1 verifier_key");
    const std::string origin = district_origin(r.election_id, r.district_id);
    if (key.value().name != origin)
        return make_error(ErrorCode::verification_failed,
                          "receipt: R1 verifier_key: the key is for '" + key.value().name +
                              "', not '" + origin + "'");
    VerifiedReceipt out{key.value(), {}, false};
    if (!trusted_keys.empty()) {
        out.key_trusted = std::find(trusted_keys.begin(), trusted_keys.end(), r.verifier_key) !=
                          trusted_keys.end();
        if (!out.key_trusted)
            return make_error(
                ErrorCode::verification_failed,
                "receipt: R1 verifier_key: '" + r.verifier_key + "' is not among the trusted keys");
    }
    // R2: the signed checkpoint.
    auto opened = open_note(r.signed_checkpoint, key.value());
    if (!opened) return opened.error().within("receipt: R2 signed_checkpoint");
    auto checkpoint = Checkpoint::parse(opened.value());
    if (!checkpoint) return checkpoint.error().within("receipt: R2 signed_checkpoint");
    out.checkpoint = std::move(checkpoint).value();
    if (out.checkpoint.origin != origin)
        return make_error(ErrorCode::verification_failed,
                          "receipt: R2 signed_checkpoint: its origin is '" + out.checkpoint.origin +
                              "', not '" + origin + "'");
    if (r.index >= out.checkpoint.size)
        return make_error(ErrorCode::verification_failed,
                          "receipt: R2 index " + std::to_string(r.index) +
                              " is outside the checkpoint's tree of size " +
                              std::to_string(out.checkpoint.size));
    // R3: the ballot's leaf in that tree.
    if (auto ok = crypto::verify_inclusion(r.leaf_hash, r.index, out.checkpoint.size, r.inclusion,
                                           out.checkpoint.root);
        !ok)
        return ok.error().within("receipt: R3 inclusion of leaf " + r.leaf_hash.to_hex() +
                                 " at index " + std::to_string(r.index));
    return out;
}

}  // namespace psephos::election

// A voter's receipt in a proof bundle: its evidence from a ledger or a record, its JSON section,
// and check P13 (receipt_evidence.hpp, docs/proof-bundle.md §3, §4).
#include "psephos/bridge/receipt_evidence.hpp"

#include "bundle_json.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/record/record_reader.hpp"

namespace psephos::bridge {

using election::Checkpoint;
using election::VoterReceipt;

namespace {

Result<Checkpoint> open_district_leaf(ByteSpan leaf, const election::NoteVerifierKey& key,
                                      std::string& district_id) {
    auto record = election::decode_district_checkpoint(leaf);
    if (!record) return record.error();
    district_id = record.value().district_id;
    auto text = election::open_note(record.value().signed_checkpoint, key);
    if (!text) return text.error();
    return Checkpoint::parse(text.value());
}

// The evidence for `receipt` against the bundle's anchored election checkpoint, from a source with
// the ledger's query interface (a Ledger, or a RecordReader).
template <typename Source>
Status add_evidence(const Source& l, ProofBundle& b, const VoterReceipt& receipt) {
    const std::string where = "receipt of district '" + receipt.district_id + "'";
    auto verified = election::verify_voter_receipt(receipt, {});
    if (!verified) return verified.error();
    if (receipt.election_id != b.election_id)
        return make_error(ErrorCode::invalid_argument,
                          where + ": the receipt is for election '" + receipt.election_id + "'");
    auto district = l.status(receipt.district_id);
    if (!district) return district.error().within(where);

    ReceiptEvidence e;
    e.receipt = receipt;
    // The district's latest checkpoint in the anchored election log.
    std::optional<Checkpoint> latest;
    for (std::uint64_t j = 0; j < b.anchored_size; ++j) {
        auto leaf = l.record(ledger::election_log_name, j);
        if (!leaf) return leaf.error().within(where);
        std::string id;
        auto checkpoint = open_district_leaf(leaf.value(), district.value().verifier, id);
        if (id != receipt.district_id) continue;
        if (!checkpoint)
            return checkpoint.error().within(where + ": election log record " + std::to_string(j));
        latest = checkpoint.value();
        e.district_leaf = std::move(leaf).value();
        e.district_leaf_index = j;
    }
    if (!latest)
        return make_error(
            ErrorCode::not_found,
            where + ": the anchored election log holds no checkpoint of the district");
    PSEPHOS_TRY_ASSIGN(
        e.district_leaf_inclusion,
        l.prove_inclusion(ledger::election_log_name, e.district_leaf_index, b.anchored_size));

    const std::uint64_t m = verified.value().checkpoint.size, n = latest->size;
    if (m <= n) {
        crypto::MerkleTreeBuilder prefix;
        for (std::uint64_t k = 0; k < m; ++k) {
            auto record = l.record(receipt.district_id, k);
            if (!record) return record.error().within(where);
            prefix.append_leaf_hash(crypto::hash_merkle_leaf(record.value()));
        }
        e.prefix_root = prefix.root();
        PSEPHOS_TRY_ASSIGN(e.consistency, l.prove_consistency(receipt.district_id, m, n));
    }
    if (receipt.index < n) {
        auto record = l.record(receipt.district_id, receipt.index);
        if (!record) return record.error().within(where);
        e.leaf_at_index = crypto::hash_merkle_leaf(record.value());
        PSEPHOS_TRY_ASSIGN(e.leaf_inclusion,
                           l.prove_inclusion(receipt.district_id, receipt.index, n));
    }
    b.receipt = std::move(e);
    return {};
}

// The tracking code of the ballot record at `index` of a district log, if it is a ballot.
template <typename Source>
std::optional<Hash32> ballot_code_at(const Source& l, const std::string& district,
                                     std::uint64_t index) {
    auto record = l.record(district, index);
    if (!record) return std::nullopt;
    auto ballot = election::decode_ballot(record.value());
    if (!ballot) {
        auto challenged = election::decode_challenged_ballot(record.value());
        if (!challenged) return std::nullopt;
        ballot = std::move(challenged).value().ballot;
    }
    return election::next_tracking_code(ballot.value().previous_tracking_code,
                                        election::compute_ballot_hash(ballot.value()));
}

// The receipt's own ballot's bundle, else the nearest ballot's at or before its index.
template <typename Source, typename MakeBundle>
Result<ProofBundle> make_bundle_for(const Source& l, const VoterReceipt& receipt,
                                    const MakeBundle& make) {
    auto own = make(receipt.tracking_code.to_hex());
    if (own || own.error().code != ErrorCode::not_found) return own;
    auto district = l.status(receipt.district_id);
    if (!district) return district.error().within("receipt");
    if (district.value().size == 0) return own;
    Error last = own.error();
    for (std::uint64_t k = std::min(receipt.index, district.value().size - 1) + 1; k-- > 0;) {
        const std::optional<Hash32> code = ballot_code_at(l, receipt.district_id, k);
        if (!code) continue;
        auto other = make(code->to_hex());
        if (other) return other;
        last = other.error();
    }
    return last.within("receipt: no ballot of district '" + receipt.district_id +
                       "' to carry the evidence");
}

}  // namespace

Status add_receipt_evidence(const ledger::Ledger& l, ProofBundle& bundle,
                            const VoterReceipt& receipt) {
    return add_evidence(l, bundle, receipt);
}

Status add_receipt_evidence_from_record(const std::filesystem::path& dir, ProofBundle& bundle,
                                        const VoterReceipt& receipt) {
    auto source = record::RecordReader::open(dir);
    if (!source) return source.error();
    return add_evidence(source.value(), bundle, receipt);
}

Result<ProofBundle> make_receipt_bundle(const ledger::Ledger& l, const VoterReceipt& receipt,
                                        const std::vector<Utxo>& funding) {
    auto bundle = make_bundle_for(
        l, receipt, [&](const std::string& code) { return make_proof_bundle(l, code, funding); });
    if (!bundle) return bundle.error();
    PSEPHOS_TRY(add_evidence(l, bundle.value(), receipt));
    return bundle;
}

Result<ProofBundle> make_receipt_bundle_from_record(const std::filesystem::path& dir,
                                                    const VoterReceipt& receipt,
                                                    const std::vector<Utxo>& funding) {
    auto source = record::RecordReader::open(dir);
    if (!source) return source.error();
    auto bundle = make_bundle_for(source.value(), receipt, [&](const std::string& code) {
        return make_proof_bundle_from_record(dir, code, funding);
    });
    if (!bundle) return bundle.error();
    PSEPHOS_TRY(add_evidence(source.value(), bundle.value(), receipt));
    return bundle;
}

// ---- JSON -----------------------------------------------------------------------------------

namespace bundle_json {

json::object receipt_evidence_to_json(const ReceiptEvidence& e) {
    json::object out;
    out["file"] = election::voter_receipt_to_json(e.receipt);
    out["district_leaf"] = to_base64(e.district_leaf);
    out["district_leaf_index"] = e.district_leaf_index;
    out["district_leaf_inclusion"] = hashes_to_json(e.district_leaf_inclusion);
    out["prefix_root"] = e.prefix_root ? json::value(e.prefix_root->to_hex()) : json::value();
    out["consistency"] = hashes_to_json(e.consistency);
    out["leaf_at_index"] = e.leaf_at_index ? json::value(e.leaf_at_index->to_hex()) : json::value();
    out["leaf_inclusion"] = hashes_to_json(e.leaf_inclusion);
    return out;
}

Result<ReceiptEvidence> receipt_evidence_from_json(const json::value& value) {
    FieldReader r(value, "proof bundle", "$.receipt");
    ReceiptEvidence e;
    const std::string file = r.text("file");
    if (r.ok()) {
        auto receipt = election::voter_receipt_from_json(file);
        if (!receipt) return receipt.error().within("proof bundle: $.receipt.file");
        e.receipt = std::move(receipt).value();
    }
    e.district_leaf = r.base64("district_leaf");
    e.district_leaf_index = r.number("district_leaf_index");
    e.district_leaf_inclusion = r.hashes("district_leaf_inclusion");
    const json::value* prefix = r.get("prefix_root");
    if (prefix && !prefix->is_null()) e.prefix_root = r.hash("prefix_root");
    e.consistency = r.hashes("consistency");
    const json::value* leaf = r.get("leaf_at_index");
    if (leaf && !leaf->is_null()) e.leaf_at_index = r.hash("leaf_at_index");
    e.leaf_inclusion = r.hashes("leaf_inclusion");
    PSEPHOS_TRY(r.finish());
    return e;
}

}  // namespace bundle_json

// ---- P13 ------------------------------------------------------------------------------------

namespace {

Status within(Status s, const std::string& context) {
    if (s.ok()) return s;
    return s.error().within(context);
}

std::string describe_checkpoint(const char* whose, const Checkpoint& c) {
    return std::string(whose) + " (size " + std::to_string(c.size) + ", root " + c.root.to_hex() +
           ")";
}

// P13 once the receipt verified: the anchored district checkpoint, then what it says of the
// receipt's tree and index. `detail` is set on success.
Status check_evidence(const ProofBundle& b, const election::VerifiedReceipt& v,
                      std::string& detail) {
    const ReceiptEvidence& e = *b.receipt;
    const VoterReceipt& r = e.receipt;
    if (r.election_id != b.election_id)
        return make_error(ErrorCode::verification_failed,
                          "the receipt is for election '" + r.election_id + "'");
    std::string leaf_district;
    auto opened = open_district_leaf(e.district_leaf, v.key, leaf_district);
    if (leaf_district != r.district_id)
        return make_error(
            ErrorCode::verification_failed,
            "the election-log leaf is not a checkpoint of district '" + r.district_id + "'");
    if (!opened)
        return opened.error().within(
            "the district's checkpoint in the election log, under the "
            "receipt's key");
    const Checkpoint& record = opened.value();
    PSEPHOS_TRY(within(
        crypto::verify_inclusion(crypto::hash_merkle_leaf(e.district_leaf), e.district_leaf_index,
                                 b.anchored_size, e.district_leaf_inclusion, b.anchored_root),
        "the district's checkpoint in the anchored election log"));

    const Checkpoint& receipt = v.checkpoint;
    const std::string both = describe_checkpoint("the voter's receipt checkpoint", receipt) + "; " +
                             describe_checkpoint("the record's checkpoint", record) +
                             ", election-log leaf " + std::to_string(e.district_leaf_index);
    const std::string ballot = "the receipt's ballot (tracking code " +
                               election::format_tracking_code(r.tracking_code) + ", index " +
                               std::to_string(r.index) + ", leaf " + r.leaf_hash.to_hex() + ")";
    if (record.size < receipt.size)
        return make_error(
            ErrorCode::verification_failed,
            "the anchored record's latest checkpoint of district '" + r.district_id +
                "' is smaller than the receipt's, so " + ballot +
                " is not in it (evidence of misbehaviour if the record is final): " + both);
    if (!e.prefix_root)
        return make_error(ErrorCode::verification_failed, "the bundle gives no prefix root");
    PSEPHOS_TRY(within(crypto::verify_consistency(receipt.size, record.size, *e.prefix_root,
                                                  record.root, e.consistency),
                       "the consistency proof from the receipt's size"));
    std::string missing;
    if (!e.leaf_at_index) return make_error(ErrorCode::verification_failed, "no leaf at index");
    PSEPHOS_TRY(within(crypto::verify_inclusion(*e.leaf_at_index, r.index, record.size,
                                                e.leaf_inclusion, record.root),
                       "the record's leaf at the receipt's index"));
    if (!(*e.leaf_at_index == r.leaf_hash))
        missing = "; " + ballot + " is missing: the record has leaf " + e.leaf_at_index->to_hex() +
                  " at that index";
    if (!(*e.prefix_root == receipt.root) || !missing.empty())
        return make_error(ErrorCode::verification_failed,
                          "evidence of misbehaviour: district '" + r.district_id +
                              "' signed two histories with key " + r.verifier_key +
                              ": the record's log does not extend the receipt's (its first " +
                              std::to_string(receipt.size) + " records have root " +
                              e.prefix_root->to_hex() + "): " + both + missing);
    // When the bundle is for the receipt's own ballot, the kiosk's word (its tracking code) holds.
    if (b.district_id == r.district_id && b.ballot_index == r.index &&
        (b.tracking_code != r.tracking_code.to_hex() ||
         !(crypto::hash_merkle_leaf(b.ballot_record) == r.leaf_hash)))
        return make_error(ErrorCode::verification_failed,
                          "the bundle's ballot at the receipt's index has another tracking code "
                          "or record than the receipt");
    detail = "district '" + r.district_id + "': " + ballot + " is still at its index; " + both +
             " extends it";
    return {};
}

}  // namespace

BundleCheck check_receipt_evidence(const ProofBundle& b, const BundleTrust& trust) {
    BundleCheck check{"P13", "voter's receipt in the anchored record", false, ""};
    auto verified = election::verify_voter_receipt(b.receipt->receipt, trust.verifier_keys);
    if (!verified) {
        check.detail = verified.error().message;
        return check;
    }
    std::string detail;
    const Status s = check_evidence(b, verified.value(), detail);
    check.passed = s.ok();
    check.detail = s.ok() ? detail : s.error().message;
    if (s.ok() && trust.verifier_keys.empty())
        check.detail += " (the receipt's own key: compare it with the published record)";
    return check;
}

}  // namespace psephos::bridge

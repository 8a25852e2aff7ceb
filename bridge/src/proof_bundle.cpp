// Proof bundles: making them from a ledger, their JSON form, and checking them (proof_bundle.hpp,
// docs/proof-bundle.md).
#include "psephos/bridge/proof_bundle.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include "anchor_evidence.hpp"
#include "bundle_json.hpp"
#include "evm_inclusion.hpp"
#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/bridge/evm_abi.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/log_origin.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/json/strict_json.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/record/record_reader.hpp"

namespace psephos::bridge {

namespace json = boost::json;
using election::AnchorPayload;
using election::AnchorState;
using election::ChainKind;
using election::Checkpoint;
using election::NoteVerifierKey;

namespace {

Result<Checkpoint> open_checkpoint(const std::string& note, const NoteVerifierKey& verifier) {
    auto text = election::open_note(note, verifier);
    if (!text) return text.error();
    auto checkpoint = Checkpoint::parse(text.value());
    if (!checkpoint) return checkpoint.error();
    if (checkpoint.value().origin != verifier.name) {
        return make_error(ErrorCode::verification_failed,
                          "checkpoint origin '" + checkpoint.value().origin +
                              "' is not the key's name '" + verifier.name + "'");
    }
    return checkpoint;
}

// The anchored election checkpoint: the latest confirmed anchor's payload, else the latest one
// with a transaction; nullptr if nothing was anchored.
const AnchorState* anchored_state(const std::vector<AnchorState>& anchors) {
    const AnchorState* best = nullptr;
    auto better = [&](const AnchorState& a) {
        if (best == nullptr) return true;
        if (a.confirmed() != best->confirmed()) return a.confirmed();
        return a.payload.election_log_size > best->payload.election_log_size;
    };
    for (const AnchorState& a : anchors) {
        if (a.transactions.empty()) continue;
        if (better(a)) best = &a;
    }
    return best;
}

BundleAnchor bundle_anchor_of(const AnchorState& a) {
    BundleAnchor out;
    out.chain = a.intent.chain;
    out.kind = a.intent.kind;
    out.network = a.intent.network;
    out.payload = a.intent.payload;
    // The confirmed transaction, or the latest attempt.
    const election::AnchorTransaction* t = &a.transactions.back().second;
    if (a.confirmation) {
        for (const auto& [index, candidate] : a.transactions) {
            if (candidate.transaction_id == a.confirmation->second.transaction_id) t = &candidate;
        }
        out.block_number = a.confirmation->second.block_number;
        out.block_hash = a.confirmation->second.block_hash;
        out.confirmations = a.confirmation->second.confirmations;
    }
    out.transaction_id = t->transaction_id;
    out.sender = t->sender;
    out.raw_transaction = t->raw_transaction;
    return out;
}

// The bytes a tracking code given as text stands for: all 32 (64 hex digits) or the printed 20.
Result<Bytes> tracking_code_prefix(std::string_view code) {
    Bytes prefix;
    if (code.size() == 64) {
        auto full = Hash32::from_hex(code);
        if (!full) return full.error().within("tracking code");
        prefix.assign(full.value().bytes.begin(), full.value().bytes.end());
    } else {
        auto printed = election::parse_tracking_code(code);
        if (!printed) return printed.error();
        prefix.assign(printed.value().begin(), printed.value().end());
    }
    return prefix;
}

Result<Hash32> full_tracking_code(const ledger::Ledger& l, std::string_view code) {
    auto prefix = tracking_code_prefix(code);
    if (!prefix) return prefix.error();
    auto found = l.casting().find_tracking_code_prefix(prefix.value());
    if (!found) return found.error();
    return found.value().first;
}

}  // namespace

// ---- Making a bundle ------------------------------------------------------------------------

namespace {

// The bundle of the ballot (district_index, index) whose full tracking code is `full`, from a
// source with the ledger's query interface: a Ledger, or an election record (RecordReader).
template <typename Source>
Result<ProofBundle> build_bundle(const Source& l, const Hash32& full,
                                 const ledger::TrackingCodeEntry& entry,
                                 const std::vector<Utxo>& funding) {
    const election::ElectionManifest& m = l.election().manifest;
    ProofBundle b;
    b.election_id = m.election_id;
    b.base_hash = l.election().base_hash;
    b.tracking_code = full.to_hex();
    b.district_id = m.districts.at(entry.district_index).id;
    b.challenged = entry.challenged;
    b.ballot_index = entry.index;
    auto record = l.record(b.district_id, entry.index);
    if (!record) return record.error();
    b.ballot_record = std::move(record).value();

    auto election = l.status(ledger::election_log_name);
    if (!election) return election.error();
    b.election_verifier = election.value().verifier.to_text();
    auto district = l.status(b.district_id);
    if (!district) return district.error();
    b.district_verifier = district.value().verifier.to_text();

    const std::vector<AnchorState> anchors = l.anchors();
    const AnchorState* anchored = anchored_state(anchors);
    b.anchored_size = anchored ? anchored->payload.election_log_size : election.value().size;
    b.anchored_root = anchored ? anchored->payload.election_root : election.value().root;

    // The first district checkpoint in the (anchored) election log that covers the ballot.
    std::optional<std::uint64_t> leaf_index;
    for (std::uint64_t j = 0; j < b.anchored_size && !leaf_index; ++j) {
        auto leaf = l.record(ledger::election_log_name, j);
        if (!leaf) return leaf.error();
        auto entry_record = election::decode_district_checkpoint(leaf.value());
        if (!entry_record)
            return entry_record.error().within("election log record " + std::to_string(j));
        if (entry_record.value().district_id != b.district_id) continue;
        auto checkpoint =
            open_checkpoint(entry_record.value().signed_checkpoint, district.value().verifier);
        if (!checkpoint)
            return checkpoint.error().within("election log record " + std::to_string(j));
        if (checkpoint.value().size <= b.ballot_index) continue;
        leaf_index = j;
        b.election_leaf = std::move(leaf).value();
        b.district_checkpoint = entry_record.value().signed_checkpoint;
        auto inclusion = l.prove_inclusion(b.district_id, b.ballot_index, checkpoint.value().size);
        if (!inclusion) return inclusion.error();
        b.district_inclusion = std::move(inclusion).value();
    }
    if (!leaf_index) {
        return make_error(ErrorCode::not_found,
                          "the ballot's district checkpoint is not yet in the " +
                              std::string(anchored ? "anchored " : "") +
                              "election log (publish the election checkpoint" +
                              (anchored ? " and anchor it" : "") + " first)");
    }
    b.election_leaf_index = *leaf_index;

    // The first election checkpoint holding that leaf.
    auto checkpoints = l.checkpoints(ledger::election_log_name);
    if (!checkpoints) return checkpoints.error();
    std::uint64_t election_size = 0;
    for (const auto& [size, note] : checkpoints.value()) {
        if (size > *leaf_index && size <= b.anchored_size) {
            election_size = size;
            b.election_checkpoint = note;
            break;
        }
    }
    if (election_size == 0)
        return make_error(ErrorCode::corrupted, "no election checkpoint holds the district's leaf");
    auto election_inclusion =
        l.prove_inclusion(ledger::election_log_name, *leaf_index, election_size);
    if (!election_inclusion) return election_inclusion.error();
    b.election_inclusion = std::move(election_inclusion).value();
    auto consistency =
        l.prove_consistency(ledger::election_log_name, election_size, b.anchored_size);
    if (!consistency) return consistency.error();
    b.anchored_consistency = std::move(consistency).value();
    auto anchored_inclusion =
        l.prove_inclusion(ledger::election_log_name, *leaf_index, b.anchored_size);
    if (!anchored_inclusion) return anchored_inclusion.error();
    b.anchored_inclusion = std::move(anchored_inclusion).value();

    if (anchored) {
        for (const AnchorState& a : anchors) {
            if (a.transactions.empty() || !(a.payload == anchored->payload)) continue;
            b.anchors.push_back(bundle_anchor_of(a));
            PSEPHOS_TRY(add_spent_outputs(b.anchors.back(), anchors, funding));
        }
    }
    // A record's witnesses' cosignatures of its election checkpoint of the election log's size
    // (a ledger keeps none: its bundles stay v2).
    if constexpr (requires { l.cosigned_checkpoints(); }) {
        PSEPHOS_TRY_ASSIGN(const auto cosigned, l.cosigned_checkpoints());
        const std::uint64_t size = election.value().size;
        for (const auto& [n, note] : cosigned) {
            if (n != size) continue;
            WitnessedCheckpoint w;
            w.cosigned_checkpoint = note;
            PSEPHOS_TRY_ASSIGN(w.consistency, l.prove_consistency(ledger::election_log_name,
                                                                  b.anchored_size, size));
            PSEPHOS_TRY_ASSIGN(w.inclusion,
                               l.prove_inclusion(ledger::election_log_name, *leaf_index, size));
            b.witnessed = std::move(w);
        }
    }
    return b;
}

}  // namespace

Result<ProofBundle> make_proof_bundle_from_record(const std::filesystem::path& dir,
                                                  std::string_view code,
                                                  const std::vector<Utxo>& funding) {
    auto source = record::RecordReader::open(dir);
    if (!source) return source.error();
    auto prefix = tracking_code_prefix(code);
    if (!prefix) return prefix.error();
    auto found = source.value().find_tracking_code(prefix.value());
    if (!found) return found.error();
    return build_bundle(source.value(), found.value().first, found.value().second, funding);
}

Result<std::vector<BundleAnchor>> record_anchors(const std::filesystem::path& dir) {
    auto source = record::RecordReader::open(dir);
    if (!source) return source.error();
    std::vector<BundleAnchor> out;
    for (const AnchorState& a : source.value().anchors())
        if (!a.transactions.empty()) out.push_back(bundle_anchor_of(a));
    return out;
}

Result<ProofBundle> make_proof_bundle(const ledger::Ledger& l, std::string_view code,
                                      const std::vector<Utxo>& funding) {
    auto full = full_tracking_code(l, code);
    if (!full) return full.error();
    return build_bundle(l, full.value(), *l.casting().find_tracking_code(full.value()), funding);
}

// ---- JSON -----------------------------------------------------------------------------------

using bundle_json::FieldReader;
using bundle_json::hashes_to_json;

std::string proof_bundle_to_json(const ProofBundle& b) {
    json::array anchors;
    for (const BundleAnchor& a : b.anchors) {
        json::object o;
        o["chain"] = a.chain;
        o["kind"] = std::string(election::to_string(a.kind));
        o["network"] = a.network;
        o["payload"] = to_hex(a.payload);
        o["transaction_id"] = a.transaction_id.to_hex();
        o["sender"] = a.sender;
        o["raw_transaction"] = to_hex(a.raw_transaction);
        json::array spent;
        for (const SpentOutput& so : a.spent_outputs)
            spent.push_back(
                {{"amount_sat", so.amount_sat}, {"script_pubkey", to_hex(so.script_pubkey)}});
        o["spent_outputs"] = std::move(spent);
        o["block_number"] = a.block_number ? json::value(*a.block_number) : json::value(nullptr);
        o["block_hash"] = a.block_hash ? json::value(a.block_hash->to_hex()) : json::value(nullptr);
        o["confirmations"] = a.confirmations;
        anchors.push_back(std::move(o));
    }
    json::object out;
    out["format"] = std::string(b.witnessed ? proof_bundle_format_v3 : proof_bundle_format);
    out["election"] = {{"election_id", b.election_id}, {"base_hash", b.base_hash.to_hex()}};
    out["ballot"] = {{"tracking_code", b.tracking_code},
                     {"printed_tracking_code",
                      election::format_tracking_code(Hash32::from_hex(b.tracking_code).value())},
                     {"district", b.district_id},
                     {"state", b.challenged ? "challenged" : "cast"},
                     {"index", b.ballot_index},
                     {"record", to_base64(b.ballot_record)},
                     {"leaf_hash", crypto::hash_merkle_leaf(b.ballot_record).to_hex()}};
    out["district_log"] = {{"verifier_key", b.district_verifier},
                           {"signed_checkpoint", b.district_checkpoint},
                           {"inclusion", hashes_to_json(b.district_inclusion)}};
    out["election_log"] = {{"verifier_key", b.election_verifier},
                           {"leaf", to_base64(b.election_leaf)},
                           {"leaf_hash", crypto::hash_merkle_leaf(b.election_leaf).to_hex()},
                           {"leaf_index", b.election_leaf_index},
                           {"signed_checkpoint", b.election_checkpoint},
                           {"inclusion", hashes_to_json(b.election_inclusion)}};
    out["anchored_checkpoint"] = {{"size", b.anchored_size},
                                  {"root", b.anchored_root.to_hex()},
                                  {"consistency", hashes_to_json(b.anchored_consistency)},
                                  {"inclusion", hashes_to_json(b.anchored_inclusion)}};
    out["anchors"] = std::move(anchors);
    if (b.witnessed)
        out["witnessed_checkpoint"] = {{"cosigned_checkpoint", b.witnessed->cosigned_checkpoint},
                                       {"consistency", hashes_to_json(b.witnessed->consistency)},
                                       {"inclusion", hashes_to_json(b.witnessed->inclusion)}};
    if (b.receipt) out["receipt"] = bundle_json::receipt_evidence_to_json(*b.receipt);
    return json::serialize(out) + "\n";
}

namespace {

// An anchor's "spent_outputs": a list of {amount_sat, script_pubkey}, empty for EVM anchors.
void read_spent_outputs(FieldReader& r, BundleAnchor& a) {
    const json::array* list = r.array("spent_outputs", 64);
    if (list == nullptr) return;
    if (a.kind == ChainKind::evm && !list->empty()) {
        r.fail_at("spent_outputs", "is not empty for an EVM anchor");
        return;
    }
    for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
        FieldReader o = r.element((*list)[i], i, r.path_of("spent_outputs"));
        SpentOutput spent;
        spent.amount_sat = o.number("amount_sat");
        spent.script_pubkey = o.hex("script_pubkey");
        if (o.ok() && spent.amount_sat > max_money_sat)
            o.fail_at("amount_sat", "is above 21 M BTC");
        if (o.ok() && spent.script_pubkey.size() > 10'000)
            o.fail_at("script_pubkey", "is too long");
        if (!o.finish()) return;
        a.spent_outputs.push_back(std::move(spent));
    }
}

// One anchor of the bundle's "anchors" list, read by `r` (its problems kept there).
BundleAnchor read_anchor(FieldReader& r) {
    BundleAnchor a;
    a.chain = r.text("chain");
    const std::string kind = r.text("kind");
    if (r.ok() && kind != "evm" && kind != "bitcoin") r.fail_at("kind", "is not evm or bitcoin");
    a.kind = kind == "bitcoin" ? ChainKind::bitcoin : ChainKind::evm;
    a.network = r.text("network");
    a.payload = r.hex("payload");
    a.transaction_id = r.hash("transaction_id");
    a.sender = r.text("sender");
    a.raw_transaction = r.hex("raw_transaction");
    read_spent_outputs(r, a);
    const json::value* number = r.get("block_number");
    const json::value* hash = r.get("block_hash");
    if (number && !number->is_null()) a.block_number = r.number("block_number");
    if (hash && !hash->is_null()) a.block_hash = r.hash("block_hash");
    const std::uint64_t confirmations = r.number("confirmations");
    if (confirmations > 0xFFFFFFFFu) r.fail_at("confirmations", "is too large");
    a.confirmations = static_cast<std::uint32_t>(confirmations);
    (void)r.finish();
    return a;
}

}  // namespace

Result<ProofBundle> proof_bundle_from_json(std::string_view text) {
    if (text.size() > 16 * 1024 * 1024)
        return make_error(ErrorCode::invalid_argument, "proof bundle: larger than 16 MiB");
    auto parsed = psephos::json::parse_strict(text, "proof bundle");
    if (!parsed) return parsed.error();
    const json::value root = std::move(parsed).value();
    ProofBundle b;
    FieldReader top(root, "proof bundle");
    // v2, or v3: v2 with the witnessed checkpoint, which v3 requires and v2 must not have.
    const std::string format = top.text("format");
    const bool v3 = format == proof_bundle_format_v3;
    if (format != proof_bundle_format && !v3 && top.ok()) {
        top.fail_at("format",
                    format == "psephos-proof-bundle-v1"
                        ? "is the older 'psephos-proof-bundle-v1', which carries no spent "
                          "outputs: make the bundle again"
                        : "is neither '" + std::string(proof_bundle_format) + "' nor '" +
                              std::string(proof_bundle_format_v3) + "'");
    }
    if (top.ok() && !v3 && top.has("witnessed_checkpoint"))
        top.fail("is a v2 bundle with a 'witnessed_checkpoint' (that is v3)");

    // Each section's reader shares the bundle's first problem.
    auto section = [&](std::string_view key, auto&& read) {
        if (!top.ok()) return;
        FieldReader r = top.object(key);
        read(r);
        (void)r.finish();
    };
    section("election", [&](FieldReader& r) {
        b.election_id = r.text("election_id");
        b.base_hash = r.hash("base_hash");
    });
    std::string printed;
    Hash32 ballot_leaf;
    section("ballot", [&](FieldReader& r) {
        b.tracking_code = r.hash("tracking_code").to_hex();
        printed = r.text("printed_tracking_code");
        b.district_id = r.text("district");
        const std::string state = r.text("state");
        if (r.ok() && state != "cast" && state != "challenged")
            r.fail_at("state", "is neither 'cast' nor 'challenged'");
        b.challenged = state == "challenged";
        b.ballot_index = r.number("index");
        b.ballot_record = r.base64("record");
        ballot_leaf = r.hash("leaf_hash");
        if (r.ok() &&
            printed != election::format_tracking_code(Hash32::from_hex(b.tracking_code).value()))
            r.fail_at("printed_tracking_code", "is not the tracking code's printed form");
        if (r.ok() && !(ballot_leaf == crypto::hash_merkle_leaf(b.ballot_record)))
            r.fail_at("leaf_hash", "is not the record's leaf hash");
    });
    section("district_log", [&](FieldReader& r) {
        b.district_verifier = r.text("verifier_key");
        b.district_checkpoint = r.text("signed_checkpoint");
        b.district_inclusion = r.hashes("inclusion");
    });
    section("election_log", [&](FieldReader& r) {
        b.election_verifier = r.text("verifier_key");
        b.election_leaf = r.base64("leaf");
        const Hash32 leaf_hash = r.hash("leaf_hash");
        b.election_leaf_index = r.number("leaf_index");
        b.election_checkpoint = r.text("signed_checkpoint");
        b.election_inclusion = r.hashes("inclusion");
        if (r.ok() && !(leaf_hash == crypto::hash_merkle_leaf(b.election_leaf)))
            r.fail_at("leaf_hash", "is not the leaf's hash");
    });
    section("anchored_checkpoint", [&](FieldReader& r) {
        b.anchored_size = r.number("size");
        b.anchored_root = r.hash("root");
        b.anchored_consistency = r.hashes("consistency");
        b.anchored_inclusion = r.hashes("inclusion");
    });
    if (const json::array* anchors = top.array("anchors", 64)) {
        for (std::size_t i = 0; i < anchors->size() && top.ok(); ++i) {
            FieldReader r = top.element((*anchors)[i], i, top.path_of("anchors"));
            BundleAnchor anchor = read_anchor(r);
            if (top.ok()) b.anchors.push_back(std::move(anchor));
        }
    }
    if (v3) {
        section("witnessed_checkpoint", [&](FieldReader& r) {
            WitnessedCheckpoint w;
            w.cosigned_checkpoint = r.text("cosigned_checkpoint");
            w.consistency = r.hashes("consistency");
            w.inclusion = r.hashes("inclusion");
            if (r.ok() && w.cosigned_checkpoint.size() > 64 * 1024)
                r.fail_at("cosigned_checkpoint", "is longer than 64 KiB");
            b.witnessed = std::move(w);
        });
    }
    if (top.has("receipt") && top.ok()) {
        auto evidence = bundle_json::receipt_evidence_from_json(*top.get("receipt"));
        if (!evidence) top.adopt(evidence.error());
        if (evidence) b.receipt = std::move(evidence).value();
    }
    PSEPHOS_TRY(top.finish());
    return b;
}

// ---- Checking -------------------------------------------------------------------------------

namespace {

Status check_trusted(const BundleTrust& trust, const std::string& key_text) {
    if (trust.verifier_keys.empty()) return {};
    if (std::find(trust.verifier_keys.begin(), trust.verifier_keys.end(), key_text) ==
        trust.verifier_keys.end())
        return make_error(ErrorCode::verification_failed,
                          "verifier key '" + key_text + "' is not among the trusted keys");
    return {};
}

// P1: the ballot's record, its election and district, and its tracking code.
Status check_ballot_record(const ProofBundle& b) {
    Result<election::EncryptedBallot> ballot = Error{ErrorCode::invalid_encoding, ""};
    if (b.challenged) {
        auto c = election::decode_challenged_ballot(b.ballot_record);
        if (!c) return c.error();
        ballot = std::move(c).value().ballot;
    } else {
        ballot = election::decode_ballot(b.ballot_record);
        if (!ballot) return ballot.error();
    }
    const election::EncryptedBallot& e = ballot.value();
    if (!(e.election_base_hash == b.base_hash))
        return make_error(ErrorCode::verification_failed, "the ballot is for another election");
    if (e.district_id != b.district_id) {
        return make_error(ErrorCode::verification_failed,
                          "the ballot is for district '" + e.district_id + "'");
    }
    const Hash32 code =
        election::next_tracking_code(e.previous_tracking_code, election::compute_ballot_hash(e));
    if (code.to_hex() != b.tracking_code) {
        return make_error(ErrorCode::verification_failed,
                          "the ballot's tracking code is " + election::format_tracking_code(code));
    }
    return {};
}

// P2: the district's signed checkpoint, opened into `district`.
Status check_district_checkpoint(const ProofBundle& b, const BundleTrust& trust,
                                 Result<Checkpoint>& district) {
    auto key = NoteVerifierKey::parse(b.district_verifier);
    if (!key) return key.error();
    if (key.value().name != election::district_origin(b.election_id, b.district_id)) {
        return make_error(ErrorCode::verification_failed,
                          "the district verifier key is for '" + key.value().name + "'");
    }
    PSEPHOS_TRY(check_trusted(trust, b.district_verifier));
    district = open_checkpoint(b.district_checkpoint, key.value());
    if (!district) return district.error();
    return {};
}

// P4: the election log's leaf is that district checkpoint.
Status check_election_leaf(const ProofBundle& b) {
    auto leaf = election::decode_district_checkpoint(b.election_leaf);
    if (!leaf) return leaf.error();
    if (leaf.value().district_id != b.district_id ||
        leaf.value().signed_checkpoint != b.district_checkpoint)
        return make_error(ErrorCode::verification_failed,
                          "the election-log leaf is not the district's checkpoint");
    return {};
}

// P5: the election checkpoint, opened into `election` (which a later size check may still fail).
Status check_election_checkpoint(const ProofBundle& b, const BundleTrust& trust,
                                 Result<Checkpoint>& election) {
    auto key = NoteVerifierKey::parse(b.election_verifier);
    if (!key) return key.error();
    if (key.value().name != b.election_id + "/election") {
        return make_error(ErrorCode::verification_failed,
                          "the election verifier key is for '" + key.value().name + "'");
    }
    PSEPHOS_TRY(check_trusted(trust, b.election_verifier));
    election = open_checkpoint(b.election_checkpoint, key.value());
    if (!election) return election.error();
    if (election.value().size > b.anchored_size)
        return make_error(ErrorCode::verification_failed,
                          "the election checkpoint is larger than the anchored one");
    return {};
}

// P10: an anchor's payload is (base hash, anchored size, anchored root).
Status check_anchor_payload(const BundleAnchor& a, const AnchorPayload& expected,
                            const std::string& where) {
    auto p = election::decode_anchor_payload(a.payload);
    if (!p) return p.error().within(where);
    if (!(p.value() == expected))
        return make_error(ErrorCode::verification_failed,
                          where + ": the payload is not (base hash, anchored size, root)");
    return {};
}

// P14: the witnessed election checkpoint is the election log's (P5's key), extends the anchored
// checkpoint, holds the election leaf, and carries k of n cosignatures of the policy if one is
// given. Returns the detail to report.
Result<std::string> check_witnessed_checkpoint(const ProofBundle& b, const BundleTrust& trust) {
    if (!b.witnessed)
        return make_error(ErrorCode::verification_failed,
                          "the bundle carries no witnessed election checkpoint (a v2 bundle: the "
                          "record it was made from has no cosignatures of its last checkpoint)");
    const WitnessedCheckpoint& w = *b.witnessed;
    PSEPHOS_TRY_ASSIGN(const NoteVerifierKey key, NoteVerifierKey::parse(b.election_verifier));
    if (key.name != b.election_id + "/election")
        return make_error(ErrorCode::verification_failed,
                          "the election verifier key is for '" + key.name + "'");
    PSEPHOS_TRY(check_trusted(trust, b.election_verifier));
    auto checkpoint = open_checkpoint(w.cosigned_checkpoint, key);
    if (!checkpoint) return checkpoint.error().within("the witnessed checkpoint");
    const Checkpoint& c = checkpoint.value();
    if (c.size < b.anchored_size)
        return make_error(ErrorCode::verification_failed,
                          "the witnessed checkpoint (size " + std::to_string(c.size) +
                              ") is smaller than the anchored one (" +
                              std::to_string(b.anchored_size) + ")");
    if (auto ok = crypto::verify_consistency(b.anchored_size, c.size, b.anchored_root, c.root,
                                             w.consistency);
        !ok)
        return ok.error().within("consistency from the anchored checkpoint to the witnessed one");
    if (auto ok = crypto::verify_inclusion(crypto::hash_merkle_leaf(b.election_leaf),
                                           b.election_leaf_index, c.size, w.inclusion, c.root);
        !ok)
        return ok.error().within("the election leaf in the witnessed checkpoint");
    std::string detail = "size " + std::to_string(c.size) + ", extends the anchored size " +
                         std::to_string(b.anchored_size) + " and holds leaf " +
                         std::to_string(b.election_leaf_index);
    if (!trust.witness_policy)
        return detail + "; its cosignatures were not checked (no witness policy given)";
    auto cosigners = crypto::check_witness_policy(w.cosigned_checkpoint, *trust.witness_policy);
    if (!cosigners) return cosigners.error().within("the witnessed checkpoint");
    detail += "; cosigned by " + std::to_string(cosigners.value().size()) + " of " +
              std::to_string(trust.witness_policy->witnesses.size()) + " (quorum " +
              std::to_string(trust.witness_policy->threshold) + "):";
    for (const std::string& name : cosigners.value()) detail += " " + name;
    return detail;
}

}  // namespace

std::vector<BundleCheck> verify_proof_bundle(const ProofBundle& b, const BundleTrust& trust) {
    std::vector<BundleCheck> checks;
    auto add = [&](std::string id, std::string name, const Status& status, std::string detail) {
        checks.push_back({std::move(id), std::move(name), status.ok(),
                          status.ok() ? std::move(detail) : std::string(status.error().message)});
    };
    const Status no_district(Error{ErrorCode::verification_failed, "no district checkpoint (P2)"});
    const Status no_election(Error{ErrorCode::verification_failed, "no election checkpoint (P5)"});

    add("P1", "ballot record", check_ballot_record(b),
        std::string(b.challenged ? "challenged" : "cast") + " ballot in district '" +
            b.district_id + "', tracking code " +
            election::format_tracking_code(Hash32::from_hex(b.tracking_code).value()));

    Result<Checkpoint> district = Error{ErrorCode::verification_failed, "not checked"};
    const Status p2 = check_district_checkpoint(b, trust, district);
    add("P2", "district checkpoint", p2,
        district
            ? "size " + std::to_string(district.value().size) + ", signed by " + b.district_verifier
            : "");

    // P3: the ballot in the district log.
    const Hash32 ballot_leaf = crypto::hash_merkle_leaf(b.ballot_record);
    add("P3", "ballot in the district log",
        district ? crypto::verify_inclusion(ballot_leaf, b.ballot_index, district.value().size,
                                            b.district_inclusion, district.value().root)
                 : no_district,
        "leaf " + std::to_string(b.ballot_index) + " of " +
            (district ? std::to_string(district.value().size) : std::string("?")));

    add("P4", "district checkpoint as an election-log leaf", check_election_leaf(b),
        "leaf " + std::to_string(b.election_leaf_index));

    Result<Checkpoint> election = Error{ErrorCode::verification_failed, "not checked"};
    const Status p5 = check_election_checkpoint(b, trust, election);
    add("P5", "election checkpoint", p5,
        election ? "size " + std::to_string(election.value().size) : "");

    const Hash32 election_leaf = crypto::hash_merkle_leaf(b.election_leaf);
    // P6: the district checkpoint in the election log.
    add("P6", "district checkpoint in the election log",
        election
            ? crypto::verify_inclusion(election_leaf, b.election_leaf_index, election.value().size,
                                       b.election_inclusion, election.value().root)
            : no_election,
        "leaf " + std::to_string(b.election_leaf_index));

    // P7: the anchored election checkpoint extends that one.
    add("P7", "consistency with the anchored checkpoint",
        election ? crypto::verify_consistency(election.value().size, b.anchored_size,
                                              election.value().root, b.anchored_root,
                                              b.anchored_consistency)
                 : no_election,
        "size " + (election ? std::to_string(election.value().size) : std::string("?")) + " → " +
            std::to_string(b.anchored_size));

    // P8: the leaf directly in the anchored tree (what ElectionAnchor.verifyInclusion checks).
    add("P8", "leaf in the anchored election log",
        crypto::verify_inclusion(election_leaf, b.election_leaf_index, b.anchored_size,
                                 b.anchored_inclusion, b.anchored_root),
        "leaf " + std::to_string(b.election_leaf_index) + " of " + std::to_string(b.anchored_size));

    // P9: at least one anchor; P10: each payload; P11: each transaction.
    const AnchorPayload expected{b.base_hash, b.anchored_size, b.anchored_root};
    add("P9", "anchored",
        b.anchors.empty() ? Status(Error{ErrorCode::not_found,
                                         "the bundle carries no anchor (the root was not "
                                         "anchored when it was made)"})
                          : Status{},
        std::to_string(b.anchors.size()) + " anchor(s)");
    for (const BundleAnchor& a : b.anchors) {
        const std::string where = "chain '" + a.chain + "' (" +
                                  std::string(election::to_string(a.kind)) + " " + a.network + ")";
        add("P10", "anchor payload", check_anchor_payload(a, expected, where),
            where + ": size " + std::to_string(b.anchored_size));
        Status tx = check_anchor_transaction(a, expected);
        if (tx) tx = check_anchor_trusted(a, trust);
        add("P11", "anchor transaction", tx.ok() ? tx : Status(tx.error().within(where)),
            where + ": transaction " + a.transaction_id.to_hex() + " from " + a.sender +
                (a.block_number ? ", block " + std::to_string(*a.block_number) : ", unconfirmed"));
    }
    if (b.receipt) checks.push_back(check_receipt_evidence(b, trust));
    if (b.witnessed || trust.witness_policy) {
        auto p14 = check_witnessed_checkpoint(b, trust);
        checks.push_back({"P14", "witnessed election checkpoint", p14.ok(),
                          p14 ? std::move(p14).value() : p14.error().message});
    }
    if (trust.verifier_keys.empty()) {
        for (BundleCheck& c : checks) {
            if ((c.id == "P2" || c.id == "P5" || c.id == "P14") && c.passed)
                c.detail += " (the bundle's own key: compare it with the published record)";
        }
    }
    return checks;
}

std::vector<BundleCheck> verify_anchors_on_chain(const ProofBundle& b, const std::string& rpc_url,
                                                 const std::string& trusted_certificates) {
    return verify_anchors_on_chain(b, std::vector<ChainEndpoint>{{rpc_url, trusted_certificates}});
}

std::vector<BundleCheck> verify_anchors_on_chain(const ProofBundle& b,
                                                 const std::vector<ChainEndpoint>& endpoints) {
    std::vector<BundleCheck> checks;
    if (endpoints.empty()) {
        checks.push_back({"P12", "anchor on chain", false, "no endpoint to ask"});
        return checks;
    }
    // One client per endpoint, each with the chain id it serves (asked once).
    std::vector<std::unique_ptr<EvmClient>> clients;
    std::vector<Result<std::uint64_t>> chain_ids;
    for (const ChainEndpoint& e : endpoints) {
        auto endpoint = RpcEndpoint::parse(e.rpc_url);
        if (!endpoint) {
            checks.push_back({"P12", "anchor on chain", false, endpoint.error().message});
            return checks;
        }
        JsonRpcClient rpc(endpoint.value());
        if (!e.trusted_certificates.empty()) rpc.use_trusted_certificates(e.trusted_certificates);
        clients.push_back(std::make_unique<EvmClient>(std::move(rpc)));
        chain_ids.push_back(clients.back()->chain_id());
    }
    for (const BundleAnchor& a : b.anchors) {
        const std::string where = "chain '" + a.chain + "'";
        if (a.kind != ChainKind::evm) continue;  // looked up on a Bitcoin node, not here
        std::optional<EvmInclusion> first;
        std::uint64_t depth = 0;
        Status s = [&]() -> Status {
            // With several endpoints, a failure names the one that failed.
            auto fail = [&](std::size_t k, const Error& e) {
                return clients.size() > 1 ? Status(e.within(endpoints[k].rpc_url)) : Status(e);
            };
            for (std::size_t k = 0; k < clients.size(); ++k) {
                if (!chain_ids[k]) return fail(k, chain_ids[k].error());
                if (std::to_string(chain_ids[k].value()) != a.network)
                    return fail(k, make_error(ErrorCode::invalid_argument,
                                              "the endpoint serves chain id " +
                                                  std::to_string(chain_ids[k].value()) + ", not " +
                                                  a.network));
            }
            auto decoded = decode_signed_transaction(a.raw_transaction);
            if (!decoded) return decoded.error();
            if (decoded.value().hash != a.transaction_id)
                return make_error(ErrorCode::verification_failed,
                                  "the anchor's transaction id is not its transaction's hash");
            for (std::size_t k = 0; k < clients.size(); ++k) {
                auto report = look_up_evm_inclusion(*clients[k], a.raw_transaction);
                if (!report) return fail(k, report.error());
                if (!report.value())
                    return fail(k, make_error(ErrorCode::not_found,
                                              "the chain does not report transaction " +
                                                  a.transaction_id.to_hex() + " mined"));
                if (!report.value()->succeeded)
                    return fail(
                        k, make_error(ErrorCode::verification_failed, "the transaction reverted"));
                if (!first) {
                    first = report.value();
                    depth = first->confirmations;
                    continue;
                }
                if (auto same = check_same_inclusion(*first, *report.value()); !same)
                    return make_error(ErrorCode::verification_failed,
                                      "the endpoints disagree (" + endpoints[0].rpc_url +
                                          " against " + endpoints[k].rpc_url +
                                          "): " + same.error().message);
                depth = std::min(depth, report.value()->confirmations);
            }
            return {};
        }();
        std::string detail = where + ": transaction " + a.transaction_id.to_hex();
        if (s.ok() && first) {
            detail += " in block " + std::to_string(first->block_number) + ", " +
                      std::to_string(depth) + " confirmation(s)";
            if (clients.size() > 1)
                detail += ", the same on " + std::to_string(clients.size()) + " endpoints";
        }
        checks.push_back(
            {"P12", "anchor on chain", s.ok(), s.ok() ? detail : where + ": " + s.error().message});
    }
    if (checks.empty())
        checks.push_back({"P12", "anchor on chain", false, "the bundle carries no EVM anchor"});
    return checks;
}

}  // namespace psephos::bridge

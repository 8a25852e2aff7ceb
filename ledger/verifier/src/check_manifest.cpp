// V4–V10 (docs/election-record.md §5): manifest.bin decoded and re-encoded from manifest.json,
// the base and ceremony hashes, the guardians' commitments and proofs, the joint key, and the
// list of logs against the manifest.
#include <algorithm>
#include <set>

#include "psephos/crypto/schnorr_proof.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

namespace {

Bytes encode_localized(const json::object& o, std::string_view text_key,
                       std::string_view translations_key, std::string& error) {
    Bytes out;
    auto append = [&](const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
    const json::value* t = o.if_contains(text_key);
    if (!t || !t->is_string()) error = std::string(text_key) + " is not a string";
    append(text_field(t && t->is_string() ? std::string_view(t->get_string()) : ""));
    std::vector<std::pair<std::string, std::string>> tr;
    if (const json::value* x = o.if_contains(translations_key)) {
        if (!x->is_object()) {
            error = std::string(translations_key) + " is not an object";
        } else {
            for (const auto& kv : x->get_object())
                tr.emplace_back(std::string(kv.key()), as_string(kv.value()));
        }
    }
    std::sort(tr.begin(), tr.end());
    append_u32_be(out, static_cast<std::uint32_t>(tr.size()));
    for (const auto& [lang, text] : tr) {
        append(text_field(lang));
        append(text_field(text));
    }
    return out;
}

// docs/election-record.md §3.7: manifest.json field for field in the encoding of §3.
std::string encode_manifest_json(const json::value& j, Bytes& out) {
    std::string error;
    auto append = [&](const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
    auto str = [&](const json::value& v, const char* k) {
        const json::value* x = v.is_object() ? v.get_object().if_contains(k) : nullptr;
        if (!x || !x->is_string()) {
            if (error.empty()) error = std::string(k) + " is missing or not a string";
            return std::string();
        }
        return std::string(x->get_string());
    };
    auto arr = [&](const json::value& v, const char* k) -> const json::array& {
        static const json::array empty;
        const json::value* x = v.is_object() ? v.get_object().if_contains(k) : nullptr;
        if (!x || !x->is_array()) {
            if (error.empty()) error = std::string(k) + " is missing or not an array";
            return empty;
        }
        return x->get_array();
    };
    auto num = [&](const json::value& v, const char* k) -> std::uint32_t {
        const json::value* x = v.is_object() ? v.get_object().if_contains(k) : nullptr;
        const auto n = x ? as_u64(*x) : std::nullopt;
        if (!n || *n > 0xFFFFFFFFULL) {
            if (error.empty()) error = std::string(k) + " is missing or not a number";
            return 0;
        }
        return static_cast<std::uint32_t>(*n);
    };
    auto b64 = [&](const json::value& v) {
        auto b = from_base64(v.is_string() ? std::string_view(v.get_string()) : "");
        if (!b) {
            if (error.empty()) error = "a key or proof is not base64";
            return Bytes();
        }
        return b.value();
    };
    if (!j.is_object()) return "not an object";
    if (str(j, "format") != "psephos-election-manifest-v1") return "format";
    out = {0x01, 0x01};
    append(text_field(str(j, "election_id")));
    append(text_field(str(j, "name")));
    append(text_field(str(j, "start_date")));
    append(text_field(str(j, "end_date")));
    const auto& districts = arr(j, "districts");
    append_u32_be(out, static_cast<std::uint32_t>(districts.size()));
    for (const auto& d : districts) {
        append(text_field(str(d, "id")));
        append(text_field(str(d, "name")));
    }
    const auto& contests = arr(j, "contests");
    append_u32_be(out, static_cast<std::uint32_t>(contests.size()));
    for (const auto& c : contests) {
        append(text_field(str(c, "id")));
        if (!c.is_object()) return "a contest is not an object";
        append(encode_localized(c.get_object(), "title", "title_translations", error));
        const std::string kind = str(c, "kind");
        out.push_back(kind == "candidate" ? 1 : kind == "ballot_measure" ? 2 : 0);
        append_u32_be(out, num(c, "vote_for"));
        const auto& options = arr(c, "options");
        append_u32_be(out, static_cast<std::uint32_t>(options.size()));
        for (const auto& o : options) {
            append(text_field(str(o, "id")));
            if (!o.is_object()) return "an option is not an object";
            append(encode_localized(o.get_object(), "label", "label_translations", error));
        }
    }
    const auto& styles = arr(j, "ballot_styles");
    append_u32_be(out, static_cast<std::uint32_t>(styles.size()));
    for (const auto& s : styles) {
        append(text_field(str(s, "id")));
        for (const char* k : {"districts", "contests"}) {
            const auto& list = arr(s, k);
            append_u32_be(out, static_cast<std::uint32_t>(list.size()));
            for (const auto& x : list) append(text_field(as_string(x)));
        }
    }
    const json::value* g = j.get_object().if_contains("guardians");
    if (!g) return "guardians missing";
    append_u32_be(out, num(*g, "count"));
    append_u32_be(out, num(*g, "threshold"));
    // The optional "polls" member (docs/election-manifest.md): version 2, one byte.
    if (const json::value* polls = j.get_object().if_contains("polls")) {
        const std::uint32_t people = num(*polls, "close_requires");
        if (people < 1 || people > 2) return "polls.close_requires is not 1 or 2";
        out[1] = 0x02;
        out.push_back(static_cast<std::uint8_t>(people));
    }
    const json::value* ceremony = j.get_object().if_contains("ceremony");
    if (!ceremony || !ceremony->is_object()) return "ceremony missing";
    out.push_back(0x01);
    append(b64(ceremony->get_object().contains("joint_key") ? ceremony->at("joint_key")
                                                            : json::value()));
    const auto& guardians = arr(*ceremony, "guardians");
    append_u32_be(out, static_cast<std::uint32_t>(guardians.size()));
    for (const auto& gd : guardians) {
        append_u32_be(out, num(gd, "index"));
        append(b64(gd.is_object() && gd.get_object().contains("identity_key")
                       ? gd.at("identity_key")
                       : json::value()));
        const auto& commitments = arr(gd, "commitments");
        const auto& proofs = arr(gd, "proofs");
        if (commitments.size() != proofs.size()) return "commitments and proofs differ in number";
        append_u32_be(out, static_cast<std::uint32_t>(commitments.size()));
        for (std::size_t i = 0; i < commitments.size(); ++i) {
            append(b64(commitments[i]));
            append(b64(proofs[i]));
        }
    }
    return error;
}

// The structural rules of docs/election-manifest.md the checks depend on.
std::string check_manifest_rules(const DecodedManifest& m) {
    auto unique = [](std::vector<std::string> ids) {
        std::sort(ids.begin(), ids.end());
        return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
    };
    std::vector<std::string> ids;
    for (const auto& d : m.districts) ids.push_back(d.first);
    if (!unique(ids)) return "district ids repeat";
    ids.clear();
    for (const auto& c : m.contests) {
        ids.push_back(c.id);
        std::vector<std::string> options;
        for (const auto& o : c.options) options.push_back(o.first);
        if (!unique(options)) return "contest '" + c.id + "': option ids repeat";
        if (c.kind == 2) {
            std::sort(options.begin(), options.end());
            if (options != std::vector<std::string>{"no", "yes"} || c.vote_for != 1)
                return "contest '" + c.id + "': a ballot measure has options yes and no";
        }
    }
    if (!unique(ids)) return "contest ids repeat";
    ids.clear();
    std::vector<std::string> listed;
    std::set<std::string> used_contests;
    std::set<std::string> contests;
    for (const auto& c : m.contests) contests.insert(c.id);
    for (const auto& s : m.styles) {
        ids.push_back(s.id);
        listed.insert(listed.end(), s.districts.begin(), s.districts.end());
        for (const auto& c : s.contests) {
            if (!contests.count(c))
                return "ballot style '" + s.id + "': unknown contest '" + c + "'";
            used_contests.insert(c);
        }
    }
    if (!unique(ids)) return "ballot style ids repeat";
    std::vector<std::string> districts;
    for (const auto& d : m.districts) districts.push_back(d.first);
    std::sort(listed.begin(), listed.end());
    std::sort(districts.begin(), districts.end());
    if (listed != districts) return "each district must be in exactly one ballot style";
    if (used_contests != contests) return "every contest must be on a ballot style";
    if (m.threshold < 1 || m.threshold > m.guardian_count || m.guardian_count > 255)
        return "guardian count and threshold";
    return {};
}

}  // namespace

bool Verifier::check_manifest() {
    Outcome &v4 = out(4), &v5 = out(5), &v6 = out(6);
    std::string bin_error;
    auto bin = read_file(dir_, "manifest.bin", max_manifest_file_bytes, bin_error);
    if (!bin) {
        v4.fail(bin_error);
        return false;
    }
    election_.manifest_bin = std::move(*bin);
    v4.count();
    auto manifest = decode_manifest(election_.manifest_bin);
    if (!manifest) {
        v4.fail("manifest.bin: " + manifest.error().message);
        return false;
    }
    election_.manifest = std::move(*manifest);
    if (const std::string rules = check_manifest_rules(election_.manifest); !rules.empty())
        v4.fail("manifest.bin: " + rules);
    std::string json_error;
    auto j = read_json(dir_, "manifest.json", max_manifest_file_bytes, json_error);
    if (!j) {
        v4.fail(json_error);
    } else {
        Bytes encoded;
        const std::string e = encode_manifest_json(*j, encoded);
        if (!e.empty()) {
            v4.fail("manifest.json: " + e);
        } else if (encoded != election_.manifest_bin) {
            v4.fail("manifest.json does not encode to manifest.bin");
        }
    }
    const json::object& r = record_.get_object();
    if (as_string(r.at("election_id")) != election_.manifest.election_id)
        v4.fail("record.json: election_id is not the manifest's");
    if (as_u64(r.at("guardian_count")) != election_.manifest.guardian_count)
        v4.fail("record.json: guardian_count is not the manifest's");
    if (as_u64(r.at("threshold")) != election_.manifest.threshold)
        v4.fail("record.json: threshold is not the manifest's");
    for (const auto& s : election_.manifest.styles)
        for (const auto& d : s.districts) election_.style_of.emplace(d, &s);
    for (const auto& c : election_.manifest.contests) election_.contest_of.emplace(c.id, &c);

    election_.base_hash = domain_hash("psephos/v1/election-base-hash", election_.manifest_bin);
    v5.count();
    if (hex(election_.base_hash) != as_string(r.at("base_hash")))
        v5.fail("record.json: base_hash is not manifest.bin's (" + hex(election_.base_hash) + ")");

    const std::size_t n = election_.manifest.guardian_count, k = election_.manifest.threshold;
    v6.count();
    if (election_.manifest.ceremony_offset + 37 + n * (40 + 96 * k) !=
        election_.manifest_bin.size())
        v6.fail("manifest.bin: the ceremony is not the last 36 + n(40 + 96k) bytes");
    Bytes m0(election_.manifest_bin.begin(),
             election_.manifest_bin.begin() +
                 static_cast<std::ptrdiff_t>(election_.manifest.ceremony_offset));
    m0.push_back(0x00);
    election_.ceremony_hash = domain_hash("psephos/v1/ceremony-hash", m0);
    if (hex(election_.ceremony_hash) != as_string(r.at("ceremony_hash")))
        v6.fail("record.json: ceremony_hash is not manifest.bin's (" +
                hex(election_.ceremony_hash) + ")");
    return true;
}

void Verifier::check_ceremony() {
    Outcome &v7 = out(7), &v8 = out(8), &v9 = out(9);
    const std::uint32_t n = election_.manifest.guardian_count, k = election_.manifest.threshold;
    std::vector<std::uint32_t> indices;
    std::set<std::array<std::uint8_t, 32>> keys;
    for (const auto& g : election_.manifest.guardians) {
        v7.count();
        indices.push_back(g.index);
        if (!keys.insert(g.identity_key.bytes).second)
            v7.fail("guardian " + std::to_string(g.index) + ": identity key repeats");
        if (g.commitments.size() != k)
            v7.fail("guardian " + std::to_string(g.index) + ": " +
                    std::to_string(g.commitments.size()) + " commitments, threshold " +
                    std::to_string(k));
        election_.guardian_keys[g.index] = g.identity_key;
    }
    std::sort(indices.begin(), indices.end());
    std::vector<std::uint32_t> expected(n);
    for (std::uint32_t i = 0; i < n; ++i) expected[i] = i + 1;
    if (indices != expected) v7.fail("ceremony: guardian indices are not 1 … " + std::to_string(n));
    if (to_hex(election_.manifest.joint_key.bytes()) != as_string(record_.at("joint_key")))
        v7.fail("record.json: joint_key is not the manifest's");

    for (const auto& g : election_.manifest.guardians) {
        for (std::size_t j = 0; j < g.commitments.size(); ++j) {
            const auto& c = g.commitments[j];
            Bytes context = u32be(g.index);
            append_u32_be(context, static_cast<std::uint32_t>(j));
            v8.count();
            if (!crypto::verify_knowledge_of_secret(election_.ceremony_hash, context, c.key,
                                                    {c.challenge, c.response}))
                v8.fail("guardian " + std::to_string(g.index) + " coefficient " +
                        std::to_string(j) + ": Schnorr proof does not verify");
        }
    }

    Point total;
    for (const auto& g : election_.manifest.guardians)
        if (!g.commitments.empty()) total = total + g.commitments[0].key;
    v9.count();
    if (!(total == election_.manifest.joint_key)) v9.fail("joint key: not the sum of the K_{i,0}");
    if (total.is_identity()) v9.fail("joint key: the identity");

    // Public shares K_ℓ = Σ_i Σ_j ℓ^j·K_{i,j} (§4.10), for V24.
    for (std::uint32_t l = 1; l <= n; ++l) {
        Point share;
        for (const auto& g : election_.manifest.guardians) {
            Scalar power = Scalar::from_uint64(1);
            for (const auto& c : g.commitments) {
                share = share + power * c.key;
                power = power * Scalar::from_uint64(l);
            }
        }
        election_.public_shares[l] = share;
    }
}

bool Verifier::check_log_list() {
    Outcome& v10 = out(10);
    const std::string& eid = election_.manifest.election_id;
    std::vector<std::array<std::string, 3>> expected;
    for (const auto& d : election_.manifest.districts)
        expected.push_back({d.first, eid + "/district/" + d.first, "districts/" + d.first});
    expected.push_back({"/election", eid + "/election", "election"});
    expected.push_back({"/events", eid + "/events", "events"});
    const json::array& logs = record_.at("logs").get_array();
    // The bridge log is there only if the ledger anchored something (§3.4).
    if (logs.size() == expected.size() + 1)
        expected.push_back({"/bridge", eid + "/bridge", "bridge"});
    if (logs.size() != expected.size()) {
        v10.fail("record.json: " + std::to_string(logs.size()) + " logs, expected " +
                 std::to_string(expected.size()));
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < logs.size(); ++i) {
        const json::value& l = logs[i];
        LogInfo info;
        info.name = as_string(l.at("name"));
        info.origin = as_string(l.at("origin"));
        info.directory = as_string(l.at("directory"));
        info.size = as_u64(l.at("size")).value_or(0);
        info.root_hex = as_string(l.at("root"));
        info.is_district = i < election_.manifest.districts.size();
        v10.count();
        if (info.name != expected[i][0] || info.origin != expected[i][1] ||
            info.directory != expected[i][2]) {
            v10.fail("logs[" + std::to_string(i) + "]: name, origin or directory is not '" +
                     expected[i][0] + "', '" + expected[i][1] + "', '" + expected[i][2] + "'");
            ok = false;
        }
        auto key = parse_verifier_key(as_string(l.at("verifier_key")));
        if (!key) {
            v10.fail("log " + info.name + ": " + key.error().message);
        } else if (key->name != info.origin) {
            v10.fail("log " + info.name + ": verifier key name is not the log's origin");
        } else {
            info.key = std::move(*key);
        }
        logs_.push_back(std::move(info));
    }
    for (const std::string& trusted : options_.trusted_verifier_keys) {
        const std::size_t plus = trusted.find('+');
        const std::string origin = trusted.substr(0, plus);
        const auto it = std::find_if(logs.begin(), logs.end(), [&](const json::value& l) {
            return as_string(l.at("origin")) == origin;
        });
        v10.count();
        if (it == logs.end()) {
            v10.fail("trusted verifier key '" + trusted + "': no log of that origin");
        } else if (as_string(it->at("verifier_key")) != trusted) {
            v10.fail("log " + as_string(it->at("name")) +
                     ": verifier_key is not the trusted verifier key");
        }
    }
    return ok;
}

}  // namespace psephos::verifier::detail

namespace psephos::verifier::detail {

// V29: authority.bin is the election authority's approval of this election — its base hash, its
// signature under its key — and, with a trust anchor (VerifyOptions::trusted_authority_key), the
// key is the one the authority published. Its key then checks every registration (V30).
void Verifier::check_authority() {
    Outcome& v29 = out(29);
    v29.count();
    std::string error;
    const auto bytes = read_file(dir_, "authority.bin", max_authority_bytes, error);
    if (!bytes) {
        v29.fail(error);
        return;
    }
    auto approval = decode_approval(*bytes);
    if (!approval) {
        v29.fail("authority.bin: " + approval.error().message);
        return;
    }
    if (!(approval->base_hash == election_.base_hash)) {
        v29.fail("authority.bin: approves base hash " + hex(approval->base_hash) +
                 ", not this election's");
        return;
    }
    constexpr std::string_view label = "psephos/v1/election-approval";
    Bytes message(label.begin(), label.end());
    message.push_back(0);
    message.insert(message.end(), election_.base_hash.bytes.begin(),
                   election_.base_hash.bytes.end());
    if (!crypto::verify_signature(approval->authority_key, message, approval->signature)) {
        v29.fail("authority.bin: the approval's signature does not verify under its key");
        return;
    }
    const std::string key_text = "ed25519:" + to_hex(approval->authority_key.span());
    if (!options_.trusted_authority_key.empty() && options_.trusted_authority_key != key_text) {
        v29.fail("authority.bin: approved by " + key_text + ", not by the trusted authority " +
                 options_.trusted_authority_key);
        return;
    }
    election_.authority_key = approval->authority_key;
}

}  // namespace psephos::verifier::detail

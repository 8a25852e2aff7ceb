// V4–V10 (docs/election-record.md §5): manifest.bin decoded and re-encoded from manifest.json,
// the base and ceremony hashes, the guardians' commitments and proofs, the joint key, and the
// list of logs against the manifest.
#include <algorithm>
#include <set>

#include "psephos/crypto/schnorr_proof.hpp"
#include "psephos/json/strict_json.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

namespace {

constexpr std::size_t max_listed = max_manifest_file_bytes;  // the file's size bounds the lists

// A text and its optional translations (language → text), in the encoding's order.
Bytes encode_localized(FieldReader& r, std::string_view text_key,
                       std::string_view translations_key) {
    Bytes out;
    auto append = [&](const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
    append(text_field(r.text(text_key)));
    std::vector<std::pair<std::string, std::string>> tr;
    if (const json::value* x = r.get_optional(translations_key)) {
        if (!x->is_object()) {
            r.fail_at(translations_key,
                      "expected an object, got " + psephos::json::describe_kind(*x));
        } else {
            for (const auto& kv : x->get_object()) {
                if (!kv.value().is_string())
                    r.fail_at(translations_key, psephos::json::quote_member_name(kv.key()) +
                                                    ": expected a string, got " +
                                                    psephos::json::describe_kind(kv.value()));
                else
                    tr.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
            }
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

// A member that is a whole number below 2^32.
std::uint32_t read_u32(FieldReader& r, std::string_view name) {
    const std::uint64_t n = r.number(name);
    if (n > 0xFFFFFFFFULL) {
        r.fail_at(name, "expected a number below 2^32");
        return 0;
    }
    return static_cast<std::uint32_t>(n);
}

// A list of strings, each as `decode` makes it (nullopt: not what `expected` says).
template <class Decode>
void read_strings(FieldReader& r, std::string_view name, std::string_view expected,
                  const Decode& decode) {
    const json::array* list = r.array(name, max_listed);
    for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
        const json::value& x = (*list)[i];
        if (!x.is_string() || !decode(std::string_view(x.get_string()))) {
            r.fail_at(std::string(name) + "[" + std::to_string(i) + "]",
                      "expected " + std::string(expected));
            return;
        }
    }
}

// A list's size as the encoding's u32 count.
void append_count(Bytes& out, const json::array* list) {
    append_u32_be(out, static_cast<std::uint32_t>(list ? list->size() : 0));
}

// docs/election-record.md §3.7: manifest.json field for field in the encoding of §3; its
// members are exactly those docs/election-manifest.md names (the manifest's own reader's).
// The first problem, "manifest.json: <JSON path>: <reason>", or an empty string.
std::string encode_manifest_json(const json::value& j, Bytes& out) {
    auto append = [&](const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
    FieldReader m(j, "manifest.json");
    if (m.ok() && m.text("format") != "psephos-election-manifest-v1" && m.ok())
        m.fail_at("format", "expected \"psephos-election-manifest-v1\"");
    out = {0x01, 0x01};
    for (const char* k : {"election_id", "name", "start_date", "end_date"})
        append(text_field(m.text(k)));
    const json::array* districts = m.array("districts", max_listed);
    append_count(out, districts);
    for (std::size_t i = 0; districts != nullptr && i < districts->size(); ++i) {
        FieldReader d = m.element((*districts)[i], i, m.path_of("districts"));
        append(text_field(d.text("id")));
        append(text_field(d.text("name")));
        if (!d.finish()) break;
    }
    const json::array* contests = m.array("contests", max_listed);
    append_count(out, contests);
    for (std::size_t i = 0; contests != nullptr && i < contests->size(); ++i) {
        FieldReader c = m.element((*contests)[i], i, m.path_of("contests"));
        append(text_field(c.text("id")));
        append(encode_localized(c, "title", "title_translations"));
        const std::string kind = c.text("kind");
        out.push_back(kind == "candidate" ? 1 : kind == "ballot_measure" ? 2 : 0);
        append_u32_be(out, read_u32(c, "vote_for"));
        const json::array* options = c.array("options", max_listed);
        append_count(out, options);
        for (std::size_t k = 0; options != nullptr && k < options->size(); ++k) {
            FieldReader o = c.element((*options)[k], k, c.path_of("options"));
            append(text_field(o.text("id")));
            append(encode_localized(o, "label", "label_translations"));
            if (!o.finish()) break;
        }
        if (!c.finish()) break;
    }
    const json::array* styles = m.array("ballot_styles", max_listed);
    append_count(out, styles);
    for (std::size_t i = 0; styles != nullptr && i < styles->size(); ++i) {
        FieldReader s = m.element((*styles)[i], i, m.path_of("ballot_styles"));
        append(text_field(s.text("id")));
        for (const char* k : {"districts", "contests"}) {
            const json::array* list = s.array(k, max_listed);
            read_strings(s, k, "a string", [](std::string_view) { return true; });
            append_count(out, list);
            for (std::size_t x = 0; list != nullptr && x < list->size(); ++x)
                if ((*list)[x].is_string())
                    append(text_field(std::string_view((*list)[x].get_string())));
        }
        if (!s.finish()) break;
    }
    FieldReader g = m.object("guardians");
    append_u32_be(out, read_u32(g, "count"));
    append_u32_be(out, read_u32(g, "threshold"));
    (void)g.finish();
    // The optional "polls" member (docs/election-manifest.md §4.1): version 2, one byte.
    if (m.has("polls")) {
        FieldReader polls = m.object("polls");
        const std::uint64_t people = polls.number("close_requires");
        if (polls.ok() && (people < 1 || people > 2))
            polls.fail_at("close_requires", "expected 1 or 2 people");
        (void)polls.finish();
        out[1] = 0x02;
        out.push_back(static_cast<std::uint8_t>(people));
    }
    FieldReader ceremony = m.object("ceremony");
    out.push_back(0x01);
    append(ceremony.base64("joint_key"));
    const json::array* guardians = ceremony.array("guardians", max_listed);
    append_count(out, guardians);
    for (std::size_t i = 0; guardians != nullptr && i < guardians->size(); ++i) {
        FieldReader gd = ceremony.element((*guardians)[i], i, ceremony.path_of("guardians"));
        append_u32_be(out, read_u32(gd, "index"));
        append(gd.base64("identity_key"));
        const auto is_base64 = [](std::string_view t) { return from_base64(t).ok(); };
        read_strings(gd, "commitments", "canonical base64", is_base64);
        read_strings(gd, "proofs", "canonical base64", is_base64);
        if (!gd.finish()) break;
        const json::array& commitments = gd.get("commitments")->get_array();
        const json::array& proofs = gd.get("proofs")->get_array();
        if (commitments.size() != proofs.size()) {
            gd.fail("commitments and proofs differ in number");
            break;
        }
        append_u32_be(out, static_cast<std::uint32_t>(commitments.size()));
        for (std::size_t k = 0; k < commitments.size(); ++k) {
            append(from_base64(std::string_view(commitments[k].get_string())).value());
            append(from_base64(std::string_view(proofs[k].get_string())).value());
        }
    }
    (void)ceremony.finish();
    const Status read = m.finish();
    return read ? std::string() : read.error().message;
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
            v4.fail(e);
        } else if (encoded != election_.manifest_bin) {
            v4.fail("manifest.json does not encode to manifest.bin");
        }
    }
    if (record_.election_id != election_.manifest.election_id)
        v4.fail("record.json: election_id is not the manifest's");
    if (record_.guardian_count != election_.manifest.guardian_count)
        v4.fail("record.json: guardian_count is not the manifest's");
    if (record_.threshold != election_.manifest.threshold)
        v4.fail("record.json: threshold is not the manifest's");
    for (const auto& s : election_.manifest.styles)
        for (const auto& d : s.districts) election_.style_of.emplace(d, &s);
    for (const auto& c : election_.manifest.contests) election_.contest_of.emplace(c.id, &c);

    election_.base_hash = domain_hash("psephos/v1/election-base-hash", election_.manifest_bin);
    v5.count();
    if (hex(election_.base_hash) != record_.base_hash_hex)
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
    if (hex(election_.ceremony_hash) != record_.ceremony_hash_hex)
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
    if (to_hex(election_.manifest.joint_key.bytes()) != record_.joint_key_hex)
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
    const std::vector<RecordIndexLog>& logs = record_.logs;
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
        const RecordIndexLog& l = logs[i];
        LogInfo info;
        info.name = l.name;
        info.origin = l.origin;
        info.directory = l.directory;
        info.size = l.size;
        info.root_hex = l.root_hex;
        info.is_district = i < election_.manifest.districts.size();
        v10.count();
        if (info.name != expected[i][0] || info.origin != expected[i][1] ||
            info.directory != expected[i][2]) {
            v10.fail("logs[" + std::to_string(i) + "]: name, origin or directory is not '" +
                     expected[i][0] + "', '" + expected[i][1] + "', '" + expected[i][2] + "'");
            ok = false;
        }
        auto key = parse_verifier_key(l.verifier_key);
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
        const auto it = std::find_if(logs.begin(), logs.end(),
                                     [&](const RecordIndexLog& l) { return l.origin == origin; });
        v10.count();
        if (it == logs.end()) {
            v10.fail("trusted verifier key '" + trusted + "': no log of that origin");
        } else if (it->verifier_key != trusted) {
            v10.fail("log " + it->name + ": verifier_key is not the trusted verifier key");
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

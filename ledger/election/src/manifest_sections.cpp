// The manifest reader's sections (manifest_reader.hpp): districts, contests, ballot styles and
// their coverage, guardians, and the key ceremony's record.
#include <algorithm>
#include <set>

#include "manifest_reader.hpp"
#include "psephos/crypto/challenge_response.hpp"
#include "psephos/crypto/range_proof.hpp"

namespace psephos::election::manifest_detail {

void ManifestReader::read_districts(const Node& node, ElectionManifest& out) {
    const std::string path = "districts";
    auto entries = read_array(node, path, max_districts, false);
    if (!entries) return;
    districts_read_ = true;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const std::string at = element_path(path, i);
        Seen& seen = districts_.emplace_back(Seen{std::nullopt, at});
        auto m = read_object((*entries)[i], at, {{"id", true}, {"name", true}});
        if (!m) continue;
        District district;
        bool ok = true;
        if (const Node* id = (*m)["id"]) {
            if (id->kind == Kind::string && !id->too_long) seen.id = doc_.text_of(*id);
            auto s = read_id(*id, at + ".id");
            if (s && !ids.insert(*s).second) {
                report(at + ".id", "duplicate id " + quote(*s));
                s.reset();
            }
            if (s) district.id = std::move(*s);
            ok = ok && s.has_value();
        } else {
            ok = false;
        }
        if (const Node* name = (*m)["name"]) {
            auto s = read_text(*name, at + ".name");
            if (s) district.name = std::move(*s);
            ok = ok && s.has_value();
        } else {
            ok = false;
        }
        if (ok) out.districts.push_back(std::move(district));
    }
}

std::optional<Contest> ManifestReader::read_contest(const Node& node, const std::string& at,
                                                    Seen& seen) {
    auto m = read_object(node, at,
                         {{"id", true},
                          {"title", true},
                          {"title_translations", false},
                          {"kind", true},
                          {"vote_for", true},
                          {"options", true}});
    if (!m) return std::nullopt;
    Contest contest;
    bool ok = true;
    if (const Node* id = (*m)["id"]) {
        if (id->kind == Kind::string && !id->too_long) seen.id = doc_.text_of(*id);
        auto s = read_id(*id, at + ".id");
        if (s) contest.id = std::move(*s);
        ok = ok && s.has_value();
    } else {
        ok = false;
    }
    auto title = read_localized((*m)["title"], (*m)["title_translations"], at + ".title",
                                at + ".title_translations");
    if (title) contest.title = std::move(*title);
    ok = ok && title.has_value();

    std::optional<ContestKind> kind;
    if (const Node* k = (*m)["kind"]) {
        auto s = read_string(*k, at + ".kind");
        if (s && *s == "candidate") {
            kind = ContestKind::candidate;
        } else if (s && *s == "ballot_measure") {
            kind = ContestKind::ballot_measure;
        } else if (s) {
            report(at + ".kind",
                   quote(*s) + " is not a contest kind (\"candidate\" or \"ballot_measure\")");
        }
    }
    if (kind) contest.kind = *kind;
    ok = ok && kind.has_value();

    // Options first: vote_for is checked against their number.
    bool options_ok = false;
    if (const Node* options = (*m)["options"]) {
        const std::string path = at + ".options";
        if (auto entries = read_array(*options, path, max_options_per_contest, false)) {
            options_ok = true;
            std::set<std::string> ids;
            for (std::size_t i = 0; i < entries->size(); ++i) {
                const std::string oat = element_path(path, i);
                auto om =
                    read_object((*entries)[i], oat,
                                {{"id", true}, {"label", true}, {"label_translations", false}});
                if (!om) {
                    options_ok = false;
                    continue;
                }
                ContestOption option;
                bool option_ok = true;
                if (const Node* id = (*om)["id"]) {
                    auto s = read_id(*id, oat + ".id");
                    if (s && !ids.insert(*s).second) {
                        report(oat + ".id", "duplicate id " + quote(*s));
                        s.reset();
                    }
                    if (s) option.id = std::move(*s);
                    option_ok = option_ok && s.has_value();
                } else {
                    option_ok = false;
                }
                auto label = read_localized((*om)["label"], (*om)["label_translations"],
                                            oat + ".label", oat + ".label_translations");
                if (label) option.label = std::move(*label);
                option_ok = option_ok && label.has_value();
                if (option_ok) contest.options.push_back(std::move(option));
                options_ok = options_ok && option_ok;
            }
            if (options_ok && kind == ContestKind::ballot_measure) {
                const auto& o = contest.options;
                const bool yes_no = o.size() == 2 && ((o[0].id == "yes" && o[1].id == "no") ||
                                                      (o[0].id == "no" && o[1].id == "yes"));
                if (!yes_no) {
                    report(path, "a ballot measure has exactly two options, \"yes\" and \"no\"");
                    options_ok = false;
                }
            }
        }
    }
    ok = ok && options_ok;

    if (const Node* vote_for = (*m)["vote_for"]) {
        const std::string path = at + ".vote_for";
        std::int64_t max = crypto::max_range_limit;
        std::string max_description = "the limit of " + std::to_string(max);
        if (options_ok && contest.options.size() < crypto::max_range_limit) {
            max = static_cast<std::int64_t>(contest.options.size());
            max_description = "the " + plural(contest.options.size(), "option", "options");
        }
        auto n = read_integer(*vote_for, path, 1, max, max_description);
        if (n && kind == ContestKind::ballot_measure && *n != 1) {
            report(path, "a ballot measure has vote_for 1, got " + std::to_string(*n));
            n.reset();
        }
        if (n) contest.vote_for = static_cast<std::uint32_t>(*n);
        ok = ok && n.has_value();
    } else {
        ok = false;
    }
    if (!ok) return std::nullopt;
    return contest;
}

void ManifestReader::read_contests(const Node& node, ElectionManifest& out) {
    const std::string path = "contests";
    auto entries = read_array(node, path, max_contests, false);
    if (!entries) return;
    contests_read_ = true;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const std::string at = element_path(path, i);
        Seen& seen = contests_.emplace_back(Seen{std::nullopt, at});
        auto contest = read_contest((*entries)[i], at, seen);
        if (contest && !ids.insert(contest->id).second) {
            report(at + ".id", "duplicate id " + quote(contest->id));
            contest.reset();
        } else if (!contest && seen.id && is_id(*seen.id) && !ids.insert(*seen.id).second) {
            // The contest is wrong elsewhere; its id still must be unique.
            report(at + ".id", "duplicate id " + quote(*seen.id));
        }
        if (contest) out.contests.push_back(std::move(*contest));
    }
}

void ManifestReader::read_ballot_styles(const Node& node, ElectionManifest& out) {
    const std::string path = "ballot_styles";
    auto entries = read_array(node, path, max_ballot_styles, false);
    if (!entries) return;
    // Ids as written, valid or not, so that a reference to a malformed id is reported once, at
    // the id, and not again as unknown.
    std::set<std::string> district_ids, contest_ids;
    for (const Seen& d : districts_) {
        if (d.id) district_ids.insert(*d.id);
    }
    for (const Seen& c : contests_) {
        if (c.id) contest_ids.insert(*c.id);
    }

    style_districts_complete_ = districts_read_;
    style_contests_complete_ = contests_read_;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const std::string at = element_path(path, i);
        StyleSeen& seen = styles_.emplace_back(StyleSeen{at, {}, {}});
        auto m =
            read_object((*entries)[i], at, {{"id", true}, {"districts", true}, {"contests", true}});
        if (!m) {
            style_districts_complete_ = style_contests_complete_ = false;
            continue;
        }
        BallotStyle style;
        bool ok = true;
        if (const Node* id = (*m)["id"]) {
            auto s = read_id(*id, at + ".id");
            if (s && !ids.insert(*s).second) {
                report(at + ".id", "duplicate id " + quote(*s));
                s.reset();
            }
            if (s) {
                seen.name = quote(*s);
                style.id = std::move(*s);
            }
            ok = ok && s.has_value();
        } else {
            ok = false;
        }

        // The two lists have the same shape: ids of known things, each at most once.
        auto read_list = [&](const char* field, std::size_t max_entries,
                             const std::set<std::string>& known, bool known_complete,
                             const char* what, std::vector<std::string>& seen_ids,
                             std::vector<std::string>& result) {
            const Node* list = (*m)[field];
            if (list == nullptr) return false;
            const std::string lpath = at + "." + field;
            auto items = read_array(*list, lpath, max_entries, false);
            if (!items) return false;
            bool list_ok = true;
            std::set<std::string> listed;
            for (std::size_t j = 0; j < items->size(); ++j) {
                auto s = read_id((*items)[j], element_path(lpath, j));
                if (!s) {
                    list_ok = false;
                    continue;
                }
                if (!listed.insert(*s).second) {
                    report(lpath, std::string("lists ") + what + " " + quote(*s) + " twice");
                    list_ok = false;
                    continue;
                }
                seen_ids.push_back(*s);
                if (known_complete && known.count(*s) == 0) {
                    report(lpath, std::string("unknown ") + what + " " + quote(*s));
                    list_ok = false;
                    continue;
                }
                result.push_back(std::move(*s));
            }
            return list_ok;
        };
        const bool districts_ok =
            read_list("districts", max_districts, district_ids, districts_read_, "district",
                      seen.districts, style.districts);
        const bool contests_ok =
            read_list("contests", max_contests_per_style, contest_ids, contests_read_, "contest",
                      seen.contests, style.contests);
        const Node* dl = (*m)["districts"];
        const Node* cl = (*m)["contests"];
        if (dl == nullptr || dl->kind != Kind::array || dl->child_count > max_districts) {
            style_districts_complete_ = false;
        }
        if (cl == nullptr || cl->kind != Kind::array || cl->child_count > max_contests_per_style) {
            style_contests_complete_ = false;
        }
        if (districts_ok && contests_ok && ok) out.ballot_styles.push_back(std::move(style));
    }
}

// Every district on exactly one ballot style, every contest on at least one.
void ManifestReader::check_coverage() {
    if (style_districts_complete_) {
        std::map<std::string, std::vector<std::string>> styles_of;
        for (const StyleSeen& s : styles_) {
            for (const auto& d : s.districts) styles_of[d].push_back(s.name);
        }
        for (const Seen& d : districts_) {
            if (!d.id || !is_id(*d.id)) continue;
            const auto it = styles_of.find(*d.id);
            if (it == styles_of.end()) {
                report(d.path, "no ballot style lists this district");
            } else if (it->second.size() > 1) {
                report(d.path + ".id", "listed in ballot styles " + join_names(it->second));
                it->second.clear();  // once, should the id also be duplicated
            }
        }
    }
    if (style_contests_complete_) {
        std::set<std::string> used;
        for (const StyleSeen& s : styles_) used.insert(s.contests.begin(), s.contests.end());
        for (const Seen& c : contests_) {
            if (c.id && is_id(*c.id) && used.count(*c.id) == 0) {
                report(c.path, "no ballot style lists this contest");
            }
        }
    }
}

void ManifestReader::read_guardians(const Node& node, ElectionManifest& out) {
    auto m = read_object(node, "guardians", {{"count", true}, {"threshold", true}});
    if (!m) return;
    std::optional<std::int64_t> count, threshold;
    if (const Node* c = (*m)["count"]) {
        count = read_integer(*c, "guardians.count", 1, max_guardians,
                             "the limit of " + std::to_string(max_guardians));
    }
    if (const Node* t = (*m)["threshold"]) {
        std::int64_t max = max_guardians;
        std::string max_description = "the limit of " + std::to_string(max_guardians);
        if (count) {
            max = *count;
            max_description =
                "the " + plural(static_cast<std::size_t>(*count), "guardian", "guardians");
        }
        threshold = read_integer(*t, "guardians.threshold", 1, max, max_description);
    }
    if (count && threshold) {
        out.guardian_count = static_cast<std::uint32_t>(*count);
        out.threshold = static_cast<std::uint32_t>(*threshold);
        guardians_valid_ = true;
    }
}

// "polls": {"close_requires": 1 or 2}. Present, every member is required: an empty object would
// change the encoding (version 2) while saying nothing.
std::optional<PollsRules> ManifestReader::read_polls(const Node& node) {
    auto m = read_object(node, "polls", {{"close_requires", true}});
    if (!m) return std::nullopt;
    const Node* n = (*m)["close_requires"];
    if (n == nullptr) return std::nullopt;
    auto people = read_integer(*n, "polls.close_requires", 1, max_close_requires,
                               "the limit of " + std::to_string(max_close_requires) + " people");
    if (!people) return std::nullopt;
    return PollsRules{static_cast<std::uint32_t>(*people)};
}

std::optional<GuardianRecord> ManifestReader::read_ceremony_guardian(const Node& entry,
                                                                     std::size_t i,
                                                                     const ElectionManifest& out,
                                                                     CeremonyEntries& seen) {
    const std::string at = element_path(seen.path, i);
    auto gm = read_object(
        entry, at,
        {{"index", true}, {"identity_key", true}, {"commitments", true}, {"proofs", true}});
    if (!gm) return std::nullopt;
    GuardianRecord guardian;
    bool guardian_ok = true;
    if (const Node* idx = (*gm)["index"]) {
        auto n = read_integer(*idx, at + ".index", 1, seen.max_index, seen.max_index_description);
        if (n && !seen.index_at.emplace(*n, i).second) {
            report(at + ".index", "duplicate index " + std::to_string(*n));
            n.reset();
        }
        if (n) guardian.index = static_cast<std::uint32_t>(*n);
        guardian_ok = guardian_ok && n.has_value();
    } else {
        guardian_ok = false;
    }
    guardian.commitments.guardian_index = guardian.index;

    if (const Node* key = (*gm)["identity_key"]) {
        const std::string kpath = at + ".identity_key";
        auto bytes = read_base64(*key, kpath, crypto::Ed25519PublicKey::size);
        bool key_ok = false;
        if (bytes) {
            auto pk = crypto::Ed25519PublicKey::from_bytes(*bytes);
            if (!pk.ok()) {
                report(kpath, "not an Ed25519 public key: " + pk.error().message);
            } else {
                const auto same =
                    std::find_if(seen.identity_keys.begin(), seen.identity_keys.end(),
                                 [&](const auto& e) { return e.first == pk.value(); });
                if (same != seen.identity_keys.end()) {
                    report(kpath, "the same key as " + element_path(seen.path, same->second));
                } else {
                    seen.identity_keys.emplace_back(pk.value(), i);
                    guardian.identity_key = pk.value();
                    key_ok = true;
                }
            }
        }
        guardian_ok = guardian_ok && key_ok;
    } else {
        guardian_ok = false;
    }

    // Exactly `threshold` of each: one commitment per polynomial coefficient, one proof each.
    auto read_list = [&](const char* field, const char* what, auto&& decode) {
        const Node* list = (*gm)[field];
        if (list == nullptr) return false;
        const std::string lpath = at + "." + field;
        auto items = read_array(*list, lpath, max_guardians, false);
        if (!items) return false;
        bool list_ok = true;
        if (guardians_valid_ && items->size() != out.threshold) {
            report(lpath, plural(items->size(), what, std::string(what) + "s") +
                              ", expected guardians.threshold " + std::to_string(out.threshold));
            list_ok = false;
        }
        for (std::size_t j = 0; j < items->size(); ++j) {
            list_ok = decode((*items)[j], element_path(lpath, j)) && list_ok;
        }
        return list_ok;
    };
    const bool commitments_ok =
        read_list("commitments", "commitment", [&](const Node& item, const std::string& p) {
            auto bytes = read_base64(item, p, crypto::Point::size);
            if (!bytes) return false;
            auto point = crypto::Point::from_bytes(*bytes);
            if (!point.ok()) {
                report(p, "not a group element: " + point.error().message);
                return false;
            }
            guardian.commitments.commitments.push_back(point.value());
            return true;
        });
    const bool proofs_ok =
        read_list("proofs", "proof", [&](const Node& item, const std::string& p) {
            auto bytes = read_base64(item, p, crypto::ChallengeResponse::size);
            if (!bytes) return false;
            auto proof = crypto::ChallengeResponse::from_bytes(*bytes);
            if (!proof.ok()) {
                report(p, "not a proof (c ‖ v): " + proof.error().message);
                return false;
            }
            guardian.commitments.proofs.push_back(proof.value());
            return true;
        });
    guardian_ok = guardian_ok && commitments_ok && proofs_ok;
    if (!guardian_ok) return std::nullopt;
    return guardian;
}

std::optional<CeremonyRecord> ManifestReader::read_ceremony(const Node& node,
                                                            const ElectionManifest& out) {
    const std::string path = "ceremony";
    auto m = read_object(node, path, {{"joint_key", true}, {"guardians", true}});
    if (!m) return std::nullopt;
    CeremonyRecord record;
    bool ok = true;

    std::optional<crypto::Point> joint_key;
    if (const Node* k = (*m)["joint_key"]) {
        if (auto bytes = read_base64(*k, path + ".joint_key", crypto::Point::size)) {
            auto point = crypto::Point::from_bytes(*bytes);
            if (!point.ok()) {
                report(path + ".joint_key", "not a group element: " + point.error().message);
            } else if (point.value().is_identity()) {
                report(path + ".joint_key", "is the identity element");
            } else {
                joint_key = point.value();
            }
        }
    }
    ok = ok && joint_key.has_value();

    const Node* guardians = (*m)["guardians"];
    if (guardians == nullptr) return std::nullopt;
    const std::string gpath = path + ".guardians";
    auto entries = read_array(*guardians, gpath, max_guardians, false);
    if (!entries) return std::nullopt;
    if (guardians_valid_ && entries->size() != out.guardian_count) {
        report(gpath, plural(entries->size(), "entry", "entries") + ", expected guardians.count " +
                          std::to_string(out.guardian_count));
        ok = false;
    }
    CeremonyEntries seen;
    seen.path = gpath;
    seen.max_index = guardians_valid_ ? out.guardian_count : max_guardians;
    seen.max_index_description = guardians_valid_
                                     ? "guardians.count " + std::to_string(out.guardian_count)
                                     : "the limit of " + std::to_string(max_guardians);
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto guardian = read_ceremony_guardian((*entries)[i], i, out, seen);
        if (guardian) {
            record.guardians.push_back(std::move(*guardian));
        } else {
            ok = false;
        }
    }
    if (guardians_valid_) {
        for (std::uint32_t index = 1; index <= out.guardian_count; ++index) {
            if (seen.index_at.count(index) == 0) {
                report(gpath, "no entry for guardian " + std::to_string(index));
                ok = false;
            }
        }
    }
    if (!ok || !guardians_valid_) return std::nullopt;

    std::vector<crypto::CoefficientCommitments> all;
    all.reserve(record.guardians.size());
    for (const auto& g : record.guardians) all.push_back(g.commitments);
    if (crypto::compute_joint_public_key(all) != *joint_key) {
        report(path + ".joint_key",
               "is not the sum of the guardians' first commitments (K = Σ K_i,0)");
        return std::nullopt;
    }
    record.joint_key = *joint_key;
    return record;
}

}  // namespace psephos::election::manifest_detail

// V17–V25 (docs/election-record.md §5): one district's log, record by record.
#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_set>

#include "psephos/crypto/equal_discrete_logs_proof.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

namespace {

// Counts a district's tasks still queued or running.
class Pending {
public:
    void add() {
        std::lock_guard lock(mutex_);
        ++count_;
    }
    void done() {
        std::lock_guard lock(mutex_);
        if (--count_ == 0) zero_.notify_all();
    }
    void wait() {
        std::unique_lock lock(mutex_);
        zero_.wait(lock, [&] { return count_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable zero_;
    std::size_t count_ = 0;
};

// What a district's set of ballot ids seen so far keeps of each id: the first 16 bytes of its
// SHA-256, a fixed 16 bytes a ballot whatever the ids' length (the only state of the verifier that
// grows with the number of ballots). Two different ids with one digest (~2^-128 a pair) could
// only report a repeat that is not there, never hide one.
using IdDigest = std::array<std::uint8_t, 16>;
struct IdDigestHash {
    std::size_t operator()(const IdDigest& d) const noexcept {
        std::size_t h = 0;
        std::memcpy(&h, d.data(), sizeof h);
        return h;
    }
};
IdDigest id_digest(std::string_view id) {
    const Hash32 h = sha256_of(as_bytes(id));
    IdDigest d;
    std::copy_n(h.bytes.begin(), d.size(), d.begin());
    return d;
}

Bytes proof_context(std::string_view ballot, std::string_view contest, std::string_view option) {
    Bytes out = text_field(ballot);
    const Bytes c = text_field(contest), o = text_field(option);
    out.insert(out.end(), c.begin(), c.end());
    out.insert(out.end(), o.begin(), o.end());
    return out;
}

template <class T>
bool same_shape(const PerOption<T>& a,
                const std::vector<std::pair<std::string, std::vector<std::string>>>& shape) {
    if (a.size() != shape.size()) return false;
    for (std::size_t c = 0; c < a.size(); ++c) {
        if (a[c].first != shape[c].first || a[c].second.size() != shape[c].second.size())
            return false;
        for (std::size_t o = 0; o < a[c].second.size(); ++o)
            if (a[c].second[o].first != shape[c].second[o]) return false;
    }
    return true;
}

enum class Polls { not_opened, open, paused, closed };

const char* polls_name(Polls p) {
    switch (p) {
        case Polls::not_opened:
            return "not opened";
        case Polls::open:
            return "open";
        case Polls::paused:
            return "paused";
        case Polls::closed:
            return "closed";
    }
    return "?";
}

struct Device {
    crypto::Ed25519PublicKey key;
    Hash32 last_code;
};

// The expensive part of one ballot (V19's proofs, V20, V22), run on the work queue.
struct BallotWork {
    Bytes record;
    DecodedBallot ballot;
    std::vector<std::vector<Opening>> openings;
    bool challenged = false;
    bool check_proofs = false;
    std::vector<std::uint32_t> vote_for;  // per contest, when check_proofs
    std::optional<crypto::Ed25519PublicKey> key;
    std::string at;  // "record 12 (ballot 'v3')"
};

void verify_ballot_work(const BallotWork& w, const Hash32& base_hash, const Point& joint_key,
                        Outcome& v19, Outcome& v20, Outcome& v22) {
    const DecodedBallot& b = w.ballot;
    if (w.check_proofs) {
        for (std::size_t c = 0; c < b.contests.size(); ++c) {
            const DecodedContest& contest = b.contests[c];
            Ciphertext sum;
            for (const DecodedSelection& s : contest.selections) {
                sum = crypto::add_ciphertexts(sum, s.ciphertext);
                if (!crypto::verify_range(base_hash, proof_context(b.ballot_id, contest.id, s.id),
                                          s.ciphertext, joint_key, 1, s.proof))
                    v19.fail(w.at + ": contest '" + contest.id + "' option '" + s.id +
                             "': 0/1 proof does not verify");
            }
            if (contest.count_proof.challenges.size() != std::size_t{w.vote_for[c]} + 1) {
                v19.fail(w.at + ": contest '" + contest.id + "': count proof limit " +
                         std::to_string(contest.count_proof.challenges.size() - 1) + ", vote_for " +
                         std::to_string(w.vote_for[c]));
            } else if (!crypto::verify_range(base_hash, proof_context(b.ballot_id, contest.id, ""),
                                             sum, joint_key, w.vote_for[c], contest.count_proof)) {
                v19.fail(w.at + ": contest '" + contest.id + "': count proof does not verify");
            }
        }
    }
    if (w.key) {
        const ByteSpan body = ByteSpan(w.record).subspan(b.body_offset, b.body_size);
        if (!crypto::verify_signature(*w.key, body, b.signature))
            v20.fail(w.at + ": device signature does not verify");
    }
    if (w.challenged) {
        for (std::size_t c = 0; c < b.contests.size() && c < w.openings.size(); ++c) {
            for (std::size_t s = 0; s < b.contests[c].selections.size() && s < w.openings[c].size();
                 ++s) {
                const DecodedSelection& sel = b.contests[c].selections[s];
                const Opening& o = w.openings[c][s];
                const std::string where =
                    w.at + ": contest '" + b.contests[c].id + "' option '" + sel.id + "'";
                if (!(Point::multiply_base(o.nonce) == sel.ciphertext.alpha)) {
                    v22.fail(where + ": alpha is not nonce·G");
                    continue;
                }
                const Point m = sel.ciphertext.beta - o.nonce * joint_key;
                if (!(m == (o.mark ? Point::generator() : Point::identity())))
                    v22.fail(where + ": does not open to its revealed mark");
            }
        }
    }
}

// A cast ballot as a challenged one without openings, so that both take one path.
Result<DecodedChallenged> decode_any_ballot(bool challenged, ByteSpan frame) {
    if (challenged) return decode_challenged(frame);
    PSEPHOS_TRY_ASSIGN(DecodedBallot ballot, decode_ballot(frame));
    return DecodedChallenged{std::move(ballot), {}};
}

}  // namespace

void Verifier::read_district(std::size_t index, Outcome& v11, Outcome& v12) {
    LogInfo& log = logs_[index];
    const std::string& id = log.name;
    DistrictSummary& summary = districts_[index];
    Outcome &v17 = out(17, id), &v18 = out(18, id), &v19 = out(19, id), &v20 = out(20, id),
            &v21 = out(21, id), &v22 = out(22, id), &v23 = out(23, id), &v24 = out(24, id),
            &v25 = out(25, id);
    auto skip_dependents = [&](const std::string& why) {
        for (Outcome* o : {&v18, &v19, &v20, &v21, &v22, &v23, &v24, &v25}) o->skip(why);
    };
    FrameReader frames(dir_ / log.directory / "records.bin");
    if (!frames.opened()) {
        v11.fail(id + ": records.bin cannot be read");
        v17.skip("records.bin cannot be read");
        skip_dependents("records.bin cannot be read");
        return;
    }
    const auto style_it = election_.style_of.find(id);
    const ManifestStyle* style = style_it == election_.style_of.end() ? nullptr : style_it->second;
    // The shape of the district's tallies: its style's contests with the manifest's options.
    std::vector<std::pair<std::string, std::vector<std::string>>> shape;
    std::vector<std::uint32_t> vote_for;
    if (style) {
        for (const auto& c : style->contests) {
            const auto found = election_.contest_of.find(c);
            if (found == election_.contest_of.end()) continue;
            const ManifestContest* contest = found->second;
            std::vector<std::string> options;
            for (const auto& o : contest->options) options.push_back(o.first);
            shape.emplace_back(c, std::move(options));
            vote_for.push_back(contest->vote_for);
        }
    }
    std::vector<std::vector<Ciphertext>> sums(shape.size());
    for (std::size_t c = 0; c < shape.size(); ++c) sums[c].resize(shape[c].second.size());

    Polls polls = Polls::not_opened;
    bool tallied = false, has_result = false, decoded_all = true;
    std::map<std::string, Device> devices;
    std::unordered_set<IdDigest, IdDigestHash> ballot_ids;
    std::uint64_t cast = 0, challenged = 0;
    std::optional<DecodedTally> tally;
    std::map<std::uint32_t, PerOption<DecodedShare>> decryptions;
    Pending pending;
    RootBuilder tree;
    Bytes frame;
    std::string error;
    bool framed = true;

    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v11.fail(id + ": records.bin: " + error);
            framed = false;
            break;
        }
        const std::uint64_t i = tree.size();
        const Hash32 leaf = leaf_hash(frame);
        const std::uint8_t type = frame.empty() ? 0 : frame[0];
        std::string at = "record " + std::to_string(i);
        v17.count();
        auto undecodable = [&](const std::string& e) {
            v17.fail(at + ": " + e);
            decoded_all = false;
        };
        auto names_district = [&](const std::string& d) {
            if (d != id) v17.fail(at + ": names district '" + d + "'");
        };
        if (type == 0x02 || type == 0x03) {
            auto work = std::make_shared<BallotWork>();
            work->challenged = type == 0x03;
            auto decoded = decode_any_ballot(type == 0x03, frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                work->ballot = std::move(decoded->ballot);
                work->openings = std::move(decoded->openings);
                const DecodedBallot& b = work->ballot;
                at += " (ballot '" + b.ballot_id + "')";
                work->at = at;
                names_district(b.district_id);
                v18.count();
                if (polls != Polls::open)
                    v18.fail(at + ": a ballot while polls are " + polls_name(polls));
                const auto device = devices.find(b.device_id);
                if (device == devices.end())
                    v18.fail(at + ": device '" + b.device_id + "' is not registered");
                if (!ballot_ids.insert(id_digest(b.ballot_id)).second)
                    v18.fail(at + ": ballot id repeats");
                (type == 0x02 ? cast : challenged) += 1;
                // V19's structure here; its proofs on the queue.
                v19.count();
                bool structure = true;
                if (!(b.base_hash == election_.base_hash)) {
                    v19.fail(at + ": election_base_hash is not the base hash");
                    structure = false;
                }
                if (!style || b.style_id != style->id) {
                    v19.fail(at + ": ballot style '" + b.style_id + "' is not the district's");
                    structure = false;
                }
                if (structure && b.contests.size() != shape.size()) structure = false;
                for (std::size_t c = 0; structure && c < shape.size(); ++c) {
                    if (b.contests[c].id != shape[c].first ||
                        b.contests[c].selections.size() != shape[c].second.size()) {
                        structure = false;
                        break;
                    }
                    for (std::size_t o = 0; o < shape[c].second.size(); ++o)
                        if (b.contests[c].selections[o].id != shape[c].second[o]) structure = false;
                }
                if (!structure && style && b.base_hash == election_.base_hash &&
                    b.style_id == style->id)
                    v19.fail(at + ": contests or options are not the style's, in order");
                work->check_proofs = structure;
                work->vote_for = vote_for;
                if (structure && type == 0x02) {
                    for (std::size_t c = 0; c < shape.size(); ++c)
                        for (std::size_t o = 0; o < shape[c].second.size(); ++o)
                            sums[c][o] = crypto::add_ciphertexts(
                                sums[c][o], b.contests[c].selections[o].ciphertext);
                }
                // V20: the key of the device's registration; V21: its chain.
                v20.count();
                v21.count();
                const Hash32 ballot_hash =
                    sha256_of(ByteSpan(frame).subspan(b.body_offset, b.body_size));
                const Hash32 code = next_tracking_code(b.previous, ballot_hash);
                if (device == devices.end()) {
                    v20.fail(at + ": no registration of device '" + b.device_id + "' before it");
                    v21.fail(at + ": no registration of device '" + b.device_id + "' before it");
                } else {
                    work->key = device->second.key;
                    if (!(b.previous == device->second.last_code))
                        v21.fail(at + ": does not chain to its device's last tracking code");
                    device->second.last_code = code;
                }
                if (type == 0x03) {
                    v22.count();
                    json::array contests;
                    for (std::size_t c = 0; c < b.contests.size(); ++c) {
                        json::array chosen;
                        for (std::size_t s = 0; s < b.contests[c].selections.size(); ++s)
                            if (c < work->openings.size() && s < work->openings[c].size() &&
                                work->openings[c][s].mark == 1)
                                chosen.emplace_back(b.contests[c].selections[s].id);
                        contests.push_back(json::object{{"contest_id", b.contests[c].id},
                                                        {"selections", std::move(chosen)}});
                    }
                    summary.challenged_entries.push_back(
                        json::object{{"district_id", id},
                                     {"log_index", static_cast<std::int64_t>(i)},
                                     {"ballot_id", b.ballot_id},
                                     {"device_id", b.device_id},
                                     {"ballot_style_id", b.style_id},
                                     {"timestamp", static_cast<std::int64_t>(b.timestamp)},
                                     {"ballot_hash", hex(ballot_hash)},
                                     {"tracking_code", display_tracking_code(code)},
                                     {"tracking_code_hex", hex(code)},
                                     {"contests", std::move(contests)}});
                }
                work->record = std::move(frame);
                frame = Bytes();
                pending.add();
                queue_->push([work, this, &pending, &v19, &v20, &v22] {
                    verify_ballot_work(*work, election_.base_hash, election_.manifest.joint_key,
                                       v19, v20, v22);
                    pending.done();
                });
            }
        } else if (type == 0x07) {
            const auto decoded = decode_registration(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                const DecodedRegistration& reg = *decoded;
                names_district(reg.district_id);
                v18.count();
                if (polls == Polls::closed) v18.fail(at + ": device registration after the close");
                if (devices.count(reg.device_id)) {
                    v18.fail(at + ": device '" + reg.device_id + "' registered again");
                } else {
                    devices[reg.device_id] = {
                        reg.key, tracking_code_seed(election_.base_hash, reg.device_id)};
                }
            }
        } else if (type >= 0x08 && type <= 0x0B) {
            const auto decoded = decode_polls(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                const DecodedPolls& p = *decoded;
                names_district(p.district_id);
                v18.count();
                static constexpr const char* names[] = {"polls opened", "polls paused",
                                                        "polls resumed", "polls closed"};
                const char* what = names[type - 0x08];
                const bool allowed =
                    (type == 0x08 && polls == Polls::not_opened) ||
                    (type == 0x09 && polls == Polls::open) ||
                    (type == 0x0A && polls == Polls::paused) ||
                    (type == 0x0B && (polls == Polls::open || polls == Polls::paused));
                if (!allowed) v18.fail(at + ": " + what + " while polls are " + polls_name(polls));
                if (type != 0x08 && (p.cast != cast || p.challenged != challenged))
                    v18.fail(at + ": " + what + " with counts " + std::to_string(p.cast) + "/" +
                             std::to_string(p.challenged) + ", the log has " +
                             std::to_string(cast) + "/" + std::to_string(challenged));
                polls = type == 0x08 || type == 0x0A ? Polls::open
                        : type == 0x09               ? Polls::paused
                                                     : Polls::closed;
            }
        } else if (type == 0x0E) {
            auto decoded = decode_tally(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                DecodedTally& t = *decoded;
                at = "tally (record " + std::to_string(i) + ")";
                names_district(t.district_id);
                v18.count();
                if (polls != Polls::closed || tallied)
                    v18.fail(at + ": a tally while polls are " + polls_name(polls) +
                             (tallied ? ", already tallied" : ""));
                tallied = true;
                v23.count();
                if (t.log_size != i) v23.fail(at + ": log_size " + std::to_string(t.log_size));
                if (!(t.log_root == tree.root()))
                    v23.fail(at + ": log_root is not the root of the records before it");
                if (!log.checkpoints.count(i))
                    v23.fail(at + ": no checkpoint of size " + std::to_string(i));
                if (!style || t.style_id != style->id)
                    v23.fail(at + ": ballot style '" + t.style_id + "' is not the district's");
                if (t.counted != cast || t.challenged != challenged)
                    v23.fail(at + ": counts " + std::to_string(t.counted) + "/" +
                             std::to_string(t.challenged) + ", the log has " +
                             std::to_string(cast) + "/" + std::to_string(challenged));
                if (!same_shape(t.sums, shape)) {
                    v23.fail(at + ": contests or options are not the style's, in order");
                } else {
                    for (std::size_t c = 0; c < shape.size(); ++c)
                        for (std::size_t o = 0; o < shape[c].second.size(); ++o)
                            if (!(t.sums[c].second[o].second == sums[c][o]))
                                v23.fail(at + ": contest '" + shape[c].first + "' option '" +
                                         shape[c].second[o] +
                                         "': sum is not the sum of the cast ballots");
                }
                summary.tally_index = i;
                summary.tally_hash = leaf;
                summary.counted = t.counted;
                summary.challenged = t.challenged;
                tally = std::move(t);
            }
        } else if (type == 0x0F) {
            auto decoded = decode_decryption(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                DecodedDecryption& dec = *decoded;
                at += " (guardian " + std::to_string(dec.guardian) + ")";
                names_district(dec.district_id);
                v18.count();
                if (!tallied || has_result || decryptions.count(dec.guardian))
                    v18.fail(at + ": a tally decryption " +
                             (!tallied     ? "before the tally"
                              : has_result ? "after the result"
                                           : "by a guardian that decrypted already"));
                v24.count();
                const auto key = election_.guardian_keys.find(dec.guardian);
                if (key == election_.guardian_keys.end()) {
                    v24.fail(at + ": no such guardian");
                } else if (!crypto::verify_signature(
                               key->second, ByteSpan(frame).first(dec.body_size), dec.signature)) {
                    v24.fail(at + ": signature does not verify");
                }
                if (!tally) {
                    v24.fail(at + ": no tally before it");
                } else {
                    if (!(dec.tally_hash == summary.tally_hash))
                        v24.fail(at + ": tally_hash is not the tally's leaf hash");
                    if (!same_shape(dec.shares, shape) || !same_shape(tally->sums, shape)) {
                        v24.fail(at + ": contests or options are not the tally's, in order");
                    } else if (key != election_.guardian_keys.end()) {
                        const Point& share = election_.public_shares.at(dec.guardian);
                        for (std::size_t c = 0; c < shape.size(); ++c)
                            for (std::size_t o = 0; o < shape[c].second.size(); ++o) {
                                const DecodedShare& s = dec.shares[c].second[o].second;
                                if (!crypto::verify_equal_discrete_logs(
                                        election_.base_hash, u32be(dec.guardian), share,
                                        tally->sums[c].second[o].second.alpha, s.partial,
                                        {s.challenge, s.response}))
                                    v24.fail(at + ": contest '" + shape[c].first + "' option '" +
                                             shape[c].second[o] +
                                             "': decryption proof does not verify");
                            }
                    }
                }
                if (!decryptions.count(dec.guardian))
                    decryptions.emplace(dec.guardian, std::move(dec.shares));
            }
        } else if (type == 0x10) {
            auto decoded = decode_result(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                DecodedResult& res = *decoded;
                at = "result (record " + std::to_string(i) + ")";
                names_district(res.district_id);
                v18.count();
                if (!tallied || has_result)
                    v18.fail(at + (!tallied ? ": a result before the tally" : ": a second result"));
                has_result = true;
                v25.count();
                bool usable = static_cast<bool>(tally);
                if (!tally) v25.fail(at + ": no tally before it");
                if (tally && !(res.tally_hash == summary.tally_hash))
                    v25.fail(at + ": tally_hash is not the tally's leaf hash");
                if (res.guardians.size() < election_.manifest.threshold)
                    v25.fail(at + ": " + std::to_string(res.guardians.size()) +
                             " guardians, fewer than the threshold");
                for (const std::uint32_t g : res.guardians)
                    if (!decryptions.count(g) || !same_shape(decryptions.at(g), shape)) {
                        v25.fail(at + ": guardian " + std::to_string(g) +
                                 " has no usable decryption before it");
                        usable = false;
                    }
                if (!same_shape(res.counts, shape) || (tally && !same_shape(tally->sums, shape))) {
                    v25.fail(at + ": contests or options are not the tally's, in order");
                    usable = false;
                }
                if (usable) {
                    // w_ℓ = Π_{j≠ℓ} j·(j − ℓ)⁻¹ (§4.10).
                    std::vector<Scalar> w;
                    for (const std::uint32_t l : res.guardians) {
                        Scalar num = Scalar::from_uint64(1), den = Scalar::from_uint64(1);
                        for (const std::uint32_t j : res.guardians) {
                            if (j == l) continue;
                            num = num * Scalar::from_uint64(j);
                            den = den * (Scalar::from_uint64(j) - Scalar::from_uint64(l));
                        }
                        w.push_back(num * den.invert().value());
                    }
                    for (std::size_t c = 0; c < shape.size(); ++c)
                        for (std::size_t o = 0; o < shape[c].second.size(); ++o) {
                            Point combined;
                            for (std::size_t q = 0; q < res.guardians.size(); ++q)
                                combined = combined + w[q] * decryptions.at(res.guardians[q])[c]
                                                                 .second[o]
                                                                 .second.partial;
                            const std::uint64_t count = res.counts[c].second[o].second;
                            const Point decrypted = tally->sums[c].second[o].second.beta - combined;
                            if (!(decrypted == Point::multiply_base(Scalar::from_uint64(count))))
                                v25.fail(at + ": contest '" + shape[c].first + "' option '" +
                                         shape[c].second[o] + "': count " + std::to_string(count) +
                                         " is not the decryption of the tally");
                        }
                }
                summary.result_index = i;
                summary.guardians = res.guardians;
                summary.counts = std::move(res.counts);
            }
        } else {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "0x%02x", type);
            undecodable(std::string("record type ") + buffer +
                        " does not belong in a district log");
        }
        tree.append(leaf);
        v11.count();
        if (auto it = log.checkpoints.find(tree.size()); it != log.checkpoints.end()) {
            if (!(it->second.root == tree.root()))
                v12.fail(id + ": checkpoint " + std::to_string(tree.size()) +
                         ": root is not the root of the first " + std::to_string(tree.size()) +
                         " records");
        }
        if (tree.size() % 256 == 0) {
            if (options_.progress) options_.progress(id, tree.size(), log.size);
            if (stop_requested()) break;
        }
    }
    pending.wait();
    finish_log_checks(log, tree, framed, v11, v12);
    if (options_.progress) options_.progress(id, tree.size(), log.size);
    if (!framed) {
        v17.skip("records.bin does not parse into frames (V11)");
        skip_dependents("records.bin does not parse into frames (V11)");
    } else if (!decoded_all) {
        skip_dependents("a record of the district does not decode (V17)");
    }
    summary.complete = framed && decoded_all;
}

}  // namespace psephos::verifier::detail

// V17–V25 (docs/election-record.md §5): one district's log, record by record.
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <unordered_set>

#include "ballot_work.hpp"
#include "psephos/crypto/ciphertext_sum.hpp"
#include "psephos/crypto/public_proofs.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

namespace {

// What the election authority signs to authorise a device (docs/encoding.md §12).
constexpr std::string_view authorisation_label = "psephos/v1/device-authorisation";
constexpr std::string_view deauthorisation_label = "psephos/v1/device-deauthorisation";
constexpr std::string_view polls_label = "psephos/v1/polls-record";
constexpr std::string_view head_label = "psephos/v1/device-head";

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
    std::uint64_t ballots = 0;                     // cast and challenged: the length of its chain
    std::optional<std::uint64_t> deauthorised_at;  // its deauthorisation record's index
};

// A cast ballot as a challenged one without openings, so that both take one path.
Result<DecodedChallenged> decode_any_ballot(bool challenged, ByteSpan frame) {
    if (challenged) return decode_challenged(frame);
    PSEPHOS_TRY_ASSIGN(DecodedBallot ballot, decode_ballot(frame));
    return DecodedChallenged{std::move(ballot), {}};
}

// The district-scoped checks of one district.
struct DistrictChecks {
    Outcome &v17, &v18, &v19, &v20, &v21, &v22, &v23, &v24, &v25, &v30;
    Outcome& v31;  // election-wide
    ElectionWideNames& names;

    // The checks that need every record decoded (all but V17).
    void skip_dependents(const std::string& why) {
        for (Outcome* o : {&v18, &v19, &v20, &v21, &v22, &v23, &v24, &v25, &v30}) o->skip(why);
    }
};

// The shape of a district's tallies: its style's contests with the manifest's options.
using Shape = std::vector<std::pair<std::string, std::vector<std::string>>>;

// One district's log, read once and in order, one handler per record type. It keeps only the
// running state: the polls, the devices and their chain heads, the ballot ids seen, the sums of
// the cast ballots, the tally and the decryptions. A ballot's proofs, signature and openings go
// to the work queue; wait() returns when they have all run.
class DistrictReader {
public:
    DistrictReader(const ElectionFacts& election, const LogInfo& log, DistrictSummary& summary,
                   DistrictChecks checks, WorkQueue& queue);

    // Record `index`, whose leaf hash is `leaf`; `tree` holds the records before it. A ballot's
    // frame is moved to its queued work.
    void on_record(std::uint64_t index, Bytes& frame, const Hash32& leaf, const RootBuilder& tree);
    void wait() { pending_.wait(); }
    bool decoded_all() const { return decoded_all_; }

private:
    void on_ballot(std::uint64_t index, Bytes& frame, bool challenged);
    void on_registration(std::uint64_t index, ByteSpan frame);
    void on_deauthorisation(std::uint64_t index, ByteSpan frame);
    // V30: the authority's signature over a record's first body_size bytes, under this label.
    bool signed_by_authority(std::string_view label, ByteSpan frame, std::size_t body_size,
                             const crypto::Ed25519Signature& signature) const;
    void on_polls(std::uint64_t index, ByteSpan frame, RecordKind type);
    void check_polls_signatures(const std::string& at, const char* what, ByteSpan frame,
                                const DecodedPolls& p);
    void check_close_actors(const std::string& at, const DecodedPolls& p);
    void on_tally(std::uint64_t index, ByteSpan frame, const Hash32& leaf, const RootBuilder& tree);
    void on_decryption(std::uint64_t index, ByteSpan frame);
    void on_result(std::uint64_t index, ByteSpan frame);

    void undecodable(std::uint64_t index, const std::string& error);
    void names_district(const std::string& at, const std::string& district);
    bool check_ballot_structure(const std::string& at, const DecodedBallot& b);
    void add_challenged_entry(std::uint64_t index, const DecodedBallot& b,
                              const std::vector<std::vector<Opening>>& openings,
                              const Hash32& ballot_hash, const Hash32& code);
    void check_decryption_proofs(const std::string& at, const DecodedDecryption& dec);
    void check_result_counts(const std::string& at, const DecodedResult& res);

    const ElectionFacts& election_;
    const LogInfo& log_;
    const std::string& id_;
    DistrictSummary& summary_;
    DistrictChecks v_;
    WorkQueue& queue_;
    const ManifestStyle* style_ = nullptr;
    Shape shape_;
    std::vector<std::uint32_t> vote_for_;                   // per contest of the shape
    std::vector<std::vector<crypto::CiphertextSum>> sums_;  // on unencoded points (§1.1)
    crypto::DecodedPoint joint_key_;
    std::map<std::uint32_t, crypto::DecodedPoint> public_shares_;  // decoded once, for V24

    Polls polls_ = Polls::not_opened;
    // The polls window (V18): ballots are stamped no earlier than the hour the polls opened in,
    // and no later than the close.
    std::uint64_t opened_hour_ = 0, latest_stamp_ = 0;
    bool tallied_ = false, has_result_ = false, decoded_all_ = true;
    std::map<std::string, Device> devices_;
    std::unordered_set<IdDigest, IdDigestHash> ballot_ids_;
    std::uint64_t cast_ = 0, challenged_ = 0;
    std::optional<DecodedTally> tally_;
    std::map<std::uint32_t, PerOption<DecodedShare>> decryptions_;
    Pending pending_;
};

DistrictReader::DistrictReader(const ElectionFacts& election, const LogInfo& log,
                               DistrictSummary& summary, DistrictChecks checks, WorkQueue& queue)
    : election_(election), log_(log), id_(log.name), summary_(summary), v_(checks), queue_(queue) {
    const auto style = election_.style_of.find(id_);
    style_ = style == election_.style_of.end() ? nullptr : style->second;
    if (style_) {
        for (const auto& c : style_->contests) {
            const auto found = election_.contest_of.find(c);
            if (found == election_.contest_of.end()) continue;
            const ManifestContest* contest = found->second;
            std::vector<std::string> options;
            for (const auto& o : contest->options) options.push_back(o.first);
            shape_.emplace_back(c, std::move(options));
            vote_for_.push_back(contest->vote_for);
        }
    }
    sums_.resize(shape_.size());
    for (std::size_t c = 0; c < shape_.size(); ++c) sums_[c].resize(shape_[c].second.size());
    joint_key_ = crypto::DecodedPoint(election_.manifest.joint_key);
    for (const auto& [l, share] : election_.public_shares)
        public_shares_.emplace(l, crypto::DecodedPoint(share));
}

void DistrictReader::on_record(std::uint64_t index, Bytes& frame, const Hash32& leaf,
                               const RootBuilder& tree) {
    const std::uint8_t byte = frame.empty() ? 0 : frame[0];
    v_.v17.count();
    const auto type = static_cast<RecordKind>(byte);
    switch (type) {
        case RecordKind::cast_ballot:
            return on_ballot(index, frame, false);
        case RecordKind::challenged_ballot:
            return on_ballot(index, frame, true);
        case RecordKind::device_registration:
            return on_registration(index, frame);
        case RecordKind::device_deauthorisation:
            return on_deauthorisation(index, frame);
        case RecordKind::polls_opened:
        case RecordKind::polls_paused:
        case RecordKind::polls_resumed:
        case RecordKind::polls_closed:
            return on_polls(index, frame, type);
        case RecordKind::district_tally:
            return on_tally(index, frame, leaf, tree);
        case RecordKind::tally_decryption:
            return on_decryption(index, frame);
        case RecordKind::district_result:
            return on_result(index, frame);
        default: {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "0x%02x", byte);
            return undecodable(
                index, std::string("record type ") + buffer + " does not belong in a district log");
        }
    }
}

void DistrictReader::undecodable(std::uint64_t index, const std::string& error) {
    v_.v17.fail("record " + std::to_string(index) + ": " + error);
    decoded_all_ = false;
}

void DistrictReader::names_district(const std::string& at, const std::string& district) {
    if (district != id_) v_.v17.fail(at + ": names district '" + district + "'");
}

// V18–V22 of a cast or challenged ballot; V19's proofs, V20's signature and V22's openings are
// checked on the queue.
void DistrictReader::on_ballot(std::uint64_t index, Bytes& frame, bool challenged) {
    auto decoded = decode_any_ballot(challenged, frame);
    if (!decoded) return undecodable(index, decoded.error().message);
    auto work = std::make_shared<BallotWork>();
    work->challenged = challenged;
    work->ballot = std::move(decoded->ballot);
    work->openings = std::move(decoded->openings);
    const DecodedBallot& b = work->ballot;
    const std::string at = "record " + std::to_string(index) + " (ballot '" + b.ballot_id + "')";
    work->at = at;
    names_district(at, b.district_id);
    v_.v18.count();
    if (polls_ != Polls::open) v_.v18.fail(at + ": a ballot while polls are " + polls_name(polls_));
    if (polls_ == Polls::open && b.timestamp < opened_hour_)
        v_.v18.fail(at + ": stamped " + std::to_string(b.timestamp) +
                    ", before the hour the polls opened in (" + std::to_string(opened_hour_) + ")");
    latest_stamp_ = std::max(latest_stamp_, b.timestamp);
    const auto device = devices_.find(b.device_id);
    if (device == devices_.end())
        v_.v18.fail(at + ": device '" + b.device_id + "' is not registered");
    else if (device->second.deauthorised_at)
        v_.v18.fail(at + ": device '" + b.device_id +
                    "' was deauthorised by the election authority (record " +
                    std::to_string(*device->second.deauthorised_at) + ")");
    if (!ballot_ids_.insert(id_digest(b.ballot_id)).second) v_.v18.fail(at + ": ballot id repeats");
    // V31: the id and the ciphertexts once in the whole election (a ballot copied elsewhere).
    v_.v31.count();
    if (auto failure =
            v_.names.claim(ElectionWideNames::Kind::ballot_id, as_bytes(b.ballot_id), id_, at))
        v_.v31.fail(std::move(*failure));
    {
        Bytes all;
        for (const auto& contest : b.contests)
            for (const auto& s : contest.selections) {
                all.insert(all.end(), s.ciphertext.encoding.begin(), s.ciphertext.encoding.end());
            }
        if (auto failure =
                v_.names.claim(ElectionWideNames::Kind::ballot_ciphertexts, all, id_, at))
            v_.v31.fail(std::move(*failure));
    }
    (challenged ? challenged_ : cast_) += 1;
    const bool structure = check_ballot_structure(at, b);
    work->check_proofs = structure;
    work->vote_for = vote_for_;
    if (structure && !challenged) {
        for (std::size_t c = 0; c < shape_.size(); ++c)
            for (std::size_t o = 0; o < shape_[c].second.size(); ++o)
                sums_[c][o].add(b.contests[c].selections[o].ciphertext.unencoded);
    }
    // V20: the key of the device's registration; V21: its chain.
    v_.v20.count();
    v_.v21.count();
    const Hash32 ballot_hash = sha256_of(ByteSpan(frame).subspan(b.body_offset, b.body_size));
    const Hash32 code = next_tracking_code(b.previous, ballot_hash);
    if (device == devices_.end()) {
        v_.v20.fail(at + ": no registration of device '" + b.device_id + "' before it");
        v_.v21.fail(at + ": no registration of device '" + b.device_id + "' before it");
    } else {
        work->key = device->second.key;
        if (!(b.previous == device->second.last_code))
            v_.v21.fail(at + ": does not chain to its device's last tracking code");
        device->second.last_code = code;
        ++device->second.ballots;
    }
    if (challenged) add_challenged_entry(index, b, work->openings, ballot_hash, code);
    work->record = std::move(frame);
    frame = Bytes();
    pending_.add();
    queue_.post([work, this] {
        // A check that throws (a programming error) fails V19 instead of leaving wait() waiting.
        try {
            verify_ballot_work(*work, election_.base_hash, joint_key_, v_.v19, v_.v20, v_.v22);
        } catch (const std::exception& e) {
            v_.v19.fail(work->at + ": the checks stopped: " + e.what());
        }
        pending_.done();
    });
}

// V19's structure: the base hash, the district's style, its contests and options in order.
bool DistrictReader::check_ballot_structure(const std::string& at, const DecodedBallot& b) {
    v_.v19.count();
    bool structure = true;
    if (!(b.base_hash == election_.base_hash)) {
        v_.v19.fail(at + ": election_base_hash is not the base hash");
        structure = false;
    }
    if (!style_ || b.style_id != style_->id) {
        v_.v19.fail(at + ": ballot style '" + b.style_id + "' is not the district's");
        structure = false;
    }
    // The decoder reads the ballot id as text, as the election library's does; the id syntax
    // (docs/encoding.md §4) is a content rule. Not echoed: it may hold anything.
    if (!is_id(b.ballot_id)) v_.v19.fail(at + ": ballot id is not an id (1 to 64 of a-z 0-9 -)");
    if (structure && b.contests.size() != shape_.size()) structure = false;
    for (std::size_t c = 0; structure && c < shape_.size(); ++c) {
        if (b.contests[c].id != shape_[c].first ||
            b.contests[c].selections.size() != shape_[c].second.size()) {
            structure = false;
            break;
        }
        for (std::size_t o = 0; o < shape_[c].second.size(); ++o)
            if (b.contests[c].selections[o].id != shape_[c].second[o]) structure = false;
    }
    if (!structure && style_ && b.base_hash == election_.base_hash && b.style_id == style_->id)
        v_.v19.fail(at + ": contests or options are not the style's, in order");
    return structure;
}

// V22's count, and the challenged ballot's entry of challenged-ballots.json for V27.
void DistrictReader::add_challenged_entry(std::uint64_t index, const DecodedBallot& b,
                                          const std::vector<std::vector<Opening>>& openings,
                                          const Hash32& ballot_hash, const Hash32& code) {
    v_.v22.count();
    json::array contests;
    for (std::size_t c = 0; c < b.contests.size(); ++c) {
        json::array chosen;
        for (std::size_t s = 0; s < b.contests[c].selections.size(); ++s)
            if (c < openings.size() && s < openings[c].size() && openings[c][s].mark == 1)
                chosen.emplace_back(b.contests[c].selections[s].id);
        contests.push_back(
            json::object{{"contest_id", b.contests[c].id}, {"selections", std::move(chosen)}});
    }
    summary_.challenged_entries.push_back(
        json::object{{"district_id", id_},
                     {"log_index", static_cast<std::int64_t>(index)},
                     {"ballot_id", b.ballot_id},
                     {"device_id", b.device_id},
                     {"ballot_style_id", b.style_id},
                     {"timestamp", static_cast<std::int64_t>(b.timestamp)},
                     {"ballot_hash", hex(ballot_hash)},
                     {"tracking_code", display_tracking_code(code)},
                     {"tracking_code_hex", hex(code)},
                     {"contests", std::move(contests)}});
}

// V18 of a device registration; the device's tracking chain starts at its seed.
void DistrictReader::on_registration(std::uint64_t index, ByteSpan frame) {
    const auto decoded = decode_registration(frame);
    if (!decoded) return undecodable(index, decoded.error().message);
    const DecodedRegistration& reg = *decoded;
    const std::string at = "record " + std::to_string(index);
    names_district(at, reg.district_id);
    // V30: the election authority signed exactly this registration for this election.
    v_.v30.count();
    if (!election_.authority_key) {
        v_.v30.skip("no authority approval (V29)");
    } else {
        if (!signed_by_authority(authorisation_label, frame, reg.body_size,
                                 reg.authority_signature))
            v_.v30.fail(at + ": device '" + reg.device_id +
                        "': the registration is not signed by the election authority");
    }
    v_.v18.count();
    if (polls_ != Polls::not_opened)
        v_.v18.fail(at + ": device registration after the polls opened (registrations close then)");
    // V31: one key, one device, one district.
    v_.v31.count();
    const std::string device = at + " (device '" + reg.device_id + "')";
    if (auto failure = v_.names.claim(ElectionWideNames::Kind::device_id, as_bytes(reg.device_id),
                                      id_, device))
        v_.v31.fail(std::move(*failure));
    if (auto failure =
            v_.names.claim(ElectionWideNames::Kind::device_key, reg.key.span(), id_, device))
        v_.v31.fail(std::move(*failure));
    if (devices_.count(reg.device_id)) {
        v_.v18.fail(at + ": device '" + reg.device_id + "' registered again");
    } else {
        devices_[reg.device_id] = {reg.key, tracking_code_seed(election_.base_hash, reg.device_id),
                                   0, std::nullopt};
    }
}

bool DistrictReader::signed_by_authority(std::string_view label, ByteSpan frame,
                                         std::size_t body_size,
                                         const crypto::Ed25519Signature& signature) const {
    Bytes message(label.begin(), label.end());
    message.push_back(0);
    message.insert(message.end(), election_.base_hash.bytes.begin(),
                   election_.base_hash.bytes.end());
    message.insert(message.end(), frame.begin(),
                   frame.begin() + static_cast<std::ptrdiff_t>(body_size));
    return crypto::verify_signature(*election_.authority_key, message, signature).ok();
}

// V18 and V30 of a device deauthorisation: signed by the authority, of a registered device with
// its registered key, once, before the close. From it on the device records nothing (on_ballot,
// check_polls_signatures) and the closing record carries no head for it.
void DistrictReader::on_deauthorisation(std::uint64_t index, ByteSpan frame) {
    const auto decoded = decode_deauthorisation(frame);
    if (!decoded) return undecodable(index, decoded.error().message);
    const DecodedDeauthorisation& d = *decoded;
    const std::string at =
        "record " + std::to_string(index) + " (deauthorisation of device '" + d.device_id + "')";
    names_district(at, d.district_id);
    v_.v30.count();
    if (!election_.authority_key) {
        v_.v30.skip("no authority approval (V29)");
    } else if (!signed_by_authority(deauthorisation_label, frame, d.body_size,
                                    d.authority_signature)) {
        v_.v30.fail(at + ": not signed by the election authority");
    }
    v_.v18.count();
    if (polls_ == Polls::closed) v_.v18.fail(at + ": after the polls closed");
    const auto device = devices_.find(d.device_id);
    if (device == devices_.end()) {
        v_.v18.fail(at + ": the device is not registered");
    } else if (!(device->second.key == d.key)) {
        v_.v18.fail(at + ": names another key than the device's registration");
    } else if (device->second.deauthorised_at) {
        v_.v18.fail(at + ": deauthorised again");
    } else {
        device->second.deauthorised_at = index;
    }
}

// V18 of a polls record's signatures (docs/encoding.md §13): the device's, by a device of the
// district; a closing record's heads, one per registered device, each signed by that device and
// equal to its chain in the log (a cut tail, or a dropped or added ballot, no longer matches).
void DistrictReader::check_polls_signatures(const std::string& at, const char* what, ByteSpan frame,
                                            const DecodedPolls& p) {
    const auto signer = devices_.find(p.device_id);
    if (signer == devices_.end()) {
        v_.v18.fail(at + ": " + what + " signed by device '" + p.device_id +
                    "', not registered in the district");
    } else if (signer->second.deauthorised_at) {
        v_.v18.fail(at + ": " + what + " signed by device '" + p.device_id +
                    "', deauthorised by the election authority");
    } else {
        Bytes message(polls_label.begin(), polls_label.end());
        message.push_back(0);
        message.insert(message.end(), election_.base_hash.bytes.begin(),
                       election_.base_hash.bytes.end());
        message.insert(message.end(), frame.begin(),
                       frame.begin() + static_cast<std::ptrdiff_t>(p.body_size));
        if (!crypto::verify_signature(signer->second.key, message, p.signature))
            v_.v18.fail(at + ": " + what + ": device '" + p.device_id +
                        "''s signature does not verify");
    }
    if (p.heads.empty()) return;
    std::string named, registered;
    for (const auto& h : p.heads) named += (named.empty() ? "'" : ", '") + h.device_id + "'";
    for (const auto& [id, device] : devices_)
        if (!device.deauthorised_at) registered += (registered.empty() ? "'" : ", '") + id + "'";
    if (named != registered)
        v_.v18.fail(at + ": " + what + ": the heads name devices " + named +
                    ", the registered devices are " + registered);
    for (const DecodedHead& h : p.heads) {
        const auto device = devices_.find(h.device_id);
        if (device == devices_.end()) continue;
        Bytes message(head_label.begin(), head_label.end());
        message.push_back(0);
        message.insert(message.end(), election_.base_hash.bytes.begin(),
                       election_.base_hash.bytes.end());
        for (const std::string_view id : {std::string_view(id_), std::string_view(h.device_id)}) {
            const Bytes field = text_field(id);
            message.insert(message.end(), field.begin(), field.end());
        }
        for (int shift = 56; shift >= 0; shift -= 8)
            message.push_back(static_cast<std::uint8_t>(h.ballots >> shift));
        message.insert(message.end(), h.last_code.bytes.begin(), h.last_code.bytes.end());
        const std::string head = at + ": " + what + ": device '" + h.device_id + "''s head";
        if (!crypto::verify_signature(device->second.key, message, h.signature))
            v_.v18.fail(head + ": its signature does not verify");
        if (h.ballots != device->second.ballots || !(h.last_code == device->second.last_code))
            v_.v18.fail(head + " reports " + std::to_string(h.ballots) + " ballots ending in " +
                        display_tracking_code(h.last_code) + ", the log has " +
                        std::to_string(device->second.ballots) + " ending in " +
                        display_tracking_code(device->second.last_code));
    }
}

// V18 of the polls opened, paused, resumed or closed: the transition and the counts so far.
void DistrictReader::on_polls(std::uint64_t index, ByteSpan frame, RecordKind type) {
    const auto decoded = decode_polls(frame);
    if (!decoded) return undecodable(index, decoded.error().message);
    const DecodedPolls& p = *decoded;
    const std::string at = "record " + std::to_string(index);
    names_district(at, p.district_id);
    v_.v18.count();
    const bool opened = type == RecordKind::polls_opened;
    const char* what = opened                              ? "polls opened"
                       : type == RecordKind::polls_paused  ? "polls paused"
                       : type == RecordKind::polls_resumed ? "polls resumed"
                                                           : "polls closed";
    const bool allowed =
        (opened && polls_ == Polls::not_opened) ||
        (type == RecordKind::polls_paused && polls_ == Polls::open) ||
        (type == RecordKind::polls_resumed && polls_ == Polls::paused) ||
        (type == RecordKind::polls_closed && (polls_ == Polls::open || polls_ == Polls::paused));
    if (!allowed) v_.v18.fail(at + ": " + what + " while polls are " + polls_name(polls_));
    if (opened) opened_hour_ = p.time - p.time % 3600;
    if (type == RecordKind::polls_closed && latest_stamp_ > p.time)
        v_.v18.fail(at + ": polls closed at " + std::to_string(p.time) +
                    ", but a ballot is stamped " + std::to_string(latest_stamp_));
    if (!opened && (p.cast != cast_ || p.challenged != challenged_))
        v_.v18.fail(at + ": " + what + " with counts " + std::to_string(p.cast) + "/" +
                    std::to_string(p.challenged) + ", the log has " + std::to_string(cast_) + "/" +
                    std::to_string(challenged_));
    check_polls_signatures(at, what, frame, p);
    if (type == RecordKind::polls_closed) check_close_actors(at, p);
    polls_ = opened || type == RecordKind::polls_resumed ? Polls::open
             : type == RecordKind::polls_paused          ? Polls::paused
                                                         : Polls::closed;
}

// V18 of the election's two-person close (docs/election-record.md §5, the manifest's
// polls.close_requires): the closing record's actor, names separated by commas, each without the
// spaces around it, names that many different people (docs/encoding.md §13).
void DistrictReader::check_close_actors(const std::string& at, const DecodedPolls& p) {
    const std::uint32_t required = election_.manifest.close_requires;
    if (required <= 1) return;
    std::vector<std::string> names;
    std::string_view rest = p.actor;
    while (true) {
        const std::size_t comma = rest.find(',');
        std::string_view part = rest.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (!part.empty() && std::find(names.begin(), names.end(), part) == names.end())
            names.emplace_back(part);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (names.size() >= required) return;
    // The actor came from the record: shown with every byte outside printable ASCII as \xNN.
    std::string shown;
    for (const char ch : p.actor) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
            shown += ch;
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            shown += {'\\', 'x', hex[c >> 4], hex[c & 0x0F]};
        }
    }
    v_.v18.fail(at + ": polls closed by " + std::to_string(names.size()) +
                (names.size() == 1 ? " person" : " people") + " (actor '" + shown +
                "'), the manifest's polls.close_requires is " + std::to_string(required));
}

// V18 and V23 of the district's tally: after the close, of the records before it, with the
// counts and the sums of the cast ballots.
void DistrictReader::on_tally(std::uint64_t index, ByteSpan frame, const Hash32& leaf,
                              const RootBuilder& tree) {
    auto decoded = decode_tally(frame);
    if (!decoded) return undecodable(index, decoded.error().message);
    DecodedTally& t = *decoded;
    const std::string at = "tally (record " + std::to_string(index) + ")";
    names_district(at, t.district_id);
    v_.v18.count();
    if (polls_ != Polls::closed || tallied_)
        v_.v18.fail(at + ": a tally while polls are " + polls_name(polls_) +
                    (tallied_ ? ", already tallied" : ""));
    tallied_ = true;
    v_.v23.count();
    if (t.log_size != index) v_.v23.fail(at + ": log_size " + std::to_string(t.log_size));
    if (!(t.log_root == tree.root()))
        v_.v23.fail(at + ": log_root is not the root of the records before it");
    if (!log_.checkpoints.count(index))
        v_.v23.fail(at + ": no checkpoint of size " + std::to_string(index));
    if (!style_ || t.style_id != style_->id)
        v_.v23.fail(at + ": ballot style '" + t.style_id + "' is not the district's");
    if (t.counted != cast_ || t.challenged != challenged_)
        v_.v23.fail(at + ": counts " + std::to_string(t.counted) + "/" +
                    std::to_string(t.challenged) + ", the log has " + std::to_string(cast_) + "/" +
                    std::to_string(challenged_));
    if (!same_shape(t.sums, shape_)) {
        v_.v23.fail(at + ": contests or options are not the style's, in order");
    } else {
        for (std::size_t c = 0; c < shape_.size(); ++c)
            for (std::size_t o = 0; o < shape_[c].second.size(); ++o)
                if (!(t.sums[c].second[o].second == sums_[c][o].value()))
                    v_.v23.fail(at + ": contest '" + shape_[c].first + "' option '" +
                                shape_[c].second[o] + "': sum is not the sum of the cast ballots");
    }
    summary_.tally_index = index;
    summary_.tally_hash = leaf;
    summary_.counted = t.counted;
    summary_.challenged = t.challenged;
    tally_ = std::move(t);
}

// V18 and V24 of a guardian's tally decryption: its place, its signature and its proofs.
void DistrictReader::on_decryption(std::uint64_t index, ByteSpan frame) {
    auto decoded = decode_decryption(frame);
    if (!decoded) return undecodable(index, decoded.error().message);
    DecodedDecryption& dec = *decoded;
    const std::string at =
        "record " + std::to_string(index) + " (guardian " + std::to_string(dec.guardian) + ")";
    names_district(at, dec.district_id);
    v_.v18.count();
    if (!tallied_ || has_result_ || decryptions_.count(dec.guardian))
        v_.v18.fail(at + ": a tally decryption " +
                    (!tallied_     ? "before the tally"
                     : has_result_ ? "after the result"
                                   : "by a guardian that decrypted already"));
    v_.v24.count();
    const auto key = election_.guardian_keys.find(dec.guardian);
    if (key == election_.guardian_keys.end()) {
        v_.v24.fail(at + ": no such guardian");
    } else if (!crypto::verify_signature(key->second, frame.first(dec.body_size), dec.signature)) {
        v_.v24.fail(at + ": signature does not verify");
    }
    if (!tally_) {
        v_.v24.fail(at + ": no tally before it");
    } else {
        if (!(dec.tally_hash == summary_.tally_hash))
            v_.v24.fail(at + ": tally_hash is not the tally's leaf hash");
        if (!same_shape(dec.shares, shape_) || !same_shape(tally_->sums, shape_)) {
            v_.v24.fail(at + ": contests or options are not the tally's, in order");
        } else if (key != election_.guardian_keys.end()) {
            check_decryption_proofs(at, dec);
        }
    }
    if (!decryptions_.count(dec.guardian))
        decryptions_.emplace(dec.guardian, std::move(dec.shares));
}

// V24's proofs: each partial decryption shares its discrete log with the guardian's public share.
void DistrictReader::check_decryption_proofs(const std::string& at, const DecodedDecryption& dec) {
    const crypto::DecodedPoint& share = public_shares_.at(dec.guardian);
    for (std::size_t c = 0; c < shape_.size(); ++c)
        for (std::size_t o = 0; o < shape_[c].second.size(); ++o) {
            const DecodedShare& s = dec.shares[c].second[o].second;
            if (!crypto::verify_equal_discrete_logs_public(
                    election_.base_hash, u32be(dec.guardian), share,
                    crypto::DecodedPoint(tally_->sums[c].second[o].second.alpha),
                    crypto::DecodedPoint(s.partial), {s.challenge, s.response}))
                v_.v24.fail(at + ": contest '" + shape_[c].first + "' option '" +
                            shape_[c].second[o] + "': decryption proof does not verify");
        }
}

// V18 and V25 of the district's result: after the tally, from enough usable decryptions.
void DistrictReader::on_result(std::uint64_t index, ByteSpan frame) {
    auto decoded = decode_result(frame);
    if (!decoded) return undecodable(index, decoded.error().message);
    DecodedResult& res = *decoded;
    const std::string at = "result (record " + std::to_string(index) + ")";
    names_district(at, res.district_id);
    v_.v18.count();
    if (!tallied_ || has_result_)
        v_.v18.fail(at + (!tallied_ ? ": a result before the tally" : ": a second result"));
    has_result_ = true;
    v_.v25.count();
    bool usable = static_cast<bool>(tally_);
    if (!tally_) v_.v25.fail(at + ": no tally before it");
    if (tally_ && !(res.tally_hash == summary_.tally_hash))
        v_.v25.fail(at + ": tally_hash is not the tally's leaf hash");
    if (res.guardians.size() < election_.manifest.threshold)
        v_.v25.fail(at + ": " + std::to_string(res.guardians.size()) +
                    " guardians, fewer than the threshold");
    for (const std::uint32_t g : res.guardians)
        if (!decryptions_.count(g) || !same_shape(decryptions_.at(g), shape_)) {
            v_.v25.fail(at + ": guardian " + std::to_string(g) +
                        " has no usable decryption before it");
            usable = false;
        }
    if (!same_shape(res.counts, shape_) || (tally_ && !same_shape(tally_->sums, shape_))) {
        v_.v25.fail(at + ": contests or options are not the tally's, in order");
        usable = false;
    }
    if (usable) check_result_counts(at, res);
    summary_.result_index = index;
    summary_.guardians = res.guardians;
    summary_.counts = std::move(res.counts);
}

// V25's counts: each is the decryption of the tally by the result's guardians.
void DistrictReader::check_result_counts(const std::string& at, const DecodedResult& res) {
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
    for (std::size_t c = 0; c < shape_.size(); ++c)
        for (std::size_t o = 0; o < shape_[c].second.size(); ++o) {
            Point combined;
            for (std::size_t q = 0; q < res.guardians.size(); ++q)
                combined =
                    combined + w[q] * decryptions_.at(res.guardians[q])[c].second[o].second.partial;
            const std::uint64_t count = res.counts[c].second[o].second;
            const Point decrypted = tally_->sums[c].second[o].second.beta - combined;
            if (!(decrypted == Point::multiply_base(Scalar::from_uint64(count))))
                v_.v25.fail(at + ": contest '" + shape_[c].first + "' option '" +
                            shape_[c].second[o] + "': count " + std::to_string(count) +
                            " is not the decryption of the tally");
        }
}

}  // namespace

void Verifier::read_district(std::size_t index, Outcome& v11, Outcome& v12) {
    LogInfo& log = logs_[index];
    const std::string& id = log.name;
    DistrictChecks checks{out(17, id), out(18, id), out(19, id), out(20, id),
                          out(21, id), out(22, id), out(23, id), out(24, id),
                          out(25, id), out(30, id), out(31),     names_};
    FrameReader frames(dir_, log.directory + "/records.bin");
    if (!frames.opened()) {
        v11.fail(id + ": " + frames.open_error());
        checks.v17.skip("records.bin cannot be read");
        checks.skip_dependents("records.bin cannot be read");
        return;
    }
    DistrictReader reader(election_, log, districts_[index], checks, *queue_);
    RootBuilder tree;
    Bytes frame;
    std::string error;
    bool framed = true;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v11.fail(id + ": " + error);
            framed = false;
            break;
        }
        const Hash32 leaf = leaf_hash(frame);
        reader.on_record(tree.size(), frame, leaf, tree);
        if (add_record(log, tree, leaf, 256, v11, v12)) break;
    }
    reader.wait();
    finish_log_checks(log, tree, framed, v11, v12);
    if (options_.progress) options_.progress(id, tree.size(), log.size);
    if (!framed) {
        checks.v17.skip("records.bin does not parse into frames (V11)");
        checks.skip_dependents("records.bin does not parse into frames (V11)");
    } else if (!reader.decoded_all()) {
        checks.skip_dependents("a record of the district does not decode (V17)");
    }
    districts_[index].complete = framed && reader.decoded_all();
}

}  // namespace psephos::verifier::detail

// The tally's records and the functions that make and check them (docs/encoding.md §16–§18,
// docs/tally.md).
#include "psephos/election/tally_records.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "psephos/crypto/range_proof.hpp"
#include "psephos/election/encrypted_ballot.hpp"

namespace psephos::election {

namespace {

constexpr std::uint8_t record_version = 1;
constexpr std::size_t max_id_size = 64;
constexpr std::size_t max_guardians = 1000;

void require_id(std::string_view id, std::string_view what) {
    if (id.empty() || id.size() > max_id_size) {
        throw std::invalid_argument(std::string(what) + ": an id must be 1 to 64 bytes");
    }
}

std::string read_id(CanonicalReader& r, std::string_view field) {
    std::string id = r.text(field, max_id_size);
    if (r.ok() && id.empty()) r.fail(field, "empty");
    return id;
}

std::string quoted(std::string_view id) { return "'" + std::string(id) + "'"; }

template <class T, class WriteValue>
void write_per_option(CanonicalWriter& w, const PerOption<T>& values, WriteValue write_value) {
    w.count(values.size());
    for (const auto& contest : values) {
        require_id(contest.contest_id, "contest id");
        w.text(contest.contest_id);
        w.count(contest.options.size());
        for (const auto& option : contest.options) {
            require_id(option.option_id, "option id");
            w.text(option.option_id);
            write_value(option.value);
        }
    }
}

template <class T, class ReadValue>
PerOption<T> read_per_option(CanonicalReader& r, ReadValue read_value) {
    PerOption<T> out;
    const std::size_t contests = r.count("contests", max_tally_contests);
    for (std::size_t c = 0; c < contests && r.ok(); ++c) {
        const std::string where = "contest " + std::to_string(c);
        ContestValues<T> contest;
        contest.contest_id = read_id(r, where + " id");
        const std::size_t options = r.count(where + " options", max_tally_options);
        for (std::size_t o = 0; o < options && r.ok(); ++o) {
            const std::string at = where + " option " + std::to_string(o);
            OptionValue<T> option;
            option.option_id = read_id(r, at + " id");
            option.value = read_value(r, at);
            contest.options.push_back(std::move(option));
        }
        out.push_back(std::move(contest));
    }
    return out;
}

std::uint32_t read_guardian(CanonicalReader& r, std::string_view field) {
    const std::uint32_t g = r.u32(field);
    if (r.ok() && g == 0) r.fail(field, "guardian index 0 (indices start at 1)");
    return g;
}

// The same contests and options, in the same order, in two per-option lists.
template <class A, class B>
Status check_same_shape(const PerOption<A>& a, const PerOption<B>& b, std::string_view what) {
    if (a.size() != b.size()) {
        return make_error(ErrorCode::invalid_argument,
                          std::string(what) + ": " + std::to_string(b.size()) +
                              " contests, the tally has " + std::to_string(a.size()));
    }
    for (std::size_t c = 0; c < a.size(); ++c) {
        if (a[c].contest_id != b[c].contest_id) {
            return make_error(ErrorCode::invalid_argument,
                              std::string(what) + ": contest " + std::to_string(c) + " is " +
                                  quoted(b[c].contest_id) + ", the tally's is " +
                                  quoted(a[c].contest_id));
        }
        if (a[c].options.size() != b[c].options.size()) {
            return make_error(ErrorCode::invalid_argument,
                              std::string(what) + ": contest " + quoted(a[c].contest_id) + " has " +
                                  std::to_string(b[c].options.size()) + " options, the tally " +
                                  std::to_string(a[c].options.size()));
        }
        for (std::size_t o = 0; o < a[c].options.size(); ++o) {
            if (a[c].options[o].option_id != b[c].options[o].option_id) {
                return make_error(ErrorCode::invalid_argument,
                                  std::string(what) + ": contest " + quoted(a[c].contest_id) +
                                      " option " + std::to_string(o) + " is " +
                                      quoted(b[c].options[o].option_id) + ", the tally's is " +
                                      quoted(a[c].options[o].option_id));
            }
        }
    }
    return {};
}

std::string option_place(std::string_view district, const std::string& contest,
                         const std::string& option) {
    return "district " + quoted(district) + ", contest " + quoted(contest) + ", option " +
           quoted(option);
}

}  // namespace

// ---- Encodings ------------------------------------------------------------------------------

Bytes encode_district_tally(const DistrictTally& t) {
    require_id(t.district_id, "district tally: district id");
    require_id(t.ballot_style_id, "district tally: ballot style id");
    CanonicalWriter w(RecordType::district_tally, record_version);
    w.text(t.district_id);
    w.text(t.ballot_style_id);
    w.u64(t.log_size);
    w.hash(t.log_root);
    w.u64(t.ballots_counted);
    w.u64(t.ballots_challenged);
    write_per_option(w, t.sums, [&](const crypto::Ciphertext& ct) {
        w.point(ct.alpha);
        w.point(ct.beta);
    });
    return w.take();
}

Result<DistrictTally> decode_district_tally(ByteSpan data) {
    CanonicalReader r(data, RecordType::district_tally, record_version, "district tally");
    DistrictTally t;
    t.district_id = read_id(r, "district id");
    t.ballot_style_id = read_id(r, "ballot style id");
    t.log_size = r.u64("log size");
    t.log_root = r.hash("log root");
    t.ballots_counted = r.u64("ballots counted");
    t.ballots_challenged = r.u64("ballots challenged");
    t.sums = read_per_option<crypto::Ciphertext>(r, [](CanonicalReader& rr, const std::string& at) {
        crypto::Ciphertext ct;
        ct.alpha = rr.point(at + " alpha");
        ct.beta = rr.point(at + " beta");
        return ct;
    });
    if (r.ok() && t.ballots_counted + t.ballots_challenged > t.log_size) {
        r.fail("ballots counted", "more ballots than records in the log it covers");
    }
    if (auto ok = r.finish(); !ok) return ok.error();
    return t;
}

Bytes encode_tally_decryption_body(const TallyDecryption& d) {
    require_id(d.district_id, "tally decryption: district id");
    if (d.guardian_index == 0) throw std::invalid_argument("tally decryption: guardian index 0");
    CanonicalWriter w(RecordType::tally_decryption, record_version);
    w.text(d.district_id);
    w.u32(d.guardian_index);
    w.hash(d.tally_hash);
    write_per_option(w, d.shares, [&](const PartialDecryption& p) {
        w.point(p.partial);
        w.fixed(p.proof.to_bytes());
    });
    return w.take();
}

Bytes encode_tally_decryption(const TallyDecryption& d) {
    Bytes out = encode_tally_decryption_body(d);
    out.insert(out.end(), d.signature.bytes.begin(), d.signature.bytes.end());
    return out;
}

Result<TallyDecryption> decode_tally_decryption(ByteSpan data) {
    CanonicalReader r(data, RecordType::tally_decryption, record_version, "tally decryption");
    TallyDecryption d;
    d.district_id = read_id(r, "district id");
    d.guardian_index = read_guardian(r, "guardian index");
    d.tally_hash = r.hash("tally hash");
    d.shares =
        read_per_option<PartialDecryption>(r, [](CanonicalReader& rr, const std::string& at) {
            PartialDecryption p;
            p.partial = rr.point(at + " partial decryption");
            const ByteSpan proof = rr.fixed(at + " proof", crypto::ChallengeResponse::size);
            if (rr.ok()) {
                auto parsed = crypto::ChallengeResponse::from_bytes(proof);
                if (parsed) {
                    p.proof = std::move(parsed).value();
                } else {
                    rr.fail(at + " proof", parsed.error().message);
                }
            }
            return p;
        });
    d.signature = r.ed25519_signature("signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return d;
}

Bytes encode_district_result(const DistrictResult& result) {
    require_id(result.district_id, "district result: district id");
    for (std::size_t i = 0; i < result.guardians.size(); ++i) {
        if (result.guardians[i] == 0 || (i > 0 && result.guardians[i] <= result.guardians[i - 1]))
            throw std::invalid_argument("district result: guardians must be ascending, from 1");
    }
    if (result.guardians.empty() || result.guardians.size() > max_guardians)
        throw std::invalid_argument("district result: 1 to 1000 guardians");
    CanonicalWriter w(RecordType::district_result, record_version);
    w.text(result.district_id);
    w.hash(result.tally_hash);
    w.count(result.guardians.size());
    for (const std::uint32_t g : result.guardians) w.u32(g);
    write_per_option(w, result.counts, [&](std::uint64_t n) { w.u64(n); });
    return w.take();
}

Result<DistrictResult> decode_district_result(ByteSpan data) {
    CanonicalReader r(data, RecordType::district_result, record_version, "district result");
    DistrictResult result;
    result.district_id = read_id(r, "district id");
    result.tally_hash = r.hash("tally hash");
    const std::size_t guardians = r.count("guardians", max_guardians);
    if (r.ok() && guardians == 0) r.fail("guardians", "none");
    for (std::size_t i = 0; i < guardians && r.ok(); ++i) {
        const std::uint32_t g = read_guardian(r, "guardian " + std::to_string(i));
        if (r.ok() && !result.guardians.empty() && g <= result.guardians.back())
            r.fail("guardian " + std::to_string(i), "not ascending");
        result.guardians.push_back(g);
    }
    result.counts = read_per_option<std::uint64_t>(
        r, [](CanonicalReader& rr, const std::string& at) { return rr.u64(at + " count"); });
    if (auto ok = r.finish(); !ok) return ok.error();
    return result;
}

Result<std::string> tally_record_district(ByteSpan data) {
    if (data.empty()) return make_error(ErrorCode::invalid_encoding, "empty record");
    const auto type = static_cast<RecordType>(data[0]);
    const char* name = type == RecordType::district_tally     ? "district tally"
                       : type == RecordType::tally_decryption ? "tally decryption"
                       : type == RecordType::district_result  ? "district result"
                                                              : nullptr;
    if (name == nullptr) return make_error(ErrorCode::invalid_encoding, "not a tally record");
    CanonicalReader r(data, type, record_version, name);
    std::string id = read_id(r, "district id");
    if (!r.ok()) return r.finish().error();
    return id;
}

// ---- Shares files -----------------------------------------------------------------------------

namespace {

void put_u32(Bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// A bounded reader over the file: every length is checked against what is left before use.
class FileReader {
public:
    explicit FileReader(ByteSpan data) : data_(data) {}
    std::size_t left() const { return data_.size() - at_; }
    Result<ByteSpan> take(std::size_t n, const std::string& field) {
        if (n > left()) {
            return make_error(ErrorCode::invalid_encoding,
                              "shares file: " + field + ": " + std::to_string(n) +
                                  " bytes needed, " + std::to_string(left()) + " left");
        }
        const ByteSpan out = data_.subspan(at_, n);
        at_ += n;
        return out;
    }
    Result<std::uint32_t> u32(const std::string& field) {
        PSEPHOS_TRY_ASSIGN(const ByteSpan b, take(4, field));
        return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 |
               std::uint32_t{b[3]};
    }

private:
    ByteSpan data_;
    std::size_t at_ = 0;
};

Error file_error(const std::string& message) {
    return make_error(ErrorCode::invalid_encoding, "shares file: " + message);
}

}  // namespace

Bytes encode_guardian_decryption_file(const GuardianDecryptionFile& file) {
    if (file.guardian_index == 0 || file.records.size() > max_guardian_decryption_records)
        throw std::invalid_argument("shares file: guardian index 0 or too many records");
    std::size_t size = guardian_decryption_file_magic.size() + Hash32{}.bytes.size() + 8;
    for (const Bytes& record : file.records) size += 4 + record.size();
    Bytes out;
    out.reserve(size);
    for (const char c : guardian_decryption_file_magic) out.push_back(static_cast<std::uint8_t>(c));
    for (const std::uint8_t b : file.election_base_hash.bytes) out.push_back(b);
    put_u32(out, file.guardian_index);
    put_u32(out, static_cast<std::uint32_t>(file.records.size()));
    for (const Bytes& record : file.records) {
        if (record.size() > max_guardian_decryption_record_size)
            throw std::invalid_argument("shares file: record too large");
        put_u32(out, static_cast<std::uint32_t>(record.size()));
        out.insert(out.end(), record.begin(), record.end());
    }
    return out;
}

Result<GuardianDecryptionFile> decode_guardian_decryption_file(ByteSpan data) {
    FileReader r(data);
    PSEPHOS_TRY_ASSIGN(const ByteSpan magic,
                       r.take(guardian_decryption_file_magic.size(), "magic"));
    if (!std::equal(magic.begin(), magic.end(), guardian_decryption_file_magic.begin(),
                    [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }))
        return file_error("not a shares file (magic '" +
                          std::string(guardian_decryption_file_magic.substr(
                              0, guardian_decryption_file_magic.size() - 1)) +
                          "' expected)");
    GuardianDecryptionFile file;
    PSEPHOS_TRY_ASSIGN(const ByteSpan hash, r.take(Hash32{}.bytes.size(), "election base hash"));
    std::copy(hash.begin(), hash.end(), file.election_base_hash.bytes.begin());
    PSEPHOS_TRY_ASSIGN(file.guardian_index, r.u32("guardian index"));
    if (file.guardian_index == 0) return file_error("guardian index 0 (indices start at 1)");
    PSEPHOS_TRY_ASSIGN(const std::uint32_t count, r.u32("record count"));
    if (count > max_guardian_decryption_records)
        return file_error("record count " + std::to_string(count) + " over the limit");
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string at = "record " + std::to_string(i);
        PSEPHOS_TRY_ASSIGN(const std::uint32_t size, r.u32(at + " length"));
        if (size > max_guardian_decryption_record_size)
            return file_error(at + ": length " + std::to_string(size) + " over the limit");
        PSEPHOS_TRY_ASSIGN(const ByteSpan record, r.take(size, at));
        auto decoded = decode_tally_decryption(record);
        if (!decoded) return decoded.error().within("shares file: " + at);
        if (decoded.value().guardian_index != file.guardian_index) {
            return file_error(at + ": a decryption by guardian " +
                              std::to_string(decoded.value().guardian_index) + " in guardian " +
                              std::to_string(file.guardian_index) + "'s file");
        }
        file.records.emplace_back(record.begin(), record.end());
    }
    if (r.left() != 0) return file_error(std::to_string(r.left()) + " bytes after the last record");
    return file;
}

// ---- Tallying ---------------------------------------------------------------------------------

Result<DistrictTallyBuilder> DistrictTallyBuilder::create(const ElectionContext& election,
                                                          std::string_view district_id) {
    const ElectionManifest& m = election.manifest;
    const BallotStyle* style =
        m.find_district(district_id) ? m.ballot_style_of_district(district_id) : nullptr;
    if (style == nullptr) {
        return make_error(
            ErrorCode::invalid_argument,
            "district " + quoted(district_id) + " is not in the manifest or has no ballot style");
    }
    DistrictTallyBuilder b;
    b.district_id_ = std::string(district_id);
    b.ballot_style_id_ = style->id;
    for (const std::string& id : style->contests) {
        const Contest& contest = *m.find_contest(id);
        ContestValues<crypto::CiphertextSum> values{contest.id, {}};
        for (const ContestOption& option : contest.options)
            values.options.push_back({option.id, {}});
        b.sums_.push_back(std::move(values));
    }
    return b;
}

Status DistrictTallyBuilder::add_record(ByteSpan record) {
    if (record.empty()) return make_error(ErrorCode::invalid_encoding, "empty record");
    const auto type = static_cast<RecordType>(record[0]);
    if (type == RecordType::challenged_ballot) {
        ++challenged_;
        return {};
    }
    if (type != RecordType::encrypted_ballot) return {};
    // The ballot's layout (docs/encoding.md §4), read field by field without decoding any group
    // element: the ciphertexts are decoded once, below, by the public backend, which validates
    // them.
    CanonicalReader r(record, RecordType::encrypted_ballot, encrypted_ballot_version,
                      "encrypted ballot", oldest_encrypted_ballot_version);
    r.hash("election base hash");
    r.text("ballot id", max_id_size);
    r.text("device id", max_id_size);
    const std::string district = r.text("district id", max_id_size);
    const std::string style = r.text("ballot style id", max_id_size);
    r.u64("timestamp");
    r.hash("previous tracking code");
    if (r.ok() && (district != district_id_ || style != ballot_style_id_)) {
        return make_error(ErrorCode::invalid_argument,
                          "ballot of district " + quoted(district) + ", style " + quoted(style) +
                              " in the tally of district " + quoted(district_id_) + ", style " +
                              quoted(ballot_style_id_));
    }
    const std::size_t contests = r.count("contests", max_tally_contests);
    if (r.ok() && contests != sums_.size()) r.fail("contests", "not the ballot style's");
    std::vector<std::pair<crypto::CiphertextSum*, ByteSpan>> addends;
    auto skip_proof = [&](const std::string& field) {
        const std::uint32_t limit = r.u32(field);
        if (r.ok() && (limit == 0 || limit > crypto::max_range_limit)) r.fail(field, "bad limit");
        if (r.ok()) r.fixed(field, ballot_range_proof_size(r.version(), limit));
    };
    for (std::size_t c = 0; c < contests && r.ok(); ++c) {
        auto& contest = sums_[c];
        const std::string where = "contest " + std::to_string(c);
        if (r.text(where + " id", max_id_size) != contest.contest_id && r.ok())
            r.fail(where + " id", "not the ballot style's contest " + quoted(contest.contest_id));
        const std::size_t options = r.count(where + " selections", max_tally_options);
        if (r.ok() && options != contest.options.size())
            r.fail(where + " selections", "not the contest's option count");
        for (std::size_t o = 0; o < options && r.ok(); ++o) {
            const std::string at = where + " selection " + std::to_string(o);
            if (r.text(at + " option id", max_id_size) != contest.options[o].option_id && r.ok())
                r.fail(at + " option id", "not " + quoted(contest.options[o].option_id));
            const ByteSpan ciphertext = r.fixed(at + " ciphertext", crypto::Ciphertext::size);
            if (r.ok()) addends.emplace_back(&contest.options[o].value, ciphertext);
            skip_proof(at + " proof");
        }
        skip_proof(where + " count proof");
    }
    r.fixed("device signature", crypto::Ed25519Signature{}.bytes.size());
    if (auto ok = r.finish(); !ok) return ok;
    // Every ciphertext decoded once (docs/crypto.md §3.3) before any is added, so a ballot with
    // one bad ciphertext changes no sum.
    std::vector<crypto::PublicCiphertext> decoded;
    decoded.reserve(addends.size());
    for (std::size_t i = 0; i < addends.size(); ++i) {
        auto ciphertext = crypto::PublicCiphertext::from_bytes(addends[i].second);
        if (!ciphertext) return ciphertext.error().within("ballot ciphertext " + std::to_string(i));
        decoded.push_back(std::move(ciphertext).value());
    }
    for (std::size_t i = 0; i < addends.size(); ++i) addends[i].first->add(decoded[i]);
    ++counted_;
    return {};
}

Status DistrictTallyBuilder::add_cast(std::span<const crypto::PublicCiphertext> ciphertexts) {
    std::size_t options = 0;
    for (const auto& contest : sums_) options += contest.options.size();
    if (ciphertexts.size() != options) {
        return make_error(ErrorCode::invalid_argument, std::to_string(ciphertexts.size()) +
                                                           " ciphertexts for ballot style " +
                                                           quoted(ballot_style_id_) + "'s " +
                                                           std::to_string(options) + " options");
    }
    std::size_t i = 0;
    for (auto& contest : sums_)
        for (auto& option : contest.options) option.value.add(ciphertexts[i++]);
    ++counted_;
    return {};
}

void DistrictTallyBuilder::merge(const DistrictTallyBuilder& other) {
    for (std::size_t c = 0; c < sums_.size(); ++c)
        for (std::size_t o = 0; o < sums_[c].options.size(); ++o)
            sums_[c].options[o].value.add(other.sums_[c].options[o].value);
    counted_ += other.counted_;
    challenged_ += other.challenged_;
}

DistrictTally DistrictTallyBuilder::finish(std::uint64_t log_size, const Hash32& log_root) const {
    DistrictTally t;
    t.district_id = district_id_;
    t.ballot_style_id = ballot_style_id_;
    t.log_size = log_size;
    t.log_root = log_root;
    t.ballots_counted = counted_;
    t.ballots_challenged = challenged_;
    for (const auto& contest : sums_) {
        ContestValues<crypto::Ciphertext> values{contest.contest_id, {}};
        for (const auto& option : contest.options)
            values.options.push_back({option.option_id, option.value.value()});
        t.sums.push_back(std::move(values));
    }
    return t;
}

Status check_tally_shape(const ElectionContext& election, const DistrictTally& tally) {
    auto builder = DistrictTallyBuilder::create(election, tally.district_id);
    if (!builder) return builder.error();
    const DistrictTally empty = builder.value().finish(0, {});
    if (tally.ballot_style_id != empty.ballot_style_id) {
        return make_error(ErrorCode::invalid_argument,
                          "district tally: ballot style " + quoted(tally.ballot_style_id) +
                              ", the district's is " + quoted(empty.ballot_style_id));
    }
    return check_same_shape(empty.sums, tally.sums, "district tally");
}

// ---- Decryption -------------------------------------------------------------------------------

std::vector<crypto::Point> guardian_public_shares(const ElectionManifest& manifest) {
    std::vector<crypto::Point> out;
    if (!manifest.ceremony) return out;
    std::vector<crypto::CoefficientCommitments> commitments;
    for (const auto& g : manifest.ceremony->guardians) commitments.push_back(g.commitments);
    // By index, whatever the order of the ceremony record's list (the manifest allows any order;
    // the indices are 1 … n, each once).
    out.resize(manifest.ceremony->guardians.size());
    for (const auto& g : manifest.ceremony->guardians) {
        if (g.index >= 1 && g.index <= out.size())
            out[g.index - 1] = crypto::compute_public_share(commitments, g.index);
    }
    return out;
}

TallyDecryption decrypt_district_tally(const ElectionContext& election, const DistrictTally& tally,
                                       const Hash32& tally_hash, std::uint32_t guardian_index,
                                       const crypto::Scalar& secret_share,
                                       const crypto::Ed25519SigningKey& identity) {
    const crypto::Point public_share = crypto::Point::multiply_base(secret_share);
    TallyDecryption d;
    d.district_id = tally.district_id;
    d.guardian_index = guardian_index;
    d.tally_hash = tally_hash;
    for (const auto& contest : tally.sums) {
        ContestValues<PartialDecryption> values{contest.contest_id, {}};
        for (const auto& option : contest.options) {
            crypto::DecryptionShare share = crypto::compute_decryption_share(
                election.base_hash, guardian_index, secret_share, public_share, option.value);
            values.options.push_back({option.option_id, {share.partial, std::move(share.proof)}});
        }
        d.shares.push_back(std::move(values));
    }
    d.signature = identity.sign(encode_tally_decryption_body(d));
    return d;
}

Status verify_tally_decryption(const ElectionContext& election,
                               std::span<const crypto::Point> public_shares,
                               const DistrictTally& tally, const Hash32& tally_hash,
                               const TallyDecryption& d) {
    const ElectionManifest& m = election.manifest;
    const std::string who = "guardian " + std::to_string(d.guardian_index) +
                            "'s decryption of district " + quoted(d.district_id);
    if (!m.ceremony || d.guardian_index == 0 || d.guardian_index > m.ceremony->guardians.size() ||
        d.guardian_index > public_shares.size()) {
        return make_error(
            ErrorCode::invalid_argument,
            who + ": no guardian " + std::to_string(d.guardian_index) + " in this election");
    }
    const auto& guardians = m.ceremony->guardians;
    const auto guardian = std::find_if(guardians.begin(), guardians.end(),
                                       [&](const auto& g) { return g.index == d.guardian_index; });
    if (guardian == guardians.end()) {
        return make_error(
            ErrorCode::invalid_argument,
            who + ": no guardian " + std::to_string(d.guardian_index) + " in the ceremony record");
    }
    if (auto ok = crypto::verify_signature(guardian->identity_key, encode_tally_decryption_body(d),
                                           d.signature);
        !ok) {
        return ok.error().within(who + ": signature under the guardian's identity key");
    }
    if (d.district_id != tally.district_id || !(d.tally_hash == tally_hash)) {
        return make_error(ErrorCode::verification_failed,
                          who + ": names tally " + d.tally_hash.to_hex() +
                              ", not the district's tally " + tally_hash.to_hex());
    }
    if (auto ok = check_same_shape(tally.sums, d.shares, who); !ok) return ok;
    const crypto::Point& public_share = public_shares[d.guardian_index - 1];
    for (std::size_t c = 0; c < d.shares.size(); ++c) {
        for (std::size_t o = 0; o < d.shares[c].options.size(); ++o) {
            const auto& option = d.shares[c].options[o];
            if (auto ok = crypto::verify_decryption_share(
                    election.base_hash, public_share, tally.sums[c].options[o].value,
                    {d.guardian_index, option.value.partial, option.value.proof});
                !ok) {
                return ok.error().within(
                    "guardian " + std::to_string(d.guardian_index) + "'s decryption of " +
                    option_place(d.district_id, d.shares[c].contest_id, option.option_id));
            }
        }
    }
    return {};
}

namespace {

// β − Σ w_ℓ·M_ℓ for one option from the given guardians' partial decryptions.
Result<crypto::Point> combine_option(const ElectionContext& election, const crypto::Ciphertext& sum,
                                     std::span<const TallyDecryption> decryptions, std::size_t c,
                                     std::size_t o) {
    std::vector<crypto::DecryptionShare> shares;
    for (const auto& d : decryptions) {
        const auto& p = d.shares[c].options[o].value;
        shares.push_back({d.guardian_index, p.partial, p.proof});
    }
    return crypto::combine_decryption_shares(sum, shares, election.manifest.threshold);
}

Status check_decryptions_for(const DistrictTally& tally, const Hash32& tally_hash,
                             std::span<const TallyDecryption> decryptions,
                             std::uint32_t threshold) {
    if (decryptions.size() < threshold) {
        return make_error(
            ErrorCode::invalid_argument,
            "district " + quoted(tally.district_id) + ": " + std::to_string(decryptions.size()) +
                " guardians' decryptions, the threshold is " + std::to_string(threshold));
    }
    for (const auto& d : decryptions) {
        if (d.district_id != tally.district_id || !(d.tally_hash == tally_hash))
            return make_error(ErrorCode::invalid_argument,
                              "guardian " + std::to_string(d.guardian_index) +
                                  "'s decryption is not of this tally");
        if (auto ok = check_same_shape(tally.sums, d.shares, "decryption"); !ok) return ok;
    }
    return {};
}

}  // namespace

Result<DistrictResult> combine_tally_decryptions(const ElectionContext& election,
                                                 const DistrictTally& tally,
                                                 const Hash32& tally_hash,
                                                 std::span<const TallyDecryption> decryptions,
                                                 const crypto::DiscreteLogTable& table) {
    if (auto ok =
            check_decryptions_for(tally, tally_hash, decryptions, election.manifest.threshold);
        !ok)
        return ok.error();
    DistrictResult result;
    result.district_id = tally.district_id;
    result.tally_hash = tally_hash;
    for (const auto& d : decryptions) result.guardians.push_back(d.guardian_index);
    std::sort(result.guardians.begin(), result.guardians.end());
    if (std::adjacent_find(result.guardians.begin(), result.guardians.end()) !=
        result.guardians.end())
        return make_error(ErrorCode::invalid_argument, "a guardian's decryption is given twice");
    for (std::size_t c = 0; c < tally.sums.size(); ++c) {
        ContestValues<std::uint64_t> values{tally.sums[c].contest_id, {}};
        for (std::size_t o = 0; o < tally.sums[c].options.size(); ++o) {
            const auto& option = tally.sums[c].options[o];
            auto point = combine_option(election, option.value, decryptions, c, o);
            if (!point) return point.error();
            auto count = table.solve(point.value());
            if (!count) {
                return count.error().within(
                    option_place(tally.district_id, tally.sums[c].contest_id, option.option_id));
            }
            values.options.push_back({option.option_id, count.value()});
        }
        result.counts.push_back(std::move(values));
    }
    return result;
}

Status verify_district_result(const ElectionContext& election, const DistrictTally& tally,
                              const Hash32& tally_hash,
                              std::span<const TallyDecryption> decryptions,
                              const DistrictResult& result) {
    const std::string where = "district result of " + quoted(result.district_id);
    if (result.district_id != tally.district_id || !(result.tally_hash == tally_hash)) {
        return make_error(ErrorCode::verification_failed,
                          where + ": names tally " + result.tally_hash.to_hex() +
                              ", not the district's tally " + tally_hash.to_hex());
    }
    if (auto ok =
            check_decryptions_for(tally, tally_hash, decryptions, election.manifest.threshold);
        !ok)
        return ok.error().within(where);
    std::vector<std::uint32_t> given;
    for (const auto& d : decryptions) given.push_back(d.guardian_index);
    std::sort(given.begin(), given.end());
    if (given != result.guardians) {
        return make_error(ErrorCode::verification_failed,
                          where +
                              ": the guardians it names are not those whose decryptions "
                              "were given");
    }
    if (auto ok = check_same_shape(tally.sums, result.counts, where); !ok) return ok;
    for (std::size_t c = 0; c < tally.sums.size(); ++c) {
        for (std::size_t o = 0; o < tally.sums[c].options.size(); ++o) {
            auto point =
                combine_option(election, tally.sums[c].options[o].value, decryptions, c, o);
            if (!point) return point.error().within(where);
            const std::uint64_t count = result.counts[c].options[o].value;
            if (!(point.value() ==
                  crypto::Point::multiply_base(crypto::Scalar::from_uint64(count)))) {
                return make_error(ErrorCode::verification_failed,
                                  where + ": " +
                                      option_place(tally.district_id, tally.sums[c].contest_id,
                                                   tally.sums[c].options[o].option_id) +
                                      ": the count " + std::to_string(count) +
                                      " is not what the decryptions give");
            }
        }
    }
    return {};
}

ElectionTotals sum_district_results(std::span<const DistrictResult> results) {
    ElectionTotals totals;
    for (const auto& r : results)
        for (const auto& contest : r.counts)
            for (const auto& option : contest.options)
                totals[contest.contest_id][option.option_id] += option.value;
    return totals;
}

}  // namespace psephos::election

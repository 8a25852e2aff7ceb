// The record verifier's byte reader, record decoders and hash inputs (record_verifier_decode.hpp),
// from docs/election-record.md §3–§4 and docs/encoding.md; the ledger's decoders are not used.
#include "record_verifier_decode.hpp"

#include <sodium.h>

#include <algorithm>

namespace psephos::verifier::decode {

using crypto::Point;
using crypto::Scalar;

Hash32 sha256_of(ByteSpan data) { return sha256_of({data}); }

Hash32 sha256_of(std::initializer_list<ByteSpan> parts) {
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    for (const ByteSpan part : parts) crypto_hash_sha256_update(&state, part.data(), part.size());
    Hash32 out;
    crypto_hash_sha256_final(&state, out.bytes.data());
    return out;
}

Bytes text_field(std::string_view s) {
    Bytes out;
    append_u32_be(out, static_cast<std::uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

Hash32 domain_hash(std::string_view label, ByteSpan data) {
    return sha256_of({text_field(label), data});
}

Hash32 leaf_hash(ByteSpan record) {
    const std::uint8_t prefix = 0x00;
    return sha256_of({ByteSpan(&prefix, 1), record});
}

Hash32 node_hash(const Hash32& left, const Hash32& right) {
    const std::uint8_t prefix = 0x01;
    return sha256_of({ByteSpan(&prefix, 1), left.bytes, right.bytes});
}

Hash32 tracking_code_seed(const Hash32& base_hash, std::string_view device_id) {
    const std::uint8_t tag[2] = {0x02, 0x01};
    return sha256_of({ByteSpan(tag, 2), text_field("psephos/v1/tracking-code-seed"),
                      base_hash.bytes, text_field(device_id)});
}

Hash32 next_tracking_code(const Hash32& previous, const Hash32& ballot_hash) {
    const std::uint8_t tag[2] = {0x02, 0x01};
    return sha256_of({ByteSpan(tag, 2), text_field("psephos/v1/tracking-code"), previous.bytes,
                      ballot_hash.bytes});
}

std::string display_tracking_code(const Hash32& code) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string b32;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < 20; ++i) {
        buffer = (buffer << 8) | code.bytes[i];
        bits += 8;
        while (bits >= 5) {
            b32.push_back(alphabet[(buffer >> (bits - 5)) & 31U]);
            bits -= 5;
        }
    }
    std::string out;
    for (std::size_t i = 0; i < b32.size(); i += 4) {
        if (i) out.push_back('-');
        out += b32.substr(i, 4);
    }
    return out;
}

bool is_id(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

namespace {

bool is_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1FU;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0FU;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07U;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3FU);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

}  // namespace

// ---- RootBuilder ---------------------------------------------------------------------------

void RootBuilder::append(const Hash32& leaf) {
    range_.emplace_back(leaf, 1);
    while (range_.size() >= 2 && range_[range_.size() - 2].second == range_.back().second) {
        auto right = range_.back();
        range_.pop_back();
        range_.back().first = node_hash(range_.back().first, right.first);
        range_.back().second *= 2;
    }
    ++size_;
}

Hash32 RootBuilder::root() const {
    if (range_.empty()) return sha256_of(ByteSpan{});
    Hash32 r = range_.back().first;
    for (std::size_t i = range_.size() - 1; i-- > 0;) r = node_hash(range_[i].first, r);
    return r;
}

// ---- Reader --------------------------------------------------------------------------------

void Reader::fail(const std::string& why) {
    if (error_.empty()) error_ = what_ + " at byte " + std::to_string(at_) + ": " + why;
}

void Reader::header(RecordKind kind, std::uint8_t version) {
    const std::uint8_t t = u8();
    const std::uint8_t v = u8();
    if (ok() && (t != static_cast<std::uint8_t>(kind) || v != version))
        fail("not a record of type and version " + std::to_string(version));
}

ByteSpan Reader::take(std::size_t n) {
    if (!ok()) return {};
    if (data_.size() - at_ < n) {
        fail("truncated");
        return {};
    }
    const ByteSpan out = data_.subspan(at_, n);
    at_ += n;
    return out;
}

std::uint8_t Reader::u8() {
    const ByteSpan b = take(1);
    return b.empty() ? 0 : b[0];
}
std::uint16_t Reader::u16() {
    const ByteSpan b = take(2);
    return b.empty() ? 0 : static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}
std::uint32_t Reader::u32() {
    const ByteSpan b = take(4);
    if (b.empty()) return 0;
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}
std::uint64_t Reader::u64() {
    const ByteSpan b = take(8);
    std::uint64_t v = 0;
    for (const std::uint8_t x : b) v = v << 8 | x;
    return v;
}
std::uint32_t Reader::count(std::uint32_t limit) {
    const std::uint32_t n = u32();
    if (n > limit) {
        fail("count " + std::to_string(n) + " over the limit " + std::to_string(limit));
        return 0;
    }
    return n;
}
ByteSpan Reader::bytes(std::uint32_t limit) { return take(count(limit)); }
std::string Reader::text(std::uint32_t limit) {
    const ByteSpan b = bytes(limit);
    std::string s(b.begin(), b.end());
    if (!is_utf8(s)) fail("text is not UTF-8");
    return s;
}
std::string Reader::id() {
    std::string s = text(64);
    if (ok() && !is_id(s)) fail("'" + s + "' is not an id");
    return s;
}
Hash32 Reader::hash() {
    Hash32 h;
    const ByteSpan b = take(32);
    if (!b.empty()) std::copy(b.begin(), b.end(), h.bytes.begin());
    return h;
}
Point Reader::point() {
    const ByteSpan b = take(32);
    if (b.empty()) return Point();
    auto p = Point::from_bytes(b);
    if (!p) {
        fail(p.error().message);
        return Point();
    }
    return p.value();
}
crypto::DecodedCiphertext Reader::ciphertext() {
    crypto::DecodedCiphertext c;
    for (std::size_t half = 0; half < 2; ++half) {
        const ByteSpan b = take(32);
        if (b.empty()) return {};
        auto p = crypto::PublicPoint::from_bytes(b);
        if (!p) {
            fail(p.error().message);
            return {};
        }
        (half == 0 ? c.unencoded.alpha : c.unencoded.beta) = p.value();
        std::copy(b.begin(), b.end(), c.encoding.begin() + static_cast<std::ptrdiff_t>(32 * half));
    }
    return c;
}
Scalar Reader::scalar() {
    const ByteSpan b = take(32);
    if (b.empty()) return Scalar();
    auto s = Scalar::from_bytes(b);
    if (!s) {
        fail("scalar not canonical");
        return Scalar();
    }
    return s.value();
}
crypto::Ed25519PublicKey Reader::ed_key() {
    const ByteSpan b = take(32);
    if (b.empty()) return {};
    auto k = crypto::Ed25519PublicKey::from_bytes(b);
    if (!k) {
        fail("not a valid Ed25519 public key");
        return {};
    }
    return k.value();
}
crypto::DecodedCommittedRangeProof Reader::range_proof(std::optional<std::uint32_t> expected_limit,
                                                       bool committed) {
    crypto::DecodedCommittedRangeProof proof;
    const std::uint32_t limit = u32();
    if (!ok()) return proof;
    if (expected_limit && limit != *expected_limit) {
        fail("range proof limit " + std::to_string(limit) + ", expected " +
             std::to_string(*expected_limit));
        return proof;
    }
    if (limit < 1 || limit > 255) {
        fail("range proof limit " + std::to_string(limit));
        return proof;
    }
    if (committed) {
        // Bounded by the bytes left before anything is allocated for them.
        if (data_.size() - at_ < 4 * (std::size_t{limit} + 1) * 32) {
            fail("truncated: a range proof with limit " + std::to_string(limit) + " needs " +
                 std::to_string(4 * (std::size_t{limit} + 1) * 32) + " bytes");
            return proof;
        }
        for (std::uint32_t j = 0; j < 2 * (limit + 1) && ok(); ++j) {
            const ByteSpan b = take(32);
            auto p = crypto::DecodedPoint::from_bytes(b);
            if (!p) {
                fail("range proof commitment " + std::to_string(j) + ": " + p.error().message);
                return proof;
            }
            proof.commitments.push_back(std::move(p).value());
        }
    }
    for (std::uint32_t j = 0; j <= limit; ++j) proof.compact.challenges.push_back(scalar());
    for (std::uint32_t j = 0; j <= limit; ++j) proof.compact.responses.push_back(scalar());
    return proof;
}
void Reader::done() {
    if (ok() && at_ != data_.size()) fail(std::to_string(data_.size() - at_) + " bytes left over");
}

// ---- Decoders ------------------------------------------------------------------------------

namespace {

Error encoding_error(const Reader& r) { return Error{ErrorCode::invalid_encoding, r.error()}; }

// The decoded value, or the reader's first problem.
template <class T>
Result<T> finish(const Reader& r, T value) {
    if (!r.ok()) return encoding_error(r);
    return Result<T>(std::move(value));
}

Localized read_localized(Reader& r) {
    Localized l;
    l.text = r.text(4096);
    const std::uint32_t n = r.count(100);
    for (std::uint32_t i = 0; i < n; ++i) {
        std::string tag = r.text(35);
        std::string t = r.text(4096);
        l.translations.emplace_back(std::move(tag), std::move(t));
    }
    return l;
}

template <class T, class F>
PerOption<T> read_per_option(Reader& r, F read_value) {
    PerOption<T> out;
    const std::uint32_t contests = r.count(1000);
    for (std::uint32_t c = 0; c < contests && r.ok(); ++c) {
        std::string cid = r.text(64);
        std::vector<std::pair<std::string, T>> options;
        const std::uint32_t n = r.count(1000);
        for (std::uint32_t o = 0; o < n && r.ok(); ++o) {
            std::string oid = r.text(64);
            if (r.ok() && oid.empty()) r.fail("empty option id");
            T value = read_value(r);
            options.emplace_back(std::move(oid), std::move(value));
        }
        if (r.ok() && cid.empty()) r.fail("empty contest id");
        out.emplace_back(std::move(cid), std::move(options));
    }
    return out;
}

void read_ballot(Reader& r, DecodedBallot& b) {
    const std::uint8_t type = r.u8();
    b.version = r.u8();
    if (r.ok() && (type != static_cast<std::uint8_t>(RecordKind::cast_ballot) ||
                   b.version < oldest_ballot_version || b.version > committed_ballot_version))
        r.fail("not an encrypted ballot of version " + std::to_string(oldest_ballot_version) +
               " or " + std::to_string(committed_ballot_version));
    const bool committed = b.version >= committed_ballot_version;
    b.base_hash = r.hash();
    b.ballot_id = r.text(64);
    b.device_id = r.text(64);
    b.district_id = r.text(64);
    b.style_id = r.text(64);
    b.timestamp = r.u64();
    if (r.ok() && b.timestamp % 3600 != 0) r.fail("timestamp not rounded down to the hour");
    b.previous = r.hash();
    const std::uint32_t contests = r.count(1000);
    for (std::uint32_t c = 0; c < contests && r.ok(); ++c) {
        DecodedContest contest;
        contest.id = r.text(64);
        const std::uint32_t n = r.count(1000);
        for (std::uint32_t s = 0; s < n && r.ok(); ++s) {
            DecodedSelection sel;
            sel.id = r.text(64);
            sel.ciphertext = r.ciphertext();
            sel.proof = r.range_proof(1, committed);
            contest.selections.push_back(std::move(sel));
        }
        contest.count_proof = r.range_proof(std::nullopt, committed);
        b.contests.push_back(std::move(contest));
    }
    const ByteSpan sig = r.take(64);
    if (!sig.empty()) std::copy(sig.begin(), sig.end(), b.signature.bytes.begin());
    r.done();
}

}  // namespace

Result<DecodedManifest> decode_manifest(ByteSpan data) {
    DecodedManifest m;
    Reader r(data, "manifest");
    // Version 2 is version 1 with the "polls" member's byte after the threshold.
    const std::uint8_t version = data.size() > 1 && data[1] == 2 ? 2 : 1;
    r.header(RecordKind::manifest, version);
    m.election_id = r.id();
    m.name = r.text(4096);
    m.start_date = r.text(10);
    m.end_date = r.text(10);
    std::uint32_t n = r.count(100000);
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
        std::string id = r.id();
        std::string name = r.text(4096);
        m.districts.emplace_back(std::move(id), std::move(name));
    }
    n = r.count(100000);
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
        ManifestContest c;
        c.id = r.id();
        c.title = read_localized(r);
        c.kind = r.u8();
        c.vote_for = r.u32();
        const std::uint32_t options = r.count(1000);
        for (std::uint32_t o = 0; o < options && r.ok(); ++o) {
            std::string oid = r.id();
            Localized label = read_localized(r);
            c.options.emplace_back(std::move(oid), std::move(label));
        }
        if (r.ok() && ((c.kind != 1 && c.kind != 2) || c.vote_for < 1 ||
                       c.vote_for > std::min<std::size_t>(255, c.options.size())))
            r.fail("contest '" + c.id + "': kind or vote_for");
        m.contests.push_back(std::move(c));
    }
    n = r.count(100000);
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
        ManifestStyle s;
        s.id = r.id();
        const std::uint32_t d = r.count(100000);
        for (std::uint32_t k = 0; k < d && r.ok(); ++k) s.districts.push_back(r.id());
        const std::uint32_t c = r.count(1000);
        for (std::uint32_t k = 0; k < c && r.ok(); ++k) s.contests.push_back(r.id());
        m.styles.push_back(std::move(s));
    }
    m.guardian_count = r.u32();
    m.threshold = r.u32();
    if (version == 2) {
        m.close_requires = r.u8();
        if (r.ok() && (m.close_requires < 1 || m.close_requires > 2))
            r.fail("polls close_requires is " + std::to_string(m.close_requires) + ", not 1 or 2");
    }
    m.ceremony_offset = r.position();
    if (r.u8() != 1 && r.ok()) r.fail("has_ceremony is not 1 (not finalized)");
    m.joint_key = r.point();
    n = r.count(255);
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
        ManifestGuardian g;
        g.index = r.u32();
        g.identity_key = r.ed_key();
        const std::uint32_t k = r.count(255);
        for (std::uint32_t j = 0; j < k && r.ok(); ++j) {
            ManifestCommitment c;
            c.key = r.point();
            c.challenge = r.scalar();
            c.response = r.scalar();
            g.commitments.push_back(std::move(c));
        }
        m.guardians.push_back(std::move(g));
    }
    r.done();
    return finish(r, std::move(m));
}

Result<DecodedBallot> decode_ballot(ByteSpan record) {
    DecodedBallot out;
    Reader r(record, "encrypted ballot");
    read_ballot(r, out);
    out.body_offset = 0;
    out.body_size = record.size() >= 64 ? record.size() - 64 : 0;
    return finish(r, std::move(out));
}

Result<DecodedChallenged> decode_challenged(ByteSpan record) {
    DecodedChallenged challenged;
    DecodedBallot& out = challenged.ballot;
    std::vector<std::vector<Opening>>& openings = challenged.openings;
    Reader r(record, "challenged ballot");
    r.header(RecordKind::challenged_ballot);
    const std::size_t inner_at = r.position() + 4;
    const ByteSpan inner = r.bytes(64U * 1024U * 1024U);
    if (!r.ok()) return encoding_error(r);
    Reader ir(inner, "challenged ballot: inner ballot");
    read_ballot(ir, out);
    if (!ir.ok()) return encoding_error(ir);
    out.body_offset = inner_at;
    out.body_size = inner.size() - 64;
    if (r.count(1000) != out.contests.size() && r.ok())
        r.fail("contest count differs from the ballot's");
    for (const auto& c : out.contests) {
        if (!r.ok()) break;
        if (r.count(1000) != c.selections.size() && r.ok())
            r.fail("selection count differs from the ballot's");
        std::vector<Opening> row;
        for (std::size_t s = 0; s < c.selections.size() && r.ok(); ++s) {
            Opening o;
            o.mark = r.u8();
            if (r.ok() && o.mark > 1) r.fail("mark must be 0 or 1");
            o.nonce = r.scalar();
            row.push_back(std::move(o));
        }
        openings.push_back(std::move(row));
    }
    r.done();
    return finish(r, std::move(challenged));
}

Result<DecodedRegistration> decode_registration(ByteSpan record) {
    DecodedRegistration out;
    Reader r(record, "device registration");
    r.header(RecordKind::device_registration, 2);
    out.district_id = r.id();
    out.device_id = r.id();
    out.key = r.ed_key();
    r.u64();
    out.body_size = r.position();
    const ByteSpan sig = r.take(64);
    if (!sig.empty()) std::copy(sig.begin(), sig.end(), out.authority_signature.bytes.begin());
    r.done();
    return finish(r, std::move(out));
}

Result<DecodedDeauthorisation> decode_deauthorisation(ByteSpan record) {
    DecodedDeauthorisation out;
    Reader r(record, "device deauthorisation");
    r.header(RecordKind::device_deauthorisation);
    out.district_id = r.id();
    out.device_id = r.id();
    out.key = r.ed_key();
    r.u64();
    out.reason = r.text(200);
    if (r.ok() &&
        (out.reason.empty() || std::any_of(out.reason.begin(), out.reason.end(), [](char c) {
             return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
         })))
        r.fail("reason is empty or holds a control character");
    out.body_size = r.position();
    const ByteSpan sig = r.take(64);
    if (!sig.empty()) std::copy(sig.begin(), sig.end(), out.authority_signature.bytes.begin());
    r.done();
    return finish(r, std::move(out));
}

Result<DecodedEquivocation> decode_equivocation(ByteSpan record) {
    DecodedEquivocation out;
    Reader r(record, "equivocation evidence");
    r.header(RecordKind::equivocation_evidence);
    out.station_id = r.id();
    out.district_id = r.id();
    out.reason = r.text(1000);
    if (r.ok() &&
        (out.reason.empty() || std::any_of(out.reason.begin(), out.reason.end(), [](char c) {
             return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
         })))
        r.fail("reason is empty or holds a control character");
    for (std::string* note : {&out.held_note, &out.presented_note}) {
        *note = r.text(64 * 1024);
        if (r.ok() && (note->empty() || note->back() != '\n'))
            r.fail("a note is empty or does not end in a newline");
    }
    r.done();
    return finish(r, std::move(out));
}

Result<DecodedApproval> decode_approval(ByteSpan record) {
    DecodedApproval out;
    Reader r(record, "election approval");
    r.header(RecordKind::authority_approval);
    out.base_hash = r.hash();
    out.authority_key = r.ed_key();
    const ByteSpan sig = r.take(64);
    if (!sig.empty()) std::copy(sig.begin(), sig.end(), out.signature.bytes.begin());
    r.done();
    return finish(r, out);
}

Result<DecodedPolls> decode_polls(ByteSpan record) {
    DecodedPolls out;
    Reader r(record, "polls record");
    const auto kind = static_cast<RecordKind>(record.empty() ? 0 : record[0]);
    const bool polls = kind == RecordKind::polls_opened || kind == RecordKind::polls_paused ||
                       kind == RecordKind::polls_resumed || kind == RecordKind::polls_closed;
    r.header(polls ? kind : RecordKind::polls_opened, 2);
    out.district_id = r.id();
    out.time = r.u64();
    out.cast = r.u64();
    out.challenged = r.u64();
    out.actor = r.text(200);
    if (r.ok() && std::any_of(out.actor.begin(), out.actor.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
        }))
        r.fail("actor holds a control character");
    out.device_id = r.id();
    const std::uint32_t heads = r.count(10000);
    if (r.ok() && kind == RecordKind::polls_closed && heads == 0)
        r.fail("a closing record without device heads");
    if (r.ok() && kind != RecordKind::polls_closed && heads != 0)
        r.fail("device heads outside the closing record");
    for (std::uint32_t i = 0; i < heads && r.ok(); ++i) {
        DecodedHead h;
        h.device_id = r.id();
        if (r.ok() && !out.heads.empty() && !(out.heads.back().device_id < h.device_id))
            r.fail("device heads not in ascending order of device id");
        h.ballots = r.u64();
        h.last_code = r.hash();
        const ByteSpan sig = r.take(64);
        if (!sig.empty()) std::copy(sig.begin(), sig.end(), h.signature.bytes.begin());
        out.heads.push_back(std::move(h));
    }
    out.body_size = record.size() >= 64 ? record.size() - 64 : 0;
    const ByteSpan sig = r.take(64);
    if (!sig.empty()) std::copy(sig.begin(), sig.end(), out.signature.bytes.begin());
    r.done();
    if (r.ok() && kind == RecordKind::polls_opened && (out.cast || out.challenged))
        r.fail("zero report with ballots");
    return finish(r, std::move(out));
}

Result<DecodedDistrictCheckpoint> decode_district_checkpoint(ByteSpan record) {
    DecodedDistrictCheckpoint out;
    Reader r(record, "district checkpoint");
    r.header(RecordKind::district_checkpoint);
    out.district_id = r.id();
    out.note = r.text(65536);
    r.done();
    if (r.ok() && (out.note.empty() || out.note.back() != '\n'))
        r.fail("note does not end in a newline");
    return finish(r, std::move(out));
}

Result<DecodedEvent> decode_event(ByteSpan record) {
    DecodedEvent out;
    Reader r(record, "ledger event");
    r.header(RecordKind::event);
    out.sequence = r.u64();
    r.u64();
    const std::uint16_t type = r.u16();
    const std::uint8_t actor = r.u8();
    const std::uint8_t disposition = r.u8();
    if (r.ok() &&
        (type < 1 || type > 22 || actor < 1 || actor > 4 || disposition < 1 || disposition > 2))
        r.fail("unknown event type, actor or disposition");
    out.district_id = r.text(64);
    if (r.ok() && !out.district_id.empty() && !is_id(out.district_id)) r.fail("district id");
    r.text(4096);
    out.previous = r.hash();
    r.done();
    return finish(r, std::move(out));
}

Result<DecodedAnchorIntent> decode_anchor_intent(ByteSpan record) {
    DecodedAnchorIntent out;
    Reader r(record, "anchor intent");
    r.header(RecordKind::anchor_intent);
    out.chain = r.id();
    out.kind = r.u8();
    out.network = r.text(64);
    out.reason = r.text(32);
    const ByteSpan payload = r.bytes(77);
    out.payload.assign(payload.begin(), payload.end());
    r.u64();
    r.done();
    if (!r.ok()) return encoding_error(r);
    if (out.kind != 1 && out.kind != 2) r.fail("chain kind is neither 1 (EVM) nor 2 (Bitcoin)");
    const std::string& n = out.network;
    if (r.ok() && out.kind == 2 && n != "mainnet" && n != "testnet" && n != "signet" &&
        n != "regtest")
        r.fail("unknown Bitcoin network");
    if (r.ok() && out.kind == 1 &&
        (n.empty() || n.size() > 20 || n[0] == '0' ||
         !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
         (n.size() == 20 && n > "18446744073709551615")))
        r.fail("EVM chain id is not a decimal number from 1 to 2^64 - 1");
    if (r.ok() && out.reason != "polls-closed" && out.reason != "results" && out.reason != "manual")
        r.fail("unknown reason");
    if (r.ok() && (out.payload.size() != 77 ||
                   !std::equal(out.payload.begin(), out.payload.begin() + 4,
                               std::string_view("PSPH").begin()) ||
                   out.payload[4] != 1))
        r.fail("payload is not a 77-byte PSPH v1 anchor payload");
    if (r.ok()) {
        std::copy(out.payload.begin() + 5, out.payload.begin() + 37,
                  out.anchored.digest.bytes.begin());
        for (std::size_t i = 37; i < 45; ++i)
            out.anchored.size = out.anchored.size << 8 | out.payload[i];
        std::copy(out.payload.begin() + 45, out.payload.end(), out.anchored.root.bytes.begin());
    }
    return finish(r, std::move(out));
}

Result<DecodedAnchorTransaction> decode_anchor_transaction(ByteSpan record) {
    DecodedAnchorTransaction out;
    Reader r(record, "anchor transaction");
    r.header(RecordKind::anchor_transaction);
    out.intent = r.u64();
    out.transaction_id = r.hash();
    out.nonce = r.u64();
    out.sender = r.text(128);
    const ByteSpan raw = r.bytes(100 * 1024);
    out.raw.assign(raw.begin(), raw.end());
    r.u64();
    r.done();
    const std::string& sender = out.sender;
    if (r.ok() && (sender.empty() || !std::all_of(sender.begin(), sender.end(),
                                                  [](char c) { return c > 0x20 && c < 0x7F; })))
        r.fail("sender is not 1 to 128 printable ASCII characters");
    if (r.ok() && raw.empty()) r.fail("raw transaction is empty");
    return finish(r, out);
}

Result<DecodedAnchorConfirmation> decode_anchor_confirmation(ByteSpan record) {
    DecodedAnchorConfirmation out;
    Reader r(record, "anchor confirmation");
    r.header(RecordKind::anchor_confirmation);
    out.intent = r.u64();
    out.transaction_id = r.hash();
    out.block = r.u64();
    r.hash();
    out.confirmations = r.u32();
    r.u64();
    r.done();
    if (r.ok() && out.confirmations == 0) r.fail("confirmations is 0");
    return finish(r, out);
}

Result<DecodedTally> decode_tally(ByteSpan record) {
    DecodedTally out;
    Reader r(record, "district tally");
    r.header(RecordKind::district_tally);
    out.district_id = r.text(64);
    if (r.ok() && out.district_id.empty()) r.fail("empty district id");
    out.style_id = r.text(64);
    out.log_size = r.u64();
    out.log_root = r.hash();
    out.counted = r.u64();
    out.challenged = r.u64();
    out.sums = read_per_option<crypto::Ciphertext>(r, [](Reader& rr) {
        crypto::Ciphertext c;
        c.alpha = rr.point();
        c.beta = rr.point();
        return c;
    });
    r.done();
    if (r.ok() && out.counted + out.challenged > out.log_size) r.fail("more ballots than records");
    return finish(r, std::move(out));
}

Result<DecodedDecryption> decode_decryption(ByteSpan record) {
    DecodedDecryption out;
    Reader r(record, "tally decryption");
    r.header(RecordKind::tally_decryption);
    out.district_id = r.text(64);
    if (r.ok() && out.district_id.empty()) r.fail("empty district id");
    out.guardian = r.u32();
    if (r.ok() && out.guardian == 0) r.fail("guardian index 0");
    out.tally_hash = r.hash();
    out.shares = read_per_option<DecodedShare>(r, [](Reader& rr) {
        DecodedShare s;
        s.partial = rr.point();
        s.challenge = rr.scalar();
        s.response = rr.scalar();
        return s;
    });
    const ByteSpan sig = r.take(64);
    if (!sig.empty()) std::copy(sig.begin(), sig.end(), out.signature.bytes.begin());
    r.done();
    out.body_size = record.size() >= 64 ? record.size() - 64 : 0;
    return finish(r, std::move(out));
}

Result<DecodedResult> decode_result(ByteSpan record) {
    DecodedResult out;
    Reader r(record, "district result");
    r.header(RecordKind::district_result);
    out.district_id = r.text(64);
    if (r.ok() && out.district_id.empty()) r.fail("empty district id");
    out.tally_hash = r.hash();
    const std::uint32_t n = r.count(1000);
    if (r.ok() && n == 0) r.fail("no guardians");
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
        const std::uint32_t g = r.u32();
        if (r.ok() && (g == 0 || (!out.guardians.empty() && g <= out.guardians.back())))
            r.fail("guardians not ascending from 1");
        out.guardians.push_back(g);
    }
    out.counts = read_per_option<std::uint64_t>(r, [](Reader& rr) { return rr.u64(); });
    r.done();
    return finish(r, std::move(out));
}

}  // namespace psephos::verifier::decode

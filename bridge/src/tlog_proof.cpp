// C2SP tlog-proof: its text form, its verification, and Psephos ballots as tlog-proofs of the
// election log (tlog_proof.hpp, docs/proof-bundle.md §5).
#include "psephos/bridge/tlog_proof.hpp"

#include <algorithm>
#include <charconv>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/log_origin.hpp"

namespace psephos::bridge {

namespace {

constexpr std::size_t max_tlog_proof_bytes = std::size_t{4} << 20;
constexpr std::size_t max_proof_hashes = 64;
constexpr std::uint8_t ballot_chain_version = 0x01;

Error bad_proof(const std::string& why) {
    return Error{ErrorCode::invalid_encoding, "tlog-proof: " + why};
}

// A decimal without leading zeros (unless "0") below 2^64.
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// The text of a signed note (every line up to the blank line).
std::string_view note_text(std::string_view note) {
    const std::size_t blank = note.find("\n\n");
    return blank == std::string_view::npos ? std::string_view{} : note.substr(0, blank + 1);
}

class ChainReader {
public:
    explicit ChainReader(ByteSpan data) : data_(data) {}
    bool take(std::size_t n, ByteSpan& out) {
        if (data_.size() - at_ < n) return false;
        out = data_.subspan(at_, n);
        at_ += n;
        return true;
    }
    bool u8(std::uint8_t& v) {
        ByteSpan b;
        if (!take(1, b)) return false;
        v = b[0];
        return true;
    }
    bool u64(std::uint64_t& v, std::size_t width = 8) {
        ByteSpan b;
        if (!take(width, b)) return false;
        v = 0;
        for (std::uint8_t byte : b) v = (v << 8) | byte;
        return true;
    }
    bool text(Bytes& out) {
        std::uint64_t n = 0;
        ByteSpan b;
        if (!u64(n, 4) || !take(static_cast<std::size_t>(n), b)) return false;
        out.assign(b.begin(), b.end());
        return true;
    }
    bool done() const { return at_ == data_.size(); }

private:
    ByteSpan data_;
    std::size_t at_ = 0;
};

}  // namespace

std::string tlog_proof_to_text(const TlogProof& p) {
    std::string out(tlog_proof_header);
    out += '\n';
    if (p.extra) out += "extra " + to_base64(*p.extra) + "\n";
    out += "index " + std::to_string(p.index) + "\n";
    for (const Hash32& h : p.inclusion) out += to_base64(h.span()) + "\n";
    out += '\n';
    out += p.checkpoint;
    return out;
}

Result<TlogProof> parse_tlog_proof(std::string_view text) {
    if (text.size() > max_tlog_proof_bytes) return bad_proof("larger than 4 MiB");
    TlogProof p;
    std::size_t at = 0;
    std::size_t line_number = 0;
    // The next line, without its newline; nullopt at the end of the text or before a line that
    // has no newline.
    auto next_line = [&]() -> std::optional<std::string_view> {
        const std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) return std::nullopt;
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        ++line_number;
        return line;
    };
    auto where = [&] { return "line " + std::to_string(line_number) + ": "; };
    auto line = next_line();
    if (!line || *line != tlog_proof_header)
        return bad_proof("the first line is not '" + std::string(tlog_proof_header) + "'");
    line = next_line();
    if (line && line->starts_with("extra ")) {
        auto extra = from_base64(line->substr(6));
        if (!extra) return bad_proof(where() + "the extra data is not canonical base64");
        p.extra = std::move(extra).value();
        line = next_line();
    }
    if (!line || !line->starts_with("index "))
        return bad_proof("line " + std::to_string(line_number) + ": no 'index' line");
    const auto index = parse_decimal(line->substr(6));
    if (!index)
        return bad_proof(where() + "the index is not a decimal without leading zeros below 2^64");
    p.index = *index;
    for (line = next_line(); line && !line->empty(); line = next_line()) {
        if (p.inclusion.size() == max_proof_hashes)
            return bad_proof(where() + "more than 64 inclusion proof hashes");
        auto hash = from_base64(*line);
        if (!hash || hash->size() != 32)
            return bad_proof(where() + "a proof line is not canonical base64 of 32 bytes");
        p.inclusion.push_back(Hash32::from_bytes(*hash).value());
    }
    if (!line) return bad_proof("no empty line before the checkpoint");
    p.checkpoint = std::string(text.substr(at));
    if (p.checkpoint.empty() || p.checkpoint.back() != '\n')
        return bad_proof("the checkpoint is empty or does not end in a newline");
    return p;
}

Result<VerifiedTlogProof> verify_tlog_proof(const TlogProof& p, const Hash32& leaf_hash,
                                            const election::NoteVerifierKey& log_key,
                                            const std::optional<crypto::WitnessPolicy>& policy) {
    // Step 2: the origin and the log's signature.
    auto text = election::open_note(p.checkpoint, log_key);
    if (!text) return text.error().within("the checkpoint");
    auto checkpoint = election::Checkpoint::parse(text.value());
    if (!checkpoint) return checkpoint.error().within("the checkpoint");
    if (checkpoint->origin != log_key.name)
        return make_error(ErrorCode::verification_failed,
                          "the checkpoint's origin '" + checkpoint->origin +
                              "' is not the log key's name '" + log_key.name + "'");
    VerifiedTlogProof out{std::move(checkpoint).value(), {}};
    // Step 3: the witnesses.
    if (policy) {
        auto cosigners = crypto::check_witness_policy(p.checkpoint, *policy);
        if (!cosigners) return cosigners.error().within("the checkpoint's cosignatures");
        out.cosigners = std::move(cosigners).value();
    }
    // Step 4: the inclusion proof.
    if (auto ok = crypto::verify_inclusion(leaf_hash, p.index, out.checkpoint.size, p.inclusion,
                                           out.checkpoint.root);
        !ok)
        return ok.error().within("inclusion of entry " + std::to_string(p.index));
    return out;
}

Bytes encode_ballot_chain(const BallotChain& c) {
    Bytes out{ballot_chain_version};
    append_u32_be(out, static_cast<std::uint32_t>(c.ballot_record.size()));
    out.insert(out.end(), c.ballot_record.begin(), c.ballot_record.end());
    append_u64_be(out, c.ballot_index);
    out.push_back(static_cast<std::uint8_t>(c.district_inclusion.size()));
    for (const Hash32& h : c.district_inclusion)
        out.insert(out.end(), h.bytes.begin(), h.bytes.end());
    append_u32_be(out, static_cast<std::uint32_t>(c.election_leaf.size()));
    out.insert(out.end(), c.election_leaf.begin(), c.election_leaf.end());
    return out;
}

Result<BallotChain> decode_ballot_chain(ByteSpan extra) {
    ChainReader r(extra);
    BallotChain c;
    std::uint8_t version = 0;
    std::uint8_t hashes = 0;
    if (!r.u8(version) || version != ballot_chain_version)
        return bad_proof("extra: not a Psephos ballot chain (version 0x01)");
    if (!r.text(c.ballot_record) || !r.u64(c.ballot_index) || !r.u8(hashes))
        return bad_proof("extra: truncated before the district inclusion proof");
    if (hashes > max_proof_hashes) return bad_proof("extra: more than 64 inclusion proof hashes");
    for (std::uint8_t i = 0; i < hashes; ++i) {
        ByteSpan h;
        if (!r.take(32, h)) return bad_proof("extra: truncated inside the inclusion proof");
        c.district_inclusion.push_back(Hash32::from_bytes(h).value());
    }
    if (!r.text(c.election_leaf) || !r.done())
        return bad_proof("extra: the election-log record is truncated or followed by more bytes");
    return c;
}

TlogProof tlog_proof_of_bundle(const ProofBundle& b) {
    TlogProof p;
    p.extra = encode_ballot_chain(
        {b.ballot_record, b.ballot_index, b.district_inclusion, b.election_leaf});
    p.index = b.election_leaf_index;
    p.inclusion = b.witnessed ? b.witnessed->inclusion : b.election_inclusion;
    p.checkpoint = b.witnessed ? b.witnessed->cosigned_checkpoint : b.election_checkpoint;
    return p;
}

namespace {

struct ChainFacts {
    Hash32 leaf_hash;
    std::string detail;
};

// T1: the extra data, from the ballot to the election-log entry; returns the entry's leaf hash.
Result<ChainFacts> check_ballot_chain(const TlogProof& p, const TlogProofTrust& trust) {
    if (!p.extra) return make_error(ErrorCode::invalid_encoding, "the proof has no extra data");
    PSEPHOS_TRY_ASSIGN(const BallotChain c, decode_ballot_chain(*p.extra));
    const std::string& election_key = trust.election_key.name;
    constexpr std::string_view suffix = "/election";
    if (!election_key.ends_with(suffix))
        return make_error(ErrorCode::invalid_argument,
                          "the log key '" + election_key + "' is not an election log's");
    const std::string election_id = election_key.substr(0, election_key.size() - suffix.size());
    auto leaf = election::decode_district_checkpoint(c.election_leaf);
    if (!leaf) return leaf.error().within("extra: the election-log record");
    const std::string origin = election::district_origin(election_id, leaf->district_id);
    std::string district_text;
    if (trust.district_key) {
        if (trust.district_key->name != origin)
            return make_error(ErrorCode::verification_failed,
                              "the district key is for '" + trust.district_key->name +
                                  "', the record's district is '" + origin + "'");
        auto opened = election::open_note(leaf->signed_checkpoint, *trust.district_key);
        if (!opened) return opened.error().within("the district checkpoint");
        district_text = std::move(opened).value();
    } else {
        district_text = std::string(note_text(leaf->signed_checkpoint));
    }
    auto district = election::Checkpoint::parse(district_text);
    if (!district) return district.error().within("the district checkpoint");
    if (district->origin != origin)
        return make_error(ErrorCode::verification_failed,
                          "the district checkpoint's origin is '" + district->origin + "'");
    // The ballot: its record, district and tracking code, and its place in the district's log.
    Result<election::EncryptedBallot> ballot = Error{ErrorCode::invalid_encoding, "no record"};
    const bool challenged = !c.ballot_record.empty() && c.ballot_record[0] == 0x03;
    if (challenged) {
        auto opened = election::decode_challenged_ballot(c.ballot_record);
        if (opened)
            ballot = std::move(opened).value().ballot;
        else
            ballot = opened.error();
    } else {
        ballot = election::decode_ballot(c.ballot_record);
    }
    if (!ballot) return ballot.error().within("extra: the ballot record");
    if (ballot->district_id != leaf->district_id)
        return make_error(ErrorCode::verification_failed,
                          "the ballot is for district '" + ballot->district_id + "'");
    const Hash32 code = election::next_tracking_code(ballot->previous_tracking_code,
                                                     election::compute_ballot_hash(*ballot));
    if (trust.tracking_code) {
        bool same = false;
        if (trust.tracking_code->size() == 64) {
            auto full = Hash32::from_hex(*trust.tracking_code);
            if (!full) return full.error().within("the expected tracking code");
            same = full.value() == code;
        } else {
            auto printed = election::parse_tracking_code(*trust.tracking_code);
            if (!printed) return printed.error().within("the expected tracking code");
            same = std::equal(printed->begin(), printed->end(), code.bytes.begin());
        }
        if (!same)
            return make_error(ErrorCode::verification_failed,
                              "the ballot's tracking code is " +
                                  election::format_tracking_code(code) + ", not the expected one");
    }
    if (auto ok =
            crypto::verify_inclusion(crypto::hash_merkle_leaf(c.ballot_record), c.ballot_index,
                                     district->size, c.district_inclusion, district->root);
        !ok)
        return ok.error().within("the ballot in the district checkpoint");
    ChainFacts facts;
    facts.leaf_hash = crypto::hash_merkle_leaf(c.election_leaf);
    facts.detail =
        std::string(challenged ? "challenged" : "cast") + " ballot " +
        election::format_tracking_code(code) + " at " + std::to_string(c.ballot_index) +
        " of district '" + leaf->district_id + "' (size " + std::to_string(district->size) + ", " +
        (trust.district_key ? "signed by the given district key"
                            : "the district's signature not checked: no --district-key") +
        ")";
    return facts;
}

}  // namespace

std::vector<BundleCheck> verify_ballot_tlog_proof(const TlogProof& p, const TlogProofTrust& trust) {
    std::vector<BundleCheck> checks;
    auto chain = check_ballot_chain(p, trust);
    checks.push_back({"T1", "leaf hash (the ballot's chain)", chain.ok(),
                      chain ? chain->detail : chain.error().message});
    // T2 and T3 separately, then T4 with the whole of steps 2–4.
    auto text = election::open_note(p.checkpoint, trust.election_key);
    Result<election::Checkpoint> checkpoint =
        text ? election::Checkpoint::parse(*text) : Result<election::Checkpoint>(text.error());
    if (checkpoint && checkpoint->origin != trust.election_key.name)
        checkpoint =
            Error{ErrorCode::verification_failed, "the checkpoint's origin '" + checkpoint->origin +
                                                      "' is not '" + trust.election_key.name + "'"};
    checks.push_back({"T2", "election checkpoint", checkpoint.ok(),
                      checkpoint ? "size " + std::to_string(checkpoint->size) + ", signed by " +
                                       trust.election_key.to_text()
                                 : checkpoint.error().message});
    if (trust.witness_policy) {
        auto cosigners = crypto::check_witness_policy(p.checkpoint, *trust.witness_policy);
        std::string detail;
        if (cosigners) {
            detail = "cosigned by " + std::to_string(cosigners->size()) + " of " +
                     std::to_string(trust.witness_policy->witnesses.size()) + " (quorum " +
                     std::to_string(trust.witness_policy->threshold) + "):";
            for (const std::string& name : *cosigners) detail += " " + name;
        }
        checks.push_back({"T3", "witness cosignatures", cosigners.ok(),
                          cosigners ? detail : cosigners.error().message});
    }
    Status t4 =
        chain ? Status{} : Status(Error{ErrorCode::verification_failed, "no leaf hash (T1)"});
    if (t4 && checkpoint)
        t4 = crypto::verify_inclusion(chain->leaf_hash, p.index, checkpoint->size, p.inclusion,
                                      checkpoint->root);
    else if (t4)
        t4 = Error{ErrorCode::verification_failed, "no checkpoint (T2)"};
    checks.push_back(
        {"T4", "inclusion in the election log", t4.ok(),
         t4 ? "entry " + std::to_string(p.index) + " of " + std::to_string(checkpoint->size)
            : t4.error().message});
    return checks;
}

}  // namespace psephos::bridge

#include "psephos/kiosk/kiosk_station.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <system_error>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/memory_protection.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/ledger/polls_closing.hpp"
#include "psephos/ledger/voter_receipts.hpp"

namespace psephos::kiosk {
namespace fs = std::filesystem;

namespace {

// Where the station notes the tracking code of a ballot whose write failed, to look it up in the
// reopened ledger at its next start: one line "<64 hex digits>\n" per ballot (public data).
constexpr std::string_view unconfirmed_file = "kiosk-unconfirmed-ballots";
// Where the station writes each cast ballot's receipt file, for its receipt printer.
constexpr std::string_view receipts_directory = "receipts";

// Appends the line and syncs it, best effort: on a full disk this fails too, and the code on
// the kiosk's screen is what remains.
void note_unconfirmed(const fs::path& file, const Hash32& code) {
    const std::string line = code.to_hex() + "\n";
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    if (::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) ::fsync(fd);
    ::close(fd);
}

std::string random_ballot_id() {
    std::array<std::uint8_t, 16> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    return to_hex(bytes);
}

// The marks of a prepared or challenged ballot (their Scalars wipe themselves).
void wipe_marks(std::vector<std::vector<std::uint8_t>>& marks) {
    for (auto& contest : marks) crypto::wipe(contest);
    marks.clear();
}

void wipe_prepared_marks(election::PreparedBallot& prepared) { wipe_marks(prepared.marks); }

// Wipes a challenged ballot's marks on every path out of challenge().
class WipeChallengedMarks {
public:
    explicit WipeChallengedMarks(election::ChallengedBallot& ballot) : ballot_(ballot) {}
    ~WipeChallengedMarks() { wipe_marks(ballot_.marks); }
    WipeChallengedMarks(const WipeChallengedMarks&) = delete;
    WipeChallengedMarks& operator=(const WipeChallengedMarks&) = delete;

private:
    election::ChallengedBallot& ballot_;
};

}  // namespace

Result<std::unique_ptr<KioskStation>> KioskStation::open(const KioskConfig& config) {
    if (sodium_init() < 0) return Error{ErrorCode::io_error, "libsodium failed to initialize"};
    std::unique_ptr<KioskStation> station(new KioskStation());
    station->clock_ = config.clock;
    station->data_ = config.data;
    station->district_id_ = config.district_id;
    station->device_id_ = config.device_id;

    auto manifest = election::load_manifest_file(config.election.string());
    if (!manifest) return manifest.error();
    if (!manifest.value().ceremony)
        return Error{ErrorCode::invalid_argument,
                     config.election.string() +
                         ": the manifest is not finalized (run the key ceremony first)"};
    auto election = election::make_election_context(std::move(manifest).value());
    if (!election) return election.error().within(config.election.string());

    const fs::path database = config.data / "ledger";
    std::error_code ec;
    if (!fs::exists(database, ec))
        return Error{ErrorCode::not_found,
                     config.data.string() + ": no ledger here (" + database.string() +
                         " does not exist); create one with 'psephos ledger init'"};
    const fs::path key_path =
        config.ledger_key.empty() ? config.data / "ledger.key" : config.ledger_key;
    auto key = ledger::LedgerKey::read_file(key_path);
    if (!key) return key.error();
    ledger::LedgerOptions options;
    options.directory = database;
    options.clock = config.clock;
    options.storage_faults = config.ledger_storage_faults;
    auto opened = ledger::Ledger::open(options, std::move(key).value());
    if (!opened) {
        Error e = opened.error();
        // RocksDB: "While lock file: …/LOCK: Resource temporarily unavailable" (another process)
        // or "lock hold by current process … /LOCK: No locks available".
        if (e.message.find("/LOCK") != std::string::npos)
            e.message += " (the ledger is locked: another process has it open for writing)";
        return e;
    }
    station->ledger_ = std::move(opened).value();
    const election::ElectionContext& context = station->ledger_->election();
    if (context.base_hash != election.value().base_hash)
        return Error{ErrorCode::invalid_argument,
                     config.election.string() + ": election '" +
                         election.value().manifest.election_id +
                         "' is not the election of the ledger in " + config.data.string() + " ('" +
                         context.manifest.election_id + "', another base hash)"};

    const auto& districts = context.manifest.districts;
    std::size_t d = 0;
    while (d < districts.size() && districts[d].id != config.district_id) ++d;
    if (d == districts.size())
        return Error{ErrorCode::not_found, "no district '" + config.district_id +
                                               "' in election '" + context.manifest.election_id +
                                               "'"};
    station->district_index_ = d;

    auto device_key = crypto::read_signing_key_file(config.device_key);
    if (!device_key) return device_key.error();
    station->device_key_ =
        std::make_unique<crypto::Ed25519SigningKey>(std::move(device_key).value());
    auto head = station->ledger_->casting().device_chain_head(d, config.device_id);
    if (!head)
        return Error{
            ErrorCode::not_found,
            "device '" + config.device_id + "' is not registered in district '" +
                config.district_id +
                "' (an election official registers it, as the election authority authorised it: "
                "psephos ledger register-device --authorisation)"};
    station->chain_head_ = *head;
    if (auto ok = station->settle_unconfirmed(); !ok) return ok.error();
    if (config.precomputed_ballots > 0)
        station->pool_ = std::make_unique<election::BallotPrecomputationPool>(
            context, config.district_id, config.precomputed_ballots, 1);
    return station;
}

KioskStation::~KioskStation() {
    discard_sealed();
    if (pool_) pool_->stop_refilling();
}

const election::ElectionContext& KioskStation::election() const { return ledger_->election(); }

const election::District& KioskStation::district() const {
    return election().manifest.districts.at(district_index_);
}

std::uint64_t KioskStation::now() const {
    if (clock_) return clock_();
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

StationStatus KioskStation::status() const {
    StationStatus s;
    s.casting = ledger_->casting().status(district_index_);
    if (auto log = ledger_->status(district_id_)) {
        s.log_size = log.value().size;
        s.root_hex = to_hex(log.value().root.bytes);
        s.signed_checkpoint = log.value().signed_checkpoint;
    }
    return s;
}

std::optional<std::uint64_t> KioskStation::disk_free_bytes() const {
    std::error_code ec;
    const fs::space_info space = fs::space(data_, ec);
    if (ec) return std::nullopt;
    return space.available;
}

Result<ledger::Receipt> KioskStation::record_polls(election::PollsAction action,
                                                   std::string actor) {
    if (auto ok = refuse_if_unconfirmed(); !ok) return ok.error();  // its counts are not known
    // Signed by this kiosk; a closing carries its own head (a district whose other devices
    // are not in this process cannot be closed from here: their heads are theirs to sign).
    auto record =
        ledger::make_polls_record(*ledger_, district_index_, action, now(), std::move(actor),
                                  device_id_, {{device_id_, device_key_.get()}});
    if (!record) return record.error();
    return ledger_->submit(std::move(record).value(), election::ActorRole::poll_worker).get();
}

Result<election::PreparedBallot> KioskStation::prepare(const election::BallotMarks& marks) {
    const election::BallotRequest request{random_ballot_id(), device_id_, district_id_, now(),
                                          chain_head_};
    return election::encrypt_ballot(election(), request, marks, *device_key_, pool_.get());
}

// The ballots whose write failed before this start: each is now in the reopened ledger or not
// (docs/ledger.md §9). Each outcome goes to the event log, durably, before the note is removed.
Status KioskStation::settle_unconfirmed() {
    const fs::path file = data_ / unconfirmed_file;
    std::error_code ec;
    if (!fs::exists(file, ec)) return {};
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        auto code = Hash32::from_hex(line);
        if (!code) return code.error().within(file.string());
        UnconfirmedOutcome outcome{election::format_tracking_code(code.value()), false, {}, 0};
        if (auto entry = ledger_->casting().find_tracking_code(code.value())) {
            outcome.recorded = true;
            outcome.log = ledger_->election().manifest.districts.at(entry->district_index).id;
            outcome.index = entry->index;
        }
        auto recorded = ledger_->record_event(
            election::EventType::error, election::ActorRole::system,
            outcome.recorded ? election::Disposition::success : election::Disposition::failure,
            district_id_,
            "ballot " + outcome.tracking_code + ", whose write failed before the restart, " +
                (outcome.recorded ? "is recorded at record " + std::to_string(outcome.index)
                                  : "is not recorded"));
        if (!recorded) return recorded.error().within(file.string());
        recovered_.push_back(std::move(outcome));
    }
    if (!fs::remove(file, ec) && ec)
        return Error{ErrorCode::io_error, file.string() + ": " + ec.message()};
    return {};
}

Status KioskStation::refuse_if_unconfirmed() const {
    if (!unconfirmed_) return {};
    return Error{ErrorCode::refused,
                 "the ledger failed to write ballot " + *unconfirmed_ +
                     ": restart the kiosk before anyone votes, then look that tracking code up "
                     "to learn whether the ballot was cast"};
}

Result<ledger::Receipt> KioskStation::submit_ballot(Bytes record, const Hash32& tracking_code) {
    auto receipt = ledger_->submit(std::move(record), election::ActorRole::system).get();
    if (receipt) {
        chain_head_ = tracking_code;
    } else if (receipt.error().code == ErrorCode::io_error) {
        // Not acknowledged, but perhaps on disk: neither the chain head nor anything else may
        // move on until a reopened ledger says which (docs/ledger.md §9).
        unconfirmed_ = election::format_tracking_code(tracking_code);
        note_unconfirmed(data_ / unconfirmed_file, tracking_code);
        return Error{ErrorCode::io_error, "the ledger could not confirm that it stored ballot " +
                                              *unconfirmed_ + ": " + receipt.error().message};
    } else if (auto head = ledger_->casting().device_chain_head(district_index_, device_id_)) {
        chain_head_ = *head;  // whatever the ledger holds is the chain to continue
    }
    return receipt;
}

Result<SealedBallot> KioskStation::seal(const election::BallotMarks& marks) {
    if (auto ok = refuse_if_unconfirmed(); !ok) return ok.error();
    discard_sealed();
    auto prepared = prepare(marks);
    if (!prepared) return prepared.error();
    const Hash32 code = prepared.value().tracking_code;
    sealed_.emplace(std::move(prepared).value());
    sealed_code_ = SealedBallot{election::format_tracking_code(code), code};
    return *sealed_code_;
}

void KioskStation::discard_sealed() {
    if (sealed_) wipe_prepared_marks(*sealed_);
    sealed_.reset();
    sealed_code_.reset();
}

Status KioskStation::refuse_unless_sealed() const {
    if (auto ok = refuse_if_unconfirmed(); !ok) return ok;
    if (!sealed_)
        return Error{ErrorCode::refused,
                     "no sealed ballot: the kiosk seals the marked ballot and shows its tracking "
                     "code before the voter casts or challenges it"};
    return {};
}

Result<CastReceipt> KioskStation::cast() {
    if (auto ok = refuse_unless_sealed(); !ok) return ok.error();
    const Hash32 code = sealed_->tracking_code;
    auto receipt = submit_ballot(election::encode_ballot(sealed_->ballot), code);
    // Kept only after a refusal, to be cast or challenged once the refusal is lifted.
    if (receipt || receipt.error().code == ErrorCode::io_error) discard_sealed();
    if (!receipt) return receipt.error();
    CastReceipt out{
        election::format_tracking_code(code), code, std::move(receipt).value(), {}, {}, {}};
    write_voter_receipt(out);
    return out;
}

void KioskStation::write_voter_receipt(CastReceipt& cast) const {
    auto receipt = ledger::make_voter_receipt(*ledger_, cast.receipt, cast.tracking_code_hash);
    if (!receipt) {
        cast.receipt_problem = receipt.error().message;
        return;
    }
    cast.receipt_json = election::voter_receipt_to_json(receipt.value());
    const fs::path directory = data_ / receipts_directory;
    std::error_code ec;
    fs::create_directories(directory, ec);
    const fs::path file = directory / (cast.tracking_code_hash.to_hex() + ".json");
    if (auto ok = crypto::write_new_file(file, cast.receipt_json, 0644); !ok) {
        cast.receipt_problem = ok.error().message;
        return;
    }
    cast.receipt_file = file;
}

Result<ChallengeReport> KioskStation::challenge() {
    if (auto ok = refuse_unless_sealed(); !ok) return ok.error();
    const Hash32 code = sealed_->tracking_code;
    // A copy with the nonces revealed; the sealed ballot stays until the write is acknowledged.
    election::PreparedBallot copy{sealed_->ballot, sealed_->tracking_code, sealed_->marks,
                                  sealed_->nonces};
    election::ChallengedBallot challenged = election::challenge_ballot(std::move(copy));
    const WipeChallengedMarks wipe_challenged(challenged);
    auto receipt = submit_ballot(election::encode_challenged_ballot(challenged), code);
    if (receipt || receipt.error().code == ErrorCode::io_error) discard_sealed();
    if (!receipt) return receipt.error();

    // Open every ciphertext with its revealed nonce, as anyone can from the published record.
    ChallengeReport report{
        election::format_tracking_code(code), code, std::move(receipt).value(), {}};
    const crypto::Point& key = election().joint_key;
    for (std::size_t c = 0; c < challenged.ballot.contests.size(); ++c) {
        const election::EncryptedContest& contest = challenged.ballot.contests[c];
        std::vector<std::string>& opened = report.opened.emplace_back();
        for (std::size_t o = 0; o < contest.selections.size(); ++o) {
            const crypto::Point mG = crypto::decrypt_with_nonce(contest.selections[o].ciphertext,
                                                                challenged.nonces.at(c).at(o), key);
            if (mG == crypto::Point::generator()) {
                opened.push_back(contest.selections[o].option_id);
            } else if (!mG.is_identity()) {
                return Error{ErrorCode::verification_failed,
                             "challenged ballot: contest '" + contest.contest_id + "' option '" +
                                 contest.selections[o].option_id +
                                 "' does not open to 0 or 1 with its revealed nonce"};
            }
        }
    }
    return report;
}

}  // namespace psephos::kiosk

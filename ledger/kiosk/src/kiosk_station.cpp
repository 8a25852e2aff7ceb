#include "psephos/kiosk/kiosk_station.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <system_error>

#include "in_process_link.hpp"
#include "kiosk_state_files.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/memory_protection.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/ledger/polls_closing.hpp"
#include "psephos/ledger/voter_receipts.hpp"
#include "remote_link.hpp"

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

// The marks of a prepared or challenged ballot: each contest's block of locked memory is wiped
// as it is freed (crypto::LockedAllocator); their Scalars wipe themselves.
void wipe_marks(std::vector<election::ContestMarks>& marks) { marks.clear(); }

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

// A ballot that is no longer the kiosk's to change: acknowledged, in flight (its record is
// kept in DIR/kiosk-in-flight) or, in process, perhaps on disk.
bool leaves_the_kiosk(const Result<LinkReceipt>& receipt) {
    return receipt || receipt.error().code == ErrorCode::io_error ||
           receipt.error().code == ErrorCode::not_confirmed;
}

// The place of the kiosk's district in the election's manifest.
Result<std::size_t> district_index_of(const election::ElectionContext& context,
                                      const std::string& district_id) {
    const auto* district = context.manifest.find_district(district_id);
    if (district == nullptr)
        return Error{ErrorCode::not_found, "no district '" + district_id + "' in election '" +
                                               context.manifest.election_id + "'"};
    return static_cast<std::size_t>(district - context.manifest.districts.data());
}

}  // namespace

// Networked: what the link last reported, for callers that must not wait (the GUI thread).
struct KioskStation::LinkSnapshot {
    mutable std::mutex mutex;
    LinkStatus link{LinkState::connecting, {}, {}, 0};
    StationStatus station{false, {}, 0, {}, {}, 0, {}};  // as the station last reported it
};

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
    station->election_ = std::make_unique<election::ElectionContext>(std::move(election).value());
    if (!config.station.empty()) {
        if (auto ok = station->open_remote(config, *station->election_); !ok) return ok.error();
        return station;
    }

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
    // The link is made once the district is known; until then the ledger is owned here.
    std::unique_ptr<ledger::Ledger> owned = std::move(opened).value();
    station->ledger_ = owned.get();
    const election::ElectionContext& context = station->ledger_->election();
    if (context.base_hash != station->election_->base_hash)
        return Error{ErrorCode::invalid_argument,
                     config.election.string() + ": election '" +
                         station->election_->manifest.election_id +
                         "' is not the election of the ledger in " + config.data.string() + " ('" +
                         context.manifest.election_id + "', another base hash)"};

    PSEPHOS_TRY_ASSIGN(const std::size_t d, district_index_of(context, config.district_id));
    station->district_index_ = d;
    station->link_ = std::make_unique<InProcessLink>(std::move(owned), d, config.device_id);

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

const election::ElectionContext& KioskStation::election() const { return *election_; }

const election::District& KioskStation::district() const {
    return election().manifest.districts.at(district_index_);
}

ledger::Ledger& KioskStation::ledger() {
    if (ledger_ == nullptr)
        throw std::logic_error("KioskStation::ledger(): a networked kiosk has no ledger");
    return *ledger_;
}

std::uint64_t KioskStation::now() const {
    if (clock_) return clock_();
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

StationStatus KioskStation::status() {
    if (link_snapshot_) {
        const std::lock_guard lock(link_snapshot_->mutex);
        return link_snapshot_->station;
    }
    return link_->status().value();  // in process it cannot fail
}

// Networked, the link's on_status keeps the snapshot status() returns.
Result<StationStatus> KioskStation::fetch_status() { return link_->status(); }

LinkStatus KioskStation::link_status() const {
    if (!link_snapshot_) return link_->link_status();
    const std::lock_guard lock(link_snapshot_->mutex);
    return link_snapshot_->link;
}

bool KioskStation::wait_for_link(std::chrono::milliseconds timeout) {
    return remote_ == nullptr || remote_->wait_until_online(timeout);
}

void KioskStation::reconnect_now() {
    if (remote_ != nullptr) remote_->retry_now();
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
    Result<Bytes> record = Error{ErrorCode::invalid_argument, "no record"};
    if (remote_ != nullptr) {
        record = remote_polls_record(action, std::move(actor));
    } else {
        // Signed by this kiosk; a closing carries its own head (a district whose other devices
        // are not in this process cannot be closed from here: their heads are theirs to sign).
        record =
            ledger::make_polls_record(*ledger_, district_index_, action, now(), std::move(actor),
                                      device_id_, {{device_id_, device_key_.get()}});
    }
    if (!record) return record.error();
    auto receipt = link_->submit(std::move(record).value(), election::ActorRole::poll_worker);
    if (!receipt) return receipt.error();
    if (remote_ != nullptr) (void)fetch_status();
    return std::move(receipt).value().receipt;
}

Result<ledger::Receipt> KioskStation::submit_deauthorisation(Bytes record) {
    PSEPHOS_TRY_ASSIGN(const auto deauthorisation, election::decode_device_deauthorisation(record));
    if (deauthorisation.district_id != district_id_)
        return Error{ErrorCode::invalid_argument, "the deauthorisation is of district '" +
                                                      deauthorisation.district_id +
                                                      "', this kiosk's is '" + district_id_ + "'"};
    if (remote_ != nullptr) PSEPHOS_TRY(refuse_without_link());
    PSEPHOS_TRY_ASSIGN(auto receipt,
                       link_->submit(std::move(record), election::ActorRole::election_official));
    if (remote_ != nullptr) (void)fetch_status();
    return std::move(receipt).receipt;
}

// A networked kiosk's polls record: the district's counts from the station's status, signed by
// this device; a closing carries only this device's head as the kiosk itself kept it, and only
// if the station's log holds the same head (docs/ledger.md §4): a station that dropped or added
// a ballot of this kiosk gets no closing signed.
Result<Bytes> KioskStation::remote_polls_record(election::PollsAction action, std::string actor) {
    if (auto ok = refuse_without_link(); !ok) return ok.error();
    auto status = fetch_status();
    if (!status) return status.error();
    const StationStatus& s = status.value();
    election::PollsRecord record{action,           district_id_, now(), 0, 0,
                                 std::move(actor), device_id_,   {},    {}};
    if (action != election::PollsAction::opened) {
        record.ballots_cast = s.casting.ballots_cast;
        record.ballots_challenged = s.casting.ballots_challenged;
    }
    if (action == election::PollsAction::closed) {
        // This kiosk finishes first (its own head, checked against the log), then the closing
        // carries every finished kiosk's head the station holds; the ledger refuses it unless
        // every registered device of the district is among them.
        if (auto finished = finish_with(s); !finished) return finished.error();
        auto heads = remote_->final_heads();
        if (!heads) return heads.error();
        for (const station::SignedHead& h : heads.value())
            record.heads.push_back({h.device_id, h.ballots, h.last_tracking_code, h.signature});
    }
    try {
        election::sign_polls_record(election().base_hash, record, *device_key_);
        return election::encode_polls_record(record);
    } catch (const std::invalid_argument& e) {
        return Error{ErrorCode::invalid_argument, e.what()};
    }
}

Result<FinishReport> KioskStation::finish() {
    if (remote_ == nullptr)
        return Error{ErrorCode::refused,
                     "an in-process kiosk does not finish on its own: its closing reads every "
                     "device's head from the ledger"};
    if (auto ok = refuse_if_unconfirmed(); !ok) return ok.error();
    if (auto ok = refuse_without_link(); !ok) return ok.error();
    auto status = fetch_status();
    if (!status) return status.error();
    return finish_with(status.value());
}

// The kiosk's own head, only if the station's log holds this kiosk's ballots as the kiosk
// recorded them (a station that dropped or added one gets nothing signed), to the station.
Result<FinishReport> KioskStation::finish_with(const StationStatus& s) {
    if (s.device_ballots != head_ballots_ || !(s.device_last_tracking_code == chain_head_))
        return Error{ErrorCode::verification_failed,
                     "the station's log does not hold this kiosk's ballots as the kiosk "
                     "recorded them: the station says " +
                         std::to_string(s.device_ballots) + " ballots, the last " +
                         election::format_tracking_code(s.device_last_tracking_code) +
                         "; the kiosk has " + std::to_string(head_ballots_) + ", the last " +
                         election::format_tracking_code(chain_head_) +
                         ". The kiosk does not sign its head: tell the election official"};
    discard_sealed();
    const election::DeviceHead head = election::sign_device_head(
        election().base_hash, district_id_, device_id_, head_ballots_, chain_head_, *device_key_);
    auto noted = remote_->send_final_head(
        {head.device_id, head.ballots, head.last_tracking_code, head.signature});
    if (!noted) return noted.error();
    finished_ = true;
    // Durably, so that a restart does not take voters again (the station would refuse their
    // ballots, after the voter chose).
    if (auto kept = crypto::replace_file(data_ / kiosk_finished_file, "finished\n", 0644); !kept)
        return kept.error();
    return FinishReport{head_ballots_, noted.value().heads_held, noted.value().devices_registered};
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

// Networked: a voter session needs a link and no ballot in flight (docs/station-protocol.md §6).
Status KioskStation::refuse_without_link() const {
    if (remote_ == nullptr) return {};
    if (auto code = in_flight())
        return Error{ErrorCode::not_confirmed,
                     "ballot " + *code +
                         " is not confirmed yet: the kiosk settles it with the station first"};
    const LinkStatus link = remote_->link_status();
    if (link.state != LinkState::online)
        return Error{ErrorCode::refused, "no link to the station (" +
                                             std::string(to_string(link.state)) +
                                             (link.reason.empty() ? "" : ": " + link.reason) + ")"};
    return {};
}

std::optional<std::string> KioskStation::in_flight() const {
    if (remote_ == nullptr) return std::nullopt;
    if (auto ballot = read_in_flight(data_ / kiosk_in_flight_file); ballot && ballot.value())
        return election::format_tracking_code(ballot.value()->tracking_code);
    if (remote_->has_in_flight()) return std::string("(in flight)");
    return std::nullopt;
}

// The kiosk's own head moves on only once the ledger holds the ballot, and durably: the closing
// signs it (docs/ledger.md §4).
Status KioskStation::advance_head(const Hash32& tracking_code) {
    chain_head_ = tracking_code;
    if (remote_ == nullptr) return {};
    ++head_ballots_;
    return write_kiosk_head(data_ / kiosk_head_file, KioskHead{head_ballots_, chain_head_});
}

Result<LinkReceipt> KioskStation::submit_ballot(Bytes record, const Hash32& tracking_code,
                                                bool challenged) {
    if (remote_ != nullptr) {
        if (auto ok = refuse_without_link(); !ok) return ok.error();
        InFlightBallot ballot{std::move(record), tracking_code, challenged};
        // Noted before it is sent: a kiosk restarted with it in flight still settles it.
        const fs::path file = data_ / kiosk_in_flight_file;
        if (auto ok = write_in_flight(file, ballot); !ok)
            return Error{ErrorCode::refused,
                         "nothing was sent: the kiosk cannot note the ballot "
                         "it sends (" +
                             ok.error().message + ")"};
        auto receipt = remote_->submit_ballot(ballot);
        if (receipt || receipt.error().code != ErrorCode::not_confirmed) {
            if (auto ok = remove_in_flight(file); !ok) return ok.error();
        }
        if (receipt) {
            if (auto ok = advance_head(tracking_code); !ok)
                return ok.error().within("the ballot is recorded, but the kiosk's head");
        }
        return receipt;
    }
    auto receipt = link_->submit(std::move(record), election::ActorRole::system);
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

Result<std::optional<SettledOutcome>> KioskStation::settle() {
    if (remote_ == nullptr) return std::optional<SettledOutcome>{};
    std::optional<SettledBallot> settled = remote_->take_settled();
    if (!settled) {
        if (auto code = in_flight())
            return Error{ErrorCode::not_confirmed,
                         "ballot " + *code + " is not confirmed yet (the link is " +
                             std::string(to_string(remote_->link_status().state)) + ")"};
        return std::optional<SettledOutcome>{};
    }
    SettledOutcome out;
    out.challenged = settled->ballot.challenged;
    out.recorded = settled->recorded;
    out.resubmitted = settled->resubmitted;
    out.refusal = settled->refusal;
    if (settled->recorded) {
        if (auto ok = advance_head(settled->ballot.tracking_code); !ok)
            return ok.error().within("the ballot in flight is recorded, but the kiosk's head");
        if (!out.challenged) {
            const Hash32& code = settled->ballot.tracking_code;
            CastReceipt cast{election::format_tracking_code(code),
                             code,
                             std::move(settled->receipt.receipt),
                             std::move(settled->receipt.inclusion),
                             {},
                             {},
                             {}};
            write_voter_receipt(cast);
            out.cast = std::move(cast);
        }
    }
    if (auto ok = remove_in_flight(data_ / kiosk_in_flight_file); !ok) return ok.error();
    (void)fetch_status();
    return std::optional<SettledOutcome>(std::move(out));
}

Result<SealedBallot> KioskStation::seal(const election::BallotMarks& marks) {
    if (auto ok = refuse_if_unconfirmed(); !ok) return ok.error();
    if (finished_)
        return Error{ErrorCode::refused,
                     "this kiosk has finished for the day (its final head is with the station)"};
    if (auto ok = refuse_without_link(); !ok) return ok.error();
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
    auto receipt = submit_ballot(election::encode_ballot(sealed_->ballot), code, false);
    // Kept only after a refusal, to be cast or challenged once the refusal is lifted.
    if (leaves_the_kiosk(receipt)) discard_sealed();
    if (!receipt) return receipt.error();
    CastReceipt out{election::format_tracking_code(code),
                    code,
                    std::move(receipt.value().receipt),
                    std::move(receipt.value().inclusion),
                    {},
                    {},
                    {}};
    write_voter_receipt(out);
    return out;
}

void KioskStation::write_voter_receipt(CastReceipt& cast) const {
    Result<election::VoterReceipt> receipt = Error{ErrorCode::invalid_argument, "no receipt"};
    if (cast.inclusion) {
        // From the station's inclusion with the tracking code this kiosk computed itself
        // (docs/station-protocol.md §2), checked as any receipt file is (R1–R3).
        const station::Inclusion& i = *cast.inclusion;
        election::VoterReceipt r{election().manifest.election_id,
                                 district_id_,
                                 cast.tracking_code_hash,
                                 i.index,
                                 i.leaf_hash,
                                 i.verifier_key,
                                 i.signed_checkpoint,
                                 i.proof};
        if (auto verified = election::verify_voter_receipt(r, {}); !verified)
            receipt = verified.error().within("the station's receipt");
        else
            receipt = std::move(r);
    } else {
        receipt = ledger::make_voter_receipt(*ledger_, cast.receipt, cast.tracking_code_hash);
    }
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
    auto receipt = submit_ballot(election::encode_challenged_ballot(challenged), code, true);
    if (leaves_the_kiosk(receipt)) discard_sealed();
    if (!receipt) return receipt.error();

    // Open every ciphertext with its revealed nonce, as anyone can from the published record.
    ChallengeReport report{
        election::format_tracking_code(code), code, std::move(receipt.value().receipt), {}};
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

// Networked: the kiosk's head from its data directory (or the device's seed: no ballot yet), a
// ballot a previous run left in flight, and the link (it connects in the background).
Status KioskStation::open_remote(const KioskConfig& config,
                                 const election::ElectionContext& context) {
    PSEPHOS_TRY_ASSIGN(district_index_, district_index_of(context, config.district_id));

    RemoteLinkOptions o;
    const std::string& station = config.station;
    const auto colon = station.rfind(':');
    std::string host = colon == std::string::npos ? station : station.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    unsigned long port = 0;
    const std::string port_text = colon == std::string::npos ? "" : station.substr(colon + 1);
    std::array<unsigned char, 16> address{};
    if (colon == std::string::npos || port_text.empty() ||
        port_text.find_first_not_of("0123456789") != std::string::npos ||
        (port = std::stoul(port_text.substr(0, 6))) == 0 || port > 65535 ||
        (inet_pton(AF_INET, host.c_str(), address.data()) != 1 &&
         inet_pton(AF_INET6, host.c_str(), address.data()) != 1))
        return Error{ErrorCode::invalid_argument,
                     "station '" + station +
                         "': expected an IP address and a port, as 10.0.0.2:7400 or [::1]:7400"};
    o.host = host;
    o.port = static_cast<std::uint16_t>(port);
    auto certificate = crypto::read_public_file(config.station_certificate, 64 * 1024);
    if (!certificate) return certificate.error().within("station certificate");
    o.station_certificate_pem.assign(certificate.value().begin(), certificate.value().end());
    if (auto key = station::certificate_key(o.station_certificate_pem); !key)
        return key.error().within(config.station_certificate.string());
    o.base_hash = context.base_hash;
    o.district_id = config.district_id;
    o.device_id = config.device_id;
    o.timeout = config.station_timeout;
    o.backoff_initial = config.reconnect_initial;
    o.backoff_max = config.reconnect_max;
    o.ping_interval = config.ping_interval;
    o.probe_idle = config.probe_idle;
    // The link calls this with its own lock held, possibly during a long exchange; the snapshot
    // lets link_status() answer at once.
    link_snapshot_ = std::make_shared<LinkSnapshot>();
    o.on_change = [snapshot = link_snapshot_,
                   forward = config.on_link_change](const LinkStatus& status) {
        {
            const std::lock_guard lock(snapshot->mutex);
            snapshot->link = status;
        }
        if (forward) forward(status);
    };
    o.on_status = [snapshot = link_snapshot_](const StationStatus& status) {
        const std::lock_guard lock(snapshot->mutex);
        snapshot->station = status;
    };

    std::error_code ec;
    if (!fs::is_directory(config.data, ec))
        return Error{ErrorCode::not_found,
                     config.data.string() + ": the kiosk's data directory does not exist"};
    auto head = read_kiosk_head(config.data / kiosk_head_file);
    if (!head) return head.error();
    if (head.value()) {
        head_ballots_ = head.value()->ballots;
        chain_head_ = head.value()->last_tracking_code;
    } else {
        chain_head_ = election::initial_tracking_code(context.base_hash, config.device_id);
    }
    finished_ = fs::exists(config.data / kiosk_finished_file, ec);
    auto in_flight = read_in_flight(config.data / kiosk_in_flight_file);
    if (!in_flight) return in_flight.error();

    auto device_key = crypto::read_signing_key_file(config.device_key);
    if (!device_key) return device_key.error();
    device_key_ = std::make_unique<crypto::Ed25519SigningKey>(std::move(device_key).value());
    auto link = RemoteLink::start(std::move(o), *device_key_, std::move(in_flight).value());
    if (!link) return link.error();
    remote_ = link.value().get();
    link_ = std::move(link).value();
    if (config.precomputed_ballots > 0)
        pool_ = std::make_unique<election::BallotPrecomputationPool>(context, config.district_id,
                                                                     config.precomputed_ballots, 1);
    return {};
}

}  // namespace psephos::kiosk

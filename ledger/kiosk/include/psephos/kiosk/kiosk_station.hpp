// The kiosk's side of the ledger, without Qt: one district, one device. Its ledger is reached
// through a link (ledger_link.hpp): in process (it opens the election's ledger in a data
// directory, as `psephos ledger` does, and holds the ledger key) or over the network through the
// polling place's station (docs/station-protocol.md; it holds only its device key). It records the
// poll worker's polls records, and seals (encrypts and signs) ballots, then casts or challenges
// the sealed one. Every call blocks until the ledger answered (a cast is acknowledged only once
// its batch is durable), so the GUI calls it from a worker thread, one call at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/kiosk/ledger_link.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::kiosk {

class RemoteLink;

struct KioskConfig {
    std::filesystem::path election;  // the finalized manifest
    std::string district_id;
    // In process: DIR of `psephos ledger init --data DIR`. Networked: the kiosk's own state
    // (its head, the ballot in flight, the receipt files); no ledger.
    std::filesystem::path data;
    std::filesystem::path ledger_key;  // in process; empty: DIR/ledger.key
    std::filesystem::path device_key;  // the device's signing key file (psephos ledger device-key)
    std::string device_id;             // as registered in the district
    std::size_t precomputed_ballots = 2;   // kept ready in the background (0: none)
    std::function<std::uint64_t()> clock;  // Unix seconds; empty: the system clock
    // Tests only (psephos/ledger/testing/storage_faults.hpp): a failing disk; null: the local one.
    std::shared_ptr<ledger::testing::StorageFaults> ledger_storage_faults;

    // Networked (docs/kiosk.md §8): the station as IPv4 or IPv6 address and port ("10.0.0.2:7400",
    // "[::1]:7400"); empty: the ledger in process. Its certificate (PEM) is pinned.
    std::string station;
    std::filesystem::path station_certificate;
    std::chrono::milliseconds station_timeout{5'000};  // connecting, and each answer
    std::chrono::milliseconds reconnect_initial{500};  // backoff after the first failure
    std::chrono::milliseconds reconnect_max{30'000};   // the backoff's cap
    std::chrono::milliseconds ping_interval{20'000};   // an idle link is pinged this often
    std::chrono::milliseconds probe_idle{1'000};       // a request after this much idle: ping first
    // Every change of the link's state, from the link's thread: must not call into the station.
    std::function<void(const LinkStatus&)> on_link_change;
};

// A ballot the kiosk has encrypted and signed and is committed to: its tracking code is shown to
// the voter before they choose to cast or challenge it (docs/kiosk.md §3). Only the code leaves
// the station; the marks and nonces stay inside it until the ballot is cast, challenged or
// discarded.
struct SealedBallot {
    std::string tracking_code;  // format_tracking_code
    Hash32 tracking_code_hash;
};

struct CastReceipt {
    std::string tracking_code;  // format_tracking_code: 8 groups of 4 base32 characters
    Hash32 tracking_code_hash;
    ledger::Receipt receipt;
    // Networked: the station's inclusion proof, from which the receipt file is made.
    std::optional<station::Inclusion> inclusion;
    // The voter's receipt file (docs/proof-bundle.md §4: the signed checkpoint holding the ballot
    // and its inclusion proof), also written to DIR/receipts/<tracking code hex>.json for the
    // kiosk's receipt printer. If it could not be made or written, receipt_problem says why; the
    // ballot is cast all the same.
    std::string receipt_json;
    std::filesystem::path receipt_file;
    std::string receipt_problem;
};

// What a challenged ballot's revealed nonces open to, for the voter to compare with their marks.
// A networked kiosk's ballot whose answer was lost with the connection, once the station was
// asked about it again (docs/station-protocol.md §6).
struct SettledOutcome {
    bool challenged = false;
    bool recorded = false;            // in the district log: cast (or challenged) after all
    bool resubmitted = false;         // the station did not have it, so the kiosk sent it again
    std::string refusal;              // not recorded: the ledger's reason for refusing it again
    std::optional<CastReceipt> cast;  // recorded and cast: the receipt, as cast() returns it
};

struct ChallengeReport {
    std::string tracking_code;
    Hash32 tracking_code_hash;
    ledger::Receipt receipt;
    // Per contest of the style, in order: the option ids whose ciphertext opens to 1.
    std::vector<std::vector<std::string>> opened;
};

// A ballot whose write failed before the station's last restart, looked up in the reopened
// ledger (docs/ledger.md §9).
struct UnconfirmedOutcome {
    std::string tracking_code;  // format_tracking_code
    bool recorded = false;      // in the district log after all: its voter has voted
    std::string log;            // if recorded: the district and the record's index
    std::uint64_t index = 0;
};

// What the station said when this kiosk finished for the day.
struct FinishReport {
    std::uint64_t ballots = 0;            // this kiosk's, cast and challenged, as its head says
    std::uint32_t kiosks_finished = 0;    // of the district, this one included
    std::uint32_t kiosks_registered = 0;  // of the district
};

class KioskStation {
public:
    // Errors name what is wrong: the manifest, the district, the ledger (locked by another
    // process, damaged, another election's), the device key, an unregistered device; networked:
    // the station address or certificate, the kiosk's own state files. A networked kiosk opens
    // without a link: the link comes up in the background (link_status()).
    static Result<std::unique_ptr<KioskStation>> open(const KioskConfig& config);
    ~KioskStation();

    const election::ElectionContext& election() const;
    std::string_view district_id() const { return district_id_; }
    const election::District& district() const;
    std::string_view device_id() const { return device_id_; }
    // DIR of the configuration: the kiosk keeps its own state files there too.
    const std::filesystem::path& data_directory() const { return data_; }
    // In process: the ledger's status now. Networked: the last status the station reported
    // (fetch_status() asks it again; status() never waits for the network).
    StationStatus status();
    Result<StationStatus> fetch_status();
    bool networked() const { return remote_ != nullptr; }
    // Never waits (the GUI thread may ask): the state as the link last reported it.
    LinkStatus link_status() const;
    // Networked: waits at most `timeout` for the link to be up with nothing in flight; in
    // process: true.
    bool wait_for_link(std::chrono::milliseconds timeout);
    // Networked: the next connection attempt starts now rather than after the backoff.
    void reconnect_now();
    // Networked: the kiosk finishes for the day (docs/station-protocol.md §6 "Closing"): it
    // checks its own head against the station's log, signs it and sends it; from then on it
    // seals no ballot. The closing (record_polls(closed), at the kiosk where the poll worker
    // closes) finishes that kiosk too and carries every finished kiosk's head. In process:
    // refused (the closing reads every head from the ledger).
    Result<FinishReport> finish();
    bool finished() const { return finished_.load(); }  // any thread (the GUI reads it)
    // The kiosk's own head: how many ballots it recorded and the tracking code of the last.
    std::uint64_t head_ballots() const { return head_ballots_; }
    const Hash32& chain_head() const { return chain_head_; }
    // Free bytes on the data directory's file system, if it can be read.
    std::optional<std::uint64_t> disk_free_bytes() const;

    // Submits a polls record for the district with the current counts (opening: the zero
    // report) as a poll worker; the ledger refuses a step out of order, and the station any
    // after a failed ballot write (its counts are unknown until a restart).
    Result<ledger::Receipt> record_polls(election::PollsAction action, std::string actor);

    // A deauthorisation the election authority signed (`psephos authority deauthorise-device`)
    // of a device of this kiosk's district, brought by a poll worker: passed on to the station
    // (or the ledger in process), which checks the authority's signature. invalid_argument for
    // bytes that are not one, or one of another district.
    Result<ledger::Receipt> submit_deauthorisation(Bytes record);

    // Commit before the choice: encrypts the marks (the precomputation pool makes this fast) and
    // signs the ballot, and keeps it, with its secrets, as the one sealed ballot; returns its
    // tracking code for the screen. The marks given are not kept beyond the sealed ballot. A
    // ballot sealed earlier and neither cast nor challenged is discarded (re-marking makes a new
    // ballot).
    // Networked, refused without a link or while a ballot is in flight (not confirmed yet).
    Result<SealedBallot> seal(const election::BallotMarks& marks);
    const std::optional<SealedBallot>& sealed() const { return sealed_code_; }
    // Wipes the sealed ballot's marks and nonces (the voter changes their marks or walks away).
    void discard_sealed();

    // Submits the sealed ballot and waits until it is durable; it is then no longer held. Without
    // a sealed ballot: ErrorCode::refused. On a refusal (polls paused, …) the sealed ballot is
    // kept: the voter may cast or challenge that same ballot later. After a failed write
    // (ErrorCode::io_error) the ledger did not acknowledge it, but its write may have reached the
    // disk (docs/ledger.md §9), so its fate is known only once the ledger is reopened: the station
    // keeps its tracking code (unconfirmed_ballot()) and refuses every further submission until
    // it is restarted.
    //
    // Networked, a connection lost before the station answered: ErrorCode::not_confirmed. The
    // ballot is then in flight (in_flight()): kept, also in DIR/kiosk-in-flight, and settled by
    // lookup as soon as the link is back; settle() gives the outcome. Until then nothing else is
    // sent and no voter session starts.
    Result<CastReceipt> cast();
    // The tracking code of the networked kiosk's ballot in flight, if one is.
    std::optional<std::string> in_flight() const;
    // Networked: the ballot in flight's outcome once the link settled it (it is then no longer
    // in flight; the kiosk's head and receipt file are written first); not_confirmed while it is
    // not settled yet; nullopt when nothing was in flight.
    Result<std::optional<SettledOutcome>> settle();
    // The Benaloh challenge of the sealed ballot: records it with its marks and nonces revealed
    // (never counted) and opens each ciphertext with its revealed nonce; the report carries the
    // same tracking code as seal() returned. Refusals and failed writes as for cast().
    Result<ChallengeReport> challenge();

    // The tracking code (format_tracking_code) of the ballot whose write failed, if one did.
    // The station notes it in DIR/kiosk-unconfirmed-ballots (best effort: the disk may be full)
    // and, at its next start, looks it up in the reopened ledger: recovered_outcomes().
    const std::optional<std::string>& unconfirmed_ballot() const { return unconfirmed_; }
    const std::vector<UnconfirmedOutcome>& recovered_outcomes() const { return recovered_; }

    // In process only (std::logic_error when networked).
    ledger::Ledger& ledger();

private:
    KioskStation() = default;
    Result<election::PreparedBallot> prepare(const election::BallotMarks& marks);
    Status refuse_unless_sealed() const;
    Result<LinkReceipt> submit_ballot(Bytes record, const Hash32& tracking_code, bool challenged);
    Status refuse_if_unconfirmed() const;
    Status refuse_without_link() const;
    Result<FinishReport> finish_with(const StationStatus& status);
    Result<Bytes> remote_polls_record(election::PollsAction action, std::string actor);
    Status advance_head(const Hash32& tracking_code);
    Status open_remote(const KioskConfig& config, const election::ElectionContext& context);
    Status settle_unconfirmed();
    void write_voter_receipt(CastReceipt& cast) const;
    ChallengeReport open_challenged(const election::ChallengedBallot& challenged,
                                    ledger::Receipt receipt, Status& problem) const;
    std::uint64_t now() const;

    std::unique_ptr<election::ElectionContext> election_;
    std::unique_ptr<crypto::Ed25519SigningKey> device_key_;  // before link_: the link uses it
    std::unique_ptr<LedgerLink> link_;
    ledger::Ledger* ledger_ = nullptr;  // in process: the link's ledger
    RemoteLink* remote_ = nullptr;      // networked: link_ itself
    std::uint64_t head_ballots_ = 0;    // networked: kept in DIR/kiosk-head
    struct LinkSnapshot;
    std::shared_ptr<LinkSnapshot> link_snapshot_;  // networked: set from the link's thread
    std::unique_ptr<election::BallotPrecomputationPool> pool_;
    std::string district_id_;
    std::size_t district_index_ = 0;
    std::string device_id_;
    std::filesystem::path data_;
    Hash32 chain_head_;
    std::function<std::uint64_t()> clock_;
    std::optional<election::PreparedBallot> sealed_;  // with its secrets; see seal()
    std::optional<SealedBallot> sealed_code_;
    std::optional<std::string> unconfirmed_;
    std::atomic<bool> finished_{false};  // networked: the final head went to the station
    std::vector<UnconfirmedOutcome> recovered_;
};

}  // namespace psephos::kiosk

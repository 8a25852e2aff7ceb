// The casting module (docs/ledger.md §4): kiosk registration, poll status and ballots. It owns
// the records device-registration and -deauthorisation, polls-opened/paused/resumed/closed,
// encrypted-ballot (cast) and challenged-ballot, and checks for a ballot, in this order:
//   validate (parallel): well-formed bytes; election base hash; district and ballot style;
//                        contests and options in manifest order; every 0/1 and count proof
//                        (a challenged ballot also opens to its revealed marks);
//   apply (log order):   the device is registered for the ballot's district and not
//                        deauthorised; its signature;
//                        polls are open in that district; the ballot id is new in the district;
//                        the ballot chains to the device's last tracking code.
// Ballot ids are unique per district: a device is registered to one district, so a signed ballot
// can only ever be accepted in that district, where a replay is caught.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "psephos/election/election_context.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/tally_records.hpp"
#include "psephos/ledger/ledger_module.hpp"

namespace psephos::ledger {

enum class PollsStatus : std::uint8_t { not_opened, open, paused, closed };
std::string_view to_string(PollsStatus status);

struct DistrictCastingStatus {
    PollsStatus polls = PollsStatus::not_opened;
    std::uint64_t ballots_cast = 0;
    std::uint64_t ballots_challenged = 0;
    std::uint64_t devices = 0;
};

struct TrackingCodeEntry {
    std::size_t district_index = 0;
    std::uint64_t index = 0;  // in the district log
    bool challenged = false;
};

// A district's running tally (docs/tally.md §2.1): the sums of every ballot accepted live since
// the ledger opened, from the first of them (`first_index`, its place in the district log) on.
// Ballots before it (replayed when the ledger opened) are not in it: the tally reads them from
// the log.
struct RunningTally {
    election::DistrictTallyBuilder sums;
    std::uint64_t first_index = 0;
};

struct ValidatedBallot;  // casting_module.cpp
namespace detail {
class ElectionWideClaims;  // election_wide_claims.hpp
}

class CastingModule final : public LedgerModule {
public:
    // authority_key: the election authority's, which must have authorised every registration.
    CastingModule(const election::ElectionContext& election,
                  const crypto::Ed25519PublicKey& authority_key);
    ~CastingModule() override;

    std::string_view name() const override { return "casting"; }
    std::span<const election::RecordType> record_types() const override;
    Result<std::string> partition_of(ByteSpan record) const override;
    Result<std::unique_ptr<ValidatedRecord>> validate(ByteSpan record) const override;
    Result<EventNote> apply(const DistrictBatchView& batch, const ValidatedRecord& record) override;
    void commit(std::size_t district_index) override;
    void abort(std::size_t district_index) override;
    Status restore(std::size_t district_index, std::uint64_t index, ByteSpan record) override;

    // Queries, safe from any thread; they see committed state only.
    DistrictCastingStatus status(std::size_t district_index) const;
    std::optional<TrackingCodeEntry> find_tracking_code(const Hash32& code) const;
    // The tracking code that begins with these bytes (a printed code is the first 20), if exactly
    // one does; not_found or, should two codes share the prefix, invalid_argument.
    Result<std::pair<Hash32, TrackingCodeEntry>> find_tracking_code_prefix(ByteSpan prefix) const;
    // The last tracking code of a registered device (its chain head), for a kiosk that restarts.
    std::optional<Hash32> device_chain_head(std::size_t district_index,
                                            std::string_view device_id) const;
    // The number of ballots (cast and challenged) a registered device recorded.
    std::optional<std::uint64_t> device_ballots(std::size_t district_index,
                                                std::string_view device_id) const;
    // The key a registered device signs with (and its station's TLS certificate carries).
    std::optional<crypto::Ed25519PublicKey> device_key(std::size_t district_index,
                                                       std::string_view device_id) const;
    // The registered device of the district whose key this is, if any.
    std::optional<std::string> device_with_key(std::size_t district_index,
                                               const crypto::Ed25519PublicKey& key) const;
    // Every device registered in the district, in ascending order of id (deauthorised ones too).
    std::vector<std::string> devices(std::size_t district_index) const;
    // Whether the election authority withdrew the registered device's authorisation (its
    // deauthorisation record is committed): its ballots and polls records are refused from then.
    bool device_deauthorised(std::size_t district_index, std::string_view device_id) const;
    // The district's running tally over committed ballots, if a ballot was accepted live since
    // the ledger opened.
    std::optional<RunningTally> running_tally(std::size_t district_index) const;

private:
    struct Device {
        crypto::Ed25519PublicKey key;
        Hash32 chain_head;
        std::uint64_t ballots = 0;  // cast and challenged, the length of its chain
        // The index of its deauthorisation record in the district log, once there is one.
        std::optional<std::uint64_t> deauthorised_at;
    };
    // Committed state of one district, and the effects of the batch being applied, kept apart
    // so an aborted batch leaves nothing behind and no batch copies the whole state.
    struct Changes {
        std::optional<PollsStatus> polls;
        std::optional<std::uint64_t> opened_hour;
        std::uint64_t ballots_cast = 0;
        std::uint64_t ballots_challenged = 0;
        std::map<std::string, Device, std::less<>> devices;
        // Election-wide claims taken by this batch (device ids and keys, ballot ids and
        // ciphertexts), given back if it aborts.
        std::vector<std::array<std::uint8_t, 16>> claims;
        std::vector<std::pair<Hash32, TrackingCodeEntry>> tracking_codes;
        // This batch's ballots, summed (live ballots only), merged into the running tally.
        std::optional<RunningTally> running;
    };
    struct District {
        mutable std::mutex mutex;  // guards the committed fields against queries
        PollsStatus polls = PollsStatus::not_opened;
        // The polls opening's time rounded down to the hour: no ballot may be stamped earlier.
        std::uint64_t opened_hour = 0;
        std::uint64_t ballots_cast = 0;
        std::uint64_t ballots_challenged = 0;
        std::map<std::string, Device, std::less<>> devices;
        std::optional<RunningTally> running;
        Changes pending;  // touched by the district's sequencer only
    };

    Result<EventNote> apply_record(std::size_t district_index, const DistrictBatchView& batch,
                                   const ValidatedRecord& record, bool check_signature);
    Result<EventNote> apply_registration(std::size_t district_index, const std::string& district_id,
                                         const election::DeviceRegistration& registration);
    Result<EventNote> apply_deauthorisation(std::size_t district_index,
                                            const DistrictBatchView& batch,
                                            const election::DeviceDeauthorisation& record);
    Result<EventNote> apply_polls(std::size_t district_index, const std::string& district_id,
                                  const election::PollsRecord& record);
    // The polls record's device signature, and a closing record's device heads against the log.
    Status check_polls_signatures(std::size_t district_index, const std::string& district_id,
                                  const election::PollsRecord& record) const;
    Result<EventNote> apply_ballot(std::size_t district_index, const DistrictBatchView& batch,
                                   const ValidatedBallot& ballot, bool check_signature);
    // Adds an accepted live ballot to the batch's running sums.
    Status add_to_running_tally(std::size_t district_index, const DistrictBatchView& batch,
                                const ValidatedBallot& ballot);
    // The device as the batch being applied sees it (its changes first), or null.
    static const Device* find_device(const District& district, std::string_view id);
    void merge_pending(std::size_t district_index);
    // Takes the claims for district d, all or none: on a conflict, the message names what is
    // claimed and the district that holds it.
    Status claim_election_wide(
        std::size_t d,
        const std::vector<std::pair<std::array<std::uint8_t, 16>, std::string>>& claims);

    const election::ElectionContext& election_;
    crypto::Ed25519PublicKey authority_key_;
    std::unique_ptr<detail::ElectionWideClaims> claims_;
    std::vector<std::unique_ptr<District>> districts_;
    mutable std::mutex tracking_mutex_;
    std::map<Hash32, TrackingCodeEntry> tracking_codes_;  // election-wide, committed only
};

}  // namespace psephos::ledger

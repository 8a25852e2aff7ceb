// A polling-day scenario for ledger tests (Qt-free, so the crash-test child can use it too): the
// small test election, one kiosk per district with a deterministic key, and the records a day
// produces — device registrations, poll status records and ballots that chain per kiosk.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "psephos/election/authority.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/ledger/polls_closing.hpp"
#include "test_election.hpp"

namespace psephos::test {

inline crypto::Ed25519SigningKey seeded_key(std::uint8_t tag) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(tag);
    return crypto::Ed25519SigningKey::from_seed(seed).value();
}

struct ScenarioKiosk {
    std::string device_id;
    std::string district_id;
    crypto::Ed25519SigningKey key;
    Hash32 chain_head;
    std::uint64_t ballots = 0;
};

class LedgerScenario {
public:
    explicit LedgerScenario(election::ElectionManifest manifest = small_manifest())
        : ceremony_(finalize(std::move(manifest))) {
        std::uint8_t tag = 1;
        for (const auto& d : election().manifest.districts) {
            const std::string device = d.id + "-kiosk-1";
            kiosks_.push_back({device, d.id, seeded_key(tag++),
                               election::initial_tracking_code(election().base_hash, device), 0});
        }
    }

    const election::ElectionContext& election() const { return ceremony_.election; }
    // The guardians' secret shares and identity keys (tests decrypt as each guardian).
    const election::LocalKeyCeremony& ceremony() const { return ceremony_; }
    std::vector<ScenarioKiosk>& kiosks() { return kiosks_; }
    ScenarioKiosk& kiosk(std::size_t district) { return kiosks_.at(district); }

    // A ledger key that is the same in every run (determinism tests compare bytes).
    static ledger::LedgerKey ledger_key() { return ledger::LedgerKey(seeded_key(0xEE)); }
    // The election authority's key, also the same in every run, and its approval of the election.
    static crypto::Ed25519SigningKey authority_key() { return seeded_key(0xA0); }
    election::ElectionApproval approval() const {
        return election::approve_election(election().base_hash, authority_key());
    }
    // A device registration the authority signed (any district, device and key).
    election::DeviceRegistration authorised(election::DeviceRegistration registration) const {
        election::authorise_device(election().base_hash, registration, authority_key());
        return registration;
    }

    Bytes registration(std::size_t district) const {
        const ScenarioKiosk& k = kiosks_.at(district);
        return election::encode_device_registration(
            authorised({k.district_id, k.device_id, k.key.public_key(), 1'793'000'000, {}}));
    }
    // A polls record signed by the district's kiosk; a closing carries the kiosk's own head
    // (its ballots and last tracking code as this scenario made them).
    Bytes polls(election::PollsAction action, std::size_t district, std::uint64_t cast = 0,
                std::uint64_t challenged = 0) const {
        const ScenarioKiosk& k = kiosks_.at(district);
        election::PollsRecord record{action,     k.district_id,     1'793'000'100, cast,
                                     challenged, actor_for(action), k.device_id,   {},
                                     {}};
        if (action == election::PollsAction::closed) {
            record.heads.push_back(election::sign_device_head(
                election().base_hash, k.district_id, k.device_id, k.ballots, k.chain_head, k.key));
        }
        election::sign_polls_record(election().base_hash, record, k.key);
        return election::encode_polls_record(record);
    }
    // Closing records for every district whose polls are open or paused in `ledger`, counts and
    // heads as the ledger holds them, signed by each district's kiosk (for close_all_polls).
    std::vector<Bytes> closings(const ledger::Ledger& ledger) const {
        std::vector<Bytes> out;
        for (std::size_t d = 0; d < kiosks_.size(); ++d) {
            const auto polls = ledger.casting().status(d).polls;
            if (polls != ledger::PollsStatus::open && polls != ledger::PollsStatus::paused)
                continue;
            const ScenarioKiosk& k = kiosks_.at(d);
            auto record = ledger::make_polls_record(
                ledger, d, election::PollsAction::closed, 1'793'040'000,
                actor_for(election::PollsAction::closed), k.device_id, {{k.device_id, &k.key}});
            if (!record) throw std::runtime_error(record.error().message);
            out.push_back(std::move(record).value());
        }
        return out;
    }

    // Who acts on the polls records: one poll worker, and two at the close where the election
    // requires two people (manifest polls.close_requires).
    std::string actor_for(election::PollsAction action) const {
        if (action == election::PollsAction::closed && election().manifest.close_requires() >= 2)
            return "poll worker 1, poll worker 2";
        return "poll worker 1";
    }

    // The start of the day: every kiosk registered, then polls opened, district by district.
    std::vector<Bytes> opening() const {
        std::vector<Bytes> records;
        for (std::size_t d = 0; d < kiosks_.size(); ++d) {
            records.push_back(registration(d));
            records.push_back(polls(election::PollsAction::opened, d));
        }
        return records;
    }

    // The kiosk's next ballot, chained to its last one; marks from `choice` (deterministic).
    election::PreparedBallot next_ballot(std::size_t district, std::uint64_t choice,
                                         std::string ballot_id = "") {
        const ScenarioKiosk& k = kiosks_.at(district);
        const election::ElectionManifest& m = election().manifest;
        const election::BallotStyle& style = *m.ballot_style_of_district(k.district_id);
        election::BallotMarks marks;
        for (const auto& contest_id : style.contests) {
            const election::Contest& c = *m.find_contest(contest_id);
            marks[contest_id].push_back(c.options[choice % c.options.size()].id);
        }
        return ballot_with(district, marks, std::move(ballot_id));
    }

    // The kiosk's next ballot with the given marks.
    election::PreparedBallot ballot_with(std::size_t district, const election::BallotMarks& marks,
                                         std::string ballot_id = "") {
        ScenarioKiosk& k = kiosks_.at(district);
        if (ballot_id.empty()) ballot_id = k.device_id + "-b" + std::to_string(k.ballots);
        auto prepared = election::encrypt_ballot(
            election(), {ballot_id, k.device_id, k.district_id, ballot_time, k.chain_head}, marks,
            k.key);
        if (!prepared) throw std::runtime_error(prepared.error().message);
        k.chain_head = prepared.value().tracking_code;
        ++k.ballots;
        return std::move(prepared).value();
    }
    Bytes next_cast(std::size_t district, std::uint64_t choice) {
        return election::encode_ballot(next_ballot(district, choice).ballot);
    }
    Bytes next_challenged(std::size_t district, std::uint64_t choice) {
        return election::encode_challenged_ballot(
            election::challenge_ballot(next_ballot(district, choice)));
    }

    // When the next ballots are stamped (rounded down to the hour in the ballot): inside the
    // polls window that polls() opens, unless a test moves it.
    std::uint64_t ballot_time = 1'793'000'200;

private:
    election::LocalKeyCeremony ceremony_;
    std::vector<ScenarioKiosk> kiosks_;
};

}  // namespace psephos::test

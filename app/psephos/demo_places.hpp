// `psephos demo --places N`: the demo as an election of several polling places (issue 22,
// docs/county.md §4, docs/witness.md §8). The manifest's districts are split over N
// `psephos-station serve` processes, each with its own ledger and ledger key, its own TLS
// certificate, `--county` and `--witnesses`; one `psephos-county serve` whose stations file pins
// them; two `psephos-witness serve` (keys made with `psephos-witness keygen`) that know every
// station's district log keys and the county's election log key. Every process is started from the
// directory of this executable, binds 127.0.0.1, and is stopped by SIGTERM at the end or killed
// when this object goes (no orphan on a failure).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "demo_station.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/record/election_record.hpp"
#include "psephos/station/station_process.hpp"

namespace psephos::app {

struct DemoPlacesSetup {
    std::filesystem::path data;  // DATA/station-<i>, DATA/county, DATA/w<i>…
    std::size_t places = 2;      // at least 2, at most the number of districts
    unsigned threads = 2;        // each ledger's threads while the demo makes it
    // By district (manifest order): its kiosks' registrations, then its polls-opened record.
    std::vector<std::vector<Bytes>> registrations;
    std::vector<Bytes> openings;
    // A registration the authority did not sign: submitted to the first station's ledger.
    Bytes rogue_registration;
};

class DemoCounty;

// A demo kiosk as `psephos kiosk` processes (docs/cli.md §14): one process per voter's action,
// with only its device key file, its own state directory and its station's certificate, over
// mutual TLS to its district's station.
class DemoKioskProcess {
public:
    struct Recorded {
        std::string tracking_code;  // as the kiosk printed it (format_tracking_code)
        std::string log;
        std::uint64_t index = 0;
    };
    // `psephos kiosk vote --selections JSON [--challenge]`.
    Result<Recorded> vote(const election::BallotMarks& marks, bool challenge) const;
    // `psephos kiosk finish`: its signed head to the station.
    Status finish() const;
    // `psephos kiosk polls close --actor ACTOR`: the district's closing, with every kiosk's head.
    Status close_polls(const std::string& actor) const;

private:
    friend class DemoCounty;
    Result<std::string> run(std::vector<std::string> command) const;
    std::filesystem::path binary_;
    std::vector<std::string> options_;  // --election … --station-certificate PEM
    std::filesystem::path output_;      // its standard output, read back after each run
};

class DemoCounty {
public:
    static constexpr std::size_t witness_count = 2;

    // Makes every station's ledger (its districts' registrations and openings ingested, the rogue
    // registration submitted to the first), the county's ledger (empty, with `county_key`), the
    // certificates, the stations file, the witnesses' keys (psephos-witness keygen) and their logs
    // file. No process runs yet.
    static Result<std::unique_ptr<DemoCounty>> create(const election::ElectionContext& election,
                                                      const election::ElectionApproval& approval,
                                                      const ledger::LedgerKey& county_key,
                                                      DemoPlacesSetup setup);
    ~DemoCounty();  // kills whatever still runs
    DemoCounty(const DemoCounty&) = delete;
    DemoCounty& operator=(const DemoCounty&) = delete;

    // The witnesses, the county (--witnesses) and the stations (--county, --witnesses).
    Status start(std::ostream& out);

    bool rogue_refused() const { return rogue_refused_; }
    std::size_t places() const { return places_.size(); }
    // The station (index) serving this district (manifest index).
    std::size_t station_of(std::size_t district) const;
    // A kiosk's link to its district's station.
    Result<std::unique_ptr<DemoKioskLink>> kiosk(std::size_t district,
                                                 const crypto::Ed25519SigningKey& device_key,
                                                 const std::string& device_id) const;

    // The kiosk as `psephos kiosk` processes: its device key written to DATA/kiosks/<id>.key
    // (mode 0600), its state in DATA/kiosks/<id>/.
    Result<std::unique_ptr<DemoKioskProcess>> kiosk_process(
        std::size_t district, const crypto::Ed25519SigningKey& device_key,
        const std::string& device_id) const;

    // Every station stopped (SIGTERM: it pushes its last records to the county as it stops).
    Status stop_stations();
    // The county stopped (its last pass to the witnesses).
    Status stop_county();
    // The districts (of all) whose log the county holds with the station's root and size, each
    // station's ledger opened read-only (every log re-checked). Call with the stations stopped.
    Result<std::size_t> districts_held_as_pushed(const ledger::Ledger& county) const;
    // The witnesses whose kept cosigned note of the county's election log is the county's latest
    // election checkpoint with their valid cosignature.
    std::size_t witnesses_cosigned(const ledger::Ledger& county) const;
    // As `psephos-county cosign`: publishes the county's election checkpoint and submits it to
    // every witness; one line per problem.
    std::vector<std::string> cosign(ledger::Ledger& county) const;
    // The districts whose station's latest checkpoint both witnesses cosigned (its kept notes).
    Result<std::size_t> station_districts_cosigned() const;
    Status stop_witnesses();

    // As `psephos export --stations F --witnesses F` on the county's data.
    Result<record::ExportOptions> export_options() const;
    // Both witnesses must have cosigned (2 of 2).
    Result<crypto::WitnessPolicy> witness_policy() const;
    std::filesystem::path county_data() const { return setup_.data / "county"; }

private:
    struct Place {
        std::string id;
        std::vector<std::size_t> districts;
        std::filesystem::path data;
        crypto::Ed25519SigningKey ledger_key;
        std::unique_ptr<DemoStation> process;
    };
    DemoCounty(const election::ElectionContext& election, DemoPlacesSetup setup)
        : election_(election), setup_(std::move(setup)) {}
    std::filesystem::path file(const std::string& name) const { return setup_.data / name; }

    const election::ElectionContext& election_;
    DemoPlacesSetup setup_;
    std::vector<Place> places_;
    std::vector<std::size_t> station_of_district_;
    std::vector<crypto::CosignerKey> witness_keys_;
    std::vector<std::unique_ptr<station::StationProcess>> witnesses_;
    std::unique_ptr<station::StationProcess> county_;
    bool rogue_refused_ = false;
};

}  // namespace psephos::app

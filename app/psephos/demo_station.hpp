// The demo's polling places on the network (issue 21, docs/station.md): one `psephos-station
// serve` process owns the demo's ledger and serves every district's kiosks over loopback mutual
// TLS; each demo kiosk is a network client with only its device key (its TLS identity is made
// from it) and the station's pinned certificate, casting through a StationLink (reconnect with
// backoff, lookup before any resubmit).
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/station/station_link.hpp"
#include "psephos/station/station_process.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::app {

// One kiosk's link; holds the TLS identity its connections use.
class DemoKioskLink {
public:
    DemoKioskLink(station::TlsIdentity identity, const std::string& host, std::uint16_t port,
                  const std::string& station_certificate, const Hash32& base_hash,
                  const std::string& device_id);
    station::StationLink& link() { return *link_; }
    // The kiosk finishes for the day: it signs the head it kept itself (its ballots, cast and
    // challenged, and the last tracking code) and sends it; the station keeps it for the closing.
    Status finish(const crypto::Ed25519SigningKey& key, const std::string& district_id,
                  std::uint64_t ballots, const Hash32& last_tracking_code);
    // The poll worker closes the district's polls at this kiosk once every kiosk finished: the
    // station's counts and the kiosks' final heads go into the closing record this kiosk signs.
    Result<ledger::Receipt> close_polls(const crypto::Ed25519SigningKey& key,
                                        const std::string& district_id, std::uint64_t time,
                                        const std::string& actor);

private:
    station::TlsIdentity identity_;
    std::string device_id_;
    Hash32 base_hash_;
    std::string host_;
    std::uint16_t port_;
    std::string station_certificate_;
    std::unique_ptr<station::StationLink> link_;
};

// A program of ours beside this executable (the build tree's app/, or /usr/bin when installed):
// psephos-station, psephos-county, psephos-witness. io_error naming it when it is missing.
Result<std::filesystem::path> demo_binary(const std::string& name);

// Which station, serving what, pushing where (the demo of several polling places).
struct DemoStationPlan {
    std::string station_id = "demo-station";
    std::vector<std::string> districts;  // empty: every district of the election
    // Appended to `psephos-station serve` (--county …, --county-certificate …, --witnesses …).
    std::vector<std::string> extra_arguments;
};

class DemoStation {
public:
    // Writes the finalized manifest, the ledger key and the station certificate into `data`
    // (DATA/station.pem and station.key: a fresh one unless both are there already; the ledger
    // must be closed: the station opens it) and starts psephos-station from the directory of this
    // executable, serving the plan's districts, on 127.0.0.1. io_error naming what failed
    // (psephos-station missing: build it, or run the demo with --in-process).
    static Result<std::unique_ptr<DemoStation>> start(const std::filesystem::path& data,
                                                      const election::ElectionContext& election,
                                                      const crypto::Ed25519SigningKey& ledger_key,
                                                      const DemoStationPlan& plan = {});
    // A kiosk's link to the station (its TLS certificate made from `device_key`).
    Result<std::unique_ptr<DemoKioskLink>> kiosk(const crypto::Ed25519SigningKey& device_key,
                                                 const std::string& device_id) const;
    // SIGTERM and wait: the station finishes the answers it owes and releases the ledger.
    Status stop();
    std::string address() const;
    const std::filesystem::path& log() const { return log_; }
    const std::string& certificate_pem() const { return certificate_pem_; }

private:
    DemoStation() = default;
    std::unique_ptr<station::StationProcess> process_;
    std::string certificate_pem_;
    Hash32 base_hash_;
    std::filesystem::path log_;
};

}  // namespace psephos::app

// `psephos demo`: a whole election end to end (see README.md).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace psephos::app {

struct DemoOptions {
    std::string election;  // an unfinalized manifest; empty: the realistic sample
    std::uint32_t voters = 2000;
    std::uint32_t threads = 0;  // 0: hardware threads
    std::uint64_t seed = 0;     // 0: random voters; otherwise reproducible choices
    std::string data;           // the ledger's directory (kept); empty: a temporary one, removed
    // The EVM endpoint to anchor on; empty: a development node on 127.0.0.1:8545 if one answers.
    std::string anchor_rpc;
    // For an https anchor_rpc: a PEM file of certificates to trust (a pinned certificate)
    // instead of the system's CAs; empty: the system's CAs.
    std::string anchor_rpc_certificates;
    // The kiosks in the ledger's process instead of a station process and network clients.
    bool in_process = false;
    // 0: one station process serves every district. N >= 2: an election of N polling places
    // (demo_places.hpp): N station processes, the county and two witnesses as processes, the
    // tally and the record at the county, verified with a 2-of-2 witness policy.
    std::uint32_t places = 0;
    // With places: each kiosk as `psephos kiosk` processes (one per voter's action) instead of
    // a thread holding a TLS client.
    bool kiosk_processes = false;
};

// Returns the process exit status: 0 only if every ballot was acknowledged by the ledger (which
// checked every signature, proof and tracking-code chain), the ledger reopened with every log
// checked, every guardian's decryption was accepted, every district has its result, and the
// decrypted results equal the simulated voters' choices in every district and in total.
int run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace psephos::app

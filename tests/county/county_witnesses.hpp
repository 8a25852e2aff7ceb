// A real witness (witness::Witness behind its HTTP server) on 127.0.0.1 for the county's tests:
// it knows one log, has a seeded key and keeps its state under the test's directory.
#pragma once

#include <QtTest>

#include <filesystem>
#include <memory>
#include <string>

#include "ledger_scenario.hpp"
#include "psephos/station/witness_submitter.hpp"
#include "psephos/witness/witness.hpp"
#include "psephos/witness/witness_server.hpp"

namespace psephos::test {

struct RunningWitness {
    std::unique_ptr<witness::Witness> core;
    std::unique_ptr<witness::WitnessServer> server;
    station::WitnessEndpoint endpoint;
};

// Witness `index` (its name "witness.test/w<index>", its key seeded with 0x60 + index).
inline RunningWitness run_witness(const std::filesystem::path& root, int index,
                                  const election::NoteVerifierKey& log) {
    witness::WitnessOptions o;
    o.state_directory = root / ("witness" + std::to_string(index));
    o.name = "witness.test/w" + std::to_string(index);
    o.logs.push_back(log);
    auto core =
        witness::Witness::open(seeded_key(static_cast<std::uint8_t>(0x60 + index)), std::move(o));
    if (!core) qFatal("witness: %s", core.error().message.c_str());
    RunningWitness w{std::move(core).value(), nullptr, {}};
    auto server = witness::WitnessServer::start(*w.core, witness::WitnessServerOptions{});
    if (!server) qFatal("server: %s", server.error().message.c_str());
    w.server = std::move(server).value();
    w.endpoint = {"127.0.0.1", w.server->port(), w.core->cosigner()};
    return w;
}

}  // namespace psephos::test

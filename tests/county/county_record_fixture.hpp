// A county's election record for tests (docs/election-record.md §3.9): a station's two districts
// pushed into a county (d1 batch by batch, d2 at once), exported with the stations, their kept
// checkpoints and evidence, and, where a test adds them, witnesses' cosignatures of the county's
// election log (made here with the witnesses' seeded keys).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "county_fixture.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/record/election_record.hpp"

namespace psephos::test {

namespace fs = std::filesystem;

inline county::PushAnswer push_all(CountyFixture& f, county::County& county, const std::string& d) {
    const auto status = f.station->status(d).value();
    return county.push("station-1", d, 0, f.records(d, 0, status.size), status.signed_checkpoint,
                       {});
}

inline crypto::CosignerKey witness_key(std::uint8_t tag, const std::string& name) {
    return crypto::CosignerKey::of(name, seeded_key(tag).public_key()).value();
}

// The county's note of its election log at the size it holds, cosigned by the witness.
inline std::string cosigned(const ledger::Ledger& county, std::uint8_t tag,
                            const std::string& name) {
    const auto status = county.status(ledger::election_log_name).value();
    const std::string text = election::open_note(status.signed_checkpoint, status.verifier).value();
    return status.signed_checkpoint +
           crypto::cosign_checkpoint(text, name, seeded_key(tag), 1'793'000'400).value();
}

struct CountyRecord {
    CountyFixture f;
    std::unique_ptr<county::County> county;

    // d1 pushed batch by batch (one station checkpoint kept per push), d2 in one push.
    CountyRecord() {
        county = f.open_county();
        std::uint64_t held = 0;
        const auto notes = f.station->checkpoints("d1");
        if (!notes) qFatal("checkpoints: %s", notes.error().message.c_str());
        for (const auto& [size, note] : *notes) {
            std::vector<Hash32> proof;
            if (held > 0) proof = f.station->prove_consistency("d1", held, size).value();
            if (auto a =
                    county->push("station-1", "d1", held, f.records("d1", held, size), note, proof);
                a.refusal)
                qFatal("push: %s", a.refusal->message.c_str());
            held = size;
        }
        if (auto a = push_all(f, *county, "d2"); a.refusal)
            qFatal("push: %s", a.refusal->message.c_str());
    }

    // What `psephos export --stations` gives: the stations file's keys, the kept notes and the
    // evidence.
    record::ExportOptions options() const {
        record::ExportOptions o;
        const fs::path state = f.root() / "county-state";
        record::StationAttestation station{"station-1", {}};
        for (const char* d : {"d1", "d2"}) {
            station.districts.emplace_back(d, f.station->status(d)->verifier);
            o.station_checkpoints[d] = county::read_kept_checkpoints(state, d).value();
        }
        o.stations = std::vector{station};
        o.equivocations = county::read_evidence(state).value();
        return o;
    }

    fs::path export_record(const record::ExportOptions& o, const std::string& name = "record") {
        const fs::path out = f.root() / name;
        auto written = record::export_election_record(*f.county_ledger, out, o);
        if (!written) qFatal("export: %s", written.error().message.c_str());
        return out;
    }

    // d1 forked by the station: the last ballot replaced, signed at the size the county holds.
    void fork_d1() {
        const auto held = f.county_ledger->status("d1").value();
        auto leaves = f.records("d1", 0, held.size - 1);
        leaves.push_back(election::encode_ballot(f.scenario.next_ballot(0, 7).ballot));
        const auto answer = county->push("station-1", "d1", held.size - 1, {leaves.back()},
                                         f.forged_note("d1", leaves), {});
        if (!answer.equivocation) qFatal("the fork was not refused as an equivocation");
    }
};

}  // namespace psephos::test

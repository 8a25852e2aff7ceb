// Station benchmark (docs/benchmarks.md, issue 21): K kiosks casting pre-encrypted ballots over
// loopback mutual TLS to a real `psephos-station serve` process, against in-process ingest of the
// same ballots; with --hostile, the same again while bad peers attack the station.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

namespace psephos::bench {

struct StationBenchOptions {
    bool json = false;
    std::size_t kiosks = 30;
    std::size_t ballots = 3000;
    unsigned threads = 0;    // the station's network threads; 0: 2
    std::size_t window = 1;  // submits each kiosk keeps in flight
    bool hostile = false;
    std::string station_binary;
    std::string manifest_path;
};

int run_station_bench(const StationBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench

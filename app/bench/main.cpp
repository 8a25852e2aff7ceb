// psephos-bench: benchmark suites, each printing machine-readable figures with --json.
//   psephos-bench crypto [--json] [--repetitions N]
//   psephos-bench batch [--json] [--repetitions N]
//   psephos-bench ballot [--json] [--repetitions N] [--manifest FILE]
//   psephos-bench ledger [--json] [--ballots N] [--manifest FILE] [--threads T]
//   psephos-bench tally [--json] [--ballots N] [--threads T]
//   psephos-bench verify [--json] [--ballots N] [--manifest FILE] [--threads T]
//   psephos-bench county [--json] [--ballots N] [--manifest FILE] [--threads T] [--offline N]
//   psephos-bench station --station-binary PATH [--json] [--kiosks K] [--ballots N]
//                 [--threads T] [--window W] [--hostile] [--manifest FILE]
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "ballot_bench.hpp"
#include "batch_bench.hpp"
#include "county_bench.hpp"
#include "crypto_bench.hpp"
#include "ledger_bench.hpp"
#include "national_bench.hpp"
#include "psephos/crypto/scalar.hpp"
#include "station_bench.hpp"
#include "tally_bench.hpp"
#include "verify_bench.hpp"

namespace {
int usage() {
    std::cerr
        << "usage: psephos-bench crypto [--json] [--repetitions N]\n"
           "       psephos-bench batch [--json] [--repetitions N]\n"
           "       psephos-bench ballot [--json] [--repetitions N] [--manifest FILE]\n"
           "       psephos-bench ledger [--json] [--ballots N] [--manifest FILE] [--threads T]\n"
           "       psephos-bench tally [--json] [--ballots N] [--threads T]\n"
           "       psephos-bench verify [--json] [--ballots N] [--manifest FILE] [--threads T]\n"
           "       psephos-bench county [--json] [--ballots N] [--manifest FILE] [--threads T]\n"
           "                     [--offline N]\n"
           "       psephos-bench station --station-binary PATH [--json] [--kiosks K] [--ballots "
           "N]\n"
           "                     [--threads T] [--window W] [--hostile] [--manifest FILE]\n"
           "       psephos-bench national --districts D --ballots-per-district B --out DIR\n"
           "                     [--threads T] [--json]\n";
    return 2;
}

// The value of a numeric option, or nothing (after saying why) if it is not a number in range.
std::optional<long> parse_number(const std::string& option, const char* text, long min, long max) {
    long value = 0;
    try {
        std::size_t used = 0;
        value = std::stol(text, &used);
        if (text[used] != '\0') throw std::invalid_argument(text);
    } catch (const std::exception&) {
        std::cerr << "psephos-bench: " << option << " needs a number, got '" << text << "'\n";
        return std::nullopt;
    }
    if (value < min || value > max) {
        std::cerr << "psephos-bench: " << option << " must be in " << min << ".." << max << '\n';
        return std::nullopt;
    }
    return value;
}
// psephos-bench station …: its own options (docs/benchmarks.md).
int run_station_suite(int argc, char** argv) {
    psephos::bench::StationBenchOptions options;
    options.manifest_path = PSEPHOS_DEFAULT_BENCH_MANIFEST;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        std::optional<long> n;
        if (arg == "--json") {
            options.json = true;
        } else if (arg == "--hostile") {
            options.hostile = true;
        } else if (arg == "--station-binary" && has_value) {
            options.station_binary = argv[++i];
        } else if (arg == "--manifest" && has_value) {
            options.manifest_path = argv[++i];
        } else if (arg == "--kiosks" && has_value) {
            if (!(n = parse_number(arg, argv[++i], 1, 250))) return 2;
            options.kiosks = static_cast<std::size_t>(*n);
        } else if (arg == "--ballots" && has_value) {
            if (!(n = parse_number(arg, argv[++i], 1, 1'000'000))) return 2;
            options.ballots = static_cast<std::size_t>(*n);
        } else if (arg == "--threads" && has_value) {
            if (!(n = parse_number(arg, argv[++i], 1, 64))) return 2;
            options.threads = static_cast<unsigned>(*n);
        } else if (arg == "--window" && has_value) {
            // At most the station's max_in_flight: beyond it the station answers busy.
            if (!(n = parse_number(arg, argv[++i], 1, 8))) return 2;
            options.window = static_cast<std::size_t>(*n);
        } else {
            std::cerr << "psephos-bench: unknown argument '" << arg << "'\n";
            return usage();
        }
    }
    try {
        return psephos::bench::run_station_bench(options, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "psephos-bench: " << e.what() << '\n';
        return 1;
    }
}
// psephos-bench national …: a large synthetic record (docs/scale.md).
int run_national_suite(int argc, char** argv) {
    psephos::bench::NationalBenchOptions options;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        std::optional<long> n;
        if (arg == "--json") {
            options.json = true;
        } else if (arg == "--out" && has_value) {
            options.out = argv[++i];
        } else if (arg == "--districts" && has_value) {
            if (!(n = parse_number(arg, argv[++i], 1, 1'000'000))) return 2;
            options.districts = static_cast<std::size_t>(*n);
        } else if (arg == "--ballots-per-district" && has_value) {
            if (!(n = parse_number(arg, argv[++i], 1, 1'000'000))) return 2;
            options.ballots_per_district = static_cast<std::size_t>(*n);
        } else if (arg == "--threads" && has_value) {
            if (!(n = parse_number(arg, argv[++i], 1, 1024))) return 2;
            options.threads = static_cast<unsigned>(*n);
        } else {
            std::cerr << "psephos-bench: unknown argument '" << arg << "'\n";
            return usage();
        }
    }
    if (options.out.empty()) {
        std::cerr << "psephos-bench: national needs --out DIR\n";
        return usage();
    }
    try {
        return psephos::bench::run_national_bench(options, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "psephos-bench: " << e.what() << '\n';
        return 1;
    }
}
// Not for people: the process run_verify_bench starts for each verification.
int run_verify_child_suite(int argc, char** argv) {
    if (argc != 4) return usage();
    const auto threads = parse_number("verify-child threads", argv[3], 1, 1024);
    if (!threads) return 2;
    try {
        return psephos::bench::run_verify_child(argv[2], static_cast<unsigned>(*threads), std::cout,
                                                std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "psephos-bench: " << e.what() << '\n';
        return 1;
    }
}
}  // namespace

int main(int argc, char** argv) {
    psephos::crypto::initialize();
    if (argc < 2) return usage();
    const std::string suite = argv[1];
    if (suite == "station") return run_station_suite(argc, argv);
    if (suite == "national") return run_national_suite(argc, argv);
    if (suite == "verify-child") return run_verify_child_suite(argc, argv);
    if (suite != "crypto" && suite != "batch" && suite != "ballot" && suite != "ledger" &&
        suite != "tally" && suite != "verify" && suite != "county") {
        return usage();
    }
    bool json = false;
    int repetitions = 9;
    psephos::bench::LedgerBenchOptions ledger_options;
    psephos::bench::TallyBenchOptions tally_options;
    psephos::bench::VerifyBenchOptions verify_options;
    psephos::bench::CountyBenchOptions county_options;
    std::string manifest = PSEPHOS_DEFAULT_BENCH_MANIFEST;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--json") {
            json = true;
        } else if (arg == "--repetitions" &&
                   (suite == "crypto" || suite == "batch" || suite == "ballot") && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1000);
            if (!n) return 2;
            repetitions = static_cast<int>(*n);
        } else if (arg == "--ballots" && suite == "county" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1'000'000);
            if (!n) return 2;
            county_options.ballots = static_cast<std::size_t>(*n);
        } else if (arg == "--threads" && suite == "county" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1024);
            if (!n) return 2;
            county_options.threads = static_cast<unsigned>(*n);
        } else if (arg == "--offline" && suite == "county" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1'000'000);
            if (!n) return 2;
            county_options.offline = static_cast<std::size_t>(*n);
        } else if (arg == "--ballots" && suite == "ledger" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1'000'000);
            if (!n) return 2;
            ledger_options.ballots = static_cast<std::size_t>(*n);
        } else if (arg == "--threads" && suite == "ledger" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1024);
            if (!n) return 2;
            ledger_options.threads = static_cast<unsigned>(*n);
        } else if (arg == "--ballots" && suite == "tally" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 10'000'000);
            if (!n) return 2;
            tally_options.ballots = static_cast<std::size_t>(*n);
        } else if (arg == "--threads" && suite == "tally" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1024);
            if (!n) return 2;
            tally_options.threads = static_cast<unsigned>(*n);
        } else if (arg == "--ballots" && suite == "verify" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1'000'000);
            if (!n) return 2;
            verify_options.ballots = static_cast<std::size_t>(*n);
        } else if (arg == "--threads" && suite == "verify" && has_value) {
            const auto n = parse_number(arg, argv[++i], 1, 1024);
            if (!n) return 2;
            verify_options.threads = static_cast<unsigned>(*n);
        } else if (arg == "--manifest" &&
                   (suite == "ballot" || suite == "ledger" || suite == "verify" ||
                    suite == "county") &&
                   has_value) {
            manifest = argv[++i];
        } else {
            std::cerr << "psephos-bench: unknown argument '" << arg << "'\n";
            return usage();
        }
    }
    try {
        if (suite == "crypto") {
            psephos::bench::CryptoBenchOptions options;
            options.json = json;
            options.repetitions = repetitions;
            return psephos::bench::run_crypto_bench(options, std::cout);
        }
        if (suite == "batch") {
            psephos::bench::BatchBenchOptions options;
            options.json = json;
            options.repetitions = repetitions;
            return psephos::bench::run_batch_bench(options, std::cout);
        }
        if (suite == "ledger") {
            ledger_options.json = json;
            ledger_options.manifest_path = manifest;
            return psephos::bench::run_ledger_bench(ledger_options, std::cout);
        }
        if (suite == "county") {
            county_options.json = json;
            county_options.manifest_path = manifest;
            return psephos::bench::run_county_bench(county_options, std::cout);
        }
        if (suite == "verify") {
            verify_options.json = json;
            verify_options.manifest_path = manifest;
            return psephos::bench::run_verify_bench(verify_options, std::cout);
        }
        if (suite == "tally") {
            tally_options.json = json;
            return psephos::bench::run_tally_bench(tally_options, std::cout);
        }
        psephos::bench::BallotBenchOptions options;
        options.json = json;
        options.repetitions = repetitions;
        options.manifest_path = manifest;
        return psephos::bench::run_ballot_bench(options, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "psephos-bench: " << e.what() << '\n';
        return 1;
    }
}

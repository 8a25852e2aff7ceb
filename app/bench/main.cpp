// psephos-bench: benchmark suites, each printing machine-readable figures with --json.
//   psephos-bench crypto [--json] [--repetitions N]
//   psephos-bench ballot [--json] [--repetitions N] [--manifest FILE]
#include <cstring>
#include <iostream>
#include <string>

#include "ballot_bench.hpp"
#include "crypto_bench.hpp"
#include "psephos/crypto/scalar.hpp"

namespace {
int usage() {
    std::cerr << "usage: psephos-bench crypto [--json] [--repetitions N]\n"
                 "       psephos-bench ballot [--json] [--repetitions N] [--manifest FILE]\n";
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    psephos::crypto::initialize();
    if (argc < 2) return usage();
    const std::string suite = argv[1];
    if (suite != "crypto" && suite != "ballot") return usage();
    bool json = false;
    int repetitions = 9;
    std::string manifest = PSEPHOS_DEFAULT_BENCH_MANIFEST;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json") {
            json = true;
        } else if (arg == "--repetitions" && i + 1 < argc) {
            try {
                repetitions = std::stoi(argv[++i]);
            } catch (const std::exception&) {
                std::cerr << "psephos-bench: --repetitions needs a number, got '" << argv[i] << "'\n";
                return 2;
            }
            if (repetitions < 1 || repetitions > 1000) {
                std::cerr << "psephos-bench: --repetitions must be in 1..1000\n";
                return 2;
            }
        } else if (arg == "--manifest" && suite == "ballot" && i + 1 < argc) {
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

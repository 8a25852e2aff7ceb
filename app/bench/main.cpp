// psephos-bench: benchmark suites, each printing machine-readable figures with --json.
//   psephos-bench crypto [--json] [--repetitions N]
#include <cstring>
#include <iostream>
#include <string>

#include "crypto_bench.hpp"
#include "psephos/crypto/scalar.hpp"

namespace {
int usage() {
    std::cerr << "usage: psephos-bench crypto [--json] [--repetitions N]\n";
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    psephos::crypto::initialize();
    if (argc < 2) return usage();
    const std::string suite = argv[1];
    if (suite != "crypto") return usage();
    psephos::bench::CryptoBenchOptions options;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json") {
            options.json = true;
        } else if (arg == "--repetitions" && i + 1 < argc) {
            try {
                options.repetitions = std::stoi(argv[++i]);
            } catch (const std::exception&) {
                std::cerr << "psephos-bench: --repetitions needs a number, got '" << argv[i] << "'\n";
                return 2;
            }
            if (options.repetitions < 1 || options.repetitions > 1000) {
                std::cerr << "psephos-bench: --repetitions must be in 1..1000\n";
                return 2;
            }
        } else {
            std::cerr << "psephos-bench: unknown argument '" << arg << "'\n";
            return usage();
        }
    }
    try {
        return psephos::bench::run_crypto_bench(options, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "psephos-bench: " << e.what() << '\n';
        return 1;
    }
}

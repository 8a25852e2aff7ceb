// psephos: the command-line tool. Subcommands so far: demo.
#include <iostream>
#include <string>

#include "demo.hpp"
#include "psephos/crypto/scalar.hpp"

namespace {
int usage() {
    std::cerr << "usage: psephos demo [--voters N] [--threads N] [--seed N]\n";
    return 2;
}

bool parse_number(const std::string& flag, const char* text, std::uint64_t max, std::uint64_t& out) {
    try {
        std::size_t used = 0;
        const unsigned long long value = std::stoull(text, &used);
        if (used == std::string(text).size() && value <= max) {
            out = value;
            return true;
        }
    } catch (const std::exception&) {
    }
    std::cerr << "psephos: " << flag << " needs a whole number up to " << max << ", got '" << text << "'\n";
    return false;
}
}  // namespace

int main(int argc, char** argv) {
    psephos::crypto::initialize();
    if (argc < 2 || std::string(argv[1]) != "demo") return usage();
    psephos::app::DemoOptions options;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) return usage();
        std::uint64_t value = 0;
        if (arg == "--voters") {
            if (!parse_number(arg, argv[++i], 10'000'000, value)) return 2;
            if (value == 0) {
                std::cerr << "psephos: --voters must be at least 1\n";
                return 2;
            }
            options.voters = static_cast<std::uint32_t>(value);
        } else if (arg == "--threads") {
            if (!parse_number(arg, argv[++i], 1024, value)) return 2;
            options.threads = static_cast<std::uint32_t>(value);
        } else if (arg == "--seed") {
            if (!parse_number(arg, argv[++i], UINT64_MAX, value)) return 2;
            options.seed = value;
        } else {
            std::cerr << "psephos: unknown argument '" << arg << "'\n";
            return usage();
        }
    }
    try {
        return psephos::app::run_demo(options, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "psephos: " << e.what() << '\n';
        return 1;
    }
}

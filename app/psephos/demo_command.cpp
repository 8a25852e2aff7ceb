// `psephos demo [--election FILE] [--voters N] [--threads N] [--seed N] [--data DIR]
// [--anchor-rpc URL [--anchor-rpc-certificates PEM]] [--in-process | --places N
// [--kiosk-processes]]`: the command line of run_demo (demo.hpp).
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "demo.hpp"

namespace psephos::app {

int run_demo_command(Words words) {
    const CommandSpec spec{
        "psephos demo [--election FILE] [--voters N] [--threads N] [--seed N] [--data DIR]\n"
        "             [--anchor-rpc URL [--anchor-rpc-certificates PEM]]\n"
        "             [--in-process | --places N [--kiosk-processes]]",
        {"--election", "--voters", "--threads", "--seed", "--data", "--anchor-rpc",
         "--anchor-rpc-certificates", "--places"},
        {"--in-process", "--kiosk-processes"},
        0,
        0};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    DemoOptions options;
    if (auto election = args->value("--election")) options.election = *election;
    if (auto data = args->value("--data")) options.data = *data;
    if (auto rpc = args->value("--anchor-rpc")) options.anchor_rpc = *rpc;
    if (auto pem = args->value("--anchor-rpc-certificates")) {
        if (options.anchor_rpc.empty())
            return usage_error(spec, "--anchor-rpc-certificates needs --anchor-rpc");
        options.anchor_rpc_certificates = *pem;
    }
    options.in_process = args->has_switch("--in-process");
    auto voters = args->number("--voters", 1, 10'000'000, options.voters);
    if (!voters) return usage_error(spec, voters.error().message);
    auto threads = args->number("--threads", 0, 1024, options.threads);
    if (!threads) return usage_error(spec, threads.error().message);
    auto seed = args->number("--seed", 0, UINT64_MAX, options.seed);
    if (!seed) return usage_error(spec, seed.error().message);
    auto places = args->number("--places", 2, 1000, 0);
    if (!places) return usage_error(spec, places.error().message);
    if (places.value() != 0 && options.in_process)
        return usage_error(spec, "--places and --in-process: choose one");
    options.places = static_cast<std::uint32_t>(places.value());
    options.kiosk_processes = args->has_switch("--kiosk-processes");
    if (options.kiosk_processes && options.places == 0)
        return usage_error(spec, "--kiosk-processes goes with --places N");
    options.voters = static_cast<std::uint32_t>(voters.value());
    options.threads = static_cast<std::uint32_t>(threads.value());
    options.seed = seed.value();
    return run_demo(options, std::cout);
}

}  // namespace psephos::app

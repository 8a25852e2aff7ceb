// The child of the crash test (tst_ledger_crash.cpp): reopens the ledger at argv[1] and casts
// ballots from every district's kiosk, on one thread per kiosk, until it is killed. Each
// acknowledgement is written to stdout as "ACK <district> <index> <leaf hash hex>" only after the
// ledger fulfilled the ballot's future, i.e. after its batch's synced write returned.
#include <sodium.h>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "ledger_scenario.hpp"
#include "psephos/ledger/casting_module.hpp"

using namespace psephos;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: ledger_crash_child LEDGER_DIR\n");
        return 2;
    }
    ledger::LedgerOptions options;
    options.directory = argv[1];
    options.max_batch = 4;
    auto opened = ledger::Ledger::open(options, test::LedgerScenario::ledger_key());
    if (!opened) {
        std::fprintf(stderr, "ledger_crash_child: %s\n", opened.error().message.c_str());
        return 1;
    }
    ledger::Ledger& ledger = *opened.value();
    const election::ElectionContext& election = ledger.election();
    std::mutex out_mutex;
    std::printf("READY\n");
    std::fflush(stdout);

    std::vector<std::jthread> kiosks;
    for (std::size_t d = 0; d < election.manifest.districts.size(); ++d) {
        kiosks.emplace_back([&, d] {
            const std::string district = election.manifest.districts[d].id;
            const std::string device = district + "-kiosk-1";
            const crypto::Ed25519SigningKey key =
                test::seeded_key(static_cast<std::uint8_t>(d + 1));
            const election::BallotStyle& style =
                *election.manifest.ballot_style_of_district(district);
            Hash32 head = ledger.casting().device_chain_head(d, device).value();
            for (std::uint64_t n = 0;; ++n) {
                election::BallotMarks marks;
                for (const auto& contest_id : style.contests) {
                    const auto& options_of = election.manifest.find_contest(contest_id)->options;
                    marks[contest_id].push_back(options_of[(n + d) % options_of.size()].id);
                }
                const std::string id =
                    device + "-" + std::to_string(randombytes_random()) + "-" + std::to_string(n);
                auto prepared = election::encrypt_ballot(
                    election, {id, device, district, 1'793'000'200, head}, marks, key);
                if (!prepared) {
                    std::fprintf(stderr, "ledger_crash_child: %s\n",
                                 prepared.error().message.c_str());
                    std::_Exit(1);
                }
                auto receipt =
                    ledger.submit(election::encode_ballot(prepared.value().ballot)).get();
                if (!receipt) {
                    std::fprintf(stderr, "ledger_crash_child: %s\n",
                                 receipt.error().message.c_str());
                    std::_Exit(1);
                }
                head = prepared.value().tracking_code;
                std::lock_guard lock(out_mutex);
                std::printf("ACK %s %llu %s\n", district.c_str(),
                            static_cast<unsigned long long>(receipt.value().index),
                            receipt.value().leaf_hash.to_hex().c_str());
                std::fflush(stdout);
            }
        });
    }
}

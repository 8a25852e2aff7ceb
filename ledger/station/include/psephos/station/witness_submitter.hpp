// The station's side of the witnesses (docs/witness.md §8): submits each district's newest
// checkpoint to every configured witness (C2SP tlog-witness, through witness::WitnessClient) with
// the ledger's consistency proof from the size that witness last cosigned, and keeps the cosigned
// note per witness and log in DIRECTORY/<hex SHA-256 of the witness name>/<district>.note, or
// _election.note for the election log (replaced atomically; cosigned_note_path), from which a
// restarted station or county takes up where it stopped (each kept note
// checked again: the ledger's signature, the witness's cosignature, a size the log has). It runs
// on its own thread, never on the server's, so an unreachable witness never holds up casting; a
// witness that fails is tried again after station::retry_delay (1 s doubling to a minute);
// problems go to a callback (one line each).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::station {

struct WitnessEndpoint {
    std::string host;
    std::uint16_t port = 0;
    crypto::CosignerKey key;
};

// Where the cosigned note of `log` (a district id, or ledger::election_log_name) by the witness
// named `witness_name` is kept below `directory` (a station's or county's DATA/cosignatures):
// `<hex SHA-256 of the name>/<district>.note`, and `_election.note` for the election log (a
// ledger log's leading '/' becomes '_', which never appears in a district id: no clash). The one
// naming rule: the submitter writes there and `psephos export` collects from there.
std::filesystem::path cosigned_note_path(const std::filesystem::path& directory,
                                         std::string_view witness_name, std::string_view log);

class WitnessSubmitter {
public:
    // `ledger` must outlive the submitter. `districts` are the logs submitted: district ids and/or
    // ledger::election_log_name. The directory is created (mode 0700) by the first pass; the
    // notes a previous run kept there give the sizes each witness cosigned.
    WitnessSubmitter(const ledger::Ledger& ledger, std::vector<std::string> districts,
                     std::vector<WitnessEndpoint> witnesses, std::filesystem::path directory);
    ~WitnessSubmitter();  // stops the thread, if started
    WitnessSubmitter(const WitnessSubmitter&) = delete;
    WitnessSubmitter& operator=(const WitnessSubmitter&) = delete;

    // One pass over every witness and district: submits the district's newest checkpoint where it
    // is beyond what that witness cosigned. Returns one line per problem (witness, district,
    // reason); an empty list when every witness holds every district's newest checkpoint.
    std::vector<std::string> submit_once();
    // A pass every `period` until destroyed, each witness that failed skipped until its backoff
    // ends; each problem goes to `on_problem`.
    void start(std::chrono::milliseconds period,
               std::function<void(const std::string&)> on_problem);
    // Stops the background thread (the pass under way finishes); submit_once() goes on working.
    void stop();
    // Starts the background thread's next pass now (e.g. after a new checkpoint); returns at
    // once, never waits for a witness.
    void wake();

    // The size `witness` (its index) last cosigned of `district`, 0 if none yet.
    std::uint64_t cosigned_size(std::size_t witness, const std::string& district) const;
    std::filesystem::path cosigned_note_path(std::size_t witness,
                                             const std::string& district) const;

private:
    std::vector<std::string> pass(bool honour_backoff);
    void load_kept_notes();

    struct Backoff {
        std::uint64_t failures = 0;
        std::chrono::steady_clock::time_point next_attempt;
    };
    const ledger::Ledger& ledger_;
    std::vector<std::string> districts_;
    std::vector<WitnessEndpoint> witnesses_;
    std::filesystem::path directory_;
    mutable std::mutex mutex_;
    std::map<std::pair<std::size_t, std::string>, std::uint64_t> cosigned_;
    std::vector<Backoff> backoff_;  // by witness; the background passes only
    std::condition_variable wake_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace psephos::station

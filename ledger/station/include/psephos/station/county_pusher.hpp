// The station's side of the county (docs/county.md §3, docs/station-protocol.md §8): pushes each
// district's records to the county, with the station's signed checkpoint at the end of each push
// and the consistency proof from what the county holds. It asks the county what it holds
// (`held`) when it connects, so it resumes after a partition or a restart of either side from
// where the county stands; a push the county already holds is answered with the size held.
//
// A push ends at one of the station's checkpoints (the county compares roots at that size), so a
// push is one or more of the station's batches, as many as fit the county's frame and record
// limits. Records the county makes itself (the district's tally and what follows it) are not
// pushed. It runs on a thread of its own (never the server's): a pass every period, and one
// more when asked (wake, e.g. after a commit) or at the station's stop (push_once); a county
// that fails is tried again after station::retry_delay (1 s doubling to a minute).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "psephos/ledger/ledger.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::station {

class StationClient;

struct CountyEndpoint {
    std::string host;
    std::uint16_t port = 0;
    std::string certificate_pem;                // the county's, pinned
    std::chrono::milliseconds timeout{30'000};  // the connection and each answer
};

class CountyPusher {
public:
    // `ledger` and `identity` (the station's TLS certificate and key) must outlive the pusher.
    CountyPusher(const ledger::Ledger& ledger, std::vector<std::string> districts,
                 std::string station_id, const TlsIdentity& identity, CountyEndpoint county);
    ~CountyPusher();  // stops the thread, if started
    CountyPusher(const CountyPusher&) = delete;
    CountyPusher& operator=(const CountyPusher&) = delete;

    // One pass: every district pushed up to its newest checkpoint (records the county makes
    // itself excluded). One line per problem; empty when the county holds everything.
    std::vector<std::string> push_once();
    // A pass every `period` until destroyed, honouring the backoff; problems to `on_problem`.
    void start(std::chrono::milliseconds period,
               std::function<void(const std::string&)> on_problem);
    // Makes the background thread run a pass now.
    void wake();
    // What the county said it holds of the district, as last heard (0 before any answer).
    std::uint64_t county_holds(const std::string& district) const;

private:
    std::vector<std::string> pass(bool honour_backoff);
    Status connect();
    Status push_district(const std::string& district);

    const ledger::Ledger& ledger_;
    const std::vector<std::string> districts_;
    const std::string station_id_;
    const TlsIdentity& identity_;
    const CountyEndpoint county_;
    std::mutex pass_mutex_;  // one pass at a time (the thread's, push_once)
    std::unique_ptr<StationClient> client_;
    std::uint32_t next_request_ = 1;
    std::uint32_t max_frame_ = 0;
    std::uint32_t max_records_ = 0;
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t> held_;
    std::uint64_t failures_ = 0;
    std::chrono::steady_clock::time_point next_attempt_;
    std::condition_variable wake_;
    bool woken_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace psephos::station

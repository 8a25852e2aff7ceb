// A kiosk's link to its station that outlives connections and station restarts
// (docs/station-protocol.md §6): it connects with backoff, says hello, and casts a record so that
// a record whose answer was lost is never cast twice — after any loss it asks `lookup` by the
// tracking code before it submits again: found, the receipt is the log's; not found, it submits.
// The SIGKILL test and the load generator use it; the networked kiosk can sit on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "psephos/crypto/result.hpp"
#include "psephos/station/station_client.hpp"
#include "psephos/station/station_protocol.hpp"

namespace psephos::station {

struct Backoff {
    std::chrono::milliseconds first{50};   // after the first failed attempt
    std::chrono::milliseconds max{2'000};  // doubling up to this
};

// The wait after `failures` failed attempts in a row (at least 1): first × 2^(failures − 1), at
// most max, less a random part of up to a quarter, so that the kiosks of a polling place whose
// station restarted do not all come back in the same millisecond.
std::chrono::milliseconds retry_delay(const Backoff& backoff, std::uint64_t failures);

// How a cast was settled.
struct Settled {
    bool found_in_log = false;  // by lookup after a lost answer: the record was not sent again
    Inclusion inclusion;
    unsigned submits = 0;  // how often the record went out (1 unless an answer was lost)
};

// What became of a record once settled on a connection (docs/station-protocol.md §6).
struct Settlement {
    enum class Outcome {
        in_log,     // the log holds it: `inclusion` says where (found by lookup, or cast now)
        refused,    // the station refused it and the log does not hold it: `reason` is why
        try_later,  // busy or rate limited: nothing learned, nothing written; `reason` is why
    };
    Outcome outcome = Outcome::try_later;
    Inclusion inclusion;
    bool found_by_lookup = false;  // in_log through the lookup: not sent on this connection
    std::string reason;
};

// Sends one request with a fresh request id and returns the station's answer to it; an error
// means the connection can no longer be used.
using Exchange = std::function<Result<Message>(Message)>;

// The rule of §6 on one welcomed connection. `submits` counts how often the record went out
// before (on any connection) and is raised before each submit, so a caller knows it even when the
// connection fails after it. A record sent before is looked up first: found, that is its receipt
// and it is never sent again. Not found (or never sent), it is submitted. Refused, it is looked
// up once more: an earlier copy may have landed meanwhile, which the ledger refuses as a repeat.
// An inclusion must be the record's (its leaf hash). Errors: the connection failed or answered
// out of protocol, or a receipt for another record; the caller drops the connection and settles
// again on the next.
Result<Settlement> settle_record(const Exchange& exchange, const Hash32& tracking_code,
                                 const Bytes& record, unsigned& submits);

class StationLink {
public:
    // `endpoint` says where the station is now (it may move: a restarted station takes a new
    // port); an error from it counts as a failed attempt. `hello` is sent on every connection.
    StationLink(std::function<Result<StationClientOptions>()> endpoint, Hello hello,
                Backoff backoff = {});

    // Casts `record` (whose tracking code is `tracking_code`) and returns where the log holds
    // it, reconnecting as often as needed until `deadline`. Errors: refused (the station
    // refused the record and the log does not hold it; the text is its reason), not_authorised
    // hellos (refused), io_error once the deadline passed.
    Result<Settled> cast(const Hash32& tracking_code, const Bytes& record,
                         std::chrono::steady_clock::time_point deadline);

    // Sends a request that may be repeated without harm (status, lookup, final head, heads, ping;
    // never a submit: use cast) with a fresh request id, reconnecting and resending after a lost
    // answer until `deadline`; returns the station's answer, an error answer included.
    Result<Message> request(Message message, std::chrono::steady_clock::time_point deadline);

    // Connections made after the first (each a reconnection after a loss).
    unsigned reconnections() const { return reconnections_; }
    bool connected() const { return client_ != nullptr; }
    // The connection, if any (for requests of the caller's own, e.g. status).
    StationClient* client() { return client_.get(); }
    std::uint32_t next_request_id() { return ++request_id_; }

private:
    Status connect();
    void wait_before_retry();
    Result<Message> exchange(Message message);

    std::function<Result<StationClientOptions>()> endpoint_;
    Hello hello_;
    Backoff backoff_;
    std::uint64_t failures_ = 0;  // failed attempts since the last connection
    std::unique_ptr<StationClient> client_;
    unsigned connections_ = 0;
    unsigned reconnections_ = 0;
    std::uint32_t request_id_ = 1;
};

}  // namespace psephos::station

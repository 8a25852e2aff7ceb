// What the long-running servers (psephos-station serve, psephos-witness serve) share: the
// --listen address and the stop signals.
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>

#include "psephos/crypto/result.hpp"

namespace psephos::app {

struct Listen {
    std::string host;
    std::uint16_t port = 0;
};

// HOST:PORT with HOST an IPv4 address or a bracketed IPv6 one; invalid_argument naming --listen.
Result<Listen> parse_listen(const std::string& text);

// Blocks SIGTERM and SIGINT in this thread, and so in every thread started after it: sigwait then
// takes them, and no thread is interrupted. Also ignores SIGPIPE (a peer that closes early).
sigset_t block_stop_signals();

}  // namespace psephos::app

// What the long-running servers (psephos-station serve, psephos-witness serve, psephos-county
// serve) share: the --listen address, the stop signals and the TLS identity files.
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>

#include "psephos/crypto/result.hpp"
#include "psephos/station/station_tls.hpp"

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

// A server's TLS identity from its certificate file (--certificate: PEM, its key an Ed25519 one)
// and its private key file (--certificate-key: mode 0600, read into wiped memory); errors name
// the flag and the file.
Result<station::TlsIdentity> read_tls_identity(const std::string& certificate_path,
                                               const std::string& key_path);

}  // namespace psephos::app

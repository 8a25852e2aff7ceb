// What the long-running servers (psephos-station serve, psephos-witness serve, psephos-county
// serve) share: the --listen address, the stop signals, the TLS identity files, and the
// witnesses a station or the county submits its checkpoints to (--witnesses).
#pragma once

#include <signal.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/result.hpp"
#include "psephos/station/station_tls.hpp"
#include "psephos/station/witness_submitter.hpp"

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

// The witnesses file of --witnesses (docs/witness.md §8): one "HOST:PORT VKEY" line per witness,
// VKEY as 'psephos-witness keygen' prints it; empty lines and '#' comments skipped. Errors name
// the file and line; a file with no witness is refused.
Result<std::vector<station::WitnessEndpoint>> read_witnesses_file(const std::string& path);

// A WitnessSubmitter of `logs` (district ids and/or ledger::election_log_name) over `ledger` to
// the witnesses of the file `witnesses_path`, keeping the cosigned notes in
// DATA/cosignatures, its background passes started (one a second, and one at each wake()).
// Problems print on stderr as "PROGRAM: witness: …", at most one a minute per problem text,
// under `log_mutex`.
Result<std::unique_ptr<station::WitnessSubmitter>> start_witness_submitter(
    const std::string& witnesses_path, const ledger::Ledger& ledger, std::vector<std::string> logs,
    const std::filesystem::path& data, std::string_view program, std::mutex& log_mutex);

}  // namespace psephos::app

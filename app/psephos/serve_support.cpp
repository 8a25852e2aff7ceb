// The --listen address and stop signals of the servers (serve_support.hpp).
#include "serve_support.hpp"

#include <pthread.h>

#include <csignal>
#include <exception>

#include "psephos/crypto/secure_file.hpp"

namespace psephos::app {

// HOST:PORT with HOST an IPv4 address or a bracketed IPv6 one.
Result<Listen> parse_listen(const std::string& text) {
    const auto bad = [&](const std::string& why) {
        return make_error(ErrorCode::invalid_argument, "--listen '" + text + "': " + why);
    };
    Listen out;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find("]:");
        if (close == std::string::npos) return bad("expected [IPv6]:PORT");
        out.host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos) return bad("expected HOST:PORT");
        out.host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (out.host.find(':') != std::string::npos)
            return bad("write an IPv6 address in brackets, [ADDRESS]:PORT");
    }
    if (out.host.empty()) return bad("no address before the port");
    unsigned long value = 0;
    std::size_t used = 0;
    try {
        value = std::stoul(port, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (port.empty() || used != port.size() || port.front() == '-' || value > 65535)
        return bad("the port must be a whole number from 0 to 65535");
    out.port = static_cast<std::uint16_t>(value);
    return out;
}

// Blocks SIGTERM and SIGINT in this thread, and so in every thread started after it (the
// ledger's pool, the server's): sigwait then takes them, and no thread is interrupted.
sigset_t block_stop_signals() {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    // A peer that closes early must not kill the station with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    return stop;
}

Result<station::TlsIdentity> read_tls_identity(const std::string& certificate_path,
                                               const std::string& key_path) {
    constexpr std::size_t max_pem_bytes = 64 * 1024;
    auto certificate = crypto::read_public_file(certificate_path, max_pem_bytes);
    if (!certificate) return certificate.error().within("--certificate");
    std::string certificate_pem(certificate.value().begin(), certificate.value().end());
    if (auto key = station::certificate_key(certificate_pem); !key)
        return key.error().within("--certificate " + certificate_path);
    crypto::SecretText key(max_pem_bytes);
    if (const Status read = crypto::read_file_into(key_path, true, key); !read)
        return read.error().within("--certificate-key");
    return station::TlsIdentity(std::move(certificate_pem), std::string(key.view()));
}

}  // namespace psephos::app

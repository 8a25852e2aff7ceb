// The --listen address and stop signals of the servers (serve_support.hpp).
#include "serve_support.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <exception>
#include <iostream>
#include <map>

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

Result<std::vector<station::WitnessEndpoint>> read_witnesses_file(const std::string& path) {
    PSEPHOS_TRY_ASSIGN(const Bytes bytes, crypto::read_public_file(path, 1024 * 1024));
    std::vector<station::WitnessEndpoint> endpoints;
    std::size_t number = 0;
    for (std::string_view rest(reinterpret_cast<const char*>(bytes.data()), bytes.size());
         !rest.empty();) {
        const auto end = std::min(rest.find('\n'), rest.size());
        const std::string line(rest.substr(0, end));
        rest.remove_prefix(std::min(end + 1, rest.size()));
        const std::string where = path + ":" + std::to_string(++number);
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.find(' ');
        if (space == std::string::npos)
            return make_error(ErrorCode::invalid_argument, where + ": not \"HOST:PORT VKEY\"");
        auto address = parse_listen(line.substr(0, space));
        if (!address) return address.error().within(where);
        auto key = crypto::CosignerKey::parse(line.substr(space + 1));
        if (!key) return key.error().within(where);
        endpoints.push_back({address.value().host, address.value().port, key.value()});
    }
    if (endpoints.empty())
        return make_error(ErrorCode::invalid_argument, path + ": no witness in it");
    return endpoints;
}

Result<std::unique_ptr<station::WitnessSubmitter>> start_witness_submitter(
    const std::string& witnesses_path, const ledger::Ledger& ledger, std::vector<std::string> logs,
    const std::filesystem::path& data, std::string_view program, std::mutex& log_mutex) {
    PSEPHOS_TRY_ASSIGN(auto endpoints, read_witnesses_file(witnesses_path));
    auto submitter = std::make_unique<station::WitnessSubmitter>(
        ledger, std::move(logs), std::move(endpoints), data / "cosignatures");
    auto last_printed =
        std::make_shared<std::map<std::string, std::chrono::steady_clock::time_point>>();
    submitter->start(
        std::chrono::seconds(1),
        [&log_mutex, last_printed, prefix = std::string(program)](const std::string& problem) {
            const auto now = std::chrono::steady_clock::now();
            const std::lock_guard lock(log_mutex);
            if (last_printed->size() > 1000) last_printed->clear();  // bounded, whatever the texts
            auto& last = (*last_printed)[problem];
            if (last.time_since_epoch().count() != 0 && now - last < std::chrono::minutes(1))
                return;
            last = now;
            std::string line = problem;
            for (char& c : line)
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
            std::cerr << prefix << ": witness: " << line << std::endl;
        });
    return submitter;
}

}  // namespace psephos::app

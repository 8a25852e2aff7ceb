#include "demo_station.hpp"

#include <unistd.h>

#include <vector>

#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/election/ledger_records.hpp"

namespace psephos::app {

namespace fs = std::filesystem;

DemoKioskLink::DemoKioskLink(station::TlsIdentity identity, const std::string& host,
                             std::uint16_t port, const std::string& station_certificate,
                             const Hash32& base_hash, const std::string& device_id)
    : identity_(std::move(identity)),
      device_id_(device_id),
      base_hash_(base_hash),
      host_(host),
      port_(port),
      station_certificate_(station_certificate) {
    link_ = std::make_unique<station::StationLink>(
        [this]() -> Result<station::StationClientOptions> {
            station::StationClientOptions o;
            o.host = host_;
            o.port = port_;
            o.station_certificate_pem = station_certificate_;
            o.identity = &identity_;
            return o;
        },
        station::Hello{0, base_hash, device_id});
}

namespace {

std::chrono::steady_clock::time_point in_a_minute() {
    return std::chrono::steady_clock::now() + std::chrono::minutes(1);
}

// The answer of type T, or an error naming what the station said instead.
template <class T>
Result<T> answer_as(Result<station::Message> answer, const std::string& what) {
    if (!answer) return answer.error();
    if (auto* ok = std::get_if<T>(&answer.value())) return std::move(*ok);
    if (auto* error = std::get_if<station::ErrorReply>(&answer.value()))
        return make_error(ErrorCode::refused, what + ": " + error->text);
    return make_error(ErrorCode::io_error, what + ": an unexpected answer");
}

}  // namespace

Status DemoKioskLink::finish(const crypto::Ed25519SigningKey& key, const std::string& district_id,
                             std::uint64_t ballots, const Hash32& last_tracking_code) {
    const election::DeviceHead head = election::sign_device_head(
        base_hash_, district_id, device_id_, ballots, last_tracking_code, key);
    PSEPHOS_TRY(answer_as<station::HeadNoted>(
        link_->request(
            station::FinalHead{
                0, {head.device_id, head.ballots, head.last_tracking_code, head.signature}},
            in_a_minute()),
        device_id_ + ": final head"));
    return {};
}

Result<ledger::Receipt> DemoKioskLink::close_polls(const crypto::Ed25519SigningKey& key,
                                                   const std::string& district_id,
                                                   std::uint64_t time, const std::string& actor) {
    PSEPHOS_TRY_ASSIGN(const auto status,
                       answer_as<station::StatusReport>(
                           link_->request(station::StatusRequest{}, in_a_minute()), "status"));
    PSEPHOS_TRY_ASSIGN(const auto heads,
                       answer_as<station::HeadList>(
                           link_->request(station::HeadsRequest{}, in_a_minute()), "heads"));
    election::PollsRecord closing{election::PollsAction::closed,
                                  district_id,
                                  time,
                                  status.ballots_cast,
                                  status.ballots_challenged,
                                  actor,
                                  device_id_,
                                  {},
                                  {}};
    for (const station::SignedHead& h : heads.heads)
        closing.heads.push_back({h.device_id, h.ballots, h.last_tracking_code, h.signature});
    election::sign_polls_record(base_hash_, closing, key);
    // Sent once on the connection the requests above left open: a polls record has no tracking
    // code to settle a lost answer by, so the poll worker would look at the status instead.
    station::StationClient* client = link_->client();
    if (client == nullptr) return make_error(ErrorCode::io_error, "closing: no connection");
    PSEPHOS_TRY_ASSIGN(const auto receipt,
                       answer_as<station::Receipt>(
                           client->request(station::Submit{link_->next_request_id(),
                                                           election::encode_polls_record(closing)}),
                           "closing"));
    return ledger::Receipt{district_id, receipt.inclusion.index, receipt.inclusion.leaf_hash,
                           receipt.inclusion.signed_checkpoint};
}

namespace {}  // namespace

Result<fs::path> demo_binary(const std::string& name) {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return make_error(ErrorCode::io_error, "cannot find this executable: " + ec.message());
    fs::path binary = self.parent_path() / name;
    if (::access(binary.c_str(), X_OK) != 0) {
        return make_error(ErrorCode::io_error, binary.string() + ": not found; build " + name +
                                                   ", or run the demo with --in-process");
    }
    return binary;
}

Result<std::unique_ptr<DemoStation>> DemoStation::start(const fs::path& data,
                                                        const election::ElectionContext& election,
                                                        const crypto::Ed25519SigningKey& ledger_key,
                                                        const DemoStationPlan& plan) {
    PSEPHOS_TRY_ASSIGN(const fs::path binary, demo_binary("psephos-station"));
    const fs::path manifest = data / "election.json";
    const fs::path key = data / "ledger.key";
    const fs::path certificate = data / "station.pem";
    const fs::path certificate_key = data / "station.key";
    PSEPHOS_TRY(
        crypto::replace_file(manifest, election::manifest_to_json(election.manifest), 0644));
    if (!fs::exists(key)) PSEPHOS_TRY(crypto::write_signing_key_file(key, ledger_key, "ledger"));
    std::string certificate_pem;
    if (fs::exists(certificate) && fs::exists(certificate_key)) {
        PSEPHOS_TRY_ASSIGN(const Bytes pem, crypto::read_public_file(certificate, 64 * 1024));
        certificate_pem.assign(pem.begin(), pem.end());
    } else {
        const auto station_key = crypto::Ed25519SigningKey::generate();
        PSEPHOS_TRY_ASSIGN(station::TlsIdentity identity,
                           station::make_tls_identity(station_key, plan.station_id));
        PSEPHOS_TRY(crypto::replace_file(certificate, identity.certificate_pem(), 0644));
        PSEPHOS_TRY(crypto::replace_file(certificate_key, identity.private_key_pem(), 0600));
        certificate_pem = identity.certificate_pem();
    }

    std::string districts;
    for (const auto& d : plan.districts) districts += (districts.empty() ? "" : ",") + d;
    if (plan.districts.empty()) {
        for (const auto& d : election.manifest.districts)
            districts += (districts.empty() ? "" : ",") + d.id;
    }
    station::StationLaunch launch;
    launch.binary = binary;
    launch.election = manifest;
    launch.data = data;
    launch.district_id = districts;
    launch.certificate = certificate;
    launch.certificate_key = certificate_key;
    launch.ready_file = data / "station.ready";
    launch.station_id = plan.station_id;
    launch.output = data / "station.log";
    launch.extra_arguments = plan.extra_arguments;
    PSEPHOS_TRY_ASSIGN(auto process, station::StationProcess::spawn(launch));
    auto station = std::unique_ptr<DemoStation>(new DemoStation());
    station->process_ = std::move(process);
    station->certificate_pem_ = std::move(certificate_pem);
    station->base_hash_ = election.base_hash;
    station->log_ = launch.output;
    return station;
}

Result<std::unique_ptr<DemoKioskLink>> DemoStation::kiosk(
    const crypto::Ed25519SigningKey& device_key, const std::string& device_id) const {
    PSEPHOS_TRY_ASSIGN(station::TlsIdentity identity,
                       station::make_tls_identity(device_key, device_id));
    return std::make_unique<DemoKioskLink>(std::move(identity), process_->host(), process_->port(),
                                           certificate_pem_, base_hash_, device_id);
}

Status DemoStation::stop() {
    PSEPHOS_TRY_ASSIGN(const int status, process_->stop());
    if (status != 0) {
        return make_error(ErrorCode::io_error, "psephos-station exited with status " +
                                                   std::to_string(status) + " (see " +
                                                   log_.string() + ")");
    }
    return {};
}

std::string DemoStation::address() const {
    return process_->host() + ":" + std::to_string(process_->port());
}

}  // namespace psephos::app

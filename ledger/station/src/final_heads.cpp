// FinalHeads (final_heads.hpp). The file is the heads as FinalHead frames (u32be length ‖ the
// message, request id 0), in district and device order: the protocol's own canonical encoding.
#include "final_heads.hpp"

#include <sys/stat.h>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/ledger/casting_module.hpp"

namespace psephos::station {
namespace {

// At most one head per registered device of a few districts; far below this.
constexpr std::size_t max_file_size = 16 * 1024 * 1024;

}  // namespace

Result<std::unique_ptr<FinalHeads>> FinalHeads::open(const ledger::Ledger& ledger,
                                                     std::vector<std::size_t> districts,
                                                     std::filesystem::path file) {
    std::unique_ptr<FinalHeads> heads(new FinalHeads(ledger, std::move(districts), file));
    std::error_code ec;
    if (file.empty() || !std::filesystem::exists(std::filesystem::symlink_status(file, ec)))
        return heads;
    const std::string where = "final heads file " + file.string();
    auto bytes = crypto::read_public_file(file, max_file_size);
    if (!bytes) return bytes.error().within(where);
    const Bytes& data = bytes.value();
    std::size_t at = 0;
    while (at < data.size()) {
        const std::string place = where + " at byte " + std::to_string(at);
        if (data.size() - at < 4)
            return make_error(ErrorCode::invalid_encoding, place + ": a cut frame length");
        const std::size_t length = (std::size_t{data[at]} << 24) |
                                   (std::size_t{data[at + 1]} << 16) |
                                   (std::size_t{data[at + 2]} << 8) | std::size_t{data[at + 3]};
        if (length > data.size() - at - 4)
            return make_error(ErrorCode::invalid_encoding,
                              place + ": a frame of " + std::to_string(length) + " bytes where " +
                                  std::to_string(data.size() - at - 4) + " are left");
        auto message = decode_message(ByteSpan(data).subspan(at + 4, length));
        if (!message) return message.error().within(place);
        const auto* final_head = std::get_if<FinalHead>(&message.value());
        if (final_head == nullptr)
            return make_error(ErrorCode::invalid_encoding, place + ": not a final head");
        const SignedHead& head = final_head->head;
        std::size_t district = 0;
        bool found = false;
        for (const std::size_t d : heads->districts_)
            if (ledger.casting().device_key(d, head.device_id)) {
                district = d;
                found = true;
                break;
            }
        if (!found)
            return make_error(ErrorCode::refused,
                              place + ": device '" + head.device_id +
                                  "' is registered in none of the station's districts");
        if (Status ok = heads->check(district, head); !ok)
            return ok.error().within(place + " (device '" + head.device_id + "')");
        heads->heads_[district][head.device_id] = head;
        at += 4 + length;
    }
    return heads;
}

// The device's own head (its registered key signed it) and its chain in the log, so that it is
// sent after its last receipt with nothing in flight.
Status FinalHeads::check(std::size_t district, const SignedHead& head) const {
    const auto& casting = ledger_.casting();
    const std::string& district_id = ledger_.election().manifest.districts[district].id;
    const election::DeviceHead device_head{head.device_id, head.ballots, head.last_tracking_code,
                                           head.signature};
    const auto key = casting.device_key(district, head.device_id);
    if (!key ||
        !crypto::verify_signature(
            *key,
            election::device_head_message(ledger_.election().base_hash, district_id, device_head),
            head.signature))
        return make_error(ErrorCode::refused, "the signature is not the device's");
    const std::uint64_t ballots = casting.device_ballots(district, head.device_id).value_or(0);
    const auto last = casting.device_chain_head(district, head.device_id);
    if (ballots != head.ballots || !last || !(*last == head.last_tracking_code))
        return make_error(ErrorCode::refused,
                          "the device says " + std::to_string(head.ballots) +
                              " ballots, the log holds " + std::to_string(ballots) +
                              (ballots == head.ballots ? " but another last tracking code" : ""));
    return {};
}

Result<std::pair<std::uint32_t, std::uint32_t>> FinalHeads::note(std::size_t district,
                                                                 const std::string& device,
                                                                 const SignedHead& head) {
    if (head.device_id != device)
        return make_error(ErrorCode::refused,
                          "names device '" + head.device_id + "', not this connection's");
    PSEPHOS_TRY(check(district, head));
    const std::lock_guard lock(mutex_);
    auto& held = heads_[district];
    const auto before = held.find(device);
    const std::optional<SignedHead> previous =
        before == held.end() ? std::nullopt : std::optional<SignedHead>(before->second);
    held[device] = head;
    if (Status saved = save_locked(); !saved) {
        if (previous)
            held[device] = *previous;
        else
            held.erase(device);
        return make_error(ErrorCode::io_error,
                          "the head could not be kept: " + saved.error().message);
    }
    std::size_t finished = 0;
    for (const auto& [id, kept] : held)
        if (!ledger_.casting().device_deauthorised(district, id)) ++finished;
    return std::pair{static_cast<std::uint32_t>(finished),
                     static_cast<std::uint32_t>(signing_devices(district))};
}

Status FinalHeads::save_locked() const {
    if (file_.empty()) return {};
    std::string content;
    for (const auto& [district, devices] : heads_)
        for (const auto& [device, head] : devices) {
            const Bytes frame = encode_frame(FinalHead{0, head});
            content.append(reinterpret_cast<const char*>(frame.data()), frame.size());
        }
    return crypto::replace_file(file_, content, S_IRUSR | S_IWUSR);
}

std::size_t FinalHeads::signing_devices(std::size_t district) const {
    std::size_t n = 0;
    for (const std::string& device : ledger_.casting().devices(district))
        if (!ledger_.casting().device_deauthorised(district, device)) ++n;
    return n;
}

bool FinalHeads::has(std::size_t district, const std::string& device) const {
    const std::lock_guard lock(mutex_);
    const auto d = heads_.find(district);
    return d != heads_.end() && d->second.count(device) != 0;
}

std::vector<SignedHead> FinalHeads::of(std::size_t district, std::size_t limit) const {
    std::vector<SignedHead> out;
    const std::lock_guard lock(mutex_);
    if (const auto d = heads_.find(district); d != heads_.end())
        for (const auto& [device, head] : d->second)
            // A deauthorised device's head has no place in the closing record (encoding.md §13).
            if (out.size() < limit && !ledger_.casting().device_deauthorised(district, device))
                out.push_back(head);
    return out;
}

}  // namespace psephos::station

#include "kiosk_state_files.hpp"

#include <charconv>
#include <sstream>
#include <system_error>

#include "psephos/crypto/secure_file.hpp"

namespace psephos::kiosk {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view head_format = "psephos-kiosk-head-v1";
constexpr std::string_view in_flight_format = "psephos-kiosk-in-flight-v1";
constexpr std::size_t max_state_file = 2 * 1024 * 1024;  // a record in hex, and a little more

Error bad_file(const fs::path& file, std::size_t line, const std::string& what) {
    return Error{ErrorCode::invalid_encoding,
                 file.string() + ": line " + std::to_string(line) + ": " + what};
}

// The file's lines, or nullopt if it does not exist.
Result<std::optional<std::vector<std::string>>> read_lines(const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::optional<std::vector<std::string>>{};
    auto bytes = crypto::read_public_file(file, max_state_file);
    if (!bytes) return bytes.error();
    std::vector<std::string> lines;
    std::string text(bytes.value().begin(), bytes.value().end());
    if (text.empty() || text.back() != '\n')
        return bad_file(file, 1, "truncated (no final newline)");
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return std::optional<std::vector<std::string>>(std::move(lines));
}

Result<Hash32> hash_line(const fs::path& file, std::size_t line, std::string_view text,
                         std::string_view field) {
    auto hash = Hash32::from_hex(text);
    if (!hash) return bad_file(file, line, std::string(field) + ": " + hash.error().message);
    return hash.value();
}

}  // namespace

Result<std::optional<KioskHead>> read_kiosk_head(const fs::path& file) {
    auto lines = read_lines(file);
    if (!lines) return lines.error();
    if (!lines.value()) return std::optional<KioskHead>{};
    const auto& l = *lines.value();
    if (l.size() != 3)
        return bad_file(file, 1, "expected 3 lines, found " + std::to_string(l.size()));
    if (l[0] != head_format)
        return bad_file(file, 1, "not a " + std::string(head_format) + " file");
    KioskHead head;
    const std::string_view ballots = l[1];
    constexpr std::string_view ballots_key = "ballots ";
    const char* end = ballots.data() + ballots.size();
    if (!ballots.starts_with(ballots_key) ||
        std::from_chars(ballots.data() + ballots_key.size(), end, head.ballots).ptr != end ||
        ballots.size() == ballots_key.size())
        return bad_file(file, 2, "expected 'ballots <count>'");
    constexpr std::string_view last_key = "last ";
    if (!l[2].starts_with(last_key)) return bad_file(file, 3, "expected 'last <64 hex digits>'");
    auto last = hash_line(file, 3, std::string_view(l[2]).substr(last_key.size()), "last");
    if (!last) return last.error();
    head.last_tracking_code = last.value();
    return std::optional<KioskHead>(head);
}

Status write_kiosk_head(const fs::path& file, const KioskHead& head) {
    const std::string text = std::string(head_format) + "\nballots " +
                             std::to_string(head.ballots) + "\nlast " +
                             head.last_tracking_code.to_hex() + "\n";
    return crypto::replace_file(file, text, 0644);
}

Result<std::optional<InFlightBallot>> read_in_flight(const fs::path& file) {
    auto lines = read_lines(file);
    if (!lines) return lines.error();
    if (!lines.value()) return std::optional<InFlightBallot>{};
    const auto& l = *lines.value();
    if (l.size() != 4)
        return bad_file(file, 1, "expected 4 lines, found " + std::to_string(l.size()));
    if (l[0] != in_flight_format)
        return bad_file(file, 1, "not a " + std::string(in_flight_format) + " file");
    InFlightBallot ballot;
    if (l[1] == "challenged")
        ballot.challenged = true;
    else if (l[1] != "cast")
        return bad_file(file, 2, "expected 'cast' or 'challenged'");
    auto code = hash_line(file, 3, l[2], "tracking code");
    if (!code) return code.error();
    ballot.tracking_code = code.value();
    auto record = from_hex(l[3]);
    if (!record || record.value().empty()) return bad_file(file, 4, "record: not hex");
    ballot.record = std::move(record).value();
    return std::optional<InFlightBallot>(std::move(ballot));
}

Status write_in_flight(const fs::path& file, const InFlightBallot& ballot) {
    const std::string text = std::string(in_flight_format) + "\n" +
                             (ballot.challenged ? "challenged" : "cast") + "\n" +
                             ballot.tracking_code.to_hex() + "\n" + to_hex(ballot.record) + "\n";
    return crypto::replace_file(file, text, 0644);
}

Status remove_in_flight(const fs::path& file) {
    std::error_code ec;
    if (!fs::remove(file, ec) && ec)
        return Error{ErrorCode::io_error, file.string() + ": " + ec.message()};
    return {};
}

}  // namespace psephos::kiosk

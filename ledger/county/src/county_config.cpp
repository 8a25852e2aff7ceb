// The county's stations file (county_config.hpp).
#include "psephos/county/county_config.hpp"

#include "psephos/crypto/secure_file.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::county {
namespace {

constexpr std::size_t max_stations_file = 1024 * 1024;
constexpr std::size_t max_certificate = 64 * 1024;

// The words of a line, split at spaces.
std::vector<std::string> words_of(std::string_view line) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < line.size()) {
        const std::size_t start = line.find_first_not_of(' ', at);
        if (start == std::string_view::npos) break;
        const std::size_t end = std::min(line.find(' ', start), line.size());
        words.emplace_back(line.substr(start, end - start));
        at = end;
    }
    return words;
}

}  // namespace

Result<std::vector<StationTrust>> parse_stations(std::string_view text,
                                                 const std::filesystem::path& file) {
    std::vector<StationTrust> stations;
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        const std::string where = file.string() + ":" + std::to_string(++number);
        const auto words = words_of(line);
        if (words.empty() || words[0][0] == '#') continue;
        if (words[0] == "station") {
            if (words.size() != 3)
                return make_error(ErrorCode::invalid_argument,
                                  where + ": not \"station STATION_ID CERTIFICATE.pem\"");
            std::filesystem::path certificate(words[2]);
            if (certificate.is_relative()) certificate = file.parent_path() / certificate;
            auto pem = crypto::read_public_file(certificate, max_certificate);
            if (!pem) return pem.error().within(where);
            auto key =
                station::certificate_key(std::string(pem.value().begin(), pem.value().end()));
            if (!key) return key.error().within(where + ": " + certificate.string());
            stations.push_back({words[1], key.value(), {}});
        } else if (words[0] == "district") {
            if (words.size() != 3)
                return make_error(ErrorCode::invalid_argument,
                                  where + ": not \"district DISTRICT_ID VKEY\"");
            if (stations.empty())
                return make_error(ErrorCode::invalid_argument,
                                  where + ": a district before any station line");
            auto key = election::NoteVerifierKey::parse(words[2]);
            if (!key) return key.error().within(where);
            if (!stations.back().district_keys.emplace(words[1], key.value()).second)
                return make_error(ErrorCode::invalid_argument,
                                  where + ": district '" + words[1] + "' given twice");
        } else {
            return make_error(ErrorCode::invalid_argument,
                              where + ": '" + words[0] + "' is not \"station\" or \"district\"");
        }
    }
    if (stations.empty())
        return make_error(ErrorCode::invalid_argument, file.string() + ": no station in it");
    return stations;
}

Result<std::vector<StationTrust>> read_stations_file(const std::filesystem::path& file) {
    PSEPHOS_TRY_ASSIGN(const Bytes bytes, crypto::read_public_file(file, max_stations_file));
    return parse_stations(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), file);
}

}  // namespace psephos::county

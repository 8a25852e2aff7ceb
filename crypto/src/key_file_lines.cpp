// The key-file line format (key_file_lines.hpp).
#include "psephos/crypto/key_file_lines.hpp"

namespace psephos::crypto {

namespace fs = std::filesystem;

Error key_file_line_error(ErrorCode code, const fs::path& path, std::size_t line,
                          const std::string& message) {
    return make_error(code, path.string() + ": line " + std::to_string(line) + ": " + message);
}

Status check_key_name(std::string_view name) {
    if (name.empty()) return make_error(ErrorCode::invalid_argument, "name is empty");
    if (name.size() > max_key_name_size) {
        return make_error(ErrorCode::invalid_argument, "name is " + std::to_string(name.size()) +
                                                           " bytes, more than " +
                                                           std::to_string(max_key_name_size));
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return make_error(ErrorCode::invalid_argument, "name contains a control character");
        }
    }
    return {};
}

Status split_key_file_lines(const fs::path& path, std::string_view text, std::string_view header,
                            std::size_t count, std::vector<std::string_view>& lines) {
    bool last_is_terminated = true;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) {
            last_is_terminated = false;
            break;
        }
        text.remove_prefix(end + 1);
    }
    if (lines.empty()) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 1, "missing (empty file)");
    }
    if (lines[0] != header) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 1,
                                   "expected the header '" + std::string(header) + "'");
    }
    if (lines.size() > count) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, count + 1,
                                   "unexpected line after the last field");
    }
    if (!last_is_terminated) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, lines.size(),
                                   "not terminated by a newline (truncated file?)");
    }
    if (lines.size() < count) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, lines.size() + 1,
                                   "missing (truncated file?)");
    }
    return {};
}

Result<std::string_view> key_file_field(const fs::path& path, std::size_t line,
                                        std::string_view text, std::string_view key) {
    const std::string prefix = std::string(key) + ": ";
    if (text.substr(0, prefix.size()) != prefix) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, line,
                                   "expected '" + prefix + "<" + std::string(key) + ">'");
    }
    return text.substr(prefix.size());
}

Status check_key_file_name_line(const fs::path& path, std::string_view line) {
    auto name = key_file_field(path, 2, line, "name");
    if (!name) return name.error();
    if (auto valid = check_key_name(name.value()); !valid) {
        // A label the writer would refuse is, in a file being read, a malformed line.
        return Error{ErrorCode::invalid_encoding,
                     path.string() + ": line 2: " + valid.error().message};
    }
    return {};
}

}  // namespace psephos::crypto

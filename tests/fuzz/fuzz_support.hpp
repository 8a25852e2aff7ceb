// Shared by the libFuzzer targets in tests/fuzz (docs/fuzzing.md): reading a fuzzed input field
// by field, and stopping the process the moment an invariant breaks, so libFuzzer saves the input.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "psephos/crypto/bytes.hpp"

namespace psephos::fuzz {

// A broken invariant: says which one on stderr, then traps. libFuzzer sees the crash (SIGILL)
// and writes the input to crash-<sha1> in its working directory.
[[noreturn]] inline void fail_invariant(const char* what) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    __builtin_trap();
}

inline void require(bool holds, const char* what) {
    if (!holds) fail_invariant(what);
}

// Writes `content` to a fresh 0600 file `<temp dir>/<prefix>-XXXXXX` (mkstemp); returns its
// path, or "" if the disk refuses. The caller removes it.
inline std::string write_temporary_file(std::string_view prefix, std::string_view content) {
    std::string path =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    const int fd = ::mkstemp(path.data());
    if (fd < 0) return {};
    bool written = ::fchmod(fd, 0600) == 0;
    std::size_t done = 0;
    while (written && done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        written = n > 0;
        if (written) done += static_cast<std::size_t>(n);
    }
    written = ::close(fd) == 0 && written;
    if (!written) {
        ::unlink(path.c_str());
        return {};
    }
    return path;
}

// Every error that crosses an API edge must say what went wrong (STYLE.md, "Errors").
inline void require_message(const Error& error, const char* what) {
    require(!error.message.empty(), what);
}

// The invariant of every canonical record decoder (docs/encoding.md §1): a rejection is
// invalid_encoding with a message "<record> at byte <offset>: …"; an accepted input re-encodes to
// exactly itself (one encoding per record). Returns the decoded record for target-specific checks.
template <class Decode, class Encode>
auto check_canonical_record(ByteSpan input, std::string_view record, Decode decode, Encode encode)
    -> std::optional<std::decay_t<decltype(decode(input).value())>> {
    auto decoded = decode(input);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "a rejected record is invalid_encoding");
        require(decoded.error().message.rfind(std::string(record) + " at byte ", 0) == 0,
                "a rejection names the record and the byte offset");
        return std::nullopt;
    }
    const Bytes encoded = encode(decoded.value());
    require(Bytes(input.begin(), input.end()) == encoded,
            "a decoded record re-encodes to the input");
    return std::move(decoded).value();
}

inline ByteSpan bytes_of(const std::uint8_t* data, std::size_t size) {
    return size == 0 ? ByteSpan{} : ByteSpan{data, size};
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
    return size == 0 ? std::string_view{}
                     : std::string_view{reinterpret_cast<const char*>(data), size};
}

// Takes fixed-size fields off the front of a fuzzed input. A field the input is too short for
// reads as zeros, so every input means something and short inputs still reach the decoders.
// make_seed_corpus writes its seeds in the same order, with the same little-endian integers.
class InputReader {
public:
    explicit InputReader(ByteSpan data) : rest_(data) {}

    std::uint8_t take_u8() {
        std::uint8_t value = 0;
        if (!rest_.empty()) {
            value = rest_.front();
            rest_ = rest_.subspan(1);
        }
        return value;
    }

    std::uint64_t take_u64() {
        std::uint64_t value = 0;
        for (unsigned i = 0; i < 8; ++i) value |= std::uint64_t{take_u8()} << (8 * i);
        return value;
    }

    Hash32 take_hash() {
        Hash32 hash;
        for (auto& byte : hash.bytes) byte = take_u8();
        return hash;
    }

    // Everything not taken yet.
    ByteSpan rest() const { return rest_; }

private:
    ByteSpan rest_;
};

}  // namespace psephos::fuzz

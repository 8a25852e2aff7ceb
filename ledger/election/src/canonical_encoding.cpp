// Canonical encoding writer and reader (docs/encoding.md).
#include "psephos/election/canonical_encoding.hpp"

#include <limits>
#include <stdexcept>

namespace psephos::election {

CanonicalWriter::CanonicalWriter(RecordType type, std::uint8_t version)
    : CanonicalWriter(static_cast<std::uint8_t>(type), version) {}

CanonicalWriter::CanonicalWriter(std::uint8_t type, std::uint8_t version) {
    out_.push_back(type);
    out_.push_back(version);
}

void CanonicalWriter::u8(std::uint8_t value) { out_.push_back(value); }
void CanonicalWriter::u32(std::uint32_t value) { append_u32_be(out_, value); }
void CanonicalWriter::u64(std::uint64_t value) { append_u64_be(out_, value); }

void CanonicalWriter::count(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("canonical encoding: list too long");
    }
    u32(static_cast<std::uint32_t>(n));
}

void CanonicalWriter::bytes(ByteSpan data) {
    count(data.size());
    fixed(data);
}

void CanonicalWriter::text(std::string_view utf8) { bytes(as_bytes(utf8)); }

void CanonicalWriter::fixed(ByteSpan data) { out_.insert(out_.end(), data.begin(), data.end()); }

CanonicalReader::CanonicalReader(ByteSpan data, RecordType type, std::uint8_t max_version,
                                 std::string record_name, std::uint8_t min_version)
    : CanonicalReader(data, static_cast<std::uint8_t>(type), max_version, std::move(record_name),
                      min_version) {}

CanonicalReader::CanonicalReader(ByteSpan data, std::uint8_t type, std::uint8_t max_version,
                                 std::string record_name, std::uint8_t min_version)
    : data_(data), record_(std::move(record_name)) {
    const std::uint8_t found_type = u8("record type");
    version_ = u8("version");
    if (!ok()) return;
    if (found_type != static_cast<std::uint8_t>(type)) {
        offset_ = 0;
        fail("record type", "expected " + std::to_string(static_cast<int>(type)) + ", found " +
                                std::to_string(static_cast<int>(found_type)));
    } else if (version_ == 0 || version_ < min_version || version_ > max_version) {
        offset_ = 1;
        fail("version", "version " + std::to_string(version_) + " is not one this build reads (" +
                            std::to_string(min_version) + ".." + std::to_string(max_version) + ")");
    }
}

void CanonicalReader::fail(std::string_view field, std::string_view reason) {
    if (error_) return;
    error_ =
        Error{ErrorCode::invalid_encoding, record_ + " at byte " + std::to_string(offset_) + ": " +
                                               std::string(field) + ": " + std::string(reason)};
}

bool CanonicalReader::take(std::string_view field, std::size_t size, ByteSpan& out) {
    if (error_) return false;
    const std::size_t left = data_.size() - offset_;
    if (size > left) {
        fail(field, "truncated (needs " + std::to_string(size) + " bytes, " + std::to_string(left) +
                        " left)");
        return false;
    }
    out = data_.subspan(offset_, size);
    offset_ += size;
    return true;
}

std::uint8_t CanonicalReader::u8(std::string_view field) {
    ByteSpan b;
    return take(field, 1, b) ? b[0] : 0;
}

std::uint32_t CanonicalReader::u32(std::string_view field) {
    ByteSpan b;
    if (!take(field, 4, b)) return 0;
    std::uint32_t v = 0;
    for (const auto byte : b) v = (v << 8) | byte;
    return v;
}

std::uint64_t CanonicalReader::u64(std::string_view field) {
    ByteSpan b;
    if (!take(field, 8, b)) return 0;
    std::uint64_t v = 0;
    for (const auto byte : b) v = (v << 8) | byte;
    return v;
}

std::size_t CanonicalReader::count(std::string_view field, std::size_t max_count) {
    const std::size_t at = offset_;
    const std::uint32_t n = u32(field);
    if (ok() && n > max_count) {
        offset_ = at;
        fail(field,
             "count " + std::to_string(n) + " is over the limit " + std::to_string(max_count));
        return 0;
    }
    return ok() ? n : 0;
}

Bytes CanonicalReader::bytes(std::string_view field, std::size_t max_size) {
    const std::size_t n = count(field, max_size);
    ByteSpan b;
    if (!take(field, n, b)) return {};
    return Bytes(b.begin(), b.end());
}

namespace {
// Well-formed UTF-8 (RFC 3629): no overlong form, no surrogate, nothing above U+10FFFF.
bool is_utf8(ByteSpan b) {
    std::size_t i = 0;
    while (i < b.size()) {
        const std::uint8_t c = b[i];
        std::size_t n = 0;
        std::uint32_t min = 0, cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= b.size()) return false;  // truncated sequence
        for (std::size_t k = 1; k <= n; ++k) {
            if ((b[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}
}  // namespace

std::string CanonicalReader::text(std::string_view field, std::size_t max_size) {
    const std::size_t at = offset_;
    const Bytes b = bytes(field, max_size);
    if (ok() && !is_utf8(b)) {
        offset_ = at;
        fail(field, "text is not UTF-8");
        return {};
    }
    return std::string(b.begin(), b.end());
}

ByteSpan CanonicalReader::fixed(std::string_view field, std::size_t size) {
    ByteSpan b;
    return take(field, size, b) ? b : ByteSpan{};
}

crypto::Point CanonicalReader::point(std::string_view field) {
    const std::size_t at = offset_;
    ByteSpan b;
    if (!take(field, crypto::Point::size, b)) return {};
    auto p = crypto::Point::from_bytes(b);
    if (!p) {
        offset_ = at;
        fail(field, p.error().message);
        return {};
    }
    return p.value();
}

crypto::Scalar CanonicalReader::scalar(std::string_view field) {
    const std::size_t at = offset_;
    ByteSpan b;
    if (!take(field, crypto::Scalar::size, b)) return {};
    auto s = crypto::Scalar::from_bytes(b);
    if (!s) {
        offset_ = at;
        fail(field, s.error().message);
        return {};
    }
    return std::move(s).value();
}

Hash32 CanonicalReader::hash(std::string_view field) {
    ByteSpan b;
    if (!take(field, 32, b)) return {};
    return Hash32::from_bytes(b).value();
}

crypto::Ed25519PublicKey CanonicalReader::ed25519_public_key(std::string_view field) {
    const std::size_t at = offset_;
    ByteSpan b;
    if (!take(field, crypto::Ed25519PublicKey::size, b)) return {};
    auto k = crypto::Ed25519PublicKey::from_bytes(b);
    if (!k) {
        offset_ = at;
        fail(field, k.error().message);
        return {};
    }
    return k.value();
}

crypto::Ed25519Signature CanonicalReader::ed25519_signature(std::string_view field) {
    ByteSpan b;
    if (!take(field, crypto::Ed25519Signature::size, b)) return {};
    return crypto::Ed25519Signature::from_bytes(b).value();
}

Status CanonicalReader::finish() {
    if (!error_ && offset_ != data_.size()) {
        fail("end", std::to_string(data_.size() - offset_) + " trailing bytes after the record");
    }
    if (error_) return *error_;
    return {};
}

}  // namespace psephos::election

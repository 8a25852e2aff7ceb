// Fiat–Shamir transcript: a running BLAKE2b-512 hash over domain-separated, length-prefixed
// inputs, from which challenges are drawn. Every proof starts one with its protocol label and
// appends the base hash, the whole statement and every commitment before drawing its challenge
// (strong Fiat–Shamir; see docs/crypto.md §2 for the exact byte layout).
#pragma once

#include <cstdint>
#include <string_view>

#include <sodium.h>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/point.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {

class Transcript {
public:
    explicit Transcript(std::string_view protocol_label);
    ~Transcript();
    Transcript(const Transcript&) = default;
    Transcript& operator=(const Transcript&) = default;

    void append(std::string_view label, ByteSpan data);
    void append(std::string_view label, const Point& point) { append(label, point.bytes()); }
    void append(std::string_view label, const Scalar& scalar) { append(label, scalar.bytes()); }
    void append(std::string_view label, const Hash32& hash) { append(label, hash.span()); }
    void append_u64(std::string_view label, std::uint64_t value);

    // The challenge: BLAKE2b-512 of everything appended, then this label, reduced modulo L.
    // The transcript is left unchanged, so later challenges can follow further appends.
    Scalar challenge(std::string_view label) const;

private:
    crypto_generichash_state state_;
};

}  // namespace psephos::crypto

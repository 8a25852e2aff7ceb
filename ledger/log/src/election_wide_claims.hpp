// Names that must be unique across all districts of the election, not only within one: device ids
// and device keys (one key, one device, one district), ballot ids, and each ballot's ciphertexts
// (a ballot copied into another district). docs/ledger.md §4. The district sequencers apply their
// batches in parallel, so a claim is taken under one mutex as a record is applied and given back
// if its batch aborts. Claims are 16-byte digests, so 10^6 ballots hold about 2·10^6 entries.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "psephos/crypto/bytes.hpp"

namespace psephos::ledger::detail {

class ElectionWideClaims {
public:
    enum class Kind : std::uint8_t { device_id = 1, device_key, ballot_id, ballot_ciphertexts };
    using Digest = std::array<std::uint8_t, 16>;

    // SHA-256 of kind ‖ value, truncated: distinct kinds never collide with each other.
    static Digest digest(Kind kind, ByteSpan value);
    static Digest digest(Kind kind, std::string_view value);

    // Claims the digest for the district; returns the district that already holds it instead
    // (the same district included: a repeat within one district is a repeat too).
    std::optional<std::size_t> claim(const Digest& digest, std::size_t district);
    void release(const Digest& digest);
    // The district holding the digest, if any; claims nothing (a refused record holds no claim
    // even for a moment, so no other district sees a name that was never recorded).
    std::optional<std::size_t> holder(const Digest& digest);

private:
    struct DigestHash {
        std::size_t operator()(const Digest& d) const noexcept {
            std::size_t h = 0;
            for (std::size_t i = 0; i < sizeof h; ++i) h = h << 8 | d[i];
            return h;
        }
    };
    std::mutex mutex_;
    std::unordered_map<Digest, std::uint32_t, DigestHash> owner_;
};

}  // namespace psephos::ledger::detail

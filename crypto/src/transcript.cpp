// Fiat–Shamir transcript (docs/crypto.md §2).
#include "psephos/crypto/transcript.hpp"

#include <array>

#include "group_op_counter_internal.hpp"

namespace psephos::crypto {

namespace {
constexpr std::string_view transcript_domain = "psephos-transcript-v1";

template <std::size_t N>
std::array<std::uint8_t, N> big_endian(std::uint64_t value) {
    std::array<std::uint8_t, N> out{};
    for (std::size_t i = 0; i < N; ++i)
        out[i] = static_cast<std::uint8_t>(value >> (8 * (N - 1 - i)));
    return out;
}

// Frame: u32be(len(label)) ‖ label ‖ u64be(len(data)) ‖ data. Fixed framing makes the
// encoding of a sequence of (label, data) pairs injective.
void absorb_framed(crypto_generichash_state& state, std::string_view label, ByteSpan data) {
    const auto label_len = big_endian<4>(label.size());
    const auto data_len = big_endian<8>(data.size());
    crypto_generichash_update(&state, label_len.data(), label_len.size());
    crypto_generichash_update(&state, as_bytes(label).data(), label.size());
    crypto_generichash_update(&state, data_len.data(), data_len.size());
    crypto_generichash_update(&state, data.data(), data.size());
    GroupOpCounts& counts = detail::thread_group_op_counts();
    counts.hash_update += 4;
    counts.hash_bytes += label_len.size() + label.size() + data_len.size() + data.size();
}
}  // namespace

Transcript::Transcript(std::string_view protocol_label) {
    crypto_generichash_init(&state_, nullptr, 0, 64);
    ++detail::thread_group_op_counts().hash_init;
    absorb_framed(state_, transcript_domain, as_bytes(protocol_label));
}

Transcript::~Transcript() { sodium_memzero(&state_, sizeof state_); }

void Transcript::append(std::string_view label, ByteSpan data) {
    absorb_framed(state_, label, data);
}

void Transcript::append_u64(std::string_view label, std::uint64_t value) {
    absorb_framed(state_, label, big_endian<8>(value));
}

Scalar Transcript::challenge(std::string_view label) const {
    crypto_generichash_state copy = state_;
    absorb_framed(copy, label, {});  // the challenge label, framed like an append of nothing
    std::array<std::uint8_t, 64> digest{};
    crypto_generichash_final(&copy, digest.data(), digest.size());
    ++detail::thread_group_op_counts().hash_final;
    Scalar c = Scalar::reduce_wide(digest);
    sodium_memzero(digest.data(), digest.size());
    return c;
}

}  // namespace psephos::crypto

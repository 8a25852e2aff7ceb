// Keccak-256 over Keccak-f[1600] (keccak.hpp), written from "The Keccak reference" v3.0
// (Bertoni, Daemen, Peeters, Van Assche, 2011), §1.2 (the permutation) and §1.1 (the sponge).
// Plain rather than fast: the bridge and the verifier hash a few transactions, not blocks.
#include "psephos/crypto/keccak.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace psephos::crypto {
namespace {

constexpr std::size_t rate_bytes = 136;  // 1600 − 2·256 bits of capacity, in bytes
constexpr int round_count = 24;          // 12 + 2·ℓ rounds, ℓ = log2(64)

// The state: 5×5 lanes of 64 bits, lane (x, y) at index x + 5·y.
using State = std::array<std::uint64_t, 25>;

// ι: the round constants RC[i], reference §1.2.
constexpr std::array<std::uint64_t, round_count> round_constants = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

// ρ: the rotation offset r[x, y] of lane (x, y), indexed like the state.
constexpr std::array<int, 25> rotation_offsets = {
    0,  1,  62, 28, 27,  // y = 0
    36, 44, 6,  55, 20,  // y = 1
    3,  10, 43, 25, 39,  // y = 2
    41, 45, 15, 21, 8,   // y = 3
    18, 2,  61, 56, 14,  // y = 4
};

constexpr std::uint64_t rotate_left(std::uint64_t lane, int offset) {
    return offset == 0 ? lane : (lane << offset) | (lane >> (64 - offset));
}

constexpr std::size_t at(int x, int y) { return static_cast<std::size_t>(x % 5 + 5 * (y % 5)); }

// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι.
void keccak_f1600(State& a) {
    for (int round = 0; round < round_count; ++round) {
        // θ: each bit is XORed with the parities of two neighbouring columns.
        std::array<std::uint64_t, 5> c{};
        for (int x = 0; x < 5; ++x) {
            c[x] = a[at(x, 0)] ^ a[at(x, 1)] ^ a[at(x, 2)] ^ a[at(x, 3)] ^ a[at(x, 4)];
        }
        for (int x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ rotate_left(c[(x + 1) % 5], 1);
            for (int y = 0; y < 5; ++y) a[at(x, y)] ^= d;
        }
        // ρ and π together: B[y, 2x + 3y] = ROT(A[x, y], r[x, y]).
        State b{};
        for (int x = 0; x < 5; ++x) {
            for (int y = 0; y < 5; ++y) {
                b[at(y, 2 * x + 3 * y)] = rotate_left(a[at(x, y)], rotation_offsets[at(x, y)]);
            }
        }
        // χ: the only non-linear step, A[x, y] = B[x, y] ⊕ (¬B[x+1, y] ∧ B[x+2, y]).
        for (int x = 0; x < 5; ++x) {
            for (int y = 0; y < 5; ++y) {
                a[at(x, y)] = b[at(x, y)] ^ (~b[at(x + 1, y)] & b[at(x + 2, y)]);
            }
        }
        // ι: breaks the symmetry between rounds.
        a[0] ^= round_constants[static_cast<std::size_t>(round)];
    }
}

// Lanes are little-endian: byte i of the state is byte (i mod 8) of lane i / 8.
void xor_byte_into_state(State& state, std::size_t index, std::uint8_t byte) {
    state[index / 8] ^= std::uint64_t{byte} << (8 * (index % 8));
}

std::uint8_t byte_of_state(const State& state, std::size_t index) {
    return static_cast<std::uint8_t>(state[index / 8] >> (8 * (index % 8)));
}

}  // namespace

Hash32 keccak256(ByteSpan data) {
    State state{};
    // Absorb every full block of the rate.
    std::size_t offset = 0;
    for (; data.size() - offset >= rate_bytes; offset += rate_bytes) {
        for (std::size_t i = 0; i < rate_bytes; ++i)
            xor_byte_into_state(state, i, data[offset + i]);
        keccak_f1600(state);
    }
    // The last, partial block (possibly empty) with the pad10*1 padding of the original Keccak:
    // a 0x01 after the message and 0x80 in the block's last byte (both in one byte, 0x81, when
    // the message leaves exactly one byte of the block free).
    const std::size_t tail = data.size() - offset;
    for (std::size_t i = 0; i < tail; ++i) xor_byte_into_state(state, i, data[offset + i]);
    xor_byte_into_state(state, tail, 0x01);
    xor_byte_into_state(state, rate_bytes - 1, 0x80);
    keccak_f1600(state);
    // Squeeze: 32 bytes fit in the first block of output.
    Hash32 digest;
    for (std::size_t i = 0; i < digest.bytes.size(); ++i) digest.bytes[i] = byte_of_state(state, i);
    return digest;
}

}  // namespace psephos::crypto

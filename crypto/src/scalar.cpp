// Scalar arithmetic modulo L through libsodium's crypto_core_ristretto255_scalar_* functions.
#include "psephos/crypto/scalar.hpp"

#include <openssl/crypto.h>
#include <sodium.h>

#include <algorithm>
#include <mutex>

#include "group_op_counter_internal.hpp"

namespace psephos::crypto {

void initialize() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
        // OpenSSL (SHA-256 for Merkle trees, RIPEMD-160) loads its configuration on first use,
        // keeping error state in the thread that does it. Done here, on the thread that loads the
        // program, rather than in whichever worker thread hashes first (a GUI's thread pool),
        // where that state outlived the thread (LeakSanitizer in auditor_chain).
        if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr) != 1)
            throw std::runtime_error("OpenSSL failed to initialize");
    });
}

namespace {
// Runs at load time too, so that code which forgets initialize() still gets a seeded CSPRNG.
const bool sodium_ready = (initialize(), true);
}  // namespace

Scalar::Scalar() = default;
Scalar::~Scalar() {
    sodium_memzero(bytes_.data(), bytes_.size());
    ++detail::thread_group_op_counts().scalar_wipe;
}
Scalar::Scalar(const Scalar& other) : bytes_(other.bytes_) {}
Scalar& Scalar::operator=(const Scalar& other) {
    bytes_ = other.bytes_;
    return *this;
}
Scalar::Scalar(Scalar&& other) noexcept : bytes_(other.bytes_) {
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
    ++detail::thread_group_op_counts().scalar_wipe;
}
Scalar& Scalar::operator=(Scalar&& other) noexcept {
    if (this != &other) {
        bytes_ = other.bytes_;
        sodium_memzero(other.bytes_.data(), other.bytes_.size());
        ++detail::thread_group_op_counts().scalar_wipe;
    }
    return *this;
}

Result<Scalar> Scalar::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding,
                          "scalar must be 32 bytes, got " + std::to_string(data.size()));
    }
    // Canonical iff reducing the value (zero-extended to 64 bytes) leaves it unchanged.
    std::array<std::uint8_t, 64> wide{};
    std::copy(data.begin(), data.end(), wide.begin());
    Scalar s;
    crypto_core_ristretto255_scalar_reduce(s.bytes_.data(), wide.data());
    ++detail::thread_group_op_counts().scalar_decode;
    const bool canonical = sodium_memcmp(s.bytes_.data(), data.data(), size) == 0;
    sodium_memzero(wide.data(), wide.size());
    if (!canonical) {
        return make_error(ErrorCode::invalid_encoding,
                          "scalar is not canonical (not less than the group order)");
    }
    return s;
}

Scalar Scalar::from_uint64(std::uint64_t value) {
    Scalar s;
    for (std::size_t i = 0; i < 8; ++i) s.bytes_[i] = static_cast<std::uint8_t>(value >> (8 * i));
    return s;  // < 2^64 < L: already canonical
}

Scalar Scalar::random() {
    Scalar s;
    crypto_core_ristretto255_scalar_random(s.bytes_.data());
    return s;
}

Scalar Scalar::reduce_wide(std::span<const std::uint8_t, 64> wide) {
    Scalar s;
    crypto_core_ristretto255_scalar_reduce(s.bytes_.data(), wide.data());
    ++detail::thread_group_op_counts().scalar_reduce;
    return s;
}

bool Scalar::is_zero() const { return sodium_is_zero(bytes_.data(), bytes_.size()) == 1; }

Scalar Scalar::negate() const {
    Scalar s;
    crypto_core_ristretto255_scalar_negate(s.bytes_.data(), bytes_.data());
    ++detail::thread_group_op_counts().scalar_add;
    return s;
}

Result<Scalar> Scalar::invert() const {
    Scalar s;
    if (crypto_core_ristretto255_scalar_invert(s.bytes_.data(), bytes_.data()) != 0) {
        return make_error(ErrorCode::invalid_argument, "zero has no inverse modulo L");
    }
    return s;
}

Scalar operator+(const Scalar& a, const Scalar& b) {
    Scalar s;
    crypto_core_ristretto255_scalar_add(s.bytes_.data(), a.bytes_.data(), b.bytes_.data());
    ++detail::thread_group_op_counts().scalar_add;
    return s;
}

Scalar operator-(const Scalar& a, const Scalar& b) {
    Scalar s;
    crypto_core_ristretto255_scalar_sub(s.bytes_.data(), a.bytes_.data(), b.bytes_.data());
    ++detail::thread_group_op_counts().scalar_add;
    return s;
}

Scalar operator*(const Scalar& a, const Scalar& b) {
    Scalar s;
    crypto_core_ristretto255_scalar_mul(s.bytes_.data(), a.bytes_.data(), b.bytes_.data());
    ++detail::thread_group_op_counts().scalar_mul;
    return s;
}

bool operator==(const Scalar& a, const Scalar& b) {
    return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), Scalar::size) == 0;
}

}  // namespace psephos::crypto

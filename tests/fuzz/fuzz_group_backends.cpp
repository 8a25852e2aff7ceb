// Differential fuzzing of the two group backends (docs/crypto.md §1.1) as a small program: the
// public backend (PublicPoint on libdecaf, unencoded, variable time) against libsodium's Point.
// The input is a sequence of operations on eight registers, each holding one element in both
// backends (all start as the identity, register 1 as the generator); every operation reads its
// operands from the input that follows its opcode byte, and the run stops when the input does.
//   0 decode 32 bytes      both backends accept the same encodings, refuse with the same code and
//                          message, and an accepted encoding re-encodes to itself
//   1 map 64 bytes         Point::from_uniform, carried over to PublicPoint
//   2 add, 3 subtract      P + Q, P − Q
//   4 double and negate    P + P and −P
//   5 a·G + b·P            multiply_base_add_vartime against multiply_base(a) + b·P
//   6 a·P + b·Q            multiply_two_vartime
//   7 Σ aᵢ·Pᵢ, 1–16 terms  Straus, Pippenger and the batch choice against libsodium's sum
//   8 compare              group equality and is_identity against libsodium's bytes
// Invariant: after every operation each register's PublicPoint encodes to exactly the bytes of
// its libsodium Point. Scalars are 0, 1, L − 1, a small number, or 32 bytes (the bytes if
// canonical, else reduced), so the edge cases (zero challenges, identities) come up often.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "fuzz_support.hpp"
#include "psephos/crypto/point.hpp"
#include "psephos/crypto/public_point.hpp"
#include "psephos/crypto/scalar.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

namespace {

constexpr std::size_t register_count = 8;
constexpr std::size_t max_operations = 48;  // bounds a run's time (sums cost up to 16 mults)
constexpr std::size_t max_terms = 16;

struct Element {
    Point sodium;
    PublicPoint decaf;
};

// Reads the input front to back; a read past the end fails and ends the run.
class Reader {
public:
    explicit Reader(ByteSpan data) : data_(data) {}
    std::optional<ByteSpan> take(std::size_t n) {
        if (data_.size() - position_ < n) return std::nullopt;
        const ByteSpan out = data_.subspan(position_, n);
        position_ += n;
        return out;
    }
    std::optional<std::uint8_t> byte() {
        auto b = take(1);
        if (!b) return std::nullopt;
        return (*b)[0];
    }

private:
    ByteSpan data_;
    std::size_t position_ = 0;
};

std::optional<Scalar> read_scalar(Reader& in) {
    const auto kind = in.byte();
    if (!kind) return std::nullopt;
    switch (*kind % 5) {
        case 0:
            return Scalar();
        case 1:
            return Scalar::from_uint64(1);
        case 2:
            return Scalar::from_uint64(1).negate();
        case 3: {
            const auto small = in.byte();
            if (!small) return std::nullopt;
            return Scalar::from_uint64(*small);
        }
        default: {
            const auto bytes = in.take(Scalar::size);
            if (!bytes) return std::nullopt;
            if (auto s = Scalar::from_bytes(*bytes)) return std::move(s).value();
            std::array<std::uint8_t, 64> wide{};
            std::copy(bytes->begin(), bytes->end(), wide.begin());
            return Scalar::reduce_wide(wide);
        }
    }
}

std::optional<std::size_t> read_register(Reader& in) {
    const auto b = in.byte();
    if (!b) return std::nullopt;
    return *b % register_count;
}

void require_same(const Element& e, const char* what) {
    const auto encoded = e.decaf.encode();
    require(std::equal(encoded.begin(), encoded.end(), e.sodium.bytes().begin(),
                       e.sodium.bytes().end()),
            what);
}

// One operation; false when the input ended before its operands.
bool run_operation(std::uint8_t opcode, Reader& in, std::array<Element, register_count>& r) {
    switch (opcode % 9) {
        case 0: {
            const auto bytes = in.take(Point::size);
            const auto to = read_register(in);
            if (!bytes || !to) return false;
            auto by_sodium = Point::from_bytes(*bytes);
            auto by_decaf = PublicPoint::from_bytes(*bytes);
            require(by_sodium.ok() == by_decaf.ok(), "both backends accept the same encodings");
            if (!by_sodium) {
                require(by_sodium.error().code == by_decaf.error().code &&
                            by_sodium.error().message == by_decaf.error().message,
                        "both backends refuse with the same error");
                return true;
            }
            r[*to] = {by_sodium.value(), by_decaf.value()};
            require_same(r[*to], "an accepted encoding re-encodes to itself in both backends");
            return true;
        }
        case 1: {
            const auto bytes = in.take(64);
            const auto to = read_register(in);
            if (!bytes || !to) return false;
            std::array<std::uint8_t, 64> wide{};
            std::copy(bytes->begin(), bytes->end(), wide.begin());
            const Point p = Point::from_uniform(wide);
            r[*to] = {p, PublicPoint(p)};
            require_same(r[*to], "a mapped point carried over to the public backend");
            return true;
        }
        case 2:
        case 3: {
            const auto a = read_register(in);
            const auto b = read_register(in);
            const auto to = read_register(in);
            if (!a || !b || !to) return false;
            const bool add = opcode % 9 == 2;
            Element result{add ? r[*a].sodium + r[*b].sodium : r[*a].sodium - r[*b].sodium,
                           add ? r[*a].decaf + r[*b].decaf : r[*a].decaf - r[*b].decaf};
            PublicPoint assigned = r[*a].decaf;
            if (add) {
                assigned += r[*b].decaf;
            } else {
                assigned -= r[*b].decaf;
            }
            require(assigned == result.decaf, "+= and -= as + and −");
            r[*to] = std::move(result);
            require_same(r[*to], add ? "P + Q as libsodium" : "P − Q as libsodium");
            return true;
        }
        case 4: {
            const auto a = read_register(in);
            const auto to = read_register(in);
            if (!a || !to) return false;
            const Element doubled{r[*a].sodium + r[*a].sodium, r[*a].decaf.doubled()};
            require_same(doubled, "2·P as P + P in libsodium");
            r[*to] = {Point::identity() - r[*a].sodium, r[*a].decaf.negated()};
            require_same(r[*to], "−P as 0 − P in libsodium");
            return true;
        }
        case 5: {
            const auto a = read_scalar(in);
            const auto b = read_scalar(in);
            const auto p = read_register(in);
            const auto to = read_register(in);
            if (!a || !b || !p || !to) return false;
            r[*to] = {Point::multiply_base(*a) + *b * r[*p].sodium,
                      PublicPoint::multiply_base_add_vartime(*a, *b, r[*p].decaf)};
            require_same(r[*to], "a·G + b·P as libsodium");
            return true;
        }
        case 6: {
            const auto a = read_scalar(in);
            const auto p = read_register(in);
            const auto b = read_scalar(in);
            const auto q = read_register(in);
            const auto to = read_register(in);
            if (!a || !p || !b || !q || !to) return false;
            r[*to] = {*a * r[*p].sodium + *b * r[*q].sodium,
                      PublicPoint::multiply_two_vartime(*a, r[*p].decaf, *b, r[*q].decaf)};
            require_same(r[*to], "a·P + b·Q as libsodium");
            return true;
        }
        case 7: {
            const auto count = in.byte();
            if (!count) return false;
            const std::size_t n = 1 + *count % max_terms;
            std::vector<Scalar> scalars;
            std::vector<PublicPoint> points;
            Point sum;
            for (std::size_t i = 0; i < n; ++i) {
                const auto a = read_scalar(in);
                const auto p = read_register(in);
                if (!a || !p) return false;
                sum = sum + *a * r[*p].sodium;
                scalars.push_back(*a);
                points.push_back(r[*p].decaf);
            }
            const auto to = read_register(in);
            if (!to) return false;
            const PublicPoint straus = PublicPoint::multiply_sum_vartime(scalars, points);
            const PublicPoint pippenger =
                PublicPoint::multiply_sum_pippenger_vartime(scalars, points);
            const PublicPoint batch = PublicPoint::multiply_sum_batch_vartime(scalars, points);
            require_same({sum, pippenger}, "Pippenger's Σ aᵢ·Pᵢ as libsodium");
            require_same({sum, batch}, "the batch Σ aᵢ·Pᵢ as libsodium");
            r[*to] = {sum, straus};
            require_same(r[*to], "Straus' Σ aᵢ·Pᵢ as libsodium");
            return true;
        }
        default: {
            const auto a = read_register(in);
            const auto b = read_register(in);
            if (!a || !b) return false;
            require((r[*a].decaf == r[*b].decaf) == (r[*a].sodium == r[*b].sodium),
                    "group equality as libsodium's byte equality");
            require(r[*a].decaf.is_identity() == r[*a].sodium.is_identity(),
                    "is_identity as libsodium");
            return true;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Reader in(fuzz::bytes_of(data, size));
    std::array<Element, register_count> registers{};
    registers[1] = {Point::generator(), PublicPoint::generator()};
    require_same(registers[0], "the identity in both backends");
    require_same(registers[1], "the generator in both backends");
    for (std::size_t i = 0; i < max_operations; ++i) {
        const auto opcode = in.byte();
        if (!opcode || !run_operation(*opcode, in, registers)) break;
    }
    return 0;
}

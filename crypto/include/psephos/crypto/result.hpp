// Result<T>: a value or an Error, returned by every fallible operation in Psephos.
// It lives in crypto/ because crypto is the bottom of the dependency graph; every module
// above shares it. GCC 12 has no std::expected, hence this small type.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace psephos {

enum class ErrorCode {
    invalid_argument,     // a caller passed something out of range
    invalid_encoding,     // bytes that do not decode (length, canonical form, group membership)
    verification_failed,  // a proof, signature or hash chain does not check
    share_mismatch,       // a guardian's share disagrees with its published commitments
    not_found,
    io_error,
    permission_denied,
    refused,    // well formed, but the ledger's state refuses it (polls closed, ballot id seen)
    corrupted,  // stored data that fails its own checks (a modified record, a bad stored root)
    // Sent, but the answer was lost with the connection: whether it was recorded is not known
    // until it is looked up (the networked kiosk's ballot in flight, docs/station-protocol.md §6).
    not_confirmed,
};

const char* to_string(ErrorCode code);

struct Error {
    ErrorCode code;
    std::string message;

    // The same error with "<context>: " put in front, so messages name the place of the fault
    // from the outside in: "contest 'mayor': selection 3: proof challenge does not match".
    [[nodiscard]] Error within(const std::string& context) const {
        return Error{code, context + ": " + message};
    }
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Reading the value of a failed result is a programming error, not a runtime condition.
    T& value() & { return std::get<0>(checked()); }
    const T& value() const& { return std::get<0>(checked()); }
    T&& value() && { return std::get<0>(std::move(checked())); }

    // As std::optional and std::expected: *r and r->member read the value (the same check).
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const {
        if (ok()) throw std::logic_error("Result::error() called on a success");
        return std::get<1>(state_);
    }

private:
    std::variant<T, Error>& checked() {
        if (!ok())
            throw std::logic_error("Result::value() on error: " + std::get<1>(state_).message);
        return state_;
    }
    const std::variant<T, Error>& checked() const {
        if (!ok())
            throw std::logic_error("Result::value() on error: " + std::get<1>(state_).message);
        return state_;
    }

    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }

    const Error& error() const {
        if (ok()) throw std::logic_error("Result::error() called on a success");
        return *error_;
    }

private:
    std::optional<Error> error_;
};

using Status = Result<void>;

inline Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace psephos

// One-line propagation of a failed Result from a function that returns a Result or Status:
//
//     PSEPHOS_TRY(check_signature(record));            // returns its error if it failed
//     PSEPHOS_TRY_ASSIGN(auto ballot, decode_ballot(bytes));  // or declares `ballot` from its
//     value
//
// The error is returned unchanged; use Error::within beforehand where the caller should add
// context. Each expression is evaluated exactly once.
#define PSEPHOS_TRY(expression)                                                 \
    do {                                                                        \
        if (auto psephos_try_result_ = (expression); !psephos_try_result_.ok()) \
            return psephos_try_result_.error();                                 \
    } while (false)

#define PSEPHOS_TRY_CONCAT_INNER(a, b) a##b
#define PSEPHOS_TRY_CONCAT(a, b) PSEPHOS_TRY_CONCAT_INNER(a, b)
#define PSEPHOS_TRY_ASSIGN(declaration, expression)                                         \
    PSEPHOS_TRY_ASSIGN_IMPL(PSEPHOS_TRY_CONCAT(psephos_try_result_, __LINE__), declaration, \
                            expression)
#define PSEPHOS_TRY_ASSIGN_IMPL(result, declaration, expression) \
    auto result = (expression);                                  \
    if (!result.ok()) return result.error();                     \
    declaration = std::move(result).value()

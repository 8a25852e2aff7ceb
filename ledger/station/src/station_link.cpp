// A kiosk's link to its station (station_link.hpp): reconnection with backoff and the
// lookup-before-resubmit rule of docs/station-protocol.md §6.
#include "psephos/station/station_link.hpp"

#include <algorithm>
#include <thread>

#include <sodium.h>

#include "psephos/crypto/merkle_tree.hpp"

namespace psephos::station {
namespace {

// A failure after which the record may or may not have reached the station: the connection is
// dropped and the record looked up on the next one.
Error lost(const std::string& what, const Error& error) {
    return Error{ErrorCode::io_error, what + ": " + error.message};
}

bool transient(ReplyCode code) {
    return code == ReplyCode::busy || code == ReplyCode::rate_limited ||
           code == ReplyCode::unavailable;
}

}  // namespace

namespace {

// What a lookup said: the log holds the record (inclusion), does not, or the station could not
// answer now (a transient refusal: `busy` holds its text).
struct Found {
    std::optional<Inclusion> inclusion;
    std::optional<std::string> busy;
};

Result<Found> look_up(const Exchange& exchange, const Hash32& tracking_code) {
    PSEPHOS_TRY_ASSIGN(Message answer, exchange(Lookup{0, tracking_code}));
    if (auto* result = std::get_if<LookupResult>(&answer)) {
        if (!result->record_type) return Found{};
        return Found{std::move(result->inclusion), std::nullopt};
    }
    if (auto* error = std::get_if<ErrorReply>(&answer); error != nullptr && transient(error->code))
        return Found{std::nullopt, "lookup: " + error->text};
    return make_error(ErrorCode::io_error, "lookup answered with " + describe_answer(answer));
}

Settlement try_later(std::string reason) {
    return Settlement{Settlement::Outcome::try_later, {}, false, std::move(reason)};
}

Result<Settlement> in_log(Inclusion inclusion, const Bytes& record, bool found_by_lookup) {
    if (!(inclusion.leaf_hash == crypto::hash_merkle_leaf(record)))
        return make_error(ErrorCode::verification_failed,
                          "the station's receipt is for another record (its leaf hash is not the "
                          "submitted record's)");
    return Settlement{Settlement::Outcome::in_log, std::move(inclusion), found_by_lookup, {}};
}

}  // namespace

Result<Settlement> settle_record(const Exchange& exchange, const Hash32& tracking_code,
                                 const Bytes& record, unsigned& submits) {
    if (submits > 0) {
        PSEPHOS_TRY_ASSIGN(Found found, look_up(exchange, tracking_code));
        if (found.busy) return try_later(std::move(*found.busy));
        if (found.inclusion) return in_log(std::move(*found.inclusion), record, true);
    }
    ++submits;
    PSEPHOS_TRY_ASSIGN(Message answer, exchange(Submit{0, record}));
    if (auto* receipt = std::get_if<Receipt>(&answer))
        return in_log(std::move(receipt->inclusion), record, false);
    const auto* error = std::get_if<ErrorReply>(&answer);
    if (error == nullptr)
        return make_error(ErrorCode::io_error, "submit answered with " + describe_answer(answer));
    if (transient(error->code)) return try_later("submit: " + error->text);
    PSEPHOS_TRY_ASSIGN(Found found, look_up(exchange, tracking_code));
    if (found.inclusion) return in_log(std::move(*found.inclusion), record, true);
    if (found.busy) return try_later(std::move(*found.busy));  // it could not say: ask again later
    return Settlement{Settlement::Outcome::refused, {}, false, error->text};
}

std::chrono::milliseconds retry_delay(const Backoff& backoff, std::uint64_t failures) {
    const auto doublings = std::min<std::uint64_t>(failures == 0 ? 0 : failures - 1, 20);
    auto delay = std::min(backoff.first * (std::int64_t{1} << doublings), backoff.max);
    const auto jitter_range = static_cast<std::uint32_t>(delay.count() / 4);
    if (jitter_range > 0) delay -= std::chrono::milliseconds(randombytes_uniform(jitter_range + 1));
    return delay;
}

StationLink::StationLink(std::function<Result<StationClientOptions>()> endpoint, Hello hello,
                         Backoff backoff)
    : endpoint_(std::move(endpoint)), hello_(std::move(hello)), backoff_(backoff) {}

void StationLink::wait_before_retry() {
    std::this_thread::sleep_for(retry_delay(backoff_, ++failures_));
}

Status StationLink::connect() {
    auto where = endpoint_();
    if (!where) return where.error();
    auto client = StationClient::connect(where.value());
    if (!client) return client.error();
    hello_.request_id = next_request_id();
    auto answer = client.value()->request(hello_);
    if (!answer) return lost("hello", answer.error());
    if (auto* error = std::get_if<ErrorReply>(&answer.value())) {
        const ErrorCode code = transient(error->code) ? ErrorCode::io_error : ErrorCode::refused;
        return make_error(code, "hello refused: " + error->text);
    }
    if (!std::holds_alternative<Welcome>(answer.value()))
        return make_error(ErrorCode::io_error, "hello: the station answered no welcome");
    client_ = std::move(client).value();
    if (connections_++ > 0) ++reconnections_;
    failures_ = 0;
    return {};
}

Result<Message> StationLink::exchange(Message message) {
    std::visit([this](auto& m) { m.request_id = next_request_id(); }, message);
    return client_->request(message);
}

Result<Message> StationLink::request(Message message,
                                     std::chrono::steady_clock::time_point deadline) {
    if (std::holds_alternative<Submit>(message))
        return make_error(ErrorCode::invalid_argument, "StationLink::request: a submit; use cast");
    std::string last_problem = "no attempt";
    while (std::chrono::steady_clock::now() < deadline) {
        if (!client_) {
            if (Status ok = connect(); !ok) {
                if (ok.error().code == ErrorCode::refused) return ok.error();
                last_problem = ok.error().message;
                wait_before_retry();
                continue;
            }
        }
        std::visit([this](auto& m) { m.request_id = next_request_id(); }, message);
        auto answer = client_->request(message);
        if (answer) {
            const auto* error = std::get_if<ErrorReply>(&answer.value());
            if (error == nullptr || !transient(error->code)) return answer;
            last_problem = error->text;
        } else {
            last_problem = lost(std::string(to_string(type_of(message))), answer.error()).message;
            client_.reset();
        }
        wait_before_retry();
    }
    return make_error(ErrorCode::io_error,
                      "the station could not be reached before the deadline: " + last_problem);
}

Result<Settled> StationLink::cast(const Hash32& tracking_code, const Bytes& record,
                                  std::chrono::steady_clock::time_point deadline) {
    Settled settled;
    std::string last_problem = "no attempt";
    const Exchange send = [this](Message m) { return exchange(std::move(m)); };
    while (std::chrono::steady_clock::now() < deadline) {
        if (!client_) {
            if (Status ok = connect(); !ok) {
                if (ok.error().code == ErrorCode::refused) return ok.error();
                last_problem = ok.error().message;
                wait_before_retry();
                continue;
            }
        }
        auto settlement = settle_record(send, tracking_code, record, settled.submits);
        if (!settlement) {
            last_problem = settlement.error().message;
            client_.reset();  // it may be broken: settle again on a new one
            wait_before_retry();
            continue;
        }
        switch (settlement->outcome) {
            case Settlement::Outcome::in_log:
                settled.found_in_log = settlement->found_by_lookup;
                settled.inclusion = std::move(settlement->inclusion);
                return settled;
            case Settlement::Outcome::refused:
                return make_error(ErrorCode::refused,
                                  "the station refused it: " + settlement->reason);
            case Settlement::Outcome::try_later:
                last_problem = settlement->reason;
                wait_before_retry();
                break;
        }
    }
    return make_error(ErrorCode::io_error,
                      "the station could not be reached before the deadline: " + last_problem);
}

}  // namespace psephos::station

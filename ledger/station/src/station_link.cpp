// A kiosk's link to its station (station_link.hpp): reconnection with backoff and the
// lookup-before-resubmit rule of docs/station-protocol.md §6.
#include "psephos/station/station_link.hpp"

#include <algorithm>
#include <thread>

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

StationLink::StationLink(std::function<Result<StationClientOptions>()> endpoint, Hello hello,
                         Backoff backoff)
    : endpoint_(std::move(endpoint)),
      hello_(std::move(hello)),
      backoff_(backoff),
      random_(static_cast<std::uint32_t>(std::random_device{}())) {}

void StationLink::wait_before_retry() {
    delay_ = delay_.count() == 0 ? backoff_.first : std::min(delay_ * 2, backoff_.max);
    std::uniform_int_distribution<long> jitter(delay_.count() / 2, delay_.count() * 3 / 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random_)));
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
    delay_ = std::chrono::milliseconds(0);
    return {};
}

Result<std::optional<Inclusion>> StationLink::look_up(const Hash32& tracking_code) {
    auto answer = client_->request(Lookup{next_request_id(), tracking_code});
    if (!answer) return lost("lookup", answer.error());
    if (auto* result = std::get_if<LookupResult>(&answer.value())) {
        if (!result->record_type) return std::optional<Inclusion>();
        return std::optional<Inclusion>(result->inclusion);
    }
    if (auto* error = std::get_if<ErrorReply>(&answer.value()))
        return make_error(ErrorCode::io_error, "lookup: " + error->text);
    return make_error(ErrorCode::io_error, "lookup: the station answered no lookup result");
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
    // Retry after a failure: drop the connection if it may be broken, wait, try again.
    auto retry = [&](const Error& error, bool drop) {
        last_problem = error.message;
        if (drop) client_.reset();
        wait_before_retry();
    };
    while (std::chrono::steady_clock::now() < deadline) {
        if (!client_) {
            if (Status ok = connect(); !ok) {
                if (ok.error().code == ErrorCode::refused) return ok.error();
                retry(ok.error(), true);
                continue;
            }
        }
        // Sent before and its answer lost: the log decides, never a second submit.
        if (settled.submits > 0) {
            auto found = look_up(tracking_code);
            if (!found) {
                retry(found.error(), true);
                continue;
            }
            if (found.value()) {
                settled.found_in_log = true;
                settled.inclusion = std::move(*found.value());
                return settled;
            }
        }
        ++settled.submits;
        auto answer = client_->request(Submit{next_request_id(), record});
        if (!answer) {
            retry(lost("submit", answer.error()), true);
            continue;
        }
        if (auto* receipt = std::get_if<Receipt>(&answer.value())) {
            settled.inclusion = receipt->inclusion;
            return settled;
        }
        const auto* error = std::get_if<ErrorReply>(&answer.value());
        if (error == nullptr) {
            retry(make_error(ErrorCode::io_error, "submit: the station answered no receipt"), true);
            continue;
        }
        if (transient(error->code)) {
            retry(make_error(ErrorCode::io_error, "submit: " + error->text), false);
            continue;
        }
        // Refused: but an earlier submit of it may have landed meanwhile (its connection lost
        // while the ledger still wrote it), which the ledger refuses as a repeat. Ask once more.
        auto found = look_up(tracking_code);
        if (found && found.value()) {
            settled.found_in_log = true;
            settled.inclusion = std::move(*found.value());
            return settled;
        }
        if (found) return make_error(ErrorCode::refused, "the station refused it: " + error->text);
        retry(found.error(), true);
    }
    return make_error(ErrorCode::io_error,
                      "the station could not be reached before the deadline: " + last_problem);
}

}  // namespace psephos::station

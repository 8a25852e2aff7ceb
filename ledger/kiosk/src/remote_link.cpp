#include "remote_link.hpp"

#include <sodium.h>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/encrypted_ballot.hpp"

namespace psephos::kiosk {

using station::ErrorReply;
using station::Message;

namespace {

ledger::PollsStatus as_polls_status(station::PollsState polls) {
    switch (polls) {
        case station::PollsState::not_opened:
            return ledger::PollsStatus::not_opened;
        case station::PollsState::open:
            return ledger::PollsStatus::open;
        case station::PollsState::paused:
            return ledger::PollsStatus::paused;
        case station::PollsState::closed:
            return ledger::PollsStatus::closed;
    }
    return ledger::PollsStatus::not_opened;
}

}  // namespace

std::string_view to_string(LinkState state) {
    switch (state) {
        case LinkState::in_process:
            return "in process";
        case LinkState::connecting:
            return "connecting";
        case LinkState::online:
            return "online";
        case LinkState::offline:
            return "offline";
    }
    return "unknown";
}

Result<std::unique_ptr<RemoteLink>> RemoteLink::start(RemoteLinkOptions options,
                                                      const crypto::Ed25519SigningKey& device_key,
                                                      std::optional<InFlightBallot> in_flight) {
    auto identity = station::make_tls_identity(device_key, options.device_id);
    if (!identity) return identity.error().within("device '" + options.device_id + "'");
    std::unique_ptr<RemoteLink> link(
        new RemoteLink(std::move(options), std::move(identity).value()));
    {
        const std::lock_guard lock(link->mutex_);
        link->in_flight_ = std::move(in_flight);
        link->status_.state = LinkState::connecting;
        link->status_.retry_at = std::chrono::steady_clock::now();
    }
    link->thread_ = std::thread([raw = link.get()] { raw->run(); });
    return link;
}

RemoteLink::RemoteLink(RemoteLinkOptions options, station::TlsIdentity identity)
    : options_(std::move(options)), identity_(std::move(identity)) {}

RemoteLink::~RemoteLink() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

LinkStatus RemoteLink::link_status() const {
    const std::lock_guard lock(mutex_);
    return status_;
}

bool RemoteLink::has_in_flight() const {
    const std::lock_guard lock(mutex_);
    return in_flight_.has_value();
}

std::optional<SettledBallot> RemoteLink::take_settled() {
    const std::lock_guard lock(mutex_);
    std::optional<SettledBallot> out = std::move(settled_);
    settled_.reset();
    return out;
}

bool RemoteLink::wait_until_online(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [this] { return status_.state == LinkState::online && !in_flight_; });
}

void RemoteLink::retry_now() {
    {
        const std::lock_guard lock(mutex_);
        status_.retry_at = std::chrono::steady_clock::now();
    }
    changed_.notify_all();
}

void RemoteLink::set_state_locked(LinkState state, std::string reason) {
    status_.state = state;
    status_.reason = std::move(reason);
    if (state == LinkState::online) status_.failed_attempts = 0;
    if (options_.on_change) options_.on_change(status_);
    changed_.notify_all();
}

// The connection is gone: the next attempt after station::retry_delay.
void RemoteLink::go_offline_locked(std::string reason) {
    client_.reset();
    ++status_.failed_attempts;
    status_.retry_at = std::chrono::steady_clock::now() +
                       station::retry_delay({options_.backoff_initial, options_.backoff_max},
                                            status_.failed_attempts);
    set_state_locked(LinkState::offline, std::move(reason));
}

Result<Message> RemoteLink::exchange_locked(Message request) {
    const std::uint32_t id = station::request_id_of(request);
    if (!client_) return Error{ErrorCode::refused, "no link to the station"};
    auto answer = client_->request(request);
    if (!answer) {
        go_offline_locked(answer.error().message);
        return Error{ErrorCode::io_error, answer.error().message};
    }
    if (station::request_id_of(answer.value()) != id) {
        const std::string why = "the station answered request " +
                                std::to_string(station::request_id_of(answer.value())) +
                                " when request " + std::to_string(id) + " was awaited";
        go_offline_locked(why);
        return Error{ErrorCode::io_error, why};
    }
    last_traffic_ = std::chrono::steady_clock::now();
    return answer;
}

// A connection idle for a while (probe_idle) may have died without a word (the station restarted):
// a ping finds out before a request is sent on it, and one new connection is tried at once. A
// ballot sent on a dead connection would be settled correctly all the same, but its voter would see
// "not confirmed" for nothing.
void RemoteLink::probe_locked() {
    if (client_ && status_.state == LinkState::online &&
        std::chrono::steady_clock::now() - last_traffic_ > options_.probe_idle) {
        const std::uint64_t nonce = randombytes_random();
        auto pong = exchange_locked(station::Ping{next_request_id(), nonce});
        if (pong) {
            const auto* p = std::get_if<station::Pong>(&pong.value());
            if (p == nullptr || p->nonce != nonce)
                go_offline_locked("ping answered with " + station::describe_answer(pong.value()));
        }
    }
    if (!client_ && !stopping_) connect_locked();
}

void RemoteLink::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const auto now = std::chrono::steady_clock::now();
        if (!client_) {
            if (now >= status_.retry_at) {
                connect_locked();
                continue;
            }
            changed_.wait_until(lock, status_.retry_at);
            continue;
        }
        const auto ping_at = last_traffic_ + options_.ping_interval;
        if (now >= ping_at) {
            last_traffic_ = std::chrono::steady_clock::time_point{};  // probe now
            probe_locked();
            continue;
        }
        changed_.wait_until(lock, ping_at);
    }
}

// Connects, says hello, and settles a ballot in flight before anything else is sent.
void RemoteLink::connect_locked() {
    set_state_locked(LinkState::connecting, status_.reason);
    const std::string where =
        "station " + options_.host + ":" + std::to_string(options_.port) + ": ";
    station::StationClientOptions o;
    o.host = options_.host;
    o.port = options_.port;
    o.station_certificate_pem = options_.station_certificate_pem;
    o.identity = &identity_;
    o.timeout = options_.timeout;
    auto client = station::StationClient::connect(o);
    if (!client) {
        go_offline_locked(where + client.error().message);
        return;
    }
    client_ = std::move(client).value();
    auto answer =
        exchange_locked(station::Hello{next_request_id(), options_.base_hash, options_.device_id});
    if (!answer) return;  // offline, with the reason
    const auto* welcome = std::get_if<station::Welcome>(&answer.value());
    if (welcome == nullptr) {
        go_offline_locked(where + "hello answered with " +
                          station::describe_answer(answer.value()));
        return;
    }
    if (!(welcome->base_hash == options_.base_hash) ||
        welcome->district_id != options_.district_id) {
        go_offline_locked(where + "it serves district '" + welcome->district_id +
                          "' of another election or district than this kiosk's ('" +
                          options_.district_id + "')");
        return;
    }
    if (in_flight_) {
        settle_locked();
        if (!client_) return;
    }
    // What the poll worker's screen shows comes with the link (on_status).
    if (!status_locked()) return;
    set_state_locked(LinkState::online);
}

// docs/station-protocol.md §6 (station::settle_record): look the ballot up; found, its receipt is
// the lookup's inclusion and it is never sent again; not found, send it again; refused, look it
// up once more (a copy that landed meanwhile is refused as a repeat, and is the voter's ballot).
// Busy or rate limited, it stays in flight and the link tries again after a backoff.
void RemoteLink::settle_locked() {
    const InFlightBallot& ballot = *in_flight_;
    unsigned submits = 1;  // it went out before: looked up first
    const station::Exchange send = [this](Message m) {
        std::visit([this](auto& request) { request.request_id = next_request_id(); }, m);
        return exchange_locked(std::move(m));
    };
    auto settlement = station::settle_record(send, ballot.tracking_code, ballot.record, submits);
    if (!settlement) {
        // exchange_locked went offline already when the connection failed; not for an answer out
        // of protocol or a receipt for another record.
        if (client_) go_offline_locked("the ballot in flight: " + settlement.error().message);
        return;
    }
    SettledBallot settled{ballot, false, false, {}, {}};
    switch (settlement->outcome) {
        case station::Settlement::Outcome::in_log: {
            auto receipt = receipt_for_locked(settlement->inclusion, ballot.record);
            if (!receipt) {
                go_offline_locked("the ballot in flight: " + receipt.error().message);
                return;
            }
            settled.recorded = true;
            settled.resubmitted = !settlement->found_by_lookup;
            settled.receipt = std::move(receipt).value();
            break;
        }
        case station::Settlement::Outcome::refused:
            settled.refusal = settlement->reason;  // the ledger's reason: not in the box
            break;
        case station::Settlement::Outcome::try_later:
            go_offline_locked("the ballot in flight: " + settlement->reason);
            return;
    }
    settled_ = std::move(settled);
    in_flight_.reset();
}

// The station's inclusion as the ledger's receipt, once it is shown to be for `record`.
Result<LinkReceipt> RemoteLink::receipt_for_locked(const station::Inclusion& inclusion,
                                                   ByteSpan record) const {
    if (!(inclusion.leaf_hash == crypto::hash_merkle_leaf(record)))
        return Error{ErrorCode::verification_failed,
                     "the station's receipt is for another record (its leaf hash is not the "
                     "submitted record's)"};
    LinkReceipt out;
    out.receipt.log = options_.district_id;
    out.receipt.index = inclusion.index;
    out.receipt.leaf_hash = inclusion.leaf_hash;
    out.receipt.signed_checkpoint = inclusion.signed_checkpoint;
    out.inclusion = inclusion;
    return out;
}

// The refusal of a request made while the link is not up, naming its state and why.
Error RemoteLink::no_link_locked(std::string_view consequence) const {
    return Error{ErrorCode::refused, "no link to the station (" +
                                         std::string(to_string(status_.state)) +
                                         (status_.reason.empty() ? "" : ": " + status_.reason) +
                                         ")" + std::string(consequence)};
}

// A record is sent only on a live link with no ballot in flight (that one is settled first).
Status RemoteLink::ready_to_send_locked() {
    if (in_flight_)
        return Error{ErrorCode::refused,
                     "a ballot is still in flight: it is settled first, nothing was sent"};
    probe_locked();
    if (!client_ || status_.state != LinkState::online) return no_link_locked(": nothing was sent");
    return {};
}

// A question waits while a ballot is in flight: until it is settled the link counts as not up.
Status RemoteLink::ready_to_ask_locked() {
    if (!in_flight_) probe_locked();
    if (!client_ || status_.state != LinkState::online || in_flight_) return no_link_locked("");
    return {};
}

Result<LinkReceipt> RemoteLink::submit(Bytes record, election::ActorRole /*role*/) {
    const std::lock_guard lock(mutex_);
    PSEPHOS_TRY(ready_to_send_locked());
    auto answer = exchange_locked(station::Submit{next_request_id(), record});
    if (!answer)
        return Error{ErrorCode::io_error,
                     "the connection to the station was lost before it answered (look at its "
                     "status to learn whether the record was written): " +
                         answer.error().message};
    if (const auto* r = std::get_if<station::Receipt>(&answer.value()))
        return receipt_for_locked(r->inclusion, record);
    if (const auto* e = std::get_if<ErrorReply>(&answer.value()))
        return Error{ErrorCode::refused, "the station refused the record: " + e->text};
    return Error{ErrorCode::io_error,
                 "submit answered with " + station::describe_answer(answer.value())};
}

Result<LinkReceipt> RemoteLink::submit_ballot(const InFlightBallot& ballot) {
    const std::lock_guard lock(mutex_);
    PSEPHOS_TRY(ready_to_send_locked());
    in_flight_ = ballot;
    auto answer = exchange_locked(station::Submit{next_request_id(), ballot.record});
    if (!answer)
        return Error{ErrorCode::not_confirmed,
                     "ballot " + election::format_tracking_code(ballot.tracking_code) +
                         " was sent but the connection was lost before the station answered; "
                         "it is looked up as soon as the link is back (" +
                         answer.error().message + ")"};
    if (const auto* r = std::get_if<station::Receipt>(&answer.value())) {
        auto receipt = receipt_for_locked(r->inclusion, ballot.record);
        if (!receipt) {
            // A receipt that is not for this ballot settles nothing: look it up again.
            go_offline_locked(receipt.error().message);
            return Error{ErrorCode::not_confirmed, receipt.error().message};
        }
        in_flight_.reset();
        return receipt;
    }
    in_flight_.reset();  // an error answer: nothing was written
    if (const auto* e = std::get_if<ErrorReply>(&answer.value()))
        return Error{ErrorCode::refused, "the station refused the ballot: " + e->text};
    return Error{ErrorCode::refused,
                 "submit answered with " + station::describe_answer(answer.value())};
}

Result<StationStatus> RemoteLink::status() {
    const std::lock_guard lock(mutex_);
    PSEPHOS_TRY(ready_to_ask_locked());
    auto s = status_locked();
    if (!s && s.error().code == ErrorCode::io_error) {
        connect_locked();  // asking again is harmless
        if (client_ && !in_flight_) s = status_locked();
    }
    return s;
}

template <class T>
Result<T> RemoteLink::request_online(station::Message request, std::string_view what) {
    const std::lock_guard lock(mutex_);
    PSEPHOS_TRY(ready_to_ask_locked());
    std::visit([this](auto& m) { m.request_id = next_request_id(); }, request);
    auto answer = exchange_locked(std::move(request));
    if (!answer) return answer.error();
    if (auto* ok = std::get_if<T>(&answer.value())) return std::move(*ok);
    if (auto* error = std::get_if<station::ErrorReply>(&answer.value()))
        return Error{ErrorCode::refused,
                     std::string(what) + ": the station refused it: " + error->text};
    return Error{ErrorCode::io_error,
                 std::string(what) + " answered with " + station::describe_answer(answer.value())};
}

Result<station::HeadNoted> RemoteLink::send_final_head(const station::SignedHead& head) {
    return request_online<station::HeadNoted>(station::FinalHead{0, head}, "final head");
}

Result<std::vector<station::SignedHead>> RemoteLink::final_heads() {
    auto list = request_online<station::HeadList>(station::HeadsRequest{0}, "heads");
    if (!list) return list.error();
    return std::move(list.value().heads);
}

Result<StationStatus> RemoteLink::status_locked() {
    auto answer = exchange_locked(station::StatusRequest{next_request_id()});
    if (!answer) return answer.error();
    const auto* report = std::get_if<station::StatusReport>(&answer.value());
    if (report == nullptr)
        return Error{ErrorCode::io_error,
                     "status answered with " + station::describe_answer(answer.value())};
    StationStatus s;
    s.casting.polls = as_polls_status(report->polls);
    s.casting.ballots_cast = report->ballots_cast;
    s.casting.ballots_challenged = report->ballots_challenged;
    s.log_size = report->log_size;
    s.device_ballots = report->device_ballots;
    s.device_last_tracking_code = report->device_last_tracking_code;
    if (options_.on_status) options_.on_status(s);
    return s;
}

}  // namespace psephos::kiosk

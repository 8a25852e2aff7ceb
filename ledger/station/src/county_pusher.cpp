// The station's pushes to its county (county_pusher.hpp, docs/county.md §3).
#include "psephos/station/county_pusher.hpp"

#include "psephos/election/canonical_encoding.hpp"
#include "psephos/station/station_client.hpp"
#include "psephos/station/station_link.hpp"
#include "psephos/station/station_protocol.hpp"

namespace psephos::station {
namespace {

// What a push's frame holds besides its records: the header, the district id, the checkpoint,
// the proof; each record adds its u32 length.
constexpr std::size_t push_overhead =
    64 + max_id_size + max_checkpoint_size + 32 * max_consistency_hashes;

// The district's tally and what follows it are the county's own to make.
bool county_makes_it(const Bytes& record) {
    return !record.empty() &&
           record[0] >= static_cast<std::uint8_t>(election::RecordType::district_tally);
}

Error county_error(const std::string& what) {
    return make_error(ErrorCode::io_error, "county: " + what);
}

}  // namespace

CountyPusher::CountyPusher(const ledger::Ledger& ledger, std::vector<std::string> districts,
                           std::string station_id, const TlsIdentity& identity,
                           CountyEndpoint county)
    : ledger_(ledger),
      districts_(std::move(districts)),
      station_id_(std::move(station_id)),
      identity_(identity),
      county_(std::move(county)) {}

CountyPusher::~CountyPusher() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::uint64_t CountyPusher::county_holds(const std::string& district) const {
    const std::lock_guard lock(mutex_);
    const auto it = held_.find(district);
    return it == held_.end() ? 0 : it->second;
}

// Connects, says hello, and asks what the county holds of each district.
Status CountyPusher::connect() {
    StationClientOptions options;
    options.host = county_.host;
    options.port = county_.port;
    options.station_certificate_pem = county_.certificate_pem;
    options.identity = &identity_;
    options.timeout = county_.timeout;
    auto client = StationClient::connect(options);
    if (!client) return client.error().within("county");
    auto welcome = client.value()->request(
        CountyHello{next_request_++, ledger_.election().base_hash, station_id_});
    if (!welcome) return welcome.error().within("county hello");
    const auto* welcomed = std::get_if<CountyWelcome>(&welcome.value());
    if (welcomed == nullptr)
        return county_error("county hello answered with " + describe_answer(welcome.value()));
    if (welcomed->base_hash != ledger_.election().base_hash)
        return county_error("the county's election is another (base hash)");
    max_frame_ = welcomed->max_frame;
    max_records_ = welcomed->max_records;
    for (const std::string& district : districts_) {
        auto answer = client.value()->request(HeldRequest{next_request_++, district});
        if (!answer) return answer.error().within("county held");
        const auto* held = std::get_if<HeldSize>(&answer.value());
        if (held == nullptr || held->district_id != district)
            return county_error("held of district '" + district + "' answered with " +
                                describe_answer(answer.value()));
        const std::lock_guard lock(mutex_);
        held_[district] = held->size;
    }
    client_ = std::move(client).value();
    return {};
}

// Pushes the district from what the county holds up to the station's newest checkpoint, one
// push per run of whole batches that fits the county's limits.
Status CountyPusher::push_district(const std::string& district) {
    // Nothing new: the county holds the whole log (the common case of a pass).
    PSEPHOS_TRY_ASSIGN(const auto status, ledger_.status(district));
    if (status.size <= county_holds(district)) return {};
    PSEPHOS_TRY_ASSIGN(const auto checkpoints, ledger_.checkpoints(district));
    for (;;) {
        const std::uint64_t held = county_holds(district);
        // The checkpoint sizes beyond what the county holds, in order.
        auto next = checkpoints.begin();
        while (next != checkpoints.end() && next->first <= held) ++next;
        if (next == checkpoints.end()) return {};
        Push push{next_request_++, district, held, {}, {}, {}};
        std::size_t bytes = push_overhead;
        std::uint64_t end = held;  // the last checkpoint size the push may end at
        const std::string* note = nullptr;
        bool limited = false;  // the county's frame or record limit stopped it
        for (std::uint64_t i = held; next != checkpoints.end(); ++i) {
            PSEPHOS_TRY_ASSIGN(Bytes record, ledger_.record(district, i));
            if (county_makes_it(record)) break;
            if (bytes + 4 + record.size() > max_frame_ || push.records.size() + 1 > max_records_) {
                limited = true;
                break;
            }
            bytes += 4 + record.size();
            push.records.push_back(std::move(record));
            if (i + 1 == next->first) {
                end = next->first;
                note = &next->second;
                ++next;
            }
        }
        if (note == nullptr) {
            if (!limited) return {};  // the county makes what follows (the tally)
            return make_error(ErrorCode::refused,
                              "county: district '" + district + "': the station's batch from " +
                                  std::to_string(held) +
                                  " does not fit one push within the county's limits (" +
                                  std::to_string(max_frame_) + " bytes, " +
                                  std::to_string(max_records_) + " records)");
        }
        push.records.resize(static_cast<std::size_t>(end - held));
        push.signed_checkpoint = *note;
        if (held > 0) {
            PSEPHOS_TRY_ASSIGN(push.consistency_proof,
                               ledger_.prove_consistency(district, held, end));
        }
        auto answer = client_->request(push);
        if (!answer) return answer.error().within("county push");
        const auto* pushed = std::get_if<Pushed>(&answer.value());
        if (std::holds_alternative<ErrorReply>(answer.value()))
            return make_error(ErrorCode::refused, "county: push of district '" + district +
                                                      "' from " + std::to_string(held) + ": " +
                                                      describe_answer(answer.value()));
        if (pushed == nullptr || pushed->district_id != district)
            return county_error("push of district '" + district + "' from " + std::to_string(held) +
                                " answered with " + describe_answer(answer.value()));
        {
            const std::lock_guard lock(mutex_);
            held_[district] = pushed->size;
        }
        if (pushed->size == held) return {};  // no progress: try again on the next pass
    }
}

std::vector<std::string> CountyPusher::push_once() { return pass(false); }

std::vector<std::string> CountyPusher::pass(bool honour_backoff) {
    const std::lock_guard pass_lock(pass_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (honour_backoff && now < next_attempt_) return {};
    std::vector<std::string> problems;
    if (!client_) {
        if (auto connected = connect(); !connected) problems.push_back(connected.error().message);
    }
    if (client_) {
        for (const std::string& district : districts_) {
            if (auto pushed = push_district(district); !pushed) {
                problems.push_back("district " + district + ": " + pushed.error().message);
                // A connection in an unknown state is not used again.
                if (pushed.error().code == ErrorCode::io_error) client_.reset();
                if (!client_) break;
            }
        }
    }
    if (problems.empty()) {
        failures_ = 0;
    } else {
        ++failures_;
        next_attempt_ =
            now + retry_delay({std::chrono::seconds(1), std::chrono::minutes(1)}, failures_);
    }
    return problems;
}

void CountyPusher::wake() {
    {
        const std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void CountyPusher::start(std::chrono::milliseconds period,
                         std::function<void(const std::string&)> on_problem) {
    thread_ = std::thread([this, period, report = std::move(on_problem)] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            woken_ = false;
            lock.unlock();
            for (const auto& problem : pass(true)) report(problem);
            lock.lock();
            wake_.wait_for(lock, period, [this] { return stopping_ || woken_; });
        }
    });
}

}  // namespace psephos::station

// The station's submissions to witnesses (witness_submitter.hpp, docs/witness.md §8).
#include "psephos/station/witness_submitter.hpp"

#include <sys/stat.h>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/station/station_link.hpp"
#include "psephos/witness/witness_client.hpp"

namespace psephos::station {

namespace {
// How a problem line names the log: "district ward-1", or "the election log".
std::string log_label(const std::string& log) {
    return log == ledger::election_log_name ? std::string("the election log") : "district " + log;
}
}  // namespace

WitnessSubmitter::WitnessSubmitter(const ledger::Ledger& ledger, std::vector<std::string> districts,
                                   std::vector<WitnessEndpoint> witnesses,
                                   std::filesystem::path directory)
    : ledger_(ledger),
      districts_(std::move(districts)),
      witnesses_(std::move(witnesses)),
      directory_(std::move(directory)),
      backoff_(witnesses_.size()) {
    load_kept_notes();
}

// A kept note counts only if it still checks: the ledger's signature on the checkpoint, the
// witness's cosignature of it, and a size the district's log has reached. Anything else is left
// out (the witness's 409 then says where it stands).
void WitnessSubmitter::load_kept_notes() {
    for (const auto& district : districts_) {
        auto status = ledger_.status(district);
        if (!status) continue;
        for (std::size_t w = 0; w < witnesses_.size(); ++w) {
            std::error_code ec;
            const auto path = cosigned_note_path(w, district);
            if (!std::filesystem::is_regular_file(path, ec)) continue;
            auto bytes = crypto::read_public_file(path, 64 * 1024);
            if (!bytes) continue;
            const std::string note(bytes.value().begin(), bytes.value().end());
            auto text = election::open_note(note, status.value().verifier);
            if (!text || !crypto::open_cosigned_note(note, witnesses_[w].key)) continue;
            auto checkpoint = election::Checkpoint::parse(text.value());
            if (!checkpoint || checkpoint.value().size > status.value().size) continue;
            cosigned_[{w, district}] = checkpoint.value().size;
        }
    }
}

WitnessSubmitter::~WitnessSubmitter() { stop(); }

void WitnessSubmitter::stop() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::filesystem::path cosigned_note_path(const std::filesystem::path& directory,
                                         std::string_view witness_name, std::string_view log) {
    // The ledger's own logs are named "/election" etc.: their '/' becomes '_', so the file stays
    // in the witness's folder ("_election.note").
    std::string file(log);
    if (!file.empty() && file.front() == '/') file.front() = '_';
    file += ".note";
    return directory / crypto::sha256(as_bytes(witness_name)).to_hex() / file;
}

std::filesystem::path WitnessSubmitter::cosigned_note_path(std::size_t witness,
                                                           const std::string& district) const {
    return station::cosigned_note_path(directory_, witnesses_.at(witness).key.name, district);
}

std::uint64_t WitnessSubmitter::cosigned_size(std::size_t witness,
                                              const std::string& district) const {
    const std::lock_guard lock(mutex_);
    const auto it = cosigned_.find({witness, district});
    return it == cosigned_.end() ? 0 : it->second;
}

std::vector<std::string> WitnessSubmitter::submit_once() { return pass(false); }

std::vector<std::string> WitnessSubmitter::pass(bool honour_backoff) {
    std::vector<std::string> problems;
    const auto now = std::chrono::steady_clock::now();
    std::vector<bool> failed(witnesses_.size(), false);
    for (const auto& district : districts_) {
        auto status = ledger_.status(district);
        if (!status) {
            problems.push_back(log_label(district) + ": " + status.error().message);
            continue;
        }
        const std::string& note = status.value().signed_checkpoint;
        if (note.empty()) continue;  // nothing logged yet
        auto text = election::open_note(note, status.value().verifier);
        auto checkpoint = text ? election::Checkpoint::parse(text.value())
                               : Result<election::Checkpoint>(text.error());
        if (!checkpoint) {
            problems.push_back(log_label(district) + ": " + checkpoint.error().message);
            continue;
        }
        const std::uint64_t size = checkpoint.value().size;
        const auto prove = [&](std::uint64_t old_size) -> Result<std::vector<Hash32>> {
            return ledger_.prove_consistency(district, old_size, size);
        };
        for (std::size_t w = 0; w < witnesses_.size(); ++w) {
            const std::uint64_t held = cosigned_size(w, district);
            if (held >= size) continue;
            if (honour_backoff && now < backoff_[w].next_attempt) continue;
            const auto& endpoint = witnesses_[w];
            const witness::WitnessClient client(endpoint.host, endpoint.port, endpoint.key);
            auto cosigned = client.submit(note, held, prove);
            if (!cosigned) {
                problems.push_back(log_label(district) + ": " + cosigned.error().message);
                failed[w] = true;
                continue;
            }
            const auto path = cosigned_note_path(w, district);
            std::error_code ec;
            std::filesystem::create_directories(path.parent_path(), ec);
            ::chmod(directory_.c_str(), 0700);
            if (auto kept =
                    crypto::replace_file(path, note + cosigned.value().signature_line, 0644);
                !kept) {
                problems.push_back("district " + district + ": witness " + endpoint.key.name +
                                   ": " + kept.error().message);
                failed[w] = true;
                continue;
            }
            const std::lock_guard lock(mutex_);
            cosigned_[{w, district}] = size;
        }
    }
    for (std::size_t w = 0; w < witnesses_.size(); ++w) {
        if (!failed[w]) {
            backoff_[w].failures = 0;
            continue;
        }
        backoff_[w].failures += 1;
        backoff_[w].next_attempt =
            now +
            retry_delay({std::chrono::seconds(1), std::chrono::minutes(1)}, backoff_[w].failures);
    }
    return problems;
}

void WitnessSubmitter::start(std::chrono::milliseconds period,
                             std::function<void(const std::string&)> on_problem) {
    thread_ = std::thread([this, period, report = std::move(on_problem)] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            for (const auto& problem : pass(true)) report(problem);
            lock.lock();
            wake_.wait_for(lock, period, [this] { return stopping_ || woken_; });
            woken_ = false;
        }
    });
}

void WitnessSubmitter::wake() {
    {
        const std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

}  // namespace psephos::station

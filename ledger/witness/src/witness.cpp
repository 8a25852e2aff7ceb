// The witness's add-checkpoint and its durable state (witness.hpp, docs/witness.md §3–§4).
#include "psephos/witness/witness.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <system_error>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/witness/add_checkpoint_request.hpp"

namespace psephos::witness {

namespace {
constexpr std::size_t max_note_file = 256 * 1024;
constexpr std::string_view size_type = "text/x.tlog.size";
constexpr std::string_view text_type = "text/plain; charset=utf-8";

WitnessResponse answer(unsigned status, std::string body) {
    if (!body.empty() && body.back() != '\n') body += '\n';
    return {status, std::string(text_type), std::move(body)};
}

std::uint64_t system_seconds() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

// The note's text (everything before the signatures), or empty if it has no blank line.
std::string_view note_text(std::string_view note) {
    const auto split = note.rfind("\n\n");
    return split == std::string_view::npos ? std::string_view() : note.substr(0, split + 1);
}

// The signature lines of `note` under the log's name: what the witness keeps besides its own
// cosignature (other cosigners' lines, and lines under its own name that it did not make, would
// otherwise be replayed into its state).
std::string log_signature_lines(std::string_view note, std::string_view log_name) {
    const std::string prefix = "\xE2\x80\x94 " + std::string(log_name) + " ";
    std::string_view lines = note.substr(note.rfind("\n\n") + 2);
    std::string out;
    while (!lines.empty()) {
        const auto end = lines.find('\n');
        const std::string_view line = lines.substr(0, end + 1);
        lines.remove_prefix(line.size());
        if (line.substr(0, prefix.size()) == prefix) out += line;
    }
    return out;
}

Status make_private_directory(const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return make_error(ErrorCode::io_error, path.string() + ": " + ec.message());
    ::chmod(path.c_str(), 0700);
    return {};
}
}  // namespace

std::string origin_hash_hex(std::string_view origin) {
    return crypto::sha256(as_bytes(origin)).to_hex();
}

struct Witness::Log {
    election::NoteVerifierKey key;
    std::filesystem::path file;
    std::string hash_hex;
    std::string note;  // the held cosigned note; empty before the first cosignature
    election::Checkpoint checkpoint;
};

Witness::Witness(crypto::Ed25519SigningKey key, crypto::CosignerKey cosigner,
                 WitnessOptions options)
    : key_(std::move(key)),
      cosigner_(std::move(cosigner)),
      options_(std::move(options)),
      checkpoints_(options_.state_directory / "checkpoints"),
      evidence_(options_.state_directory / "evidence") {
    if (!options_.clock) options_.clock = system_seconds;
}

Witness::~Witness() = default;

Result<std::unique_ptr<Witness>> Witness::open(crypto::Ed25519SigningKey key,
                                               WitnessOptions options) {
    auto cosigner = crypto::CosignerKey::of(options.name, key.public_key());
    if (!cosigner) return cosigner.error().within("witness name");
    std::unique_ptr<Witness> w(
        new Witness(std::move(key), std::move(cosigner).value(), std::move(options)));
    PSEPHOS_TRY(make_private_directory(w->options_.state_directory));
    PSEPHOS_TRY(make_private_directory(w->checkpoints_));
    PSEPHOS_TRY(make_private_directory(w->evidence_));
    for (const auto& log_key : w->options_.logs) {
        for (const auto& other : w->logs_) {
            if (other->key.name == log_key.name)
                return make_error(ErrorCode::invalid_argument,
                                  "witness: log '" + log_key.name + "' is configured twice");
        }
        auto log = std::make_unique<Log>();
        log->key = log_key;
        log->hash_hex = origin_hash_hex(log_key.name);
        log->file = w->checkpoints_ / log->hash_hex;
        log->checkpoint.origin = log_key.name;
        log->checkpoint.root = crypto::sha256({});
        std::error_code ec;
        if (std::filesystem::exists(log->file, ec)) {
            const std::string where = "witness: " + log->file.string();
            auto bytes = crypto::read_public_file(log->file, max_note_file);
            if (!bytes) return bytes.error().within(where);
            std::string note(bytes.value().begin(), bytes.value().end());
            auto text = election::open_note(note, log_key);
            auto cosigned = crypto::open_cosigned_note(note, w->cosigner_);
            auto checkpoint = text ? election::Checkpoint::parse(text.value())
                                   : Result<election::Checkpoint>(text.error());
            if (!cosigned || !checkpoint || checkpoint.value().origin != log_key.name) {
                const std::string why = !cosigned     ? cosigned.error().message
                                        : !checkpoint ? checkpoint.error().message
                                                      : "another log's checkpoint";
                return make_error(ErrorCode::corrupted, where + ": held checkpoint of '" +
                                                            log_key.name + "' fails: " + why);
            }
            w->last_timestamp_ = std::max(w->last_timestamp_, cosigned.value().timestamp);
            log->note = std::move(note);
            log->checkpoint = std::move(checkpoint).value();
        }
        w->logs_.push_back(std::move(log));
    }
    return w;
}

std::optional<std::uint64_t> Witness::held_size(std::string_view origin) const {
    const std::lock_guard lock(mutex_);
    for (const auto& log : logs_)
        if (log->key.name == origin) return log->checkpoint.size;
    return std::nullopt;
}

WitnessResponse Witness::latest_checkpoint(std::string_view origin_hash) const {
    const std::lock_guard lock(mutex_);
    for (const auto& log : logs_) {
        if (log->hash_hex == origin_hash && !log->note.empty()) return answer(200, log->note);
    }
    return answer(404, "no checkpoint cosigned for this log");
}

// Keeps the refused, log-signed checkpoint and the note held then, once per distinct request,
// and answers 422. The file is fsynced before the answer, as a cosignature would be.
WitnessResponse Witness::refuse_inconsistent(Log& log, std::string_view body, std::string reason) {
    std::string record = "psephos witness evidence\nlog: " + log.key.name + "\nreason: " + reason +
                         "\nheld checkpoint (size " + std::to_string(log.checkpoint.size) + "):\n" +
                         (log.note.empty() ? "(none)\n" : log.note) +
                         "submitted add-checkpoint request:\n" + std::string(body);
    const auto file = evidence_ / (crypto::sha256(as_bytes(body)).to_hex() + ".txt");
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        if (auto written = crypto::write_new_file(file, record, 0600); !written)
            return answer(500, "could not keep the evidence: " + written.error().message);
    }
    return answer(422, reason);
}

WitnessResponse Witness::add_checkpoint(std::string_view body) {
    auto request = AddCheckpointRequest::parse(body);
    if (!request) return answer(400, request.error().message);
    const std::string_view text = note_text(request.value().checkpoint_note);
    auto checkpoint = election::Checkpoint::parse(text);
    if (text.empty() || !checkpoint)
        return answer(400, text.empty() ? "signed note: no blank line before the signatures"
                                        : checkpoint.error().message);
    const election::Checkpoint& cp = checkpoint.value();

    const std::lock_guard lock(mutex_);
    const auto found = std::find_if(logs_.begin(), logs_.end(),
                                    [&](const auto& log) { return log->key.name == cp.origin; });
    if (found == logs_.end()) return answer(404, "unknown log origin");
    Log& log = **found;
    if (auto opened = election::open_note(request.value().checkpoint_note, log.key); !opened) {
        return answer(opened.error().code == ErrorCode::verification_failed ? 403 : 400,
                      opened.error().message);
    }
    const std::uint64_t old_size = request.value().old_size;
    const auto& proof = request.value().proof;
    if (old_size > cp.size)
        return answer(400, "old size " + std::to_string(old_size) + " is above the checkpoint's " +
                               std::to_string(cp.size));
    if (old_size != log.checkpoint.size)
        return {409, std::string(size_type), std::to_string(log.checkpoint.size) + "\n"};
    if (cp.size == 0 && cp.root != crypto::sha256({}))
        return answer(422, "a checkpoint of size 0 must have the empty tree's root");
    if (old_size == 0) {
        if (!proof.empty()) return answer(422, "old size 0 needs an empty consistency proof");
    } else if (old_size == cp.size) {
        if (cp.root != log.checkpoint.root) {
            return refuse_inconsistent(log, body,
                                       "fork: another root at size " + std::to_string(cp.size) +
                                           ", the size of the checkpoint held");
        }
        if (!proof.empty()) return answer(422, "equal sizes need an empty consistency proof");
    } else if (auto consistent = crypto::verify_consistency(old_size, cp.size, log.checkpoint.root,
                                                            cp.root, proof);
               !consistent) {
        return refuse_inconsistent(
            log, body, "not consistent with the checkpoint held: " + consistent.error().message);
    }

    const std::uint64_t timestamp = std::max({options_.clock(), last_timestamp_, std::uint64_t{1}});
    auto line = crypto::cosign_checkpoint(text, cosigner_.name, key_, timestamp);
    if (!line) return answer(400, line.error().message);
    const std::string held = std::string(text) + "\n" +
                             log_signature_lines(request.value().checkpoint_note, log.key.name) +
                             line.value();
    if (auto written = crypto::replace_file(log.file, held, 0600); !written)
        return answer(500, "could not keep the checkpoint: " + written.error().message);
    log.note = held;
    log.checkpoint = cp;
    last_timestamp_ = timestamp;
    return {200, std::string(text_type), std::move(line).value()};
}

}  // namespace psephos::witness

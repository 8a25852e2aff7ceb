// `psephos ledger SUBCOMMAND`: an election's ledger (docs/ledger.md) in a data directory DIR — the
// RocksDB database DIR/ledger and, by default, its signing key DIR/ledger.key. Write commands open
// the ledger with its key; queries (status, inclusion, consistency, events, check) open it
// read-only, which re-checks every log (docs/ledger.md §6) and needs no key. Proof commands verify
// what they print against a stored signed checkpoint before printing it (docs/cli.md §9).
#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <limits>
#include <system_error>
#include <vector>

#include "command_line.hpp"
#include "commands.hpp"
#include "ledger_command_support.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/ledger/polls_closing.hpp"
#include "token_signer.hpp"

namespace psephos::app {

namespace fs = std::filesystem;
namespace json = boost::json;
using election::ActorRole;
using ledger::Ledger;
using ledger::LedgerKey;
using ledger::LogStatus;

namespace {

// The same bound as `psephos ballot verify`: far above any ballot of a valid manifest.
constexpr std::size_t max_ballot_file_bytes = std::size_t{256} << 20;
constexpr std::string_view database_name = "ledger";
constexpr std::string_view default_key_name = "ledger.key";

}  // namespace

namespace ledger_cli {

// ---- small helpers (ledger_command_support.hpp) ---------------------------------------------

std::uint64_t now_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// ISO 8601 in UTC, e.g. 2026-11-03T07:00:00Z; "@<seconds>" for a time gmtime cannot show.
std::string iso_8601(std::uint64_t seconds) {
    if (seconds > static_cast<std::uint64_t>(std::numeric_limits<std::time_t>::max()))
        return "@" + std::to_string(seconds);
    const auto t = static_cast<std::time_t>(seconds);
    std::tm parts{};
    char text[32];
    if (::gmtime_r(&t, &parts) == nullptr ||
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0) {
        return "@" + std::to_string(seconds);
    }
    return text;
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// A signed note printed verbatim after a "<label>:" line, so it can be cut out and verified.
void print_note(std::string_view label, std::string_view note) {
    std::cout << label << ":\n" << note;
    if (!note.empty() && note.back() != '\n') std::cout << '\n';
}

void print_json(const json::value& value) { std::cout << json::serialize(value) << '\n'; }

json::array hex_array(const std::vector<Hash32>& hashes) {
    json::array out;
    for (const auto& h : hashes) out.emplace_back(h.to_hex());
    return out;
}

json::value note_or_null(const std::string& note) {
    return note.empty() ? json::value(nullptr) : json::value(note);
}

fs::path database_path(const Arguments& args) {
    return fs::path(*args.value("--data")) / database_name;
}

}  // namespace ledger_cli

namespace {

// ---- the data directory and opening ------------------------------------------------------

fs::path key_path(const Arguments& args) {
    if (auto key = args.value("--key")) return fs::path(*key);
    return fs::path(*args.value("--data")) / default_key_name;
}

ledger::LedgerOptions options_for(const fs::path& database) {
    ledger::LedgerOptions options;
    options.directory = database;
    return options;
}

}  // namespace

// Opens DIR/ledger: with the key for a write command, read-only (no key) for a query. Either way
// the ledger re-checks every log before it answers.
Result<std::unique_ptr<Ledger>> open_ledger(const Arguments& args, bool writable) {
    const fs::path data(*args.value("--data"));
    const fs::path database = ledger_cli::database_path(args);
    if (!path_exists(data))
        return make_error(ErrorCode::not_found, data.string() + ": no such directory");
    if (!path_exists(database)) {
        return make_error(ErrorCode::not_found,
                          data.string() + ": no ledger here (" + database.string() +
                              " does not exist); create one with 'psephos ledger init'");
    }
    std::optional<LedgerKey> key;
    auto token = ledger_token_spec(args);
    if (!token) return token.error();
    if (writable && token.value()) {
        // The log keys in a token (docs/keys.md §4): the PIN lives in the key only until the
        // ledger has opened every log's signer.
        auto pin = read_token_pin(args);
        if (!pin) return pin.error();
        key.emplace(LedgerKey::in_token(*token.value(), pin.value()));
        sodium_memzero(pin.value().data(), pin.value().size());
    } else if (writable) {
        auto read = LedgerKey::read_file(key_path(args));
        if (!read) {
            Error e = read.error();
            e.message += " (the ledger key: write commands need it; it is DIR/" +
                         std::string(default_key_name) + " unless --key FILE names another)";
            return e;
        }
        key.emplace(std::move(read).value());
    }
    auto opened = Ledger::open(options_for(database), std::move(key));
    if (!opened) {
        Error e = opened.error();
        // RocksDB's "While lock file: …/LOCK: Resource temporarily unavailable".
        if (e.message.find("lock file") != std::string::npos) {
            e.message += " (the ledger is locked: another psephos process has it open for writing)";
        }
        return e;
    }
    return opened;
}

namespace ledger_cli {

Result<std::size_t> district_index(const election::ElectionContext& election,
                                   std::string_view district) {
    const auto& districts = election.manifest.districts;
    for (std::size_t d = 0; d < districts.size(); ++d)
        if (districts[d].id == district) return d;
    std::string known;
    for (std::size_t d = 0; d < districts.size() && d < 10; ++d)
        known += (d ? ", " : "") + districts[d].id;
    if (districts.size() > 10) known += ", …";
    return make_error(ErrorCode::not_found, "no district '" + std::string(district) +
                                                "' in election '" + election.manifest.election_id +
                                                "' (its districts: " + known + ")");
}

// A log's signed checkpoint opened under the log's verifier; its origin and size are checked, so
// the root it returns is the signed root of a tree of exactly `size` leaves.
Result<election::Checkpoint> open_checkpoint(const LogStatus& log, std::string_view note,
                                             std::uint64_t size) {
    const std::string where =
        "log '" + log.name + "': signed checkpoint of size " + std::to_string(size);
    auto text = election::open_note(note, log.verifier);
    if (!text) return text.error().within(where);
    auto checkpoint = election::Checkpoint::parse(text.value());
    if (!checkpoint) return checkpoint.error().within(where);
    if (checkpoint.value().origin != log.origin) {
        return make_error(
            ErrorCode::verification_failed,
            where + ": origin '" + checkpoint.value().origin + "', expected '" + log.origin + "'");
    }
    if (checkpoint.value().size != size) {
        return make_error(ErrorCode::verification_failed,
                          where + ": states size " + std::to_string(checkpoint.value().size));
    }
    return checkpoint;
}

// The stored checkpoint of exactly `size`, if any; otherwise `nearest` names the stored sizes
// around it, for the message.
std::optional<std::string> stored_checkpoint(
    const std::vector<std::pair<std::uint64_t, std::string>>& stored, std::uint64_t size,
    std::string& nearest) {
    std::optional<std::uint64_t> below, above;
    for (const auto& [s, note] : stored) {
        if (s == size) return note;
        if (s < size) below = s;
        if (s > size && !above) above = s;
    }
    nearest = "nearest stored sizes: ";
    nearest += below ? std::to_string(*below) : std::string("none");
    nearest += " below, ";
    nearest += above ? std::to_string(*above) : std::string("none");
    nearest += " above";
    return std::nullopt;
}

}  // namespace ledger_cli

namespace {

using namespace ledger_cli;

// ---- subcommands ---------------------------------------------------------------------------

struct Subcommand {
    std::string_view name;
    CommandSpec spec;
    std::vector<std::string_view> required;  // flags that must be given
    int (*run)(const CommandSpec&, const Arguments&);
    std::string_view summary;
};

// What a new ledger is: its election, its approval and every log's verifier key.
void print_created(const Ledger& l, const fs::path& database, std::string_view keys,
                   const election::ElectionApproval& approval) {
    std::cout << "election: " << l.election().manifest.election_id << '\n'
              << "created " << database.string() << '\n'
              << keys << '\n'
              << "approved by: " << election::authority_key_text(approval.authority_key)
              << " (it authorises every device)\n";
    std::vector<LogStatus> logs = l.district_statuses();
    logs.push_back(l.status(ledger::election_log_name).value());
    logs.push_back(l.status(ledger::event_log_name).value());
    for (const auto& log : logs)
        std::cout << "verifier " << log.name << ": " << log.verifier.to_text() << '\n';
}

// `ledger init --pkcs11`: one key per log generated in the token (docs/keys.md §4), then the
// ledger over them; no key file is written.
int init_in_token(const Arguments& args, const ledger::LedgerTokenSpec& token,
                  const election::ElectionContext& election,
                  const election::ElectionApproval& approval) {
    auto pin = read_token_pin(args);
    if (!pin) return failure(pin.error().message);
    auto made = ledger::generate_token_log_keys(token, pin.value(), election.manifest);
    if (!made) {
        sodium_memzero(pin.value().data(), pin.value().size());
        return failure(made.error().message);
    }
    LedgerKey key = LedgerKey::in_token(token, pin.value());
    sodium_memzero(pin.value().data(), pin.value().size());
    const fs::path database = database_path(args);
    auto created = Ledger::create(options_for(database), election, approval, std::move(key));
    if (!created) {
        return failure(created.error().message + " (the " + std::to_string(made.value().size()) +
                       " log keys made in token '" + token.token_label +
                       "' stay there; delete them with the token's tool before trying again)");
    }
    print_created(*created.value(), database,
                  "generated " + std::to_string(made.value().size()) + " log keys in token '" +
                      token.token_label +
                      "' (labelled psephos-log:<origin>; the secrets never leave the token)",
                  approval);
    return exit_ok;
}

int init_ledger(const Arguments& args) {
    const fs::path data(*args.value("--data"));
    const fs::path database = database_path(args);
    const fs::path key_file = key_path(args);
    auto token = ledger_token_spec(args);
    if (!token) return failure(token.error().message);
    // Refuse before any work, and before anything is written.
    if (path_exists(database)) {
        return failure(database.string() +
                       ": a ledger already exists here; refusing to create another over it");
    }
    if (!token.value() && path_exists(key_file)) {
        return failure(key_file.string() +
                       ": already exists; refusing to overwrite it (a new ledger gets a new key)");
    }
    auto election = load_finalized_election(*args.value("--election"));
    if (!election) return failure(election.error().message);
    const std::string approval_path = *args.value("--approval");
    auto approval_bytes = crypto::read_public_file(approval_path, 4096);
    if (!approval_bytes) return failure(approval_bytes.error().message);
    auto approval = election::decode_election_approval(approval_bytes.value());
    if (!approval) return failure(approval_path + ": " + approval.error().message);
    if (auto ok = election::verify_election_approval(approval.value(), election.value().base_hash);
        !ok)
        return failure(approval_path + ": " + ok.error().message);

    std::error_code ec;
    if (!path_exists(data)) {
        if (data.has_parent_path()) {
            fs::create_directories(data.parent_path(), ec);
            if (ec) return failure(data.parent_path().string() + ": " + ec.message());
        }
        // 0700: the directory holds the ledger's key by default.
        if (::mkdir(data.c_str(), 0700) != 0) {
            return failure(data.string() +
                           ": cannot create directory: " + std::generic_category().message(errno));
        }
    } else if (!fs::is_directory(data, ec)) {
        return failure(data.string() + ": exists and is not a directory");
    }

    if (token.value())
        return init_in_token(args, *token.value(), election.value(), approval.value());
    LedgerKey key = LedgerKey::generate();
    if (auto ok = crypto::write_signing_key_file(key_file, key.master(), "ledger"); !ok)
        return failure(ok.error().message);
    auto created =
        Ledger::create(options_for(database), election.value(), approval.value(), std::move(key));
    if (!created) {
        fs::remove(key_file, ec);  // ours, written just now: a key without its ledger is useless
        return failure(created.error().message);
    }
    print_created(
        *created.value(), database,
        "wrote " + key_file.string() + " (the ledger key, mode 0600: every write command needs it)",
        approval.value());
    return exit_ok;
}

int run_init(const CommandSpec& spec, const Arguments& args) {
    if (auto token = ledger_token_spec(args); !token)
        return usage_error(spec, token.error().message);
    return init_ledger(args);
}

int run_device_key(const CommandSpec& spec, const Arguments& args) {
    const fs::path out(*args.value("--out"));
    const fs::path pub = out.string() + ".pub";
    const std::string device = args.value("--device").value_or("device");
    if (args.value("--device") && !is_id(device))
        return usage_error(spec, "--device must be 1 to 64 characters from a-z, 0-9 and '-'");
    for (const auto& path : {out, pub}) {
        if (path_exists(path))
            return failure(path.string() + ": already exists; refusing to overwrite it");
    }
    const auto key = crypto::Ed25519SigningKey::generate();
    if (auto ok = crypto::write_signing_key_file(out, key, device); !ok)
        return failure(ok.error().message);
    if (auto ok = crypto::write_public_key_file(pub, key.public_key(), device); !ok)
        return failure(ok.error().message);
    std::cout << "device key: " << to_hex(key.public_key().span()) << '\n'
              << "wrote " << out.string() << " (secret key, mode 0600)\n"
              << "wrote " << pub.string() << " (public key, for register-device)\n";
    return exit_ok;
}

void print_receipt(const ledger::Receipt& receipt) {
    std::cout << "record: " << receipt.log << '#' << receipt.index << '\n'
              << "leaf hash: " << receipt.leaf_hash.to_hex() << '\n';
    print_note("signed checkpoint", receipt.signed_checkpoint);
}

// An election authority's record from the file of `flag` (a registration or a deauthorisation:
// `decode` reads it), submitted as an election official to its district's log; the ledger
// checks the authority's signature under its approval's key. `describe` prints what it was.
template <class Decode, class Describe>
int submit_authority_record(const Arguments& args, const char* flag, Decode decode,
                            Describe describe) {
    const std::string path = *args.value(flag);
    auto record = crypto::read_public_file(path, 4096);
    if (!record) return failure(record.error().message);
    auto decoded = decode(record.value());
    if (!decoded) return failure(path + ": " + decoded.error().message);
    auto opened = open_ledger(args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    if (auto d = district_index(l.election(), decoded.value().district_id); !d)
        return failure(d.error().message);
    auto receipt = l.submit(record.value(), ActorRole::election_official).get();
    if (!receipt) return failure("rejected: " + receipt.error().message);
    describe(decoded.value());
    print_receipt(receipt.value());
    return exit_ok;
}

// The authorisation file is the registration record the election authority signed
// (`psephos authority authorise-device`).
int run_register_device(const CommandSpec&, const Arguments& args) {
    return submit_authority_record(
        args, "--authorisation",
        [](ByteSpan bytes) { return election::decode_device_registration(bytes); },
        [](const election::DeviceRegistration& r) {
            std::cout << "device: " << r.device_id << '\n'
                      << "district: " << r.district_id << '\n'
                      << "device key: " << to_hex(r.device_key.span()) << '\n';
        });
}

// The deauthorisation file is the record the election authority signed (`psephos authority
// deauthorise-device`).
int run_deauthorise_device(const CommandSpec&, const Arguments& args) {
    return submit_authority_record(
        args, "--deauthorisation",
        [](ByteSpan bytes) { return election::decode_device_deauthorisation(bytes); },
        [](const election::DeviceDeauthorisation& r) {
            std::cout << "device: " << r.device_id << " (deauthorised)\n"
                      << "district: " << r.district_id << '\n'
                      << "reason: " << r.reason << '\n';
        });
}

// The signing keys of district d's devices from --device-keys DIR (one `<device id>.key` per
// device, as `psephos encrypt --device-key` reads them), and the signing device (--device, or
// the first registered device of the district).
struct PollsSigners {
    std::vector<crypto::Ed25519SigningKey> keys;
    ledger::DeviceKeys by_device;
    std::string signer;
};

Result<PollsSigners> polls_signers(const Arguments& args, const Ledger& l, std::size_t d,
                                   bool need_all) {
    const auto dir = args.value("--device-keys");
    if (!dir)
        return make_error(ErrorCode::invalid_argument,
                          "--device-keys DIR is required: polls records are signed by a device "
                          "of the district (docs/encoding.md §13)");
    // A deauthorised device signs nothing more (no polls record, no head of the closing).
    std::vector<std::string> devices = l.casting().devices(d);
    std::erase_if(devices,
                  [&](const std::string& id) { return l.casting().device_deauthorised(d, id); });
    if (devices.empty())
        return make_error(ErrorCode::invalid_argument,
                          "district '" + l.election().manifest.districts.at(d).id +
                              "' has no registered (and still authorised) device to sign its "
                              "polls records");
    PollsSigners out;
    out.signer = args.value("--device").value_or(devices.front());
    out.keys.reserve(devices.size());
    for (const std::string& device : devices) {
        if (!need_all && device != out.signer) continue;
        auto key = crypto::read_signing_key_file(std::filesystem::path(*dir) / (device + ".key"));
        if (!key) return key.error().within("--device-keys: device '" + device + "'");
        out.keys.push_back(std::move(key).value());
        out.by_device.emplace(device, &out.keys.back());
    }
    return out;
}

// One polls record for one district, with the counts the district's log holds now, signed by a
// device of the district; a closing record carries every device's head.
int submit_polls(const Arguments& args, election::PollsAction action) {
    const std::string district = *args.value("--district");
    const std::string actor = args.value("--actor").value_or("");
    auto opened = open_ledger(args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    auto d = district_index(l.election(), district);
    if (!d) return failure(d.error().message);
    auto signers = polls_signers(args, l, d.value(), action == election::PollsAction::closed);
    if (!signers) return failure(signers.error().message);
    // One writer holds the database, so these counts are the log's until this record lands.
    auto record = ledger::make_polls_record(l, d.value(), action, now_seconds(), actor,
                                            signers.value().signer, signers.value().by_device);
    if (!record) return failure(record.error().message);
    const auto polls = election::decode_polls_record(record.value()).value();
    auto receipt = l.submit(std::move(record).value(), ActorRole::poll_worker).get();
    if (!receipt) return failure("rejected: " + receipt.error().message);
    std::cout << "district: " << district << '\n'
              << "polls: " << ledger::to_string(l.casting().status(d.value()).polls) << '\n'
              << "ballots cast: " << polls.ballots_cast << '\n'
              << "ballots challenged: " << polls.ballots_challenged << '\n'
              << "signed by device: " << polls.device_id << '\n';
    if (!actor.empty()) std::cout << "actor: " << actor << '\n';
    print_receipt(receipt.value());
    return exit_ok;
}

int run_open_polls(const CommandSpec&, const Arguments& args) {
    return submit_polls(args, election::PollsAction::opened);
}
int run_pause_polls(const CommandSpec&, const Arguments& args) {
    return submit_polls(args, election::PollsAction::paused);
}
int run_resume_polls(const CommandSpec&, const Arguments& args) {
    return submit_polls(args, election::PollsAction::resumed);
}

int run_close_polls(const CommandSpec& spec, const Arguments& args) {
    const bool all = args.has_switch("--all");
    if (all == args.value("--district").has_value())
        return usage_error(spec, "give either --district D or --all");
    if (!all) return submit_polls(args, election::PollsAction::closed);
    auto opened = open_ledger(args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    std::vector<Bytes> closings;
    for (std::size_t d = 0; d < l.election().manifest.districts.size(); ++d) {
        const auto status = l.casting().status(d).polls;
        if (status != ledger::PollsStatus::open && status != ledger::PollsStatus::paused) continue;
        auto signers = polls_signers(args, l, d, true);
        if (!signers) return failure("closing polls: " + signers.error().message);
        auto closing = ledger::make_polls_record(l, d, election::PollsAction::closed, now_seconds(),
                                                 args.value("--actor").value_or(""),
                                                 signers.value().signer, signers.value().by_device);
        if (!closing) return failure("closing polls: " + closing.error().message);
        closings.push_back(std::move(closing).value());
    }
    auto closed = l.close_all_polls(std::move(closings));
    if (!closed) return failure("closing polls: " + closed.error().message);
    if (closed.value().empty())
        std::cout << "closed: none (polls are not open or paused in any district)\n";
    for (const auto& receipt : closed.value()) {
        const auto d = district_index(l.election(), receipt.log);
        const auto s = l.casting().status(d.value());
        std::cout << "closed: " << receipt.log << " (" << s.ballots_cast << " cast, "
                  << s.ballots_challenged << " challenged; record " << receipt.log << '#'
                  << receipt.index << ")\n";
    }
    const LogStatus election_log = l.status(ledger::election_log_name).value();
    std::cout << "election log: size " << election_log.size << ", root "
              << election_log.root.to_hex() << '\n';
    if (!election_log.signed_checkpoint.empty())
        print_note("signed checkpoint", election_log.signed_checkpoint);
    return exit_ok;
}

// What a cast file is, read from its bytes: its kind and its tracking code (computed as the
// ledger does, from the previous code and the ballot hash).
struct CastFile {
    std::string path;
    Bytes record;
    bool challenged = false;
    std::string tracking_code;
    std::optional<std::string> refused;  // not a ballot: never submitted
};

void describe_ballot(CastFile& file) {
    const auto type = file.record.empty() ? 0 : file.record[0];
    if (type == static_cast<std::uint8_t>(election::RecordType::encrypted_ballot)) {
        if (auto b = election::decode_ballot(file.record)) {
            file.tracking_code = election::format_tracking_code(election::next_tracking_code(
                b.value().previous_tracking_code, election::compute_ballot_hash(b.value())));
        }
        return;
    }
    if (type == static_cast<std::uint8_t>(election::RecordType::challenged_ballot)) {
        file.challenged = true;
        if (auto c = election::decode_challenged_ballot(file.record)) {
            const auto& b = c.value().ballot;
            file.tracking_code = election::format_tracking_code(election::next_tracking_code(
                b.previous_tracking_code, election::compute_ballot_hash(b)));
        }
        return;
    }
    // The ledger would take a device registration or polls record as well; `cast` is for
    // ballots only, so anything else is refused here (and the refusal is logged as an event).
    file.refused = file.record.empty() ? std::string("empty file, not a ballot")
                                       : "not an encrypted or challenged ballot (record type " +
                                             std::to_string(type) + ")";
}

int run_cast(const CommandSpec&, const Arguments& args) {
    // Every file is read before anything is cast, so an unreadable file casts nothing.
    std::vector<CastFile> files;
    for (const auto& path : args.positional()) {
        auto bytes = crypto::read_public_file(path, max_ballot_file_bytes);
        if (!bytes) return failure(bytes.error().message + " (nothing was cast)");
        CastFile file;
        file.path = path;
        file.record = std::move(bytes).value();
        describe_ballot(file);
        files.push_back(std::move(file));
    }
    auto opened = open_ledger(args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();

    std::vector<Bytes> records;
    std::vector<std::size_t> submitted;  // index into files of each record
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (files[i].refused) {
            (void)l.record_event(election::EventType::record_rejected, ActorRole::system,
                                 election::Disposition::failure, "",
                                 "psephos ledger cast: " + *files[i].refused);
            continue;
        }
        records.push_back(files[i].record);
        submitted.push_back(i);
    }
    // Ballots come from devices: the submitting actor is the system, not a person.
    const auto results = l.ingest(std::move(records), ActorRole::system);
    std::vector<std::optional<std::string>> outcome(files.size());
    bool all_cast = true;
    std::vector<std::string> grown;  // districts that took a ballot, in first-seen order
    for (std::size_t k = 0; k < results.size(); ++k) {
        CastFile& f = files[submitted[k]];
        if (!results[k]) {
            f.refused = results[k].error().message;
            continue;
        }
        const ledger::Receipt& r = results[k].value();
        outcome[submitted[k]] = f.path + ": " + (f.challenged ? "challenged" : "cast") + " at " +
                                r.log + '#' + std::to_string(r.index) + ", tracking code " +
                                f.tracking_code +
                                (f.challenged ? " (challenged ballot: never counted)" : "");
        if (std::find(grown.begin(), grown.end(), r.log) == grown.end()) grown.push_back(r.log);
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (files[i].refused) {
            all_cast = false;
            std::cout << files[i].path << ": rejected: " << *files[i].refused << '\n';
        } else {
            std::cout << *outcome[i] << '\n';
        }
    }
    for (const auto& district : grown)
        print_note("signed checkpoint of " + district,
                   l.status(district).value().signed_checkpoint);
    return all_cast ? exit_ok : exit_failure;
}

// Before the day: the ledger, its devices (and a device's withdrawal).
std::vector<Subcommand> setup_subcommands() {
    return {
        {"init",
         {"psephos ledger init --election FILE --approval FILE --data DIR [--key FILE | (--pkcs11 "
          "MODULE --token LABEL | --pkcs11-uri URI) (--pin-fd N | --pin-file FILE)]",
          {"--election", "--approval", "--data", "--key", "--pkcs11", "--token", "--pin-fd",
           "--pin-file"},
          {},
          0,
          0},
         {"--election", "--approval", "--data"},
         run_init,
         "create the ledger DIR/ledger for a finalized manifest the election authority approved "
         "(psephos authority approve) and a new ledger key"},
        {"device-key",
         {"psephos ledger device-key --out FILE [--device ID]", {"--out", "--device"}, {}, 0, 0},
         {"--out"},
         run_device_key,
         "write a new device key pair: FILE (secret, 0600) and FILE.pub"},
        {"register-device",
         {"psephos ledger register-device --data DIR --authorisation FILE [--key FILE | (--pkcs11 "
          "MODULE --token LABEL | --pkcs11-uri URI) (--pin-fd N | --pin-file FILE)]",
          {"--data", "--authorisation", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file",
           "--pkcs11-uri"},
          {},
          0,
          0},
         {"--data", "--authorisation"},
         run_register_device,
         "register a device the election authority authorised for one district (psephos "
         "authority authorise-device); before the district's polls open"},
        {"deauthorise-device",
         {"psephos ledger deauthorise-device --data DIR --deauthorisation FILE [--key FILE | "
          "(--pkcs11 MODULE --token LABEL | --pkcs11-uri URI) (--pin-fd N | --pin-file FILE)]",
          {"--data", "--deauthorisation", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file",
           "--pkcs11-uri"},
          {},
          0,
          0},
         {"--data", "--deauthorisation"},
         run_deauthorise_device,
         "record the election authority's withdrawal of a device (psephos authority "
         "deauthorise-device): its ballots and polls records are refused from then on"},
    };
}

// The day and after: polls, ballots, decryptions, and what anyone may read.
std::vector<Subcommand> day_subcommands() {
    return {
        {"open-polls",
         {"psephos ledger open-polls --data DIR --district D --device-keys DIR [--device ID] "
          "[--actor NAME] [--key FILE | (--pkcs11 MODULE --token LABEL | --pkcs11-uri URI) "
          "(--pin-fd N | --pin-file FILE)]",
          {"--data", "--district", "--actor", "--key", "--pkcs11", "--token", "--pin-fd",
           "--pin-file", "--device-keys", "--device"},
          {},
          0,
          0},
         {"--data", "--district"},
         run_open_polls,
         "open the polls in a district (the zero report)"},
        {"pause-polls",
         {"psephos ledger pause-polls --data DIR --district D --device-keys DIR [--device ID] "
          "[--actor NAME] [--key FILE | (--pkcs11 MODULE --token LABEL | --pkcs11-uri URI) "
          "(--pin-fd N | --pin-file FILE)]",
          {"--data", "--district", "--actor", "--key", "--pkcs11", "--token", "--pin-fd",
           "--pin-file", "--device-keys", "--device"},
          {},
          0,
          0},
         {"--data", "--district"},
         run_pause_polls,
         "pause the polls in a district"},
        {"resume-polls",
         {"psephos ledger resume-polls --data DIR --district D --device-keys DIR [--device ID] "
          "[--actor NAME] [--key FILE | (--pkcs11 MODULE --token LABEL | --pkcs11-uri URI) "
          "(--pin-fd N | --pin-file FILE)]",
          {"--data", "--district", "--actor", "--key", "--pkcs11", "--token", "--pin-fd",
           "--pin-file", "--device-keys", "--device"},
          {},
          0,
          0},
         {"--data", "--district"},
         run_resume_polls,
         "resume paused polls in a district"},
        {"close-polls",
         {"psephos ledger close-polls --data DIR (--district D | --all) --device-keys DIR "
          "[--device ID] [--actor NAME] [--key FILE | (--pkcs11 MODULE --token LABEL | "
          "--pkcs11-uri URI) (--pin-fd N | --pin-file FILE)]",
          {"--data", "--district", "--actor", "--key", "--pkcs11", "--token", "--pin-fd",
           "--pin-file", "--device-keys", "--device"},
          {"--all"},
          0,
          0},
         {"--data"},
         run_close_polls,
         "close the polls in a district with its counts, or everywhere and publish"},
        {"cast",
         {"psephos ledger cast --data DIR [--key FILE | (--pkcs11 MODULE --token LABEL | "
          "--pkcs11-uri URI) (--pin-fd N | --pin-file FILE)] BALLOT...",
          {"--data", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file", "--pkcs11-uri"},
          {},
          1,
          1'000'000},
         {"--data"},
         run_cast,
         "cast encrypted or challenged ballot files written by 'psephos encrypt'"},
        {"submit-decryptions",
         {"psephos ledger submit-decryptions --data DIR [--key FILE | (--pkcs11 MODULE --token "
          "LABEL | --pkcs11-uri URI) (--pin-fd N | --pin-file FILE)] SHARES_FILE",
          {"--data", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file", "--pkcs11-uri"},
          {},
          1,
          1},
         {"--data"},
         run_submit_decryptions,
         "record a guardian's tally decryptions from its shares file ('psephos decrypt "
         "--record')"},
        {"status",
         {"psephos ledger status --data DIR [--json]", {"--data"}, {"--json"}, 0, 0},
         {"--data"},
         run_status,
         "polls, counts, log sizes, roots and latest signed checkpoints (read-only)"},
        {"publish",
         {"psephos ledger publish --data DIR [--key FILE | (--pkcs11 MODULE --token LABEL | "
          "--pkcs11-uri URI) (--pin-fd N | --pin-file FILE)]",
          {"--data", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file", "--pkcs11-uri"},
          {},
          0,
          0},
         {"--data"},
         run_publish,
         "append the districts' new checkpoints to the election log and sign it"},
        {"inclusion",
         {"psephos ledger inclusion --data DIR --log LOG --index I [--size N] [--json]",
          {"--data", "--log", "--index", "--size"},
          {"--json"},
          0,
          0},
         {"--data", "--log", "--index"},
         run_inclusion,
         "an inclusion proof, verified against the stored signed checkpoint (read-only)"},
        {"consistency",
         {"psephos ledger consistency --data DIR --log LOG --from A --to B [--json]",
          {"--data", "--log", "--from", "--to"},
          {"--json"},
          0,
          0},
         {"--data", "--log", "--from", "--to"},
         run_consistency,
         "a consistency proof between two signed checkpoints, verified (read-only)"},
        {"events",
         {"psephos ledger events --data DIR [--json]", {"--data"}, {"--json"}, 0, 0},
         {"--data"},
         run_events,
         "the event log, one line per event (read-only)"},
        {"check",
         {"psephos ledger check --data DIR", {"--data"}, {}, 0, 0},
         {"--data"},
         run_check,
         "re-verify every log, checkpoint and record (read-only)"},
    };
}

const std::vector<Subcommand>& subcommands() {
    static const std::vector<Subcommand> list = [] {
        std::vector<Subcommand> all = setup_subcommands();
        for (auto& sub : day_subcommands()) all.push_back(std::move(sub));
        return all;
    }();
    return list;
}

void print_ledger_usage(std::ostream& out) {
    out << "usage: psephos ledger SUBCOMMAND ...  (LOG: a district id, /election or /events)\n";
    for (const auto& sub : subcommands())
        out << "  " << sub.spec.usage << "\n      " << sub.summary << '\n';
}

}  // namespace

int run_ledger_command(Words words) {
    if (words.empty()) {
        std::cerr << "psephos: missing subcommand\n";
        print_ledger_usage(std::cerr);
        return exit_usage;
    }
    const std::string name = words[0];
    if (name == "--help" || name == "-h" || name == "help") {
        print_ledger_usage(std::cout);
        return exit_ok;
    }
    for (const auto& sub : subcommands()) {
        if (sub.name != name) continue;
        int status = exit_ok;
        auto args = parse_or_report(sub.spec, words.subspan(1), status);
        if (!args) return status;
        for (const auto flag : sub.required) {
            if (!args->value(flag)) return usage_error(sub.spec, "missing " + std::string(flag));
        }
        return sub.run(sub.spec, *args);
    }
    std::cerr << "psephos: unknown subcommand 'ledger " << name << "'\n";
    print_ledger_usage(std::cerr);
    return exit_usage;
}

}  // namespace psephos::app

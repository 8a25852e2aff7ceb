// `psephos ceremony`: a local key ceremony (docs/crypto.md §5) for one manifest, all guardians on
// this machine: announcements verified, every share sealed, signed, opened and checked against
// its sender's commitments; then the finalized manifest and one key file per guardian.
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <vector>

#include "command_line.hpp"
#include "commands.hpp"
#include "passphrase_input.hpp"
#include "psephos/crypto/guardian.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/election/guardian_key_file.hpp"

namespace psephos::app {

using election::check_guardian_key;
using election::read_guardian_key_file;
using election::write_guardian_key_file;

using crypto::WipeOnExit;
using crypto::write_new_file;
namespace {

namespace fs = std::filesystem;

const CommandSpec ceremony_spec{
    "psephos ceremony --election FILE --guardians N --threshold K --out DIR [--passphrase-fd N]",
    {"--election", "--guardians", "--threshold", "--out", "--passphrase-fd"},
    {},
    0,
    0};

}  // namespace

Status prepare_private_directory(const fs::path& dir) {
    std::error_code ec;
    const auto status = fs::symlink_status(dir, ec);
    if (fs::exists(status)) {
        if (!fs::is_directory(status)) {
            return make_error(ErrorCode::invalid_argument,
                              dir.string() + ": exists and is not a directory");
        }
        if (!fs::is_empty(dir, ec) || ec) {
            return make_error(
                ErrorCode::invalid_argument,
                dir.string() + ": directory is not empty; refusing to write a ceremony into it");
        }
        return {};
    }
    if (dir.has_parent_path()) {
        fs::create_directories(dir.parent_path(), ec);
        if (ec)
            return make_error(ErrorCode::io_error,
                              dir.parent_path().string() + ": " + ec.message());
    }
    if (::mkdir(dir.c_str(), 0700) != 0) {
        return make_error(ErrorCode::io_error, dir.string() + ": cannot create directory: " +
                                                   std::generic_category().message(errno));
    }
    return {};
}

namespace {

struct CeremonyOutcome {
    election::CeremonyRecord record;
    std::vector<crypto::GuardianSecretShare> secrets;  // Scalars wipe themselves
};

// Every guardian announces; everyone checks every announcement; every pair exchanges a sealed,
// signed share that the recipient checks; each guardian then holds its secret share.
Result<CeremonyOutcome> run_ceremony(const Hash32& ceremony_hash, std::uint32_t n, std::uint32_t k,
                                     std::vector<crypto::Guardian>& guardians) {
    for (std::uint32_t i = 1; i <= n; ++i)
        guardians.push_back(crypto::Guardian::create(ceremony_hash, i, n, k));
    for (const auto& g : guardians) {
        if (auto ok = crypto::verify_announcement(ceremony_hash, g.announcement(), k); !ok) {
            return ok.error().within("guardian " + std::to_string(g.index()) + ": announcement");
        }
    }
    for (auto& recipient : guardians) {
        for (const auto& sender : guardians) {
            if (sender.index() == recipient.index()) continue;
            const crypto::SealedShare share = sender.share_for(recipient.announcement());
            if (auto ok = recipient.receive_share(sender.announcement(), share); !ok) {
                return ok.error().within("guardian " + std::to_string(recipient.index()) +
                                         ": share from guardian " + std::to_string(sender.index()));
            }
        }
    }
    CeremonyOutcome out;
    std::vector<crypto::CoefficientCommitments> all;
    for (const auto& g : guardians) {
        auto secret = g.finish();
        if (!secret) return secret.error().within("guardian " + std::to_string(g.index()));
        out.secrets.push_back(std::move(secret).value());
        out.record.guardians.push_back(
            {g.index(), g.announcement().identity_key, g.announcement().commitments});
        all.push_back(g.announcement().commitments);
    }
    out.record.joint_key = crypto::compute_joint_public_key(all);
    return out;
}

}  // namespace

int run_ceremony_command(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(ceremony_spec, words, status);
    if (!args) return status;
    auto election_path = args->required("--election");
    auto out_text = args->required("--out");
    if (!election_path) return usage_error(ceremony_spec, election_path.error().message);
    if (!out_text) return usage_error(ceremony_spec, out_text.error().message);
    if (!args->value("--guardians")) return usage_error(ceremony_spec, "missing --guardians");
    if (!args->value("--threshold")) return usage_error(ceremony_spec, "missing --threshold");
    auto n = args->number("--guardians", 1, 255, 0);
    if (!n) return usage_error(ceremony_spec, n.error().message);
    auto k = args->number("--threshold", 1, 255, 0);
    if (!k) return usage_error(ceremony_spec, k.error().message);

    auto passphrase = read_ceremony_passphrase(*args);
    if (!passphrase) return failure(passphrase.error().message);
    std::optional<std::string>& passphrase_copy = passphrase.value();
    const WipeOnExit wipe_passphrase(passphrase_copy ? passphrase_copy->data() : nullptr,
                                     passphrase_copy ? passphrase_copy->size() : 0);

    auto loaded = election::load_manifest_file(election_path.value());
    if (!loaded) return failure(loaded.error().message);
    election::ElectionManifest manifest = std::move(loaded).value();
    if (manifest.ceremony) {
        return failure(election_path.value() +
                       ": already finalized (it has a ceremony record); a ceremony starts "
                       "from a manifest without one");
    }
    if (n.value() != manifest.guardian_count || k.value() != manifest.threshold) {
        return failure("--guardians " + std::to_string(n.value()) + " --threshold " +
                       std::to_string(k.value()) + " do not match the manifest, which names " +
                       std::to_string(manifest.guardian_count) + " guardians with threshold " +
                       std::to_string(manifest.threshold) + " (" + election_path.value() +
                       ": guardians)");
    }
    const fs::path out_dir(out_text.value());
    if (auto ready = prepare_private_directory(out_dir); !ready)
        return failure(ready.error().message);

    const Hash32 ceremony_hash = election::compute_ceremony_hash(manifest);
    std::vector<crypto::Guardian> guardians;
    auto outcome =
        run_ceremony(ceremony_hash, manifest.guardian_count, manifest.threshold, guardians);
    if (!outcome) return failure("key ceremony: " + outcome.error().message);
    manifest.ceremony = outcome.value().record;
    // The finalized manifest must be one every verifier accepts, before anything is written.
    auto context = election::make_election_context(manifest);
    if (!context)
        return failure("key ceremony: the finalized manifest does not verify: " +
                       context.error().message);

    std::vector<fs::path> written;
    for (std::size_t i = 0; i < guardians.size(); ++i) {
        const crypto::GuardianSecretShare& secret = outcome.value().secrets[i];
        const fs::path path = out_dir / ("guardian-" + std::to_string(secret.index) + ".key");
        if (auto ok =
                write_guardian_key_file(path, manifest.election_id, secret.index, secret.secret,
                                        guardians[i].identity(), passphrase.value());
            !ok) {
            return failure(ok.error().message);
        }
        written.push_back(path);
    }
    const fs::path election_out = out_dir / "election.json";
    if (auto ok = write_new_file(election_out, election::manifest_to_json(manifest), 0644); !ok) {
        return failure(ok.error().message);
    }
    written.insert(written.begin(), election_out);

    if (!passphrase.value()) {
        std::cerr << "psephos: warning: no --passphrase-fd, so the guardian key files are NOT "
                     "passphrase-sealed: each holds its guardian's secret share in the clear (mode "
                     "0600). Move each to its guardian's own storage.\n";
    }
    std::cout << "election: " << manifest.election_id << '\n'
              << "guardians: " << manifest.guardian_count << ", threshold " << manifest.threshold
              << '\n'
              << "ceremony hash: " << ceremony_hash.to_hex() << '\n'
              << "joint key: " << to_hex(context.value().joint_key.bytes()) << '\n'
              << "election base hash: " << context.value().base_hash.to_hex() << '\n'
              << "guardian key files: " << (passphrase.value() ? "passphrase-sealed" : "NOT sealed")
              << '\n';
    for (const auto& path : written) std::cout << "wrote " << path.string() << '\n';
    return exit_ok;
}

}  // namespace psephos::app

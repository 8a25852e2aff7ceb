// `psephos guardian init | announce | share | resolve` and the dispatcher of the distributed key
// ceremony (docs/key-ceremony.md): each guardian runs its own steps in its own directory and
// exchanges only public files (announcements, sealed signed shares, complaints, resolutions)
// through an exchange directory. No process ever holds two guardians' secrets.
#include <sodium.h>

#include <iostream>

#include "commands.hpp"
#include "guardian_steps.hpp"
#include "passphrase_input.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/ceremony_records.hpp"
#include "psephos/election/election_context.hpp"

namespace psephos::app::guardian {

using crypto::read_public_file;
using crypto::WipeOnExit;
using crypto::write_new_file;

std::string announcement_name(std::uint32_t guardian) {
    return "announcement-" + std::to_string(guardian) + ".bin";
}
std::string share_name(std::uint32_t sender, std::uint32_t recipient) {
    return "share-" + std::to_string(sender) + "-to-" + std::to_string(recipient) + ".bin";
}
std::string complaint_name(std::uint32_t accuser, std::uint32_t accused) {
    return "complaint-" + std::to_string(accuser) + "-against-" + std::to_string(accused) + ".bin";
}
std::string resolution_name(std::uint32_t accused, std::uint32_t accuser) {
    return "resolution-" + std::to_string(accused) + "-for-" + std::to_string(accuser) + ".bin";
}

namespace {

Hash32 sha256_of(ByteSpan data) {
    Hash32 out;
    crypto_hash_sha256(out.bytes.data(), data.data(), data.size());
    return out;
}

// Every announcement in the exchange directory: present, decoded, for its index, verified.
Status load_announcements(StepContext& step) {
    const Hash32& ceremony_hash = step.info.ceremony_hash;
    for (std::uint32_t j = 1; j <= step.info.guardian_count; ++j) {
        const fs::path path = step.exchange / announcement_name(j);
        PSEPHOS_TRY_ASSIGN(const Bytes bytes, read_public_file(path, max_exchange_file_size));
        auto decoded = election::decode_guardian_announcement(bytes);
        if (!decoded) return decoded.error().within(path.string());
        if (decoded.value().index != j) {
            return make_error(ErrorCode::verification_failed,
                              path.string() + ": is guardian " +
                                  std::to_string(decoded.value().index) + "'s announcement");
        }
        if (auto ok =
                crypto::verify_announcement(ceremony_hash, decoded.value(), step.info.threshold);
            !ok) {
            return ok.error().within(path.string());
        }
        if (j == step.info.index && bytes != step.own_announcement) {
            return make_error(ErrorCode::verification_failed,
                              path.string() + ": differs from this guardian's own " +
                                  (step.dir / announcement_file).string());
        }
        step.announcements.emplace(j, std::move(decoded).value());
    }
    return {};
}

const CommandSpec init_spec{
    "psephos guardian init --election FILE --index I --dir DIR [--passphrase-fd N]",
    {"--election", "--index", "--dir", "--passphrase-fd"},
    {},
    0,
    0};
const CommandSpec announce_spec{
    "psephos guardian announce --dir DIR --exchange EXCHANGE", {"--dir", "--exchange"}, {}, 0, 0};
const CommandSpec step_spec{
    "psephos guardian share|verify-shares|resolve|finish --dir DIR --exchange EXCHANGE "
    "[--passphrase-fd N]",
    {"--dir", "--exchange", "--passphrase-fd"},
    {},
    0,
    0};

int run_init(const Arguments& args) {
    auto election_path = args.required("--election");
    auto dir_text = args.required("--dir");
    if (!election_path) return usage_error(init_spec, election_path.error().message);
    if (!dir_text) return usage_error(init_spec, dir_text.error().message);
    if (!args.value("--index")) return usage_error(init_spec, "missing --index");
    auto index = args.number("--index", 1, 255, 0);
    if (!index) return usage_error(init_spec, index.error().message);
    auto loaded = election::load_manifest_file(election_path.value());
    if (!loaded) return failure(loaded.error().message);
    const election::ElectionManifest& manifest = loaded.value();
    if (manifest.ceremony) {
        return failure(election_path.value() +
                       ": already finalized (it has a ceremony record); a ceremony starts from a "
                       "manifest without one");
    }
    if (index.value() > manifest.guardian_count) {
        return failure("--index " + std::to_string(index.value()) + ": the manifest names " +
                       std::to_string(manifest.guardian_count) + " guardians");
    }
    auto passphrase = read_guardian_passphrase(args, true);
    if (!passphrase) return failure(passphrase.error().message);
    const WipeOnExit wipe(passphrase.value().data(), passphrase.value().size());
    const fs::path dir(dir_text.value());
    if (auto ready = prepare_private_directory(dir); !ready) return failure(ready.error().message);

    const auto i = static_cast<std::uint32_t>(index.value());
    const Hash32 ceremony_hash = election::compute_ceremony_hash(manifest);
    const crypto::Guardian g =
        crypto::Guardian::create(ceremony_hash, i, manifest.guardian_count, manifest.threshold);
    const Bytes announcement = election::encode_guardian_announcement(g.announcement());
    const election::GuardianStateInfo info{manifest.election_id,    i,
                                           manifest.guardian_count, manifest.threshold,
                                           ceremony_hash,           sha256_of(announcement)};
    if (auto ok = write_new_file(dir / manifest_file, election::manifest_to_json(manifest), 0644);
        !ok) {
        return failure(ok.error().message);
    }
    if (auto ok = write_new_file(dir / announcement_file, announcement, 0644); !ok)
        return failure(ok.error().message);
    if (auto ok =
            election::write_guardian_state_file(dir / state_file, info, g, passphrase.value());
        !ok) {
        return failure(ok.error().message);
    }
    std::cout << "guardian " << i << " of " << manifest.guardian_count << " (threshold "
              << manifest.threshold << "), election " << manifest.election_id << '\n'
              << "ceremony hash: " << ceremony_hash.to_hex() << '\n'
              << "identity key: " << to_hex(g.announcement().identity_key.span()) << '\n'
              << "wrote " << (dir / state_file).string() << " (sealed), "
              << (dir / announcement_file).string() << '\n';
    return exit_ok;
}

int run_announce(const Arguments& args) {
    auto dir = args.required("--dir");
    auto exchange = args.required("--exchange");
    if (!dir) return usage_error(announce_spec, dir.error().message);
    if (!exchange) return usage_error(announce_spec, exchange.error().message);
    auto step = load_step(dir.value(), exchange.value(), false);
    if (!step) return failure(step.error().message);
    auto decoded = election::decode_guardian_announcement(step.value().own_announcement);
    if (!decoded) return failure(decoded.error().message);
    if (auto ok = crypto::verify_announcement(step.value().info.ceremony_hash, decoded.value(),
                                              step.value().info.threshold);
        !ok) {
        return failure(ok.error().within(dir.value()).message);
    }
    const fs::path out = fs::path(exchange.value()) / announcement_name(step.value().info.index);
    if (auto ok = write_new_file(out, step.value().own_announcement, 0644); !ok)
        return failure(ok.error().message);
    std::cout << "wrote " << out.string() << '\n';
    return exit_ok;
}

int run_share(const Arguments& args, const StepContext& step) {
    auto guardian = open_guardian(args, step);
    if (!guardian) return failure(guardian.error().message);
    for (const auto& [j, announcement] : step.announcements) {
        if (j == step.info.index) continue;
        const fs::path out = step.exchange / share_name(step.info.index, j);
        const Bytes share = election::encode_sealed_share(guardian.value().share_for(announcement));
        if (auto ok = write_new_file(out, share, 0644); !ok) return failure(ok.error().message);
        std::cout << "wrote " << out.string() << '\n';
    }
    return exit_ok;
}

// The accused's answer to each complaint against it: the share, revealed and signed.
int run_resolve(const Arguments& args, const StepContext& step) {
    auto guardian = open_guardian(args, step);
    if (!guardian) return failure(guardian.error().message);
    const std::uint32_t me = step.info.index;
    int answered = 0;
    for (const auto& [j, announcement] : step.announcements) {
        if (j == me) continue;
        auto complaint = read_complaint(step, j, me);
        if (!complaint) return failure(complaint.error().message);
        if (!complaint.value()) continue;
        const crypto::Scalar share = guardian.value().polynomial().evaluate(j);
        const election::ShareResolution resolution = election::sign_share_resolution(
            step.info.ceremony_hash, me, j, share, guardian.value().identity());
        const fs::path out = step.exchange / resolution_name(me, j);
        if (auto ok = write_new_file(out, election::encode_share_resolution(resolution), 0644);
            !ok) {
            return failure(ok.error().message);
        }
        std::cout << "guardian " << j << " complained; revealed the share for it in "
                  << out.string() << '\n';
        ++answered;
    }
    if (answered == 0) std::cout << "no complaint against guardian " << me << '\n';
    return exit_ok;
}

}  // namespace

Result<StepContext> load_step(const fs::path& dir, const fs::path& exchange,
                              bool with_announcements) {
    StepContext step;
    step.dir = dir;
    step.exchange = exchange;
    PSEPHOS_TRY_ASSIGN(step.info, election::read_guardian_state_info(dir / state_file));
    auto manifest = election::load_manifest_file((dir / manifest_file).string());
    if (!manifest) return manifest.error();
    step.manifest = std::move(manifest).value();
    if (step.manifest.ceremony || step.manifest.election_id != step.info.election_id ||
        step.manifest.guardian_count != step.info.guardian_count ||
        step.manifest.threshold != step.info.threshold ||
        !(election::compute_ceremony_hash(step.manifest) == step.info.ceremony_hash)) {
        return make_error(ErrorCode::verification_failed,
                          (dir / manifest_file).string() + ": is not the manifest " +
                              (dir / state_file).string() + " was made for");
    }
    PSEPHOS_TRY_ASSIGN(step.own_announcement,
                       read_public_file(dir / announcement_file, max_exchange_file_size));
    if (!(sha256_of(step.own_announcement) == step.info.announcement_digest)) {
        return make_error(ErrorCode::verification_failed,
                          (dir / announcement_file).string() + ": is not the announcement " +
                              (dir / state_file).string() + " names");
    }
    if (with_announcements) PSEPHOS_TRY(load_announcements(step));
    return step;
}

Result<crypto::Guardian> open_guardian_with(const StepContext& step,
                                            const std::string& passphrase) {
    return election::open_guardian_state_file(step.dir / state_file, passphrase,
                                              step.own_announcement);
}

Result<crypto::Guardian> open_guardian(const Arguments& args, const StepContext& step) {
    PSEPHOS_TRY_ASSIGN(std::string passphrase, read_guardian_passphrase(args, false));
    const WipeOnExit wipe(passphrase.data(), passphrase.size());
    return open_guardian_with(step, passphrase);
}

Result<crypto::SealedShare> read_signed_share(const StepContext& step, std::uint32_t sender) {
    const std::uint32_t me = step.info.index;
    const fs::path path = step.exchange / share_name(sender, me);
    PSEPHOS_TRY_ASSIGN(const Bytes bytes, read_public_file(path, max_exchange_file_size));
    auto share = election::decode_sealed_share(bytes);
    if (!share) return share.error().within(path.string());
    if (share.value().sender != sender || share.value().recipient != me) {
        return make_error(ErrorCode::verification_failed,
                          path.string() + ": addressed from guardian " +
                              std::to_string(share.value().sender) + " to guardian " +
                              std::to_string(share.value().recipient));
    }
    const crypto::GuardianAnnouncement& from = step.announcements.at(sender);
    if (auto ok = crypto::verify_signature(from.identity_key,
                                           share.value().signed_bytes(step.info.ceremony_hash),
                                           share.value().signature);
        !ok) {
        return ok.error().within(path.string() + ": not signed by guardian " +
                                 std::to_string(sender) + " (tampered or forged)");
    }
    return share;
}

Result<std::optional<Bytes>> read_optional_exchange_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) return std::optional<Bytes>();
    PSEPHOS_TRY_ASSIGN(Bytes bytes, read_public_file(path, max_exchange_file_size));
    return std::optional<Bytes>(std::move(bytes));
}

Result<std::optional<election::SignedComplaint>> read_complaint(const StepContext& step,
                                                                std::uint32_t accuser,
                                                                std::uint32_t accused) {
    const fs::path path = step.exchange / complaint_name(accuser, accused);
    PSEPHOS_TRY_ASSIGN(const std::optional<Bytes> bytes, read_optional_exchange_file(path));
    if (!bytes) return std::optional<election::SignedComplaint>();
    auto complaint = election::decode_share_complaint(*bytes);
    if (!complaint) return complaint.error().within(path.string());
    if (auto ok = election::verify_share_complaint(step.info.ceremony_hash, complaint.value(),
                                                   step.announcements.at(accuser),
                                                   step.announcements.at(accused));
        !ok) {
        return ok.error().within(path.string());
    }
    return std::optional<election::SignedComplaint>(std::move(complaint).value());
}

}  // namespace psephos::app::guardian

namespace psephos::app {

int run_guardian_command(Words words) {
    using namespace guardian;
    const std::string subcommands = "init, announce, share, verify-shares, resolve, finish";
    if (words.empty()) return usage_error(step_spec, "missing subcommand (" + subcommands + ")");
    const std::string sub = words[0];
    if (sub == "--help" || sub == "-h") {
        std::cout << "usage: " << init_spec.usage << "\n       " << announce_spec.usage
                  << "\n       " << step_spec.usage << '\n';
        return exit_ok;
    }
    const CommandSpec* spec =
        sub == "init"       ? &init_spec
        : sub == "announce" ? &announce_spec
        : (sub == "share" || sub == "verify-shares" || sub == "resolve" || sub == "finish")
            ? &step_spec
            : nullptr;
    if (spec == nullptr) {
        return usage_error(step_spec,
                           "unknown subcommand 'guardian " + sub + "' (" + subcommands + ")");
    }
    int status = exit_ok;
    auto args = parse_or_report(*spec, words.subspan(1), status);
    if (!args) return status;
    if (sub == "init") return run_init(*args);
    if (sub == "announce") return run_announce(*args);
    auto dir = args->required("--dir");
    auto exchange = args->required("--exchange");
    if (!dir) return usage_error(step_spec, dir.error().message);
    if (!exchange) return usage_error(step_spec, exchange.error().message);
    auto step = load_step(dir.value(), exchange.value(), true);
    if (!step) return failure(step.error().message);
    if (sub == "share") return run_share(*args, step.value());
    if (sub == "resolve") return run_resolve(*args, step.value());
    if (sub == "verify-shares") return run_verify_shares(*args, step.value());
    return run_finish(*args, step.value());
}

}  // namespace psephos::app

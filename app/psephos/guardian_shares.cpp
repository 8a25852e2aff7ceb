// `psephos guardian verify-shares` and `psephos guardian finish` (docs/key-ceremony.md §5): a
// recipient checks each share sent to it and complains, signed, about one that does not verify
// against its sender's commitments; at the end every guardian judges every complaint with its
// resolution the same way, and the guardian, holding every share it needs, writes the finalized
// manifest and its own sealed key file.
#include <iostream>
#include <vector>

#include "commands.hpp"
#include "guardian_steps.hpp"
#include "passphrase_input.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/guardian_key_file.hpp"

namespace psephos::app::guardian {

using crypto::WipeOnExit;
using crypto::write_new_file;

namespace {

std::string name(std::uint32_t index) { return "guardian " + std::to_string(index); }

Result<std::optional<election::ShareResolution>> read_resolution(const StepContext& step,
                                                                 std::uint32_t accused,
                                                                 std::uint32_t accuser) {
    const fs::path path = step.exchange / resolution_name(accused, accuser);
    PSEPHOS_TRY_ASSIGN(const std::optional<Bytes> bytes, read_optional_exchange_file(path));
    if (!bytes) return std::optional<election::ShareResolution>();
    auto resolution = election::decode_share_resolution(*bytes);
    if (!resolution) return resolution.error().within(path.string());
    return std::optional<election::ShareResolution>(std::move(resolution).value());
}

// Every complaint any guardian made, judged with its resolution: an unanswered complaint or a
// disqualified guardian stops the ceremony for everyone. A cleared complaint of this guardian
// gives it the revealed share, which `guardian` then accepts.
Status judge_all_complaints(const StepContext& step, crypto::Guardian& guardian,
                            std::vector<std::string>& notes) {
    std::vector<std::string> problems;
    const std::uint32_t n = step.info.guardian_count;
    for (std::uint32_t accuser = 1; accuser <= n; ++accuser) {
        for (std::uint32_t accused = 1; accused <= n; ++accused) {
            if (accuser == accused) continue;
            auto complaint = read_complaint(step, accuser, accused);
            if (!complaint) return complaint.error();
            if (!complaint.value()) continue;
            auto resolution = read_resolution(step, accused, accuser);
            if (!resolution) return resolution.error();
            if (!resolution.value()) {
                problems.push_back(name(accuser) + "'s complaint against " + name(accused) +
                                   " is not resolved (no " + resolution_name(accused, accuser) +
                                   "): " + name(accused) + " must run 'psephos guardian resolve'");
                continue;
            }
            auto outcome = election::judge_complaint(
                step.info.ceremony_hash, *complaint.value(), *resolution.value(),
                step.announcements.at(accuser), step.announcements.at(accused));
            if (!outcome) return outcome.error();
            if (outcome.value() == election::ComplaintOutcome::disqualified) {
                problems.push_back(name(accused) + " is disqualified: the share it revealed for " +
                                   name(accuser) +
                                   " does not match its commitments; run the ceremony again "
                                   "without it");
                continue;
            }
            notes.push_back(name(accuser) + "'s complaint against " + name(accused) +
                            " is cleared: the revealed share matches its commitments");
            if (accuser == step.info.index) {
                PSEPHOS_TRY(guardian.accept_revealed_share(step.announcements.at(accused),
                                                           resolution.value()->revealed_share));
            }
        }
    }
    if (problems.empty()) return {};
    std::string message = "the ceremony cannot finish:";
    for (const auto& p : problems) message += "\n  " + p;
    return make_error(ErrorCode::verification_failed, message);
}

}  // namespace

int run_verify_shares(const Arguments& args, const StepContext& step) {
    auto guardian = open_guardian(args, step);
    if (!guardian) return failure(guardian.error().message);
    const std::uint32_t me = step.info.index;
    int accepted = 0;
    int complaints = 0;
    int refused = 0;
    for (const auto& [j, announcement] : step.announcements) {
        if (j == me) continue;
        auto share = read_signed_share(step, j);
        if (!share) {
            std::cerr << "psephos: refused: " << share.error().message << '\n';
            ++refused;
            continue;
        }
        auto received = guardian.value().receive_share(announcement, share.value());
        if (received) {
            std::cout << "share from " << name(j) << ": verifies against its commitments\n";
            ++accepted;
            continue;
        }
        if (received.error().code != ErrorCode::share_mismatch) {
            std::cerr << "psephos: refused: " << received.error().message << '\n';
            ++refused;
            continue;
        }
        const election::SignedComplaint complaint = election::sign_share_complaint(
            step.info.ceremony_hash, share.value(), guardian.value().identity());
        const fs::path out = step.exchange / complaint_name(me, j);
        if (auto ok = write_new_file(out, election::encode_share_complaint(complaint), 0644); !ok) {
            return failure(ok.error().message);
        }
        std::cout << "share from " << name(j) << ": " << received.error().message
                  << "; complaint written to " << out.string() << '\n';
        ++complaints;
    }
    if (refused + complaints == 0) {
        std::cout << "all " << accepted << " shares verify\n";
        return exit_ok;
    }
    return failure(std::to_string(accepted) + " shares verify, " + std::to_string(complaints) +
                   " complaints written, " + std::to_string(refused) +
                   " refused (ask their senders to send them again)");
}

int run_finish(const Arguments& args, const StepContext& step) {
    // The passphrase also seals the key file written at the end, so it is read here.
    auto passphrase = read_guardian_passphrase(args, false);
    if (!passphrase) return failure(passphrase.error().message);
    const WipeOnExit wipe(passphrase.value().data(), passphrase.value().size());
    auto opened = open_guardian_with(step, passphrase.value());
    if (!opened) return failure(opened.error().message);
    crypto::Guardian& guardian = opened.value();
    const std::uint32_t me = step.info.index;
    std::vector<std::string> notes;
    if (auto ok = judge_all_complaints(step, guardian, notes); !ok)
        return failure(ok.error().message);
    for (const auto& [j, announcement] : step.announcements) {
        if (j == me) continue;
        auto share = read_signed_share(step, j);
        auto received = share ? guardian.receive_share(announcement, share.value()) : Status{};
        if (share && received) continue;
        auto complaint = read_complaint(step, me, j);
        if (complaint && complaint.value()) continue;  // cleared above: its revealed share is in
        return failure((share ? received.error() : share.error()).message +
                       "; run 'psephos guardian verify-shares' first");
    }
    auto secret = guardian.finish();
    if (!secret) return failure(secret.error().message);

    election::ElectionManifest manifest = step.manifest;
    election::CeremonyRecord record;
    std::vector<crypto::CoefficientCommitments> all;
    for (const auto& [j, a] : step.announcements) {
        record.guardians.push_back({j, a.identity_key, a.commitments});
        all.push_back(a.commitments);
    }
    record.joint_key = crypto::compute_joint_public_key(all);
    manifest.ceremony = std::move(record);
    auto context = election::make_election_context(manifest);
    if (!context) {
        return failure("the finalized manifest does not verify: " + context.error().message);
    }
    const election::GuardianKey key{
        manifest.election_id, me, crypto::LockedScalar(*secret.value().secret),
        crypto::Ed25519SigningKey::from_seed(guardian.identity().seed()).value()};
    if (auto ok = election::check_guardian_key(key, manifest); !ok)
        return failure(ok.error().message);

    const fs::path election_out = step.dir / "election.json";
    const fs::path key_out = step.dir / ("guardian-" + std::to_string(me) + ".key");
    if (auto ok = write_new_file(election_out, election::manifest_to_json(manifest), 0644); !ok)
        return failure(ok.error().message);
    if (auto ok = election::write_guardian_key_file(
            key_out, manifest.election_id, me, secret.value().secret, guardian.identity(),
            passphrase.value(), election::moderate_hardness);
        !ok) {
        return failure(ok.error().message);
    }
    for (const auto& note : notes) std::cout << note << '\n';
    std::cout << "joint key: " << to_hex(context.value().joint_key.bytes()) << '\n'
              << "election base hash: " << context.value().base_hash.to_hex() << '\n'
              << "wrote " << election_out.string() << ", " << key_out.string() << " (sealed)\n";
    return exit_ok;
}

}  // namespace psephos::app::guardian

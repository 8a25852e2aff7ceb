// What the `psephos guardian` steps share (guardian_commands.cpp, guardian_shares.cpp): the file
// names in a guardian's directory and in the exchange directory, and loading a step's public
// context (the guardian's state lines, the manifest, every verified announcement).
// docs/key-ceremony.md.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "command_line.hpp"
#include "psephos/crypto/guardian.hpp"
#include "psephos/election/ceremony_exchange.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/election/guardian_ceremony_state.hpp"

namespace psephos::app::guardian {

namespace fs = std::filesystem;

// In the guardian's own directory.
inline constexpr const char* state_file = "guardian.state";
inline constexpr const char* manifest_file = "manifest.json";
inline constexpr const char* announcement_file = "announcement.bin";

// In the exchange directory.
std::string announcement_name(std::uint32_t guardian);
std::string share_name(std::uint32_t sender, std::uint32_t recipient);
std::string complaint_name(std::uint32_t accuser, std::uint32_t accused);
std::string resolution_name(std::uint32_t accused, std::uint32_t accuser);

// Exchange files are small; the limit bounds a hostile one.
inline constexpr std::size_t max_exchange_file_size = 65536;

// An exchange file that may not be there yet (a complaint, a resolution): its bytes, nothing
// when there is no such file, or the error reading it.
Result<std::optional<Bytes>> read_optional_exchange_file(const fs::path& path);

struct StepContext {
    fs::path dir;
    fs::path exchange;
    election::ElectionManifest manifest;  // not finalized
    election::GuardianStateInfo info;
    Bytes own_announcement;  // the record in DIR/announcement.bin
    // Every guardian's announcement from the exchange directory, each verified (signature,
    // proofs, threshold) and this guardian's equal to its own; empty for `announce`.
    std::map<std::uint32_t, crypto::GuardianAnnouncement> announcements;
};

// Reads DIR's state lines, manifest and announcement, checking they agree; with
// `with_announcements`, every announcement in EXCHANGE too.
Result<StepContext> load_step(const fs::path& dir, const fs::path& exchange,
                              bool with_announcements);

// Opens the guardian's state with its passphrase, read as read_guardian_passphrase reads it and
// wiped once the state is open.
Result<crypto::Guardian> open_guardian(const Arguments& args, const StepContext& step);
// The same with a passphrase the caller has read (and wipes).
Result<crypto::Guardian> open_guardian_with(const StepContext& step, const std::string& passphrase);

// A share a recipient was sent, checked: decoded, addressed sender → recipient, signed by the
// sender. Failing any of these it is refused without a complaint (nobody can be blamed for it).
Result<crypto::SealedShare> read_signed_share(const StepContext& step, std::uint32_t sender);

// The complaint file `accuser` wrote against `accused`, if there is one, verified.
Result<std::optional<election::SignedComplaint>> read_complaint(const StepContext& step,
                                                                std::uint32_t accuser,
                                                                std::uint32_t accused);

// guardian_shares.cpp: the recipient's checks of its shares (writing complaints), and the end.
int run_verify_shares(const Arguments& args, const StepContext& step);
int run_finish(const Arguments& args, const StepContext& step);

}  // namespace psephos::app::guardian

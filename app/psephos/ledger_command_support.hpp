// What `psephos ledger`'s two files share (ledger_commands.cpp: the data directory, writes and
// the subcommand table; ledger_query_commands.cpp: status, publish and proofs).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command_line.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::app::ledger_cli {

std::uint64_t now_seconds();
// ISO 8601 in UTC, e.g. 2026-11-03T07:00:00Z; "@<seconds>" for a time gmtime cannot show.
std::string iso_8601(std::uint64_t seconds);
std::string plural(std::uint64_t n, std::string_view one, std::string_view many);
// A signed note printed verbatim after a "<label>:" line, so it can be cut out and verified.
void print_note(std::string_view label, std::string_view note);
void print_json(const boost::json::value& value);
boost::json::array hex_array(const std::vector<Hash32>& hashes);
boost::json::value note_or_null(const std::string& note);
// DIR/ledger of --data DIR.
std::filesystem::path database_path(const Arguments& args);

Result<std::size_t> district_index(const election::ElectionContext& election,
                                   std::string_view district);
// A log's signed checkpoint opened under the log's verifier; its origin and size are checked, so
// the root it returns is the signed root of a tree of exactly `size` leaves.
Result<election::Checkpoint> open_checkpoint(const ledger::LogStatus& log, std::string_view note,
                                             std::uint64_t size);
// The stored checkpoint of exactly `size`, if any; otherwise `nearest` names the stored sizes
// around it, for the message.
std::optional<std::string> stored_checkpoint(
    const std::vector<std::pair<std::uint64_t, std::string>>& stored, std::uint64_t size,
    std::string& nearest);

int run_status(const CommandSpec& spec, const Arguments& args);
int run_publish(const CommandSpec& spec, const Arguments& args);
int run_inclusion(const CommandSpec& spec, const Arguments& args);
int run_consistency(const CommandSpec& spec, const Arguments& args);
int run_events(const CommandSpec& spec, const Arguments& args);
int run_check(const CommandSpec& spec, const Arguments& args);

}  // namespace psephos::app::ledger_cli

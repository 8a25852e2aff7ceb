// The CLI's shared argument parser: each command declares its positional arguments and the flags
// it takes ("--flag value", "--flag=value", or a switch without value), so unknown, repeated and
// valueless flags and bad numbers are reported by name before the command does anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos::app {

// Exit statuses of every command (docs/cli.md).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  // invalid input, a check that fails, an I/O error
inline constexpr int exit_usage = 2;    // the command line itself is wrong

struct CommandSpec {
    std::string_view usage;  // "psephos ballot verify BALLOT --election FILE --device-pub KEYFILE"
    std::vector<std::string_view> value_flags;  // flags followed by a value, e.g. "--election"
    std::vector<std::string_view> switches;     // flags without a value, e.g. "--challenge"
    std::size_t min_positional = 0;
    std::size_t max_positional = 0;
};

class Arguments {
public:
    // `words` are the words after the command's name. "--help" or "-h" anywhere gives an
    // Arguments with help_requested() set and nothing else checked.
    static Result<Arguments> parse(const CommandSpec& spec, std::span<char* const> words);

    bool help_requested() const { return help_; }
    const std::vector<std::string>& positional() const { return positional_; }
    std::optional<std::string> value(std::string_view flag) const;
    // invalid_argument "missing --flag" when the flag was not given.
    Result<std::string> required(std::string_view flag) const;
    bool has_switch(std::string_view flag) const;
    // The flag's value as a whole number in [min, max], or `fallback` when the flag is absent.
    Result<std::uint64_t> number(std::string_view flag, std::uint64_t min, std::uint64_t max,
                                 std::uint64_t fallback) const;

private:
    bool help_ = false;
    std::vector<std::string> positional_;
    std::vector<std::pair<std::string, std::string>> values_;
    std::vector<std::string> switches_;
};

// Each prints "<program>: <message>" to stderr ("psephos", or the name run_program was given)
// and returns its exit status; usage_error adds the command's usage line.
int usage_error(const CommandSpec& spec, const std::string& message);
int failure(const std::string& message);

// Parses `words` against `spec`; on --help prints the usage and `help` to stdout and sets
// `exit_status` to 0, on a bad command line prints the problem and sets it to exit_usage. Returns
// the arguments only when the command should run.
std::optional<Arguments> parse_or_report(const CommandSpec& spec, std::span<char* const> words,
                                         int& exit_status, std::string_view help = {});

// One command of an executable that has several ("psephos ledger", "psephos-station serve"): it
// takes the words after its name and returns the exit status.
struct CommandEntry {
    std::string_view name;
    int (*run)(std::span<char* const> words);
    std::string_view synopsis;  // its usage and a line or two on what it does, for the help
};

struct Program {
    std::string_view name;   // "psephos-station"
    std::string_view about;  // the help's paragraph before the list of commands, or empty
    std::span<const CommandEntry> commands;
};

// The main() of every such executable: core dumps off (any command may hold a key or a ballot),
// `help`, then the named command, an exception from it reported as a failure.
int run_program(const Program& program, int argc, char** argv);

// Ballot, device and district ids follow the manifest's id rule (1 to 64 characters a-z, 0-9
// and '-'), so they fit the encoding's 64-byte limit and never need quoting on a receipt.
bool is_id(std::string_view id);
// Whether anything (even a dangling symlink) is at `path`: writers refuse to replace it.
bool path_exists(const std::string& path);

}  // namespace psephos::app

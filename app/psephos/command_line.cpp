// The shared argument parser of the psephos commands (command_line.hpp).
#include "command_line.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <iostream>

#include "psephos/crypto/memory_protection.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::app {
namespace {

bool contains(const std::vector<std::string_view>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

Error usage(std::string message) {
    return make_error(ErrorCode::invalid_argument, std::move(message));
}

}  // namespace

Result<Arguments> Arguments::parse(const CommandSpec& spec, std::span<char* const> words) {
    Arguments out;
    for (const char* word : words) {
        const std::string_view w(word);
        if (w == "--help" || w == "-h") {
            out.help_ = true;
            return out;
        }
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string word(words[i]);
        if (word.size() < 2 || word.rfind("--", 0) != 0) {
            if (word.size() > 1 && word[0] == '-') return usage("unknown option '" + word + "'");
            out.positional_.push_back(word);
            continue;
        }
        if (word == "--") {  // everything after is positional
            for (++i; i < words.size(); ++i) out.positional_.emplace_back(words[i]);
            break;
        }
        const std::size_t equals = word.find('=');
        const std::string flag = word.substr(0, equals);
        const bool repeated =
            std::any_of(out.values_.begin(), out.values_.end(),
                        [&](const auto& v) { return v.first == flag; }) ||
            std::find(out.switches_.begin(), out.switches_.end(), flag) != out.switches_.end();
        if (contains(spec.switches, flag)) {
            if (equals != std::string::npos) return usage(flag + " takes no value");
            if (repeated) return usage(flag + " is given twice");
            out.switches_.push_back(flag);
        } else if (contains(spec.value_flags, flag)) {
            if (repeated) return usage(flag + " is given twice");
            if (equals != std::string::npos) {
                out.values_.emplace_back(flag, word.substr(equals + 1));
            } else if (i + 1 < words.size()) {
                out.values_.emplace_back(flag, words[++i]);
            } else {
                return usage(flag + " needs a value");
            }
        } else {
            return usage("unknown option '" + flag + "'");
        }
    }
    const std::size_t n = out.positional_.size();
    if (n < spec.min_positional) {
        return usage(n == 0 ? std::string("missing argument")
                            : "expected at least " + std::to_string(spec.min_positional) +
                                  " arguments, got " + std::to_string(n));
    }
    if (n > spec.max_positional) {
        return usage("unexpected argument '" + out.positional_[spec.max_positional] + "'");
    }
    return out;
}

std::optional<std::string> Arguments::value(std::string_view flag) const {
    for (const auto& [name, text] : values_)
        if (name == flag) return text;
    return std::nullopt;
}

Result<std::string> Arguments::required(std::string_view flag) const {
    if (auto v = value(flag)) return *v;
    return usage("missing " + std::string(flag));
}

bool Arguments::has_switch(std::string_view flag) const {
    return std::find(switches_.begin(), switches_.end(), flag) != switches_.end();
}

Result<std::uint64_t> Arguments::number(std::string_view flag, std::uint64_t min, std::uint64_t max,
                                        std::uint64_t fallback) const {
    const auto text = value(flag);
    if (!text) return fallback;
    std::uint64_t parsed = 0;
    const char* begin = text->data();
    const char* end = begin + text->size();
    const auto [stop, error] = std::from_chars(begin, end, parsed);
    if (text->empty() || error != std::errc() || stop != end || parsed < min || parsed > max) {
        return usage(std::string(flag) + " needs a whole number from " + std::to_string(min) +
                     " to " + std::to_string(max) + ", got '" + *text + "'");
    }
    return parsed;
}

namespace {

std::string_view program_name = "psephos";  // set once by run_program, before any command runs

void print_help(const Program& program, std::ostream& out) {
    out << "usage: " << program.name << " COMMAND [ARGUMENTS]\n\n";
    if (!program.about.empty()) out << program.about << "\n\n";
    out << "commands:\n";
    for (const auto& command : program.commands)
        out << "  " << program.name << ' ' << command.synopsis << '\n';
    out << "  " << program.name << " help\n      this list ('" << program.name
        << " COMMAND --help' shows one command's usage)\n"
        << "\nexit status: 0 success, 1 failure (reason on stderr), 2 bad command line\n";
}

}  // namespace

int usage_error(const CommandSpec& spec, const std::string& message) {
    std::cerr << program_name << ": " << message << "\nusage: " << spec.usage << '\n';
    return exit_usage;
}

int failure(const std::string& message) {
    std::cerr << program_name << ": " << message << '\n';
    return exit_failure;
}

std::optional<Arguments> parse_or_report(const CommandSpec& spec, std::span<char* const> words,
                                         int& exit_status, std::string_view help) {
    auto parsed = Arguments::parse(spec, words);
    if (!parsed) {
        exit_status = usage_error(spec, parsed.error().message);
        return std::nullopt;
    }
    if (parsed.value().help_requested()) {
        std::cout << "usage: " << spec.usage << '\n';
        if (!help.empty()) std::cout << '\n' << help;
        exit_status = exit_ok;
        return std::nullopt;
    }
    return std::move(parsed).value();
}

int run_program(const Program& program, int argc, char** argv) {
    program_name = program.name;
    crypto::initialize();
    if (const Status hardened = crypto::disable_core_dumps(); !hardened)
        return failure(hardened.error().message);
    if (argc < 2) {
        print_help(program, std::cerr);
        return exit_usage;
    }
    const std::string_view name = argv[1];
    if (name == "help" || name == "--help" || name == "-h") {
        print_help(program, std::cout);
        return exit_ok;
    }
    const std::span<char* const> words(argv + 2, static_cast<std::size_t>(argc - 2));
    for (const auto& command : program.commands) {
        if (command.name != name) continue;
        try {
            return command.run(words);
        } catch (const std::exception& e) {
            return failure(e.what());
        }
    }
    std::cerr << program_name << ": unknown command '" << name << "' (see '" << program_name
              << " help')\n";
    return exit_usage;
}

bool is_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool path_exists(const std::string& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0;
}

}  // namespace psephos::app

// The voter's selections as `psephos encrypt --selections` takes them: a JSON object from contest
// id to the array of option ids marked, e.g. {"mayor": ["rosa-delgado"], "measure-1": []}.
#pragma once

#include <string>
#include <string_view>

#include "psephos/election/encrypted_ballot.hpp"

namespace psephos::app {

// Limits: 1 MiB of JSON, nesting depth 2. Errors (invalid_encoding) name the line and column of
// malformed JSON, or the contest of a value of the wrong shape; a contest named twice is refused
// rather than one of its values silently dropped. Whether the ids exist is encrypt_ballot's check.
Result<election::BallotMarks> parse_selections(std::string_view json);

// --selections as the commands take it: inline JSON when it starts with '{', else a file name
// (at most 1 MiB); errors name the file.
Result<election::BallotMarks> read_selections(const std::string& argument);

}  // namespace psephos::app

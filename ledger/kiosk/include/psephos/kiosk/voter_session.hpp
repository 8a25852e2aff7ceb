// A voter's ballot while it is being marked on the kiosk: the district's ballot style, one contest
// at a time, vote-for-N enforced (an extra mark is refused, never silently dropped), undervotes
// allowed and reported on review. The marks exist only here, in memory; clear() (and the
// destructor) wipe them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "psephos/election/election_context.hpp"
#include "psephos/election/encrypted_ballot.hpp"

namespace psephos::kiosk {

enum class MarkOutcome : std::uint8_t {
    marked,
    unmarked,
    // One-choice contests switch the mark instead of refusing (the usual touch-screen behaviour);
    // a vote-for-N > 1 contest refuses the N+1-th mark.
    switched,
    refused_overvote,
};

class VoterSession {
public:
    // std::invalid_argument if the district has no ballot style.
    VoterSession(const election::ElectionContext& election, std::string_view district_id);
    ~VoterSession();
    VoterSession(const VoterSession&) = delete;
    VoterSession& operator=(const VoterSession&) = delete;

    std::size_t contest_count() const { return contests_.size(); }
    const election::Contest& contest(std::size_t c) const { return *contests_.at(c); }
    bool is_marked(std::size_t c, std::size_t o) const { return marks_.at(c).at(o) != 0; }
    std::size_t marked_count(std::size_t c) const;
    // Fewer marks than the contest allows (including none).
    bool undervoted(std::size_t c) const { return marked_count(c) < contest(c).vote_for; }

    // Marks or unmarks option o of contest c (see MarkOutcome); out_of_range for a bad index.
    MarkOutcome toggle(std::size_t c, std::size_t o);

    // The marks as encrypt_ballot takes them (option ids per contest, every contest present).
    election::BallotMarks ballot_marks() const;
    // Wipes every mark (sodium_memzero) and unmarks everything.
    void clear();

private:
    std::vector<const election::Contest*> contests_;
    std::vector<election::ContestMarks> marks_;  // in locked memory, wiped when freed
};

// Wipes the option-id strings of a BallotMarks and empties it.
void wipe_ballot_marks(election::BallotMarks& marks);

}  // namespace psephos::kiosk

#include "psephos/kiosk/voter_session.hpp"

#include <sodium.h>

#include <stdexcept>

#include "psephos/crypto/memory_protection.hpp"

namespace psephos::kiosk {

VoterSession::VoterSession(const election::ElectionContext& election,
                           std::string_view district_id) {
    const election::BallotStyle* style = election.manifest.ballot_style_of_district(district_id);
    if (style == nullptr)
        throw std::invalid_argument("no ballot style for district '" + std::string(district_id) +
                                    "'");
    for (const std::string& id : style->contests) {
        const election::Contest* contest = election.manifest.find_contest(id);
        if (contest == nullptr)
            throw std::invalid_argument("ballot style '" + style->id + "' names unknown contest '" +
                                        id + "'");
        contests_.push_back(contest);
        marks_.emplace_back(contest->options.size(), std::uint8_t{0});
    }
}

VoterSession::~VoterSession() { clear(); }

std::size_t VoterSession::marked_count(std::size_t c) const {
    std::size_t n = 0;
    for (std::uint8_t m : marks_.at(c)) n += m;
    return n;
}

MarkOutcome VoterSession::toggle(std::size_t c, std::size_t o) {
    election::ContestMarks& contest = marks_.at(c);
    std::uint8_t& mark = contest.at(o);
    if (mark != 0) {
        mark = 0;
        return MarkOutcome::unmarked;
    }
    const std::uint32_t vote_for = contests_[c]->vote_for;
    if (marked_count(c) < vote_for) {
        mark = 1;
        return MarkOutcome::marked;
    }
    if (vote_for == 1) {
        for (std::uint8_t& m : contest) m = 0;
        mark = 1;
        return MarkOutcome::switched;
    }
    return MarkOutcome::refused_overvote;
}

election::BallotMarks VoterSession::ballot_marks() const {
    election::BallotMarks marks;
    for (std::size_t c = 0; c < contests_.size(); ++c) {
        std::vector<std::string>& chosen = marks[contests_[c]->id];
        for (std::size_t o = 0; o < marks_[c].size(); ++o)
            if (marks_[c][o] != 0) chosen.push_back(contests_[c]->options[o].id);
    }
    return marks;
}

void VoterSession::clear() {
    for (election::ContestMarks& contest : marks_)
        if (!contest.empty()) sodium_memzero(contest.data(), contest.size());
}

void wipe_ballot_marks(election::BallotMarks& marks) {
    for (auto& [contest, options] : marks) crypto::wipe(options);  // each id's whole capacity
    marks.clear();
}

}  // namespace psephos::kiosk

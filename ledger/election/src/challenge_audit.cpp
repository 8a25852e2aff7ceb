#include "psephos/election/challenge_audit.hpp"

#include <algorithm>
#include <string>

namespace psephos::election {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string joined(const std::vector<std::string>& ids) {
    if (ids.empty()) return "nothing";
    std::string out;
    for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + quoted(id);
    return out;
}

// The option ids a challenged contest opens to (its revealed marks, which verification has
// already tied to the ciphertexts), in the manifest's order.
std::vector<std::string> opened_options(const ChallengedBallot& c, std::size_t contest) {
    std::vector<std::string> ids;
    const EncryptedContest& ec = c.ballot.contests[contest];
    for (std::size_t o = 0; o < ec.selections.size(); ++o)
        if (c.marks[contest][o] == 1) ids.push_back(ec.selections[o].option_id);
    return ids;
}

}  // namespace

Status audit_challenged_ballot(const ElectionContext& election,
                               const crypto::Ed25519PublicKey& device_key,
                               const ChallengedBallot& challenged, std::string_view shown_code,
                               const BallotMarks& intended) {
    const std::string where = "challenged ballot " + quoted(challenged.ballot.ballot_id);
    auto shown = parse_tracking_code(shown_code);
    if (!shown) return shown.error().within("the tracking code shown before the choice");
    const Hash32 code = next_tracking_code(challenged.ballot.previous_tracking_code,
                                           compute_ballot_hash(challenged.ballot));
    if (!std::equal(shown.value().begin(), shown.value().end(), code.bytes.begin()))
        return Error{ErrorCode::verification_failed,
                     where + " has tracking code " + format_tracking_code(code) +
                         ", not the code shown before the choice (" + std::string(shown_code) +
                         "): the kiosk challenged another ballot than the one it sealed"};
    if (auto ok = verify_challenged_ballot(election, device_key, challenged); !ok) return ok;

    for (const auto& entry : intended) {
        const bool on_ballot =
            std::any_of(challenged.ballot.contests.begin(), challenged.ballot.contests.end(),
                        [&](const EncryptedContest& ec) { return ec.contest_id == entry.first; });
        if (!on_ballot)
            return Error{ErrorCode::verification_failed, where + ": the voter marked contest " +
                                                             quoted(entry.first) +
                                                             ", which is not on the ballot"};
    }
    for (std::size_t c = 0; c < challenged.ballot.contests.size(); ++c) {
        const std::string& contest_id = challenged.ballot.contests[c].contest_id;
        std::vector<std::string> wanted;
        if (auto it = intended.find(contest_id); it != intended.end()) wanted = it->second;
        std::vector<std::string> opened = opened_options(challenged, c);
        std::sort(wanted.begin(), wanted.end());
        std::sort(opened.begin(), opened.end());
        if (wanted != opened)
            return Error{ErrorCode::verification_failed,
                         where + ": contest " + quoted(contest_id) + ": the ballot encrypts " +
                             joined(opened) + ", the voter marked " + joined(wanted)};
    }
    return {};
}

}  // namespace psephos::election

// The final heads the kiosks of a station sent as they finished for the day (FinalHead,
// docs/station-protocol.md §6): each checked against its device's registered key and its chain in
// the log, kept by district and device, and, given a file, written there (atomically, synced)
// before the kiosk hears that it was noted, so that a restarted station still refuses that
// device's ballots and still gives the closing every head.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "psephos/crypto/result.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/station/station_protocol.hpp"

namespace psephos::station {

class FinalHeads {
public:
    // `file` empty: in memory only. Otherwise the heads a previous run kept there are read and
    // each checked again (a file that does not decode, or a head that no longer checks, is an
    // error naming the file and the head: the station does not start on it).
    static Result<std::unique_ptr<FinalHeads>> open(const ledger::Ledger& ledger,
                                                    std::vector<std::size_t> districts,
                                                    std::filesystem::path file);

    // Checks the head of `device` in district `district` (one of the station's) and keeps it.
    // Returns how many of the district's registered devices have finished, and how many there
    // are (a deauthorised device counts in neither: it signs no head). refused (the text says why)
    // if the head is not the device's or not its chain in the log; io_error if it could not be
    // written (then it is not kept either).
    Result<std::pair<std::uint32_t, std::uint32_t>> note(std::size_t district,
                                                         const std::string& device,
                                                         const SignedHead& head);
    bool has(std::size_t district, const std::string& device) const;
    // The heads kept for the district's devices that are not deauthorised: the closing record's.
    std::vector<SignedHead> of(std::size_t district, std::size_t limit) const;

private:
    FinalHeads(const ledger::Ledger& ledger, std::vector<std::size_t> districts,
               std::filesystem::path file)
        : ledger_(ledger), districts_(std::move(districts)), file_(std::move(file)) {}
    Status check(std::size_t district, const SignedHead& head) const;
    Status save_locked() const;
    // The district's registered devices that are not deauthorised.
    std::size_t signing_devices(std::size_t district) const;

    const ledger::Ledger& ledger_;
    const std::vector<std::size_t> districts_;
    const std::filesystem::path file_;
    mutable std::mutex mutex_;
    std::map<std::size_t, std::map<std::string, SignedHead>> heads_;
};

}  // namespace psephos::station

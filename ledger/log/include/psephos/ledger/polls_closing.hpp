// Building device-signed polls records (docs/encoding.md §13) where the devices' keys and the
// ledger are in one process: the in-process kiosk, the demo, the bench and tests. The heads are
// read from the ledger, so here they are only as good as the ledger; a kiosk on its own machine
// (issue 21) signs the head it kept itself.
#pragma once

#include <map>
#include <string>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

// Device id → its signing key, for the devices of one district.
using DeviceKeys = std::map<std::string, const crypto::Ed25519SigningKey*, std::less<>>;

// A polls record of district `district_index` with the counts the log holds now, signed by the
// device `signer` (its key in `keys`); for PollsAction::closed, every registered device's head
// from the log, each signed with its key from `keys`. invalid_argument naming a device whose key
// is missing.
Result<Bytes> make_polls_record(const Ledger& ledger, std::size_t district_index,
                                election::PollsAction action, std::uint64_t time, std::string actor,
                                const std::string& signer, const DeviceKeys& keys);

}  // namespace psephos::ledger

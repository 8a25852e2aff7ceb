// Keccak-256 for the bridge's EVM code: the primitive lives in psephos::crypto
// (psephos/crypto/keccak.hpp), where the record verifier's V28 uses it too.
#pragma once

#include "psephos/crypto/keccak.hpp"

namespace psephos::bridge {

using crypto::keccak256;

}  // namespace psephos::bridge

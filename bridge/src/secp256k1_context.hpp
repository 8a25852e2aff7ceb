// The bridge's one libsecp256k1 context (private to bridge/): created on first use and
// randomised once (side-channel blinding); libsecp256k1 allows signing and verifying with it from
// any thread.
#pragma once

#include <secp256k1.h>

namespace psephos::bridge::detail {

const secp256k1_context* secp256k1_signing_context();

}  // namespace psephos::bridge::detail

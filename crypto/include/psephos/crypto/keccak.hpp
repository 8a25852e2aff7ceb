// Keccak-256, the hash of Ethereum: transaction hashes and signing digests, addresses, the
// EIP-55 checksum and ABI function selectors. The bridge signs with it; the record verifier
// (V28, docs/election-record.md §5) checks the bridge's anchor transactions with it, so it is a
// primitive of this library like SHA-256, not a part of either.
//
// This is the original Keccak submission (padding byte 0x01), as Ethereum fixed it in 2015 before
// NIST changed the padding: it is NOT SHA3-256 of FIPS 202 (padding 0x06), and the two give
// different digests for every input. OpenSSL 3.0 (Debian 12) offers only the FIPS 202 variant,
// hence this small implementation of Keccak-f[1600] (keccak.cpp).
#pragma once

#include "psephos/crypto/bytes.hpp"

namespace psephos::crypto {

// Keccak-256(data): rate 1088 bits, capacity 512 bits, multi-rate padding 0x01 … 0x80.
// Keccak-256("") = c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470.
Hash32 keccak256(ByteSpan data);

}  // namespace psephos::crypto

// A client of a tlog-witness (docs/witness.md §6): submits a log's checkpoint with the consistency
// proof from the size the witness last cosigned, and on "409 Conflict" resends once from the size
// the witness names (text/x.tlog.size), as tlog-witness prescribes for a client that lost track.
// The returned cosignature is verified against the witness's key before it is handed back.
// Synchronous, plain HTTP/1.1 (Boost.Beast), every step under a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/witness/add_checkpoint_request.hpp"

namespace psephos::witness {

struct HttpAnswer {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

// The consistency proof from `old_size` to the submitted checkpoint's size (empty for 0); the
// log computes it from its tree.
using ConsistencyProver = std::function<Result<std::vector<Hash32>>(std::uint64_t old_size)>;

struct Cosigned {
    std::string signature_line;  // "— <witness> <base64>\n", to append to the checkpoint note
    std::uint64_t timestamp = 0;
    std::uint64_t old_size = 0;  // the size the witness held before (after any 409)
};

class WitnessClient {
public:
    WitnessClient(std::string host, std::uint16_t port, crypto::CosignerKey witness,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));

    // One POST /add-checkpoint; io_error if the witness cannot be reached or answers no HTTP.
    Result<HttpAnswer> post(const AddCheckpointRequest& request) const;
    // Submits `checkpoint_note` starting from `old_size` (the size this client believes the
    // witness holds; 0 if unknown). refused naming the witness's status and answer for anything
    // but 200 (after at most one 409 resend); verification_failed if the answer is not a valid
    // cosignature by the witness of this checkpoint.
    Result<Cosigned> submit(const std::string& checkpoint_note, std::uint64_t old_size,
                            const ConsistencyProver& prove) const;

    const crypto::CosignerKey& witness() const { return witness_; }

private:
    std::string host_;
    std::uint16_t port_;
    crypto::CosignerKey witness_;
    std::chrono::milliseconds timeout_;
};

}  // namespace psephos::witness

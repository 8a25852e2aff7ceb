// The witness (docs/witness.md): for each configured log (origin and the log's note key) it keeps
// the latest checkpoint it cosigned, and cosigns a new checkpoint only if it is consistent with
// that one (C2SP tlog-witness add-checkpoint, c2sp.org/tlog-witness). The check against the held
// checkpoint and the durable write of the new one happen under one lock, and the new checkpoint is
// written and fsynced BEFORE the cosignature is returned: after a crash the witness holds the
// last checkpoint it answered for (or a later one), so it never cosigns two inconsistent views.
//
// State directory (mode 0700):
//   checkpoints/<hex SHA-256 of the origin>   the latest cosigned note (the log's signature and
//                                             the witness's cosignature), replaced atomically
//   evidence/<hex SHA-256 of the request>.txt a log-signed checkpoint refused as inconsistent
//                                             (a fork: another root at the held size, or a
//                                             consistency proof that fails), with the note held
//                                             then; written once, kept
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/election/signed_note.hpp"

namespace psephos::witness {

struct WitnessOptions {
    std::filesystem::path state_directory;
    std::string name;  // the cosigner's key name, e.g. "witness.example.org/w1"
    // One note key per log; the log's origin is the key's name (Psephos logs sign as their
    // origin, docs/ledger.md §1). Two keys with one name are refused.
    std::vector<election::NoteVerifierKey> logs;
    // POSIX seconds for cosignature timestamps; the system clock when empty.
    std::function<std::uint64_t()> clock;
};

// An HTTP answer: status, Content-Type and body (tlog-witness fixes status and body).
struct WitnessResponse {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

class Witness {
public:
    // Creates the state directory if needed and reads the held checkpoint of every configured
    // log, re-verifying the log's signature and its own cosignature. corrupted if one fails (the
    // witness must not start forgetting what it cosigned); io_error if the disk refuses.
    static Result<std::unique_ptr<Witness>> open(crypto::Ed25519SigningKey key,
                                                 WitnessOptions options);
    Witness(const Witness&) = delete;
    Witness& operator=(const Witness&) = delete;
    ~Witness();

    // POST add-checkpoint (tlog-witness): 200 with the cosignature line; 400 malformed (or old
    // size above the checkpoint's); 403 no valid signature of the log; 404 unknown origin; 409
    // old size is not the held size (body: the held size, text/x.tlog.size); 422 a bad proof,
    // a fork, or an empty tree with another root; 500 if the new state could not be written.
    WitnessResponse add_checkpoint(std::string_view body);
    // GET <hex SHA-256 of origin>/checkpoint: the held note, or 404.
    WitnessResponse latest_checkpoint(std::string_view origin_hash_hex) const;

    const crypto::CosignerKey& cosigner() const { return cosigner_; }
    // The size of the held checkpoint of `origin` (0 if none); nullopt for an unknown origin.
    std::optional<std::uint64_t> held_size(std::string_view origin) const;
    const std::filesystem::path& evidence_directory() const { return evidence_; }

private:
    struct Log;
    Witness(crypto::Ed25519SigningKey key, crypto::CosignerKey cosigner, WitnessOptions options);
    WitnessResponse refuse_inconsistent(Log& log, std::string_view body, std::string reason);

    crypto::Ed25519SigningKey key_;
    crypto::CosignerKey cosigner_;
    WitnessOptions options_;
    std::filesystem::path checkpoints_;
    std::filesystem::path evidence_;
    mutable std::mutex mutex_;  // one add-checkpoint at a time: check and write are atomic
    std::vector<std::unique_ptr<Log>> logs_;
    std::uint64_t last_timestamp_ = 0;
};

// The hex SHA-256 of an origin: the checkpoint file's name and the monitoring URL's segment.
std::string origin_hash_hex(std::string_view origin);

}  // namespace psephos::witness

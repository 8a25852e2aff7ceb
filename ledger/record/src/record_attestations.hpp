// The parts of a record beyond a ledger's logs (docs/election-record.md §3.9): a county's
// stations, their checkpoints and the equivocation evidence, and the witnesses' cosignatures of
// the election log. Each file's content is made and checked here; the exporter writes it.
// Private to the record library.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/record/election_record.hpp"
#include "record_writer.hpp"

namespace psephos::record::detail {

// districts/<id>/station-checkpoints.bin: the station's signed notes of the district, each opened
// with the station's key, of the district log's origin, in strictly ascending size; those beyond
// the exported log are left out, and each one kept must have the log's root at its size
// (`leaves`: the exported log's leaf hashes). Errors name the note.
Result<Bytes> station_checkpoints_file(const std::string& district_id,
                                       const std::vector<std::string>& notes,
                                       const election::NoteVerifierKey& station_key,
                                       const std::string& origin, std::span<const Hash32> leaves);

// county/equivocations.bin: one frame per evidence (docs/encoding.md §12.2).
Bytes equivocations_file(const std::vector<election::EquivocationEvidence>& evidence);

// election/cosignatures.bin: per election checkpoint cosigned (ascending size), the ledger's note
// of it followed by the cosignature lines of the listed witnesses that verify. `election_notes`:
// the ledger's notes of the election log by size, as exported.
Result<Bytes> cosignatures_file(const std::vector<std::string>& cosigned_notes,
                                const std::vector<crypto::CosignerKey>& witnesses,
                                const std::map<std::uint64_t, std::string>& election_notes);

// record.json's "county" and "witnesses" members, if the options have them.
void write_attestation_members(JsonWriter& j, const ExportOptions& options);

}  // namespace psephos::record::detail

// A guardian's decryptions from a published election record (record_decryption.hpp).
#include "psephos/record/record_decryption.hpp"

#include <optional>

namespace psephos::record {

Result<ledger::GuardianDecryptions> prepare_tally_decryptions_from_record(
    const RecordReader& reader, const election::GuardianKey& key) {
    const ledger::DistrictLogSource logs = [&reader](std::string_view district,
                                                     const ledger::LogVisitor& visit) -> Status {
        // The reader streams every record; after the first failed visit the rest are skipped.
        std::optional<Error> failed;
        PSEPHOS_TRY(reader.for_each_record(district, [&](std::uint64_t index, const Bytes& record) {
            if (failed) return;
            if (auto ok = visit(index, record); !ok) failed = ok.error();
        }));
        if (failed) return *failed;
        return {};
    };
    return ledger::prepare_tally_decryptions(reader.election(), key, logs);
}

}  // namespace psephos::record

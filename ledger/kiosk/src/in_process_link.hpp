// The kiosk's link to a ledger in its own process (ledger_link.hpp): it owns the ledger, and a
// record is acknowledged once the ledger's synced batch holds it.
#pragma once

#include <memory>
#include <string>

#include "psephos/kiosk/ledger_link.hpp"

namespace psephos::kiosk {

class InProcessLink final : public LedgerLink {
public:
    InProcessLink(std::unique_ptr<ledger::Ledger> ledger, std::size_t district_index,
                  std::string device_id)
        : ledger_(std::move(ledger)),
          district_index_(district_index),
          device_id_(std::move(device_id)) {}

    LinkStatus link_status() const override { return {}; }

    Result<LinkReceipt> submit(Bytes record, election::ActorRole role) override {
        auto receipt = ledger_->submit(std::move(record), role).get();
        if (!receipt) return receipt.error();
        return LinkReceipt{std::move(receipt).value(), std::nullopt};
    }

    Result<StationStatus> status() override {
        StationStatus s;
        s.casting = ledger_->casting().status(district_index_);
        const std::string& district = ledger_->election().manifest.districts.at(district_index_).id;
        if (auto log = ledger_->status(district)) {
            s.log_size = log.value().size;
            s.root_hex = to_hex(log.value().root.bytes);
            s.signed_checkpoint = log.value().signed_checkpoint;
        }
        s.device_ballots =
            ledger_->casting().device_ballots(district_index_, device_id_).value_or(0);
        if (auto head = ledger_->casting().device_chain_head(district_index_, device_id_))
            s.device_last_tracking_code = *head;
        return s;
    }

    ledger::Ledger& ledger() { return *ledger_; }

private:
    std::unique_ptr<ledger::Ledger> ledger_;
    std::size_t district_index_;
    std::string device_id_;
};

}  // namespace psephos::kiosk

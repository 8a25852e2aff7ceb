// The kiosk's link to its polling place's station (ledger_link.hpp, docs/station-protocol.md §6):
// a mutual TLS 1.3 connection made with the device's own key as its certificate, the station's
// certificate pinned. A thread of its own keeps the link: it connects and says hello, reconnects
// after a failure with exponential backoff (capped, jittered), and pings when the link is idle.
// A ballot whose answer was lost with the connection stays in flight: on the next connection,
// before anything else, the link looks its tracking code up and, if the station does not have it,
// submits it again; the kiosk takes the outcome with take_settled().
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "kiosk_state_files.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/kiosk/ledger_link.hpp"
#include "psephos/station/station_client.hpp"
#include "psephos/station/station_link.hpp"

namespace psephos::kiosk {

struct RemoteLinkOptions {
    std::string host;
    std::uint16_t port = 0;
    std::string station_certificate_pem;  // pinned
    Hash32 base_hash;
    std::string district_id;
    std::string device_id;
    std::chrono::milliseconds timeout{5'000};  // connecting, and each answer
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_max{30'000};
    std::chrono::milliseconds ping_interval{20'000};
    // A request on a link idle this long is preceded by a ping (a dead connection is found
    // before a ballot is sent on it).
    std::chrono::milliseconds probe_idle{1'000};
    // Called from the link's thread or the caller's, with the link's lock held: it must not call
    // back into the link.
    std::function<void(const LinkStatus&)> on_change;
    // The station's status each time the link comes up (same rules as on_change).
    std::function<void(const StationStatus&)> on_status;
};

// How a ballot in flight was settled.
struct SettledBallot {
    InFlightBallot ballot;
    bool recorded = false;     // in the district log: the voter's ballot is cast (or challenged)
    bool resubmitted = false;  // the lookup did not find it, so it was submitted again
    LinkReceipt receipt;       // if recorded
    std::string refusal;       // if not recorded: the station's reason for refusing it again
};

class RemoteLink final : public LedgerLink {
public:
    // Makes the device's TLS identity in memory and starts the link's thread (the first
    // connection is attempted at once). `in_flight`: a ballot a previous run left unsettled.
    static Result<std::unique_ptr<RemoteLink>> start(RemoteLinkOptions options,
                                                     const crypto::Ed25519SigningKey& device_key,
                                                     std::optional<InFlightBallot> in_flight);
    ~RemoteLink() override;
    RemoteLink(const RemoteLink&) = delete;
    RemoteLink& operator=(const RemoteLink&) = delete;

    LinkStatus link_status() const override;
    // Polls records. refused (nothing sent) without a link or with a ballot in flight.
    Result<LinkReceipt> submit(Bytes record, election::ActorRole role) override;
    Result<StationStatus> status() override;
    // The kiosk's signed final head to the station (docs/station-protocol.md §6 "Closing"); the
    // station's HeadNoted. refused without a link, with a ballot in flight, or with the station's
    // reason.
    Result<station::HeadNoted> send_final_head(const station::SignedHead& head);
    // The final heads the station holds for the district, in ascending device id order.
    Result<std::vector<station::SignedHead>> final_heads();

    // Sends a ballot; it is in flight from before it is sent until its answer. A refusal (no
    // link, the station refused it): refused, nothing recorded. The connection lost before the
    // answer: not_confirmed, and the ballot stays in flight until the link settles it.
    Result<LinkReceipt> submit_ballot(const InFlightBallot& ballot);
    bool has_in_flight() const;
    // The settled ballot once the link settled it (then it is no longer in flight).
    std::optional<SettledBallot> take_settled();
    // Waits at most `timeout` for the link to be online (and the ballot in flight settled).
    bool wait_until_online(std::chrono::milliseconds timeout);
    // Skips the rest of the backoff: the next attempt starts now.
    void retry_now();

private:
    RemoteLink(RemoteLinkOptions options, station::TlsIdentity identity);
    void run();
    void connect_locked();
    void probe_locked();
    Error no_link_locked(std::string_view consequence) const;
    Status ready_to_send_locked();
    Status ready_to_ask_locked();
    Result<StationStatus> status_locked();
    void settle_locked();
    void go_offline_locked(std::string reason);
    void set_state_locked(LinkState state, std::string reason = {});
    Result<station::Message> exchange_locked(station::Message request);
    // Online, nothing in flight, then one exchange; the answer of type T or why not.
    template <class T>
    Result<T> request_online(station::Message request, std::string_view what);
    Result<LinkReceipt> receipt_for_locked(const station::Inclusion& inclusion,
                                           ByteSpan record) const;
    std::uint32_t next_request_id() { return ++request_id_; }

    RemoteLinkOptions options_;
    station::TlsIdentity identity_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    LinkStatus status_;
    std::unique_ptr<station::StationClient> client_;
    std::chrono::steady_clock::time_point last_traffic_;
    std::uint32_t request_id_ = 0;
    std::optional<InFlightBallot> in_flight_;
    std::optional<SettledBallot> settled_;
    bool stopping_ = false;
    std::thread thread_;  // last: started once everything above is set
};

}  // namespace psephos::kiosk

// The station server (station_server.hpp): Boost.Asio with OpenSSL 3, TLS 1.3 only, one strand
// per connection; the ledger's futures are awaited on a separate pool.
#include "psephos/station/station_server.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include "final_heads.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/voter_receipts.hpp"

namespace psephos::station {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

std::size_t district_index_of(const ledger::Ledger& ledger, std::string_view district_id) {
    const auto& districts = ledger.election().manifest.districts;
    for (std::size_t d = 0; d < districts.size(); ++d)
        if (districts[d].id == district_id) return d;
    return districts.size();
}

// The raw Ed25519 key of the peer's certificate, or why there is none.
Result<crypto::Ed25519PublicKey> peer_key(SSL* ssl) {
    X509* cert = SSL_get0_peer_certificate(ssl);
    if (cert == nullptr) return make_error(ErrorCode::refused, "no client certificate");
    EVP_PKEY* pkey = X509_get0_pubkey(cert);
    if (pkey == nullptr || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519)
        return make_error(ErrorCode::refused, "the client certificate's key is not Ed25519");
    std::array<std::uint8_t, crypto::Ed25519PublicKey::size> raw{};
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &size) != 1 || size != raw.size())
        return make_error(ErrorCode::refused, "the client certificate's key cannot be read");
    auto key = crypto::Ed25519PublicKey::from_bytes(raw);
    if (!key) return make_error(ErrorCode::refused, "the client certificate's key is not valid");
    return key;
}

// The device and district a submitted record names: a connection submits only its own device's
// records for the station's district (the ledger checks everything else).
Result<std::pair<std::string, std::string>> record_origin(ByteSpan record) {
    switch (static_cast<election::RecordType>(record.front())) {
        case election::RecordType::encrypted_ballot: {
            auto ballot = election::decode_ballot(record);
            if (!ballot) return ballot.error();
            return std::pair{ballot.value().device_id, ballot.value().district_id};
        }
        case election::RecordType::challenged_ballot: {
            auto challenged = election::decode_challenged_ballot(record);
            if (!challenged) return challenged.error();
            return std::pair{challenged.value().ballot.device_id,
                             challenged.value().ballot.district_id};
        }
        case election::RecordType::device_deauthorisation: {
            // The authority's record, not the device's: any device of its district brings it.
            auto deauthorisation = election::decode_device_deauthorisation(record);
            if (!deauthorisation) return deauthorisation.error();
            return std::pair{std::string(), deauthorisation.value().district_id};
        }
        default: {
            auto polls = election::decode_polls_record(record);
            if (!polls) return polls.error();
            return std::pair{polls.value().device_id, polls.value().district_id};
        }
    }
}

std::string endpoint_text(const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return "unknown peer";
    return remote.address().to_string() + ":" + std::to_string(remote.port());
}

// A rate for a message: "10", "0.5".
std::string number_text(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

class Connection;

}  // namespace

class StationServer::Impl {
public:
    Impl(ledger::Ledger& ledger, StationServerOptions options,
         std::vector<std::size_t> district_indices)
        : ledger_(ledger),
          options_(std::move(options)),
          district_indices_(std::move(district_indices)),
          waiters_(options_.threads),
          tls_(ssl::context::tls_server) {}

    Status configure(const TlsIdentity& identity);
    void start_threads();
    void stop();
    void refuse(const std::string& peer, const std::string& device, const std::string& reason);
    // Takes one of the device's submit tokens; false when its bucket is empty.
    bool take_submit_token(const std::string& device);

    ledger::Ledger& ledger_;
    const StationServerOptions options_;
    const std::vector<std::size_t> district_indices_;  // of options_.district_ids, in order
    std::atomic<std::size_t> connections_{0};
    asio::thread_pool waiters_;  // waits for the ledger's futures
    ssl::context tls_;
    std::optional<asio::io_context> io_;
    std::optional<tcp::acceptor> acceptor_;
    std::vector<std::thread> threads_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
    // The final heads the kiosks sent (FinalHead); a device with one here submits no more
    // ballots. Kept in options_.final_heads_file, if given, across restarts.
    std::unique_ptr<FinalHeads> final_heads_;
    std::atomic<std::uint64_t> events_logged_{0};
    std::atomic<std::uint64_t> events_suppressed_{0};

private:
    using Clock = std::chrono::steady_clock;
    struct Bucket {
        double tokens = 0;
        Clock::time_point at;
    };
    struct EventThrottle {
        Clock::time_point last;
        std::uint64_t suppressed = 0;  // refusals like this one left out since `last`
    };
    void accept();
    // Whether a refusal of this key may go to the event log now, and how many like it were left
    // out before it.
    std::optional<std::uint64_t> admit_refusal_event(const std::string& key);

    std::mutex buckets_mutex_;
    std::map<std::string, Bucket> buckets_;  // by device id: only admitted devices get one
    std::mutex events_mutex_;
    std::map<std::string, EventThrottle> event_throttles_;
    Clock::time_point events_window_;
    unsigned events_in_window_ = 0;
};

namespace {

// One kiosk's connection. Every member is touched on the connection's strand only, except
// in_flight answers, which the waiter pool posts back to it.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(StationServer::Impl& server, tcp::socket socket)
        : server_(server),
          peer_(endpoint_text(socket)),
          executor_(socket.get_executor()),
          stream_(std::move(socket), server.tls_),
          timer_(stream_.get_executor()),
          rate_timer_(stream_.get_executor()),
          reader_(server.options_.max_frame) {
        ++server_.connections_;
    }
    ~Connection() { --server_.connections_; }

    void start() {
        arm_timer(server_.options_.handshake_timeout, "TLS handshake timed out");
        stream_.async_handshake(ssl::stream_base::server,
                                [self = shared_from_this()](const boost::system::error_code& ec) {
                                    self->on_handshake(ec);
                                });
    }

private:
    const StationServerOptions& options() const { return server_.options_; }

    void on_handshake(const boost::system::error_code& ec) {
        if (closed_) return;
        if (ec) return refuse_and_close("TLS handshake failed: " + ec.message());
        auto key = peer_key(stream_.native_handle());
        if (!key) return refuse_and_close(key.error().message);
        key_ = key.value();
        // A key belongs to one device of one district (the ledger refuses it twice election-wide).
        for (std::size_t i = 0; i < server_.district_indices_.size() && !district_; ++i) {
            const std::size_t d = server_.district_indices_[i];
            if (auto device = server_.ledger_.casting().device_with_key(d, *key_)) {
                certificate_device_ = *device;
                district_ = d;
                district_id_ = options().district_ids[i];
            }
        }
        if (district_ && deauthorised()) {
            return answer_and_close(
                0, ReplyCode::not_authorised,
                "device '" + certificate_device_ + "' was deauthorised by the election authority");
        }
        if (!district_) {
            std::string served;
            for (const std::string& id : options().district_ids)
                served += (served.empty() ? "" : ", ") + id;
            return answer_and_close(0, ReplyCode::not_authorised,
                                    "the client certificate's key is not a registered device key "
                                    "of the station's districts (" +
                                        served + ")");
        }
        arm_idle_timer();
        read();
    }

    void read() {
        if (closed_ || closing_ || reading_ || rate_paused_) return;
        // Backpressure: a kiosk that does not read its answers stops being read.
        if (writes_.size() > options().max_in_flight + 1) return;
        reading_ = true;
        const std::size_t n = std::min(reader_.wanted(), buffer_.size());
        stream_.async_read_some(
            asio::buffer(buffer_.data(), n),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
                self->on_read(ec, size);
            });
    }

    void on_read(const boost::system::error_code& ec, std::size_t size) {
        reading_ = false;
        if (closed_) return;
        if (ec) {
            if (reader_.buffered() > 0)
                server_.refuse(peer_, certificate_device_,
                               "connection ended inside a frame: " + ec.message());
            return close();
        }
        reader_.feed(ByteSpan(buffer_.data(), size));
        bool completed = false;
        for (;;) {
            auto frame = reader_.next();
            if (!frame) {
                return answer_and_close(0, ReplyCode::malformed,
                                        "bad frame: " + frame.error().message);
            }
            if (!frame.value()) break;
            completed = true;
            handle(*frame.value());
            if (closing_ || closed_) return;
        }
        // The read timeout runs from a frame's first byte, not its latest: a peer trickling a
        // byte a second (a slowloris) must not keep its frame open for ever.
        if (reader_.buffered() == 0) {
            frame_begun_ = false;
            arm_idle_timer();
        } else if (!frame_begun_ || completed) {
            frame_begun_ = true;
            arm_timer(options().read_timeout, "read timed out inside a frame");
        }
        read();
    }

    void handle(const Bytes& bytes) {
        auto decoded = decode_message(bytes);
        if (!decoded) return answer_and_close(0, ReplyCode::malformed, decoded.error().message);
        Message& message = decoded.value();
        const std::uint32_t id = request_id_of(message);
        if (auto* hello = std::get_if<Hello>(&message)) return on_hello(*hello);
        if (!device_) return answer_and_close(id, ReplyCode::hello_first, "send hello first");
        if (auto* submit = std::get_if<Submit>(&message)) return on_submit(std::move(*submit));
        if (std::holds_alternative<StatusRequest>(message)) return write(on_status(id));
        if (auto* lookup = std::get_if<Lookup>(&message)) return write(on_lookup(*lookup));
        if (auto* ping = std::get_if<Ping>(&message)) return write(Pong{id, ping->nonce});
        if (auto* head = std::get_if<FinalHead>(&message)) return write(on_final_head(*head));
        if (std::holds_alternative<HeadsRequest>(message)) return write(on_heads(id));
        answer_and_close(id, ReplyCode::malformed,
                         std::string("a ") + std::string(to_string(type_of(message))) +
                             " is the station's answer, not a request");
    }

    void on_hello(const Hello& hello) {
        if (device_)
            return answer_and_close(hello.request_id, ReplyCode::malformed, "a second hello");
        const auto& election = server_.ledger_.election();
        if (hello.base_hash != election.base_hash) {
            return answer_and_close(hello.request_id, ReplyCode::not_authorised,
                                    "hello: base hash is not this station's election's");
        }
        if (hello.device_id != certificate_device_) {
            return answer_and_close(hello.request_id, ReplyCode::not_authorised,
                                    "hello: device id '" + hello.device_id +
                                        "' is not the certificate's device '" +
                                        certificate_device_ + "'");
        }
        // Still registered with the certificate's key, and not deauthorised since the handshake.
        if (server_.ledger_.casting().device_key(*district_, hello.device_id) != key_ ||
            deauthorised()) {
            return answer_and_close(hello.request_id, ReplyCode::not_authorised,
                                    "hello: device '" + hello.device_id +
                                        "' was deauthorised by the election authority");
        }
        device_ = hello.device_id;
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch());
        write(Welcome{hello.request_id, election.base_hash, options().station_id, district_id_,
                      static_cast<std::uint64_t>(now.count()),
                      static_cast<std::uint32_t>(options().max_frame), options().max_in_flight});
    }

    bool deauthorised() const {
        return server_.ledger_.casting().device_deauthorised(*district_, certificate_device_);
    }

    void on_submit(Submit submit) {
        const std::uint32_t id = submit.request_id;
        // Deauthorised while connected: this connection ends here (its records would be refused).
        if (deauthorised()) {
            return answer_and_close(
                id, ReplyCode::not_authorised,
                "device '" + *device_ + "' was deauthorised by the election authority");
        }
        if (in_flight_ >= options().max_in_flight) {
            server_.refuse(peer_, *device_,
                           "busy: " + std::to_string(in_flight_) + " requests in flight");
            return write(ErrorReply{
                id, ReplyCode::busy,
                "too many requests in flight: at most " + std::to_string(options().max_in_flight)});
        }
        if (!server_.take_submit_token(*device_)) {
            const std::string rate =
                "device submits faster than " + number_text(options().device_rate.per_second) +
                " a second (burst " + number_text(options().device_rate.burst) + ")";
            server_.refuse(peer_, *device_, "rate limited: " + rate);
            write(ErrorReply{id, ReplyCode::rate_limited, rate});
            return pause_reading_for_a_token();
        }
        auto origin = record_origin(submit.record);
        std::string wrong;
        if (!origin) {
            wrong = "record does not decode: " + origin.error().message;
        } else if ((!origin.value().first.empty() && origin.value().first != *device_) ||
                   origin.value().second != district_id_) {
            wrong = "record of device '" + origin.value().first + "' in district '" +
                    origin.value().second + "' submitted by device '" + *device_ +
                    "' on a connection of district '" + district_id_ + "'";
        }
        if (wrong.empty() && (submit.record.front() == 0x02 || submit.record.front() == 0x03) &&
            has_final_head()) {
            wrong = "device '" + *device_ +
                    "' has finished for the day (the station holds its final head): no more "
                    "ballots";
        }
        if (!wrong.empty()) {
            server_.refuse(peer_, *device_, wrong);
            return write(ErrorReply{id, ReplyCode::refused, wrong.substr(0, max_error_text_size)});
        }
        ++in_flight_;
        const std::uint8_t type = submit.record.front();
        const auto actor =
            type == static_cast<std::uint8_t>(election::RecordType::device_deauthorisation)
                ? election::ActorRole::election_official
            : type >= 0x08 ? election::ActorRole::poll_worker
                           : election::ActorRole::system;
        auto future = std::make_shared<std::future<Result<ledger::Receipt>>>(
            server_.ledger_.submit(std::move(submit.record), actor));
        asio::post(server_.waiters_, [self = shared_from_this(), id, future] {
            Message answer = self->answer_submit(id, future->get());
            asio::post(self->executor_, [self, answer = std::move(answer)] {
                --self->in_flight_;
                if (self->closed_) return;
                self->write(answer);
                self->read();
            });
        });
    }

    // On the waiter pool: the ledger's verdict as the kiosk's answer.
    Message answer_submit(std::uint32_t id, Result<ledger::Receipt> receipt) {
        if (!receipt) {
            const auto& error = receipt.error();
            server_.refuse(peer_, *device_, "record refused: " + error.message);
            const bool refused =
                error.code != ErrorCode::io_error && error.code != ErrorCode::corrupted;
            return ErrorReply{id, refused ? ReplyCode::refused : ReplyCode::unavailable,
                              error.message.substr(0, max_error_text_size)};
        }
        auto inclusion = ledger::prove_receipt_inclusion(server_.ledger_, receipt.value());
        if (!inclusion) {
            server_.refuse(peer_, *device_, "receipt: " + inclusion.error().message);
            return ErrorReply{id, ReplyCode::unavailable,
                              inclusion.error().message.substr(0, max_error_text_size)};
        }
        return Receipt{
            id, Inclusion{receipt.value().index, receipt.value().leaf_hash,
                          std::move(inclusion.value().verifier_key),
                          receipt.value().signed_checkpoint, std::move(inclusion.value().proof)}};
    }

    bool has_final_head() const { return server_.final_heads_->has(*district_, *device_); }

    // A kiosk's final head, checked and kept for the closing (FinalHeads::note).
    Message on_final_head(const FinalHead& m) {
        const std::uint32_t id = m.request_id;
        if (in_flight_ != 0)
            return ErrorReply{id, ReplyCode::busy, "final head: wait for the receipts in flight"};
        auto noted = server_.final_heads_->note(*district_, *device_, m.head);
        if (!noted) {
            const std::string why = "final head: " + noted.error().message;
            if (noted.error().code == ErrorCode::io_error)
                return ErrorReply{id, ReplyCode::unavailable, why.substr(0, max_error_text_size)};
            server_.refuse(peer_, *device_, why);
            return ErrorReply{id, ReplyCode::refused, why.substr(0, max_error_text_size)};
        }
        return HeadNoted{id, noted->first, noted->second};
    }

    Message on_heads(std::uint32_t id) const {
        return HeadList{id, server_.final_heads_->of(*district_, max_heads)};
    }

    Message on_status(std::uint32_t id) const {
        const auto& ledger = server_.ledger_;
        const std::size_t d = *district_;
        const auto casting = ledger.casting().status(d);
        StatusReport report{id,
                            static_cast<PollsState>(casting.polls),
                            casting.ballots_cast,
                            casting.ballots_challenged,
                            0,
                            0,
                            {}};
        if (auto log = ledger.status(district_id_)) report.log_size = log.value().size;
        report.device_ballots = ledger.casting().device_ballots(d, *device_).value_or(0);
        if (auto head = ledger.casting().device_chain_head(d, *device_))
            report.device_last_tracking_code = *head;
        return report;
    }

    Message on_lookup(const Lookup& lookup) const {
        const auto& ledger = server_.ledger_;
        LookupResult result{lookup.request_id, std::nullopt, {}};
        const auto entry = ledger.casting().find_tracking_code(lookup.tracking_code);
        if (!entry || entry->district_index != *district_) return result;
        // The district's latest checkpoint covers every committed record.
        auto log = ledger.status(district_id_);
        auto record = ledger.record(district_id_, entry->index);
        if (!log || !record) {
            return ErrorReply{lookup.request_id, ReplyCode::unavailable,
                              "lookup: the district log cannot be read"};
        }
        const ledger::Receipt receipt{district_id_, entry->index,
                                      crypto::hash_merkle_leaf(record.value()),
                                      log.value().signed_checkpoint};
        auto inclusion = ledger::prove_receipt_inclusion(ledger, receipt);
        if (!inclusion) {
            return ErrorReply{lookup.request_id, ReplyCode::unavailable,
                              inclusion.error().message.substr(0, max_error_text_size)};
        }
        result.record_type = entry->challenged ? std::uint8_t{0x03} : std::uint8_t{0x02};
        result.inclusion =
            Inclusion{entry->index, receipt.leaf_hash, std::move(inclusion.value().verifier_key),
                      receipt.signed_checkpoint, std::move(inclusion.value().proof)};
        return result;
    }

    void write(const Message& message) {
        writes_.push_back(encode_frame(message));
        if (writes_.size() == 1) write_next();
    }

    void write_next() {
        asio::async_write(stream_, asio::buffer(writes_.front()),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      std::size_t) { self->on_written(ec); });
    }

    void on_written(const boost::system::error_code& ec) {
        writes_.pop_front();
        if (closed_) return;
        if (ec) return close();
        if (!writes_.empty()) return write_next();
        if (closing_) return close();
        read();
    }

    // Answers with an error, reports it, and closes the connection once the answer is out.
    void answer_and_close(std::uint32_t id, ReplyCode code, const std::string& reason) {
        server_.refuse(peer_, certificate_device_, reason);
        write(ErrorReply{id, code, reason.substr(0, max_error_text_size)});
        closing_ = true;
        arm_timer(options().read_timeout, "the last answer was not read");
    }

    void refuse_and_close(const std::string& reason) {
        server_.refuse(peer_, certificate_device_, reason);
        close();
    }

    // A device over its rate is not read again until its next token is due: a flood then costs
    // the station one `rate_limited` answer per token interval and connection (plus what one
    // read already holds), not one per request the flooder can write; TCP holds the rest back.
    void pause_reading_for_a_token() {
        if (rate_paused_) return;
        rate_paused_ = true;
        // At most a second, so that a slow rate does not run into the read timeout.
        const double seconds = std::min(1.0, 1.0 / options().device_rate.per_second);
        rate_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(seconds)));
        rate_timer_.async_wait([self = shared_from_this()](const boost::system::error_code&) {
            self->rate_paused_ = false;
            self->read();
        });
    }

    // Idle only while nothing is in flight: a kiosk waiting for its receipts is not idle.
    void arm_idle_timer() { arm_timer(options().idle_timeout, "idle timeout", true); }

    void arm_timer(std::chrono::milliseconds after, const char* reason, bool idle = false) {
        timer_.expires_after(after);
        timer_.async_wait(
            [self = shared_from_this(), reason, idle](const boost::system::error_code& ec) {
                if (ec || self->closed_) return;
                if (idle && self->in_flight_ > 0) return self->arm_idle_timer();
                self->refuse_and_close(reason);
            });
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        timer_.cancel();
        rate_timer_.cancel();
        boost::system::error_code ignored;
        stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.lowest_layer().close(ignored);
    }

    StationServer::Impl& server_;
    const std::string peer_;
    const asio::any_io_executor executor_;  // the connection's strand
    ssl::stream<tcp::socket> stream_;
    asio::steady_timer timer_;
    asio::steady_timer rate_timer_;  // ends a pause of reading after `rate_limited`
    FrameReader reader_;
    std::array<std::uint8_t, 16 * 1024> buffer_{};
    std::optional<crypto::Ed25519PublicKey> key_;
    std::string certificate_device_;       // the device whose key the certificate carries
    std::optional<std::size_t> district_;  // its district, once the certificate was read
    std::string district_id_;
    std::optional<std::string> device_;  // once its hello was welcomed
    std::uint32_t in_flight_ = 0;
    std::deque<Bytes> writes_;
    bool reading_ = false;
    bool frame_begun_ = false;  // the read timer runs for the frame begun
    bool rate_paused_ = false;  // not read until the device's next token is due
    bool closing_ = false;      // an answer goes out, then the connection closes
    bool closed_ = false;
};

}  // namespace

Status StationServer::Impl::configure(const TlsIdentity& identity) {
    boost::system::error_code ec;
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::no_tlsv1_2);
    if (SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_3_VERSION) != 1)
        return make_error(ErrorCode::invalid_argument, "station TLS: cannot require TLS 1.3");
    tls_.use_certificate_chain(asio::buffer(identity.certificate_pem()), ec);
    if (ec) return make_error(ErrorCode::invalid_argument, "station certificate: " + ec.message());
    tls_.use_private_key(asio::buffer(identity.private_key_pem()), ssl::context::pem, ec);
    if (ec) return make_error(ErrorCode::invalid_argument, "station private key: " + ec.message());
    // A kiosk must present a certificate; its self-signature is no proof of anything, so
    // the chain is not judged here: the handshake proves the peer holds the certificate's key,
    // and the connection then checks that key against the district's registrations.
    tls_.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    tls_.set_verify_callback([](bool, ssl::verify_context&) { return true; });
    return {};
}

void StationServer::Impl::accept() {
    acceptor_->async_accept(
        asio::make_strand(*io_), [this](const boost::system::error_code& ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
            if (!ec) {
                if (connections_.load() >= options_.max_connections) {
                    refuse(endpoint_text(socket), "",
                           "connection cap of " + std::to_string(options_.max_connections) +
                               " reached");
                    boost::system::error_code ignored;
                    socket.close(ignored);
                } else {
                    std::make_shared<Connection>(*this, std::move(socket))->start();
                }
            }
            accept();
        });
}

void StationServer::Impl::start_threads() {
    accept();
    for (unsigned i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { io_->run(); });
}

void StationServer::Impl::stop() {
    if (stopped_) return;
    stopped_ = true;
    asio::post(acceptor_->get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_->close(ignored);
    });
    io_->stop();
    for (auto& t : threads_) t.join();
    // The ledger resolves every future it gave; their answers are posted to the stopped
    // io_context and destroyed with it, closing the connections.
    waiters_.join();
    acceptor_.reset();
    io_.reset();
}

bool StationServer::Impl::take_submit_token(const std::string& device) {
    const auto now = Clock::now();
    const DeviceRate& rate = options_.device_rate;
    std::lock_guard lock(buckets_mutex_);
    auto [it, fresh] = buckets_.try_emplace(device, Bucket{rate.burst, now});
    Bucket& bucket = it->second;
    if (!fresh) {
        const double elapsed = std::chrono::duration<double>(now - bucket.at).count();
        bucket.tokens = std::min(rate.burst, bucket.tokens + elapsed * rate.per_second);
        bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
}

std::optional<std::uint64_t> StationServer::Impl::admit_refusal_event(const std::string& key) {
    const auto now = Clock::now();
    constexpr auto second = std::chrono::seconds(1);
    std::lock_guard lock(events_mutex_);
    if (now - events_window_ >= second) {
        events_window_ = now;
        events_in_window_ = 0;
    }
    // Bounded: forget keys quiet for a minute once there are many (a flood from many ports of
    // one address shares its key; many addresses are what the connection cap is for).
    if (event_throttles_.size() > 4096) {
        std::erase_if(event_throttles_, [&](const auto& entry) {
            return now - entry.second.last > std::chrono::seconds(60);
        });
    }
    auto [it, fresh] = event_throttles_.try_emplace(key, EventThrottle{now, 0});
    EventThrottle& throttle = it->second;
    if ((!fresh && now - throttle.last < second) ||
        events_in_window_ >= options_.max_refusal_events_per_second) {
        ++throttle.suppressed;
        ++events_suppressed_;
        return std::nullopt;
    }
    throttle.last = now;
    ++events_in_window_;
    ++events_logged_;
    return std::exchange(throttle.suppressed, 0);
}

void StationServer::Impl::refuse(const std::string& peer, const std::string& device,
                                 const std::string& reason) {
    std::optional<std::uint64_t> suppressed;
    if (options_.log_refusals_in_ledger) {
        // The key: the device once known, else the peer's address without its port; and the
        // kind of reason, its text up to the first colon.
        const std::string who =
            !device.empty() ? "device " + device : peer.substr(0, peer.rfind(':'));
        suppressed = admit_refusal_event(who + "|" + reason.substr(0, reason.find(':')));
    }
    if (options_.on_refusal) {
        options_.on_refusal(
            StationRefusal{peer, device, reason, options_.log_refusals_in_ledger && !suppressed});
    }
    if (!suppressed) return;
    std::string subject = "station " + options_.station_id + ": " + peer;
    if (!device.empty()) subject += " (" + device + ")";
    subject += ": " + reason;
    if (*suppressed > 0)
        subject += " (and " + std::to_string(*suppressed) + " more like it, not logged)";
    // On the waiter pool: the event's synced write must not hold an I/O thread.
    asio::post(waiters_, [this, subject = std::move(subject)] {
        (void)ledger_.record_event(election::EventType::error, election::ActorRole::system,
                                   election::Disposition::failure, options_.district_ids.front(),
                                   subject);
    });
}

Result<std::unique_ptr<StationServer>> StationServer::start(ledger::Ledger& ledger,
                                                            const TlsIdentity& identity,
                                                            StationServerOptions options) {
    std::vector<std::size_t> indices;
    if (options.district_ids.empty())
        return make_error(ErrorCode::invalid_argument, "station: no district to serve");
    for (const std::string& id : options.district_ids) {
        const std::size_t d = district_index_of(ledger, id);
        if (d == ledger.election().manifest.districts.size())
            return make_error(ErrorCode::invalid_argument,
                              "station: district '" + id + "' is not the election's");
        if (std::find(indices.begin(), indices.end(), d) != indices.end())
            return make_error(ErrorCode::invalid_argument,
                              "station: district '" + id + "' given twice");
        indices.push_back(d);
    }
    if (ledger.read_only())
        return make_error(ErrorCode::invalid_argument, "station: the ledger is read-only");
    if (options.threads == 0 || options.max_in_flight == 0 || options.max_connections == 0 ||
        options.max_frame == 0 || options.max_frame > max_frame_size)
        return make_error(ErrorCode::invalid_argument,
                          "station: threads, max_in_flight and max_connections must be positive, "
                          "max_frame between 1 and " +
                              std::to_string(max_frame_size));
    // Negated comparisons so that NaN is refused too.
    if (!(options.device_rate.per_second > 0) || !(options.device_rate.burst >= 1) ||
        options.device_rate.per_second > 1e9 || options.device_rate.burst > 1e9)
        return make_error(ErrorCode::invalid_argument,
                          "station: device_rate needs per_second > 0 and burst >= 1 (at most 1e9)");
    if (options.max_refusal_events_per_second == 0)
        return make_error(ErrorCode::invalid_argument,
                          "station: max_refusal_events_per_second must be positive");
    auto heads = FinalHeads::open(ledger, indices, options.final_heads_file);
    if (!heads) return heads.error().within("station");
    auto impl = std::make_unique<Impl>(ledger, std::move(options), std::move(indices));
    impl->final_heads_ = std::move(heads).value();
    PSEPHOS_TRY(impl->configure(identity));
    impl->io_.emplace(static_cast<int>(impl->options_.threads));
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(impl->options_.address, ec);
    if (ec)
        return make_error(ErrorCode::invalid_argument,
                          "station: address '" + impl->options_.address + "': " + ec.message());
    // The acceptor on a strand of its own: its completion handlers (accept()) and the close in
    // stop() never run at the same time on two of the pool's threads.
    impl->acceptor_.emplace(asio::make_strand(*impl->io_));
    const tcp::endpoint endpoint(address, impl->options_.port);
    auto& acceptor = *impl->acceptor_;
    if (acceptor.open(endpoint.protocol(), ec); !ec)
        if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); !ec)
            if (acceptor.bind(endpoint, ec); !ec)
                acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return make_error(ErrorCode::io_error,
                          "station: cannot listen on " + impl->options_.address + ":" +
                              std::to_string(impl->options_.port) + ": " + ec.message());
    impl->port_ = acceptor.local_endpoint().port();
    impl->start_threads();
    return std::unique_ptr<StationServer>(new StationServer(std::move(impl)));
}

StationServer::StationServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StationServer::~StationServer() { impl_->stop(); }
std::uint16_t StationServer::port() const { return impl_->port_; }
std::size_t StationServer::connections() const { return impl_->connections_.load(); }
std::uint64_t StationServer::refusal_events_logged() const { return impl_->events_logged_.load(); }
std::uint64_t StationServer::refusal_events_suppressed() const {
    return impl_->events_suppressed_.load();
}

}  // namespace psephos::station

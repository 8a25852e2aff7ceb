// The witness client (witness_client.hpp, docs/witness.md §6).
#include "psephos/witness/witness_client.hpp"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace psephos::witness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t max_answer_bytes = 64 * 1024;

std::string printable(std::string_view text) {
    std::string out(text.substr(0, 200));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return out;
}
}  // namespace

WitnessClient::WitnessClient(std::string host, std::uint16_t port, crypto::CosignerKey witness,
                             std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), witness_(std::move(witness)), timeout_(timeout) {}

Result<HttpAnswer> WitnessClient::post(const AddCheckpointRequest& request) const {
    const std::string where =
        "witness " + witness_.name + " at " + host_ + ":" + std::to_string(port_);
    asio::io_context io;
    beast::tcp_stream stream(io);
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) return make_error(ErrorCode::io_error, where + ": " + ec.message());
    stream.expires_after(timeout_);
    stream.connect(endpoints, ec);
    if (ec) return make_error(ErrorCode::io_error, where + ": connect: " + ec.message());
    http::request<http::string_body> out(http::verb::post, "/add-checkpoint", 11);
    out.set(http::field::host, host_);
    out.set(http::field::content_type, "text/plain; charset=utf-8");
    out.keep_alive(false);
    out.body() = request.to_text();
    out.prepare_payload();
    // The deadline of a synchronous beast::tcp_stream applies to its async operations only, so
    // run them on the local io_context.
    std::optional<beast::error_code> done;
    http::async_write(stream, out, [&](beast::error_code e, std::size_t) { done = e; });
    io.run();
    if (!done || *done)
        return make_error(ErrorCode::io_error,
                          where + ": sending: " + (done ? done->message() : "no answer"));
    io.restart();
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_answer_bytes);
    done.reset();
    stream.expires_after(timeout_);
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { done = e; });
    io.run();
    if (!done || *done)
        return make_error(ErrorCode::io_error,
                          where + ": reading the answer: " + (done ? done->message() : "none"));
    const auto& in = parser.get();
    return HttpAnswer{in.result_int(), std::string(in[http::field::content_type]), in.body()};
}

Result<Cosigned> WitnessClient::submit(const std::string& checkpoint_note, std::uint64_t old_size,
                                       const ConsistencyProver& prove) const {
    const std::string where = "witness " + witness_.name;
    for (int attempt = 0;; ++attempt) {
        AddCheckpointRequest request;
        request.old_size = old_size;
        request.checkpoint_note = checkpoint_note;
        if (old_size > 0) {
            auto proof = prove(old_size);
            if (!proof)
                return proof.error().within(where + ": proof from size " +
                                            std::to_string(old_size));
            request.proof = std::move(proof).value();
        }
        PSEPHOS_TRY_ASSIGN(const HttpAnswer answer, post(request));
        if (answer.status == 409 && attempt == 0) {
            auto held = parse_tlog_size(answer.body);
            if (!held || answer.content_type != "text/x.tlog.size")
                return make_error(ErrorCode::refused,
                                  where + ": 409 without a text/x.tlog.size body");
            old_size = held.value();
            continue;
        }
        if (answer.status != 200) {
            return make_error(ErrorCode::refused, where + ": " + std::to_string(answer.status) +
                                                      ": " + printable(answer.body));
        }
        // The answer's lines appended to the checkpoint make a note its key must open.
        auto opened = crypto::open_cosigned_note(checkpoint_note + answer.body, witness_);
        if (!opened) return opened.error().within(where + ": its answer");
        std::string line;
        for (std::string_view rest = answer.body; !rest.empty();) {
            const auto end = rest.find('\n');
            const std::string_view one = rest.substr(0, end + 1);
            rest.remove_prefix(one.size());
            if (one.find(" " + witness_.name + " ") == 3) line = one;
        }
        return Cosigned{line, opened.value().timestamp, old_size};
    }
}

}  // namespace psephos::witness

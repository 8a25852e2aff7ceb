// Fuzzes the station protocol's codec (docs/station-protocol.md): decode_message on whatever a
// peer sends, and FrameReader cutting a byte stream fed in pieces. Invariants: a rejected message
// is invalid_encoding naming the station message; an accepted one is exactly its own canonical
// encoding; the frame reader never holds more than one frame (header and max_frame bytes), every
// frame it returns is 1..max_frame bytes and is the stream's bytes in order, and it stops with an
// error at a bad length.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/station/station_protocol.hpp"

using namespace psephos;
using psephos::fuzz::require;

namespace {

void check_message(ByteSpan data) {
    auto message = station::decode_message(data);
    if (!message) {
        require(message.error().code == ErrorCode::invalid_encoding,
                "a rejected message is invalid_encoding");
        require(message.error().message.rfind("station message", 0) == 0,
                "a rejection names the station message");
        return;
    }
    const Bytes again = station::encode_message(message.value());
    require(again.size() == data.size() && std::equal(again.begin(), again.end(), data.begin()),
            "an accepted message is its canonical encoding");
    const Bytes frame = station::encode_frame(message.value());
    station::FrameReader reader;
    require(reader.feed(frame) == frame.size(), "the reader takes one whole frame");
    auto got = reader.next();
    require(got.ok() && got.value() && *got.value() == again, "a frame reads back");
}

// The stream in pieces whose sizes come from the input's first bytes, with a small max_frame.
void check_frames(ByteSpan data) {
    if (data.size() < 2) return;
    const std::size_t max_frame = 1 + data[0] % 64;
    const std::size_t piece = 1 + data[1] % 17;
    const ByteSpan stream = data.subspan(2);
    station::FrameReader reader(max_frame);
    std::size_t at = 0;
    Bytes seen;  // the frames' bytes with their headers, as returned
    while (at < stream.size()) {
        const std::size_t n = std::min(piece, stream.size() - at);
        const std::size_t took = reader.feed(stream.subspan(at, n));
        require(reader.buffered() <= 4 + max_frame, "the reader holds at most one frame");
        at += took;
        auto frame = reader.next();
        if (!frame) {
            require(frame.error().message.rfind("station frame", 0) == 0, "a bad length is named");
            return;
        }
        if (frame.value()) {
            const Bytes& f = *frame.value();
            require(!f.empty() && f.size() <= max_frame, "a frame is 1..max_frame bytes");
            append_u32_be(seen, static_cast<std::uint32_t>(f.size()));
            seen.insert(seen.end(), f.begin(), f.end());
        } else {
            require(took > 0, "an incomplete frame takes more bytes");
        }
    }
    require(seen.size() <= stream.size() && std::equal(seen.begin(), seen.end(), stream.begin()),
            "the frames are the stream's bytes in order");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const ByteSpan rest(data + 1, size - 1);
    if (data[0] & 1)
        check_frames(rest);
    else
        check_message(rest);
    return 0;
}

// The receipt page's assets (ui/web/: style sheet and scripts), embedded at build time by
// cmake/EmbedFiles.cmake so that `psephos publish` needs no files beside the executable.
#pragma once

#include <span>
#include <string_view>

#include "psephos/crypto/bytes.hpp"

namespace psephos::app {

struct WebAsset {
    std::string_view name;  // the file name under SITE/assets/
    ByteSpan bytes;
};

std::span<const WebAsset> web_assets();

}  // namespace psephos::app

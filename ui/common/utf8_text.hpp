// UTF-8 bytes from the libraries (std::string, std::string_view) as a QString: the one
// conversion the UI uses (not fromStdString's, which is the same but spelled many ways).
#pragma once

#include <QString>

#include <string_view>

namespace psephos::ui {

inline QString q(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

}  // namespace psephos::ui

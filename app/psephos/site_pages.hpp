// psephos publish, the pages half: the site's HTML (results as tables and SVG charts, turnout,
// checkpoints and anchors, the receipt page) in English and Spanish, written from a SiteModel,
// and the page assets embedded from ui/web/ (docs/web.md §1). Every page reads without
// JavaScript; only the receipt check needs it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "psephos/crypto/result.hpp"
#include "psephos/election/election_manifest.hpp"
#include "site_model.hpp"

namespace psephos::app {

// Writes SITE/index.html, SITE/receipt.html, SITE/es/…, and SITE/assets/* (the files of ui/web).
Status write_site_pages(const SiteModel& model, const election::ElectionManifest& manifest,
                        const std::filesystem::path& site);

// HTML text escaping (&, <, >, ", ').
std::string escape_html(std::string_view text);

}  // namespace psephos::app

// psephos publish, the pages half (docs/web.md §1): static HTML in English and Spanish, the
// results as tables with SVG bar charts that read without JavaScript, and the receipt page whose
// check runs in the browser (ui/web/receipt.js, ui/web/verify.js).
#include "site_pages.hpp"

#include <algorithm>
#include <array>
#include <sstream>

#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/signed_note.hpp"
#include "web_assets.hpp"

namespace psephos::app {

namespace {

constexpr mode_t public_mode = 0644;

// The page texts, one row per key: English, Spanish.
struct Texts {
    std::string_view lang;
    std::string_view other_lang_link;  // the link to the other language
    std::string_view other_lang_name;
    std::string_view skip;
    std::string_view nav_label;
    std::string_view results;
    std::string_view turnout;
    std::string_view checkpoints;
    std::string_view check_receipt;
    std::string_view election_id;
    std::string_view dates;
    std::string_view incomplete;
    std::string_view totals;
    std::string_view option;
    std::string_view votes;
    std::string_view share;
    std::string_view district;
    std::string_view no_result;
    std::string_view chart_of;
    std::string_view ballots_cast;
    std::string_view ballots_challenged;
    std::string_view records;
    std::string_view turnout_note;
    std::string_view all_districts;
    std::string_view log;
    std::string_view verifier_key;
    std::string_view size;
    std::string_view root;
    std::string_view published_checkpoint;
    std::string_view signed_checkpoints;
    std::string_view none;
    std::string_view keys_note;
    std::string_view anchors;
    std::string_view no_anchors;
    std::string_view chain;
    std::string_view transaction;
    std::string_view confirmed;
    std::string_view yes;
    std::string_view no;
    std::string_view cosigners;
    std::string_view receipt_title;
    std::string_view receipt_intro;
    std::string_view code_label;
    std::string_view code_hint;
    std::string_view check_button;
    std::string_view district_label;
    std::string_view any_district;
    std::string_view noscript;
    std::string_view footer;
};

constexpr Texts english{
    "en",
    "es/index.html",
    "Español",
    "Skip to the content",
    "Sections",
    "Results",
    "Turnout",
    "Checkpoints and anchors",
    "Check your receipt",
    "Election id",
    "Dates",
    "Not every district has a result yet: the totals so far are shown.",
    "Total",
    "Option",
    "Votes",
    "Share",
    "District",
    "No result yet.",
    "Votes for each option in",
    "Ballots cast",
    "Ballots challenged (not counted)",
    "Log records",
    "The record holds the ballots cast, not the number of registered voters.",
    "All districts",
    "Log",
    "Verifier key",
    "Size",
    "Root (hex)",
    "Checkpoint receipts are checked against",
    "Signed checkpoints",
    "none",
    "Compare these keys with the ones the election authority published: the receipt check "
    "trusts them.",
    "Anchors on public chains",
    "The election root has not been anchored on a chain.",
    "Chain",
    "Transaction",
    "Confirmed",
    "yes",
    "no",
    "Witness cosignatures on the election checkpoint",
    "Check that your ballot is in the election record",
    "Type the tracking code printed on your receipt. This page fetches the published record of "
    "your district and checks, in your browser, that your ballot is in it and that the record "
    "is signed with the keys published for this election. No server is trusted.",
    "Tracking code",
    "32 letters and digits, dashes optional (for example ABCD-EFGH-…)",
    "Check",
    "District (printed on your receipt)",
    "Every district (slower)",
    "This check needs JavaScript. The results on the other pages read without it.",
    "Published from the election record by psephos publish. Every figure here can be checked "
    "with psephos verify."};

constexpr Texts spanish{
    "es",
    "../index.html",
    "English",
    "Saltar al contenido",
    "Secciones",
    "Resultados",
    "Participación",
    "Puntos de control y anclajes",
    "Comprobar su recibo",
    "Identificador de la elección",
    "Fechas",
    "Aún no todos los distritos tienen resultado: se muestran los totales hasta ahora.",
    "Total",
    "Opción",
    "Votos",
    "Porcentaje",
    "Distrito",
    "Aún sin resultado.",
    "Votos de cada opción en",
    "Papeletas emitidas",
    "Papeletas impugnadas (no se cuentan)",
    "Registros del log",
    "El registro contiene las papeletas emitidas, no el número de electores inscritos.",
    "Todos los distritos",
    "Log",
    "Clave de verificación",
    "Tamaño",
    "Raíz (hex)",
    "Punto de control contra el que se comprueban los recibos",
    "Puntos de control firmados",
    "ninguno",
    "Compare estas claves con las que publicó la autoridad electoral: la comprobación de "
    "recibos confía en ellas.",
    "Anclajes en cadenas públicas",
    "La raíz de la elección no se ha anclado en ninguna cadena.",
    "Cadena",
    "Transacción",
    "Confirmado",
    "sí",
    "no",
    "Cofirmas de testigos en el punto de control de la elección",
    "Compruebe que su papeleta está en el registro de la elección",
    "Escriba el código de seguimiento impreso en su recibo. Esta página descarga el registro "
    "publicado de su distrito y comprueba, en su navegador, que su papeleta está en él y que el "
    "registro está firmado con las claves publicadas para esta elección. No se confía en ningún "
    "servidor.",
    "Código de seguimiento",
    "32 letras y cifras, guiones opcionales (por ejemplo ABCD-EFGH-…)",
    "Comprobar",
    "Distrito (impreso en su recibo)",
    "Todos los distritos (más lento)",
    "Esta comprobación necesita JavaScript. Los resultados de las otras páginas se leen sin él.",
    "Publicado a partir del registro de la elección con psephos publish. Cada cifra puede "
    "comprobarse con psephos verify."};

std::string localized(const election::LocalizedText& text, std::string_view lang) {
    if (auto t = text.translations.find(std::string(lang)); t != text.translations.end())
        return t->second;
    return text.text;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    if (whole == 0) return "–";
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(1);
    out << 100.0 * static_cast<double>(part) / static_cast<double>(whole) << " %";
    return out.str();
}

// One contest's counts, in the manifest's option order.
struct ContestCounts {
    const election::Contest* contest = nullptr;
    std::vector<std::uint64_t> counts;
    std::uint64_t sum = 0;
};

ContestCounts counts_of(const election::Contest& contest,
                        const std::map<std::string, std::uint64_t>& by_option) {
    ContestCounts c{&contest, {}, 0};
    for (const auto& option : contest.options) {
        const auto found = by_option.find(option.id);
        const std::uint64_t n = found == by_option.end() ? 0 : found->second;
        c.counts.push_back(n);
        c.sum += n;
    }
    return c;
}

// A horizontal bar chart: decorative to assistive technology (the table beside it carries the
// figures), labelled for those who see it.
void write_chart(std::ostream& out, const ContestCounts& c, const Texts& t, std::string_view id) {
    constexpr int bar_height = 28;
    constexpr int gap = 10;
    constexpr int label_width = 180;
    constexpr int bar_width = 300;
    const int height = static_cast<int>(c.counts.size()) * (bar_height + gap) + gap;
    const std::uint64_t top = std::max<std::uint64_t>(
        1, c.counts.empty() ? 1 : *std::max_element(c.counts.begin(), c.counts.end()));
    out << "<svg class=\"chart\" viewBox=\"0 0 " << label_width + bar_width + 120 << ' ' << height
        << "\" role=\"img\" aria-labelledby=\"" << id << "-t\"><title id=\"" << id << "-t\">"
        << t.chart_of << ' ' << escape_html(localized(c.contest->title, t.lang)) << "</title>";
    for (std::size_t i = 0; i < c.counts.size(); ++i) {
        const int y = gap + static_cast<int>(i) * (bar_height + gap);
        const auto w = static_cast<int>(bar_width * c.counts[i] / top);
        out << "<text x=\"0\" y=\"" << y + 19 << "\">"
            << escape_html(localized(c.contest->options[i].label, t.lang)) << "</text>"
            << "<rect x=\"" << label_width << "\" y=\"" << y << "\" width=\"" << std::max(w, 1)
            << "\" height=\"" << bar_height << "\"/>"
            << "<text x=\"" << label_width + std::max(w, 1) + 8 << "\" y=\"" << y + 19 << "\">"
            << c.counts[i] << "</text>";
    }
    out << "</svg>\n";
}

void write_contest(std::ostream& out, const ContestCounts& c, const Texts& t, std::string_view id,
                   std::string_view heading_tag) {
    out << "<section class=\"contest\" aria-labelledby=\"" << id << "\"><" << heading_tag
        << " id=\"" << id << "\">" << escape_html(localized(c.contest->title, t.lang)) << "</"
        << heading_tag << ">\n";
    write_chart(out, c, t, std::string(id) + "-chart");
    out << "<table data-contest=\"" << escape_html(c.contest->id) << "\"><caption>"
        << escape_html(localized(c.contest->title, t.lang))
        << "</caption><thead><tr><th scope=\"col\">" << t.option << "</th><th scope=\"col\">"
        << t.votes << "</th><th scope=\"col\">" << t.share << "</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < c.counts.size(); ++i)
        out << "<tr data-option=\"" << escape_html(c.contest->options[i].id)
            << "\"><th scope=\"row\">"
            << escape_html(localized(c.contest->options[i].label, t.lang))
            << "</th><td class=\"count\">" << c.counts[i] << "</td><td>"
            << percent(c.counts[i], c.sum) << "</td></tr>\n";
    out << "</tbody></table></section>\n";
}

void write_header(std::ostream& out, const SiteModel& model, const Texts& t, std::string_view title,
                  std::string_view root) {
    out << "<!DOCTYPE html>\n<html lang=\"" << t.lang << "\"><head><meta charset=\"utf-8\">"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        << "<title>" << escape_html(title) << " — " << escape_html(model.election_name)
        << "</title><link rel=\"stylesheet\" href=\"" << root << "assets/style.css\"></head>\n"
        << "<body><a class=\"skip\" href=\"#main\">" << t.skip << "</a>\n<header><p class=\"site\">"
        << escape_html(model.election_name) << "</p><nav aria-label=\"" << t.nav_label
        << "\"><ul><li><a href=\"index.html#results\">" << t.results
        << "</a></li><li><a href=\"index.html#turnout\">" << t.turnout
        << "</a></li><li><a href=\"index.html#checkpoints\">" << t.checkpoints
        << "</a></li><li><a href=\"receipt.html\">" << t.check_receipt << "</a></li><li><a href=\""
        << (t.lang == "en" ? "es/" : "../")
        << (title == t.receipt_title ? "receipt.html" : "index.html") << "\" lang=\""
        << (t.lang == "en" ? "es" : "en") << "\" hreflang=\"" << (t.lang == "en" ? "es" : "en")
        << "\">" << t.other_lang_name << "</a></li></ul></nav></header>\n<main id=\"main\">\n";
}

void write_footer(std::ostream& out, const Texts& t) {
    out << "</main>\n<footer><p>" << t.footer << "</p></footer>\n</body></html>\n";
}

std::vector<std::string> cosigners(const std::string& note, const std::string& own_name) {
    std::vector<std::string> names;
    const auto cut = note.rfind("\n\n");
    if (cut == std::string::npos) return names;
    std::istringstream lines(note.substr(cut + 2));
    std::string line;
    const std::string dash = "\xE2\x80\x94 ";
    while (std::getline(lines, line)) {
        if (line.rfind(dash, 0) != 0) continue;
        const std::string name =
            line.substr(dash.size(), line.find(' ', dash.size()) - dash.size());
        if (name != own_name && std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    }
    return names;
}

// The witnesses who cosigned the latest election checkpoint, comma-separated.
std::string election_cosigners(const SiteModel& model) {
    std::string joined;
    for (const std::string& name :
         cosigners(model.election_signed_checkpoint, model.election_id + "/election"))
        joined += (joined.empty() ? "" : ", ") + name;
    return joined;
}

std::string index_page(const SiteModel& model, const election::ElectionManifest& manifest,
                       const Texts& t) {
    std::ostringstream out;
    write_header(out, model, t, t.results, t.lang == "en" ? "" : "../");
    out << "<h1>" << escape_html(model.election_name) << "</h1>\n<dl class=\"facts\"><dt>"
        << t.election_id << "</dt><dd><code>" << escape_html(model.election_id)
        << "</code></dd><dt>" << t.dates << "</dt><dd>" << escape_html(model.start_date) << " – "
        << escape_html(model.end_date) << "</dd></dl>\n";

    out << "<section id=\"results\" aria-labelledby=\"results-h\"><h2 id=\"results-h\">"
        << t.results << "</h2>\n";
    if (!model.complete) out << "<p class=\"note\">" << t.incomplete << "</p>\n";
    out << "<section id=\"totals\" aria-labelledby=\"totals-h\"><h3 id=\"totals-h\">" << t.totals
        << "</h3>\n";
    for (std::size_t c = 0; c < manifest.contests.size(); ++c) {
        const auto found = model.totals.find(manifest.contests[c].id);
        write_contest(out,
                      counts_of(manifest.contests[c], found == model.totals.end()
                                                          ? std::map<std::string, std::uint64_t>{}
                                                          : found->second),
                      t, "total-" + std::to_string(c), "h4");
    }
    out << "</section>\n";
    for (std::size_t d = 0; d < model.districts.size(); ++d) {
        const SiteDistrict& district = model.districts[d];
        out << "<section class=\"district\" aria-labelledby=\"district-" << d
            << "\"><h3 id=\"district-" << d << "\">" << t.district << ' '
            << escape_html(district.name) << " (<code>" << escape_html(district.id)
            << "</code>)</h3>\n";
        if (!district.result) out << "<p>" << t.no_result << "</p>\n";
        if (district.result) {
            for (std::size_t c = 0; c < district.result->counts.size(); ++c) {
                const auto& values = district.result->counts[c];
                const election::Contest* contest = manifest.find_contest(values.contest_id);
                if (!contest) continue;
                std::map<std::string, std::uint64_t> by_option;
                for (const auto& o : values.options) by_option[o.option_id] = o.value;
                write_contest(out, counts_of(*contest, by_option), t,
                              "d" + std::to_string(d) + "-" + std::to_string(c), "h4");
            }
        }
        out << "</section>\n";
    }
    out << "</section>\n";

    out << "<section id=\"turnout\" aria-labelledby=\"turnout-h\"><h2 id=\"turnout-h\">"
        << t.turnout << "</h2><p>" << t.turnout_note << "</p>\n<table><caption>" << t.turnout
        << "</caption><thead><tr><th scope=\"col\">" << t.district << "</th><th scope=\"col\">"
        << t.ballots_cast << "</th><th scope=\"col\">" << t.ballots_challenged
        << "</th><th scope=\"col\">" << t.records << "</th></tr></thead><tbody>\n";
    std::uint64_t cast = 0;
    std::uint64_t challenged = 0;
    for (const SiteDistrict& d : model.districts) {
        out << "<tr><th scope=\"row\">" << escape_html(d.name) << "</th><td>" << d.ballots_cast
            << "</td><td>" << d.ballots_challenged << "</td><td>" << d.log_size << "</td></tr>\n";
        cast += d.ballots_cast;
        challenged += d.ballots_challenged;
    }
    out << "</tbody><tfoot><tr><th scope=\"row\">" << t.all_districts << "</th><td>" << cast
        << "</td><td>" << challenged << "</td><td></td></tr></tfoot></table></section>\n";

    out << "<section id=\"checkpoints\" aria-labelledby=\"checkpoints-h\"><h2 id=\"checkpoints-h\">"
        << t.checkpoints << "</h2><p>" << t.keys_note << "</p>\n<table class=\"keys\"><caption>"
        << t.checkpoints << "</caption><thead><tr><th scope=\"col\">" << t.log
        << "</th><th scope=\"col\">" << t.verifier_key << "</th><th scope=\"col\">"
        << t.published_checkpoint << "</th><th scope=\"col\">" << t.signed_checkpoints
        << "</th></tr></thead><tbody>\n";
    out << "<tr><th scope=\"row\">" << escape_html(model.election_id) << "/election</th><td><code>"
        << escape_html(model.election_verifier_key) << "</code></td><td>" << t.size << ' '
        << model.election_checkpoint.size << ", " << t.root << " <code>"
        << model.election_checkpoint.root.to_hex() << "</code></td><td></td></tr>\n";
    for (const SiteDistrict& d : model.districts) {
        out << "<tr><th scope=\"row\">" << escape_html(model.election_id) << "/district/"
            << escape_html(d.id) << "</th><td><code>" << escape_html(d.verifier_key)
            << "</code></td><td>";
        if (d.published)
            out << t.size << ' ' << d.published->size << ", " << t.root << " <code>"
                << d.published->root.to_hex() << "</code>";
        else
            out << t.none;
        out << "</td><td>" << d.checkpoints.size() << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
    if (const std::string names = election_cosigners(model); !names.empty())
        out << "<p>" << t.cosigners << ": " << escape_html(names) << "</p>\n";
    out << "<h3>" << t.anchors << "</h3>\n";
    if (model.anchors.empty()) {
        out << "<p>" << t.no_anchors << "</p>\n";
    } else {
        out << "<table><caption>" << t.anchors << "</caption><thead><tr><th scope=\"col\">"
            << t.chain << "</th><th scope=\"col\">" << t.size << "</th><th scope=\"col\">" << t.root
            << "</th><th scope=\"col\">" << t.transaction << "</th><th scope=\"col\">"
            << t.confirmed << "</th></tr></thead><tbody>\n";
        for (const election::AnchorState& a : model.anchors) {
            out << "<tr><th scope=\"row\">" << escape_html(a.intent.chain) << " ("
                << election::to_string(a.intent.kind) << ' ' << escape_html(a.intent.network)
                << ")</th><td>" << a.payload.election_log_size << "</td><td><code>"
                << a.payload.election_root.to_hex() << "</code></td><td>";
            for (const auto& [index, tx] : a.transactions)
                out << "<code>" << tx.transaction_id.to_hex() << "</code> ";
            out << "</td><td>" << (a.confirmed() ? t.yes : t.no) << "</td></tr>\n";
        }
        out << "</tbody></table>\n";
    }
    out << "</section>\n";
    write_footer(out, t);
    return out.str();
}

std::string receipt_page(const SiteModel& model, const Texts& t, const std::string& cosigned) {
    std::ostringstream out;
    const std::string_view root = t.lang == "en" ? "" : "../";
    write_header(out, model, t, t.receipt_title, root);
    out << "<h1>" << t.receipt_title << "</h1>\n<p>" << t.receipt_intro << "</p>\n"
        << "<noscript><p class=\"note\">" << t.noscript << "</p></noscript>\n"
        << "<form id=\"lookup\" data-root=\"" << root << "\"><label for=\"code\">" << t.code_label
        << "</label><p id=\"code-hint\" class=\"hint\">" << t.code_hint
        << "</p><input id=\"code\" name=\"code\" type=\"text\" autocomplete=\"off\" "
           "autocapitalize=\"characters\" spellcheck=\"false\" aria-describedby=\"code-hint\" "
           "required><label for=\"district\">"
        << t.district_label
        << "</label><select id=\"district\" name=\"district\"><option value=\"\">" << t.any_district
        << "</option>";
    for (const SiteDistrict& d : model.districts)
        out << "<option value=\"" << escape_html(d.id) << "\">" << escape_html(d.name) << " ("
            << escape_html(d.id) << ")</option>";
    out << "</select><button type=\"submit\">" << t.check_button << "</button></form>\n"
        << "<section id=\"outcome\" aria-live=\"polite\" tabindex=\"-1\"></section>\n";
    if (!cosigned.empty()) out << "<p>" << t.cosigners << ": " << escape_html(cosigned) << "</p>\n";
    out << "<script type=\"module\" src=\"" << root << "assets/receipt.js\"></script>\n";
    write_footer(out, t);
    return out.str();
}

}  // namespace

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

Status write_site_pages(const SiteModel& model, const election::ElectionManifest& manifest,
                        const std::filesystem::path& site) {
    std::error_code ec;
    for (const auto* dir : {"assets", "es"}) {
        std::filesystem::create_directories(site / dir, ec);
        if (ec) return make_error(ErrorCode::io_error, (site / dir).string() + ": " + ec.message());
    }
    for (const WebAsset& asset : web_assets())
        PSEPHOS_TRY(crypto::write_new_file(site / "assets" / std::string(asset.name), asset.bytes,
                                           public_mode));
    const std::string cosigned = election_cosigners(model);
    for (const auto& [texts, dir] : std::array<std::pair<const Texts*, std::filesystem::path>, 2>{
             {{&english, site}, {&spanish, site / "es"}}}) {
        PSEPHOS_TRY(crypto::write_new_file(dir / "index.html", index_page(model, manifest, *texts),
                                           public_mode));
        PSEPHOS_TRY(crypto::write_new_file(dir / "receipt.html",
                                           receipt_page(model, *texts, cosigned), public_mode));
    }
    return {};
}

}  // namespace psephos::app

// psephos publish RECORD_DIR --out SITE_DIR [--shard-size N]: the election's static web site
// from a published election record (docs/web.md). The record is read through
// record::RecordReader; the site is written into a fresh directory beside SITE_DIR and moved into
// place only when complete, so a failure leaves nothing behind.
#include <unistd.h>

#include <charconv>
#include <iostream>

#include "commands.hpp"
#include "psephos/record/record_reader.hpp"
#include "site_model.hpp"
#include "site_pages.hpp"

namespace psephos::app {

namespace {

Result<std::filesystem::path> make_staging_directory(const std::filesystem::path& out) {
    std::string pattern =
        (out.parent_path() / ("." + out.filename().string() + ".partial-XXXXXX")).string();
    if (!::mkdtemp(pattern.data()))
        return make_error(ErrorCode::io_error, out.parent_path().string() +
                                                   ": cannot create a directory beside '" +
                                                   out.filename().string() + "'");
    std::error_code ec;
    std::filesystem::permissions(pattern, std::filesystem::perms(0755), ec);
    if (ec) {
        std::filesystem::remove(pattern, ec);
        return make_error(ErrorCode::io_error, pattern + ": cannot make it readable to all");
    }
    return std::filesystem::path(pattern);
}

Status publish(const record::RecordReader& reader, const std::filesystem::path& staging,
               std::uint64_t shard_ballots, SiteModel& model) {
    PSEPHOS_TRY_ASSIGN(model, write_site_data(reader, staging, shard_ballots));
    return write_site_pages(model, reader.election().manifest, staging);
}

}  // namespace

int run_publish_command(Words words) {
    const CommandSpec spec{"psephos publish RECORD_DIR --out SITE_DIR [--shard-size N]",
                           {"--out", "--shard-size"},
                           {},
                           1,
                           1};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    const auto out_value = args->value("--out");
    if (!out_value) return usage_error(spec, "--out SITE_DIR is required");
    std::uint64_t shard_ballots = default_shard_ballots;
    if (auto size = args->value("--shard-size")) {
        const auto [end, ec] =
            std::from_chars(size->data(), size->data() + size->size(), shard_ballots);
        if (ec != std::errc() || end != size->data() + size->size() || shard_ballots == 0 ||
            shard_ballots > 1'000'000)
            return usage_error(spec, "--shard-size: '" + *size +
                                         "' is not a whole number of ballots from 1 to 1000000");
    }
    const std::filesystem::path out = std::filesystem::absolute(*out_value).lexically_normal();
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(out, ec)) &&
        !(std::filesystem::is_directory(std::filesystem::symlink_status(out, ec)) &&
          std::filesystem::is_empty(out, ec)))
        return failure(out.string() + ": exists and is not an empty directory (nothing written)");

    auto reader = record::RecordReader::open(args->positional()[0]);
    if (!reader) return failure(reader.error().message);
    auto staging = make_staging_directory(out);
    if (!staging) return failure(staging.error().message);
    SiteModel model;
    Status made = publish(reader.value(), staging.value(), shard_ballots, model);
    if (made) {
        if (std::filesystem::exists(out, ec)) std::filesystem::remove(out, ec);
        std::filesystem::rename(staging.value(), out, ec);
        if (ec) made = make_error(ErrorCode::io_error, out.string() + ": " + ec.message());
    }
    if (!made) {
        std::filesystem::remove_all(staging.value(), ec);
        return failure("publish: " + made.error().message);
    }
    std::uint64_t ballots = 0;
    std::uint64_t shards = 0;
    std::uint64_t largest = 0;
    for (const SiteDistrict& d : model.districts) {
        ballots += d.ballots_cast + d.ballots_challenged;
        shards += d.shards;
        largest = std::max(largest, d.largest_shard_bytes);
    }
    std::cout << "published " << model.election_id << " to " << out.string() << ": "
              << model.districts.size() << " districts, " << ballots << " ballots in " << shards
              << " shards (largest " << largest << " bytes)\n";
    return exit_ok;
}

}  // namespace psephos::app

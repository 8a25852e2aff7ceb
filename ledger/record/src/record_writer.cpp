// How the exporter writes the record's files: the system calls (record_writer.hpp).
#include "record_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace psephos::record::detail {

Error system_error(const fs::path& path, const std::string& what, int error) {
    return make_error(ErrorCode::io_error,
                      path.string() + ": " + what + ": " + std::strerror(error));
}

// Everything written under `path` (files and directory entries) onto the disk, with one call
// rather than an fsync per file and directory: a record of 10^5 districts has 4·10^5 of them.
Status sync_file_system(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return system_error(path, "cannot open the directory", errno);
    const int synced = ::syncfs(fd);
    const int error = errno;
    ::close(fd);
    if (synced != 0) return system_error(path, "syncfs", error);
    return {};
}

Status fsync_directory(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return system_error(path, "cannot open the directory", errno);
    const int synced = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (synced != 0) return system_error(path, "fsync", error);
    return {};
}

// Moves `from` to `to` unless `to` exists (a file or directory), atomically where the file system
// supports RENAME_NOREPLACE.
Status move_no_replace(const fs::path& from, const fs::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
    const int error = errno;
    if (error != EINVAL && error != ENOSYS)
        return system_error(to, "cannot move into place", error);
    std::error_code ec;
    if (fs::exists(fs::symlink_status(to, ec))) return system_error(to, "already exists", EEXIST);
    if (::rename(from.c_str(), to.c_str()) != 0)
        return system_error(to, "cannot move into place", errno);
    return {};
}

}  // namespace psephos::record::detail

#include "grokking/core/run_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "grokking/core/error.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

// What the holder wrote into the lock file ("pid 1234 (train)"), best effort.
std::string holder_of(int fd) {
  char text[128] = {};
  const ssize_t n = ::pread(fd, text, sizeof(text) - 1, 0);
  std::string holder(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
  return holder.empty() ? std::string("a process that has not written its pid yet") : holder;
}

}  // namespace

RunLock::RunLock(const fs::path& dir, std::string_view verb) : path_(dir / kLockFile) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  // O_CLOEXEC: the experiment's trial processes must not inherit (and so keep) its lock.
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw Error(
        fmt::format("cannot open the lock file {}: {}", path_.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string holder = err == EWOULDBLOCK ? holder_of(fd_) : "";
    ::close(fd_);
    if (err == EWOULDBLOCK)
      throw Error(
          fmt::format("{} is in use by another process ({}); wait for it to finish, or use another "
                      "directory",
                      dir.string(), holder));
    throw Error(fmt::format("cannot lock {}: {}", path_.string(), std::strerror(err)));
  }
  // Ours now (a previous holder that died left its pid behind: replace it).
  const std::string text = fmt::format("pid {}, grokking {}\n", ::getpid(), verb);
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    const int err = errno;
    ::close(fd_);
    throw Error(
        fmt::format("cannot write the lock file {}: {}", path_.string(), std::strerror(err)));
  }
}

RunLock::~RunLock() {
  // The pid is left in the file: only the flock says whether it is held.
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace grok

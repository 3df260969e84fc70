#include "grokking/core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "grokking/core/error.h"

namespace grok {
namespace {

// Remaining byte budget before an injected ENOSPC; negative means no injection.
std::mutex injection_mutex;
bool injection_initialised = false;
int64_t injection_budget = -1;

void init_injection_from_env_locked() {
  if (injection_initialised) return;
  injection_initialised = true;
  const char* env = std::getenv("GROK_INJECT_WRITE_FAILURE");
  if (env == nullptr || *env == '\0') return;
  char* end = nullptr;
  const long long value = std::strtoll(env, &end, 10);
  if (*end != '\0' || value < 0)
    throw Error(
        fmt::format("GROK_INJECT_WRITE_FAILURE='{}' is not a byte count (want an "
                    "integer >= 0)",
                    env));
  injection_budget = value;
}

// Reads GROK_INJECT_WRITE_FAILURE once; called before a write opens anything, so that a bad
// value throws without leaving a file behind.
void init_injection_from_env() {
  const std::lock_guard lock(injection_mutex);
  init_injection_from_env_locked();
}

// How many of `want` bytes may be written before the injected failure (all when off).
std::size_t injection_allowance(std::size_t want) {
  const std::lock_guard lock(injection_mutex);
  if (injection_budget < 0) return want;
  const auto allowed = std::min<std::size_t>(want, static_cast<std::size_t>(injection_budget));
  injection_budget -= static_cast<int64_t>(allowed);
  return allowed;
}

std::string system_error_text(int err) { return std::strerror(err); }

[[noreturn]] void throw_io_error(const char* what, const std::filesystem::path& path, int err) {
  throw Error(fmt::format("cannot {} {}: {}", what, path.string(), system_error_text(err)));
}

// Writes all of `bytes` to `fd`; returns 0 or the errno of the failure.
int write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t chunk = std::min<std::size_t>(bytes.size() - done, std::size_t{1} << 30);
    const std::size_t allowed = injection_allowance(chunk);
    if (allowed == 0) return ENOSPC;
    const ssize_t n = ::write(fd, bytes.data() + done, allowed);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// Writes and fsyncs `path` (already created as `fd`), closing fd; returns 0 or an errno.
int write_sync_close(int fd, std::string_view bytes) {
  int err = write_all(fd, bytes);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  return err;
}

std::string temp_name(const std::filesystem::path& path) {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("{}{}-{}-{}", kTempPrefix, path.filename().string(), ::getpid(),
                     counter.fetch_add(1));
}

std::filesystem::path parent_or_dot(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

}  // namespace

void set_write_failure_injection(std::optional<int64_t> fail_after_bytes) {
  const std::lock_guard lock(injection_mutex);
  injection_initialised = true;
  injection_budget = fail_after_bytes ? std::max<int64_t>(*fail_after_bytes, 0) : -1;
}

void write_file_synced(const std::filesystem::path& path, std::string_view bytes) {
  init_injection_from_env();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_io_error("create", path, errno);
  const int err = write_sync_close(fd, bytes);
  if (err != 0) {
    ::unlink(path.c_str());
    throw_io_error("write", path, err);
  }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  init_injection_from_env();
  const auto dir = parent_or_dot(path);
  const auto temp = dir / temp_name(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw_io_error("create a temporary file for", path, errno);
  int err = write_sync_close(fd, bytes);
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    throw_io_error("write", path, err);
  }
  fsync_directory(dir);
}

std::string read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io_error("open", path, errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int err = errno;
    ::close(fd);
    throw_io_error("stat", path, err);
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    throw Error(fmt::format("cannot read {}: it is a directory", path.string()));
  }
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw_io_error("read", path, err);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_io_error("open directory", dir, errno);
  const int err = ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  // Some filesystems cannot fsync a directory (EINVAL); their renames are still ordered.
  if (err != 0 && err != EINVAL) throw_io_error("fsync directory", dir, err);
}

}  // namespace grok

// Advisory locks on run directories: one process at a time trains, distils or runs an
// experiment in a directory. An flock(2) on DIR/.lock is held for the life of the RunLock; the
// file records the holder's pid and verb, so a second process can say who holds it. The kernel
// drops the lock when its holder dies (even by kill -9), so a stale lock file is simply taken
// over. Not for files shared between runs (a teacher checkpoint is only read).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace grok {

inline constexpr std::string_view kLockFile = ".lock";

class RunLock {
 public:
  // Creates `dir` if needed and locks dir/.lock for `verb` ("train"). grok::Error (exit 1)
  // naming the directory and the holder's pid if another process holds it, or naming the path
  // if the directory cannot be created or the lock file written (read-only, full disk).
  RunLock(const std::filesystem::path& dir, std::string_view verb);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace grok

// How the run files name other files: absolute, with `.` and `..` and symbolic links resolved as
// far as the path exists, so that a record stays meaningful after a change of directory.
#pragma once

#include <filesystem>
#include <system_error>

namespace grok {

// The canonical absolute form of `path` (std::filesystem::weakly_canonical), or its plain
// absolute form where that cannot be resolved.
inline std::filesystem::path absolute_path(const std::filesystem::path& path) {
  std::error_code ignored;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ignored);
  std::filesystem::path resolved = std::filesystem::weakly_canonical(absolute, ignored);
  return resolved.empty() ? absolute : resolved;
}

}  // namespace grok

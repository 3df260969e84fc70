// Durable file I/O: whole-file reads, and writes that either fully replace a file or leave
// it untouched (temporary name in the same directory, fsync, rename, fsync the directory).
// Used for checkpoints, metadata and manifests. Not a streaming writer: the whole content is
// passed at once (our files are at most a few hundred MB).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace grok {

// Prefix of every temporary name this module creates ("<dir>/.tmp-<name>-<pid>-<n>"), so that
// a directory's owner can recognise and remove leftovers of a crashed process.
inline constexpr std::string_view kTempPrefix = ".tmp-";

// Atomically replaces `path` with `bytes`: after a crash, `path` holds either the old or the
// new content, never a mix. On any failure (e.g. ENOSPC) the temporary file is removed and
// grok::Error names the path and the system error.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// Creates or truncates `path`, writes `bytes` and fsyncs the file (not its directory). Used
// inside a temporary directory that is renamed into place afterwards. On failure the
// partial file is removed and grok::Error names the path and the system error.
void write_file_synced(const std::filesystem::path& path, std::string_view bytes);

// The whole content of `path`; grok::Error naming the path if it is missing or unreadable.
std::string read_file(const std::filesystem::path& path);

// fsyncs a directory so that renames and creations inside it survive a power loss.
void fsync_directory(const std::filesystem::path& dir);

// Test hook simulating a full disk: once `fail_after_bytes` bytes in total have been written
// by this module (counted from this call), further writes fail with ENOSPC. std::nullopt
// turns it off. The environment variable GROK_INJECT_WRITE_FAILURE=<bytes>, read at the
// first write of the process, sets the same budget (for CLI tests).
void set_write_failure_injection(std::optional<int64_t> fail_after_bytes);

}  // namespace grok

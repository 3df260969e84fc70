#include "grokking/checkpoint/checkpoint_manager.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "grokking/checkpoint/checkpoint_state.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/core/sha256.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kStepPrefix = "step_";
// A step directory moved aside while being replaced (only where RENAME_EXCHANGE fails).
constexpr std::string_view kOldPrefix = ".tmp-old-";

[[noreturn]] void throw_rename_error(const fs::path& from, const fs::path& to, int err) {
  throw Error(
      fmt::format("cannot rename {} to {}: {}", from.string(), to.string(), std::strerror(err)));
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) throw_rename_error(from, to, errno);
}

// The epoch a step directory's state.json records, if it is valid and was saved at an epoch's
// end. An old step that is not (edited, corrupt) is not kept for keep_every.
std::optional<int64_t> read_epoch_end(const fs::path& step_dir) {
  try {
    const auto state = read_json_file(step_dir / kStateFile);
    if (!check_state(state, (step_dir / kStateFile).string()).empty()) return std::nullopt;
    const auto mid_epoch = state.find("mid_epoch");
    if (mid_epoch != state.end() && (!mid_epoch->is_boolean() || mid_epoch->get<bool>()))
      return std::nullopt;
    return state["epoch"].get<int64_t>();
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string step_dir_name(int64_t step) {
  GROK_CHECK(step >= 0, "negative step {}", step);
  return fmt::format("{}{:08d}", kStepPrefix, step);
}

std::optional<int64_t> parse_step_dir_name(std::string_view name) {
  if (!starts_with(name, kStepPrefix)) return std::nullopt;
  const std::string_view digits = name.substr(kStepPrefix.size());
  if (digits.size() < 8 || digits.size() > 18) return std::nullopt;
  int64_t step = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    step = step * 10 + (c - '0');
  }
  return step;
}

CheckpointManager::CheckpointManager(fs::path dir, RetentionPolicy policy)
    : dir_(std::move(dir)), policy_(policy) {
  if (policy_.keep < 1)
    throw Error(
        fmt::format("keep must be at least 1 (got {}): the newest checkpoint is always "
                    "kept",
                    policy_.keep));
  if (policy_.keep_every < 0)
    throw Error(fmt::format("keep_every must be 0 (off) or positive (got {})", policy_.keep_every));
}

std::vector<fs::path> CheckpointManager::clean_temporaries() const {
  std::vector<fs::path> cleaned;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return cleaned;
  std::vector<fs::path> temporaries;
  for (const auto& entry : fs::directory_iterator(dir_, ec))
    if (starts_with(entry.path().filename().string(), kTempPrefix))
      temporaries.push_back(entry.path());
  std::sort(temporaries.begin(), temporaries.end());
  for (const auto& path : temporaries) {
    const std::string name = path.filename().string();
    if (starts_with(name, kOldPrefix)) {
      // ".tmp-old-step_XXXXXXXX-<pid>": restore it if its replacement never arrived.
      const std::string rest = name.substr(kOldPrefix.size());
      const auto step = parse_step_dir_name(rest.substr(0, rest.rfind('-')));
      if (step && !fs::exists(dir_ / step_dir_name(*step), ec)) {
        rename_or_throw(path, dir_ / step_dir_name(*step));
        cleaned.push_back(path);
        continue;
      }
    }
    fs::remove_all(path, ec);
    if (ec)
      throw Error(
          fmt::format("cannot remove leftover temporary {}: {}", path.string(), ec.message()));
    cleaned.push_back(path);
  }
  if (!cleaned.empty()) fsync_directory(dir_);
  return cleaned;
}

void CheckpointManager::commit_step_dir(const fs::path& temp, const fs::path& final) const {
  std::error_code ec;
  if (!fs::exists(final, ec)) {
    rename_or_throw(temp, final);
    return;
  }
  // Replace atomically: after the exchange `temp` holds the old directory.
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, final.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(temp, ec);
    return;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw_rename_error(temp, final, errno);
  // No exchange on this filesystem: move the old one aside (clean_temporaries restores it if
  // we crash before the new one is in place).
  const fs::path old =
      dir_ / fmt::format("{}{}-{}", kOldPrefix, final.filename().string(), ::getpid());
  fs::remove_all(old, ec);
  rename_or_throw(final, old);
  if (std::rename(temp.c_str(), final.c_str()) != 0) {
    const int err = errno;
    std::rename(old.c_str(), final.c_str());
    throw_rename_error(temp, final, err);
  }
  fs::remove_all(old, ec);
}

SaveResult CheckpointManager::save(const CheckpointWrite& write) {
  GROK_CHECK(write.step >= 0 && write.epoch >= 0, "step {} epoch {}", write.step, write.epoch);
  GROK_CHECK(write.state.is_object(), "checkpoint state must be a JSON object");
  GROK_CHECK(write.metadata.is_object(), "checkpoint metadata must be a JSON object");
  for (const auto key : kReservedStateKeys)
    GROK_CHECK(!write.state.contains(key), "checkpoint state uses the reserved key '{}'", key);

  const std::string name = step_dir_name(write.step);
  const fs::path final = dir_ / name;
  const fs::path temp = dir_ / fmt::format("{}{}-{}", kTempPrefix, name, ::getpid());
  std::error_code ec;
  try {
    fs::create_directories(dir_, ec);
    if (ec) throw Error(fmt::format("cannot create {}: {}", dir_.string(), ec.message()));
    fs::remove_all(temp, ec);
    if (!fs::create_directory(temp, ec) || ec)
      throw Error(fmt::format("cannot create {}: {}", temp.string(), ec.message()));
    const std::map<std::string, std::string> tensor_metadata = {
        {"producer", "grokking.cpp"}, {"format_version", std::to_string(kCheckpointFormatVersion)}};
    nlohmann::json state = write.state;
    state["format_version"] = kCheckpointFormatVersion;
    state["step"] = write.step;
    state["epoch"] = write.epoch;
    if (write.mid_epoch) state["mid_epoch"] = true;
    state["files"] = nlohmann::json::object();
    std::map<std::string, std::string> model_metadata = write.model_metadata;
    for (const auto& [key, value] : tensor_metadata) model_metadata[key] = value;
    for (const auto& [file, tensors] :
         {std::pair{kModelFile, &write.model}, std::pair{kOptimizerFile, &write.optimizer}}) {
      const std::string bytes =
          encode_safetensors(*tensors, file == kModelFile ? model_metadata : tensor_metadata);
      write_file_synced(temp / file, bytes);
      state["files"][std::string(file)] = {{"sha256", sha256_hex(bytes)}, {"bytes", bytes.size()}};
    }
    seal_state(&state);
    write_file_synced(temp / kStateFile, state.dump(2) + "\n");
    fsync_directory(temp);
    commit_step_dir(temp, final);
    fsync_directory(dir_);
  } catch (const std::exception& e) {
    fs::remove_all(temp, ec);
    throw Error(fmt::format("cannot write checkpoint {} in {}: {}", name, dir_.string(), e.what()));
  }

  nlohmann::json metadata = write.metadata;
  metadata["latest_step"] = write.step;
  metadata["latest_epoch"] = write.epoch;
  metadata["format_version"] = kCheckpointFormatVersion;
  try {
    write_json_file_atomic(dir_ / kMetadataFile, metadata);
  } catch (const std::exception& e) {
    throw Error(fmt::format("checkpoint {} was written but {} could not be updated: {}",
                            final.string(), kMetadataFile, e.what()));
  }
  return {final, prune(write.step)};
}

std::vector<StepEntry> CheckpointManager::list_steps() const {
  std::vector<StepEntry> steps;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return steps;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const auto step = parse_step_dir_name(entry.path().filename().string());
    if (step && entry.is_directory(ec)) steps.push_back({*step, entry.path()});
  }
  std::sort(steps.begin(), steps.end(),
            [](const StepEntry& a, const StepEntry& b) { return a.step > b.step; });
  return steps;
}

LatestValid CheckpointManager::latest_valid() const {
  LatestValid result;
  for (auto& entry : list_steps()) {
    std::string problem = validate_checkpoint(entry.path);
    if (problem.empty()) {
      result.found = std::move(entry);
      break;
    }
    result.skipped.push_back({entry.path, std::move(problem)});
  }
  return result;
}

std::optional<nlohmann::json> CheckpointManager::read_metadata() const {
  const fs::path path = dir_ / kMetadataFile;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  nlohmann::json metadata = read_json_file(path);
  if (!metadata.is_object()) throw Error(path.string() + ": not a JSON object");
  const auto version = metadata.find("format_version");
  if (version != metadata.end() && version->is_number_integer() &&
      version->get<int64_t>() > kCheckpointFormatVersion)
    throw Error(
        fmt::format("{}: format_version {} was written by a newer grokking (this build "
                    "reads up to {})",
                    path.string(), version->get<int64_t>(), kCheckpointFormatVersion));
  return metadata;
}

bool CheckpointManager::holds_checkpoints() const {
  std::error_code ec;
  return fs::exists(dir_ / kMetadataFile, ec) || !list_steps().empty();
}

std::vector<fs::path> CheckpointManager::clear() const {
  std::vector<fs::path> removed;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return removed;
  std::vector<fs::path> targets;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kMetadataFile || starts_with(name, kTempPrefix) ||
        (parse_step_dir_name(name) && entry.is_directory(ec)))
      targets.push_back(entry.path());
  }
  std::sort(targets.begin(), targets.end());
  for (const auto& path : targets) {
    fs::remove_all(path, ec);
    if (ec) throw Error(fmt::format("cannot remove {}: {}", path.string(), ec.message()));
    removed.push_back(path);
  }
  return removed;
}

std::vector<fs::path> CheckpointManager::prune(int64_t newest_step) const {
  std::vector<fs::path> removed;
  int rank = 0;  // position among the directories not newer than newest_step
  for (const auto& entry : list_steps()) {
    bool keep = entry.step == newest_step || entry.step == protected_step_;
    if (entry.step <= newest_step) {
      keep = keep || rank < policy_.keep;
      ++rank;
      if (!keep && policy_.keep_every > 0) {
        const auto epoch = read_epoch_end(entry.path);
        keep = epoch && *epoch % policy_.keep_every == 0;
      }
    }
    if (keep) continue;
    std::error_code ec;
    fs::remove_all(entry.path, ec);
    if (!ec) removed.push_back(entry.path);
  }
  if (!removed.empty()) {
    try {
      fsync_directory(dir_);
    } catch (const Error&) {
      // Removal is best effort; a resurrected old directory is harmless.
    }
  }
  return removed;
}

}  // namespace grok

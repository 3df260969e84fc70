// Reading and verifying step directories (validate_checkpoint, load_checkpoint) and finding
// the checkpoint a path refers to (resolve_checkpoint). Writing is in checkpoint_manager.cc.
#include <fmt/ranges.h>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/checkpoint/checkpoint_state.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/core/sha256.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

// Verifies one tensor file against its state.json entry and decodes it into *out.
std::string read_tensor_file(const fs::path& step_dir, std::string_view file,
                             const nlohmann::json& files, SafeTensorFile* out) {
  const std::string where = (step_dir / file).string();
  const auto entry = files.find(std::string(file));
  if (entry == files.end() || !entry->is_object() || !entry->contains("sha256") ||
      !(*entry)["sha256"].is_string() || !entry->contains("bytes") ||
      !(*entry)["bytes"].is_number_unsigned())
    return fmt::format("{}: state.json has no valid \"files\" entry (sha256, bytes) for {}",
                       step_dir.string(), file);
  const auto expected_sha = (*entry)["sha256"].get<std::string>();
  const auto expected_bytes = (*entry)["bytes"].get<uint64_t>();
  std::error_code ec;
  if (!fs::exists(step_dir / file, ec)) return where + ": missing";
  std::string bytes;
  try {
    bytes = read_file(step_dir / file);
  } catch (const Error& e) {
    return e.what();
  }
  if (bytes.size() != expected_bytes)
    return fmt::format("{}: {} (expected {} bytes, found {})", where,
                       bytes.size() < expected_bytes ? "truncated" : "size mismatch",
                       expected_bytes, bytes.size());
  try {
    *out = decode_safetensors(bytes, where);
  } catch (const Error& e) {
    return e.what();
  }
  const std::string found_sha = sha256_hex(bytes);
  if (found_sha != expected_sha)
    return fmt::format("{}: checksum mismatch (expected sha256 {}, found {})", where, expected_sha,
                       found_sha);
  return "";
}

// Reads everything of `step_dir` into *out; returns "" or the first problem found.
std::string read_verified(const fs::path& step_dir, CheckpointContents* out) {
  std::error_code ec;
  if (!fs::is_directory(step_dir, ec)) return step_dir.string() + ": missing";
  const fs::path state_path = step_dir / kStateFile;
  if (!fs::exists(state_path, ec)) return state_path.string() + ": missing";
  nlohmann::json state;
  try {
    state = read_json_file(state_path);
  } catch (const Error& e) {
    return e.what();
  }
  const std::string problem = check_state(state, state_path.string());
  if (!problem.empty()) return problem;
  const auto step = state["step"].get<int64_t>();
  const auto dir_step = parse_step_dir_name(step_dir.filename().string());
  if (dir_step && *dir_step != step)
    return fmt::format("{}: step {} does not match the directory name", state_path.string(), step);
  const auto& files = state["files"];
  for (const auto& [file, target] :
       {std::pair{kModelFile, &out->model}, std::pair{kOptimizerFile, &out->optimizer}}) {
    const std::string file_problem = read_tensor_file(step_dir, file, files, target);
    if (!file_problem.empty()) return file_problem;
  }
  out->path = step_dir;
  out->step = step;
  out->epoch = state["epoch"].get<int64_t>();
  out->state = std::move(state);
  return "";
}

// read_verified, with any failure (a JSON value of the wrong type, an allocation that fails) as
// the problem rather than an exception, so that a search for the newest valid step skips it.
std::string read_checked(const fs::path& step_dir, CheckpointContents* out) {
  try {
    return read_verified(step_dir, out);
  } catch (const std::exception& e) {
    return fmt::format("{}: {}", step_dir.string(), e.what());
  }
}

}  // namespace

std::string validate_checkpoint(const fs::path& step_dir) {
  CheckpointContents contents;
  return read_checked(step_dir, &contents);
}

CheckpointContents load_checkpoint(const fs::path& step_dir) {
  CheckpointContents contents;
  const std::string problem = read_checked(step_dir, &contents);
  if (!problem.empty()) throw Error("invalid checkpoint: " + problem);
  return contents;
}

ResolvedCheckpoint resolve_checkpoint(const fs::path& given) {
  // "run/checkpoints/step_00000040/" names the step directory, not a child of it.
  fs::path path = given.lexically_normal();
  if (!path.has_filename() && path.has_parent_path()) path = path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(path, ec))
    throw Error(fmt::format("{}: not a directory (expected a run, checkpoint or step directory)",
                            path.string()));
  if (parse_step_dir_name(path.filename().string()) || fs::exists(path / kStateFile, ec))
    return {path.parent_path(), path, {}};
  const fs::path checkpoint_dir =
      fs::is_directory(path / "checkpoints", ec) ? path / "checkpoints" : path;
  const LatestValid latest = CheckpointManager(checkpoint_dir).latest_valid();
  if (!latest.found) {
    std::vector<std::string> problems;
    for (const auto& skipped : latest.skipped) problems.push_back(skipped.problem);
    throw Error(fmt::format("{}: no valid checkpoint{}", checkpoint_dir.string(),
                            problems.empty()
                                ? std::string(" (no step_XXXXXXXX directories)")
                                : "; " + fmt::format("{}", fmt::join(problems, "; "))));
  }
  return {checkpoint_dir, latest.found->path, latest.skipped};
}

}  // namespace grok

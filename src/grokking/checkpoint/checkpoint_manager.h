// The checkpoint manager, with Orbax's layout and semantics (REFERENCE.md §4):
//   checkpoint_dir/metadata.json            caller's config/task/optimizer/seed + latest_step,
//                                           latest_epoch, format_version (replaced atomically)
//   checkpoint_dir/step_XXXXXXXX/           one directory per save (8-digit global step):
//     model.safetensors, optimizer.safetensors, state.json (step, epoch, the caller's RNG and
//     data-order state, size and SHA-256 of each tensor file, a checksum of itself)
// A step directory is written under ".tmp-step_XXXXXXXX-<pid>", fsynced and renamed into
// place, so a crash never leaves a partial checkpoint under a final name. Retention keeps the
// newest `keep`, every `keep_every`-th epoch and the protected (resumed-from) step. Discovery
// verifies checksums and skips corrupt directories, saying why. This module knows nothing of
// models or optimizers: the caller passes tensor views and JSON, and reads them back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grokking/checkpoint/safetensors.h"

namespace grok {

inline constexpr int kCheckpointFormatVersion = 1;
inline constexpr std::string_view kModelFile = "model.safetensors";
inline constexpr std::string_view kOptimizerFile = "optimizer.safetensors";
inline constexpr std::string_view kStateFile = "state.json";
inline constexpr std::string_view kMetadataFile = "metadata.json";

// "step_00000040".
std::string step_dir_name(int64_t step);
// The step of a name "step_" + at least 8 digits; nullopt for anything else.
std::optional<int64_t> parse_step_dir_name(std::string_view name);

struct RetentionPolicy {
  int keep = 3;        // newest step directories kept (>= 1)
  int keep_every = 0;  // also keep every epoch end whose epoch is a multiple (0: off)
};

struct StepEntry {
  int64_t step = 0;
  std::filesystem::path path;
};

struct SkippedCheckpoint {
  std::filesystem::path path;  // the step directory
  std::string problem;         // "<dir>/step_00000040/model.safetensors: checksum mismatch (...)"
};

struct LatestValid {
  std::optional<StepEntry> found;          // newest valid step directory, if any
  std::vector<SkippedCheckpoint> skipped;  // newer ones that failed validation, newest first
};

// What one save writes. The views must stay valid during save().
struct CheckpointWrite {
  int64_t step = 0;                       // global step (directory name)
  int64_t epoch = 0;                      // epochs completed
  bool mid_epoch = false;                 // saved inside an epoch (a signal): never kept by
                                          // keep_every, which keeps epoch ends
  std::vector<SafeTensorView> model;      // -> model.safetensors
  std::vector<SafeTensorView> optimizer;  // -> optimizer.safetensors
  // Caller's entries for model.safetensors's __metadata__ beside producer and format_version
  // (e.g. the model config and task as JSON text, so that the file describes itself).
  std::map<std::string, std::string> model_metadata;
  // Caller's keys for state.json (e.g. "rng", "data_order"); must be an object and must not
  // use the reserved keys format_version, step, epoch, files, state_sha256.
  nlohmann::json state = nlohmann::json::object();
  // Caller's keys for metadata.json (config, task, optimizer, seed, ...); latest_step,
  // latest_epoch and format_version are added (and overwritten) by save().
  nlohmann::json metadata = nlohmann::json::object();
};

struct SaveResult {
  std::filesystem::path path;                  // the new step directory
  std::vector<std::filesystem::path> removed;  // step directories removed by retention
};

// A verified checkpoint read back. `state` is the whole state.json (caller's keys included).
struct CheckpointContents {
  std::filesystem::path path;
  int64_t step = 0;
  int64_t epoch = 0;
  SafeTensorFile model;
  SafeTensorFile optimizer;
  nlohmann::json state;
};

// "" if `step_dir` is a complete, uncorrupted checkpoint; otherwise one line naming the file
// and the problem: missing, invalid JSON, truncated, checksum mismatch, bad header, newer
// format version, step not matching the directory name.
std::string validate_checkpoint(const std::filesystem::path& step_dir);

// Reads and verifies `step_dir` (as validate_checkpoint); grok::Error with the problem if any.
CheckpointContents load_checkpoint(const std::filesystem::path& step_dir);

// Where a downstream job (distill, analyze, inspect) finds a checkpoint: `path` may be a step
// directory, a checkpoint directory (its newest valid step) or a run directory holding
// checkpoints/. grok::Error if nothing valid is found there (naming skipped directories).
struct ResolvedCheckpoint {
  std::filesystem::path checkpoint_dir;  // holds metadata.json
  std::filesystem::path step_dir;
  std::vector<SkippedCheckpoint> skipped;  // newer invalid steps passed over
};
ResolvedCheckpoint resolve_checkpoint(const std::filesystem::path& path);

class CheckpointManager {
 public:
  // Does not touch the filesystem; grok::Error if policy.keep < 1 or keep_every < 0.
  explicit CheckpointManager(std::filesystem::path dir, RetentionPolicy policy = {});

  const std::filesystem::path& dir() const { return dir_; }

  // The step directory that retention must never remove (the one resumed from).
  void set_protected_step(std::optional<int64_t> step) { protected_step_ = step; }

  // Removes leftovers of a crashed save (".tmp-*" entries); if a crash interrupted the
  // replacement of an existing step directory, restores the old one instead. Returns what was
  // removed or restored, for the caller to report. Call once at start.
  std::vector<std::filesystem::path> clean_temporaries() const;

  // Writes step directory `write.step` (replacing an existing one of that step atomically),
  // then metadata.json, then applies retention. On failure (e.g. disk full) nothing already
  // committed is changed, the temporary directory is removed and grok::Error says what failed
  // ("cannot write checkpoint step_00000040 in DIR: DIR/.tmp-.../model.safetensors: No space
  // left on device").
  SaveResult save(const CheckpointWrite& write);

  // Step directories, newest first.
  std::vector<StepEntry> list_steps() const;

  // The newest valid step directory and the newer invalid ones skipped on the way.
  LatestValid latest_valid() const;

  // metadata.json, or nullopt if absent; grok::Error naming the file if it is unreadable, not
  // a JSON object, or has a format_version newer than this build reads.
  std::optional<nlohmann::json> read_metadata() const;

  // True if the directory holds metadata.json or any step directory (a fresh run must not
  // write into it without --resume or --overwrite).
  bool holds_checkpoints() const;

  // Removes metadata.json, every step directory and leftover temporaries (not other files);
  // returns what was removed. For --overwrite.
  std::vector<std::filesystem::path> clear() const;

  // Applies retention after `newest_step` was saved: removes step directories newer than
  // it (an abandoned timeline, e.g. a corrupt step skipped at resume), and of the others keeps
  // the newest `keep`, those whose epoch is a multiple of keep_every, newest_step and the
  // protected step. Returns the removed directories. Called by save().
  std::vector<std::filesystem::path> prune(int64_t newest_step) const;

 private:
  void commit_step_dir(const std::filesystem::path& temp, const std::filesystem::path& final) const;

  std::filesystem::path dir_;
  RetentionPolicy policy_;
  std::optional<int64_t> protected_step_;
};

}  // namespace grok

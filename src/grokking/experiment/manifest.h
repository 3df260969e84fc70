// The experiment manifest (CONTRACT.md "Experiment directory"): one record per trial with its
// status and results, rewritten atomically after every trial so that an interruption loses
// nothing and a re-run knows what is done. Not the scheduling (runner.h).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grokking/experiment/plan.h"
#include "grokking/train/grok_events.h"

namespace grok {

inline constexpr int kManifestFormatVersion = 1;

enum class TrialStatus { kQueued, kRunning, kCompleted, kFailed, kSkipped, kInterrupted };
std::string to_string(TrialStatus status);
TrialStatus parse_trial_status(const std::string& text);

struct TrialRecord {
  std::string id;
  TrialStatus status = TrialStatus::kQueued;
  std::string note;  // why a trial failed or was skipped
  // Results (from the trial's summary.json and history), when completed.
  std::optional<double> val_acc, best_val_acc;
  std::optional<int64_t> epoch_to_50, epoch_to_90, epoch_to_99;
  // grok_events.h: epoch_to_threshold follows --grokking_threshold (epoch_to_99 is fixed).
  std::optional<int64_t> epoch_to_threshold, train_epoch_to_threshold, grokking_delay;
  bool generalised = false;
  bool grokked = false;  // generalised with a delay >= grok_min_delay
  bool success = false;  // final val_acc >= threshold (the reference's "success")
  std::optional<int64_t> params;
  std::optional<double> wall_s;
};

// Reads a finished trial's results from its run directory. grok::Error naming the file if the
// summary or history is missing or invalid.
TrialRecord read_trial_results(const std::filesystem::path& run_dir, const Trial& trial,
                               const GrokDefinition& definition);

// The manifest document: settings, the teacher, and every trial's definition and record.
nlohmann::ordered_json manifest_json(const std::filesystem::path& out,
                                     const std::vector<Trial>& plan,
                                     const std::vector<TrialRecord>& records,
                                     const GrokDefinition& definition);

// The results fields of one manifest trial entry (val_acc, best_val_acc, epoch_to_*, grokked,
// success, params, wall_s; absent or null fields stay unset). id, status and note are left
// for the caller. Throws nlohmann::json exceptions on mistyped fields.
TrialRecord trial_results_from_json(const nlohmann::json& entry);

// Records of a previous manifest by id (empty if the file does not exist).
std::vector<TrialRecord> read_manifest_records(const std::filesystem::path& manifest_path);

}  // namespace grok

// An experiment directory as the report reads it (CONTRACT.md "Experiment directory"): the
// trials of manifest.json with their results, run directories and display labels, grouped
// into configurations named as statistics.json names them ("student logit r0 d64 l2"), plus
// statistics.json and the task of plan.json. Read-only; not the experiment runner's own
// records (experiment/manifest.h), which this mirrors from the files so that a report can be
// drawn from any finished or partial experiment directory, even one copied elsewhere.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace grok {

struct ReportTrial {
  std::string id;
  std::string kind;      // teacher | student | scratch
  std::string strategy;  // students only
  std::string status;    // completed, failed, queued, ...
  int round = 0;
  int repeat = 0;  // 0-based (plan.json's repeat; else the seed's rank among the seeds)
  uint64_t seed = 0;
  double overall_scale = 1;
  int dim = 0, depth = 0;
  int64_t epoch_budget = 0;  // optimizer.epochs
  std::optional<int64_t> params, epoch_to_99;
  std::optional<double> val_acc, best_val_acc, wall_s;
  bool grokked = false;
  std::filesystem::path run_dir;  // manifest's run_dir if it exists, else DIR/<id>
  std::string configuration;      // statistics.json's configuration name
  std::string label;              // "teacher", "logit 0.5×", "scratch 0.5×", "feature 0.25× r1"
  std::string colour_key;         // plot_style.h's strategy name: teacher, scratch or strategy

  bool completed() const { return status == "completed"; }
};

struct ExperimentData {
  std::filesystem::path dir;
  std::vector<ReportTrial> trials;  // manifest order
  nlohmann::json statistics;        // statistics.json; null if absent
  nlohmann::json task;              // {p, operation, train_fraction, seed}; null if unknown
  double threshold = 0.99;          // manifest grok_detection.threshold
  int window = 0;                   // manifest grok_detection.window (older manifests)
  // The two-part definition (experiment_config.h): absent in manifests from before it.
  std::optional<double> tolerance;  // grok_detection.tolerance
  std::optional<int> min_delay;     // grok_detection.min_delay

  // Configuration names in order of first appearance.
  std::vector<std::string> configurations() const;
  // The trials of one configuration, in manifest order.
  std::vector<const ReportTrial*> trials_of(const std::string& configuration) const;
  int completed() const;
};

// "0.5×" (shortest decimal).
std::string format_scale(double scale);

// Reads DIR/manifest.json (required), DIR/statistics.json and DIR/plan.json (optional).
// grok::Error naming the file and field if the manifest is missing or malformed.
ExperimentData read_experiment(const std::filesystem::path& dir);

}  // namespace grok

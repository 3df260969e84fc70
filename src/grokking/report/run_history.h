// The per-epoch history of one run directory, as plots read it: training_history.json (train)
// or distillation_history.json (distill; with logit_loss, attention_loss, feature_loss and
// ce_loss), parallel lists by column name (CONTRACT.md "Run directory") read into train's
// History, plus the grok epoch (train/grok_events.h). Not the writer of those files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "grokking/train/history.h"

namespace grok {

// The grok epoch of the figures: the first epoch whose val accuracy is at least this.
inline constexpr double kGrokAccuracy = 0.99;

struct RunHistory {
  std::filesystem::path dir;
  std::filesystem::path file;  // the history file read
  bool distillation = false;   // distillation_history.json
  History history;             // every list of the file
  // A distilled run's strategy as checkpoints/metadata.json records it (one name, or
  // "combined" for several); empty for a trained run or without metadata.
  std::string strategy;

  bool has(const std::string& name) const;
  // grok::Error naming the file and the column if absent.
  const std::vector<double>& column(const std::string& name) const;
  std::size_t size() const { return history.rows(); }  // entries (epochs)
  // The first recorded epoch with val_acc >= threshold; nullopt if none.
  std::optional<int64_t> first_epoch_reaching(double threshold = kGrokAccuracy) const;
};

// Reads run_dir's history (distillation_history.json if present, else training_history.json).
// grok::Error naming the file if neither exists, the JSON is invalid, a list is missing
// (epoch, train_acc, val_acc, train_loss, val_loss) or the lists differ in length.
RunHistory read_run_history(const std::filesystem::path& run_dir);

// Short unique labels for several runs: for each path, the fewest trailing components that
// tell it apart from the others ("s42/teacher" and "s43/teacher"; "t" and "s").
std::vector<std::string> run_labels(const std::vector<std::filesystem::path>& dirs);

}  // namespace grok

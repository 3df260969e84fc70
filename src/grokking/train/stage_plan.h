// A run's stages (stage_config.h) laid out over its epochs and steps: stage k runs the epochs
// [first_epoch(k), first_epoch(k + 1)), its schedule counting from first_step(k). A run without
// stages is one unnamed stage over all its epochs. Not what a stage changes (the trainer builds
// its optimizer and tells the objective).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "grokking/train/stage_config.h"

namespace grok {

class StagePlan {
 public:
  StagePlan(std::vector<StageConfig> stages, int64_t steps_in_epoch);

  bool staged() const { return !stages_.empty(); }
  std::size_t size() const { return std::max<std::size_t>(1, stages_.size()); }
  // GROK_CHECK: staged().
  const StageConfig& stage(std::size_t k) const;
  const std::vector<StageConfig>& stages() const { return stages_; }
  int64_t first_epoch(std::size_t k) const { return first_epoch_.at(k); }
  int64_t first_step(std::size_t k) const { return first_epoch(k) * steps_in_epoch_; }
  // The stage of the 0-based epoch `epoch` (past the last stage: the last).
  std::size_t stage_of_epoch(int64_t epoch) const;
  // The stage whose optimizer took the last of `step` steps, after `epochs` completed epochs
  // and `batch_in_epoch` batches of the next (a checkpoint's loop state): the stage of the
  // unfinished epoch if it has begun, else of the last completed one.
  std::size_t stage_after(int64_t epochs, int64_t batch_in_epoch) const;

 private:
  std::vector<StageConfig> stages_;
  int64_t steps_in_epoch_;
  std::vector<int64_t> first_epoch_;  // per stage; one 0 without stages
};

}  // namespace grok

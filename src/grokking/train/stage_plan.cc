#include "grokking/train/stage_plan.h"

#include <algorithm>

#include "grokking/core/error.h"

namespace grok {

StagePlan::StagePlan(std::vector<StageConfig> stages, int64_t steps_in_epoch)
    : stages_(std::move(stages)), steps_in_epoch_(steps_in_epoch), first_epoch_(1, 0) {
  for (std::size_t k = 1; k < stages_.size(); ++k)
    first_epoch_.push_back(first_epoch_.back() + stages_[k - 1].epochs);
}

const StageConfig& StagePlan::stage(std::size_t k) const {
  GROK_CHECK(staged() && k < stages_.size(), "stage {} of {}", k, stages_.size());
  return stages_[k];
}

std::size_t StagePlan::stage_of_epoch(int64_t epoch) const {
  std::size_t k = 0;
  while (k + 1 < first_epoch_.size() && first_epoch_[k + 1] <= epoch) ++k;
  return k;
}

std::size_t StagePlan::stage_after(int64_t epochs, int64_t batch_in_epoch) const {
  return stage_of_epoch(batch_in_epoch > 0 ? epochs : std::max<int64_t>(0, epochs - 1));
}

}  // namespace grok

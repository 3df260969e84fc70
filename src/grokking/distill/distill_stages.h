// The distillation weights of a multi-stage run's stages (train/stage_config.h): a stage may set
// alpha and each strategy hyperparameter (temperature, attention_weight, feature_weight, from
// the strategy table); the keys it leaves out keep the run's values. The strategies themselves
// and disable_ground_truth are the run's. Not the stages' optimizer settings (the trainer's).
#pragma once

#include <string>
#include <vector>

#include "grokking/distill/distill_settings.h"
#include "grokking/train/stage_config.h"

namespace grok {

// "alpha", then the strategy hyperparameters in table order.
std::vector<std::string> stage_weight_names();

// The run's settings with the stage's weights (keys check_stages allowed: stage_weight_names()).
DistillSettings settings_for_stage(const DistillSettings& run, const StageConfig& stage);

// Every stage's settings in range, before anything is allocated: UsageError naming
// stages[i].key, the value and what is allowed (or that the stage leaves no loss).
void check_stage_settings(const DistillSettings& run, const std::vector<StageConfig>& stages);

}  // namespace grok

// What the parameter groups (optim/param_group.h) made of a run's tensors, for the start of the
// run and its summary: one row per tensor with its group, learning rate and weight decay.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grokking/train/run_checkpoint.h"

namespace grok {

// "parameter groups (first matching pattern wins):" then aligned rows
//   tensor  group  lr  weight_decay  (frozen)
// lr is the peak learning rate times the group's multiplier.
std::string parameter_group_table(const std::vector<TrainableGroup>& groups);

// [{"tensor", "group", "lr_multiplier", "lr", "weight_decay", "frozen"}] in the same order.
nlohmann::json parameter_group_json(const std::vector<TrainableGroup>& groups);

}  // namespace grok

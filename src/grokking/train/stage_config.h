// Multi-stage training (YAML `stages:`), one stage as a configuration value: a list of mappings
//   {name: S, epochs: N, learning_rate: LR, warmup_steps: W, param_groups: [RULE...],
//    reset_optimizer: true|false, <objective weight>: X ...}
// run in order. name and epochs are required; a key left out inherits the run's top-level
// value (learning_rate, warmup_steps, param_groups, and the objective's settings);
// reset_optimizer defaults to false. The objective's weights (distill: alpha, temperature,
// attention_weight, feature_weight) are kept by key, numbers, and checked by the verb that knows
// them (TrainConfig::stage_weights). Here: the value (Codec), the checks across the list, and a
// stage's optimizer settings; the stages over a run's epochs are stage_plan.h's.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grokking/core/field_codec.h"
#include "grokking/optim/optimizer_config.h"
#include "grokking/optim/param_group_rule.h"

namespace grok {

struct StageConfig {
  std::string name;
  int epochs = 0;
  std::optional<double> learning_rate;
  std::optional<int64_t> warmup_steps;
  std::optional<std::vector<ParamGroupRule>> param_groups;
  bool reset_optimizer = false;
  std::map<std::string, double> weights;  // the objective's settings for this stage, by key
  bool operator==(const StageConfig&) const = default;
};

// A stage from a mapping's flow YAML or from JSON: UsageError naming `key`, the text and what is
// allowed (a missing name or epochs, a key given twice, a value of the wrong type, an unknown
// key whose value is not a number, an invalid param_groups rule).
StageConfig parse_stage(const std::string& text, const std::string& key);
StageConfig stage_from_json(const nlohmann::json& j);
std::string stage_yaml(const StageConfig& stage);
nlohmann::json stage_json(const StageConfig& stage);

// Checks across the list, before anything is allocated: every name non-empty and unique, epochs
// >= 1, the stage's optimizer settings in range, and weight keys among `weight_keys` (with a
// "did you mean"). UsageError naming `prefix`stages[i].key, the value and what is allowed.
void check_stages(const std::vector<StageConfig>& stages, const OptimizerConfig& optimizer,
                  const std::vector<std::string>& weight_keys, const std::string& prefix);

// The optimizer settings of a stage: the run's, with the stage's learning rate, warmup and
// parameter groups where it gives them.
OptimizerConfig stage_optimizer(const OptimizerConfig& run, const StageConfig& stage);

// The sum of the stages' epochs (the run's epochs when there are stages).
int64_t total_epochs(const std::vector<StageConfig>& stages);

template <>
struct Codec<StageConfig>
    : MappingCodec<StageConfig, parse_stage, stage_yaml, stage_json, stage_from_json> {};

}  // namespace grok

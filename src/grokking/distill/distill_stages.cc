#include "grokking/distill/distill_stages.h"

#include <fmt/format.h>

#include "grokking/core/error.h"
#include "grokking/core/schema.h"

namespace grok {

std::vector<std::string> stage_weight_names() {
  std::vector<std::string> names = {"alpha"};
  for (const StrategyParam& p : strategy_params()) names.emplace_back(p.spec.name);
  return names;
}

DistillSettings settings_for_stage(const DistillSettings& run, const StageConfig& stage) {
  DistillSettings settings = run;
  for (const auto& [key, value] : stage.weights)
    if (key == "alpha")
      settings.alpha = value;
    else
      settings.param(key) = value;  // GROK_CHECK: the trainer's check_stages allowed only these
  return settings;
}

void check_stage_settings(const DistillSettings& run, const std::vector<StageConfig>& stages) {
  for (std::size_t i = 0; i < stages.size(); ++i)
    validate_fields(settings_for_stage(run, stages[i]), fmt::format("stages[{}].", i));
}

}  // namespace grok

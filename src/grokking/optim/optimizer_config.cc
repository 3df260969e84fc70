#include "grokking/optim/optimizer_config.h"

#include "grokking/core/error.h"

namespace grok {

void OptimizerConfig::check(const std::string& prefix) const {
  if (type != "adamw" && type != "muon")
    throw UsageError(
        fmt::format("{}optimizer: '{}' is not an optimizer; allowed: adamw, muon", prefix, type));
}

void OptimizerConfig::validate() const { validate_fields(*this); }

double scheduled_lr(const OptimizerConfig& config, int64_t step) {
  GROK_CHECK(step >= 0, "scheduled_lr: negative step {}", step);
  if (step < config.warmup_steps)
    return config.learning_rate * static_cast<double>(step) /
           static_cast<double>(config.warmup_steps);
  return config.learning_rate;
}

}  // namespace grok

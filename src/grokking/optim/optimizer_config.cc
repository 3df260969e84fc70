#include "grokking/optim/optimizer_config.h"

#include <cmath>

#include "grokking/core/error.h"

namespace grok {

void OptimizerConfig::validate() const {
  if (type != "adamw" && type != "muon")
    throw UsageError(fmt::format("optimizer: '{}' is not an optimizer; use adamw or muon", type));
  if (!(std::isfinite(learning_rate) && learning_rate > 0.0))
    throw UsageError(fmt::format(
        "learning_rate: {} is not allowed; the learning rate must be finite and > 0 (e.g. 1e-3)",
        learning_rate));
  if (!(beta1 >= 0.0 && beta1 < 1.0))
    throw UsageError(
        fmt::format("beta1: {} is outside [0, 1); use a decay rate such as 0.9", beta1));
  if (!(beta2 >= 0.0 && beta2 < 1.0))
    throw UsageError(
        fmt::format("beta2: {} is outside [0, 1); use a decay rate such as 0.98", beta2));
  if (!(std::isfinite(eps) && eps > 0.0))
    throw UsageError(
        fmt::format("eps: {} is not allowed; eps must be finite and > 0 (e.g. 1e-8)", eps));
  if (!(std::isfinite(weight_decay) && weight_decay >= 0.0))
    throw UsageError(fmt::format(
        "weight_decay: {} is not allowed; weight decay must be finite and >= 0 (0 disables it)",
        weight_decay));
  if (warmup_steps < 0)
    throw UsageError(
        fmt::format("warmup_steps: {} is negative; use 0 (no warmup) or a positive number of steps",
                    warmup_steps));
}

double scheduled_lr(const OptimizerConfig& config, int64_t step) {
  GROK_CHECK(step >= 0, "scheduled_lr: negative step {}", step);
  if (step < config.warmup_steps)
    return config.learning_rate * static_cast<double>(step) /
           static_cast<double>(config.warmup_steps);
  return config.learning_rate;
}

}  // namespace grok

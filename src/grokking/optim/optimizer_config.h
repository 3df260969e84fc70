// Optimizer hyperparameters and the learning-rate schedule (REFERENCE.md §3). Not the update
// rules themselves (adamw.h, muon.h) nor how flags and YAML keys are declared (train/).
#pragma once

#include <cstdint>
#include <string>

namespace grok {

struct OptimizerConfig {
  std::string type = "adamw";  // "adamw" | "muon"
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.98;
  double eps = 1e-8;
  double weight_decay = 1.0;
  int64_t warmup_steps = 10;

  // Throws UsageError naming the key, the value and what is allowed: optimizer adamw or
  // muon, learning_rate finite and > 0, beta1 and beta2 in [0, 1), eps finite and > 0,
  // weight_decay finite and >= 0, warmup_steps >= 0.
  void validate() const;
  bool operator==(const OptimizerConfig&) const = default;
};

// η_t for the 0-based step t (the t-th update): lr·t/warmup for t < warmup (so the first
// update has lr 0), then lr. warmup_steps = 0 means lr from the first step.
double scheduled_lr(const OptimizerConfig& config, int64_t step);

}  // namespace grok

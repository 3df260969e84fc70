// Optimizer hyperparameters and the learning-rate schedule (REFERENCE.md §3). Not the update
// rules themselves (adamw.h, muon.h) nor how flags and YAML keys are declared (train/).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/core/schema.h"

namespace grok {

struct OptimizerConfig {
  std::string type = "adamw";  // "adamw" | "muon"
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.98;
  double eps = 1e-8;
  double weight_decay = 1.0;
  int64_t warmup_steps = 10;

  template <typename V>
  void visit(V& v) {
    v(type, {.name = "optimizer", .help = "adamw or muon", .json_name = "type"});
    v(learning_rate, {.name = "learning_rate",
                      .help = "peak learning rate",
                      .min = 0,
                      .min_open = true,
                      .alias = "lr"});
    v(beta1,
      {.name = "beta1", .help = "Adam first-moment decay", .min = 0, .max = 1, .max_open = true});
    v(beta2,
      {.name = "beta2", .help = "Adam second-moment decay", .min = 0, .max = 1, .max_open = true});
    v(eps, {.name = "eps",
            .help = "Adam epsilon, added outside the square root",
            .min = 0,
            .min_open = true});
    v(weight_decay,
      {.name = "weight_decay", .help = "decoupled weight decay (times lr)", .min = 0});
    v(warmup_steps,
      {.name = "warmup_steps", .help = "linear warmup steps (first lr is 0)", .min = 0});
  }
  // UsageError unless the type is adamw or muon.
  void check(const std::string& prefix) const;
  // Range checks and check(): UsageError naming the key, the value and what is allowed.
  void validate() const;
  bool operator==(const OptimizerConfig&) const = default;
};

// η_t for the 0-based step t (the t-th update): lr·t/warmup for t < warmup (so the first
// update has lr 0), then lr. warmup_steps = 0 means lr from the first step.
double scheduled_lr(const OptimizerConfig& config, int64_t step);

}  // namespace grok

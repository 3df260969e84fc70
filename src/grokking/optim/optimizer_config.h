// Optimizer hyperparameters and the learning-rate schedule (REFERENCE.md §3). Not the update
// rules themselves (adamw.h, muon.h) nor how flags and YAML keys are declared (train/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grokking/core/schema.h"
#include "grokking/optim/param_group_rule.h"

namespace grok {

// Grokfast's gradient filter (grokfast.h): none, ema or ma.
enum class Grokfast { kNone, kEma, kMa };
Grokfast parse_grokfast(const std::string& text);  // throws UsageError
inline void from_string(const std::string& text, Grokfast& out) { out = parse_grokfast(text); }
std::string to_string(Grokfast grokfast);

// Where decoupled weight decay pulls the weights: zero (AdamW), or their initial values
// (Omnigrok-style; the initial weights are optimizer state).
enum class DecayTo { kZero, kInit };
DecayTo parse_decay_to(const std::string& text);  // throws UsageError
inline void from_string(const std::string& text, DecayTo& out) { out = parse_decay_to(text); }
std::string to_string(DecayTo decay_to);

struct OptimizerConfig {
  std::string type = "adamw";  // "adamw" | "muon"
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.98;
  double eps = 1e-8;
  double weight_decay = 1.0;
  int64_t warmup_steps = 10;
  // Gradient transforms (gradient_transform.h), applied in this order before the update.
  Grokfast grokfast = Grokfast::kNone;
  double grokfast_alpha = 0.98;          // EMA momentum (Lee et al.'s default)
  double grokfast_lambda = 2.0;          // amplification (Lee et al.: 2 for EMA, 5 for MA)
  int grokfast_window = 100;             // MA window
  std::string grokfast_filter = "mean";  // MA: mean or sum of the window
  bool orthogonal_grad = false;          // ⊥Grad (orthogonal_grad.h)
  DecayTo decay_to = DecayTo::kZero;
  // Learning-rate multiplier and weight decay by tensor name (param_group_rule.h).
  std::vector<ParamGroupRule> param_groups;

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
    // Each left out of the JSON form at its default, so that metadata stays as before.
    v(grokfast, {.name = "grokfast",
                 .help = "Grokfast gradient filter: none, ema (alpha, lambda) or ma (window, "
                         "lambda, filter)",
                 .json_unless = "none"});
    v(grokfast_alpha, {.name = "grokfast_alpha",
                       .help = "Grokfast EMA momentum alpha",
                       .min = 0,
                       .max = 1,
                       .max_open = true,
                       .json_unless = "0.98"});
    v(grokfast_lambda, {.name = "grokfast_lambda",
                        .help = "Grokfast amplification lambda (g += lambda * filtered g)",
                        .min = 0,
                        .json_unless = "2.0"});
    v(grokfast_window, {.name = "grokfast_window",
                        .help = "Grokfast MA window (gradients kept; optimizer state)",
                        .min = 1,
                        .max = 100'000,
                        .json_unless = "100"});
    v(grokfast_filter, {.name = "grokfast_filter",
                        .help = "Grokfast MA: mean or sum of the window",
                        .json_unless = "mean"});
    v(orthogonal_grad, {.name = "orthogonal_grad",
                        .help = "orthogonal gradient (Prieto et al.): drop each weight "
                                "tensor's gradient component along its "
                                "weights, keep the gradient's norm",
                        .json_unless = "false"});
    v(decay_to, {.name = "decay_to",
                 .help = "weight decay towards zero or towards the initial weights (init)",
                 .json_unless = "zero"});
    v(param_groups,
      {.name = "param_groups",
       .help = "parameter groups by regex, first match wins: a list of {pattern: REGEX, "
               "lr_multiplier: M, weight_decay: W}; lr_multiplier 0 freezes the tensor",
       .json_unless = "[]"});
  }
  // UsageError unless the type is adamw or muon and the Grokfast filter mean or sum.
  void check(const std::string& prefix) const;
  // Range checks and check(): UsageError naming the key, the value and what is allowed.
  void validate() const;
  bool operator==(const OptimizerConfig&) const = default;
};

// η_t for the 0-based step t (the t-th update): lr·t/warmup for t < warmup (so the first
// update has lr 0), then lr. warmup_steps = 0 means lr from the first step.
double scheduled_lr(const OptimizerConfig& config, int64_t step);

}  // namespace grok

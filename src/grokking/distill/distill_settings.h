// The distillation loss's settings (REFERENCE.md §5), declared once (core/schema.h):
//   total = α·L_CE + Σ over the chosen strategies of weight(strategy)·L_strategy,
// the strategies' own hyperparameters (temperature, attention_weight, feature_weight, …) coming
// from the strategy table (strategy_table.h), so that adding a strategy adds its options here
// without editing this file. As in the reference, the coefficients do not change when a term is
// absent: without ground truth the logit term keeps its (1−α); without the logit strategy the
// CE term keeps its α. Not the run's options (distill_config.h).
#pragma once

#include <string>
#include <vector>

#include "grokking/core/schema.h"

namespace grok {

// A strategy's own hyperparameter: its option and its default.
struct StrategyParam {
  FieldSpec spec;
  double value;
};
// Every strategy's hyperparameters, in table order (defined beside the table).
const std::vector<StrategyParam>& strategy_params();

struct DistillSettings {
  std::vector<std::string> strategies = {"logit"};  // names from strategy_table()
  double alpha = 0.5;
  bool disable_ground_truth = false;
  std::vector<double> params;  // strategy_params() values, in their order
  int distill_top_k = 0;       // logit: KL over the teacher's k largest classes (0: all)

  DistillSettings();
  template <typename V>
  void visit(V& v) {
    v(strategies, {.name = "strategies", .option = false});  // a flag of distill, not here
    v(alpha, {.name = "alpha",
              .help = "weight of hard-label CE (α) vs logit distillation (1 − α)",
              .min = 0,
              .max = 1});
    const auto& specs = strategy_params();
    for (std::size_t i = 0; i < specs.size(); ++i) v(params[i], specs[i].spec);
    v(distill_top_k,
      {.name = "distill_top_k",
       .help = "logit: the KL over the teacher's k largest classes only, both softmaxes "
               "renormalised over those k (0: every class)",
       .min = 0,
       .json_unless = "0"});
    v(disable_ground_truth,
      {.name = "disable_ground_truth", .help = "drop the hard-label cross-entropy term"});
  }

  bool has(const std::string& strategy) const;
  bool ground_truth() const { return !disable_ground_truth; }
  // The value of a strategy's hyperparameter by name (GROK_CHECK that it exists).
  double param(const std::string& name) const;
  double& param(const std::string& name);
  // UsageError: unknown or repeated strategies, none at all, no loss left, or distill_top_k
  // without the logit strategy.
  void check(const std::string& prefix) const;
  bool operator==(const DistillSettings&) const = default;
};

}  // namespace grok

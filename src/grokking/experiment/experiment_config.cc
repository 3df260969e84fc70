#include "grokking/experiment/experiment_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/distill/strategy_table.h"

namespace grok {

const char* experiment_strategies_help() {
  static const std::string help = fmt::format("comma-separated: {}, {} (all at once)",
                                              strategy_names_text(), kCombinedStrategy);
  return help.c_str();
}

ExperimentConfig::ExperimentConfig() {
  teacher.optimizer.warmup_steps = 10;
  distill.optimizer.warmup_steps = 0;
}

ModelConfig ExperimentConfig::base_shape() const {
  ModelConfig model = base;
  apply_task_shape(Task(task, /*validated=*/true), model);
  return model;
}

void ExperimentConfig::check(const std::string& /*prefix*/) const {
  if (out.empty()) throw UsageError("out: no experiment directory given; pass --out DIR");
  if (!teacher_checkpoint.empty() && (teacher_scale != 1.0 || teacher_depth_scale != 1.0))
    throw UsageError(fmt::format(
        "teacher_scale: {} (teacher_depth_scale {}) scales a trained teacher, but the teacher "
        "is given as a checkpoint ({}); omit the scales or the checkpoint",
        teacher_scale, teacher_depth_scale, teacher_checkpoint));
  if (student_scales.empty())
    throw UsageError("student_scales: none given; allowed: a list of numbers > 0, e.g. 0.5,0.25");
  for (std::size_t i = 0; i < student_scales.size(); ++i)
    if (std::find(student_scales.begin(), student_scales.begin() + i, student_scales[i]) !=
        student_scales.begin() + i)
      throw UsageError(
          fmt::format("student_scales: {} (listed twice) is invalid; allowed: each scale once",
                      student_scales[i]));
  if (strategies.empty())
    throw UsageError(fmt::format("strategies: none given; allowed: one or more of {}, {}",
                                 strategy_names_text(), kCombinedStrategy));
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    expand_strategy(strategies[i]);
    if (std::find(strategies.begin(), strategies.begin() + i, strategies[i]) !=
        strategies.begin() + i)
      throw UsageError(
          fmt::format("strategies: '{}' (listed twice) is invalid; allowed: each strategy once",
                      strategies[i]));
  }
  if (seed > kMaxSeed - static_cast<uint64_t>(repeats - 1))
    throw UsageError(fmt::format(
        "repeats: {} (with seed {}) is invalid; allowed: seed + repeats - 1 <= {} (seeds are "
        "32-bit)",
        repeats, seed, kMaxSeed));
  try {
    base_shape().check("");
  } catch (const UsageError& e) {
    throw UsageError(
        fmt::format("heads: {} with base_dim {} is invalid ({})", base.heads, base.dim, e.what()));
  }
}

void ExperimentConfig::validate() const { validate_fields(*this); }

}  // namespace grok

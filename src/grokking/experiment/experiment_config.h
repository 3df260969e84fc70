// The factors of an experiment (CONTRACT.md "Experiment flags", REFERENCE.md §6), declared
// once as options: the teacher (a checkpoint, or trained from the base shape scaled by
// teacher_scale), the student scales and strategies, recursion, repeats (seeds seed..seed+N-1),
// from-scratch controls, the task, the base shape, the hyperparameters of each phase, and how
// a grok is detected. Not the expansion into trials (plan.h) nor the runner.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grokking/core/options.h"
#include "grokking/data/task_config.h"
#include "grokking/distill/distill_config.h"
#include "grokking/model/model_config.h"
#include "grokking/optim/optimizer_config.h"

namespace grok {

// The hyperparameters of one phase: the teacher's training (--teacher_*) or the students'
// distillation and their from-scratch controls (--distill_*), so that a control differs from
// its students only by the teacher.
struct PhaseConfig {
  int epochs = 150;
  int batch_size = 512;
  OptimizerConfig optimizer;  // learning_rate, beta1, beta2, weight_decay, warmup_steps used

  // UsageError naming "<prefix>_<key>", the value and what is allowed.
  void validate(const std::string& prefix) const;
  bool operator==(const PhaseConfig&) const = default;
};

// "combined" runs logit, attention and feature together in one student.
inline constexpr const char* kCombinedStrategy = "combined";

struct ExperimentConfig {
  std::string out;  // experiment directory (--out, alias --output_dir); required

  // Teacher: given as a checkpoint, or trained from the base shape (grow with scale > 1).
  std::string teacher_checkpoint;  // empty: train one per repeat
  double teacher_scale = 1.0;
  double teacher_depth_scale = 1.0;

  // Students: one per scale × strategy (round 0, from the teacher).
  std::vector<double> student_scales = {0.5};
  double student_depth_scale = 1.0;
  std::vector<std::string> strategies = {"logit", "attention", "feature"};

  // Recursion: round r >= 1 distils from round r−1's student scaled by recursive_factor,
  // while the previous round's final val accuracy is >= grokking_threshold.
  double grokking_threshold = 0.99;
  bool recursive = false;
  double recursive_factor = 0.5;
  int max_recursive_rounds = 2;

  // Repeats with seeds seed..seed+repeats-1 (task.seed is the first), paired across trials.
  int repeats = 1;
  bool no_control = false;  // controls (from-scratch students) are on by default
  int jobs = 0;             // trials side by side; 0: one per core
  bool tensorboard = true;  // each trial writes OUT/<trial-id>/tensorboard/

  // A run grokked when its val accuracy reached grokking_threshold and stayed there for
  // grok_window consecutive evaluated epochs (the last of them counts).
  int grok_window = 10;

  TaskConfig task;
  // Base shape: base_dim, base_depth, heads, dropout, pool (vocabulary from task.p).
  ModelConfig base;

  PhaseConfig teacher;               // warmup 10
  PhaseConfig distill;               // warmup 0
  DistillSettings distill_settings;  // alpha, temperature, attention_weight, feature_weight

  ExperimentConfig();  // the phase defaults above

  // Throws UsageError naming the key, the value and what is allowed. Checks every option on
  // its own and their combinations (e.g. --teacher_scale with --teacher_checkpoint). Shapes
  // that depend on the teacher (odd head widths, depth mismatches for attention and feature)
  // are checked by plan_trials.
  void validate() const;
};

// The strategies a named strategy turns on: one of logit/attention/feature, or all three for
// "combined". UsageError naming --strategies for any other name.
std::vector<StrategyKind> strategy_kinds(const std::string& strategy);

// Flags / YAML keys: out (alias output_dir; not saved), teacher_checkpoint, teacher_scale,
// teacher_depth_scale, student_scales, student_depth_scale, strategies, grokking_threshold,
// recursive, recursive_factor, max_recursive_rounds, repeats, no_control, jobs (not saved),
// tensorboard / no_tensorboard (not saved),
// grok_window, p, operation, train_fraction, seed, base_dim, base_depth, heads, dropout, pool,
// teacher_{epochs, batch_size, learning_rate, weight_decay, beta1, beta2, warmup_steps},
// distill_{the same, alpha, temperature, attention_weight, feature_weight}.
void declare_experiment_options(OptionSet& options, ExperimentConfig& config);

}  // namespace grok

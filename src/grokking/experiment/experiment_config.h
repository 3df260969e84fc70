// The factors of an experiment (docs/CONTRACT.md "Experiment options", REFERENCE.md §6),
// declared once (core/schema.h): the teacher (a checkpoint, or trained from the base shape
// scaled by teacher_scale), the student scales and strategies, recursion, repeats (seeds
// seed..seed+N-1), from-scratch controls, the task, the base shape, each phase's loop and
// optimizer (every option of `grokking train`'s, prefixed teacher_ or distill_, optimizer type
// included), the distillation settings (distill_alpha, distill_temperature, …) and how a grok is
// detected. Not the expansion into trials (plan.h) nor the runner.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grokking/core/options.h"
#include "grokking/core/schema.h"
#include "grokking/data/task_config.h"
#include "grokking/distill/distill_settings.h"
#include "grokking/model/model_config.h"
#include "grokking/optim/optimizer_config.h"
#include "grokking/train/train_config.h"

namespace grok {

inline constexpr int kMaxRecursiveRounds = 64;  // far past any use; bounds the plan's size
inline constexpr int kMaxRepeats = 10'000;

// "comma-separated: logit, attention, feature, combined (all at once)".
const char* experiment_strategies_help();

// The loop and optimizer of one phase: the teacher's training (teacher_*) or the students'
// distillation and their from-scratch controls (distill_*), so that a control differs from its
// students only by the teacher.
struct PhaseConfig {
  LoopConfig loop;
  OptimizerConfig optimizer;

  template <typename V>
  void visit(V& v) {
    loop.visit(v);  // flat: teacher_epochs, and "epochs" beside "optimizer" in JSON
    v.section(optimizer, {.name = "optimizer"});
  }
  bool operator==(const PhaseConfig&) const = default;
};

struct ExperimentConfig {
  std::string out;  // experiment directory (--out, alias --output_dir); required
  int jobs = 0;     // trials side by side; 0: one per core

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
  // grok_events.h: a run generalised when its val accuracy ends >= grokking_threshold and
  // never dropped more than grok_tolerance below it after first reaching it; it grokked when,
  // besides, val reached the threshold >= grok_min_delay epochs after train did.
  double grok_tolerance = 0.01;
  int grok_min_delay = 10;

  // Repeats with seeds seed..seed+repeats-1, paired across trials.
  int repeats = 1;
  bool no_control = false;  // controls (from-scratch students) are on by default
  bool tensorboard = true;  // each trial writes OUT/<trial-id>/tensorboard/

  TaskConfig task;  // task.split_seed: each repeat's seed (set by the plan)
  uint64_t seed = 42;
  ModelConfig base;     // base_dim, base_depth, heads, dropout, pool (vocabulary from the task)
  PhaseConfig teacher;  // warmup 10
  PhaseConfig distill;  // warmup 0
  DistillSettings distill_settings;  // distill_alpha, distill_temperature, …

  ExperimentConfig();  // the phase defaults above

  template <typename V>
  void visit(V& v) {
    v.group("Experiment");
    v(out, {.name = "out",
            .help = "experiment directory (manifest, statistics, one run per trial)",
            .alias = "output_dir",
            .saved = false});
    v(jobs, {.name = "jobs",
             .help = "trials run side by side (0: one per core); under mpirun/srun, on each "
                     "rank (0: one per rank)",
             .min = 0,
             .max = 4096,
             .saved = false});
    v.group("Teacher");
    v(teacher_checkpoint,
      {.name = "teacher_checkpoint",
       .help = "a trained teacher (run, checkpoint or step directory); empty: train one"});
    v(teacher_scale, {.name = "teacher_scale",
                      .help = "trained teacher width = base_dim × this (grow with > 1)",
                      .min = 0,
                      .min_open = true});
    v(teacher_depth_scale, {.name = "teacher_depth_scale",
                            .help = "trained teacher depth = base_depth × this",
                            .min = 0,
                            .min_open = true});
    visit_students(v);
    v.group("Repeats and controls");
    v(repeats, {.name = "repeats",
                .help = "seeds seed..seed+repeats-1 (paired across trials)",
                .min = 1,
                .max = kMaxRepeats});
    v(no_control, {.name = "no_control",
                   .help = "skip the from-scratch control students (same size and seed, no "
                           "teacher)"});
    v(tensorboard, {.name = "tensorboard",
                    .help = "every trial writes TensorBoard event files into its run directory "
                            "(OUT/<trial>/tensorboard; tensorboard --logdir OUT overlays them)",
                    .negation = "no_tensorboard",
                    .saved = false});
    v.section(task, {.name = "task", .group = "Task"});
    v(seed, {.name = "seed", .help = "seed of the first repeat", .max = kMaxSeed});
    v.section(base,
              {.name = "base", .group = "Base shape", .rename = "dim=base_dim depth=base_depth"});
    v.section(teacher, {.name = "teacher", .group = "Teacher training", .prefix = "teacher_"});
    v.section(distill, {.name = "distill",
                        .group = "Distillation (students and their controls)",
                        .prefix = "distill_"});
    v.section(distill_settings,
              {.name = "distill_settings", .prefix = "distill_", .rename = "distill_top_k=top_k"});
  }

  template <typename V>
  void visit_students(V& v) {
    v.group("Students");
    v(student_scales, {.name = "student_scales",
                       .help = "comma-separated student widths relative to the teacher",
                       .min = 0,
                       .min_open = true});
    v(student_depth_scale, {.name = "student_depth_scale",
                            .help = "student depth = teacher depth × this (round 0)",
                            .min = 0,
                            .min_open = true});
    v(strategies, {.name = "strategies", .help = experiment_strategies_help()});
    v(grokking_threshold, {.name = "grokking_threshold",
                           .help = "val accuracy that counts as grokked and continues a "
                                   "recursive chain",
                           .min = 0,
                           .max = 1,
                           .min_open = true});
    v(recursive, {.name = "recursive",
                  .help = "distil each student again into a smaller one (round r from r-1)"});
    v(recursive_factor, {.name = "recursive_factor",
                         .help = "width of round r relative to round r-1",
                         .min = 0,
                         .min_open = true});
    v(max_recursive_rounds,
      {.name = "max_recursive_rounds",
       .help = "rounds after round 0 (a chain stops at the first round below the threshold)",
       .min = 1,
       .max = kMaxRecursiveRounds});
    v(grok_tolerance, {.name = "grok_tolerance",
                       .help = "how far val accuracy may dip below grokking_threshold after "
                               "first reaching it and still count as generalised",
                       .min = 0,
                       .max = 1});
    v(grok_min_delay, {.name = "grok_min_delay",
                       .help = "epochs val must reach grokking_threshold after train did for "
                               "a generalised run to count as grokked",
                       .min = 0});
  }

  // Rules across options (e.g. --teacher_scale with --teacher_checkpoint, repeated scales or
  // strategies, the base shape's heads). Shapes that depend on the teacher (odd head widths,
  // depth mismatches for attention and feature) are checked by plan_trials.
  void check(const std::string& prefix) const;
  // Range checks and check(): UsageError naming the key, the value and what is allowed.
  void validate() const;
  // The base shape with the task's vocabulary, classes and length.
  ModelConfig base_shape() const;
};

}  // namespace grok

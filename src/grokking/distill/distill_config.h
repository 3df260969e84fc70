// What a distillation run needs, declared once as options (REFERENCE.md §5 flags): the
// teacher, the student's scaling, the strategies and their weights, plus the optimizer and loop
// options shared with `grokking train` (with distillation defaults: lr 1e-3, weight decay 1.0,
// 150 epochs, warmup 0). The task and split always come from the teacher's checkpoint; task
// flags are accepted only when they agree with it. Not the run itself (distill_run.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grokking/core/options.h"
#include "grokking/distill/strategy.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/train_config.h"

namespace grok {

// The loss of REFERENCE.md §5:
//   Total = α·L_CE + (1−α)·L_logit + w_att·L_att + w_feat·L_feat,
// each term present only if its strategy is on (L_CE unless --disable_ground_truth). As in
// the reference, the coefficients do not change when a term is absent: without ground truth
// the logit term keeps its (1−α); without the logit strategy the CE term keeps its α.
struct DistillSettings {
  std::vector<StrategyKind> strategies = {StrategyKind::kLogit};
  double temperature = 2.0;
  double alpha = 0.5;
  double attention_weight = 1.0;
  double feature_weight = 1.0;
  bool ground_truth = true;  // false with --disable_ground_truth

  bool has(StrategyKind kind) const;
  // UsageError naming the key: temperature > 0, alpha in [0, 1], weights >= 0, all finite.
  void validate() const;
};

struct DistillConfig {
  TrainConfig train;  // the student's run: model and task are filled by resolve()
  std::string teacher_checkpoint;
  double student_scale = 0.5;
  double depth_scale = 1.0;
  std::vector<std::string> strategy_names = {"logit"};
  bool disable_ground_truth = false;
  DistillSettings settings;  // filled by resolve() from the options above
  // Task flags as given; unset means "the teacher's".
  std::optional<int> p;
  std::optional<Operation> operation;
  std::optional<double> train_fraction;
  std::optional<uint64_t> seed;  // the student's seed (init, order, dropout); split unaffected

  DistillConfig();  // distillation defaults for the shared optimizer and loop options
};

// Flags / YAML keys: teacher_checkpoint, output_dir (alias of save_dir), strategies,
// student_scale, depth_scale, temperature, alpha, attention_weight, feature_weight,
// disable_ground_truth, the task flags, the optimizer and the loop options of train.
void declare_distill_options(OptionSet& options, DistillConfig& config);

// The task and split seed of a model's training split. A distilled student records its
// teacher's split seed (metadata "distillation.split_seed"), which may differ from its own
// seed, so recursive distillation keeps the original split.
TaskConfig training_task(const LoadedModel& model);

// Fills the student's task (the teacher's; UsageError if a task flag disagrees), seed, model
// shape (student_config) and settings; checks every strategy against the shapes; finalizes and
// validates the run options. Call before anything is allocated or written.
void resolve(DistillConfig& config, const LoadedModel& teacher);

}  // namespace grok

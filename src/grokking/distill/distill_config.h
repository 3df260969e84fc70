// What a distillation run needs, declared once (core/schema.h; REFERENCE.md §5 flags): the
// teacher, the student's scaling, the strategies and the loss settings, plus the optimizer,
// loop and run options shared with `grokking train` (with distillation defaults: lr 1e-3,
// weight decay 1.0, 150 epochs, warmup 0). The task and split always come from the teacher's
// checkpoint; task flags are accepted only when they agree with it. Not the run itself
// (distill_run.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "grokking/core/schema.h"
#include "grokking/distill/distill_settings.h"
#include "grokking/distill/topk_reconstruction.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/train_config.h"

namespace grok {

// "comma-separated: logit, attention, feature" (from the strategy table).
const char* strategies_help();

struct DistillConfig {
  TrainConfig train;  // the student's run: model and task are filled by resolve()
  std::string teacher_checkpoint;
  std::string teacher_logits;  // a `grokking teacher-logits` file (teacher_logits_file.h)
  TopkReconstruction topk_reconstruction = TopkReconstruction::kUniform;
  double student_scale = 0.5;
  double depth_scale = 1.0;
  DistillSettings settings;
  // Task options as given; unset means "the teacher's".
  std::optional<int> p;
  std::optional<Operation> operation;
  std::optional<double> train_fraction;
  std::optional<uint64_t> seed;  // the student's seed (init, order, dropout); split unaffected

  DistillConfig();  // distillation defaults for the shared optimizer and loop options

  template <typename V>
  void visit(V& v) {
    v.group("Distillation");
    v(teacher_checkpoint,
      {.name = "teacher_checkpoint",
       .help = "teacher: a run directory, checkpoint directory or step directory (required "
               "unless --teacher_logits is given)"});
    v(teacher_logits,
      {.name = "teacher_logits",
       .help = "the teacher's logits precomputed by `grokking teacher-logits` (FILE.h5): the "
               "logit strategy reads them instead of running the teacher; alone, the teacher's "
               "config and task come from the file; with --teacher_checkpoint the file must be "
               "that teacher's"});
    v(topk_reconstruction,
      {.name = "topk_reconstruction",
       .help = "teacher classes missing from a top-k file: zero (probability 0: softmax over "
               "the stored k) or uniform (the remaining mass at temperature 1 spread evenly)",
       .allowed = "zero or uniform"});
    v(settings.strategies, {.name = "strategies", .help = strategies_help()});
    v(student_scale, {.name = "student_scale",
                      .help = "student width = teacher dim × this",
                      .min = 0,
                      .min_open = true});
    v(depth_scale, {.name = "depth_scale",
                    .help = "student depth = teacher depth × this",
                    .min = 0,
                    .min_open = true});
    v.section(settings, {.name = "distillation"});
    v.group("Task (from the teacher; flags must agree with it)");
    v(p, {.name = "p", .help = "modulus (default: the teacher's)"});
    v(operation, {.name = "operation", .help = "operation mod p (default: the teacher's)"});
    v(train_fraction,
      {.name = "train_fraction", .help = "fraction of pairs used for training (the teacher's)"});
    v(seed, {.name = "seed",
             .help = "student seed: initialisation, batch order, dropout, not the split "
                     "(default: the teacher's seed)",
             .max = kMaxSeed});
    v.section(train.optimizer, {.name = "optimizer", .group = "Optimizer"});
    v.section(train.loop, {.name = "loop", .group = "Training"});
    train.visit_stages(v);
    train.visit_run(v);
  }
};

// The task and split seed of a model's training split. A distilled student records its
// teacher's split seed, which may differ from its own seed, so recursive distillation keeps
// the original split.
TaskConfig training_task(const LoadedModel& model);

// UsageError if --distill_top_k exceeds the class count.
void check_top_k(const DistillSettings& settings, int classes);

// Fills the student's task (the teacher's; UsageError if a task flag disagrees), seed, model
// shape (student_config) and settings; checks every strategy against the shapes; finalizes and
// validates the run options. Call before anything is allocated or written.
void resolve(DistillConfig& config, const LoadedModel& teacher);

}  // namespace grok

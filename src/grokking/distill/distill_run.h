// A distillation run (`grokking distill`): load the teacher, derive the student, compute the
// teacher's outputs on the training split once, and train the student through the shared
// trainer (history distillation_history.json, checkpoints with the projectors, resume,
// signals, summary). Not the loss (distillation_objective.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "grokking/distill/distill_config.h"
#include "grokking/distill/teacher_logits_file.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/trainer.h"

namespace grok {

struct DistillPlan {
  DistillConfig config;  // resolved: student shape, task, seed, settings
  // The teacher: loaded from --teacher_checkpoint, or only its identity (no weights) from
  // the --teacher_logits file when no checkpoint is given.
  LoadedModel teacher;
  bool teacher_weights = true;  // teacher.params holds the weights
  // --teacher_logits, read and checked against the teacher and the split; its checksum.
  std::optional<TeacherLogitsFile> teacher_logits;
  double teacher_logits_read_s = 0;  // wall time of reading and checking it
};

// Loads config.teacher_checkpoint and/or config.teacher_logits and resolves the configuration
// (distill_config.h). UsageError if neither is given, if a strategy needs the teacher's
// intermediates but only the file is, or if the file is not the checkpoint's or its split's
// teacher (teacher_logits.h); grok::Error if a file is missing, corrupt or truncated. Reads
// files only; writes nothing.
DistillPlan plan_distillation(DistillConfig config);

// The resolved options as config.yaml (re-loadable with `grokking distill --config`).
std::string distill_config_yaml(DistillConfig config);

// metadata.json / summary.json section "distillation": teacher (absolute path, step, shape),
// split seed, strategies and hyperparameters, teacher-cache bytes, and with --teacher_logits
// the file {file, datasets_sha256, teacher_sha256, k, topk_reconstruction}. A resume must
// match it (all but the paths and the cache bytes).
nlohmann::json distillation_metadata(const DistillPlan& plan, int64_t teacher_cache_bytes);

// Runs (or resumes) the run. The summary gains "teacher_cache": {bytes, seconds}.
TrainResult run_distillation(const DistillPlan& plan);

}  // namespace grok

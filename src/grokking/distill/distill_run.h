// A distillation run (`grokking distill`): load the teacher, derive the student, compute the
// teacher's outputs on the training split once, and train the student through the shared
// trainer (history distillation_history.json, checkpoints with the projectors, resume,
// signals, summary). Not the loss (distillation_objective.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "grokking/distill/distill_config.h"
#include "grokking/train/model_loader.h"
#include "grokking/train/trainer.h"

namespace grok {

struct DistillPlan {
  DistillConfig config;  // resolved: student shape, task, seed, settings
  LoadedModel teacher;
};

// Loads config.teacher_checkpoint (grok::Error if it is missing or corrupt; UsageError if
// --teacher_checkpoint is empty) and resolves the configuration (distill_config.h). Reads
// files only; writes nothing.
DistillPlan plan_distillation(DistillConfig config);

// The resolved options as config.yaml (re-loadable with `grokking distill --config`).
std::string distill_config_yaml(DistillConfig config);

// metadata.json / summary.json section "distillation": teacher (absolute path, step, shape),
// split seed, strategies and hyperparameters, teacher-cache bytes. A resume must match it.
nlohmann::json distillation_metadata(const DistillPlan& plan, int64_t teacher_cache_bytes);

// Runs (or resumes) the run. The summary gains "teacher_cache": {bytes, seconds}.
TrainResult run_distillation(const DistillPlan& plan);

}  // namespace grok

#include "grokking/distill/distill_config.h"

#include <fmt/format.h>

#include "grokking/core/error.h"
#include "grokking/distill/distill_stages.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/distill/student_config.h"

namespace grok {

const char* strategies_help() {
  static const std::string help = "comma-separated: " + strategy_names_text();
  return help.c_str();
}

DistillConfig::DistillConfig() {
  train.loop.epochs = 150;
  train.optimizer.learning_rate = 1e-3;
  train.optimizer.weight_decay = 1.0;
  train.optimizer.warmup_steps = 0;
  train.stage_weights = stage_weight_names();
}

void check_top_k(const DistillSettings& settings, int classes) {
  if (settings.distill_top_k > classes)
    throw UsageError(fmt::format(
        "distill_top_k: {} exceeds the teacher's {} classes; allowed: 0 (every class) to {}",
        settings.distill_top_k, classes, classes));
}

TaskConfig training_task(const LoadedModel& model) {
  return model.task;  // load_model already takes a distilled teacher's split_seed
}

void resolve(DistillConfig& config, const LoadedModel& teacher) {
  validate_fields(config);
  const TaskConfig task = training_task(teacher);
  const std::string where = teacher.step_dir.string();
  if (config.p && *config.p != task.p)
    throw UsageError(
        fmt::format("p: {} differs from the teacher's p {} ({}); the student always "
                    "uses the teacher's task and split — omit --p",
                    *config.p, task.p, where));
  if (config.operation && *config.operation != task.operation)
    throw UsageError(
        fmt::format("operation: '{}' differs from the teacher's '{}' ({}); omit "
                    "--operation",
                    to_string(*config.operation), to_string(task.operation), where));
  if (config.train_fraction && *config.train_fraction != task.train_fraction)
    throw UsageError(
        fmt::format("train_fraction: {} differs from the teacher's {} ({}); the "
                    "student must use the teacher's split — omit --train_fraction",
                    *config.train_fraction, task.train_fraction, where));
  config.p = task.p;
  config.operation = task.operation;
  config.train_fraction = task.train_fraction;
  // Default: the teacher's own seed (a distilled teacher's seed differs from its split's).
  if (!config.seed) config.seed = teacher.metadata.value("seed", task.split_seed);

  config.train.task = task;
  config.train.seed = *config.seed;
  config.train.split_seed = task.split_seed;  // the teacher's split, always
  config.train.model = student_config(teacher.config, config.student_scale, config.depth_scale);
  for (const std::string& name : config.settings.strategies)
    check_student_shape(strategy_info(name), teacher.config, config.train.model);
  check_top_k(config.settings, teacher.config.n_classes);
  config.train.finalize("distill");
  config.train.validate();
  check_stage_settings(config.settings, config.train.stages);
}

}  // namespace grok

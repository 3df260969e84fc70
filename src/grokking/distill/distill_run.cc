#include "grokking/distill/distill_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/threads.h"
#include "grokking/distill/distillation_objective.h"
#include "grokking/distill/teacher_cache.h"

namespace grok {
namespace fs = std::filesystem;

DistillPlan plan_distillation(DistillConfig config) {
  if (config.teacher_checkpoint.empty())
    throw UsageError(
        "teacher_checkpoint: required; give the teacher's run, checkpoint or step directory");
  DistillPlan plan;
  plan.teacher = load_model(config.teacher_checkpoint);
  plan.config = std::move(config);
  resolve(plan.config, plan.teacher);
  return plan;
}

std::string distill_config_yaml(DistillConfig config) {
  OptionSet options("distill", "");
  declare_options(options, config);
  return options.to_yaml();
}

nlohmann::json distillation_metadata(const DistillPlan& plan, int64_t teacher_cache_bytes) {
  const DistillConfig& c = plan.config;
  std::error_code ignored;
  fs::path teacher_path = fs::weakly_canonical(fs::absolute(c.teacher_checkpoint), ignored);
  if (teacher_path.empty()) teacher_path = fs::absolute(c.teacher_checkpoint);
  nlohmann::json section = to_json(c.settings);
  section["teacher_checkpoint"] = teacher_path.string();
  section["teacher_step"] = plan.teacher.step;
  section["teacher_epoch"] = plan.teacher.epoch;
  section["teacher_config"] = to_json(plan.teacher.config);
  section["split_seed"] = training_task(plan.teacher).split_seed;
  section["student_scale"] = c.student_scale;
  section["depth_scale"] = c.depth_scale;
  section["teacher_cache_bytes"] = teacher_cache_bytes;
  return {{"distillation", section}};
}

TrainResult run_distillation(const DistillPlan& plan) {
  const DistillConfig& config = plan.config;
  set_num_threads(config.train.threads);
  set_gemm_precision(GemmPrecision::kFp32);  // the teacher's outputs, computed once, stay fp32
  const Split split = make_split(training_task(plan.teacher));

  // Logits always: the teacher's own cross-entropy is logged on both splits.
  TeacherNeeds needs{.logits = true};
  for (const std::string& name : config.settings.strategies) needs |= strategy_info(name).teacher;
  const int chunk = config.train.loop.eval_batch_size;
  const TeacherCache<float> cache(plan.teacher.config, plan.teacher.params.data(), split.train,
                                  needs, std::min(chunk, split.train.size()));
  const TeacherCache<float> val_cache(plan.teacher.config, plan.teacher.params.data(), split.val,
                                      needs, std::max(1, std::min(chunk, split.val.size())));
  DistillationObjective objective(config.train.model, cache, &val_cache, config.settings,
                                  config.train.seed);

  TrainerSetup setup;
  setup.config = config.train;
  setup.verb = "distill";
  setup.history_file = "distillation_history.json";
  setup.config_yaml = distill_config_yaml(config);
  setup.extra_metadata = distillation_metadata(plan, cache.bytes() + val_cache.bytes());
  setup.objective = &objective;
  return run_training(setup, split);
}

}  // namespace grok

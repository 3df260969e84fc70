#include "grokking/distill/distill_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
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
  declare_distill_options(options, config);
  return options.to_yaml();
}

nlohmann::json distillation_metadata(const DistillPlan& plan, int64_t teacher_cache_bytes) {
  const DistillConfig& c = plan.config;
  const ModelConfig& t = plan.teacher.config;
  std::vector<std::string> strategies;
  for (const StrategyKind kind : c.settings.strategies) strategies.push_back(to_string(kind));
  std::error_code ignored;
  fs::path teacher_path = fs::weakly_canonical(fs::absolute(c.teacher_checkpoint), ignored);
  if (teacher_path.empty()) teacher_path = fs::absolute(c.teacher_checkpoint);
  return {{"distillation",
           {{"teacher_checkpoint", teacher_path.string()},
            {"teacher_step", plan.teacher.step},
            {"teacher_epoch", plan.teacher.epoch},
            {"teacher_config", {{"depth", t.depth}, {"dim", t.dim}, {"heads", t.heads}}},
            {"split_seed", training_task(plan.teacher).seed},
            {"strategies", strategies},
            {"student_scale", c.student_scale},
            {"depth_scale", c.depth_scale},
            {"temperature", c.settings.temperature},
            {"alpha", c.settings.alpha},
            {"attention_weight", c.settings.attention_weight},
            {"feature_weight", c.settings.feature_weight},
            {"ground_truth", c.settings.ground_truth},
            {"teacher_cache_bytes", teacher_cache_bytes}}}};
}

TrainResult run_distillation(const DistillPlan& plan) {
  const DistillConfig& config = plan.config;
  set_num_threads(config.train.threads);
  const Split split = make_split(training_task(plan.teacher));

  TeacherNeeds needs;
  for (const StrategyKind kind : config.settings.strategies) needs |= teacher_needs(kind);
  const TeacherCache<float> cache(plan.teacher.config, plan.teacher.params.data(), split.train,
                                  needs,
                                  std::min(config.train.eval_batch_size, split.train.size()));
  DistillationObjective objective(config.train.model, cache, config.settings,
                                  config.train.task.seed);

  TrainerSetup setup;
  setup.config = config.train;
  setup.verb = "distill";
  setup.history_file = "distillation_history.json";
  setup.config_yaml = distill_config_yaml(config);
  setup.extra_metadata = distillation_metadata(plan, cache.bytes());
  setup.objective = &objective;
  TrainResult result = run_training(setup, split);
  if (result.exit_code == 0 && !result.summary.empty()) {
    result.summary["teacher_cache"] = {{"bytes", cache.bytes()}, {"seconds", cache.seconds()}};
    write_file_atomic(fs::path(config.train.save_dir) / "summary.json",
                      result.summary.dump(2) + "\n");
  }
  return result;
}

}  // namespace grok

#include "grokking/distill/distill_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/paths.h"
#include "grokking/core/threads.h"
#include "grokking/core/timer.h"
#include "grokking/distill/distillation_objective.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/distill/teacher_cache.h"
#include "grokking/distill/teacher_logits.h"

namespace grok {
namespace fs = std::filesystem;

DistillPlan plan_distillation(DistillConfig config) {
  if (config.teacher_checkpoint.empty() && config.teacher_logits.empty())
    throw UsageError(
        "teacher_checkpoint: required; give the teacher's run, checkpoint or step directory (or "
        "--teacher_logits FILE.h5 from grokking teacher-logits, for the logit strategy)");
  if (config.teacher_checkpoint.empty())
    for (const std::string& name : config.settings.strategies) {
      const TeacherNeeds& needs = strategy_info(name).teacher;
      if (needs.attention || needs.hidden_states)
        throw UsageError(fmt::format(
            "strategies: {} needs the teacher's model ({}), which --teacher_logits {} does "
            "not hold; give --teacher_checkpoint too, or use only the logit strategy",
            name, needs.attention ? "its attention maps" : "its hidden states",
            config.teacher_logits));
    }
  if (!config.teacher_logits.empty() && !config.settings.has("logit"))
    throw UsageError(fmt::format(
        "teacher_logits: {} holds logits, which only the logit strategy reads; add logit to "
        "--strategies or drop --teacher_logits",
        config.teacher_logits));
  DistillPlan plan;
  const Stopwatch read;
  if (!config.teacher_logits.empty())
    plan.teacher_logits = read_teacher_logits(config.teacher_logits);
  plan.teacher_logits_read_s = read.seconds();
  if (!config.teacher_checkpoint.empty()) {
    plan.teacher = load_model(config.teacher_checkpoint);
    if (plan.teacher_logits)
      check_file_matches_teacher(*plan.teacher_logits, config.teacher_logits, plan.teacher);
  } else {
    plan.teacher = teacher_from_logits_file(*plan.teacher_logits);
    plan.teacher_weights = false;
  }
  plan.config = std::move(config);
  resolve(plan.config, plan.teacher);
  const int top_k = plan.config.settings.distill_top_k;
  if (plan.teacher_logits && top_k > plan.teacher_logits->k)
    throw UsageError(fmt::format(
        "distill_top_k: {} exceeds the {} classes per example that {} stores; allowed: 0 (every "
        "class, reconstructed) to {}, or a file written with a larger --top_k",
        top_k, plan.teacher_logits->k, plan.config.teacher_logits, plan.teacher_logits->k));
  if (plan.teacher_logits) {  // the proof that the file is of this split: its examples
    const Split split = make_split(training_task(plan.teacher));
    check_split_examples(*plan.teacher_logits, plan.config.teacher_logits, "train", split.train);
    if (plan.teacher_logits->find("val"))
      check_split_examples(*plan.teacher_logits, plan.config.teacher_logits, "val", split.val);
  }
  return plan;
}

std::string distill_config_yaml(DistillConfig config) {
  OptionSet options("distill", "");
  declare_options(options, config);
  return options.to_yaml();
}

nlohmann::json distillation_metadata(const DistillPlan& plan, int64_t teacher_cache_bytes) {
  const DistillConfig& c = plan.config;
  // Without --teacher_checkpoint: the step directory the file was written from.
  const fs::path teacher_path = absolute_path(
      c.teacher_checkpoint.empty() ? plan.teacher.step_dir : fs::path(c.teacher_checkpoint));
  nlohmann::json section = to_json(c.settings);
  section["teacher_checkpoint"] = teacher_path.string();
  section["teacher_step"] = plan.teacher.step;
  section["teacher_epoch"] = plan.teacher.epoch;
  section["teacher_config"] = to_json(plan.teacher.config);
  section["split_seed"] = training_task(plan.teacher).split_seed;
  section["student_scale"] = c.student_scale;
  section["depth_scale"] = c.depth_scale;
  section["teacher_cache_bytes"] = teacher_cache_bytes;
  if (plan.teacher_logits) {
    section["teacher_logits"] = {{"file", absolute_path(c.teacher_logits).string()},
                                 {"datasets_sha256", plan.teacher_logits->datasets_sha256},
                                 {"teacher_sha256", plan.teacher_logits->teacher_sha256},
                                 {"k", plan.teacher_logits->k},
                                 {"topk_reconstruction", to_string(c.topk_reconstruction)}};
  }
  return {{"distillation", section}};
}

namespace {

// The teacher's outputs on one split (`name`: "train" or "val", the examples `data`), computed
// once: the logits from the --teacher_logits file when one is given (the teacher then runs
// only if another strategy needs its intermediates), the rest by running the teacher. None
// when neither the file (which may lack the validation split) nor the weights can give them.
std::optional<TeacherCache<float>> split_teacher_cache(const DistillPlan& plan,
                                                       const std::string& name, const Dataset& data,
                                                       const TeacherNeeds& needs) {
  const DistillConfig& config = plan.config;
  const bool from_file = plan.teacher_logits && needs.logits && plan.teacher_logits->find(name);
  if (!from_file && !plan.teacher_weights) return std::nullopt;
  TeacherNeeds online = needs;
  if (from_file) online.logits = false;
  GROK_CHECK(plan.teacher_weights || (!online.attention && !online.hidden_states),
             "the teacher's intermediates need its weights");
  std::optional<TeacherCache<float>> cache;
  cache.emplace(plan.teacher.config, plan.teacher.params.data(), data, online,
                std::max(1, std::min(config.train.loop.eval_batch_size, data.size())));
  if (from_file) {
    const double read = name == "train" ? plan.teacher_logits_read_s : 0;  // counted once
    load_file_logits(*cache, *plan.teacher_logits, config.teacher_logits, name, data,
                     config.topk_reconstruction, read);
  }
  return cache;
}

}  // namespace

TrainResult run_distillation(const DistillPlan& plan) {
  const DistillConfig& config = plan.config;
  set_num_threads(config.train.threads);
  set_gemm_precision(GemmPrecision::kFp32);  // the teacher's outputs, computed once, stay fp32
  const Split split = make_split(training_task(plan.teacher));

  // Logits always: the teacher's own cross-entropy is logged on both splits.
  TeacherNeeds needs{.logits = true};
  for (const std::string& name : config.settings.strategies) needs |= strategy_info(name).teacher;
  const std::optional<TeacherCache<float>> cache =
      split_teacher_cache(plan, "train", split.train, needs);
  const std::optional<TeacherCache<float>> val_cache =
      split_teacher_cache(plan, "val", split.val, needs);
  GROK_CHECK(cache.has_value(), "no teacher outputs on the training split");
  DistillationObjective objective(config.train.model, *cache, val_cache ? &*val_cache : nullptr,
                                  config.settings, config.train.seed);

  TrainerSetup setup;
  setup.config = config.train;
  setup.verb = "distill";
  setup.history_file = "distillation_history.json";
  setup.config_yaml = distill_config_yaml(config);
  setup.extra_metadata =
      distillation_metadata(plan, cache->bytes() + (val_cache ? val_cache->bytes() : 0));
  setup.objective = &objective;
  return run_training(setup, split);
}

}  // namespace grok

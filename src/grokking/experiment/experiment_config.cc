#include "grokking/experiment/experiment_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "grokking/core/error.h"
#include "grokking/train/train_config.h"

namespace grok {
namespace {

constexpr int kMaxRecursiveRounds = 64;                 // far past any use; bounds the plan's size
constexpr uint64_t kMaxSeed = (uint64_t{1} << 32) - 1;  // the split's RandomState takes 32 bits

template <typename T>
void require(bool ok, const std::string& key, const T& value, const std::string& allowed) {
  if (!ok) throw UsageError(fmt::format("{}: {} is invalid; allowed: {}", key, value, allowed));
}

bool positive_finite(double x) { return std::isfinite(x) && x > 0; }

void declare_phase_options(OptionSet& options, const std::string& prefix, PhaseConfig& phase) {
  options.add(prefix + "_epochs", &phase.epochs, "epochs");
  options.add(prefix + "_batch_size", &phase.batch_size, "examples per step");
  options.add(prefix + "_learning_rate", &phase.optimizer.learning_rate, "peak learning rate");
  options.add(prefix + "_weight_decay", &phase.optimizer.weight_decay,
              "decoupled weight decay (times lr)");
  options.add(prefix + "_beta1", &phase.optimizer.beta1, "Adam first-moment decay");
  options.add(prefix + "_beta2", &phase.optimizer.beta2, "Adam second-moment decay");
  options.add(prefix + "_warmup_steps", &phase.optimizer.warmup_steps,
              "linear warmup steps (first lr is 0)");
}

}  // namespace

void PhaseConfig::validate(const std::string& prefix) const {
  require(epochs >= 1, prefix + "_epochs", epochs, "an integer >= 1");
  require(batch_size >= 1, prefix + "_batch_size", batch_size, "an integer >= 1");
  require(positive_finite(optimizer.learning_rate), prefix + "_learning_rate",
          optimizer.learning_rate, "a finite number > 0");
  require(std::isfinite(optimizer.weight_decay) && optimizer.weight_decay >= 0,
          prefix + "_weight_decay", optimizer.weight_decay, "a finite number >= 0");
  require(optimizer.beta1 >= 0 && optimizer.beta1 < 1, prefix + "_beta1", optimizer.beta1,
          "0 <= beta1 < 1");
  require(optimizer.beta2 >= 0 && optimizer.beta2 < 1, prefix + "_beta2", optimizer.beta2,
          "0 <= beta2 < 1");
  require(optimizer.warmup_steps >= 0, prefix + "_warmup_steps", optimizer.warmup_steps,
          "an integer >= 0");
  optimizer.validate();  // the rest (type, eps), which these flags do not set
}

ExperimentConfig::ExperimentConfig() {
  teacher.optimizer.warmup_steps = 10;
  distill.optimizer.warmup_steps = 0;
}

std::vector<StrategyKind> strategy_kinds(const std::string& strategy) {
  if (strategy == kCombinedStrategy)
    return {StrategyKind::kLogit, StrategyKind::kAttention, StrategyKind::kFeature};
  if (strategy == "logit" || strategy == "attention" || strategy == "feature")
    return {parse_strategy(strategy)};
  throw UsageError(fmt::format(
      "strategies: '{}' is not a strategy; allowed: logit, attention, feature, combined",
      strategy));
}

void ExperimentConfig::validate() const {
  if (out.empty()) throw UsageError("out: no experiment directory given; pass --out DIR");

  require(positive_finite(teacher_scale), "teacher_scale", teacher_scale, "a finite number > 0");
  require(positive_finite(teacher_depth_scale), "teacher_depth_scale", teacher_depth_scale,
          "a finite number > 0");
  if (!teacher_checkpoint.empty() && (teacher_scale != 1.0 || teacher_depth_scale != 1.0))
    throw UsageError(fmt::format(
        "teacher_scale: {} (teacher_depth_scale {}) scales a trained teacher, but the teacher "
        "is given as a checkpoint ({}); omit the scales or the checkpoint",
        teacher_scale, teacher_depth_scale, teacher_checkpoint));

  if (student_scales.empty())
    throw UsageError("student_scales: none given; allowed: a list of numbers > 0, e.g. 0.5,0.25");
  for (std::size_t i = 0; i < student_scales.size(); ++i) {
    require(positive_finite(student_scales[i]), "student_scales", student_scales[i],
            "finite numbers > 0");
    require(std::find(student_scales.begin(), student_scales.begin() + i, student_scales[i]) ==
                student_scales.begin() + i,
            "student_scales", fmt::format("{} (listed twice)", student_scales[i]),
            "each scale once");
  }
  require(positive_finite(student_depth_scale), "student_depth_scale", student_depth_scale,
          "a finite number > 0");

  if (strategies.empty())
    throw UsageError(
        "strategies: none given; allowed: one or more of logit, attention, feature, combined");
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    strategy_kinds(strategies[i]);
    require(std::find(strategies.begin(), strategies.begin() + i, strategies[i]) ==
                strategies.begin() + i,
            "strategies", fmt::format("'{}' (listed twice)", strategies[i]), "each strategy once");
  }

  require(grokking_threshold > 0 && grokking_threshold <= 1, "grokking_threshold",
          grokking_threshold, "0 < threshold <= 1 (a val accuracy fraction)");
  require(positive_finite(recursive_factor), "recursive_factor", recursive_factor,
          "a finite number > 0");
  require(max_recursive_rounds >= 1 && max_recursive_rounds <= kMaxRecursiveRounds,
          "max_recursive_rounds", max_recursive_rounds,
          fmt::format("an integer in [1, {}]", kMaxRecursiveRounds));
  require(repeats >= 1, "repeats", repeats, "an integer >= 1");
  require(task.seed <= kMaxSeed - static_cast<uint64_t>(repeats - 1), "repeats",
          fmt::format("{} (with seed {})", repeats, task.seed),
          fmt::format("seed + repeats - 1 <= {} (seeds are 32-bit)", kMaxSeed));
  require(jobs >= 0, "jobs", jobs, "an integer >= 0 (0: one per core)");
  require(grok_window >= 1, "grok_window", grok_window, "an integer >= 1 (epochs)");

  task.validate();
  require(base.dim >= 1, "base_dim", base.dim, "a positive integer");
  require(base.depth >= 1, "base_depth", base.depth, "a positive integer");
  require(base.heads >= 1, "heads", base.heads, "a positive integer");
  require(base.dropout >= 0 && base.dropout < 1, "dropout", base.dropout, "0 <= dropout < 1");
  ModelConfig model = base;
  model.vocab_size = model.n_classes = task.vocab_size();
  try {
    model.validate();
  } catch (const UsageError& e) {
    throw UsageError(
        fmt::format("heads: {} with base_dim {} is invalid ({})", base.heads, base.dim, e.what()));
  }

  teacher.validate("teacher");
  distill.validate("distill");
  const DistillSettings& s = distill_settings;
  require(positive_finite(s.temperature), "distill_temperature", s.temperature,
          "a finite number > 0");
  require(s.alpha >= 0 && s.alpha <= 1, "distill_alpha", s.alpha, "0 <= alpha <= 1");
  require(std::isfinite(s.attention_weight) && s.attention_weight >= 0, "distill_attention_weight",
          s.attention_weight, "a finite number >= 0");
  require(std::isfinite(s.feature_weight) && s.feature_weight >= 0, "distill_feature_weight",
          s.feature_weight, "a finite number >= 0");
}

void declare_experiment_options(OptionSet& options, ExperimentConfig& config) {
  options.group("Experiment");
  options.add("out", &config.out, "experiment directory (manifest, statistics, one run per trial)");
  options.alias("output_dir");
  options.not_saved();
  options.add("jobs", &config.jobs, "trials run side by side (0: one per core)");
  options.not_saved();

  options.group("Teacher");
  options.add("teacher_checkpoint", &config.teacher_checkpoint,
              "a trained teacher (run, checkpoint or step directory); empty: train one");
  options.add("teacher_scale", &config.teacher_scale,
              "trained teacher width = base_dim × this (grow with > 1)");
  options.add("teacher_depth_scale", &config.teacher_depth_scale,
              "trained teacher depth = base_depth × this");

  options.group("Students");
  options.add("student_scales", &config.student_scales,
              "comma-separated student widths relative to the teacher");
  options.add("student_depth_scale", &config.student_depth_scale,
              "student depth = teacher depth × this (round 0)");
  options.add("strategies", &config.strategies,
              "comma-separated: logit, attention, feature, combined (all three at once)");
  options.add("grokking_threshold", &config.grokking_threshold,
              "val accuracy that counts as grokked and continues a recursive chain");
  options.add_switch("recursive", &config.recursive,
                     "distil each student again into a smaller one (round r from round r-1)");
  options.add("recursive_factor", &config.recursive_factor,
              "width of round r relative to round r-1");
  options.add("max_recursive_rounds", &config.max_recursive_rounds,
              "rounds after round 0 (a chain stops at the first round below the threshold)");
  options.add("grok_window", &config.grok_window,
              "epochs val accuracy must stay >= grokking_threshold to count as grokked");

  options.group("Repeats and controls");
  options.add("repeats", &config.repeats, "seeds seed..seed+repeats-1 (paired across trials)");
  options.add_switch("no_control", &config.no_control,
                     "skip the from-scratch control students (same size and seed, no teacher)");
  declare_tensorboard_options(options, config.tensorboard);

  declare_task_options(options, config.task);

  options.group("Base shape");
  options.add("base_dim", &config.base.dim, "base width D (teacher = base × teacher_scale)");
  options.add("base_depth", &config.base.depth, "base layers L");
  options.add("heads", &config.base.heads, "attention heads of every model");
  options.add("dropout", &config.base.dropout, "dropout rate of every model in [0, 1)");
  ModelConfig* base = &config.base;
  options.add_custom({"pool",
                      {},
                      "pooling before the head: cls (last position) or mean",
                      "",
                      false,
                      true,
                      [base](const std::string& t) { base->pool = parse_pool(t); },
                      [base] { return to_string(base->pool); }});

  options.group("Teacher training");
  declare_phase_options(options, "teacher", config.teacher);
  options.group("Distillation (students and their controls)");
  declare_phase_options(options, "distill", config.distill);
  DistillSettings& s = config.distill_settings;
  options.add("distill_alpha", &s.alpha,
              "weight of hard-label CE (α) vs logit distillation (1 − α)");
  options.add("distill_temperature", &s.temperature, "softmax temperature τ of logit");
  options.add("distill_attention_weight", &s.attention_weight,
              "weight of the attention-transfer loss");
  options.add("distill_feature_weight", &s.feature_weight, "weight of the feature loss");
}

}  // namespace grok

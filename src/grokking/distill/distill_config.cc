#include "grokking/distill/distill_config.h"

#include <fmt/format.h>

#include <cmath>

#include "grokking/core/error.h"
#include "grokking/distill/student_config.h"

namespace grok {
namespace {

void require(bool ok, const std::string& key, double value, const std::string& allowed) {
  if (!ok) throw UsageError(fmt::format("{}: {} is invalid; {}", key, value, allowed));
}

// An optional option: unset prints as "teacher's" in --help; set values parse and format as
// the plain option would (config.yaml is written after resolve(), when all are set).
template <typename T>
Option optional_option(const std::string& name, std::optional<T>* target, const std::string& help,
                       T (*parse)(const std::string&), std::string (*format)(const T&)) {
  return Option{name,
                {},
                help,
                "",
                false,
                true,
                [target, parse](const std::string& text) { *target = parse(text); },
                [target, format] { return *target ? format(**target) : "the teacher's"; }};
}

template <typename T>
T parse_number(const std::string& name, const std::string& text) {
  try {
    std::size_t used = 0;
    T value{};
    if constexpr (std::is_same_v<T, double>)
      value = std::stod(text, &used);
    else if constexpr (std::is_same_v<T, int>)
      value = std::stoi(text, &used);
    else
      value = std::stoull(text, &used);
    if (used == text.size() && (!std::is_unsigned_v<T> || text.find('-') == std::string::npos))
      return value;
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("{}: '{}' is not a valid number", name, text));
}

}  // namespace

bool DistillSettings::has(StrategyKind kind) const {
  return std::find(strategies.begin(), strategies.end(), kind) != strategies.end();
}

void DistillSettings::validate() const {
  require(std::isfinite(temperature) && temperature > 0, "temperature", temperature, "must be > 0");
  require(std::isfinite(alpha) && alpha >= 0 && alpha <= 1, "alpha", alpha, "must be in [0, 1]");
  require(std::isfinite(attention_weight) && attention_weight >= 0, "attention_weight",
          attention_weight, "must be >= 0");
  require(std::isfinite(feature_weight) && feature_weight >= 0, "feature_weight", feature_weight,
          "must be >= 0");
  if (strategies.empty())
    throw UsageError("strategies: none given; choose one or more of logit, attention, feature");
  if (!ground_truth && strategies.size() == 1 && strategies[0] == StrategyKind::kLogit &&
      alpha == 1)
    throw UsageError(
        "alpha: 1 with --disable_ground_truth and only the logit strategy leaves no loss "
        "(the logit term is weighted 1 − alpha)");
}

DistillConfig::DistillConfig() {
  train.epochs = 150;
  train.optimizer.learning_rate = 1e-3;
  train.optimizer.weight_decay = 1.0;
  train.optimizer.warmup_steps = 0;
}

void declare_distill_options(OptionSet& options, DistillConfig& config) {
  options.group("Distillation");
  options.add("teacher_checkpoint", &config.teacher_checkpoint,
              "teacher: a run directory, checkpoint directory or step directory (required)");
  options.add("output_dir", &config.train.save_dir,
              "run directory of the student (default runs/distill-<timestamp>)");
  options.not_saved();
  options.add("strategies", &config.strategy_names, "comma-separated: logit, attention, feature");
  options.add("student_scale", &config.student_scale, "student width = teacher dim × this");
  options.add("depth_scale", &config.depth_scale, "student depth = teacher depth × this");
  options.add("temperature", &config.settings.temperature, "softmax temperature τ of logit");
  options.add("alpha", &config.settings.alpha,
              "weight of hard-label CE (α) vs logit distillation (1 − α)");
  options.add("attention_weight", &config.settings.attention_weight,
              "weight of the attention-transfer loss");
  options.add("feature_weight", &config.settings.feature_weight,
              "weight of the feature-projection loss");
  options.add_switch("disable_ground_truth", &config.disable_ground_truth,
                     "drop the hard-label cross-entropy term");

  options.group("Task (from the teacher; flags must agree with it)");
  options.add_custom(optional_option<int>(
      "p", &config.p, "modulus", [](const std::string& t) { return parse_number<int>("p", t); },
      [](const int& v) { return std::to_string(v); }));
  options.add_custom(optional_option<Operation>(
      "operation", &config.operation, "operation mod p: + - * /",
      [](const std::string& t) { return parse_operation(t); },
      [](const Operation& v) { return fmt::format("\"{}\"", to_string(v)); }));
  options.add_custom(optional_option<double>(
      "train_fraction", &config.train_fraction, "fraction of pairs used for training",
      [](const std::string& t) { return parse_number<double>("train_fraction", t); },
      [](const double& v) { return fmt::format("{}", v); }));
  options.add_custom(optional_option<uint64_t>(
      "seed", &config.seed, "student seed: initialisation, batch order, dropout (not the split)",
      [](const std::string& t) { return parse_number<uint64_t>("seed", t); },
      [](const uint64_t& v) { return std::to_string(v); }));

  declare_optimizer_options(options, config.train.optimizer);
  declare_loop_options(options, config.train);
}

TaskConfig training_task(const LoadedModel& model) {
  return model.task;  // load_model already takes a distilled teacher's split_seed
}

void resolve(DistillConfig& config, const LoadedModel& teacher) {
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
  // Default: the teacher's own seed (a distilled teacher's task.seed is its split seed).
  if (!config.seed) config.seed = teacher.metadata.value("seed", teacher.task.seed);

  config.settings.strategies = parse_strategies(config.strategy_names);
  config.settings.ground_truth = !config.disable_ground_truth;
  config.settings.validate();

  config.train.task = task;
  config.train.task.split_seed = static_cast<int64_t>(task.seed);  // the teacher's split, always
  config.train.task.seed = *config.seed;
  config.train.model = student_config(teacher.config, config.student_scale, config.depth_scale);
  for (const StrategyKind kind : config.settings.strategies)
    check_student_shape(kind, teacher.config, config.train.model);
  config.train.finalize("distill");
  config.train.validate();
}

}  // namespace grok

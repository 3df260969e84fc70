#include "grokking/experiment/trial_command.h"

#include <fmt/format.h>

#include <charconv>

#include "grokking/core/error.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

// Shortest text that reads back as the same double.
std::string number(double v) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, result.ptr);
}

const Trial& find_trial(const std::vector<Trial>& plan, const std::string& id) {
  for (const auto& t : plan)
    if (t.id == id) return t;
  throw Error(fmt::format("experiment plan: no trial '{}'", id));
}

void add(std::vector<std::string>& args, const std::string& flag, const std::string& value) {
  args.push_back("--" + flag);
  args.push_back(value);
}

void add_phase(std::vector<std::string>& args, const PhaseConfig& phase) {
  add(args, "epochs", std::to_string(phase.epochs));
  add(args, "batch_size", std::to_string(phase.batch_size));
  add(args, "learning_rate", number(phase.optimizer.learning_rate));
  add(args, "weight_decay", number(phase.optimizer.weight_decay));
  add(args, "beta1", number(phase.optimizer.beta1));
  add(args, "beta2", number(phase.optimizer.beta2));
  add(args, "warmup_steps", std::to_string(phase.optimizer.warmup_steps));
  add(args, "optimizer", phase.optimizer.type);
}

void add_common(std::vector<std::string>& args) {
  add(args, "threads", "1");
  add(args, "log_every", "10");
  args.push_back("--resume");
}

}  // namespace

fs::path trial_dir(const fs::path& out, const Trial& trial) { return out / trial.id; }

fs::path parent_checkpoint(const fs::path& out, const Trial& trial,
                           const std::vector<Trial>& plan) {
  const Trial& parent = find_trial(plan, trial.parent_id);
  return parent.checkpoint.empty() ? trial_dir(out, parent) : fs::path(parent.checkpoint);
}

std::vector<std::string> trial_arguments(const fs::path& out, const Trial& trial,
                                         const std::vector<Trial>& plan) {
  GROK_CHECK(trial.checkpoint.empty(), "trial {} is a given checkpoint, not a run", trial.id);
  std::vector<std::string> args;
  if (trial.kind == TrialKind::kStudent) {
    const Trial& parent = find_trial(plan, trial.parent_id);
    args.push_back("distill");
    add(args, "teacher_checkpoint", parent_checkpoint(out, trial, plan).string());
    add(args, "output_dir", trial_dir(out, trial).string());
    add(args, "student_scale", number(trial.student_scale));
    // The exact depth ratio reproduces the planned depth under the rounding rule.
    add(args, "depth_scale", number(static_cast<double>(trial.model.depth) / parent.model.depth));
    add(args, "strategies",
        trial.strategy == kCombinedStrategy ? "logit,attention,feature" : trial.strategy);
    add(args, "temperature", number(trial.distill.temperature));
    add(args, "alpha", number(trial.distill.alpha));
    add(args, "attention_weight", number(trial.distill.attention_weight));
    add(args, "feature_weight", number(trial.distill.feature_weight));
    add(args, "seed", std::to_string(trial.seed));
    add_phase(args, trial.phase);
  } else {  // a trained teacher or a from-scratch control
    args.push_back("train");
    add(args, "save_dir", trial_dir(out, trial).string());
    add(args, "p", std::to_string(trial.task.p));
    add(args, "operation", to_string(trial.task.operation));
    add(args, "train_fraction", number(trial.task.train_fraction));
    add(args, "seed", std::to_string(trial.seed));
    add(args, "split_seed", std::to_string(trial.task.seed));
    add(args, "depth", std::to_string(trial.model.depth));
    add(args, "dim", std::to_string(trial.model.dim));
    add(args, "heads", std::to_string(trial.model.heads));
    add(args, "dropout", number(trial.model.dropout));
    add(args, "pool", to_string(trial.model.pool));
    add_phase(args, trial.phase);
  }
  add_common(args);
  return args;
}

}  // namespace grok

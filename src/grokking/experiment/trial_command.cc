#include "grokking/experiment/trial_command.h"

#include <fmt/format.h>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/options.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

const Trial& find_trial(const std::vector<Trial>& plan, const std::string& id) {
  for (const auto& t : plan)
    if (t.id == id) return t;
  throw Error(fmt::format("experiment plan: no trial '{}'", id));
}

// What every trial's run shares: one thread, progress every 10 epochs, always resumable.
void set_run_options(TrainConfig& run, const fs::path& dir, const PhaseConfig& phase) {
  run.optimizer = phase.optimizer;
  run.loop = phase.loop;
  run.save_dir = dir.string();
  run.threads = 1;
  run.log_every = 10;
  run.resume = true;
}

}  // namespace

fs::path trial_dir(const fs::path& out, const Trial& trial) { return out / trial.id; }

fs::path parent_checkpoint(const fs::path& out, const Trial& trial,
                           const std::vector<Trial>& plan) {
  const Trial& parent = find_trial(plan, trial.parent_id);
  return parent.checkpoint.empty() ? trial_dir(out, parent) : fs::path(parent.checkpoint);
}

TrainConfig trial_train_config(const fs::path& out, const Trial& trial) {
  GROK_CHECK(trial.kind != TrialKind::kStudent, "trial {} is distilled, not trained", trial.id);
  TrainConfig c;
  c.task = trial.task;
  c.seed = trial.seed;
  c.split_seed = trial.task.split_seed;
  c.model = trial.model;
  set_run_options(c, trial_dir(out, trial), trial.phase);
  return c;
}

DistillConfig trial_distill_config(const fs::path& out, const Trial& trial,
                                   const std::vector<Trial>& plan) {
  GROK_CHECK(trial.kind == TrialKind::kStudent, "trial {} is not distilled", trial.id);
  const Trial& parent = find_trial(plan, trial.parent_id);
  DistillConfig c;
  c.teacher_checkpoint = parent_checkpoint(out, trial, plan).string();
  c.student_scale = trial.student_scale;
  // The exact depth ratio reproduces the planned depth under the rounding rule.
  c.depth_scale = static_cast<double>(trial.model.depth) / parent.model.depth;
  c.settings = trial.distill;
  c.seed = trial.seed;
  set_run_options(c.train, trial_dir(out, trial), trial.phase);
  return c;
}

std::vector<std::string> write_trial_command(const fs::path& out, const Trial& trial,
                                             const std::vector<Trial>& plan, bool tensorboard) {
  GROK_CHECK(trial.checkpoint.empty(), "trial {} is a given checkpoint, not a run", trial.id);
  const bool distilled = trial.kind == TrialKind::kStudent;
  OptionSet options(distilled ? "distill" : "train", "");
  TrainConfig train;
  DistillConfig distill;
  if (distilled) {
    distill = trial_distill_config(out, trial, plan);
    distill.train.tensorboard = tensorboard;
    declare_options(options, distill);
  } else {
    train = trial_train_config(out, trial);
    train.tensorboard = tensorboard;
    declare_options(options, train);
  }
  const fs::path path = trial_dir(out, trial) / "trial.yaml";
  fs::create_directories(path.parent_path());
  write_file_atomic(path, fmt::format("# experiment trial {} (written by grokking experiment)\n{}",
                                      trial.id, options.to_yaml(/*all=*/true)));
  return {distilled ? "distill" : "train", "--config", path.string()};
}

}  // namespace grok

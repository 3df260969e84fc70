// grokking experiment: expand the factors into trials, run them side by side (resumable), and
// write the manifest and the statistics into --out.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "grokking/cluster/mpi_world.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/core/run_lock.h"
#include "grokking/core/threads.h"
#include "grokking/experiment/experiment_config.h"
#include "grokking/experiment/experiment_report.h"
#include "grokking/experiment/mpi_slots.h"
#include "grokking/experiment/plan.h"
#include "grokking/experiment/runner.h"
#include "grokking/train/model_loader.h"

namespace grok::cli {
namespace fs = std::filesystem;

int cmd_experiment(int argc, const char* const* argv) {
  ExperimentConfig config;
  OptionSet options(
      "experiment",
      "Train a teacher (or take one), distil it into students of the given scales with each "
      "strategy (and recursively), repeat over seeds, train a from-scratch control for every "
      "student shape, and report statistics. Trials run side by side (--jobs), one thread "
      "each. Re-running the same command continues an interrupted experiment: completed "
      "trials are skipped, interrupted ones resume from their checkpoints. Writes "
      "OUT/manifest.json (after every trial), OUT/statistics.json and OUT/statistics.md, "
      "and one run directory per trial. Under mpirun or srun, rank 0 plans and hands trials to "
      "free ranks (--jobs each); OUT must be on a filesystem every rank sees.");
  declare_options(options, config);
  if (!options.parse(argc, argv)) return 0;
  config.validate();
  const fs::path out = config.out;

  // Under mpirun/srun every rank parses the same options; rank 0 plans and runs the study, the
  // others run the trials it sends them (experiment/mpi_slots.h).
  const MpiWorld& world = MpiWorld::instance();
  const int jobs = config.jobs > 0 ? config.jobs : world.distributed() ? 1 : hardware_threads();
  const fs::path program = fs::read_symlink("/proc/self/exe");
  LocalSlots local(program, jobs);
  std::optional<MpiSlots> cluster;  // its destructor releases the other ranks, on any exit
  if (world.distributed()) {
    std::vector<std::string> hosts = check_shared_out(world, out);
    if (world.rank() != 0) {
      serve_trials(world, local);
      return kExitOk;
    }
    cluster.emplace(world, local, jobs, std::move(hosts));
  }

  std::optional<GivenTeacher> given;
  if (!config.teacher_checkpoint.empty()) {
    const LoadedModel teacher = load_model(config.teacher_checkpoint);
    given = GivenTeacher{teacher.config, teacher.task};
  }
  const std::vector<Trial> plan = plan_trials(config, given);

  // One experiment process per --out, for its whole life (each trial's process locks the
  // trial's own run directory).
  const RunLock lock(out, "experiment");
  // A re-run must describe the same experiment (or extend it).
  const fs::path plan_path = out / "plan.json";
  const nlohmann::json plan_json = plan_to_json(plan);
  if (fs::exists(plan_path)) {
    const PlanChange change = compare_plans(read_json_file(plan_path), plan_json);
    if (change.kind == PlanChangeKind::kChanged)
      throw UsageError(fmt::format(
          "--out: {} holds a different experiment ({}); use another --out, or the same options",
          out.string(), change.describe()));
    if (change.kind == PlanChangeKind::kExtended)
      fmt::print("extending the experiment in {}: {}\n", out.string(), change.describe());
  }
  fs::create_directories(out);
  write_json_file_atomic(plan_path, plan_json);
  write_file_atomic(out / "config.yaml", options.to_yaml());

  RunnerOptions runner;
  runner.out = out;
  runner.threshold = config.grokking_threshold;
  runner.grok = {config.grokking_threshold, config.grok_tolerance, config.grok_min_delay};
  runner.tensorboard = config.tensorboard;
  TrialSlots& slots = cluster ? static_cast<TrialSlots&>(*cluster) : local;
  fmt::print("grokking experiment: {} trials, {} at a time{} → {}\n", plan.size(), slots.capacity(),
             world.distributed() ? fmt::format(" ({} ranks × {})", world.size(), jobs) : "",
             out.string());
  const RunnerResult result = run_trials(plan, runner, slots);
  cluster.reset();  // the other ranks may leave
  write_experiment_statistics(out, plan, result.records, runner.grok, config.seed);
  fmt::print("manifest: {}\nstatistics: {}\n", (out / "manifest.json").string(),
             (out / "statistics.md").string());
  return result.exit_code;
}

}  // namespace grok::cli

// grokking distill: parse and validate options, load the teacher, distil it into a smaller
// student through the shared trainer (src/grokking/distill/distill_run.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.h"
#include "grokking/cluster/mpi_world.h"
#include "grokking/distill/distill_run.h"
#include "grokking/distill/strategy_table.h"

namespace grok::cli {

int cmd_distill(int argc, const char* const* argv) {
  DistillConfig config;
  OptionSet options("distill",
                    fmt::format("Distil a trained teacher into a smaller student with any of the "
                                "strategies {}.\nThe task and split are the teacher's. Writes "
                                "config.yaml, distillation_history.json, summary.json and "
                                "checkpoints into --output_dir.",
                                strategy_names_text()));
  declare_options(options, config);
  if (!options.parse(argc, argv)) return 0;
  if (MpiWorld::environment_rank() != 0) config.train.quiet = true;  // under mpirun, rank 0 speaks
  const DistillPlan plan = plan_distillation(config);  // validates before anything is written
  const DistillConfig& c = plan.config;
  if (!c.train.quiet)
    fmt::print(
        "grokking distill: teacher {} (dim {}, depth {}) → student dim {} depth {} "
        "heads {}; strategies {}; p={} op={} seed={} epochs={} → {}\n",
        c.teacher_checkpoint.empty() ? "logits " + c.teacher_logits : c.teacher_checkpoint,
        plan.teacher.config.dim, plan.teacher.config.depth, c.train.model.dim, c.train.model.depth,
        c.train.model.heads, fmt::join(c.settings.strategies, ","), c.train.task.p,
        to_string(c.train.task.operation), c.train.seed, c.train.loop.epochs, c.train.save_dir);
  const TrainResult result = run_distillation(plan);
  if (result.exit_code == 0 && !c.train.quiet) {
    const auto& s = result.summary;
    auto epoch_text = [&](const char* key) {
      return s.contains(key) && !s[key].is_null() ? std::to_string(s[key].get<int64_t>())
                                                  : std::string("-");
    };
    fmt::print(
        "done: val {:.2f}% (best {:.2f}%), epochs to 50/90/99%: {}/{}/{}, {:.1f} s, "
        "teacher cache {:.1f} MiB → {}\n",
        100 * s.value("final_val_acc", 0.0), 100 * s.value("best_val_acc", 0.0),
        epoch_text("epoch_to_50"), epoch_text("epoch_to_90"), epoch_text("epoch_to_99"),
        s.contains("timing") ? s["timing"].value("wall_s", 0.0) : 0.0,
        s.contains("teacher_cache") ? s["teacher_cache"].value("bytes", 0.0) / (1 << 20) : 0.0,
        c.train.save_dir);
  }
  return result.exit_code;
}

}  // namespace grok::cli

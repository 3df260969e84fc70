// grokking train: parse and validate options, build the split, run the shared trainer.
#include <fmt/format.h>

#include "commands.h"
#include "grokking/cluster/mpi_world.h"
#include "grokking/train/trainer.h"

namespace grok::cli {

int cmd_train(int argc, const char* const* argv) {
  TrainConfig config;
  OptionSet options("train",
                    "Train a transformer on a modular arithmetic task until it groks.\n"
                    "Writes config.yaml, training_history.json, summary.json and checkpoints "
                    "into --save_dir.");
  declare_options(options, config);
  if (!options.parse(argc, argv)) return 0;
  if (MpiWorld::environment_rank() != 0) config.quiet = true;  // under mpirun, rank 0 speaks
  config.finalize("train");
  config.validate();  // before anything is written

  TrainerSetup setup;
  setup.config = config;
  setup.config_yaml = options.to_yaml();
  if (!config.quiet)
    fmt::print(
        "grokking train: p={} op={} depth={} dim={} heads={} optimizer={} epochs={} "
        "seed={} → {}\n",
        config.task.p, to_string(config.task.operation), config.model.depth, config.model.dim,
        config.model.heads, config.optimizer.type, config.loop.epochs, config.seed,
        config.save_dir);
  const Split split = make_split(config.task);
  const TrainResult result = run_training(setup, split);
  if (result.exit_code == 0 && !config.quiet) {
    const auto& s = result.summary;
    auto epoch_text = [&](const char* key) {
      return s.contains(key) && !s[key].is_null() ? std::to_string(s[key].get<int64_t>())
                                                  : std::string("-");
    };
    fmt::print("done: val {:.2f}% (best {:.2f}%), epochs to 50/90/99%: {}/{}/{}, {:.1f} s → {}\n",
               100 * s.value("final_val_acc", 0.0), 100 * s.value("best_val_acc", 0.0),
               epoch_text("epoch_to_50"), epoch_text("epoch_to_90"), epoch_text("epoch_to_99"),
               s.contains("timing") ? s["timing"].value("wall_s", 0.0) : 0.0, config.save_dir);
  }
  return result.exit_code;
}

}  // namespace grok::cli

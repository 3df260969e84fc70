#include "grokking/train/train_config.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

#include "grokking/core/error.h"

namespace grok {

void declare_task_options(OptionSet& options, TaskConfig& task) {
  options.group("Task");
  options.add("p", &task.p, "modulus (prime for /)");
  options.add_custom({"operation",
                      {},
                      "operation mod p: + - * /",
                      "",
                      false,
                      true,
                      [&task](const std::string& t) { task.operation = parse_operation(t); },
                      [&task] { return fmt::format("\"{}\"", to_string(task.operation)); }});
  options.add("train_fraction", &task.train_fraction, "fraction of pairs used for training");
  options.add("seed", &task.seed, "seed of the split, initialisation, order and dropout");
  options.add("split_seed", &task.split_seed,
              "seed of the split alone, when it must differ from --seed (-1: --seed)");
}

void declare_model_options(OptionSet& options, ModelConfig& model) {
  options.group("Model");
  options.add("depth", &model.depth, "transformer layers");
  options.add("dim", &model.dim, "model width D");
  options.add("heads", &model.heads, "attention heads (dim % heads == 0, even head width)");
  options.add("dropout", &model.dropout, "dropout rate in [0, 1)");
  options.add_custom({"pool",
                      {},
                      "pooling before the head: cls (last position) or mean",
                      "",
                      false,
                      true,
                      [&model](const std::string& t) { model.pool = parse_pool(t); },
                      [&model] { return to_string(model.pool); }});
}

void declare_optimizer_options(OptionSet& options, OptimizerConfig& optimizer) {
  options.group("Optimizer");
  options.add("optimizer", &optimizer.type, "adamw or muon");
  options.add("learning_rate", &optimizer.learning_rate, "peak learning rate");
  options.alias("lr");
  options.add("beta1", &optimizer.beta1, "Adam first-moment decay");
  options.add("beta2", &optimizer.beta2, "Adam second-moment decay");
  options.add("weight_decay", &optimizer.weight_decay, "decoupled weight decay (times lr)");
  options.add("warmup_steps", &optimizer.warmup_steps, "linear warmup steps (first lr is 0)");
}

void declare_tensorboard_options(OptionSet& options, bool& enabled) {
  options.add_switch("tensorboard", &enabled,
                     "write TensorBoard event files into <save_dir>/tensorboard (the default)");
  options.not_saved();
  bool* target = &enabled;
  options.add_custom({"no_tensorboard",
                      {},
                      "write no TensorBoard event files",
                      "",
                      true,
                      false,
                      [target](const std::string& t) {
                        const bool yes = t == "true" || t == "1" || t == "yes";
                        if (!yes && t != "false" && t != "0" && t != "no")
                          throw UsageError(
                              fmt::format("--no_tensorboard: '{}' is not true or false", t));
                        *target = !yes;
                      },
                      [target] { return std::string(*target ? "false" : "true"); }});
}

void declare_loop_options(OptionSet& options, TrainConfig& config) {
  options.group("Training");
  options.add("epochs", &config.epochs, "epochs to train");
  options.add("batch_size", &config.batch_size, "examples per step");
  options.add("max_steps", &config.max_steps, "stop after this many steps (0: no limit)");
  options.add("eval_batch_size", &config.eval_batch_size, "examples per evaluation pass");
  options.group("Run directory and checkpoints");
  options.add("save_dir", &config.save_dir, "run directory (default runs/<verb>-<timestamp>)");
  options.not_saved();
  options.add("checkpoint_dir", &config.checkpoint_dir,
              "checkpoint directory (default <save_dir>/checkpoints)");
  options.not_saved();
  options.add("checkpoint_every", &config.checkpoint_every,
              "save every N epochs (the final epoch is always saved)");
  options.add("keep", &config.keep, "checkpoints kept (newest)");
  options.add("keep_every", &config.keep_every,
              "also keep the checkpoint of every K-th epoch end (0: none)");
  options.add_switch("resume", &config.resume, "continue from the newest valid checkpoint");
  options.not_saved();
  options.add_switch("overwrite", &config.overwrite, "replace an existing run in save_dir");
  options.not_saved();
  declare_tensorboard_options(options, config.tensorboard);
  options.group("Execution");
  options.add("threads", &config.threads,
              "threads for this run (0: all cores); each batch is cut into one shard per "
              "thread (at least 64 examples each); a run is bit-reproducible for a given count");
  options.not_saved();
  options.add("log_every", &config.log_every, "print a progress line every N epochs");
  options.alias("log_interval");
  options.not_saved();
  options.add_switch("quiet", &config.quiet, "print only warnings, errors and the summary");
  options.not_saved();
}

void declare_train_options(OptionSet& options, TrainConfig& config) {
  declare_task_options(options, config.task);
  declare_model_options(options, config.model);
  declare_optimizer_options(options, config.optimizer);
  declare_loop_options(options, config);
}

namespace {
void require(bool ok, const std::string& key, const std::string& value,
             const std::string& allowed) {
  if (!ok) throw UsageError(fmt::format("{}: {} is invalid; {}", key, value, allowed));
}
}  // namespace

void TrainConfig::validate() const {
  task.validate();
  model.validate();
  optimizer.validate();
  require(epochs >= 1, "epochs", std::to_string(epochs), "must be >= 1");
  require(batch_size >= 1, "batch_size", std::to_string(batch_size), "must be >= 1");
  require(max_steps >= 0, "max_steps", std::to_string(max_steps), "must be >= 0 (0: no limit)");
  require(eval_batch_size >= 1, "eval_batch_size", std::to_string(eval_batch_size), "must be >= 1");
  require(checkpoint_every >= 1, "checkpoint_every", std::to_string(checkpoint_every),
          "must be >= 1");
  require(keep >= 1, "keep", std::to_string(keep), "must be >= 1");
  require(keep_every >= 0, "keep_every", std::to_string(keep_every), "must be >= 0");
  require(threads >= 0, "threads", std::to_string(threads), "must be >= 0 (0: all cores)");
  require(log_every >= 1, "log_every", std::to_string(log_every), "must be >= 1");
  require(!(resume && overwrite), "resume", "true with --overwrite",
          "choose one: --resume continues, --overwrite starts again");
}

void TrainConfig::finalize(const std::string& verb) {
  model.vocab_size = task.vocab_size();
  model.n_classes = task.vocab_size();
  if (save_dir.empty()) {
    const auto now = std::chrono::system_clock::now();
    save_dir = fmt::format("runs/{}-{:%Y%m%d-%H%M%S}", verb,
                           std::chrono::floor<std::chrono::seconds>(now));
  }
  if (checkpoint_dir.empty()) checkpoint_dir = save_dir + "/checkpoints";
}

}  // namespace grok

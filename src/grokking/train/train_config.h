// Everything a training run needs, declared once as options (flags, YAML keys, --help and
// config.yaml all come from declare_train_options). Not the trainer itself (trainer.h).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/core/options.h"
#include "grokking/data/task_config.h"
#include "grokking/model/model_config.h"
#include "grokking/optim/optimizer_config.h"

namespace grok {

struct TrainConfig {
  TaskConfig task;
  ModelConfig model;
  OptimizerConfig optimizer;
  int epochs = 150;
  int batch_size = 512;
  int64_t max_steps = 0;  // 0: no limit
  int eval_batch_size = 512;
  std::string save_dir;        // default runs/train-<timestamp>
  std::string checkpoint_dir;  // default <save_dir>/checkpoints
  int checkpoint_every = 10;   // epochs; the final epoch is always saved
  int keep = 3;
  int keep_every = 0;
  bool resume = false;
  bool overwrite = false;
  bool tensorboard = true;  // event files in <save_dir>/tensorboard (tensorboard_sink.h)
  int threads = 0;          // 0: all cores
  int log_every = 1;
  bool quiet = false;

  // Throws UsageError naming the key, the value and what is allowed. Call before anything
  // is allocated or written.
  void validate() const;
  // Derives what follows from other options: the model's vocabulary from p, and the
  // save_dir / checkpoint_dir defaults.
  void finalize(const std::string& verb);
};

// Task flags: p, operation, train_fraction, seed.
void declare_task_options(OptionSet& options, TaskConfig& task);
// Model shape: depth, dim, heads, dropout, pool.
void declare_model_options(OptionSet& options, ModelConfig& model);
// Optimizer: optimizer, learning_rate, beta1, beta2, weight_decay, warmup_steps.
void declare_optimizer_options(OptionSet& options, OptimizerConfig& optimizer);
// --tensorboard (the default) and --no_tensorboard, both bound to `enabled`; not saved.
void declare_tensorboard_options(OptionSet& options, bool& enabled);
// Loop, run directory, checkpointing, TensorBoard, threads, progress.
void declare_loop_options(OptionSet& options, TrainConfig& config);
// All of the above for `grokking train`.
void declare_train_options(OptionSet& options, TrainConfig& config);

}  // namespace grok

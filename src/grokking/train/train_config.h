// Everything a training run needs, declared once (core/schema.h): the task, the run's seed,
// the model, the optimizer, the loop, the run directory and execution. Flags, YAML keys,
// --help, config.yaml and range checks all come from the visit lists here and in the structs
// they contain. Not the trainer itself (trainer.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grokking/core/gemm.h"
#include "grokking/core/options.h"
#include "grokking/core/schema.h"
#include "grokking/data/task_config.h"
#include "grokking/model/model_config.h"
#include "grokking/optim/optimizer_config.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/stage_config.h"

namespace grok {

// How long a run trains and in what batches, from which initial scale, on which loss.
struct LoopConfig {
  int epochs = 150;
  int batch_size = 512;   // examples per forward and backward (a micro-batch)
  int grad_accum = 1;     // micro-batches per update: an update sees batch_size · grad_accum
  int64_t max_steps = 0;  // updates; 0: no limit
  int eval_batch_size = 512;
  // Also evaluate the training split in inference mode after each epoch (history columns
  // train_eval_loss, train_eval_acc): train_acc is the running training-mode accuracy (dropout
  // on), which lags; the grokking delay (grok_events.h) uses this column when present.
  bool eval_train = false;
  Loss loss = Loss::kSoftmax;  // cross_entropy.h (training from labels and validation)
  double init_scale = 1.0;     // Omnigrok's α: every initial weight multiplied by it

  template <typename V>
  void visit(V& v) {
    v(epochs, {.name = "epochs", .help = "epochs to train", .min = 1, .max = 10'000'000});
    v(batch_size, {.name = "batch_size",
                   .help = "examples per step (per micro-batch with --grad_accum)",
                   .min = 1});
    v(grad_accum, {.name = "grad_accum",
                   .help = "micro-batches of batch_size per optimizer step: a step sees "
                           "batch_size x grad_accum examples, with the memory of batch_size; "
                           "steps, max_steps and the lr schedule count optimizer steps",
                   .min = 1,
                   .max = 1'000'000,
                   .json_unless = "1"});
    v(max_steps, {.name = "max_steps",
                  .help = "stop after this many optimizer steps (0: no limit)",
                  .min = 0});
    v(eval_batch_size,
      {.name = "eval_batch_size", .help = "examples per evaluation pass", .min = 1});
    v(eval_train, {.name = "eval_train",
                   .help = "also evaluate the training split in inference mode each epoch "
                           "(history: train_eval_loss, train_eval_acc)"});
    // Left out of the JSON form at their defaults, so that metadata stays as before.
    v(loss, {.name = "loss",
             .help = "cross-entropy: softmax, stablemax (Prieto et al. 2025) or softmax64 "
                     "(softmax in double precision)",
             .json_unless = "softmax"});
    v(init_scale, {.name = "init_scale",
                   .help = "multiply every initial weight by this (Omnigrok's alpha)",
                   .min = 0,
                   .min_open = true,
                   .json_unless = "1.0"});
  }
  bool operator==(const LoopConfig&) const = default;
};

struct TrainConfig {
  TaskConfig task;  // task.split_seed follows split_seed, else seed (finalize)
  uint64_t seed = 42;
  std::optional<uint64_t> split_seed;
  ModelConfig model;  // vocabulary, classes and length from the task (finalize)
  OptimizerConfig optimizer;
  LoopConfig loop;
  std::string save_dir;        // default runs/<verb>-<timestamp>
  std::string checkpoint_dir;  // default <save_dir>/checkpoints
  int checkpoint_every = 10;   // epochs; the final epoch is always saved
  int keep = 3;
  int keep_every = 0;
  bool resume = false;
  bool overwrite = false;
  int threads = 0;                                 // 0: all cores
  GemmPrecision precision = GemmPrecision::kFp32;  // of the GEMM operands (core/gemm.h)
  int log_every = 1;
  bool quiet = false;
  bool tensorboard = true;  // event files in <save_dir>/tensorboard (tensorboard_sink.h)
  double max_memory = 0;    // GiB the run may need (memory_limit.h); 0: 90 % of the machine
  // Multi-stage training (stage_config.h): the run's epochs are the sum of the stages'.
  std::vector<StageConfig> stages;
  // The objective settings a stage may set (not an option: the verb's; distill sets its
  // weights, train has none).
  std::vector<std::string> stage_weights;

  template <typename V>
  void visit(V& v) {
    visit_task(v);
    v.section(model, {.name = "model", .group = "Model"});
    v.section(optimizer, {.name = "optimizer", .group = "Optimizer"});
    v.section(loop, {.name = "loop", .group = "Training"});
    visit_stages(v);
    visit_run(v);
  }

  // The stages (shared with distill).
  template <typename V>
  void visit_stages(V& v) {
    v(stages, {.name = "stages",
               .help = "multi-stage training, in order: a list of {name, epochs, "
                       "learning_rate, warmup_steps, param_groups, reset_optimizer, and the "
                       "objective's weights}; unset keys inherit the top-level values, the "
                       "lr schedule restarts each stage, epochs is their sum (config file)",
               .json_unless = "[]"});
  }

  // The task and the seeds (shared with `grokking data`).
  template <typename V>
  void visit_task(V& v) {
    v.section(task, {.name = "task", .group = "Task"});
    v(seed, {.name = "seed",
             .help = "seed of the initialisation, batch order and dropout, and of the split "
                     "unless --split_seed",
             .max = kMaxSeed});
    v(split_seed, {.name = "split_seed",
                   .help = "seed of the split alone, when it must differ from --seed",
                   .max = kMaxSeed});
  }

  // The run directory, checkpoint and execution options (shared with distill).
  template <typename V>
  void visit_run(V& v) {
    v.group("Run directory and checkpoints");
    v(save_dir, {.name = "save_dir",
                 .help = "run directory (default runs/<verb>-<timestamp>)",
                 .alias = "output_dir",
                 .saved = false});
    v(checkpoint_dir, {.name = "checkpoint_dir",
                       .help = "checkpoint directory (default <save_dir>/checkpoints)",
                       .saved = false});
    v(checkpoint_every, {.name = "checkpoint_every",
                         .help = "save every N epochs (the final epoch is always saved)",
                         .min = 1});
    v(keep, {.name = "keep", .help = "checkpoints kept (newest)", .min = 1});
    v(keep_every, {.name = "keep_every",
                   .help = "also keep the checkpoint of every K-th epoch end (0: none)",
                   .min = 0});
    v(resume,
      {.name = "resume", .help = "continue from the newest valid checkpoint", .saved = false});
    v(overwrite,
      {.name = "overwrite", .help = "replace an existing run in save_dir", .saved = false});
    v.group("Execution");
    v(threads, {.name = "threads",
                .help = "threads for this run (0: all cores); each batch is cut into one shard "
                        "per thread (at least 64 examples each); a run is bit-reproducible for "
                        "a given count",
                .min = 0,
                .max = 4096,
                .saved = false});
    v(max_memory, {.name = "max_memory",
                   .help = "refuse a run whose estimated peak memory exceeds this many GiB "
                           "(0: 90% of this machine's memory)",
                   .min = 0,
                   .saved = false});
    v(log_every, {.name = "log_every",
                  .help = "print a progress line every N epochs",
                  .min = 1,
                  .alias = "log_interval",
                  .saved = false});
    v(quiet,
      {.name = "quiet", .help = "print only warnings, errors and the summary", .saved = false});
    v(precision, {.name = "precision",
                  .help = "GEMM operands: fp32, or bf16 (rounded to bfloat16, fp32 accumulation, "
                          "fp32 weights and optimizer; needs a CPU with AVX512-BF16 or AMX-BF16)"});
    v(tensorboard,
      {.name = "tensorboard",
       .help = "write TensorBoard event files into <save_dir>/tensorboard (the default)",
       .negation = "no_tensorboard",
       .saved = false});
  }

  // Rules across options (--resume with --overwrite; the model's shape against the task).
  void check(const std::string& prefix) const;
  // Range checks and check(): UsageError naming the key, the value and what is allowed. Call
  // after finalize and before anything is allocated or written.
  void validate() const;
  // Derives what follows from other options: the split seed, the model's shape from the task,
  // the epochs from the stages (UsageError if epochs was set to something else), and the
  // save_dir / checkpoint_dir defaults.
  void finalize(const std::string& verb);
};

}  // namespace grok

#include "grokking/train/train_config.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <climits>

#include "grokking/core/error.h"

namespace grok {

void TrainConfig::check(const std::string& prefix) const {
  if (resume && overwrite)
    throw UsageError(
        fmt::format("{}resume: true with --overwrite is invalid; choose one: --resume continues, "
                    "--overwrite starts again",
                    prefix));
  const Task t(task, /*validated=*/true);
  if (model.vocab_size != t.vocab_size() || model.n_classes != t.n_classes() ||
      model.seq_len != t.seq_len())
    throw UsageError(fmt::format(
        "{}model: vocabulary {}, classes {}, length {} do not fit the task (p = {}: {}, {}, {})",
        prefix, model.vocab_size, model.n_classes, model.seq_len, task.p, t.vocab_size(),
        t.n_classes(), t.seq_len()));
  check_stages(stages, optimizer, stage_weights, prefix);
  if (const std::string missing = gemm_precision_unsupported(precision); !missing.empty())
    throw UsageError(fmt::format("{}precision: {} is invalid here: {}; use --precision fp32 here",
                                 prefix, to_string(precision), missing));
}

void TrainConfig::validate() const { validate_fields(*this); }

void TrainConfig::finalize(const std::string& verb) {
  task.split_seed = split_seed.value_or(seed);
  apply_task_shape(Task(task, /*validated=*/true), model);
  if (!stages.empty()) {
    const int64_t sum = total_epochs(stages);
    if (loop.epochs != LoopConfig{}.epochs && loop.epochs != sum)
      throw UsageError(fmt::format(
          "epochs: {} with stages whose epochs sum to {}; the stages set the run's epochs: "
          "leave epochs out or give {}",
          loop.epochs, sum, sum));
    loop.epochs = static_cast<int>(std::min<int64_t>(sum, INT_MAX));  // range-checked later
  }
  if (save_dir.empty()) {
    const auto now = std::chrono::system_clock::now();
    save_dir = fmt::format("runs/{}-{:%Y%m%d-%H%M%S}", verb,
                           std::chrono::floor<std::chrono::seconds>(now));
  }
  if (checkpoint_dir.empty()) checkpoint_dir = save_dir + "/checkpoints";
}

}  // namespace grok

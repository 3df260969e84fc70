#include "grokking/train/trainer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/memory.h"
#include "grokking/core/threads.h"
#include "grokking/core/timer.h"
#include "grokking/data/epoch_batches.h"
#include "grokking/optim/optimizer.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/grok_events.h"
#include "grokking/train/history.h"
#include "grokking/train/progress.h"
#include "grokking/train/run_checkpoint.h"
#include "grokking/train/sharded_model.h"
#include "grokking/train/stop_signal.h"
#include "grokking/train/tensorboard_sink.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

struct EvalResult {
  double loss = 0;
  double acc = 0;
};

// Full pass over a dataset in inference mode (no dropout, trimmed last layer).
EvalResult evaluate(ShardedModel& model, const float* params, const Dataset& data, int chunk) {
  const LossSum total = model.evaluate(params, data, chunk);
  const double n = std::max(1, data.size());
  return {total.loss / n, static_cast<double>(total.correct) / n};
}

double l2_norm(const TensorLayout& layout, const float* params) {
  double sum = 0;
  for (const auto& t : layout.tensors())
    for (std::size_t i = 0; i < t.size(); ++i) {
      const double v = params[t.offset + i];
      sum += v * v;
    }
  return std::sqrt(sum);
}

std::vector<std::string> history_columns(const Objective& objective) {
  std::vector<std::string> columns = {"step",     "epoch",   "train_loss", "train_acc",
                                      "val_loss", "val_acc", "lr",         "weight_norm"};
  for (const auto& name : objective.component_names()) columns.push_back(name);
  columns.push_back("elapsed_s");
  return columns;
}

// Refuses to start a fresh run over an existing one unless --overwrite, which removes the
// files a run writes (and nothing else).
void prepare_run_directory(const TrainConfig& config, const RunCheckpointer& checkpointer,
                           const std::string& history_file) {
  const fs::path dir = config.save_dir;
  const bool has_checkpoints = checkpointer.holds_checkpoints();
  const bool has_history = fs::exists(dir / history_file);
  if ((has_checkpoints || has_history) && !config.resume) {
    if (!config.overwrite)
      throw UsageError(fmt::format(
          "save_dir: '{}' already holds a run{}; pass --resume to continue it or --overwrite "
          "to start again",
          dir.string(), has_checkpoints ? " (checkpoints in " + config.checkpoint_dir + ")" : ""));
    checkpointer.clear();
    for (const char* name : {"summary.json", "config.yaml"}) fs::remove(dir / name);
    fs::remove(dir / history_file);
  }
  fs::create_directories(dir);
  // Temporaries of the run files left by a process killed while writing one (atomic_file.h).
  std::vector<fs::path> leftovers;
  for (const auto& entry : fs::directory_iterator(dir))
    for (const std::string& file :
         {history_file, std::string("summary.json"), std::string("config.yaml")})
      if (entry.path().filename().string().starts_with(std::string(kTempPrefix) + file + "-"))
        leftovers.push_back(entry.path());
  for (const auto& path : leftovers) fs::remove(path);
}

}  // namespace

TrainResult run_training(const TrainerSetup& setup, const Split& split) {
  const TrainConfig& config = setup.config;
  const Dataset& train = split.train;
  Progress progress(config.log_every, config.quiet);
  set_num_threads(config.threads);
  install_stop_handlers();

  RunCheckpointer checkpointer(config, setup.extra_metadata);
  prepare_run_directory(config, checkpointer, setup.history_file);

  const TensorLayout layout = param_layout(config.model);
  Buffer<float> params(layout.total_size(), 0.0f);
  Buffer<float> grads(layout.total_size(), 0.0f);
  init_params(config.model, layout, config.task.seed, params.data());
  std::unique_ptr<Optimizer> optimizer = make_optimizer(config.optimizer, layout);
  CrossEntropyObjective cross_entropy(config.model.n_classes);
  Objective& objective = setup.objective ? *setup.objective : cross_entropy;

  const int batch_size = std::min(config.batch_size, train.size());
  const int eval_chunk = std::min(config.eval_batch_size, std::max(train.size(), split.val.size()));
  ShardedModel model(config.model, std::max(batch_size, eval_chunk),
                     shard_count(num_threads(), batch_size));
  std::vector<int32_t> batch_tokens(int64_t{batch_size} * 4), batch_labels(batch_size);

  // The objective's own trainable tensors (projectors), optimised alongside the model.
  std::vector<TrainableGroup> groups = {{"", &layout, params.data(), optimizer.get()}};
  std::unique_ptr<Optimizer> extra_optimizer;
  if (const TensorLayout* extra = objective.extra_layout(); extra && extra->total_size() > 0) {
    extra_optimizer = make_optimizer(config.optimizer, *extra);
    groups.push_back({"projectors.", extra, objective.extra_params(), extra_optimizer.get()});
  }

  History history(history_columns(objective));
  const fs::path history_path = fs::path(config.save_dir) / setup.history_file;
  TrainingState state;
  state.component_sums.assign(objective.component_names().size(), 0.0);
  if (config.resume) {
    if (auto restored = checkpointer.restore(groups, progress)) {
      state = *restored;
      if (fs::exists(history_path))
        history = History::from_json(nlohmann::json::parse(read_file(history_path)),
                                     history.columns(), history_path.string());
      history.truncate_to_epoch(state.epoch);
      const fs::path summary_path = fs::path(config.save_dir) / "summary.json";
      if (state.finished && fs::exists(summary_path)) {
        progress.message(fmt::format("{}: run already finished at epoch {} (step {})",
                                     config.save_dir, state.epoch, state.step));
        TrainResult result;
        result.summary = nlohmann::ordered_json::parse(read_file(summary_path));
        return result;
      }
      // Finished but killed before summary.json was written: the loop below is skipped and
      // the summary is written from the history.
      progress.message(
          state.finished
              ? fmt::format("run finished at epoch {} (step {}) but has no summary.json; "
                            "writing it",
                            state.epoch, state.step)
              : fmt::format(
                    "resuming from step {} (epoch {}{})", state.step, state.epoch,
                    state.batch_in_epoch ? fmt::format(", batch {}", state.batch_in_epoch) : ""));
    }
  }

  write_file_atomic(fs::path(config.save_dir) / "config.yaml", setup.config_yaml);
  TensorBoardSink tensorboard(config, setup.config_yaml);
  tensorboard.on_start(state.epoch);
  const int steps_in_epoch = steps_per_epoch(train.size(), batch_size);
  const int64_t total_steps =
      config.max_steps > 0
          ? std::min<int64_t>(config.max_steps, int64_t{steps_in_epoch} * config.epochs)
          : int64_t{steps_in_epoch} * config.epochs;
  const Stopwatch wall;
  const double elapsed_before = state.elapsed_s;
  const int64_t epoch_before = state.epoch;
  const int64_t step_before = state.step;
  int exit_code = 0;

  auto save = [&] {
    state.elapsed_s = elapsed_before + wall.seconds();
    checkpointer.save(state, groups);
  };

  while (state.epoch < config.epochs && !state.finished) {
    const std::vector<int32_t> order = epoch_order(train.size(), config.task.seed, state.epoch);
    for (int b = static_cast<int>(state.batch_in_epoch); b < steps_in_epoch; ++b) {
      const int begin = b * batch_size;
      const int count = std::min(batch_size, train.size() - begin);
      const int32_t* ids = order.data() + begin;
      gather_batch(train, ids, count, batch_tokens.data(), batch_labels.data());
      ForwardOptions options;
      options.training = true;
      options.dropout_seed = config.task.seed;
      options.step = static_cast<uint64_t>(state.step);
      options.last_layer = objective.last_layer();
      const ObjectiveSums sums =
          model.train_step(params.data(), batch_tokens.data(), batch_labels.data(), ids, count,
                           options, objective, grads.data());
      if (!std::isfinite(sums.loss))
        throw Error(fmt::format("non-finite training loss at epoch {} (step {}); stopping",
                                state.epoch + 1, state.step + 1));
      optimizer->step(params.data(), grads.data());
      std::fill(grads.begin(), grads.end(), 0.0f);
      if (extra_optimizer) {
        extra_optimizer->step(objective.extra_params(), objective.extra_grads());
        std::fill_n(objective.extra_grads(), objective.extra_layout()->total_size(), 0.0f);
      }
      ++state.step;
      ++state.batch_in_epoch;
      state.train_loss_sum += sums.loss;
      state.train_correct += sums.correct;
      state.train_seen += count;
      for (std::size_t c = 0; c < sums.components.size(); ++c)
        state.component_sums[c] += sums.components[c];
      if (config.max_steps > 0 && state.step >= config.max_steps) state.finished = true;
      if (const int signal = stop_signal();
          signal != 0 && b + 1 < steps_in_epoch && !state.finished) {
        save();
        progress.message(fmt::format("stopped by signal {} at step {}; checkpoint saved in {}",
                                     signal, state.step, config.checkpoint_dir));
        return {stop_exit_code(signal), {}};
      }
      if (state.finished) break;
    }

    // End of epoch (or of max_steps): validation, history, checkpoint.
    ++state.epoch;
    if (state.epoch >= config.epochs) state.finished = true;
    const EvalResult val = evaluate(model, params.data(), split.val, eval_chunk);
    const double seen = std::max<int64_t>(1, state.train_seen);
    std::map<std::string, double> row = {
        {"step", static_cast<double>(state.step)},
        {"epoch", static_cast<double>(state.epoch)},
        {"train_loss", state.train_loss_sum / seen},
        {"train_acc", static_cast<double>(state.train_correct) / seen},
        {"val_loss", val.loss},
        {"val_acc", val.acc},
        {"lr", scheduled_lr(config.optimizer, state.step)},
        {"weight_norm", l2_norm(layout, params.data())},
        {"elapsed_s", elapsed_before + wall.seconds()}};
    const auto names = objective.component_names();
    std::string extra;
    for (std::size_t c = 0; c < names.size(); ++c) {
      row[names[c]] = state.component_sums[c] / seen;
      extra += fmt::format("  {} {:.4f}", names[c], row[names[c]]);
    }
    history.append(row);
    write_file_atomic(history_path, history.to_json().dump(1) + "\n");
    tensorboard.on_epoch(row);
    state.batch_in_epoch = 0;
    state.train_loss_sum = 0;
    state.train_correct = 0;
    state.train_seen = 0;
    std::fill(state.component_sums.begin(), state.component_sums.end(), 0.0);

    const double seconds = wall.seconds();
    const double steps_per_s = seconds > 0 ? (state.step - step_before) / seconds : 0;
    progress.epoch({state.epoch, config.epochs, state.step, row["train_loss"], row["train_acc"],
                    val.loss, val.acc, row["lr"], row["weight_norm"], steps_per_s,
                    steps_per_s > 0 ? (total_steps - state.step) / steps_per_s : 0, extra});

    const int signal = stop_signal();
    if (state.finished || state.epoch % config.checkpoint_every == 0 || signal != 0) save();
    if (signal != 0 && !state.finished) {
      progress.message(fmt::format("stopped by signal {} after epoch {}; checkpoint saved in {}",
                                   signal, state.epoch, config.checkpoint_dir));
      return {stop_exit_code(signal), {}};
    }
  }
  progress.finish();
  tensorboard.on_finish();

  // Summary (CONTRACT.md): final metrics, grok epochs, timings, memory, versions.
  TrainResult result;
  result.exit_code = exit_code;
  auto& s = result.summary;
  const auto last = [&](const char* column) {
    return history.rows() ? history.column(column).back() : 0.0;
  };
  s["verb"] = setup.verb;
  s["epochs"] = static_cast<int64_t>(last("epoch"));
  s["steps"] = state.step;
  s["final_train_loss"] = last("train_loss");
  s["final_train_acc"] = last("train_acc");
  s["final_val_loss"] = last("val_loss");
  s["final_val_acc"] = last("val_acc");
  s["best_val_acc"] = history.rows() ? *std::max_element(history.column("val_acc").begin(),
                                                         history.column("val_acc").end())
                                     : 0.0;
  s["final_weight_norm"] = last("weight_norm");
  for (const double threshold : {0.5, 0.9, 0.99}) {
    const auto epoch = first_epoch_reaching(history, threshold);
    const std::string key = fmt::format("epoch_to_{}", static_cast<int>(threshold * 100));
    s[key] = epoch ? nlohmann::ordered_json(*epoch) : nlohmann::ordered_json(nullptr);
  }
  s["parameters"] = layout.parameter_count();
  s["timing"] = nlohmann::ordered_json{
      {"wall_s", elapsed_before + wall.seconds()},
      {"wall_s_this_process", wall.seconds()},
      {"steps_per_s", wall.seconds() > 0 ? (state.step - step_before) / wall.seconds() : 0.0},
      {"peak_rss_mb", static_cast<double>(peak_rss_bytes()) / (1 << 20)},
      {"threads", num_threads()},
      {"shards", model.shards()}};
  // The matrix products this process ran (core/flops.h), for FLOP-bound comparisons.
  const double gflop = model.gemm_flops() / 1e9;
  const int64_t epochs_here = state.epoch - epoch_before;
  s["timing"]["gemm_gflop"] = gflop;
  s["timing"]["gemm_gflop_per_epoch"] = epochs_here > 0 ? gflop / epochs_here : 0.0;
  s["timing"]["gemm_gflop_per_s"] = wall.seconds() > 0 ? gflop / wall.seconds() : 0.0;
  s["versions"] = nlohmann::ordered_json{{"grokking", GROK_VERSION},
                                         {"gemm", gemm_backend_name()},
                                         {"compiler", std::string(__VERSION__)}};
  if (!setup.extra_metadata.is_null()) s["run"] = setup.extra_metadata;
  write_file_atomic(fs::path(config.save_dir) / "summary.json", s.dump(2) + "\n");
  return result;
}

}  // namespace grok

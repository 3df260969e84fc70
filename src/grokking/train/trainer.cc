#include "grokking/train/trainer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "grokking/cluster/mpi_world.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/json_io.h"
#include "grokking/core/run_lock.h"
#include "grokking/core/threads.h"
#include "grokking/core/timer.h"
#include "grokking/data/epoch_batches.h"
#include "grokking/optim/optimizer.h"
#include "grokking/optim/optimizer_handover.h"
#include "grokking/optim/param_group.h"
#include "grokking/train/memory_limit.h"
#include "grokking/train/param_group_table.h"
#include "grokking/train/run_checkpoint.h"
#include "grokking/train/run_directory.h"
#include "grokking/train/run_outputs.h"
#include "grokking/train/run_summary.h"
#include "grokking/train/sharded_model.h"
#include "grokking/train/stage_plan.h"
#include "grokking/train/stop_signal.h"
#include "grokking/train/tensorboard_sink.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

double l2_norm(const TensorLayout& layout, const float* params) {
  double sum = 0;
  for (const auto& t : layout.tensors())
    for (std::size_t i = 0; i < t.size(); ++i) {
      const double v = params[t.offset + i];
      sum += v * v;
    }
  return std::sqrt(sum);
}

// True if `path` is `dir` or lies under it.
bool inside(const fs::path& path, const fs::path& dir) {
  const fs::path relative =
      fs::weakly_canonical(path).lexically_relative(fs::weakly_canonical(dir));
  return !relative.empty() && *relative.begin() != "..";
}

// An unwritable checkpoint directory is found now, not at the first save after an epoch.
void check_writable(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw Error(fmt::format("checkpoint_dir: cannot create {}: {}", dir.string(), ec.message()));
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error(
        fmt::format("checkpoint_dir: {} is not writable: {}", dir.string(), std::strerror(errno)));
}

// The run's estimated peak memory, printed, and refused (exit 2) above --max_memory: before
// anything is allocated or written.
void check_memory(const TrainConfig& config, const Split& split) {
  const int batch = std::min(config.loop.batch_size, split.train.size());
  const int eval =
      std::min(config.loop.eval_batch_size, std::max(split.train.size(), split.val.size()));
  const int max_batch = std::max(batch, eval);
  const MemoryEstimate e =
      estimate_memory(config.model, config.optimizer, max_batch, shard_count(num_threads(), batch));
  const int64_t limit = memory_limit_bytes(config.max_memory);
  const std::string text = fmt::format(
      "{} ({} parameters: {} with gradients and optimizer state; activations of "
      "{} examples: {})",
      format_bytes(e.total()), e.parameters, format_bytes(e.weights), max_batch,
      format_bytes(e.activations));
  if (e.total() > limit)
    throw UsageError(fmt::format(
        "max_memory: the run needs an estimated {}, above the limit of {}{}; use a smaller model "
        "(--dim, --depth) or batch, or raise --max_memory (GiB)",
        text, format_bytes(limit), config.max_memory > 0 ? "" : " (90% of this machine's memory)"));
  if (!config.quiet) fmt::print("memory: estimated peak {}\n", text);
}

// The objective's own history columns: its components, then val_<name> of its validation ones.
std::vector<std::string> objective_columns(const Objective& objective) {
  std::vector<std::string> columns = objective.component_names();
  for (const auto& name : objective.validation_component_names()) columns.push_back("val_" + name);
  return columns;
}

std::vector<std::string> history_columns(const Objective& objective, bool eval_train, bool staged) {
  std::vector<std::string> columns = {"step", "epoch"};
  if (staged) columns.push_back("stage");  // the stage's index in `stages`
  for (const char* name : {"train_loss", "train_acc", "val_loss", "val_acc", "lr", "weight_norm"})
    columns.push_back(name);
  if (eval_train) {
    columns.push_back("train_eval_loss");
    columns.push_back("train_eval_acc");
  }
  for (const auto& name : objective_columns(objective)) columns.push_back(name);
  columns.push_back("elapsed_s");
  return columns;
}

// The stop signal every rank acts on: the first rank's that has one (mpirun forwards a signal
// to each rank at its own moment; the ranks must stop after the same step). Collective.
int agreed_stop_signal(const MpiWorld& world) {
  if (!world.distributed()) return stop_signal();
  std::vector<double> signals(world.size(), 0.0);
  signals[world.rank()] = stop_signal();
  world.sum_in_rank_order(signals.data(), signals.size());
  for (const double s : signals)
    if (s != 0) return static_cast<int>(s);
  return 0;
}

// fn() on rank 0, then on the others (rank 0 may repair the run directory they read).
template <typename Fn>
auto rank_zero_first(const MpiWorld& world, const Fn& fn) {
  if (world.rank() != 0) world.barrier();
  auto result = fn();
  if (world.rank() == 0) world.barrier();
  return result;
}

// One run from set-up to summary; each phase is one member function. Under mpirun, every rank
// runs it on its part of each batch (sharded_model.h); only rank 0 writes files and prints.
class TrainingRun {
 public:
  TrainingRun(const TrainerSetup& setup, const Split& split);
  TrainResult run();

 private:
  // Restores the newest valid checkpoint; a result if the run had already finished.
  std::optional<TrainResult> restore();
  // The rest of the current epoch's batches; a signal number if a stop signal came mid-epoch.
  int train_epoch();
  // Validation, the history row, the sinks and the checkpoint.
  void end_epoch();
  // The optimizers of stage k as the uninterrupted run has them: stage 0 fresh, each later one
  // taking over from the one before (optimizer_handover.h); the objective told the stage.
  void set_stage(std::size_t k);
  // From the current stage (or none) to stage k, the next.
  void enter_stage(std::size_t k);
  // The stage's heading (stages only) and parameter-group table, and unmatched patterns.
  void announce_stage();
  void save();
  nlohmann::ordered_json summary() const;

  const TrainerSetup& setup_;
  const MpiWorld& world_;
  const bool writer_;  // rank 0: the one that writes files
  const TrainConfig& config_;
  const Split& split_;
  Progress progress_;
  RunCheckpointer checkpointer_;
  TensorLayout layout_;
  Buffer<float> params_, grads_;
  CrossEntropyObjective cross_entropy_;
  Objective& objective_;
  // An optimizer step's examples (update_batch_) in micro-batches of at most micro_batch_
  // (--grad_accum of them); both at most the training split.
  int micro_batch_, update_batch_, eval_chunk_, steps_in_epoch_;
  int64_t total_steps_;
  ShardedModel model_;
  std::vector<int32_t> batch_tokens_, batch_labels_;
  std::unique_ptr<Optimizer> optimizer_, extra_optimizer_;
  std::vector<TrainableGroup> groups_;
  StagePlan plan_;
  std::size_t stage_ = 0;
  std::vector<int> matches_;  // the current stage's rules: tensors each matched
  // decay_to init: the initial weights (model, projectors), the anchor of every stage.
  Buffer<float> initial_params_, initial_extra_;
  History history_;
  std::vector<std::unique_ptr<MetricSink>> own_sinks_;
  std::vector<MetricSink*> sinks_;
  TrainingState state_;
  Stopwatch wall_;
  double elapsed_before_ = 0;
  int64_t epoch_before_ = 0, step_before_ = 0;
};

TrainingRun::TrainingRun(const TrainerSetup& setup, const Split& split)
    : setup_(setup),
      world_(MpiWorld::instance()),
      writer_(world_.rank() == 0),
      config_(setup.config),
      split_(split),
      progress_(writer_ ? Progress(config_.log_every, config_.quiet) : Progress::silent()),
      checkpointer_(config_, setup.extra_metadata),
      layout_(param_layout(config_.model)),
      params_(layout_.total_size(), 0.0f),
      grads_(layout_.total_size(), 0.0f),
      cross_entropy_(config_.model.n_classes, config_.loop.loss),
      objective_(setup.objective ? *setup.objective : cross_entropy_),
      micro_batch_(std::min(config_.loop.batch_size, split.train.size())),
      update_batch_(static_cast<int>(std::min<int64_t>(
          int64_t{config_.loop.batch_size} * config_.loop.grad_accum, split.train.size()))),
      eval_chunk_(
          std::min(config_.loop.eval_batch_size, std::max(split.train.size(), split.val.size()))),
      steps_in_epoch_(steps_per_epoch(split.train.size(), update_batch_)),
      total_steps_(config_.loop.max_steps > 0
                       ? std::min<int64_t>(config_.loop.max_steps,
                                           int64_t{steps_in_epoch_} * config_.loop.epochs)
                       : int64_t{steps_in_epoch_} * config_.loop.epochs),
      model_(config_.model, std::max(micro_batch_, eval_chunk_),
             shard_count(num_threads(), (micro_batch_ + world_.size() - 1) / world_.size()),
             &world_),
      batch_tokens_(int64_t{update_batch_} * config_.model.seq_len),
      batch_labels_(update_batch_),
      plan_(config_.stages, steps_in_epoch_),
      history_(history_columns(objective_, config_.loop.eval_train, plan_.staged())) {
  init_params(config_.model, layout_, config_.seed, params_.data());
  if (const double alpha = config_.loop.init_scale; alpha != 1.0)
    for (float& w : params_) w = static_cast<float>(w * alpha);
  if (config_.optimizer.decay_to == DecayTo::kInit) {
    initial_params_.assign(params_.begin(), params_.end());
    if (const TensorLayout* extra = objective_.extra_layout())
      initial_extra_.assign(objective_.extra_params(),
                            objective_.extra_params() + extra->total_size());
  }
  set_stage(0);
  state_.component_sums.assign(objective_.component_names().size(), 0.0);
  if (!writer_) return;
  const fs::path dir = config_.save_dir;
  own_sinks_.push_back(std::make_unique<HistoryFileSink>(dir / setup.history_file));
  own_sinks_.push_back(std::make_unique<ProgressSink>(progress_));
  own_sinks_.push_back(std::make_unique<SummaryFileSink>(dir / "summary.json"));
  if (config_.tensorboard)
    own_sinks_.push_back(
        std::make_unique<TensorBoardSink>(dir / kTensorBoardDir, setup.config_yaml));
  for (const auto& sink : own_sinks_) sinks_.push_back(sink.get());
  sinks_.insert(sinks_.end(), setup.sinks.begin(), setup.sinks.end());
}

void TrainingRun::set_stage(std::size_t k) {
  optimizer_.reset();
  extra_optimizer_.reset();
  for (std::size_t s = 0; s <= k; ++s) enter_stage(s);
}

void TrainingRun::enter_stage(std::size_t k) {
  const OptimizerConfig config =
      plan_.staged() ? stage_optimizer(config_.optimizer, plan_.stage(k)) : config_.optimizer;
  const bool reset = plan_.staged() && plan_.stage(k).reset_optimizer;
  const int64_t first_step = plan_.first_step(k);
  const std::vector<ParamGroupRule>& rules = config.param_groups;
  matches_.clear();
  // The stage's optimizer over `layout` (its tensors named prefix + name), taking over from
  // the previous stage's; `anchor`: the initial weights, for decay_to init.
  const auto next_optimizer = [&](std::unique_ptr<Optimizer>& current, const TensorLayout& layout,
                                  const std::string& prefix, std::vector<ParamGroup> fallback,
                                  const float* anchor) {
    std::unique_ptr<Optimizer> next = make_optimizer(
        config, layout,
        rules.empty() ? std::move(fallback)
                      : groups_from_rules(rules, layout, prefix, config.weight_decay, matches_));
    hand_over(current.get(), *next, reset, first_step);
    if (config.decay_to == DecayTo::kInit) next->set_decay_anchor(anchor);
    current = std::move(next);
  };
  next_optimizer(optimizer_, layout_, "", {}, initial_params_.data());
  model_.set_frozen(optimizer_->frozen());
  groups_ = {{"", &layout_, params_.data(), optimizer_.get()}};
  // The objective's own trainable tensors (projectors): a parameter group of their own.
  if (const TensorLayout* extra = objective_.extra_layout(); extra && extra->total_size() > 0) {
    next_optimizer(extra_optimizer_, *extra, "projectors.",
                   single_group("projectors", *extra, config), initial_extra_.data());
    groups_.push_back({"projectors.", extra, objective_.extra_params(), extra_optimizer_.get()});
  }
  if (plan_.staged()) objective_.begin_stage(plan_.stage(k));
  stage_ = k;
}

void TrainingRun::announce_stage() {
  if (!writer_) return;
  const std::vector<ParamGroupRule>& rules = optimizer_->config().param_groups;
  for (std::size_t r = 0; r < rules.size(); ++r)
    if (matches_[r] == 0)
      progress_.warning(
          fmt::format("param_groups: pattern '{}' matches no tensor (names: "
                      "grokking inspect, or the table below)",
                      rules[r].pattern));
  if (config_.quiet) return;
  if (plan_.staged()) {
    const StageConfig& s = plan_.stage(stage_);
    progress_.message(fmt::format(
        "stage {}/{} '{}': epochs {} to {}, lr {:.4g}, warmup {} steps, optimizer state {}",
        stage_ + 1, plan_.size(), s.name, plan_.first_epoch(stage_) + 1,
        plan_.first_epoch(stage_) + s.epochs, optimizer_->config().learning_rate,
        optimizer_->config().warmup_steps,
        stage_ == 0 ? "new" : (s.reset_optimizer ? "reset" : "kept")));
  } else if (rules.empty()) {
    return;
  }
  progress_.message(parameter_group_table(groups_));
}

std::optional<TrainResult> TrainingRun::restore() {
  const LoopShape shape{steps_in_epoch_, update_batch_, objective_.component_names().size()};
  // A multi-stage checkpoint's optimizer state is its stage's.
  const auto groups_for = [this](const TrainingState& s) {
    set_stage(plan_.stage_after(s.epoch, s.batch_in_epoch));
    return groups_;
  };
  auto restored = checkpointer_.restore(groups_for, shape, progress_);
  if (!restored) return std::nullopt;
  state_ = *restored;
  // A checkpoint from before a component existed: its sums start at zero.
  state_.component_sums.resize(objective_.component_names().size(), 0.0);
  // A finished run resumed with a larger budget continues (only if it ended at an epoch's end:
  // one stopped mid-epoch by max_steps cannot pick up the rest of that epoch).
  if (state_.finished && state_.step == state_.epoch * steps_in_epoch_ &&
      state_.epoch < config_.loop.epochs &&
      (config_.loop.max_steps == 0 || state_.step < config_.loop.max_steps)) {
    progress_.message(fmt::format("{}: run finished at epoch {}; continuing to epoch {}",
                                  config_.save_dir, state_.epoch, config_.loop.epochs));
    state_.finished = false;
  }
  const fs::path history_path = fs::path(config_.save_dir) / setup_.history_file;
  if (fs::exists(history_path))
    history_ = History::from_json(read_json_file(history_path), history_.columns(),
                                  history_path.string(), objective_columns(objective_));
  history_.truncate_to_epoch(state_.epoch);
  const fs::path summary_path = fs::path(config_.save_dir) / "summary.json";
  if (state_.finished && fs::exists(summary_path)) {
    progress_.message(fmt::format("{}: run already finished at epoch {} (step {})",
                                  config_.save_dir, state_.epoch, state_.step));
    try {
      return TrainResult{0, nlohmann::ordered_json::parse(read_file(summary_path))};
    } catch (const nlohmann::json::exception& e) {
      throw Error(fmt::format("{}: invalid JSON ({})", summary_path.string(), e.what()));
    }
  }
  // Finished but killed before summary.json was written: no epochs run, the summary is written.
  progress_.message(
      state_.finished
          ? fmt::format("run finished at epoch {} (step {}) but has no summary.json; writing it",
                        state_.epoch, state_.step)
          : fmt::format(
                "resuming from step {} (epoch {}{}{})", state_.step, state_.epoch,
                state_.batch_in_epoch ? fmt::format(", batch {}", state_.batch_in_epoch) : "",
                plan_.staged() ? fmt::format(", stage '{}'", plan_.stage(stage_).name) : ""));
  return std::nullopt;
}

TrainResult TrainingRun::run() {
  // One process per run directory (and per checkpoint directory kept elsewhere), before
  // anything in it is read, cleared or written; under mpirun, rank 0's.
  std::optional<RunLock> lock, checkpoint_lock;
  if (writer_) {
    lock.emplace(config_.save_dir, setup_.verb);
    if (!inside(config_.checkpoint_dir, config_.save_dir))
      checkpoint_lock.emplace(config_.checkpoint_dir, setup_.verb);
    check_writable(config_.checkpoint_dir);
    prepare_run_directory(config_, checkpointer_, setup_.history_file);
  }
  if (config_.resume)
    if (auto finished = rank_zero_first(world_, [&] { return restore(); })) return *finished;
  if (writer_) write_file_atomic(fs::path(config_.save_dir) / "config.yaml", setup_.config_yaml);
  // The current stage's table, unless the loop enters the next stage first.
  if (plan_.stage_of_epoch(state_.epoch) == stage_) announce_stage();
  for (MetricSink* sink : sinks_) sink->on_start(history_);
  elapsed_before_ = state_.elapsed_s;
  epoch_before_ = state_.epoch;
  step_before_ = state_.step;
  while (state_.epoch < config_.loop.epochs && !state_.finished) {
    if (const std::size_t k = plan_.stage_of_epoch(state_.epoch); k != stage_) {
      enter_stage(k);
      announce_stage();
    }
    if (const int signal = train_epoch(); signal != 0) {
      save();
      progress_.message(fmt::format("stopped by signal {} at step {}; checkpoint saved in {}",
                                    signal, state_.step, config_.checkpoint_dir));
      return {stop_exit_code(signal), {}};
    }
    end_epoch();
    const int signal = agreed_stop_signal(world_);
    if (state_.finished || state_.epoch % config_.checkpoint_every == 0 || signal != 0) save();
    if (signal != 0 && !state_.finished) {
      progress_.message(fmt::format("stopped by signal {} after epoch {}; checkpoint saved in {}",
                                    signal, state_.epoch, config_.checkpoint_dir));
      return {stop_exit_code(signal), {}};
    }
  }
  TrainResult result{0, summary()};
  for (MetricSink* sink : sinks_) sink->on_finish(result.summary);
  return result;
}

int TrainingRun::train_epoch() {
  const Dataset& train = split_.train;
  const std::vector<int32_t> order = epoch_order(train.size(), config_.seed, state_.epoch);
  for (int b = static_cast<int>(state_.batch_in_epoch); b < steps_in_epoch_; ++b) {
    const int begin = b * update_batch_;
    const int count = std::min(update_batch_, train.size() - begin);
    const int32_t* ids = order.data() + begin;
    gather_batch(train, ids, count, batch_tokens_.data(), batch_labels_.data());
    ObjectiveSums sums;
    sums.components.assign(state_.component_sums.size(), 0.0);
    // The step's micro-batches, each normalised by the whole step's count, their gradients
    // added into grads_: with dropout masks by place in the step, the step of one large batch.
    for (int first = 0; first < count; first += micro_batch_) {
      const int size = std::min(micro_batch_, count - first);
      ForwardOptions options;
      options.training = true;
      options.dropout_seed = config_.seed;
      options.step = static_cast<uint64_t>(state_.step);
      options.first_example = first;
      options.last_layer = objective_.last_layer();
      const int64_t token_offset = int64_t{first} * config_.model.seq_len;
      const ObjectiveSums part = model_.train_step(
          params_.data(), batch_tokens_.data() + token_offset, batch_labels_.data() + first,
          ids + first, size, options, objective_, grads_.data(), count);
      sums.loss += part.loss;
      sums.correct += part.correct;
      GROK_CHECK(part.components.size() == sums.components.size(),
                 "the objective returned {} components for {} names", part.components.size(),
                 sums.components.size());
      for (std::size_t c = 0; c < part.components.size(); ++c)
        sums.components[c] += part.components[c];
    }
    if (!std::isfinite(sums.loss))
      throw Error(fmt::format("non-finite training loss at epoch {} (step {}); stopping",
                              state_.epoch + 1, state_.step + 1));
    optimizer_->step(params_.data(), grads_.data());
    std::fill(grads_.begin(), grads_.end(), 0.0f);
    if (extra_optimizer_) {
      extra_optimizer_->step(objective_.extra_params(), objective_.extra_grads());
      std::fill_n(objective_.extra_grads(), objective_.extra_layout()->total_size(), 0.0f);
    }
    ++state_.step;
    ++state_.batch_in_epoch;
    state_.train_loss_sum += sums.loss;
    state_.train_correct += sums.correct;
    state_.train_seen += count;
    for (std::size_t c = 0; c < sums.components.size(); ++c)
      state_.component_sums[c] += sums.components[c];
    if (config_.loop.max_steps > 0 && state_.step >= config_.loop.max_steps) state_.finished = true;
    if (const int signal = agreed_stop_signal(world_);
        signal != 0 && b + 1 < steps_in_epoch_ && !state_.finished)
      return signal;
    if (state_.finished) break;
  }
  return 0;
}

void TrainingRun::end_epoch() {
  ++state_.epoch;
  if (state_.epoch >= config_.loop.epochs) state_.finished = true;
  const auto val_names = objective_.validation_component_names();
  std::vector<double> val_components;
  const LossSum val_sum =
      val_names.empty()
          ? model_.evaluate(params_.data(), split_.val, eval_chunk_, nullptr, config_.loop.loss)
          : model_.evaluate(params_.data(), split_.val, eval_chunk_, config_.loop.loss, objective_,
                            val_components);
  const double n_val = std::max(1, split_.val.size());
  const double seen = std::max<int64_t>(1, state_.train_seen);
  std::map<std::string, double> row = {
      {"step", static_cast<double>(state_.step)},
      {"epoch", static_cast<double>(state_.epoch)},
      {"train_loss", state_.train_loss_sum / seen},
      {"train_acc", static_cast<double>(state_.train_correct) / seen},
      {"val_loss", val_sum.loss / n_val},
      {"val_acc", static_cast<double>(val_sum.correct) / n_val},
      {"lr", optimizer_->current_lr()},
      {"weight_norm", l2_norm(layout_, params_.data())},
      {"elapsed_s", elapsed_before_ + wall_.seconds()}};
  if (plan_.staged()) row["stage"] = static_cast<double>(stage_);
  if (config_.loop.eval_train) {
    const LossSum train_sum = model_.evaluate(params_.data(), split_.train, eval_chunk_);
    const double n_train = std::max(1, split_.train.size());
    row["train_eval_loss"] = train_sum.loss / n_train;
    row["train_eval_acc"] = static_cast<double>(train_sum.correct) / n_train;
  }
  const auto names = objective_.component_names();
  for (std::size_t c = 0; c < names.size(); ++c) row[names[c]] = state_.component_sums[c] / seen;
  for (std::size_t c = 0; c < val_names.size(); ++c)
    row["val_" + val_names[c]] = val_components[c] / n_val;
  history_.append(row);
  state_.batch_in_epoch = 0;
  state_.train_loss_sum = 0;
  state_.train_correct = 0;
  state_.train_seen = 0;
  std::fill(state_.component_sums.begin(), state_.component_sums.end(), 0.0);

  const double seconds = wall_.seconds();
  const EpochEnd end{history_,     config_.loop.epochs,
                     total_steps_, seconds > 0 ? (state_.step - step_before_) / seconds : 0,
                     names,        plan_.staged() ? plan_.stage(stage_).name : std::string()};
  for (MetricSink* sink : sinks_) sink->on_epoch(end);
}

void TrainingRun::save() {
  state_.elapsed_s = elapsed_before_ + wall_.seconds();
  if (writer_) checkpointer_.save(state_, groups_);
}

nlohmann::ordered_json TrainingRun::summary() const {
  RunFacts facts;
  facts.verb = setup_.verb;
  facts.steps = state_.step;
  facts.parameters = static_cast<int64_t>(layout_.parameter_count());
  facts.wall_s = elapsed_before_ + wall_.seconds();
  facts.wall_s_this_process = wall_.seconds();
  facts.steps_this_process = state_.step - step_before_;
  facts.epochs_this_process = state_.epoch - epoch_before_;
  facts.threads = num_threads();
  facts.shards = model_.shards();
  facts.ranks = world_.size();
  facts.gemm_flops = model_.gemm_flops();
  facts.exchange_s = model_.exchange_seconds();
  facts.precision = to_string(config_.precision);
  nlohmann::ordered_json s = run_summary(history_, facts);
  if (!setup_.extra_metadata.is_null()) s["run"] = setup_.extra_metadata;
  objective_.add_summary(s);
  if (!optimizer_->config().param_groups.empty())
    s["param_groups"] = parameter_group_json(groups_);  // the last stage's
  if (plan_.staged()) {
    nlohmann::ordered_json stages = nlohmann::ordered_json::array();
    for (std::size_t k = 0; k < plan_.size(); ++k)
      stages.push_back({{"name", plan_.stage(k).name},
                        {"first_epoch", plan_.first_epoch(k) + 1},
                        {"epochs", plan_.stage(k).epochs}});
    s["stages"] = stages;
  }
  return s;
}

}  // namespace

TrainResult run_training(const TrainerSetup& setup, const Split& split) {
  set_num_threads(setup.config.threads);
  set_gemm_precision(setup.config.precision);
  install_stop_handlers();
  check_memory(setup.config, split);
  TrainingRun run(setup, split);
  return run.run();
}

}  // namespace grok

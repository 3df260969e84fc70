#include "grokking/train/run_checkpoint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <limits>

#include "grokking/checkpoint/json_diff.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/error.h"
#include "grokking/train/model_loader.h"

namespace grok {

namespace {

// How long the run is planned and its learning rate over the steps (scheduled_lr), for
// readers of metadata.json. Not part of the resume check: a run may be resumed for more epochs.
nlohmann::json schedule_json(const TrainConfig& config) {
  return {{"epochs", config.loop.epochs},
          {"max_steps", config.loop.max_steps},
          {"lr",
           {{"kind", "linear_warmup_then_constant"},
            {"init_value", 0.0},
            {"peak_value", config.optimizer.learning_rate},
            {"warmup_steps", config.optimizer.warmup_steps}}}};
}

[[noreturn]] void out_of_range(const std::string& source, const std::string& key,
                               const std::string& value, const std::string& allowed) {
  throw Error(fmt::format("{}: \"{}\" is {}; {} (an edited or foreign checkpoint?)", source, key,
                          value, allowed));
}

// The loop state's values against this run's epochs: the resumed loop indexes the epoch's order
// with batch_in_epoch and adds to the accumulators, so each is bounded before it is used.
void check_loop_state(const TrainingState& state, const LoopShape& shape,
                      const std::string& source) {
  const int64_t steps = shape.steps_in_epoch;
  if (state.step < 0) out_of_range(source, "step", std::to_string(state.step), "must be >= 0");
  if (state.epoch < 0) out_of_range(source, "epoch", std::to_string(state.epoch), "must be >= 0");
  if (state.epoch > std::numeric_limits<int64_t>::max() / steps - 1)
    out_of_range(source, "epoch", std::to_string(state.epoch), "too large for any run");
  if (state.batch_in_epoch < 0 || state.batch_in_epoch >= steps)
    out_of_range(source, "data_order.batch_in_epoch", std::to_string(state.batch_in_epoch),
                 fmt::format("allowed 0 to {} (batches per epoch - 1)", steps - 1));
  // Unfinished: every batch before this one was taken. Finished: the last epoch ended early
  // (max_steps) or at its end.
  const int64_t expected = state.epoch * steps + state.batch_in_epoch;
  if (!state.finished && state.step != expected)
    out_of_range(source, "step", std::to_string(state.step),
                 fmt::format("expected {} (epoch {} x {} batches + batch_in_epoch {})", expected,
                             state.epoch, steps, state.batch_in_epoch));
  if (state.finished && (state.batch_in_epoch != 0 || state.epoch < 1 ||
                         state.step <= (state.epoch - 1) * steps || state.step > expected))
    out_of_range(source, "step", std::to_string(state.step),
                 fmt::format("a finished run at epoch {} has a step in ({}, {}] and "
                             "batch_in_epoch 0",
                             state.epoch, std::max<int64_t>(0, state.epoch - 1) * steps,
                             state.epoch * steps));
  // Every batch before the last of an epoch is full.
  const int64_t seen = state.batch_in_epoch * shape.batch_size;
  if (state.train_seen != seen)
    out_of_range(
        source, "accumulators.train_seen", std::to_string(state.train_seen),
        fmt::format("expected {} (batch_in_epoch x batch size {})", seen, shape.batch_size));
  if (state.train_correct < 0 || state.train_correct > state.train_seen)
    out_of_range(source, "accumulators.train_correct", std::to_string(state.train_correct),
                 fmt::format("allowed 0 to train_seen ({})", state.train_seen));
  // Shorter: a checkpoint from before a component existed (the trainer starts it at zero).
  if (state.component_sums.size() > shape.components)
    out_of_range(source, "accumulators.component_sums",
                 fmt::format("a list of {}", state.component_sums.size()),
                 fmt::format("this run's objective has {} components", shape.components));
  if (!std::isfinite(state.train_loss_sum))
    out_of_range(source, "accumulators.train_loss_sum", fmt::format("{}", state.train_loss_sum),
                 "must be finite");
  for (const double sum : state.component_sums)
    if (!std::isfinite(sum))
      out_of_range(source, "accumulators.component_sums", fmt::format("{}", sum), "must be finite");
  if (!std::isfinite(state.elapsed_s) || state.elapsed_s < 0)
    out_of_range(source, "elapsed_s", fmt::format("{}", state.elapsed_s),
                 "must be finite and not negative");
}

}  // namespace

nlohmann::json run_metadata(const TrainConfig& config, const nlohmann::json& extra) {
  nlohmann::json batching = {{"batch_size", config.loop.batch_size}};
  // Absent at its default, so that metadata stays as before gradient accumulation existed.
  if (config.loop.grad_accum != 1) batching["grad_accum"] = config.loop.grad_accum;
  nlohmann::json meta = {{"config", model_config_json(config.model)},
                         {"task", to_json(config.task)},
                         {"optimizer", to_json(config.optimizer)},
                         {"seed", config.seed},
                         {"batching", batching},
                         {kScheduleSection, schedule_json(config)}};
  // Absent without stages; a resume must give the same list.
  if (!config.stages.empty()) meta["stages"] = Codec<std::vector<StageConfig>>::json(config.stages);
  if (extra.is_object())
    for (const auto& [key, value] : extra.items()) meta[key] = value;
  return meta;
}

nlohmann::json comparable_metadata(const nlohmann::json& saved, const std::string& source,
                                   const nlohmann::json& current) {
  nlohmann::json out = saved;
  // The loader's reading, written back: keys an older writer left out get their defaults.
  out["config"] = to_json(model_config_from_metadata(saved, source));
  out["task"] = to_json(task_config_from_metadata(saved, source));
  if (saved.contains("optimizer") && saved["optimizer"].is_object()) {
    OptimizerConfig optimizer;
    from_json(saved["optimizer"], optimizer, source);
    out["optimizer"] = to_json(optimizer);
  }
  if (out.contains("distillation") && out["distillation"].is_object()) {
    nlohmann::json& d = out["distillation"];
    // Format 1 recorded "ground_truth"; the settings now record its negation.
    if (d.contains("ground_truth") && d["ground_truth"].is_boolean()) {
      d["disable_ground_truth"] = !d["ground_truth"].get<bool>();
      d.erase("ground_truth");
    }
    // Where the teacher was and how large its cache was describe the run, not its settings: a
    // moved run directory still resumes.
    d.erase("teacher_checkpoint");
    d.erase("teacher_cache_bytes");
    if (d.contains("teacher_logits") && d["teacher_logits"].is_object())
      d["teacher_logits"].erase("file");  // the file is named by its checksum
    // Format 1 described the teacher by its depth, dim and heads only; the rest of its shape
    // follows from the teacher checkpoint that the compared keys already pin down.
    const auto now = current.find("distillation");
    if (d.contains("teacher_config") && d["teacher_config"].is_object() && now != current.end() &&
        now->contains("teacher_config"))
      for (const auto& [key, value] : (*now)["teacher_config"].items())
        if (!d["teacher_config"].contains(key)) d["teacher_config"][key] = value;
  }
  return out;
}

RunCheckpointer::RunCheckpointer(const TrainConfig& config, nlohmann::json extra_metadata)
    : config_(config),
      metadata_(run_metadata(config, extra_metadata)),
      manager_(config.checkpoint_dir, RetentionPolicy{config.keep, config.keep_every}) {}

std::optional<TrainingState> RunCheckpointer::restore(const GroupsForState& groups_for,
                                                      const LoopShape& shape, Progress& progress) {
  for (const auto& path : manager_.clean_temporaries())
    progress.warning(fmt::format("removed leftover of an interrupted save: {}", path.string()));
  const std::vector<StepEntry> steps = manager_.list_steps();
  if (steps.empty()) {
    progress.message(
        fmt::format("--resume: no checkpoint in {}; starting a new run", manager_.dir().string()));
    return std::nullopt;
  }
  check_same_run();
  // Newest first; a step that fails for any reason (a bad file, a value out of range for this
  // run) is skipped with its reason, in favour of the next older one.
  for (const auto& entry : steps) {
    std::string problem = validate_checkpoint(entry.path);
    if (problem.empty()) {
      try {
        return restore_step(load_checkpoint(entry.path), groups_for, shape);
      } catch (const UsageError&) {
        throw;
      } catch (const Error& e) {
        problem = e.what();
      }
    }
    progress.warning(fmt::format("skipping invalid checkpoint: {}", problem));
  }
  throw Error(fmt::format("--resume: no valid checkpoint in {} (all {} are invalid)",
                          manager_.dir().string(), steps.size()));
}

TrainingState RunCheckpointer::restore_step(const CheckpointContents& contents,
                                            const GroupsForState& groups_for,
                                            const LoopShape& shape) {
  const TrainingState state =
      loop_state_from_json(contents.state, (contents.path / kStateFile).string(), shape);
  const std::vector<TrainableGroup> groups = groups_for(state);
  std::vector<std::string> expected;
  for (const auto& group : groups) {
    load_layout(contents.model, *group.layout, group.params, group.prefix);
    for (const StateBlock& block : group.optimizer->state_blocks())
      load_layout(contents.optimizer, *block.layout, block.data, group.prefix + block.prefix);
    group.optimizer->set_count(
        contents.optimizer.get(group.prefix + "count").values<int64_t>().at(0));
    for (const auto& name : layout_names(*group.layout, group.prefix)) expected.push_back(name);
  }
  if (const auto extra = unexpected_tensors(contents.model, expected); !extra.empty())
    throw Error(fmt::format("{}: unexpected tensors {} (a checkpoint of another model?)",
                            contents.model.source, fmt::join(extra, ", ")));
  const Optimizer& optimizer = *groups.front().optimizer;
  if (optimizer.count() != state.step)
    throw Error(fmt::format("{}: optimizer count {} does not match step {}", contents.path.string(),
                            optimizer.count(), state.step));
  manager_.set_protected_step(contents.step);
  return state;
}

void RunCheckpointer::check_same_run() const {
  const auto saved = manager_.read_metadata();
  if (!saved) return;
  std::vector<std::string> sections = kResumeSections;
  sections.push_back("batching");
  for (const auto& [key, value] : metadata_.items())
    if (key != kScheduleSection &&
        std::find(sections.begin(), sections.end(), key) == sections.end())
      sections.push_back(key);
  const std::string source = (manager_.dir() / std::string(kMetadataFile)).string();
  const auto differences =
      metadata_differences(comparable_metadata(*saved, source, metadata_),
                           comparable_metadata(metadata_, source, metadata_), sections);
  if (!differences.empty())
    throw UsageError(fmt::format(
        "--resume: the checkpoint in {} was written by a different run (saved vs now: {}); "
        "use the same options, or --overwrite to start again",
        manager_.dir().string(), describe_differences(differences)));
}

TrainingState loop_state_from_json(const nlohmann::json& s, const std::string& source,
                                   const LoopShape& shape) {
  TrainingState state;
  std::string key;  // the key being read, for the message
  const auto at = [&](const nlohmann::json& parent, const char* name,
                      const std::string& path) -> const nlohmann::json& {
    key = path;
    return parent.at(name);
  };
  // A float converted to an integer is undefined behaviour when out of range (found by
  // tests/fuzz/fuzz_state): integers must be JSON integers that fit int64.
  const auto integer = [&](const nlohmann::json& v) -> int64_t {
    const bool fits =
        v.is_number_integer() &&
        (!v.is_number_unsigned() || v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX));
    if (!fits) out_of_range(source, key, v.dump(), "expected an integer");
    return v.get<int64_t>();
  };
  try {
    state.step = integer(at(s, "step", "step"));
    state.epoch = integer(at(s, "epoch", "epoch"));
    state.batch_in_epoch = integer(
        at(at(s, "data_order", "data_order"), "batch_in_epoch", "data_order.batch_in_epoch"));
    const auto& acc = at(s, "accumulators", "accumulators");
    state.train_loss_sum = at(acc, "train_loss_sum", "accumulators.train_loss_sum").get<double>();
    state.train_correct = integer(at(acc, "train_correct", "accumulators.train_correct"));
    state.train_seen = integer(at(acc, "train_seen", "accumulators.train_seen"));
    state.component_sums =
        at(acc, "component_sums", "accumulators.component_sums").get<std::vector<double>>();
    state.elapsed_s = at(s, "elapsed_s", "elapsed_s").get<double>();
    state.finished = at(s, "finished", "finished").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: missing or invalid \"{}\" ({})", source, key, e.what()));
  }
  check_loop_state(state, shape, source);
  return state;
}

void RunCheckpointer::save(const TrainingState& state, const std::vector<TrainableGroup>& groups) {
  CheckpointWrite write;
  write.step = state.step;
  write.epoch = state.epoch;
  std::vector<int64_t> counts;
  counts.reserve(groups.size());
  for (const auto& group : groups) {
    for (auto& view : layout_views(*group.layout, group.params, group.prefix))
      write.model.push_back(std::move(view));
    for (const StateBlock& block : group.optimizer->state_blocks())
      for (auto& view : layout_views(*block.layout, block.data, group.prefix + block.prefix))
        write.optimizer.push_back(std::move(view));
    counts.push_back(group.optimizer->count());
    write.optimizer.push_back(make_view(group.prefix + "count", {}, &counts.back()));
  }
  write.mid_epoch = state.batch_in_epoch != 0;
  write.state = {
      {"rng",
       {{"algorithm", "philox4x32-10"}, {"seed", config_.seed}, {"dropout_step", state.step}}},
      {"data_order",
       {{"algorithm", "philox4x32-10 fisher-yates per epoch"},
        {"seed", config_.seed},
        {"epoch", state.epoch},
        {"batch_in_epoch", state.batch_in_epoch}}},
      {"accumulators",
       {{"train_loss_sum", state.train_loss_sum},
        {"train_correct", state.train_correct},
        {"train_seen", state.train_seen},
        {"component_sums", state.component_sums}}},
      {"elapsed_s", state.elapsed_s},
      {"finished", state.finished}};
  write.metadata = metadata_;
  // model.safetensors describes itself: a reader with the file alone has the model and task.
  write.model_metadata = {{"config", metadata_["config"].dump()},
                          {"task", metadata_["task"].dump()}};
  manager_.save(write);
}

}  // namespace grok

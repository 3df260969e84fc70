#include "grokking/analysis/progress_measures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "grokking/analysis/model_analysis.h"
#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/data/dataset.h"
#include "grokking/model/transformer.h"
#include "grokking/train/grok_events.h"
#include "grokking/train/model_loader.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

using Json = nlohmann::ordered_json;

History read_history(const fs::path& run) {
  fs::path file = run / "distillation_history.json";
  if (!fs::exists(file)) file = run / "training_history.json";
  if (!fs::exists(file))
    throw Error(
        fmt::format("{}: no training_history.json or distillation_history.json "
                    "(--over_training needs a run directory)",
                    run.string()));
  return History::from_json(read_json_file(file),
                            {"epoch", "train_loss", "train_acc", "val_loss", "val_acc"},
                            file.string());
}

// Logits [N, C] of a split, inference mode, in chunks.
std::vector<float> split_logits(const LoadedModel& model, const Dataset& data, int batch) {
  const int c = model.config.n_classes, chunk = std::max(1, std::min(batch, data.size()));
  Transformer<float> net(model.config, chunk);
  std::vector<float> out(int64_t{data.size()} * c);
  for (int begin = 0; begin < data.size(); begin += chunk) {
    const int count = std::min(chunk, data.size() - begin);
    const float* logits =
        net.forward(model.params.data(), data.tokens.data() + int64_t{begin} * data.seq_len, count,
                    ForwardOptions{});
    std::copy(logits, logits + int64_t{count} * c, out.begin() + int64_t{begin} * c);
  }
  return out;
}

Json optional_json(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

Json losses_json(const RestrictedLosses& l) {
  return Json{{"loss", l.loss},
              {"restricted", l.restricted},
              {"excluded", l.excluded},
              {"accuracy", l.accuracy},
              {"restricted_accuracy", l.restricted_accuracy},
              {"excluded_accuracy", l.excluded_accuracy}};
}

}  // namespace

ProgressPhases progress_phases(const History& history, const std::vector<ProgressPoint>& points,
                               double threshold) {
  ProgressPhases p;
  for (const ProgressPoint& point : points)
    if (!p.train_fit && point.train.accuracy >= threshold) p.train_fit = point.epoch;
  p.train_fit_training_mode = first_epoch_reaching(history, "train_acc", threshold);
  p.val_rise = first_epoch_reaching(history, "val_acc", 0.5);
  p.generalised = first_epoch_reaching(history, "val_acc", threshold);
  return p;
}

ProgressMeasures progress_over_training(const fs::path& run, const ProgressOptions& options) {
  if (!(options.threshold > 0 && options.threshold <= 1))
    throw UsageError(fmt::format("--grokking_threshold {}: must be in (0, 1]", options.threshold));
  ProgressMeasures out;
  out.run = run;
  out.threshold = options.threshold;
  out.history = read_history(run);
  const CheckpointManager manager(run / "checkpoints");
  std::vector<StepEntry> steps = manager.list_steps();
  if (steps.empty())
    throw Error(fmt::format("{}: no checkpoints (train with --keep_every N to keep some)",
                            (run / "checkpoints").string()));
  std::reverse(steps.begin(), steps.end());  // oldest first
  // The last checkpoint fixes the task and the key frequencies; then one model at a time.
  const LoadedModel last = load_model(steps.back().path);
  out.task = last.task;
  const FourierGroup group =
      fourier_group(resolve_fourier_basis(options.basis, out.task), out.task.p);
  out.basis = group.basis;
  out.generator = group.generator;
  auto spectrum = [&](const LoadedModel& m) {
    const TensorSpec& e = m.layout.find("embedding.embedding");  // [V,D]
    return fourier_spectrum(m.params.data() + e.offset, m.config.dim, group, options.key_sd);
  };
  out.key_frequencies = spectrum(last).key_frequencies;
  const Split split = make_split(out.task);
  for (const StepEntry& s : steps) {
    const LoadedModel m = load_model(s.path);
    if (!(m.task == out.task))
      throw Error(
          fmt::format("{}: a different task from the run's last checkpoint", s.path.string()));
    ProgressPoint point;
    point.step = m.step;
    point.epoch = m.epoch;
    point.embedding = spectrum(m);
    for (const auto& [data, losses] :
         {std::pair{&split.train, &point.train}, std::pair{&split.val, &point.val}}) {
      const std::vector<float> logits = split_logits(m, *data, options.batch_size);
      *losses = restricted_losses(logits.data(), data->labels.data(), data->size(),
                                  m.config.n_classes, group, out.key_frequencies);
    }
    out.points.push_back(std::move(point));
  }
  out.phases = progress_phases(out.history, out.points, options.threshold);
  return out;
}

nlohmann::ordered_json progress_to_json(const ProgressMeasures& m) {
  Json j;
  j["format"] = "grokking-progress";
  j["format_version"] = 1;
  j["run"] = m.run.string();
  j["task"] = Json{{"p", m.task.p},
                   {"operation", to_string(m.task.operation)},
                   {"train_fraction", m.task.train_fraction},
                   {"seed", m.task.split_seed}};
  j["basis"] = to_string(m.basis);
  j["generator"] = m.generator;
  j["threshold"] = m.threshold;
  j["key_frequencies"] = m.key_frequencies;
  j["phases"] = Json{{"train_fit", optional_json(m.phases.train_fit)},
                     {"train_fit_training_mode", optional_json(m.phases.train_fit_training_mode)},
                     {"val_rise", optional_json(m.phases.val_rise)},
                     {"generalised", optional_json(m.phases.generalised)}};
  Json points = Json::array();
  for (const ProgressPoint& p : m.points)
    points.push_back(Json{{"step", p.step},
                          {"epoch", p.epoch},
                          {"gini", p.embedding.gini},
                          {"key_frequencies", p.embedding.key_frequencies},
                          {"train", losses_json(p.train)},
                          {"val", losses_json(p.val)}});
  j["checkpoints"] = std::move(points);
  return j;
}

}  // namespace grok

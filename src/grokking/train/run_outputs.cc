#include "grokking/train/run_outputs.h"

#include <fmt/format.h>

#include "grokking/core/atomic_file.h"

namespace grok {

void HistoryFileSink::on_epoch(const EpochEnd& end) {
  write_file_atomic(path_, end.history.to_json().dump(1) + "\n");
}

void ProgressSink::on_epoch(const EpochEnd& end) {
  const History& h = end.history;
  const auto last = [&](const std::string& column) { return h.column(column).back(); };
  std::string extra;
  for (const std::string& name : end.components)
    extra += fmt::format("  {} {:.4f}", name, last(name));
  const auto step = static_cast<int64_t>(last("step"));
  progress_.epoch(
      {static_cast<int64_t>(last("epoch")), end.epochs, step, last("train_loss"), last("train_acc"),
       last("val_loss"), last("val_acc"), last("lr"), last("weight_norm"), end.steps_per_s,
       end.steps_per_s > 0 ? (end.total_steps - step) / end.steps_per_s : 0, extra, end.stage});
}

void ProgressSink::on_finish(const nlohmann::ordered_json&) { progress_.finish(); }

void SummaryFileSink::on_finish(const nlohmann::ordered_json& summary) {
  write_file_atomic(path_, summary.dump(2) + "\n");
}

}  // namespace grok

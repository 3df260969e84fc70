// The run directory's standard outputs, as metric sinks (metric_sink.h): the history JSON
// rewritten atomically after every epoch, the progress line, and summary.json at the end.
#pragma once

#include <filesystem>

#include "grokking/train/metric_sink.h"
#include "grokking/train/progress.h"

namespace grok {

// DIR/training_history.json (or distillation_history.json): every row, after every epoch.
class HistoryFileSink : public MetricSink {
 public:
  explicit HistoryFileSink(std::filesystem::path path) : path_(std::move(path)) {}
  void on_epoch(const EpochEnd& end) override;

 private:
  std::filesystem::path path_;
};

// The progress line (progress.h): train and val metrics, lr, weight norm, components, rate.
class ProgressSink : public MetricSink {
 public:
  explicit ProgressSink(Progress& progress) : progress_(progress) {}
  void on_epoch(const EpochEnd& end) override;
  void on_finish(const nlohmann::ordered_json& summary) override;

 private:
  Progress& progress_;
};

// DIR/summary.json.
class SummaryFileSink : public MetricSink {
 public:
  explicit SummaryFileSink(std::filesystem::path path) : path_(std::move(path)) {}
  void on_epoch(const EpochEnd&) override {}
  void on_finish(const nlohmann::ordered_json& summary) override;

 private:
  std::filesystem::path path_;
};

}  // namespace grok

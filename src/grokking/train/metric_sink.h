// Where a run's per-epoch metrics go. The trainer keeps the History (history.h) and tells every
// sink about it: on_start once before this process's first epoch, with the rows restored from a
// checkpoint (none for a new run; a sink drops anything it recorded after them), on_epoch after
// each evaluated epoch, on_finish with the summary. The
// run directory's outputs (training_history.json, the progress line, summary.json:
// run_outputs.h) are sinks; a new output is one new sink. Not the metrics themselves.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grokking/train/history.h"

namespace grok {

struct EpochEnd {
  const History& history;               // every row so far; the last is this epoch's
  int64_t epochs = 0;                   // the run's epoch budget
  int64_t total_steps = 0;              // the run's step budget
  double steps_per_s = 0;               // this process's rate so far
  std::vector<std::string> components;  // the objective's extra columns
  std::string stage;                    // the epoch's stage (multi-stage runs), else empty
};

class MetricSink {
 public:
  virtual ~MetricSink() = default;
  // `restored` holds the rows up to the restored epoch: empty for a new run.
  virtual void on_start(const History& /*restored*/) {}
  virtual void on_epoch(const EpochEnd& end) = 0;
  virtual void on_finish(const nlohmann::ordered_json& /*summary*/) {}
};

}  // namespace grok

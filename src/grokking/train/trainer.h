// The one training loop, shared by `grokking train` and `grokking distill`, in phases: set-up
// (model, optimizers, objective, outputs), restore (the newest valid checkpoint), epochs of
// shuffled batches (forward → objective → backward → optimizer), the end of each epoch
// (validation, history row, metric sinks, checkpoint), and the summary. Stop signals checkpoint
// and return 130/143.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grokking/data/dataset.h"
#include "grokking/train/metric_sink.h"
#include "grokking/train/objective.h"
#include "grokking/train/train_config.h"

namespace grok {

struct TrainerSetup {
  TrainConfig config;  // validated and finalized
  std::string verb = "train";
  std::string history_file = "training_history.json";
  std::string config_yaml;         // the resolved options, saved as config.yaml
  nlohmann::json extra_metadata;   // merged into checkpoints/metadata.json and summary.json
  Objective* objective = nullptr;  // null: cross-entropy against the labels
  std::vector<MetricSink*> sinks;  // outputs beyond the run directory's own (run_outputs.h)
};

struct TrainResult {
  int exit_code = 0;  // 0, or 130/143 after a stop signal (state checkpointed)
  nlohmann::ordered_json summary;
};

// Runs (or resumes) a training run. Throws grok::Error on I/O failures or a non-finite loss.
TrainResult run_training(const TrainerSetup& setup, const Split& split);

}  // namespace grok

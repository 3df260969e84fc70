// A run's checkpoints: what the trainer saves and restores through the CheckpointManager
// (parameters, optimizer state, and the loop state that makes a resume exact), and the
// metadata that a resume must match. Not the file format (checkpoint/).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/optim/optimizer.h"
#include "grokking/train/progress.h"
#include "grokking/train/train_config.h"

namespace grok {

// Everything beyond parameters and optimizer state needed to continue bit for bit.
struct TrainingState {
  int64_t step = 0;            // optimizer steps taken
  int64_t epoch = 0;           // epochs completed
  int64_t batch_in_epoch = 0;  // batches done in the current, unfinished epoch
  double train_loss_sum = 0;   // running sums of the unfinished epoch
  int64_t train_correct = 0;
  int64_t train_seen = 0;
  std::vector<double> component_sums;
  double elapsed_s = 0;  // wall time of all processes so far
  bool finished = false;
};

// What a checkpoint's loop state must agree with: the shape of this run's epochs. Every value in
// state.json is untrusted (its checksum is unkeyed) and is checked against it.
struct LoopShape {
  int64_t steps_in_epoch = 1;  // batches per epoch
  int64_t batch_size = 1;      // examples per full batch (every batch but an epoch's last)
  std::size_t components = 0;  // the objective's loss components (component_sums' length)
};

// The loop state of a checkpoint's state.json (`source` names it): grok::Error naming the file
// and the key if one is missing, of the wrong type, or out of range for `shape`.
TrainingState loop_state_from_json(const nlohmann::json& state, const std::string& source,
                                   const LoopShape& shape);

// A set of trainable tensors saved together: the model (prefix "") or an objective's extras
// (prefix "projectors."). Tensor names in model.safetensors and optimizer.safetensors carry
// the prefix; the optimizer's step count is saved as "<prefix>count".
struct TrainableGroup {
  std::string prefix;
  const TensorLayout* layout = nullptr;
  float* params = nullptr;
  Optimizer* optimizer = nullptr;
};

// metadata.json sections of a run (config, task, optimizer, seed, batching, schedule, and stages
// when it has them) plus `extra`. Every section but the schedule (epochs, max_steps, the lr
// schedule) must match to resume.
inline constexpr const char* kScheduleSection = "schedule";
nlohmann::json run_metadata(const TrainConfig& config, const nlohmann::json& extra);

// Metadata as a resume compares it: config, task and optimizer as the loader reads them (keys
// an older format lacked take their defaults), format 1's distillation.ground_truth as its
// negation disable_ground_truth, format 1's partial distillation.teacher_config completed from
// `current`, and without the teacher's path and cache size (facts about the run, not settings).
// grok::Error naming `source` if a section is invalid.
nlohmann::json comparable_metadata(const nlohmann::json& saved, const std::string& source,
                                   const nlohmann::json& current);

// The groups a checkpoint with this loop state loads into (a multi-stage run builds the
// optimizers of the checkpoint's stage first).
using GroupsForState = std::function<std::vector<TrainableGroup>(const TrainingState&)>;

class RunCheckpointer {
 public:
  RunCheckpointer(const TrainConfig& config, nlohmann::json extra_metadata);

  // True if the checkpoint directory already holds a run.
  bool holds_checkpoints() const { return manager_.holds_checkpoints(); }
  // Removes the checkpoints of a previous run (--overwrite).
  void clear() const { manager_.clear(); }

  // Restores the newest valid checkpoint into every group's params and optimizer (the groups of
  // groups_for(its loop state); reporting, and
  // skipping, newer ones that are corrupt or do not fit this run). nullopt if there is none.
  // UsageError naming the differing keys if the checkpoint was written with another config, task or
  // optimizer. The loop state is range-checked against `shape` (grok::Error naming state.json and
  // the key).
  std::optional<TrainingState> restore(const GroupsForState& groups_for, const LoopShape& shape,
                                       Progress& progress);

  void save(const TrainingState& state, const std::vector<TrainableGroup>& groups);

 private:
  // Loads one verified step into the groups and returns its loop state (grok::Error if it does
  // not fit this run).
  TrainingState restore_step(const CheckpointContents& contents, const GroupsForState& groups_for,
                             const LoopShape& shape);
  // UsageError naming the differences if the checkpoint was written with other settings.
  void check_same_run() const;

  TrainConfig config_;
  nlohmann::json metadata_;
  CheckpointManager manager_;
};

}  // namespace grok

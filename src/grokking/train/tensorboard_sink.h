// A run's TensorBoard output, DIR/tensorboard/events.out.tfevents.*: every history column but
// the epoch as a scalar per epoch (TensorBoard's step axis is the epoch, so runs of different
// batch sizes overlay), and the resolved config as text at step 0. A run resumed after epoch
// E continues in a new file that supersedes what older files hold after E; a run starting at
// epoch 0 replaces the directory's event files. Off with --no_tensorboard.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "grokking/tensorboard/event_writer.h"
#include "grokking/train/train_config.h"

namespace grok {

inline constexpr const char* kTensorBoardDir = "tensorboard";

class TensorBoardSink {
 public:
  // Does nothing unless config.tensorboard.
  TensorBoardSink(const TrainConfig& config, std::string config_yaml);

  // The run starts after `epoch` completed epochs (0: from the beginning).
  void on_start(int64_t epoch);
  // One history row (step, epoch, train_loss, ...), at step row["epoch"].
  void on_epoch(const std::map<std::string, double>& row);
  void on_finish();

 private:
  bool enabled_;
  std::string dir_;
  std::string config_yaml_;
  tensorboard::EventWriter writer_;
};

}  // namespace grok

// A run's TensorBoard output, DIR/tensorboard/events.out.tfevents.*, as a metric sink
// (metric_sink.h): every history column but the epoch as a scalar per epoch (TensorBoard's step
// axis is the epoch, so runs of different batch sizes overlay), and the resolved config as text
// at step 0. A run resumed after epoch E continues in a new file that supersedes what older
// files hold after E; a run starting at epoch 0 replaces the directory's event files. Off with
// --no_tensorboard (the trainer then does not create it).
#pragma once

#include <filesystem>
#include <string>

#include "grokking/tensorboard/event_writer.h"
#include "grokking/train/metric_sink.h"

namespace grok {

inline constexpr const char* kTensorBoardDir = "tensorboard";

class TensorBoardSink : public MetricSink {
 public:
  TensorBoardSink(std::filesystem::path dir, std::string config_yaml);
  void on_start(const History& restored) override;
  void on_epoch(const EpochEnd& end) override;
  void on_finish(const nlohmann::ordered_json& summary) override;

 private:
  std::string dir_;
  std::string config_yaml_;
  tensorboard::EventWriter writer_;
};

}  // namespace grok

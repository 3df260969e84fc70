// What a training step minimises. The trainer runs the student's forward, hands the logits
// (and, through the model, its taps) to an Objective, which returns the batch's loss sums and
// writes d_logits and any tap gradients; the trainer then runs backward and the optimizer.
// Cross-entropy (training from labels) is one Objective; distillation (distill/) is another.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grokking/core/scratch.h"
#include "grokking/model/transformer.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/stage_config.h"

namespace grok {

struct ObjectiveSums {
  double loss = 0;                 // sum over the batch's examples of the total objective
  int64_t correct = 0;             // argmax == label
  std::vector<double> components;  // sums of each component_names() entry
};

class Objective {
 public:
  virtual ~Objective() = default;
  // Extra history columns (e.g. logit_loss), summed per batch and averaged per epoch.
  virtual std::vector<std::string> component_names() const { return {}; }
  // How much of the model's last layer the objective reads (taps on it).
  virtual LastLayer last_layer() const { return LastLayer::kTrimmed; }
  // Called after forward on `batch` examples, which are the whole step or one shard of a step
  // of `normaliser` examples (train/sharded_model.h). example_ids [B] index the training split;
  // labels [B]. Writes d_logits [B,C] = d(objective summed over these examples / normaliser)
  // /d logits, and may add into the model's tap gradients and into d_extra (extra_layout()'s
  // size; null when there is no extra_layout()). const: the shards of a step call it side by
  // side, each with its own model, d_logits, d_extra and scratch.
  virtual ObjectiveSums loss_and_gradient(Transformer<float>& model, const float* logits,
                                          const int32_t* labels, const int32_t* example_ids,
                                          int batch, int normaliser, float* d_logits,
                                          float* d_extra, Scratch<float>& scratch) const = 0;

  // Columns the objective also reports on the validation split, in validation_sums()'s order
  // (history: val_<name>, averaged over the split); none by default.
  virtual std::vector<std::string> validation_component_names() const { return {}; }
  // After an inference forward of the model (last_layer()'s taps) on validation examples
  // example_ids [B] (positions in the split), labels [B], logits [B,C]: their sums of each
  // validation component. No gradient. const: evaluation pieces call it side by side.
  virtual std::vector<double> validation_sums(Transformer<float>& /*model*/,
                                              const float* /*logits*/, const int32_t* /*labels*/,
                                              const int32_t* /*example_ids*/, int /*batch*/,
                                              Scratch<float>& /*scratch*/) const {
    return {};
  }

  // A multi-stage run (stage_config.h) entering `stage`, before its first step (and on resume,
  // before the checkpoint's step): the objective takes the stage's weights, keys it left out
  // keeping the run's. Called only when the run has stages.
  virtual void begin_stage(const StageConfig& /*stage*/) {}

  // Keys of its own for the run's summary.json (e.g. the teacher cache's size and time).
  virtual void add_summary(nlohmann::ordered_json& /*summary*/) const {}

  // Trainable parameters the objective owns besides the model's (e.g. feature projectors):
  // null if none. A step adds their gradient into extra_grads() (the sharded model sums its
  // shards' d_extra there); the trainer optimises them with the model's optimizer settings,
  // zeroes extra_grads() after each step and checkpoints them with the model under the prefix
  // "projectors.".
  virtual const TensorLayout* extra_layout() const { return nullptr; }
  virtual float* extra_params() { return nullptr; }
  virtual float* extra_grads() { return nullptr; }
};

// Mean cross-entropy against the labels (REFERENCE.md §3), with the loss of --loss
// (cross_entropy.h). Its one component, softmax_collapse, is the fraction of the epoch's
// training examples whose correct-class gradient was exactly zero.
inline constexpr const char* kSoftmaxCollapseColumn = "softmax_collapse";

class CrossEntropyObjective : public Objective {
 public:
  explicit CrossEntropyObjective(int classes, Loss loss = Loss::kSoftmax)
      : classes_(classes), loss_(loss) {}
  std::vector<std::string> component_names() const override { return {kSoftmaxCollapseColumn}; }
  ObjectiveSums loss_and_gradient(Transformer<float>& model, const float* logits,
                                  const int32_t* labels, const int32_t* example_ids, int batch,
                                  int normaliser, float* d_logits, float* d_extra,
                                  Scratch<float>& scratch) const override;

 private:
  int classes_;
  Loss loss_;
};

}  // namespace grok

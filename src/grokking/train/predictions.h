// A trained model's logits and predicted classes on a split of its task (grokking predict),
// computed on the evaluation path (ShardedModel::evaluate, inference mode), so they are the
// numbers the run's validation reports; and writing them for NumPy and JAX users.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grokking/train/model_loader.h"

namespace grok {

enum class PredictSplit { kTrain, kVal, kAll };             // kAll: train rows first, then val
PredictSplit parse_predict_split(const std::string& text);  // UsageError naming --split
std::string to_string(PredictSplit split);

struct Predictions {
  int examples = 0, seq_len = 0, classes = 0;
  std::vector<int32_t> tokens;       // [N,T] the split's rows, in split order
  std::vector<int32_t> labels;       // [N]
  std::vector<float> logits;         // [N,C]
  std::vector<int32_t> predictions;  // [N] argmax of the logits (the first maximum, as NumPy)
  std::vector<uint8_t> correct;      // [N] 1 where prediction == label
  std::vector<uint8_t> is_val;       // [N] 0 for a training example, 1 for a validation one
  double loss = 0;                   // mean cross-entropy
  int64_t correct_count = 0;
  nlohmann::json info;  // split, model config, task, checkpoint, step, epoch, loss, accuracy
};

// batch_size: examples per forward pass (as train's eval_batch_size).
Predictions predict(const LoadedModel& model, PredictSplit split, int batch_size);

// `out` ending in .safetensors: one file with tensors tokens (I32 [N,T]), labels, predictions
// (I32 [N]), logits (F32 [N,C]), correct and is_val (U8 [N]), and `info` as __metadata__
// (JSON text per key). Any other `out`: a directory of tokens.npy, labels.npy, ... and
// predict.json (`info`). Files are replaced atomically.
void write_predictions(const Predictions& predictions, const std::filesystem::path& out);

}  // namespace grok

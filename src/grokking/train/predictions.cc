#include "grokking/train/predictions.h"

#include <fmt/format.h>

#include <algorithm>

#include "grokking/checkpoint/npy.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/threads.h"
#include "grokking/data/dataset.h"
#include "grokking/train/sharded_model.h"

namespace grok {
namespace fs = std::filesystem;

PredictSplit parse_predict_split(const std::string& text) {
  if (text == "train") return PredictSplit::kTrain;
  if (text == "val") return PredictSplit::kVal;
  if (text == "all") return PredictSplit::kAll;
  throw UsageError(fmt::format("split: '{}' is not a split; use train, val or all", text));
}

std::string to_string(PredictSplit split) {
  switch (split) {
    case PredictSplit::kTrain:
      return "train";
    case PredictSplit::kVal:
      return "val";
    case PredictSplit::kAll:
      return "all";
  }
  return "";
}

namespace {

// The examples of `split`, and which of them are validation examples.
Dataset split_examples(const Split& s, PredictSplit split, std::vector<uint8_t>* is_val) {
  Dataset data;
  for (const bool val : {false, true}) {
    if ((val && split == PredictSplit::kTrain) || (!val && split == PredictSplit::kVal)) continue;
    const Dataset& part = val ? s.val : s.train;
    data.tokens.insert(data.tokens.end(), part.tokens.begin(), part.tokens.end());
    data.labels.insert(data.labels.end(), part.labels.begin(), part.labels.end());
    data.a.insert(data.a.end(), part.a.begin(), part.a.end());
    data.b.insert(data.b.end(), part.b.begin(), part.b.end());
    is_val->insert(is_val->end(), part.size(), val ? 1 : 0);
  }
  return data;
}

}  // namespace

Predictions predict(const LoadedModel& model, PredictSplit split, int batch_size) {
  GROK_CHECK(batch_size >= 1, "batch_size {}", batch_size);
  const ModelConfig& config = model.config;
  Predictions out;
  const Dataset data = split_examples(make_split(model.task), split, &out.is_val);
  out.examples = data.size();
  out.seq_len = config.seq_len;
  out.classes = config.n_classes;
  out.tokens = data.tokens;
  out.labels = data.labels;
  out.logits.assign(static_cast<std::size_t>(out.examples) * out.classes, 0.0f);
  if (out.examples > 0) {
    const int chunk = std::min(batch_size, out.examples);
    ShardedModel sharded(config, chunk, shard_count(num_threads(), chunk));
    const LossSum sum = sharded.evaluate(model.params.data(), data, chunk, out.logits.data());
    out.loss = sum.loss / out.examples;
  }
  out.predictions.resize(out.examples);
  out.correct.resize(out.examples);
  for (int i = 0; i < out.examples; ++i) {
    const float* z = out.logits.data() + static_cast<int64_t>(i) * out.classes;
    out.predictions[i] = static_cast<int32_t>(std::max_element(z, z + out.classes) - z);
    out.correct[i] = out.predictions[i] == out.labels[i];
    out.correct_count += out.correct[i];
  }
  out.info = {
      {"split", to_string(split)},
      {"examples", out.examples},
      {"loss", out.loss},
      {"accuracy", out.examples ? static_cast<double>(out.correct_count) / out.examples : 0.0},
      {"correct", out.correct_count},
      {"checkpoint", model.step_dir.string()},
      {"step", model.step},
      {"epoch", model.epoch},
      {"config", model_config_json(config)},
      {"task", to_json(model.task)}};
  return out;
}

void write_predictions(const Predictions& p, const fs::path& out) {
  const int64_t n = p.examples;
  const std::vector<SafeTensorView> views = {make_view("tokens", {n, p.seq_len}, p.tokens.data()),
                                             make_view("labels", {n}, p.labels.data()),
                                             make_view("logits", {n, p.classes}, p.logits.data()),
                                             make_view("predictions", {n}, p.predictions.data()),
                                             make_view("correct", {n}, p.correct.data()),
                                             make_view("is_val", {n}, p.is_val.data())};
  if (out.extension() == ".safetensors") {
    std::map<std::string, std::string> metadata;
    for (const auto& [key, value] : p.info.items())
      metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
    write_safetensors(out, views, metadata);
    return;
  }
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw Error(fmt::format("cannot create {}: {}", out.string(), ec.message()));
  for (const SafeTensorView& v : views)
    write_file_atomic(out / (v.name + ".npy"), encode_npy(v.dtype, v.shape, v.bytes));
  write_file_atomic(out / "predict.json", p.info.dump(2) + "\n");
}

}  // namespace grok

// Loading a trained model for downstream jobs (distillation, analysis, inspect): the model's
// shape, its task and its weights from a run directory, a checkpoint directory or one step
// directory. Tensors a model does not own (e.g. a distilled student's projectors) are ignored.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "grokking/core/tensor.h"
#include "grokking/data/task_config.h"
#include "grokking/model/model_config.h"

namespace grok {

struct LoadedModel {
  ModelConfig config;
  TaskConfig task;  // p, operation, train_fraction and split seed of its training split
  TensorLayout layout;
  Buffer<float> params;  // layout.total_size() floats
  std::filesystem::path step_dir;
  int64_t step = 0;
  int64_t epoch = 0;
  nlohmann::json metadata;  // the checkpoint directory's metadata.json
};

// grok::Error naming the path and the problem if nothing valid is found or the files do not
// describe a model.
LoadedModel load_model(const std::filesystem::path& path);

// metadata.json's "config" section: the reference's TransformerConfig fields (depth, dim,
// heads, n_tokens, seq_len, dropout, pool), so that the reference's TransformerConfig(**config)
// accepts it, and n_classes and rope_base only where they differ from their defaults.
nlohmann::json model_config_json(const ModelConfig& config);
// `config` (a "config" section) with the optional keys a reference checkpoint lacks filled in
// with their defaults: n_classes = n_tokens, seq_len = 4, rope_base = 1e6. The loader and the
// resume check both read configs through it, so absent and default compare equal.
nlohmann::json model_config_with_defaults(const nlohmann::json& config);
// The model and task sections of checkpoint metadata (the inverses of model_config_json and
// to_json(TaskConfig)).
ModelConfig model_config_from_metadata(const nlohmann::json& metadata, const std::string& source);
TaskConfig task_config_from_metadata(const nlohmann::json& metadata, const std::string& source);

}  // namespace grok

#include "grokking/train/model_loader.h"

#include <fmt/format.h>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/error.h"

namespace grok {

namespace {
constexpr int kDefaultSeqLen = 4;
constexpr double kDefaultRopeBase = 1e6;
}  // namespace

nlohmann::json model_config_json(const ModelConfig& m) {
  nlohmann::json c = {{"depth", m.depth},         {"dim", m.dim},         {"heads", m.heads},
                      {"n_tokens", m.vocab_size}, {"seq_len", m.seq_len}, {"dropout", m.dropout},
                      {"pool", to_string(m.pool)}};
  if (m.n_classes != m.vocab_size) c["n_classes"] = m.n_classes;
  if (m.rope_base != kDefaultRopeBase) c["rope_base"] = m.rope_base;
  return c;
}

nlohmann::json model_config_with_defaults(const nlohmann::json& config) {
  nlohmann::json c = config;
  if (!c.is_object()) return c;
  if (!c.contains("n_classes") && c.contains("n_tokens")) c["n_classes"] = c["n_tokens"];
  if (!c.contains("seq_len")) c["seq_len"] = kDefaultSeqLen;
  if (!c.contains("rope_base")) c["rope_base"] = kDefaultRopeBase;
  return c;
}

nlohmann::json task_json(const TaskConfig& task) {
  return {{"p", task.p},
          {"operation", to_string(task.operation)},
          {"train_fraction", task.train_fraction},
          {"split_seed", task.effective_split_seed()}};
}

ModelConfig model_config_from_metadata(const nlohmann::json& metadata, const std::string& source) {
  ModelConfig config;
  try {
    const nlohmann::json c = model_config_with_defaults(metadata.at("config"));
    config.depth = c.at("depth").get<int>();
    config.dim = c.at("dim").get<int>();
    config.heads = c.at("heads").get<int>();
    config.vocab_size = c.at("n_tokens").get<int>();
    config.n_classes = c.at("n_classes").get<int>();
    config.seq_len = c.at("seq_len").get<int>();
    config.dropout = c.at("dropout").get<double>();
    config.pool = parse_pool(c.at("pool").get<std::string>());
    config.rope_base = c.at("rope_base").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: missing or invalid model config ({})", source, e.what()));
  }
  config.validate();
  return config;
}

TaskConfig task_config_from_metadata(const nlohmann::json& metadata, const std::string& source) {
  TaskConfig task;
  try {
    const auto& t = metadata.at("task");
    task.p = t.at("p").get<int>();
    task.operation = parse_operation(t.at("operation").get<std::string>());
    task.train_fraction = t.at("train_fraction").get<double>();
    // task.seed is the split's seed, which may differ from the run's own seed (a distilled
    // student keeps its teacher's split; a control may be paired with another split).
    const auto distillation = metadata.find("distillation");
    if (t.contains("split_seed")) {
      task.seed = t.at("split_seed").get<uint64_t>();
    } else if (distillation != metadata.end() && distillation->contains("split_seed")) {
      task.seed = distillation->at("split_seed").get<uint64_t>();
    } else {
      task.seed = metadata.at("seed").get<uint64_t>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: missing or invalid task ({})", source, e.what()));
  }
  task.validate();
  return task;
}

LoadedModel load_model(const std::filesystem::path& path) {
  const ResolvedCheckpoint resolved = resolve_checkpoint(path);
  LoadedModel model;
  const auto metadata_path = resolved.checkpoint_dir / std::string(kMetadataFile);
  const CheckpointManager manager(resolved.checkpoint_dir);
  const auto metadata = manager.read_metadata();
  if (!metadata) throw Error(fmt::format("{}: missing", metadata_path.string()));
  model.metadata = *metadata;
  model.config = model_config_from_metadata(*metadata, metadata_path.string());
  model.task = task_config_from_metadata(*metadata, metadata_path.string());
  model.layout = param_layout(model.config);
  model.params.assign(model.layout.total_size(), 0.0f);
  const CheckpointContents contents = load_checkpoint(resolved.step_dir);
  load_layout(contents.model, model.layout, model.params.data());
  model.step_dir = resolved.step_dir;
  model.step = contents.step;
  model.epoch = contents.epoch;
  return model;
}

}  // namespace grok

#include "grokking/train/model_loader.h"

#include <fmt/format.h>

#include "grokking/checkpoint/checkpoint_manager.h"
#include "grokking/checkpoint/tensor_io.h"
#include "grokking/core/error.h"

namespace grok {

nlohmann::json model_config_json(const ModelConfig& m) {
  nlohmann::json c = to_json(m);
  const ModelConfig defaults;
  if (m.n_classes == m.vocab_size) c.erase("n_classes");
  if (m.rope_base == defaults.rope_base) c.erase("rope_base");
  return c;
}

nlohmann::json model_config_with_defaults(const nlohmann::json& config) {
  nlohmann::json c = config;
  if (!c.is_object()) return c;
  const ModelConfig defaults;
  if (!c.contains("n_classes") && c.contains("n_tokens")) c["n_classes"] = c["n_tokens"];
  if (!c.contains("seq_len")) c["seq_len"] = defaults.seq_len;
  if (!c.contains("rope_base")) c["rope_base"] = defaults.rope_base;
  return c;
}

ModelConfig model_config_from_metadata(const nlohmann::json& metadata, const std::string& source) {
  if (!metadata.is_object() || !metadata.contains("config"))
    throw Error(fmt::format("{}: missing or invalid model config (no \"config\" section)", source));
  ModelConfig config;
  from_json(model_config_with_defaults(metadata.at("config")), config, source + " config");
  config.validate();
  return config;
}

TaskConfig task_config_from_metadata(const nlohmann::json& metadata, const std::string& source) {
  if (!metadata.is_object() || !metadata.contains("task") || !metadata.at("task").is_object())
    throw Error(fmt::format("{}: missing or invalid task (no \"task\" section)", source));
  nlohmann::json t = metadata.at("task");
  // The split's seed may differ from the run's own seed (a distilled student keeps its
  // teacher's split; a control may be paired with another split). Files that predate
  // task.split_seed recorded it in distillation.split_seed, or not at all (the run's seed).
  if (!t.contains("split_seed")) {
    const auto distillation = metadata.find("distillation");
    if (distillation != metadata.end() && distillation->contains("split_seed"))
      t["split_seed"] = distillation->at("split_seed");
    else if (metadata.contains("seed"))
      t["split_seed"] = metadata.at("seed");
  }
  TaskConfig task;
  from_json(t, task, source + " task");
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
  ModelConfig expected = model.config;
  apply_task_shape(Task(model.task), expected);
  if (!(expected == model.config))
    throw Error(
        fmt::format("{}: the model's vocabulary {}, classes {} and length {} do not fit "
                    "its task (p = {}: {}, {}, {})",
                    metadata_path.string(), model.config.vocab_size, model.config.n_classes,
                    model.config.seq_len, model.task.p, expected.vocab_size, expected.n_classes,
                    expected.seq_len));
  // metadata.json is untrusted: the tensors on disk must match its shape before the arena it
  // implies is allocated.
  model.layout = param_layout(model.config);
  const CheckpointContents contents = load_checkpoint(resolved.step_dir);
  check_layout(contents.model, model.layout);
  model.params.assign(model.layout.total_size(), 0.0f);
  load_layout(contents.model, model.layout, model.params.data());
  model.step_dir = resolved.step_dir;
  model.step = contents.step;
  model.epoch = contents.epoch;
  return model;
}

}  // namespace grok

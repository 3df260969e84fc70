#include "grokking/train/stage_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "grokking/core/error.h"
#include "grokking/core/options.h"
#include "grokking/core/schema.h"

namespace grok {
namespace {

// The trainer's keys of a stage, in the order they are written.
const std::vector<std::string>& trainer_keys() {
  static const std::vector<std::string> keys = {"name",         "epochs",       "learning_rate",
                                                "warmup_steps", "param_groups", "reset_optimizer"};
  return keys;
}

std::string allowed_keys(const std::vector<std::string>& weight_keys) {
  std::string text;
  for (const auto& k : trainer_keys()) text += (text.empty() ? "" : ", ") + k;
  for (const auto& k : weight_keys) text += ", " + k;
  return text;
}

constexpr const char* kAllowed =
    "a mapping {name: S, epochs: N, learning_rate: LR, warmup_steps: W, param_groups: [...], "
    "reset_optimizer: true|false} plus the objective's weights (distill: alpha, temperature, "
    "attention_weight, feature_weight); name and epochs required";

[[noreturn]] void bad_stage(const std::string& key, const std::string& text,
                            const std::string& problem) {
  throw UsageError(fmt::format("{}: {} in '{}'; allowed: {}", key, problem, text, kAllowed));
}

// The stage of a JSON object (fields already typed), as either reader has it.
StageConfig stage_from_object(const nlohmann::json& j, const std::string& key,
                              const std::string& text) {
  if (!j.is_object()) bad_stage(key, text, "not a mapping");
  StageConfig stage;
  bool has_name = false, has_epochs = false;
  std::string current;  // the field being read, for the message
  try {
    for (const auto& [field, value] : j.items()) {
      current = field;
      if (field == "name") {
        stage.name = Codec<std::string>::from_json(value);
        has_name = true;
      } else if (field == "epochs") {
        stage.epochs = Codec<int>::from_json(value);
        has_epochs = true;
      } else if (field == "learning_rate") {
        stage.learning_rate = Codec<double>::from_json(value);
      } else if (field == "warmup_steps") {
        stage.warmup_steps = Codec<int64_t>::from_json(value);
      } else if (field == "param_groups") {
        stage.param_groups = Codec<std::vector<ParamGroupRule>>::from_json(value);
      } else if (field == "reset_optimizer") {
        stage.reset_optimizer = Codec<bool>::from_json(value);
      } else if (value.is_number()) {
        stage.weights[field] = value.get<double>();
      } else {
        bad_stage(key, text,
                  fmt::format("unknown key '{}' (an objective weight is a number)", field));
      }
    }
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {  // a value of the wrong type
    bad_stage(key, text, fmt::format("'{}': {}", current, e.what()));
  }
  if (!has_name) bad_stage(key, text, "no name");
  if (!has_epochs) bad_stage(key, text, "no epochs");
  return stage;
}

}  // namespace

StageConfig parse_stage(const std::string& text, const std::string& key) {
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    bad_stage(key, text, fmt::format("invalid YAML ({})", e.msg));
  }
  if (!node.IsMap()) bad_stage(key, text, "not a mapping");
  // The values typed as JSON, each read by its own key's codec.
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) bad_stage(key, text, "keys must be plain names");
    const std::string field = entry.first.as<std::string>();
    if (fields.contains(field)) bad_stage(key, text, fmt::format("key '{}' is given twice", field));
    const std::string where = key + " " + field;
    if (field == "param_groups") {
      if (!entry.second.IsSequence()) bad_stage(key, text, "param_groups must be a list of rules");
      nlohmann::json rules = nlohmann::json::array();
      for (const auto& item : entry.second) {
        YAML::Emitter flow;
        flow << YAML::Flow << item;
        rules.push_back(param_group_rule_json(parse_param_group_rule(flow.c_str(), where)));
      }
      fields[field] = rules;
      continue;
    }
    if (!entry.second.IsScalar())
      bad_stage(key, text, fmt::format("'{}' must be a single value", field));
    const std::string value = entry.second.as<std::string>();
    if (field == "name")
      fields[field] = Codec<std::string>::parse(value, where);
    else if (field == "epochs" || field == "warmup_steps")
      fields[field] = Codec<int64_t>::parse(value, where);
    else if (field == "reset_optimizer")
      fields[field] = Codec<bool>::parse(value, where);
    else if (field == "learning_rate")
      fields[field] = Codec<double>::parse(value, where);
    else
      try {
        fields[field] = Codec<double>::parse(value, where);
      } catch (const UsageError&) {
        bad_stage(key, text,
                  fmt::format("unknown key '{}' (an objective weight is a number, not '{}')", field,
                              value));
      }
  }
  return stage_from_object(fields, key, text);
}

StageConfig stage_from_json(const nlohmann::json& j) {
  return stage_from_object(j, "stages", j.dump());
}

std::string stage_yaml(const StageConfig& s) {
  std::string text = fmt::format("{{name: {}, epochs: {}", yaml_flow_item(s.name), s.epochs);
  if (s.learning_rate) text += ", learning_rate: " + format_double(*s.learning_rate);
  if (s.warmup_steps) text += fmt::format(", warmup_steps: {}", *s.warmup_steps);
  if (s.param_groups)
    text += ", param_groups: " + Codec<std::vector<ParamGroupRule>>::yaml(*s.param_groups);
  text += fmt::format(", reset_optimizer: {}", s.reset_optimizer ? "true" : "false");
  for (const auto& [k, v] : s.weights) text += fmt::format(", {}: {}", k, format_double(v));
  return text + "}";
}

nlohmann::json stage_json(const StageConfig& s) {
  nlohmann::json j = {{"name", s.name}, {"epochs", s.epochs}};
  if (s.learning_rate) j["learning_rate"] = *s.learning_rate;
  if (s.warmup_steps) j["warmup_steps"] = *s.warmup_steps;
  if (s.param_groups) j["param_groups"] = Codec<std::vector<ParamGroupRule>>::json(*s.param_groups);
  j["reset_optimizer"] = s.reset_optimizer;
  for (const auto& [k, v] : s.weights) j[k] = v;
  return j;
}

void check_stages(const std::vector<StageConfig>& stages, const OptimizerConfig& optimizer,
                  const std::vector<std::string>& weight_keys, const std::string& prefix) {
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const StageConfig& s = stages[i];
    const std::string at = fmt::format("{}stages[{}]", prefix, i);
    if (s.name.empty())
      throw UsageError(fmt::format("{}.name: empty; allowed: a non-empty name, unique", at));
    for (std::size_t j = 0; j < i; ++j)
      if (stages[j].name == s.name)
        throw UsageError(
            fmt::format("{}.name: '{}' is also the name of stages[{}]; allowed: "
                        "unique names",
                        at, s.name, j));
    if (s.epochs < 1 || s.epochs > 10'000'000)
      throw UsageError(
          fmt::format("{}.epochs: {} is invalid for stage '{}'; allowed: an integer "
                      "in [1, 10000000]",
                      at, s.epochs, s.name));
    for (const auto& [key, value] : s.weights) {
      if (std::find(weight_keys.begin(), weight_keys.end(), key) != weight_keys.end()) continue;
      std::vector<std::string> names = trainer_keys();
      names.insert(names.end(), weight_keys.begin(), weight_keys.end());
      const std::string hint = closest_name(key, names);
      throw UsageError(fmt::format("{}: unknown key '{}' in stage '{}'{}; allowed: {}", at, key,
                                   s.name, hint.empty() ? "" : " (did you mean '" + hint + "'?)",
                                   allowed_keys(weight_keys)));
    }
    validate_fields(stage_optimizer(optimizer, s), at + ".");
  }
}

OptimizerConfig stage_optimizer(const OptimizerConfig& run, const StageConfig& stage) {
  OptimizerConfig config = run;
  if (stage.learning_rate) config.learning_rate = *stage.learning_rate;
  if (stage.warmup_steps) config.warmup_steps = *stage.warmup_steps;
  if (stage.param_groups) config.param_groups = *stage.param_groups;
  return config;
}

int64_t total_epochs(const std::vector<StageConfig>& stages) {
  int64_t sum = 0;
  for (const StageConfig& s : stages) sum += s.epochs;
  return sum;
}

}  // namespace grok

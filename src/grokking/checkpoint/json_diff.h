// Differences between two JSON documents by dotted key, used to refuse resuming a checkpoint
// written with another config, task or optimizer and to name exactly what differs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace grok {

// One differing key: its dotted path and the value on each side (nullopt where absent).
struct JsonDifference {
  std::string key;
  std::optional<nlohmann::json> left;
  std::optional<nlohmann::json> right;
};

// Recurses through objects (keys sorted); arrays and scalars compare as whole values, so a
// differing list is one key. `prefix` is prepended ("config" gives "config.dim"). Numbers
// compare by value across integer/float representations (3 == 3.0).
std::vector<JsonDifference> json_differences(const nlohmann::json& left,
                                             const nlohmann::json& right,
                                             const std::string& prefix = "");

// Just the keys of json_differences.
std::vector<std::string> json_diff_keys(const nlohmann::json& left, const nlohmann::json& right,
                                        const std::string& prefix = "");

// "config.dim: 128 vs 64; task.p: absent vs 97".
std::string describe_differences(const std::vector<JsonDifference>& differences);

// The sections of checkpoint metadata that must match to resume.
inline const std::vector<std::string> kResumeSections = {"config", "task", "optimizer", "seed"};

// json_differences of each top-level section of two metadata documents (a section missing on
// one side counts as absent), keys prefixed by the section name.
std::vector<JsonDifference> metadata_differences(
    const nlohmann::json& saved, const nlohmann::json& current,
    const std::vector<std::string>& sections = kResumeSections);

}  // namespace grok

#include "grokking/checkpoint/json_diff.h"

#include <set>

namespace grok {
namespace {

std::string join_key(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

void collect(const nlohmann::json* left, const nlohmann::json* right, const std::string& key,
             std::vector<JsonDifference>* out) {
  if (left != nullptr && right != nullptr && left->is_object() && right->is_object()) {
    std::set<std::string> keys;
    for (const auto& item : left->items()) keys.insert(item.key());
    for (const auto& item : right->items()) keys.insert(item.key());
    for (const auto& k : keys) {
      const auto l = left->find(k);
      const auto r = right->find(k);
      collect(l == left->end() ? nullptr : &*l, r == right->end() ? nullptr : &*r, join_key(key, k),
              out);
    }
    return;
  }
  if (left != nullptr && right != nullptr && *left == *right) return;
  JsonDifference difference{key, std::nullopt, std::nullopt};
  if (left != nullptr) difference.left = *left;
  if (right != nullptr) difference.right = *right;
  out->push_back(std::move(difference));
}

}  // namespace

std::vector<JsonDifference> json_differences(const nlohmann::json& left,
                                             const nlohmann::json& right,
                                             const std::string& prefix) {
  std::vector<JsonDifference> out;
  collect(&left, &right, prefix, &out);
  return out;
}

std::vector<std::string> json_diff_keys(const nlohmann::json& left, const nlohmann::json& right,
                                        const std::string& prefix) {
  std::vector<std::string> keys;
  for (const auto& difference : json_differences(left, right, prefix))
    keys.push_back(difference.key);
  return keys;
}

std::string describe_differences(const std::vector<JsonDifference>& differences) {
  std::string text;
  for (const auto& d : differences) {
    if (!text.empty()) text += "; ";
    text += (d.key.empty() ? std::string("(root)") : d.key) + ": " +
            (d.left ? d.left->dump() : "absent") + " vs " + (d.right ? d.right->dump() : "absent");
  }
  return text;
}

std::vector<JsonDifference> metadata_differences(const nlohmann::json& saved,
                                                 const nlohmann::json& current,
                                                 const std::vector<std::string>& sections) {
  std::vector<JsonDifference> out;
  for (const auto& section : sections) {
    const auto l = saved.is_object() ? saved.find(section) : saved.end();
    const auto r = current.is_object() ? current.find(section) : current.end();
    const nlohmann::json* left = saved.is_object() && l != saved.end() ? &*l : nullptr;
    const nlohmann::json* right = current.is_object() && r != current.end() ? &*r : nullptr;
    if (left == nullptr && right == nullptr) continue;
    collect(left, right, section, &out);
  }
  return out;
}

}  // namespace grok

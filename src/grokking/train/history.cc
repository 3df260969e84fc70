#include "grokking/train/history.h"

#include <algorithm>
#include <limits>

#include "grokking/core/error.h"

namespace grok {
namespace {
bool is_integer_column(const std::string& name) { return name == "step" || name == "epoch"; }
}  // namespace

History::History(std::vector<std::string> columns)
    : columns_(std::move(columns)), values_(columns_.size()) {}

void History::append(const std::map<std::string, double>& row) {
  GROK_CHECK(row.size() == columns_.size(), "history row has {} values for {} columns", row.size(),
             columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto it = row.find(columns_[i]);
    GROK_CHECK(it != row.end(), "history row lacks column {}", columns_[i]);
    values_[i].push_back(it->second);
  }
}

const std::vector<double>& History::column(const std::string& name) const {
  const auto it = std::find(columns_.begin(), columns_.end(), name);
  GROK_CHECK(it != columns_.end(), "history has no column {}", name);
  return values_[it - columns_.begin()];
}

void History::truncate_to_epoch(int64_t epoch) {
  const auto& epochs = column("epoch");
  std::size_t keep = 0;
  while (keep < epochs.size() && epochs[keep] <= static_cast<double>(epoch)) ++keep;
  for (auto& values : values_) values.resize(keep);
}

nlohmann::ordered_json History::to_json() const {
  nlohmann::ordered_json json;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (is_integer_column(columns_[i])) {
      std::vector<int64_t> ints(values_[i].begin(), values_[i].end());
      json[columns_[i]] = ints;
    } else {
      json[columns_[i]] = values_[i];
    }
  }
  return json;
}

History History::from_json(const nlohmann::json& json, std::vector<std::string> columns,
                           const std::string& source, const std::vector<std::string>& may_lack) {
  History history(std::move(columns));
  std::size_t length = 0;
  for (std::size_t i = 0; i < history.columns_.size(); ++i) {
    const auto& name = history.columns_[i];
    const bool optional = std::find(may_lack.begin(), may_lack.end(), name) != may_lack.end();
    if (optional && !json.contains(name)) {
      history.values_[i].assign(length, std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    if (!json.contains(name) || !json[name].is_array())
      throw Error(source + ": history lacks the list '" + name + "'");
    for (const auto& v : json[name]) {
      if (optional && v.is_null()) {
        history.values_[i].push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      if (!v.is_number()) throw Error(source + ": non-numeric value in '" + name + "'");
      history.values_[i].push_back(v.get<double>());
    }
    if (i == 0) length = history.values_[i].size();
    if (history.values_[i].size() != length)
      throw Error(source + ": history lists have different lengths");
  }
  return history;
}

}  // namespace grok

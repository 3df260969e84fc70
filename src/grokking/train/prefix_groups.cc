#include "grokking/train/prefix_groups.h"

#include <map>

#include "grokking/core/error.h"

namespace grok {
namespace {

// Groups by tokens [0, length) of each row; stops (returns false) past max_groups.
bool try_group(const std::vector<int32_t>& tokens, int seq_len, int length, int max_groups,
               PrefixGroups& groups) {
  const int n = static_cast<int>(tokens.size() / seq_len);
  std::map<std::vector<int32_t>, int32_t> ids;
  groups = {length, {}, std::vector<int32_t>(n)};
  for (int i = 0; i < n; ++i) {
    const auto row = tokens.begin() + int64_t{i} * seq_len;
    const auto [it, added] =
        ids.try_emplace(std::vector<int32_t>(row, row + length), static_cast<int32_t>(ids.size()));
    if (added) {
      if (static_cast<int>(ids.size()) > max_groups) return false;
      groups.first_example.push_back(i);
    }
    groups.index[i] = it->second;
  }
  return true;
}

}  // namespace

PrefixGroups group_by_prefix(const std::vector<int32_t>& tokens, int seq_len) {
  GROK_CHECK(seq_len > 0 && tokens.size() % seq_len == 0, "{} tokens in rows of {}", tokens.size(),
             seq_len);
  const int max_groups = static_cast<int>(tokens.size() / seq_len) / kMinExamplesPerPrefix;
  PrefixGroups groups;
  for (int length = seq_len - 1; length >= 1; --length)
    if (try_group(tokens, seq_len, length, max_groups, groups)) return groups;
  return {};
}

}  // namespace grok

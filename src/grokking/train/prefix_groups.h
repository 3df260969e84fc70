// Examples grouped by their leading tokens, so that evaluation runs each distinct prefix once
// (Transformer::forward_after_prefix): in a causal model, positions [0, P) depend only on
// tokens [0, P). In this project's data every example starts [a, op], so P = 2 and the first
// half of every sequence is shared by the ~N/p examples with the same a. Not the evaluation
// itself (sharded_model.h).
#pragma once

#include <cstdint>
#include <vector>

namespace grok {

// Grouping pays when there are at least this many examples per distinct prefix.
inline constexpr int kMinExamplesPerPrefix = 8;

struct PrefixGroups {
  int length = 0;                      // P; 0: no prefix is shared enough
  std::vector<int32_t> first_example;  // [G]: the first example with prefix g
  std::vector<int32_t> index;          // [N]: the prefix of each example, in [0, G)
};

// tokens [N, T]. The longest P < T with at most N / kMinExamplesPerPrefix distinct prefixes;
// groups numbered in order of first appearance.
PrefixGroups group_by_prefix(const std::vector<int32_t>& tokens, int seq_len);

}  // namespace grok

// The teacher's k largest logits of one example, and the logsumexp of all of them: what the
// offline teacher-logits file stores (teacher_logits_file.h) and what top-k distillation
// selects. Order: descending value, ties broken by the lower class index, so the selection is
// a pure function of the logits. Not the reconstruction of a distribution from them
// (topk_reconstruction.h).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace grok {

// True if class a comes before class b in top-k order (logits finite).
template <typename S>
bool top_k_before(const S* logits, int32_t a, int32_t b) {
  return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
}

// The k (1 <= k <= classes) largest of logits [C] in top-k order: order [C] receives every
// class, its first k the chosen ones (the rest unspecified).
template <typename S>
void top_k_order(const S* logits, int classes, int k, int32_t* order) {
  std::iota(order, order + classes, 0);
  std::partial_sort(order, order + k, order + classes,
                    [logits](int32_t a, int32_t b) { return top_k_before(logits, a, b); });
}

// The same as values [k] and class indices [k]. order is the caller's scratch.
template <typename S>
void select_top_k(const S* logits, int classes, int k, S* values, int32_t* indices,
                  std::vector<int32_t>& order) {
  order.resize(static_cast<std::size_t>(classes));
  top_k_order(logits, classes, k, order.data());
  for (int i = 0; i < k; ++i) {
    indices[i] = order[static_cast<std::size_t>(i)];
    values[i] = logits[indices[i]];
  }
}

// log Σ_c exp(logits[c]) over [C], in double with the maximum taken out (no overflow).
template <typename S>
double log_sum_exp(const S* logits, int classes) {
  double max = logits[0];
  for (int c = 1; c < classes; ++c) max = std::max<double>(max, logits[c]);
  double sum = 0;
  for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(logits[c]) - max);
  return max + std::log(sum);
}

}  // namespace grok

#include "grokking/analysis/attention_entropy.h"

#include <cmath>
#include <numbers>

#include "grokking/core/error.h"

namespace grok {
namespace {

template <typename S>
double entropy(const S* row, int keys) {
  double sum = 0;
  for (int k = 0; k < keys; ++k) {
    const double a = static_cast<double>(row[k]);
    sum -= a * std::log(a + kEntropyEpsilon);
  }
  return sum;
}

}  // namespace

double row_entropy_nats(const float* row, int keys) { return entropy(row, keys); }
double row_entropy_nats(const double* row, int keys) { return entropy(row, keys); }

AttentionEntropy::AttentionEntropy(int heads, int seq_len)
    : heads_(heads), seq_len_(seq_len), sums_(static_cast<std::size_t>(heads) * seq_len, 0.0) {
  GROK_CHECK(heads > 0 && seq_len > 0, "heads {}, seq_len {}", heads, seq_len);
}

void AttentionEntropy::add(const float* probs, int batch) { add_maps(probs, batch); }
void AttentionEntropy::add(const double* probs, int batch) { add_maps(probs, batch); }

template <typename S>
void AttentionEntropy::add_maps(const S* probs, int batch) {
  const int64_t t = seq_len_;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads_; ++h)
      for (int64_t q = 0; q < t; ++q)
        sums_[h * t + q] += entropy(probs + ((b * heads_ + h) * t + q) * t, seq_len_);
  examples_ += batch;
}

AttentionEntropyResult AttentionEntropy::result() const {
  AttentionEntropyResult r;
  r.per_position_nats.assign(seq_len_, 0.0);
  r.per_head_nats.assign(heads_, 0.0);
  if (examples_ == 0) return r;
  const double n = static_cast<double>(examples_);
  double total = 0;
  for (int h = 0; h < heads_; ++h)
    for (int q = 0; q < seq_len_; ++q) {
      const double s = sums_[static_cast<std::size_t>(h) * seq_len_ + q];
      total += s;
      r.per_position_nats[q] += s / (n * heads_);
      r.per_head_nats[h] += s / (n * seq_len_);
    }
  r.mean_nats = total / (n * heads_ * seq_len_);
  r.mean_bits = r.mean_nats / std::numbers::ln2;
  for (const double v : r.per_position_nats) r.per_position_bits.push_back(v / std::numbers::ln2);
  return r;
}

}  // namespace grok

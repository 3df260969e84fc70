// Attention entropy of one layer (REFERENCE.md §7): for each query row of a probability map
// a [B,H,T,T], H(row) = −Σ_k a_k·ln(a_k + 1e−10), averaged over examples, heads and query
// rows. In nats, and in bits (÷ ln 2) — the reference reports nats under the name "bits"
// (**fix**). With a causal mask, query row i can spread over i+1 keys, so for T = 4 the mean is
// at most (ln 1 + ln 2 + ln 3 + ln 4)/4 = 0.7945 nats; per query position it is at most ln(i+1).
#pragma once

#include <cstdint>
#include <vector>

namespace grok {

inline constexpr double kEntropyEpsilon = 1e-10;

// −Σ a·ln(a + 1e−10) over one row of `keys` probabilities, in nats.
double row_entropy_nats(const float* row, int keys);
double row_entropy_nats(const double* row, int keys);

struct AttentionEntropyResult {
  double mean_nats = 0;
  double mean_bits = 0;
  std::vector<double> per_position_nats;  // [T] query position, averaged over examples, heads
  std::vector<double> per_position_bits;  // [T]
  std::vector<double> per_head_nats;      // [H] averaged over examples and query rows
};

// Accumulates one layer's maps over chunks of examples.
class AttentionEntropy {
 public:
  AttentionEntropy(int heads, int seq_len);
  void add(const float* probs, int batch);  // probs [batch,H,T,T]
  void add(const double* probs, int batch);
  int64_t examples() const { return examples_; }
  AttentionEntropyResult result() const;

 private:
  template <typename S>
  void add_maps(const S* probs, int batch);
  int heads_, seq_len_;
  int64_t examples_ = 0;
  std::vector<double> sums_;  // [H,T] Σ over examples of the row entropy
};

}  // namespace grok

// Cross-entropy over classes, fused with its gradient, the accuracy count and the softmax-
// collapse count, for three losses (--loss):
//   softmax    −log softmax(z)[y], in float as the reference computes it;
//   softmax64  the same with the logits cast to double, so that 1 − p_y underflows far later;
//   stablemax  −log (s(z_y) / Σ_c s(z_c)) with s(x) = x + 1 for x ≥ 0, 1/(1 − x) for x < 0
//              (Prieto et al. 2025, "Grokking at the Edge of Numerical Stability"), in double.
// Softmax collapse (Prieto et al. §3): an example whose correct-class gradient p_y − 1
// rounds to exactly zero in the loss's precision, so it no longer teaches anything.
#pragma once

#include <cstdint>
#include <string>

namespace grok {

enum class Loss { kSoftmax, kStableMax, kSoftmax64 };
Loss parse_loss(const std::string& text);  // softmax | stablemax | softmax64; UsageError
inline void from_string(const std::string& text, Loss& out) { out = parse_loss(text); }
std::string to_string(Loss loss);

struct LossSum {
  double loss = 0;        // sum over examples of the loss
  int64_t correct = 0;    // examples whose argmax (first maximum) equals the label
  int64_t collapsed = 0;  // examples whose correct-class gradient is exactly zero
};

// logits [B,C], labels [B]. If d_logits is not null, writes d(mean loss over `normaliser`
// examples)/d logits into it ([B,C]); for softmax (softmax(z) − onehot(label)) / normaliser.
LossSum cross_entropy(Loss loss, const float* logits, const int32_t* labels, int batch, int classes,
                      float* d_logits, double normaliser);

// cross_entropy(Loss::kSoftmax, …).
LossSum softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes,
                              float* d_logits, double normaliser);

// StableMax's s(x) and s'(x) (templates so that tests run them in double).
template <typename S>
S stablemax_s(S x) {
  return x >= S(0) ? x + S(1) : S(1) / (S(1) - x);
}
template <typename S>
S stablemax_ds(S x) {
  return x >= S(0) ? S(1) : S(1) / ((S(1) - x) * (S(1) - x));
}

}  // namespace grok

#include "grokking/distill/attention_strategy.h"

#include "grokking/distill/distill_math.h"

namespace grok {

template <typename S>
AttentionStrategy<S>::AttentionStrategy(const StrategyContext<S>& context)
    : student_(context.student) {}

template <typename S>
double AttentionStrategy<S>::add_loss_and_gradient(const StrategyBatch<S>& in, double weight,
                                                   S* d_logits, S* /*d_projectors*/,
                                                   Scratch<S>& /*scratch*/) const {
  const int layers = student_.depth;
  const int64_t map = int64_t{student_.heads} * student_.seq_len * student_.seq_len;
  // Per example: (1/L) Σ_l Σ (s − t)² / (H·T·T); the step mean divides by its size as well.
  const double per_example = 1.0 / (static_cast<double>(layers) * map);
  const double scale = weight * per_example / in.normaliser;
  double sum = 0;
  for (int l = 0; l < layers; ++l) {
    const S* probs = in.student.attention_probs(l);  // [B,H,T,T]
    S* d_probs = d_logits ? in.student.d_attention_probs(l) : nullptr;
    for (int b = 0; b < in.batch; ++b)
      sum += squared_error(probs + b * map, in.teacher.attention(l, in.example_ids[b]), map, scale,
                           d_probs ? d_probs + b * map : nullptr);
  }
  return sum * per_example;
}

template class AttentionStrategy<float>;
template class AttentionStrategy<double>;

}  // namespace grok

// Attention transfer (REFERENCE.md §5): L_att = mean over layers of the MSE over all elements
// of the [B,H,T,T] attention probability maps (student vs teacher, layer l with layer l). Its
// gradient goes into the student's d_attention_probs(l). Needs equal depth and heads.
#pragma once

#include "grokking/distill/strategy.h"

namespace grok {

template <typename S>
class AttentionStrategy : public DistillStrategy<S> {
 public:
  explicit AttentionStrategy(const StrategyContext<S>& context);
  double add_loss_and_gradient(const StrategyBatch<S>& in, double weight, S* d_logits,
                               S* d_projectors, Scratch<S>& scratch) const override;

 private:
  ModelConfig student_;
};

}  // namespace grok

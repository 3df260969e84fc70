// Logit distillation (REFERENCE.md §5): L_logit = τ² · mean over the batch of
// KL(softmax(z_T/τ) ‖ softmax(z_S/τ)); its gradient goes into d_logits. With --distill_top_k k
// the KL runs over the teacher's k largest classes only, both softmaxes renormalised over them
// (top-k KD as Tunix defines it). Not the hard-label cross-entropy it is blended with (the
// objective adds that).
#pragma once

#include "grokking/distill/strategy.h"

namespace grok {

template <typename S>
class LogitStrategy : public DistillStrategy<S> {
 public:
  // τ: param "temperature"; k: settings.distill_top_k (0 or the class count: every class).
  explicit LogitStrategy(const StrategyContext<S>& context);
  double add_loss_and_gradient(const StrategyBatch<S>& in, double weight, S* d_logits,
                               S* d_projectors, Scratch<S>& scratch) const override;

 private:
  int classes_;
  int top_k_;  // 0: every class
  double temperature_;
};

}  // namespace grok

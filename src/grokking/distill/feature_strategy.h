// Feature projection (REFERENCE.md §5): L_feat = mean over the 2L+2 hidden states of
// MSE(student_h_k, P_k(teacher_h_k)) over all positions, P_k a bias-free Linear Dt → Ds
// (projectors.h) trained jointly. Gradients go into the student's d_hidden_state(k) and the
// projectors' gradients. Needs equal depth.
#pragma once

#include "grokking/distill/strategy.h"

namespace grok {

template <typename S>
class FeatureStrategy : public DistillStrategy<S> {
 public:
  explicit FeatureStrategy(const StrategyContext<S>& context);  // projectors from context.seed
  double add_loss_and_gradient(const StrategyBatch<S>& in, double weight, S* d_logits,
                               S* d_projectors, Scratch<S>& scratch) const override;
  Projectors<S>* projectors() override { return &projectors_; }

 private:
  ModelConfig student_;
  int teacher_dim_;
  Projectors<S> projectors_;
};

}  // namespace grok

// Logit distillation (REFERENCE.md §5): L_logit = τ² · mean over the batch of
// KL(softmax(z_T/τ) ‖ softmax(z_S/τ)); its gradient goes into d_logits. Not the hard-label
// cross-entropy it is blended with (the objective adds that).
#pragma once

#include "grokking/distill/strategy.h"

namespace grok {

template <typename S>
class LogitStrategy : public DistillStrategy<S> {
 public:
  explicit LogitStrategy(const StrategyContext<S>& context);  // τ: param "temperature"
  double add_loss_and_gradient(Transformer<S>& student, const S* logits, const int32_t* example_ids,
                               int batch, int normaliser, double weight, S* d_logits,
                               S* d_projectors, Scratch<S>& scratch) const override;

 private:
  const TeacherCache<S>& teacher_;
  double temperature_;
};

}  // namespace grok

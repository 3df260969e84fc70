#include "grokking/distill/feature_strategy.h"

#include <cstring>

#include "grokking/distill/distill_math.h"

namespace grok {

template <typename S>
FeatureStrategy<S>::FeatureStrategy(const StrategyContext<S>& context)
    : student_(context.student),
      teacher_dim_(context.teacher.config().dim),
      projectors_(context.student.hidden_state_count(), context.teacher.config().dim,
                  context.student.dim, context.seed) {}

template <typename S>
double FeatureStrategy<S>::add_loss_and_gradient(const StrategyBatch<S>& in, double weight,
                                                 S* d_logits, S* d_projectors,
                                                 Scratch<S>& scratch) const {
  const int states = student_.hidden_state_count(), t = student_.seq_len;
  const int dt = teacher_dim_, ds = student_.dim, rows = in.batch * t;
  const int64_t teacher_row = int64_t{t} * dt;
  // The caller's: the batch's teacher states [B,T,Dt] and the projections [B,T,Ds].
  S* gathered = scratch.values(0, static_cast<std::size_t>(rows) * dt);
  S* projected = scratch.values(1, static_cast<std::size_t>(rows) * ds);
  // Per example: (1/K) Σ_k Σ (h − P_k x)² / (T·Ds); the step mean divides by its size as well.
  const double per_example = 1.0 / (static_cast<double>(states) * t * ds);
  const double scale = weight * per_example / in.normaliser;
  double sum = 0;
  for (int k = 0; k < states; ++k) {
    for (int b = 0; b < in.batch; ++b)
      std::memcpy(gathered + b * teacher_row, in.teacher.hidden_state(k, in.example_ids[b]),
                  sizeof(S) * teacher_row);
    S* d_kernel =
        d_logits && d_projectors ? d_projectors + projectors_.layout().at(k).offset : nullptr;
    S* d_state = d_logits ? in.student.d_hidden_state(k) : nullptr;
    sum += projected_squared_error(in.student.hidden_state(k), gathered, projectors_.kernel(k),
                                   rows, dt, ds, scale, d_state, d_kernel, projected);
  }
  return sum * per_example;
}

template class FeatureStrategy<float>;
template class FeatureStrategy<double>;

}  // namespace grok

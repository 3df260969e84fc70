#include "grokking/distill/logit_strategy.h"

#include "grokking/core/error.h"
#include "grokking/distill/distill_math.h"

namespace grok {

template <typename S>
LogitStrategy<S>::LogitStrategy(const StrategyContext<S>& context)
    : classes_(context.teacher.config().n_classes),
      top_k_(context.settings.distill_top_k == classes_ ? 0 : context.settings.distill_top_k),
      temperature_(context.settings.param("temperature")) {
  GROK_CHECK(temperature_ > 0, "temperature {}", temperature_);
  GROK_CHECK(top_k_ >= 0 && top_k_ <= classes_, "distill_top_k {} of {} classes", top_k_, classes_);
}

template <typename S>
double LogitStrategy<S>::add_loss_and_gradient(const StrategyBatch<S>& in, double weight,
                                               S* d_logits, S* /*d_projectors*/,
                                               Scratch<S>& scratch) const {
  const int classes = classes_;
  const double scale = weight / in.normaliser;  // d(step mean)
  double* work = scratch.doubles(0, 2 * static_cast<std::size_t>(classes));
  int32_t* order = top_k_ ? scratch.ints(0, classes) : nullptr;
  S* gathered = top_k_ ? scratch.values(0, 3 * static_cast<std::size_t>(top_k_)) : nullptr;
  double sum = 0;
  for (int b = 0; b < in.batch; ++b) {
    const S* s = in.logits + int64_t{b} * classes;
    const S* t = in.teacher.logits(in.example_ids[b]);
    S* d_s = d_logits ? d_logits + int64_t{b} * classes : nullptr;
    sum += top_k_ ? top_k_distillation_kl(s, t, classes, top_k_, temperature_, scale, d_s, order,
                                          gathered, work)
                  : distillation_kl(s, t, classes, temperature_, scale, d_s, work);
  }
  return sum;
}

template class LogitStrategy<float>;
template class LogitStrategy<double>;

}  // namespace grok

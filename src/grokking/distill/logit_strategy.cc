#include "grokking/distill/logit_strategy.h"

#include "grokking/core/error.h"
#include "grokking/distill/distill_math.h"

namespace grok {

template <typename S>
LogitStrategy<S>::LogitStrategy(const StrategyContext<S>& context)
    : teacher_(context.teacher), temperature_(context.settings.param("temperature")) {
  GROK_CHECK(temperature_ > 0, "temperature {}", temperature_);
}

template <typename S>
double LogitStrategy<S>::add_loss_and_gradient(Transformer<S>& /*student*/, const S* logits,
                                               const int32_t* example_ids, int batch,
                                               int normaliser, double weight, S* d_logits,
                                               S* /*d_projectors*/, Scratch<S>& scratch) const {
  const int classes = teacher_.config().n_classes;
  const double scale = weight / normaliser;  // d(step mean)
  double* work = scratch.doubles(0, 2 * static_cast<std::size_t>(classes));
  double sum = 0;
  for (int b = 0; b < batch; ++b)
    sum += distillation_kl(logits + int64_t{b} * classes, teacher_.logits(example_ids[b]), classes,
                           temperature_, scale, d_logits + int64_t{b} * classes, work);
  return sum;
}

template class LogitStrategy<float>;
template class LogitStrategy<double>;

}  // namespace grok

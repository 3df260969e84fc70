#include "grokking/distill/logit_strategy.h"

#include "grokking/core/error.h"
#include "grokking/distill/distill_math.h"

namespace grok {

template <typename S>
LogitStrategy<S>::LogitStrategy(const TeacherCache<S>& teacher, double temperature)
    : teacher_(teacher), temperature_(temperature) {
  GROK_CHECK(temperature > 0, "temperature {}", temperature);
}

template <typename S>
double LogitStrategy<S>::add_loss_and_gradient(Transformer<S>& /*student*/, const S* logits,
                                               const int32_t* example_ids, int batch,
                                               int normaliser, double weight, S* d_logits,
                                               S* /*d_projectors*/) {
  const int classes = teacher_.config().n_classes;
  const double scale = weight / normaliser;  // d(step mean)
  double sum = 0;
  for (int b = 0; b < batch; ++b)
    sum += distillation_kl(logits + int64_t{b} * classes, teacher_.logits(example_ids[b]), classes,
                           temperature_, scale, d_logits + int64_t{b} * classes);
  return sum;
}

template class LogitStrategy<float>;
template class LogitStrategy<double>;

}  // namespace grok

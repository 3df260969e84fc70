#include "grokking/train/objective.h"

#include "grokking/train/cross_entropy.h"

namespace grok {

ObjectiveSums CrossEntropyObjective::loss_and_gradient(Transformer<float>& /*model*/,
                                                       const float* logits, const int32_t* labels,
                                                       const int32_t* /*example_ids*/, int batch,
                                                       int normaliser, float* d_logits,
                                                       float* /*d_extra*/,
                                                       Scratch<float>& /*scratch*/) const {
  const LossSum sum = cross_entropy(loss_, logits, labels, batch, classes_, d_logits, normaliser);
  return {sum.loss, sum.correct, {static_cast<double>(sum.collapsed)}};
}

}  // namespace grok

#include "grokking/train/cross_entropy.h"

#include <cmath>

namespace grok {

LossSum softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes,
                              float* d_logits, double normaliser) {
  LossSum total;
  const float scale = static_cast<float>(1.0 / normaliser);
  for (int i = 0; i < batch; ++i) {
    const float* z = logits + static_cast<int64_t>(i) * classes;
    int argmax = 0;
    for (int c = 1; c < classes; ++c)
      if (z[c] > z[argmax]) argmax = c;
    const float max = z[argmax];
    double sum = 0;
    for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(z[c] - max));
    const double log_sum = std::log(sum);
    total.loss += log_sum - static_cast<double>(z[labels[i]] - max);
    total.correct += argmax == labels[i];
    if (d_logits != nullptr) {
      float* d = d_logits + static_cast<int64_t>(i) * classes;
      const float inv_sum = static_cast<float>(1.0 / sum);
      for (int c = 0; c < classes; ++c) d[c] = std::exp(z[c] - max) * inv_sum * scale;
      d[labels[i]] -= scale;
    }
  }
  return total;
}

}  // namespace grok

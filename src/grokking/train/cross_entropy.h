// Softmax cross-entropy over classes, fused with its gradient and the accuracy count.
#pragma once

#include <cstdint>

namespace grok {

struct LossSum {
  double loss = 0;      // sum over examples of -log softmax(z)[label]
  int64_t correct = 0;  // examples whose argmax (first maximum) equals the label
};

// logits [B,C], labels [B]. If d_logits is not null, writes d(mean loss over `normaliser`
// examples)/d logits = (softmax(z) - onehot(label)) / normaliser into it ([B,C]).
LossSum softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes,
                              float* d_logits, double normaliser);

}  // namespace grok

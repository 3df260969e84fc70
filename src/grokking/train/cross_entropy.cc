#include "grokking/train/cross_entropy.h"

#include <cmath>
#include <vector>

#include "grokking/core/error.h"

namespace grok {
namespace {

int first_argmax(const float* z, int classes) {
  int argmax = 0;
  for (int c = 1; c < classes; ++c)
    if (z[c] > z[argmax]) argmax = c;
  return argmax;
}

// The reference's float softmax: one example.
void softmax_row(const float* z, int label, int classes, float* d, float scale, LossSum& total) {
  const int argmax = first_argmax(z, classes);
  const float max = z[argmax];
  double sum = 0;
  for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(z[c] - max));
  const double log_sum = std::log(sum);
  total.loss += log_sum - static_cast<double>(z[label] - max);
  total.correct += argmax == label;
  const float inv_sum = static_cast<float>(1.0 / sum);
  // p_y − 1 in float is 0 exactly when p_y rounds to 1 (then z_y is the maximum).
  total.collapsed += std::exp(z[label] - max) * inv_sum == 1.0f;
  if (d != nullptr) {
    for (int c = 0; c < classes; ++c) d[c] = std::exp(z[c] - max) * inv_sum * scale;
    d[label] -= scale;
  }
}

void softmax64_row(const float* z, int label, int classes, float* d, double scale, LossSum& total) {
  const int argmax = first_argmax(z, classes);
  const double max = z[argmax];
  double sum = 0;
  for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(z[c]) - max);
  total.loss += std::log(sum) - (static_cast<double>(z[label]) - max);
  total.correct += argmax == label;
  const double p_label = std::exp(static_cast<double>(z[label]) - max) / sum;
  total.collapsed += p_label - 1.0 == 0.0;
  if (d != nullptr) {
    for (int c = 0; c < classes; ++c)
      d[c] = static_cast<float>(
          (std::exp(static_cast<double>(z[c]) - max) / sum - (c == label ? 1.0 : 0.0)) * scale);
  }
}

// d/dz_c [log Σ s(z) − log s(z_y)] = s'(z_c)/Σ s − [c = y]·s'(z_y)/s(z_y).
void stablemax_row(const float* z, int label, int classes, float* d, double scale, LossSum& total) {
  double sum = 0;
  for (int c = 0; c < classes; ++c) sum += stablemax_s<double>(z[c]);
  const double s_label = stablemax_s<double>(z[label]);
  total.loss += std::log(sum) - std::log(s_label);
  total.correct += first_argmax(z, classes) == label;  // s is increasing
  const double ds_label = stablemax_ds<double>(z[label]);
  total.collapsed += ds_label / sum - ds_label / s_label == 0.0;
  if (d != nullptr) {
    for (int c = 0; c < classes; ++c) {
      double g = stablemax_ds<double>(z[c]) / sum;
      if (c == label) g -= ds_label / s_label;
      d[c] = static_cast<float>(g * scale);
    }
  }
}

}  // namespace

Loss parse_loss(const std::string& text) {
  if (text == "softmax") return Loss::kSoftmax;
  if (text == "stablemax") return Loss::kStableMax;
  if (text == "softmax64") return Loss::kSoftmax64;
  throw UsageError(fmt::format("loss: '{}' is not one of softmax, stablemax, softmax64", text));
}

std::string to_string(Loss loss) {
  switch (loss) {
    case Loss::kSoftmax:
      return "softmax";
    case Loss::kStableMax:
      return "stablemax";
    case Loss::kSoftmax64:
      return "softmax64";
  }
  GROK_CHECK(false, "unknown Loss {}", static_cast<int>(loss));
}

LossSum cross_entropy(Loss loss, const float* logits, const int32_t* labels, int batch, int classes,
                      float* d_logits, double normaliser) {
  LossSum total;
  for (int i = 0; i < batch; ++i) {
    const float* z = logits + static_cast<int64_t>(i) * classes;
    float* d = d_logits ? d_logits + static_cast<int64_t>(i) * classes : nullptr;
    switch (loss) {
      case Loss::kSoftmax:
        softmax_row(z, labels[i], classes, d, static_cast<float>(1.0 / normaliser), total);
        break;
      case Loss::kSoftmax64:
        softmax64_row(z, labels[i], classes, d, 1.0 / normaliser, total);
        break;
      case Loss::kStableMax:
        stablemax_row(z, labels[i], classes, d, 1.0 / normaliser, total);
        break;
    }
  }
  return total;
}

LossSum softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes,
                              float* d_logits, double normaliser) {
  return cross_entropy(Loss::kSoftmax, logits, labels, batch, classes, d_logits, normaliser);
}

}  // namespace grok

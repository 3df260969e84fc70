#include "grokking/distill/topk_reconstruction.h"

#include <cmath>
#include <limits>

#include "grokking/core/error.h"

namespace grok {

std::string to_string(TopkReconstruction mode) {
  return mode == TopkReconstruction::kZero ? "zero" : "uniform";
}

void from_string(const std::string& text, TopkReconstruction& mode) {
  if (text == "zero")
    mode = TopkReconstruction::kZero;
  else if (text == "uniform")
    mode = TopkReconstruction::kUniform;
  else
    throw UsageError(fmt::format(
        "topk_reconstruction: '{}' is not a reconstruction; use zero (missing classes get "
        "probability 0) or uniform (the remaining mass spread evenly over them)",
        text));
}

void reconstruct_logits(const float* values, const int32_t* indices, int k, float log_sum_exp,
                        int classes, TopkReconstruction mode, float* logits) {
  GROK_CHECK(k >= 1 && k <= classes, "top-k {} of {} classes", k, classes);
  float missing = -std::numeric_limits<float>::infinity();
  if (mode == TopkReconstruction::kUniform && k < classes) {
    double kept = 0;  // Σ of the stored probabilities at τ = 1
    for (int i = 0; i < k; ++i) kept += std::exp(static_cast<double>(values[i]) - log_sum_exp);
    const double rest = 1 - kept;
    if (rest > 0) {
      const double logit = log_sum_exp + std::log(rest / (classes - k));
      if (std::isfinite(logit)) missing = static_cast<float>(logit);
    }
  }
  for (int c = 0; c < classes; ++c) logits[c] = missing;
  for (int i = 0; i < k; ++i) logits[indices[i]] = values[i];
}

}  // namespace grok

#include "grokking/optim/grokfast.h"

#include <algorithm>

#include "grokking/core/error.h"

namespace grok {

GrokfastEma::GrokfastEma(const TensorLayout& params, double alpha, double lambda)
    : layout_(params),
      mu_(params.total_size(), 0.0f),
      alpha_(static_cast<float>(alpha)),
      one_minus_alpha_(static_cast<float>(1.0 - alpha)),
      lambda_(static_cast<float>(lambda)) {}

void GrokfastEma::apply(const TensorLayout& layout, const float* /*params*/, float* grads,
                        int64_t step) {
  const std::size_t n = layout.total_size();
  GROK_CHECK(n == mu_.size(), "grokfast_ema: {} gradients for {} state values", n, mu_.size());
  float* mu = mu_.data();
  if (step == 0) std::copy_n(grads, n, mu);
  for (std::size_t i = 0; i < n; ++i) {
    if (step > 0) mu[i] = mu[i] * alpha_ + grads[i] * one_minus_alpha_;
    grads[i] = grads[i] + mu[i] * lambda_;
  }
}

GrokfastMa::GrokfastMa(const TensorLayout& params, int window, double lambda, bool sum)
    : w_(window), lambda_(static_cast<float>(lambda)), sum_(sum) {
  GROK_CHECK(window >= 1, "grokfast_ma: window {}", window);
  const auto p = static_cast<int64_t>(params.total_size());
  layout_.add("window", {window, p});
  window_.assign(layout_.total_size(), 0.0f);
}

void GrokfastMa::apply(const TensorLayout& layout, const float* /*params*/, float* grads,
                       int64_t step) {
  const std::size_t n = layout.total_size();
  GROK_CHECK(n * static_cast<std::size_t>(w_) == window_.size(),
             "grokfast_ma: {} gradients for a window of {} values", n, window_.size());
  std::copy_n(grads, n, window_.data() + static_cast<std::size_t>(step % w_) * n);
  if (step + 1 < w_) return;  // warm-up: fewer than w gradients seen
  const float scale = sum_ ? lambda_ : lambda_ / static_cast<float>(w_);
  const auto oldest = static_cast<std::size_t>((step + 1) % w_);
  for (std::size_t i = 0; i < n; ++i) {
    float total = 0;
    for (std::size_t k = 0; k < static_cast<std::size_t>(w_); ++k)
      total += window_[((oldest + k) % static_cast<std::size_t>(w_)) * n + i];
    grads[i] = grads[i] + total * scale;
  }
}

}  // namespace grok

#include "grokking/optim/adam_update.h"

#include <cmath>

namespace grok {
namespace {

// Below this many elements a tensor is updated by one thread (the fork costs more).
constexpr std::size_t kParallelMin = 1 << 14;

template <bool kNesterov>
void adam_update_impl(const AdamStep& s, std::size_t n, const float* grad, float* mu, float* nu,
                      float* param, const float* anchor) {
  const std::ptrdiff_t count = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    const float g = grad[i];
    const float m = s.one_minus_b1 * g + s.b1 * mu[i];
    const float v = s.one_minus_b2 * (g * g) + s.b2 * nu[i];
    mu[i] = m;
    nu[i] = v;
    float m_hat;
    if constexpr (kNesterov)
      m_hat = s.b1 * (m / s.bias1_next) + s.one_minus_b1 * (g / s.bias1);
    else
      m_hat = m / s.bias1;
    const float v_hat = v / s.bias2;
    const float decayed = anchor ? param[i] - anchor[i] : param[i];
    const float u = m_hat / (std::sqrt(v_hat) + s.eps) + s.weight_decay * decayed;
    param[i] = param[i] + s.neg_lr * u;
  }
}

}  // namespace

float bias_correction(double decay, int64_t count) {
  const double decay_f = static_cast<float>(decay);
  return 1.0f - static_cast<float>(std::pow(decay_f, static_cast<double>(count)));
}

AdamStep make_adam_step(double b1, double b2, double eps, double weight_decay, bool nesterov,
                        double lr, int64_t t) {
  AdamStep s;
  s.b1 = static_cast<float>(b1);
  s.one_minus_b1 = static_cast<float>(1.0 - b1);
  s.b2 = static_cast<float>(b2);
  s.one_minus_b2 = static_cast<float>(1.0 - b2);
  s.eps = static_cast<float>(eps);
  s.bias1 = bias_correction(b1, t + 1);
  s.bias1_next = bias_correction(b1, t + 2);
  s.bias2 = bias_correction(b2, t + 1);
  s.weight_decay = static_cast<float>(weight_decay);
  s.neg_lr = -static_cast<float>(lr);
  s.nesterov = nesterov;
  return s;
}

void adam_update(const AdamStep& step, std::size_t n, const float* grad, float* mu, float* nu,
                 float* param, const float* anchor) {
  if (step.nesterov)
    adam_update_impl<true>(step, n, grad, mu, nu, param, anchor);
  else
    adam_update_impl<false>(step, n, grad, mu, nu, param, anchor);
}

}  // namespace grok

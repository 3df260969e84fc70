#include "grokking/optim/orthogonal_grad.h"

#include <cmath>

namespace grok {

void OrthogonalGrad::apply(const TensorLayout& layout, const float* params, float* grads,
                           int64_t /*step*/) {
  for (const TensorSpec& spec : layout.tensors()) {
    const float* theta = params + spec.offset;
    float* g = grads + spec.offset;
    const std::size_t n = spec.size();
    double theta_g = 0, theta_theta = 0, g_g = 0;
    for (std::size_t i = 0; i < n; ++i) {
      theta_g += static_cast<double>(theta[i]) * g[i];
      theta_theta += static_cast<double>(theta[i]) * theta[i];
      g_g += static_cast<double>(g[i]) * g[i];
    }
    if (theta_theta == 0) continue;
    const double along = theta_g / theta_theta;
    // ‖g⊥‖² = ‖g‖² − (θ·g)²/‖θ‖², computed from g⊥ itself to avoid cancellation.
    double perp_perp = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double perp = g[i] - along * theta[i];
      perp_perp += perp * perp;
    }
    if (perp_perp == 0) continue;
    const double scale = std::sqrt(g_g / perp_perp);
    for (std::size_t i = 0; i < n; ++i)
      g[i] = static_cast<float>((g[i] - along * theta[i]) * scale);
  }
}

}  // namespace grok

#include "grokking/optim/muon.h"

#include <algorithm>
#include <cmath>

#include "grokking/optim/adam_update.h"

namespace grok {
namespace {

constexpr std::size_t kParallelMin = 1 << 14;

std::size_t largest_matrix(const TensorLayout& params) {
  std::size_t n = 0;
  for (const TensorSpec& spec : params.tensors())
    if (spec.shape.size() == 2) n = std::max(n, spec.size());
  return n;
}

std::size_t largest_small_side(const TensorLayout& params) {
  std::size_t n = 0;
  for (const TensorSpec& spec : params.tensors())
    if (spec.shape.size() == 2)
      n = std::max(n, static_cast<std::size_t>(std::min(spec.shape[0], spec.shape[1])));
  return n;
}

}  // namespace

Muon::Muon(const OptimizerConfig& config, const TensorLayout& params,
           std::vector<ParamGroup> groups)
    : Optimizer(config, params, std::move(groups)),
      mu_hat_(largest_matrix(params)),
      update_(largest_matrix(params)),
      newton_schulz_(largest_matrix(params), largest_small_side(params)) {
  const auto& specs = params.tensors();
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].shape.size() == 2 && !is_frozen(i))
      muon_.push_back({i, add_state("muon.mu." + specs[i].name, specs[i].shape, i), 0});
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].shape.size() != 2 && !is_frozen(i))
      adam_.push_back({i, add_state("adam.mu." + specs[i].name, specs[i].shape, i), 0});
  for (Slot& slot : adam_)
    slot.nu = add_state("adam.nu." + specs[slot.param].name, specs[slot.param].shape, slot.param);
  allocate_state();
}

void Muon::update(float* params, const float* grads) {
  const double lr = current_lr();
  const auto& specs = param_layout_.tensors();

  // Muon branch: scale_by_muon → add_decayed_weights(wd) → scale_by_learning_rate.
  const float beta = static_cast<float>(kMuonBeta);
  const float one_minus_beta = static_cast<float>(1.0 - kMuonBeta);
  for (const Slot& slot : muon_) {
    const int64_t t = state_count(slot.param);  // the tensor's own count (multi-stage runs)
    const float bias = bias_correction(kMuonBeta, t + 1);
    const float bias_next = bias_correction(kMuonBeta, t + 2);
    const TensorSpec& spec = specs[slot.param];
    const ParamGroup& group = group_of(slot.param);
    const float weight_decay = static_cast<float>(group.weight_decay);
    const float neg_lr = -static_cast<float>(lr * group.lr_multiplier);
    const int rows = static_cast<int>(spec.shape[0]), cols = static_cast<int>(spec.shape[1]);
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(spec.size());
    const float* g = grads + spec.offset;
    float* theta = params + spec.offset;
    const float* theta0 = anchor(slot.param);  // decay_to init, or null
    float* mu = state(slot.mu);
    float* mu_hat = mu_hat_.data();
    float* update = update_.data();
#pragma omp parallel for schedule(static) if (n >= static_cast <std::ptrdiff_t>(kParallelMin))
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const float m = one_minus_beta * g[i] + beta * mu[i];
      mu[i] = m;
      mu_hat[i] = beta * (m / bias_next) + one_minus_beta * (g[i] / bias);
    }
    newton_schulz_.orthogonalize(mu_hat, rows, cols, update);
    // Optax: jnp.sqrt(jnp.maximum(1, x.shape[-1] / x.shape[-2])) in float.
    const float scale = std::sqrt(
        std::max(1.0f, static_cast<float>(static_cast<double>(cols) / static_cast<double>(rows))));
#pragma omp parallel for schedule(static) if (n >= static_cast <std::ptrdiff_t>(kParallelMin))
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const float decayed = theta0 ? theta[i] - theta0[i] : theta[i];
      const float u = scale * update[i] + weight_decay * decayed;
      theta[i] = theta[i] + neg_lr * u;
    }
  }

  // Adam branch: optax.adamw(b1 0.9, b2 0.999, eps, weight_decay 0, nesterov=True).
  for (const Slot& slot : adam_) {
    const TensorSpec& spec = specs[slot.param];
    const AdamStep s = make_adam_step(kMuonAdamBeta1, kMuonAdamBeta2, kMuonEps, 0.0,
                                      /*nesterov=*/true, lr * group_of(slot.param).lr_multiplier,
                                      state_count(slot.param));
    adam_update(s, spec.size(), grads + spec.offset, state(slot.mu), state(slot.nu),
                params + spec.offset);
  }
}

}  // namespace grok

// Flax NNX default initialisation (REFERENCE.md §2). Each tensor's values are a pure function
// of (seed, tensor index, element index): tensor i draws from Philox(seed, kInit, step = i).
#include <cmath>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"
#include "grokking/model/model_config.h"

namespace grok {
namespace {

// jax.nn.initializers.variance_scaling(1, 'fan_in', 'truncated_normal'): a standard normal
// truncated to [-2, 2], scaled so that the final variance is 1/fan_in. The constant is the
// standard deviation of the standard normal truncated to [-2, 2].
constexpr double kTruncatedNormalStd = 0.87962566103423978;
constexpr double kTruncation = 2.0;

// Attempt a of element i reads Philox block (a << 40 | i): rejection sampling stays a pure
// function of (seed, tensor, element).
double truncated_standard_normal(const Philox& rng, uint64_t element) {
  for (uint64_t attempt = 0;; ++attempt) {
    const double z = rng.normal((attempt << 40) | element);
    if (std::abs(z) <= kTruncation) return z;
  }
}

}  // namespace

template <typename S>
void init_params(const ModelConfig& config, const TensorLayout& layout, uint64_t seed, S* params) {
  GROK_CHECK(layout == param_layout(config), "init_params: layout does not match the config");
  for (std::size_t t = 0; t < layout.tensors().size(); ++t) {
    const TensorSpec& spec = layout.at(t);
    S* out = params + spec.offset;
    const Philox rng(seed, RngPurpose::kInit, t);
    const std::size_t n = spec.size();
    GROK_CHECK(n < (std::size_t{1} << 40), "tensor {} too large for the init stream", spec.name);
    if (spec.shape.size() == 1) {  // norm scales
      for (std::size_t i = 0; i < n; ++i) out[i] = S(1);
    } else if (spec.name == "embedding.embedding") {
      // nnx.Embed: variance_scaling(1, 'fan_in', 'normal', out_axis=0) on [V, D]: fan_in = D.
      const double std = 1.0 / std::sqrt(static_cast<double>(spec.shape[1]));
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<S>(std * rng.normal(i));
    } else {  // nnx.Linear kernels [in, out]: fan_in = in
      const double sigma =
          std::sqrt(1.0 / static_cast<double>(spec.shape[0])) / kTruncatedNormalStd;
      for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<S>(sigma * truncated_standard_normal(rng, i));
    }
    // Padding between tensors stays zero so that arena-wide norms and checksums are exact.
    const std::size_t end =
        t + 1 < layout.tensors().size() ? layout.at(t + 1).offset : layout.total_size();
    for (std::size_t i = spec.offset + n; i < end; ++i) params[i] = S(0);
  }
}

template void init_params<float>(const ModelConfig&, const TensorLayout&, uint64_t, float*);
template void init_params<double>(const ModelConfig&, const TensorLayout&, uint64_t, double*);

}  // namespace grok

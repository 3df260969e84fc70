#include "grokking/optim/newton_schulz.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"

namespace grok {

NewtonSchulz::NewtonSchulz(std::size_t max_elements, std::size_t max_small_side)
    : max_elements_(max_elements),
      max_small_side_(max_small_side),
      x_(max_elements),
      y_(max_elements),
      a_(max_small_side * max_small_side),
      b_(max_small_side * max_small_side) {}

void NewtonSchulz::orthogonalize(const float* x, int rows, int cols, float* out) {
  GROK_CHECK(rows > 0 && cols > 0, "Newton-Schulz on an empty matrix [{}, {}]", rows, cols);
  const bool transposed = rows > cols;  // iterate on the wide orientation: A is [m, m]
  const int m = std::min(rows, cols), n = std::max(rows, cols);
  const std::size_t size = static_cast<std::size_t>(m) * static_cast<std::size_t>(n);
  GROK_CHECK(size <= max_elements_ && static_cast<std::size_t>(m) <= max_small_side_,
             "Newton-Schulz scratch too small for [{}, {}]", rows, cols);

  float* xs = x_.data();  // [m, n]
  float* ys = y_.data();  // [m, n]
  if (transposed) {
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) xs[i * n + j] = x[j * cols + i];
  } else {
    std::copy(x, x + size, xs);
  }

  // x /= ‖x‖_F + eps (Optax divides; it does not multiply by a reciprocal). The sum of
  // squares is accumulated in double: one rounding instead of XLA's float tree reduction.
  double sum_squares = 0.0;
  for (std::size_t i = 0; i < size; ++i) sum_squares += static_cast<double>(xs[i]) * xs[i];
  const float denominator = static_cast<float>(std::sqrt(sum_squares)) + kNewtonSchulzEps;
  for (std::size_t i = 0; i < size; ++i) xs[i] = xs[i] / denominator;

  float* a = a_.data();  // [m, m]
  float* b = b_.data();  // [m, m]
  for (int step = 0; step < kNewtonSchulzSteps; ++step) {
    // A = X·Xᵀ  [m, m]
    gemm(Trans::kNo, Trans::kYes, m, m, n, 1.0f, xs, n, xs, n, 0.0f, a, m);
    // B = b·A + c·A·A  [m, m]
    for (int i = 0; i < m * m; ++i) b[i] = kNewtonSchulzB * a[i];
    gemm(Trans::kNo, Trans::kNo, m, m, m, kNewtonSchulzC, a, m, a, m, 1.0f, b, m);
    // Y = a·X + B·X  [m, n]
    for (std::size_t i = 0; i < size; ++i) ys[i] = kNewtonSchulzA * xs[i];
    gemm(Trans::kNo, Trans::kNo, m, n, m, 1.0f, b, m, xs, n, 1.0f, ys, n);
    std::swap(xs, ys);
  }

  if (transposed) {
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j) out[i * cols + j] = xs[j * n + i];
  } else {
    std::copy(xs, xs + size, out);
  }
}

}  // namespace grok

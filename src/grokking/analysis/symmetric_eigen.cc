#include "grokking/analysis/symmetric_eigen.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "grokking/core/error.h"

namespace grok {
namespace {

constexpr int kMaxSweeps = 100;
constexpr double kRelativeTolerance = 1e-15;

double off_diagonal_squares(const std::vector<double>& a, int n) {
  double sum = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (i != j) sum += a[i * n + j] * a[i * n + j];
  return sum;
}

// A ← Jᵀ A J with J the identity except J_pp = J_qq = c, J_pq = s, J_qp = −s, chosen so that
// the new A_pq is zero (Golub & Van Loan, Algorithm 8.5.1 sym.schur2).
void rotate(std::vector<double>& a, int n, int p, int q) {
  const double apq = a[p * n + q];
  const double tau = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  const double t = (tau >= 0 ? 1.0 : -1.0) / (std::abs(tau) + std::sqrt(1 + tau * tau));
  const double c = 1 / std::sqrt(1 + t * t);
  const double s = t * c;
  for (int k = 0; k < n; ++k) {  // columns p, q: A J
    const double akp = a[k * n + p], akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (int k = 0; k < n; ++k) {  // rows p, q: Jᵀ (A J)
    const double apk = a[p * n + k], aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  a[p * n + q] = a[q * n + p] = 0;
}

}  // namespace

std::vector<double> symmetric_eigenvalues(std::vector<double> a, int n) {
  GROK_CHECK(n >= 0 && a.size() == static_cast<std::size_t>(n) * n, "a has {} entries, n = {}",
             a.size(), n);
  double total = 0;
  for (const double v : a) total += v * v;
  const double tolerance = kRelativeTolerance * kRelativeTolerance * total;
  for (int sweep = 0; sweep < kMaxSweeps && off_diagonal_squares(a, n) > tolerance; ++sweep)
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q)
        if (a[p * n + q] != 0) rotate(a, n, p, q);
  std::vector<double> eigenvalues(n);
  for (int i = 0; i < n; ++i) eigenvalues[i] = a[i * n + i];
  std::sort(eigenvalues.begin(), eigenvalues.end(), std::greater<>());
  return eigenvalues;
}

}  // namespace grok

#include "grokking/analysis/effective_rank.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "grokking/analysis/cross_products.h"
#include "grokking/analysis/symmetric_eigen.h"
#include "grokking/core/error.h"

namespace grok {

EffectiveRankResult effective_rank_from_singular_values(std::vector<double> singular_values) {
  std::sort(singular_values.begin(), singular_values.end(), std::greater<>());
  EffectiveRankResult result;
  result.singular_values = singular_values;
  if (singular_values.empty() || !(singular_values[0] > 0)) return result;
  const double cutoff = kRankRelativeCutoff * singular_values[0];
  double sum = 0, sum_squares = 0;
  for (const double s : singular_values) {
    if (!(s > cutoff)) break;
    sum += s;
    sum_squares += s * s;
    ++result.kept;
  }
  result.effective_rank = sum * sum / sum_squares;
  return result;
}

EffectiveRank::EffectiveRank(int dim) : dim_(dim), gram_(static_cast<std::size_t>(dim) * dim) {
  GROK_CHECK(dim > 0, "dim {}", dim);
}

void EffectiveRank::add(const double* x, int64_t rows) {
  add_cross_products(x, dim_, x, dim_, rows, gram_.data());
  rows_ += rows;
}

void EffectiveRank::add(const float* x, int64_t rows) {
  const std::vector<double> xd(x, x + rows * dim_);
  add(xd.data(), rows);
}

EffectiveRankResult EffectiveRank::result() const {
  std::vector<double> sigma = symmetric_eigenvalues(gram_, dim_);
  for (double& s : sigma) s = std::sqrt(std::max(s, 0.0));
  return effective_rank_from_singular_values(std::move(sigma));
}

EffectiveRankResult effective_rank(const double* x, int dim, int64_t rows) {
  EffectiveRank rank(dim);
  rank.add(x, rows);
  return rank.result();
}

}  // namespace grok

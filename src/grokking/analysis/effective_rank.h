// Effective rank of a representation (REFERENCE.md §7): singular values σ of the uncentred
// [n,D] matrix of hidden states (rows = (example, position) pairs), keep σ > 0.01·σ_max,
// rank = (Σσ)²/Σσ² over the kept ones — D for a perfectly isotropic representation, 1 for a
// rank-one one. σ² are the eigenvalues of the D×D Gram matrix XᵀX, accumulated in double over
// chunks of rows and diagonalised by Jacobi (symmetric_eigen.h); the rows are never stored.
#pragma once

#include <cstdint>
#include <vector>

namespace grok {

inline constexpr double kRankRelativeCutoff = 0.01;  // keep σ > 0.01·σ_max

struct EffectiveRankResult {
  double effective_rank = 0;            // 0 for an all-zero matrix
  int kept = 0;                         // singular values above the cutoff
  std::vector<double> singular_values;  // all D of them, descending
};

// From singular values (any order, non-negative).
EffectiveRankResult effective_rank_from_singular_values(std::vector<double> singular_values);

class EffectiveRank {
 public:
  explicit EffectiveRank(int dim);
  void add(const float* x, int64_t rows);  // x [rows,dim] row-major
  void add(const double* x, int64_t rows);
  int64_t rows() const { return rows_; }
  // σ = sqrt(max(λ, 0)) for the eigenvalues λ of XᵀX (tiny negative λ are rounding).
  EffectiveRankResult result() const;

 private:
  int dim_;
  int64_t rows_ = 0;
  std::vector<double> gram_;  // XᵀX [dim,dim]
};

// One-shot form: x [rows,dim].
EffectiveRankResult effective_rank(const double* x, int dim, int64_t rows);

}  // namespace grok

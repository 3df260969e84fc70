// Debiased linear CKA (issue 16): linear CKA with the unbiased HSIC estimator of Song et al.
// 2012 (eq. 5) in place of the biased one, as Kornblith et al. 2019 (§6.1) and Nguyen et al.
// 2021 recommend. The biased estimator has a floor that grows with width/rows and with
// low-rank structure: two untrained models score ≈ 0.93 on the embedding state here, so the
// biased value says little; the unbiased one is ≈ 0 for unrelated representations.
//
// For X [n,dx], Y [n,dy] (rows = (example, position) pairs), K = XXᵀ, L = YYᵀ with their
// diagonals set to zero (K̃, L̃):
//   HSIC_u(K, L) = [tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3))
//   CKA_u = HSIC_u(K, L) / sqrt(HSIC_u(K, K)·HSIC_u(L, L))
// computed from streamed feature moments, never the n×n matrices (a_i = ‖x_i‖², b_i = ‖y_i‖²,
// s_x = Σx_i, M = XᵀY):
//   tr(K̃L̃) = ‖M‖²_F − Σ a_i b_i,   1ᵀK̃1 = ‖s_x‖² − Σ a_i,
//   1ᵀK̃L̃1 = s_xᵀ M s_y − s_x·Σ b_i x_i − s_y·Σ a_i y_i + Σ a_i b_i.
// HSIC_u is unchanged by a shift of either representation (U-centring removes additive row and
// column terms), so rows are shifted by the first chunk's column means for accuracy.
// Not the biased estimator (cka.h).
#pragma once

#include <cstdint>
#include <vector>

namespace grok {

class DebiasedCka {
 public:
  DebiasedCka(int dx, int dy);
  // x [rows,dx], y [rows,dy] row-major: the same rows seen by both representations.
  void add(const float* x, const float* y, int64_t rows);
  void add(const double* x, const double* y, int64_t rows);
  int64_t rows() const { return rows_; }
  // NaN with fewer than 4 rows or a non-positive HSIC_u(K, K) or HSIC_u(L, L).
  double value() const;

 private:
  template <typename S>
  void add_rows(const S* x, const S* y, int64_t rows);
  // The moments of one pair of representations (U, V) that HSIC_u needs.
  struct Pair {
    std::vector<double> m;         // UᵀV [du,dv]
    std::vector<double> b_u, a_v;  // Σ ‖v_i‖² u_i [du], Σ ‖u_i‖² v_i [dv]
    double ab = 0;                 // Σ ‖u_i‖²‖v_i‖²
  };
  double hsic(const Pair& pair, const std::vector<double>& su, const std::vector<double>& sv,
              double sum_a, double sum_b) const;
  int dx_, dy_;
  int64_t rows_ = 0;
  std::vector<double> shift_x_, shift_y_, sx_, sy_;
  double sum_a_ = 0, sum_b_ = 0;
  Pair xy_, xx_, yy_;
};

// One-shot form: x [rows,dx], y [rows,dy].
double debiased_linear_cka(const double* x, int dx, const double* y, int dy, int64_t rows);

}  // namespace grok

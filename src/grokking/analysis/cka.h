// Linear centred kernel alignment (Kornblith et al. 2019, biased HSIC estimator) between two
// representations of the same inputs, REFERENCE.md §7: X [n,dx], Y [n,dy] (rows = (example,
// position) pairs), columns centred, CKA = ‖YᵀX‖²_F / (‖XᵀX‖_F·‖YᵀY‖_F). Computed from D×D
// products in double (never the n×n Gram matrices), streamed in chunks of rows. Widths may
// differ (a teacher and a narrower student). Invariant to orthogonal transforms and isotropic
// scaling of either side; 1 for identical representations.
#pragma once

#include <cstdint>

#include "grokking/analysis/cross_products.h"

namespace grok {

class LinearCka {
 public:
  LinearCka(int dx, int dy);
  // x [rows,dx], y [rows,dy] row-major: the same rows seen by both representations.
  void add(const float* x, const float* y, int64_t rows);
  void add(const double* x, const double* y, int64_t rows);
  int64_t rows() const { return xy_.rows(); }
  // NaN if either representation is constant over the rows (a zero denominator).
  double value() const;

 private:
  CenteredCrossMoments xx_, yy_, xy_;
};

// One-shot form: x [rows,dx], y [rows,dy].
double linear_cka(const double* x, int dx, const double* y, int dy, int64_t rows);

}  // namespace grok

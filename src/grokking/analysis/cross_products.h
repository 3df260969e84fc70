// Streaming second moments of row-major activation matrices, in double: the building block of
// linear CKA (centred) and the effective rank (uncentred). Activations arrive in chunks of
// rows (examples × positions); only D×D sums are kept, never the rows themselves.
#pragma once

#include <cstdint>
#include <vector>

namespace grok {

// out[i,j] += Σ_r x[r,i]·y[r,j] for x [rows,dx], y [rows,dy] row-major; out [dx,dy].
void add_cross_products(const double* x, int dx, const double* y, int dy, int64_t rows,
                        double* out);

// Column sums and cross products Σ xᵀy of rows streamed through add(), stored relative to a
// shift (the column means of the first chunk) so that centring by subtracting n·mean·meanᵀ at
// the end does not cancel catastrophically when the mean is large against the spread.
class CenteredCrossMoments {
 public:
  CenteredCrossMoments(int dx, int dy);
  // x [rows,dx], y [rows,dy] row-major, the same rows of two representations.
  void add(const float* x, const float* y, int64_t rows);
  void add(const double* x, const double* y, int64_t rows);
  int64_t rows() const { return rows_; }
  // Σ_r (x_r − x̄)(y_r − ȳ)ᵀ over all rows added: [dx,dy] row-major.
  std::vector<double> centered() const;

 private:
  template <typename S>
  void add_rows(const S* x, const S* y, int64_t rows);
  int dx_, dy_;
  int64_t rows_ = 0;
  std::vector<double> shift_x_, shift_y_;  // [dx], [dy]
  std::vector<double> sum_x_, sum_y_;      // Σ (x − shift), Σ (y − shift)
  std::vector<double> cross_;              // Σ (x − shift)(y − shift)ᵀ [dx,dy]
};

}  // namespace grok

#include "grokking/analysis/cross_products.h"

#include "grokking/core/error.h"

namespace grok {

void add_cross_products(const double* x, int dx, const double* y, int dy, int64_t rows,
                        double* out) {
  // Rows in blocks of kBlock: each pass over `out` (up to D² doubles, larger than L1) adds
  // kBlock rank-one terms instead of one, so the loop is bound by arithmetic, not by the cache.
  constexpr int kBlock = 8;
  int64_t r = 0;
  for (; r + kBlock <= rows; r += kBlock) {
    const double* xb = x + r * dx;
    const double* yb = y + r * dy;
    for (int i = 0; i < dx; ++i) {
      double xi[kBlock];
      for (int b = 0; b < kBlock; ++b) xi[b] = xb[int64_t{b} * dx + i];
      double* row = out + int64_t{i} * dy;
      for (int j = 0; j < dy; ++j) {  // contiguous in j: vectorises
        double sum = 0;
        for (int b = 0; b < kBlock; ++b) sum += xi[b] * yb[int64_t{b} * dy + j];
        row[j] += sum;
      }
    }
  }
  for (; r < rows; ++r) {
    const double* xr = x + r * dx;
    const double* yr = y + r * dy;
    for (int i = 0; i < dx; ++i) {
      const double xi = xr[i];
      double* row = out + int64_t{i} * dy;
      for (int j = 0; j < dy; ++j) row[j] += xi * yr[j];
    }
  }
}

CenteredCrossMoments::CenteredCrossMoments(int dx, int dy)
    : dx_(dx),
      dy_(dy),
      shift_x_(dx, 0.0),
      shift_y_(dy, 0.0),
      sum_x_(dx, 0.0),
      sum_y_(dy, 0.0),
      cross_(static_cast<std::size_t>(dx) * dy, 0.0) {
  GROK_CHECK(dx > 0 && dy > 0, "widths {} and {}", dx, dy);
}

void CenteredCrossMoments::add(const float* x, const float* y, int64_t rows) {
  add_rows(x, y, rows);
}
void CenteredCrossMoments::add(const double* x, const double* y, int64_t rows) {
  add_rows(x, y, rows);
}

template <typename S>
void CenteredCrossMoments::add_rows(const S* x, const S* y, int64_t rows) {
  if (rows <= 0) return;
  if (rows_ == 0) {  // the shift: column means of the first chunk
    for (int64_t r = 0; r < rows; ++r) {
      for (int i = 0; i < dx_; ++i) shift_x_[i] += static_cast<double>(x[r * dx_ + i]);
      for (int j = 0; j < dy_; ++j) shift_y_[j] += static_cast<double>(y[r * dy_ + j]);
    }
    for (double& v : shift_x_) v /= static_cast<double>(rows);
    for (double& v : shift_y_) v /= static_cast<double>(rows);
  }
  std::vector<double> xs(static_cast<std::size_t>(rows) * dx_),
      ys(static_cast<std::size_t>(rows) * dy_);
  for (int64_t r = 0; r < rows; ++r) {
    for (int i = 0; i < dx_; ++i) {
      xs[r * dx_ + i] = static_cast<double>(x[r * dx_ + i]) - shift_x_[i];
      sum_x_[i] += xs[r * dx_ + i];
    }
    for (int j = 0; j < dy_; ++j) {
      ys[r * dy_ + j] = static_cast<double>(y[r * dy_ + j]) - shift_y_[j];
      sum_y_[j] += ys[r * dy_ + j];
    }
  }
  add_cross_products(xs.data(), dx_, ys.data(), dy_, rows, cross_.data());
  rows_ += rows;
}

std::vector<double> CenteredCrossMoments::centered() const {
  std::vector<double> out = cross_;
  if (rows_ == 0) return out;
  const double n = static_cast<double>(rows_);
  for (int i = 0; i < dx_; ++i)
    for (int j = 0; j < dy_; ++j) out[int64_t{i} * dy_ + j] -= sum_x_[i] * sum_y_[j] / n;
  return out;
}

}  // namespace grok

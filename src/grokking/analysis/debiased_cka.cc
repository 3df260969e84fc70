#include "grokking/analysis/debiased_cka.h"

#include <cmath>
#include <limits>

#include "grokking/analysis/cross_products.h"
#include "grokking/core/error.h"

namespace grok {
namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

DebiasedCka::DebiasedCka(int dx, int dy)
    : dx_(dx), dy_(dy), shift_x_(dx, 0.0), shift_y_(dy, 0.0), sx_(dx, 0.0), sy_(dy, 0.0) {
  GROK_CHECK(dx > 0 && dy > 0, "widths {} and {}", dx, dy);
  auto init = [](Pair& p, int du, int dv) {
    p.m.assign(static_cast<std::size_t>(du) * dv, 0.0);
    p.b_u.assign(du, 0.0);
    p.a_v.assign(dv, 0.0);
  };
  init(xy_, dx, dy);
  init(xx_, dx, dx);
  init(yy_, dy, dy);
}

void DebiasedCka::add(const float* x, const float* y, int64_t rows) { add_rows(x, y, rows); }
void DebiasedCka::add(const double* x, const double* y, int64_t rows) { add_rows(x, y, rows); }

template <typename S>
void DebiasedCka::add_rows(const S* x, const S* y, int64_t rows) {
  if (rows <= 0) return;
  if (rows_ == 0) {  // the shift: column means of the first chunk
    for (int64_t r = 0; r < rows; ++r) {
      for (int i = 0; i < dx_; ++i) shift_x_[i] += static_cast<double>(x[r * dx_ + i]) / rows;
      for (int j = 0; j < dy_; ++j) shift_y_[j] += static_cast<double>(y[r * dy_ + j]) / rows;
    }
  }
  std::vector<double> xs(static_cast<std::size_t>(rows) * dx_),
      ys(static_cast<std::size_t>(rows) * dy_);
  for (int64_t r = 0; r < rows; ++r) {
    double a = 0, b = 0;
    double* xr = xs.data() + r * dx_;
    double* yr = ys.data() + r * dy_;
    for (int i = 0; i < dx_; ++i) {
      xr[i] = static_cast<double>(x[r * dx_ + i]) - shift_x_[i];
      a += xr[i] * xr[i];
      sx_[i] += xr[i];
    }
    for (int j = 0; j < dy_; ++j) {
      yr[j] = static_cast<double>(y[r * dy_ + j]) - shift_y_[j];
      b += yr[j] * yr[j];
      sy_[j] += yr[j];
    }
    sum_a_ += a;
    sum_b_ += b;
    xy_.ab += a * b;
    xx_.ab += a * a;
    yy_.ab += b * b;
    for (int i = 0; i < dx_; ++i) {
      xy_.b_u[i] += b * xr[i];
      xx_.b_u[i] += a * xr[i];
      xx_.a_v[i] += a * xr[i];
    }
    for (int j = 0; j < dy_; ++j) {
      xy_.a_v[j] += a * yr[j];
      yy_.b_u[j] += b * yr[j];
      yy_.a_v[j] += b * yr[j];
    }
  }
  add_cross_products(xs.data(), dx_, ys.data(), dy_, rows, xy_.m.data());
  add_cross_products(xs.data(), dx_, xs.data(), dx_, rows, xx_.m.data());
  add_cross_products(ys.data(), dy_, ys.data(), dy_, rows, yy_.m.data());
  rows_ += rows;
}

double DebiasedCka::hsic(const Pair& p, const std::vector<double>& su,
                         const std::vector<double>& sv, double sum_a, double sum_b) const {
  const double n = static_cast<double>(rows_);
  const double trace = dot(p.m, p.m) - p.ab;
  const double one_k = dot(su, su) - sum_a, one_l = dot(sv, sv) - sum_b;
  double su_m_sv = 0;  // s_uᵀ M s_v
  const std::size_t dv = sv.size();
  for (std::size_t i = 0; i < su.size(); ++i) {
    double row = 0;
    for (std::size_t j = 0; j < dv; ++j) row += p.m[i * dv + j] * sv[j];
    su_m_sv += su[i] * row;
  }
  const double kl1 = su_m_sv - dot(su, p.b_u) - dot(sv, p.a_v) + p.ab;
  return (trace + one_k * one_l / ((n - 1) * (n - 2)) - 2.0 / (n - 2) * kl1) / (n * (n - 3));
}

double DebiasedCka::value() const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (rows_ < 4) return kNaN;
  const double kx = hsic(xx_, sx_, sx_, sum_a_, sum_a_), ky = hsic(yy_, sy_, sy_, sum_b_, sum_b_);
  if (!(kx > 0 && ky > 0)) return kNaN;
  return hsic(xy_, sx_, sy_, sum_a_, sum_b_) / std::sqrt(kx * ky);
}

double debiased_linear_cka(const double* x, int dx, const double* y, int dy, int64_t rows) {
  DebiasedCka cka(dx, dy);
  cka.add(x, y, rows);
  return cka.value();
}

}  // namespace grok

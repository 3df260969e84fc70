#include "grokking/analysis/cka.h"

#include <cmath>
#include <limits>
#include <vector>

namespace grok {
namespace {

double squared_frobenius(const std::vector<double>& m) {
  double sum = 0;
  for (const double v : m) sum += v * v;
  return sum;
}

}  // namespace

LinearCka::LinearCka(int dx, int dy) : xx_(dx, dx), yy_(dy, dy), xy_(dx, dy) {}

void LinearCka::add(const float* x, const float* y, int64_t rows) {
  xx_.add(x, x, rows);
  yy_.add(y, y, rows);
  xy_.add(x, y, rows);
}

void LinearCka::add(const double* x, const double* y, int64_t rows) {
  xx_.add(x, x, rows);
  yy_.add(y, y, rows);
  xy_.add(x, y, rows);
}

double LinearCka::value() const {
  const double cross = squared_frobenius(xy_.centered());  // ‖YᵀX‖²_F = ‖XᵀY‖²_F
  const double denominator =
      std::sqrt(squared_frobenius(xx_.centered())) * std::sqrt(squared_frobenius(yy_.centered()));
  if (!(denominator > 0)) return std::numeric_limits<double>::quiet_NaN();
  return cross / denominator;
}

double linear_cka(const double* x, int dx, const double* y, int dy, int64_t rows) {
  LinearCka cka(dx, dy);
  cka.add(x, y, rows);
  return cka.value();
}

}  // namespace grok

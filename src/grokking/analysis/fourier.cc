#include "grokking/analysis/fourier.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "grokking/core/error.h"

namespace grok {
namespace {

template <typename S>
FourierSpectrum spectrum(const S* rows, int dim, const FourierGroup& group, double key_sd) {
  const int n = group.order;
  GROK_CHECK(n >= 1 && dim > 0, "group order {}, dim {}", n, dim);
  std::vector<double> norm;
  std::vector<double> c(dim), sn(dim);
  for (int k = 1; k <= group.frequency_count(); ++k) {
    std::fill(c.begin(), c.end(), 0.0);
    std::fill(sn.begin(), sn.end(), 0.0);
    for (int64_t i = 0; i < n; ++i) {
      // (k·i mod n) keeps the angle in [0, 2π) so that it is exact to double rounding.
      const double angle = 2 * std::numbers::pi * static_cast<double>((k * i) % n) / n;
      const double ca = std::cos(angle), sa = std::sin(angle);
      const S* row = rows + int64_t{group.element[i]} * dim;
      for (int d = 0; d < dim; ++d) {
        c[d] += ca * static_cast<double>(row[d]);
        sn[d] += sa * static_cast<double>(row[d]);
      }
    }
    double power = 0;
    for (int d = 0; d < dim; ++d) power += c[d] * c[d] + sn[d] * sn[d];
    norm.push_back(std::sqrt(power));
  }
  FourierSpectrum s = summarize_spectrum(std::move(norm), key_sd);
  s.basis = group.basis;
  s.generator = group.generator;
  s.order = n;
  if (group.basis == FourierBasis::kMultiplicative) {
    std::vector<double> mean(dim, 0.0);
    for (int i = 0; i < n; ++i)
      for (int d = 0; d < dim; ++d)
        mean[d] += static_cast<double>(rows[group.element[i] * dim + d]) / n;
    double sq = 0;
    for (int d = 0; d < dim; ++d) sq += std::pow(static_cast<double>(rows[d]) - mean[d], 2);
    s.zero_norm = std::sqrt(sq);
  }
  return s;
}

}  // namespace

FourierSpectrum summarize_spectrum(std::vector<double> norm, double key_sd) {
  FourierSpectrum s;
  s.norm = std::move(norm);
  for (std::size_t k = 1; k <= s.norm.size(); ++k) s.frequencies.push_back(static_cast<int>(k));
  if (s.norm.empty()) return s;
  const auto count = static_cast<double>(s.norm.size());
  double sum = 0, sum_squares = 0;
  for (const double v : s.norm) {
    sum += v;
    sum_squares += v * v;
  }
  for (const double v : s.norm) {
    s.fraction.push_back(sum > 0 ? v / sum : 0.0);
    s.power_fraction.push_back(sum_squares > 0 ? v * v / sum_squares : 0.0);
  }
  const double mean = sum / count;
  double variance = 0;
  for (const double v : s.norm) variance += (v - mean) * (v - mean);
  const double sd = std::sqrt(variance / count);
  s.key_threshold = mean + key_sd * sd;
  // A flat spectrum (sd at rounding level) has no key frequency.
  const double floor = 1e-9 * std::max(mean, 1e-300);
  for (std::size_t i = 0; i < s.norm.size(); ++i)
    if (s.norm[i] > s.key_threshold && s.norm[i] - mean > floor)
      s.key_frequencies.push_back(s.frequencies[i]);
  s.gini = gini_coefficient(s.norm);
  return s;
}

FourierSpectrum fourier_spectrum(const float* rows, int dim, const FourierGroup& group,
                                 double key_sd) {
  return spectrum(rows, dim, group, key_sd);
}
FourierSpectrum fourier_spectrum(const double* rows, int dim, const FourierGroup& group,
                                 double key_sd) {
  return spectrum(rows, dim, group, key_sd);
}

double gini_coefficient(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto n = static_cast<double>(values.size());
  double sum = 0, weighted = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    sum += values[i];
    weighted += (2.0 * static_cast<double>(i + 1) - n - 1.0) * values[i];
  }
  return sum > 0 ? weighted / (n * sum) : 0.0;
}

}  // namespace grok

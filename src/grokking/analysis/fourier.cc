#include "grokking/analysis/fourier.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "grokking/core/error.h"

namespace grok {
namespace {

template <typename S>
FourierSpectrum spectrum(const S* embedding, int p, int dim, double key_sd) {
  GROK_CHECK(p >= 2 && dim > 0, "p {}, dim {}", p, dim);
  FourierSpectrum s;
  std::vector<double> c(dim), sn(dim);
  for (int k = 1; k <= p / 2; ++k) {
    std::fill(c.begin(), c.end(), 0.0);
    std::fill(sn.begin(), sn.end(), 0.0);
    for (int64_t a = 0; a < p; ++a) {
      // (k·a mod p) keeps the angle in [0, 2π) so that it is exact to double rounding.
      const double angle = 2 * std::numbers::pi * static_cast<double>((k * a) % p) / p;
      const double ca = std::cos(angle), sa = std::sin(angle);
      const S* row = embedding + a * dim;
      for (int d = 0; d < dim; ++d) {
        c[d] += ca * static_cast<double>(row[d]);
        sn[d] += sa * static_cast<double>(row[d]);
      }
    }
    double power = 0;
    for (int d = 0; d < dim; ++d) power += c[d] * c[d] + sn[d] * sn[d];
    s.frequencies.push_back(k);
    s.norm.push_back(std::sqrt(power));
  }
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

}  // namespace

FourierSpectrum embedding_fourier(const float* embedding, int p, int dim, double key_sd) {
  return spectrum(embedding, p, dim, key_sd);
}
FourierSpectrum embedding_fourier(const double* embedding, int p, int dim, double key_sd) {
  return spectrum(embedding, p, dim, key_sd);
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

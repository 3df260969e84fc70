// Restricted and excluded loss (restricted_loss.h) on constructed logits: a "model" whose
// logits are the Fourier multiplication algorithm on key frequencies (in the basis of the
// operation) plus a wave at another frequency, where both losses have closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "grokking/analysis/fourier_basis.h"
#include "grokking/analysis/restricted_loss.h"
#include "grokking/data/operation.h"

namespace grok {
namespace {

// Cross-entropy of a row of logits, by the definition.
double ce(const std::vector<double>& row, int label) {
  double z = 0;
  for (const double v : row) z += std::exp(v);
  return std::log(z) - row[label];
}

struct Constructed {
  std::vector<float> logits;  // [N, C]
  std::vector<int32_t> labels;
  std::vector<std::vector<double>> algorithm, rows;  // [N][C]: the key part, the whole row
};

// Every (a, b) of the group grid: ℓ_c = A·Σ_{k∈K} cos(2πk(i_c − i_y)/n) + B·cos(2π·f(i_c)/n)
// over group classes (i = index in the group, y = a op b), 0 elsewhere (C = p + 2 classes).
Constructed construct(const FourierGroup& g, Operation op, const std::vector<int>& keys, int f,
                      double amp_key, double amp_other) {
  Constructed out;
  const int n = g.order, p = g.p, classes = p + 2;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const int a = g.element[i], b = g.element[j];
      const int y = apply_operation(op, a, b, p);
      const int iy = g.index_of[y];
      std::vector<double> key(classes, 0.0), row(classes, 0.0);
      for (int c = 0; c < n; ++c) {
        double v = 0;
        for (const int k : keys) v += amp_key * std::cos(2 * std::numbers::pi * k * (c - iy) / n);
        key[g.element[c]] = v;
        row[g.element[c]] = v + amp_other * std::cos(2 * std::numbers::pi * f * c / n);
      }
      for (const double v : row) out.logits.push_back(static_cast<float>(v));
      out.labels.push_back(y);
      out.algorithm.push_back(key);
      out.rows.push_back(row);
    }
  return out;
}

TEST(RestrictedLoss, ClosedFormsOnTheFourierAlgorithm) {
  const int p = 23;
  for (const Operation op : {Operation::kAdd, Operation::kSub, Operation::kMul, Operation::kDiv}) {
    const FourierGroup g = fourier_group(fourier_basis_for(op, p), p);
    const std::vector<int> keys = {3, 7};
    const Constructed m = construct(g, op, keys, 5, 4.0, 1.5);
    const RestrictedLosses r = restricted_losses(
        m.logits.data(), m.labels.data(), static_cast<int64_t>(m.labels.size()), p + 2, g, keys);
    // Restricted: the row without the frequency-5 wave (the key part has mean 0 over the
    // group). Excluded: the key part removed, leaving the wave alone. Full: the row itself.
    double full = 0, restricted = 0, excluded = 0;
    for (std::size_t e = 0; e < m.labels.size(); ++e) {
      std::vector<double> wave = m.rows[e];
      for (std::size_t c = 0; c < wave.size(); ++c) wave[c] -= m.algorithm[e][c];
      full += ce(m.rows[e], m.labels[e]);
      restricted += ce(m.algorithm[e], m.labels[e]);
      excluded += ce(wave, m.labels[e]);
    }
    const double n = static_cast<double>(m.labels.size());
    EXPECT_NEAR(r.loss, full / n, 1e-5) << to_string(op);  // float logits
    EXPECT_NEAR(r.restricted, restricted / n, 1e-5) << to_string(op);
    EXPECT_NEAR(r.excluded, excluded / n, 1e-5) << to_string(op);
    EXPECT_EQ(r.restricted_accuracy, 1.0) << to_string(op);
    EXPECT_LT(r.restricted, r.loss) << to_string(op);
    EXPECT_GT(r.excluded, std::log(p + 2.0) - 0.5) << to_string(op);  // near chance
  }
}

TEST(RestrictedLoss, AllFrequenciesKeepEverythingNoneKeepsTheMean) {
  const int p = 11;
  const FourierGroup g = fourier_group(FourierBasis::kMultiplicative, p);  // n = 10
  std::vector<double> row(p + 2);
  for (int c = 0; c < p + 2; ++c) row[c] = std::sin(1.7 * c) + 0.1 * c;
  std::vector<double> kept = row, removed = row;
  restrict_to_frequencies(kept.data(), g, {1, 2, 3, 4, 5}, true);  // 5 = Nyquist
  for (int c = 0; c < p + 2; ++c) EXPECT_NEAR(kept[c], row[c], 1e-12) << c;
  restrict_to_frequencies(removed.data(), g, {1, 2, 3, 4, 5}, false);
  double mean = 0;
  for (int i = 0; i < g.order; ++i) mean += row[g.element[i]] / g.order;
  for (int i = 0; i < g.order; ++i) EXPECT_NEAR(removed[g.element[i]], mean, 1e-12);
  EXPECT_EQ(removed[0], row[0]);  // token 0 is outside the multiplicative group
  EXPECT_EQ(removed[p + 1], row[p + 1]);
  std::vector<double> flat = row;
  restrict_to_frequencies(flat.data(), g, {}, true);
  for (int i = 0; i < g.order; ++i) EXPECT_NEAR(flat[g.element[i]], mean, 1e-12);
}

}  // namespace
}  // namespace grok

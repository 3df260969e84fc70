#include "grokking/analysis/restricted_loss.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "grokking/core/error.h"

namespace grok {
namespace {

// Cross-entropy (nats) and correctness of one row of double logits.
std::pair<double, bool> row_loss(const double* row, int classes, int label) {
  const double top = *std::max_element(row, row + classes);
  double sum = 0;
  for (int c = 0; c < classes; ++c) sum += std::exp(row[c] - top);
  const int argmax = static_cast<int>(std::max_element(row, row + classes) - row);
  return {std::log(sum) + top - row[label], argmax == label};
}

}  // namespace

void restrict_to_frequencies(double* row, const FourierGroup& group,
                             const std::vector<int>& key_frequencies, bool keep) {
  const int n = group.order;
  std::vector<double> signal(n), projection(n, 0.0);
  double mean = 0;
  for (int i = 0; i < n; ++i) {
    signal[i] = row[group.element[i]];
    mean += signal[i] / n;
  }
  for (const int k : key_frequencies) {
    GROK_CHECK(k >= 1 && 2 * k <= n, "key frequency {} of a group of order {}", k, n);
    double c = 0, s = 0;
    for (int i = 0; i < n; ++i) {
      const double angle = 2 * std::numbers::pi * static_cast<double>((int64_t{k} * i) % n) / n;
      c += signal[i] * std::cos(angle);
      s += signal[i] * std::sin(angle);
    }
    const double alpha = 2 * k == n ? 1.0 / n : 2.0 / n;
    for (int i = 0; i < n; ++i) {
      const double angle = 2 * std::numbers::pi * static_cast<double>((int64_t{k} * i) % n) / n;
      projection[i] += alpha * (c * std::cos(angle) + s * std::sin(angle));
    }
  }
  for (int i = 0; i < n; ++i)
    row[group.element[i]] = keep ? mean + projection[i] : signal[i] - projection[i];
}

RestrictedLosses restricted_losses(const float* logits, const int32_t* labels, int64_t count,
                                   int classes, const FourierGroup& group,
                                   const std::vector<int>& key_frequencies) {
  GROK_CHECK(classes >= group.p, "{} classes < p {}", classes, group.p);
  RestrictedLosses out;
  if (count == 0) return out;
  std::vector<double> full(classes), kept(classes), removed(classes);
  for (int64_t e = 0; e < count; ++e) {
    for (int c = 0; c < classes; ++c) full[c] = logits[e * classes + c];
    kept = full;
    removed = full;
    restrict_to_frequencies(kept.data(), group, key_frequencies, true);
    restrict_to_frequencies(removed.data(), group, key_frequencies, false);
    const auto [l0, a0] = row_loss(full.data(), classes, labels[e]);
    const auto [l1, a1] = row_loss(kept.data(), classes, labels[e]);
    const auto [l2, a2] = row_loss(removed.data(), classes, labels[e]);
    out.loss += l0;
    out.restricted += l1;
    out.excluded += l2;
    out.accuracy += a0;
    out.restricted_accuracy += a1;
    out.excluded_accuracy += a2;
  }
  const double n = static_cast<double>(count);
  out.loss /= n;
  out.restricted /= n;
  out.excluded /= n;
  out.accuracy /= n;
  out.restricted_accuracy /= n;
  out.excluded_accuracy /= n;
  return out;
}

}  // namespace grok

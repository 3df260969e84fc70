// The Fourier view of a representation of the numbers: how rows R[a] (a = 0..p−1, [p,D]; the
// embedding, or an activation) decompose into the characters of the group that matches the
// operation (fourier_basis.h). Grokked modular-arithmetic models represent numbers on a few
// circles (Nanda et al. 2023, "Progress measures for grokking via mechanistic
// interpretability"), so a sparse spectrum is a signature of the learned algorithm — in the
// right basis: additive for + −, discrete-log (multiplicative) for × ÷.
//
// Definitions over the group (n = order, x_i = the token of element i, k = 1..floor(n/2);
// k = 0, the mean row, is left out; n−k mirrors k):
//   C_k = Σ_i cos(2πki/n)·R[x_i] ∈ R^D,  S_k = Σ_i sin(2πki/n)·R[x_i] ∈ R^D
//   norm_k = sqrt(‖C_k‖² + ‖S_k‖²)     (the modulus of the DFT coefficient at k, over D;
//                                        invariant to a rotation of the representation space
//                                        and to a translation in the group)
//   fraction_k = norm_k / Σ_j norm_j,  power_fraction_k = norm_k² / Σ_j norm_j²
//   key frequencies: norm_k > mean(norm) + key_sd·sd(norm) (population sd over the floor(n/2)
//                    frequencies; default key_sd = 2), in increasing k
//   gini: Gini coefficient of the norms (0 for a flat spectrum, (K−1)/K for one frequency).
// In the multiplicative basis token 0 is outside the group: zero_norm = ‖R[0] − mean_i R[x_i]‖
// reports how far its row sits from the group's mean row (NaN in the additive basis).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "grokking/analysis/fourier_basis.h"

namespace grok {

inline constexpr double kDefaultFourierKeySd = 2.0;

struct FourierSpectrum {
  FourierBasis basis = FourierBasis::kAdditive;
  int generator = 0;                   // the primitive root (multiplicative), 0 (additive)
  int order = 0;                       // the group's size: p or p − 1
  std::vector<int> frequencies;        // 1..floor(order/2)
  std::vector<double> norm;            // norm_k, same order
  std::vector<double> fraction;        // sums to 1 (all 0 for a constant representation)
  std::vector<double> power_fraction;  // sums to 1 (all 0 for a constant representation)
  std::vector<int> key_frequencies;
  double key_threshold = 0;  // mean(norm) + key_sd·sd(norm)
  double gini = 0;
  double zero_norm = std::numeric_limits<double>::quiet_NaN();
};

// rows: [p,dim] row-major, the rows of tokens 0..p−1 (p = group.p).
FourierSpectrum fourier_spectrum(const float* rows, int dim, const FourierGroup& group,
                                 double key_sd = kDefaultFourierKeySd);
FourierSpectrum fourier_spectrum(const double* rows, int dim, const FourierGroup& group,
                                 double key_sd = kDefaultFourierKeySd);

// The summary statistics (fractions, key frequencies, Gini) of per-frequency norms
// (norm[k−1] for frequency k); basis, generator, order and zero_norm are left for the caller.
FourierSpectrum summarize_spectrum(std::vector<double> norm, double key_sd);

// Gini coefficient of non-negative values: Σ_i (2i − n − 1)·x_(i) / (n·Σx) over the values
// sorted ascending (i = 1..n). 0 if all are equal or all zero.
double gini_coefficient(std::vector<double> values);

}  // namespace grok

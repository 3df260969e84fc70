// The Fourier view of the embedding: how the p number tokens' embedding rows E[a] (a = 0..p−1,
// [p,D]) decompose into the discrete frequencies of Z_p. Grokked modular-arithmetic models
// embed numbers on a few circles cos/sin(2πka/p) (Nanda et al. 2023, "Progress measures for
// grokking via mechanistic interpretability"), so a sparse spectrum is a signature of the
// learned algorithm.
//
// Definitions (k = 1..floor(p/2); k = 0, the mean row, is left out; p−k mirrors k):
//   C_k = Σ_a cos(2πka/p)·E[a] ∈ R^D,  S_k = Σ_a sin(2πka/p)·E[a] ∈ R^D
//   norm_k = sqrt(‖C_k‖² + ‖S_k‖²)     (the modulus of the DFT coefficient at k, over D;
//                                        invariant to a rotation of the embedding space and to
//                                        a cyclic shift of the tokens)
//   fraction_k = norm_k / Σ_j norm_j,  power_fraction_k = norm_k² / Σ_j norm_j²
//   key frequencies: norm_k > mean(norm) + key_sd·sd(norm) (population sd over the floor(p/2)
//                    frequencies; default key_sd = 2), in increasing k
//   gini: Gini coefficient of the norms (0 for a flat spectrum, (K−1)/K for one frequency).
#pragma once

#include <cstdint>
#include <vector>

namespace grok {

inline constexpr double kDefaultFourierKeySd = 2.0;

struct FourierSpectrum {
  std::vector<int> frequencies;        // 1..floor(p/2)
  std::vector<double> norm;            // norm_k, same order
  std::vector<double> fraction;        // sums to 1 (all 0 for a constant embedding)
  std::vector<double> power_fraction;  // sums to 1 (all 0 for a constant embedding)
  std::vector<int> key_frequencies;
  double key_threshold = 0;  // mean(norm) + key_sd·sd(norm)
  double gini = 0;
};

// embedding: [p,dim] row-major, the rows of tokens 0..p−1. Requires p >= 2.
FourierSpectrum embedding_fourier(const float* embedding, int p, int dim,
                                  double key_sd = kDefaultFourierKeySd);
FourierSpectrum embedding_fourier(const double* embedding, int p, int dim,
                                  double key_sd = kDefaultFourierKeySd);

// Gini coefficient of non-negative values: Σ_i (2i − n − 1)·x_(i) / (n·Σx) over the values
// sorted ascending (i = 1..n). 0 if all are equal or all zero.
double gini_coefficient(std::vector<double> values);

}  // namespace grok

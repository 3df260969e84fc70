// Losses of logits restricted to, or stripped of, the key frequencies (Nanda et al. 2023,
// §5.1 "restricted loss" and "excluded loss"), along the output axis in the Fourier basis of
// the operation (fourier_basis.h). For one example's logits ℓ over the classes, the classes
// that are group elements (c = x_i, i = 0..n−1) carry the signal ℓ_i = ℓ[x_i]; with
//   P_K ℓ = Σ_{k∈K} α_k [(Σ_i ℓ_i cos θ_ki) cos θ_ki + (Σ_i ℓ_i sin θ_ki) sin θ_ki],
//   θ_ki = 2πki/n, α_k = 2/n (1/n at the Nyquist k = n/2),
// the orthogonal projection onto the key frequencies K:
//   restricted: group classes ← mean_i ℓ_i + (P_K ℓ)_i; other classes (the operator tokens, and
//               0 in the multiplicative basis) unchanged
//   excluded:   group classes ← ℓ_i − (P_K ℓ)_i; other classes unchanged
// and the mean cross-entropy of each against the labels. A model whose logits are a function
// of the key frequencies alone (the Fourier multiplication algorithm) has restricted loss =
// its loss and excluded loss = that of flat logits. Nanda et al. project onto the directions
// cos/sin(w(a+b−c)) of the whole (a, b, c) grid; projecting each example's logits over c keeps
// those and also any other function of (a, b) times a key-frequency wave in c, so it needs no
// assumption about the algorithm's form and works on any subset of examples.
#pragma once

#include <cstdint>
#include <vector>

#include "grokking/analysis/fourier_basis.h"

namespace grok {

struct RestrictedLosses {
  double loss = 0;        // of the logits as given, nats
  double restricted = 0;  // key frequencies only
  double excluded = 0;    // key frequencies removed
  double accuracy = 0, restricted_accuracy = 0, excluded_accuracy = 0;
};

// logits [count, classes] row-major (classes >= group.p), labels [count].
RestrictedLosses restricted_losses(const float* logits, const int32_t* labels, int64_t count,
                                   int classes, const FourierGroup& group,
                                   const std::vector<int>& key_frequencies);

// The two projections of one row (in place helpers, exposed for tests): row [classes].
void restrict_to_frequencies(double* row, const FourierGroup& group,
                             const std::vector<int>& key_frequencies, bool keep);

}  // namespace grok

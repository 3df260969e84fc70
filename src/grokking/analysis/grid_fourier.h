// The Fourier spectrum of an activation as a function of both operands, and the activations
// it is taken of: the attention and MLP outputs of every layer at the readout, over the whole
// group grid (a, b both run over the group of fourier_basis.h). A neuron of a grokked network
// is a function of one frequency k: cos/sin(w·a), cos/sin(w·b) and their products (Nanda et
// al. 2023, §4), so frequency k's share of an activation is that of the 2-D DFT coefficients
// whose frequencies lie in {0, ±k}:
//   F(k1, k2) = Σ_{i,j} x[i,j] e^{−2πi(k1·i + k2·j)/n} ∈ C^D     (x [n,n,D], i = index of a,
//                                                                   j = index of b)
//   norm_k² = Σ_D |F(k,0)|² + |F(0,k)|² + |F(k,k)|² + |F(k,−k)|²  (one of each conjugate pair;
//                                                                   (k,−k) = (k,k) at k = n/2)
// then the summary of fourier.h (fractions, key frequencies, Gini). Not the embedding's
// spectrum (fourier.h), nor the losses restricted to key frequencies (restricted_loss.h).
#pragma once

#include <string>
#include <vector>

#include "grokking/analysis/fourier.h"
#include "grokking/train/model_loader.h"

namespace grok {

// x: [n,n,dim] row-major over (index of a, index of b), n = group.order.
FourierSpectrum grid_fourier(const double* x, int dim, const FourierGroup& group,
                             double key_sd = kDefaultFourierKeySd);

struct NamedSpectrum {
  std::string name;  // "layer1.attention_output", "layer1.mlp_output", ...
  FourierSpectrum spectrum;
};

// Runs the model in inference mode on every (a, b) of the group grid (tokens [a, op, b, =])
// and returns, per layer, the spectrum of the attention output (the residual stream after
// attention minus before it) and of the MLP output (after the FFN minus before it) at the
// readout (position T−1 for cls pooling, the mean over positions for mean pooling).
std::vector<NamedSpectrum> sublayer_spectra(const LoadedModel& model, const FourierGroup& group,
                                            double key_sd = kDefaultFourierKeySd);

}  // namespace grok

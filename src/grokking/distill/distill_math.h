// The elementwise math of the distillation losses (REFERENCE.md §5), as templates over the
// scalar S so that tests check them in double against finite differences. Each function
// returns a loss summed in double and ADDS `scale` times its gradient into the d_ arrays
// (distillation taps accumulate; see model/transformer.h). Not the strategies' bookkeeping
// (which taps, which teacher rows, which normalisers): see *_strategy.h.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "grokking/core/gemm.h"
#include "grokking/distill/top_k.h"

namespace grok {

// τ²·KL(softmax(t/τ) ‖ softmax(s/τ)) of one example. s, t [C] logits. If d_s is not null,
// adds scale·τ·(softmax(s/τ) − softmax(t/τ)) = scale·d(τ²·KL)/ds into d_s [C].
// p_t·log p_t uses the exact log-softmax (0·log 0 = 0), not the reference's clip at 1e-8;
// teacher logits may be −inf (probability 0) as long as one is finite.
// work [2C] is the caller's scratch (the softmaxes' numerators).
template <typename S>
double distillation_kl(const S* s, const S* t, int classes, double temperature, double scale,
                       S* d_s, double* work) {
  const double inv_tau = 1.0 / temperature;
  double max_s = s[0], max_t = t[0];
  for (int c = 1; c < classes; ++c) {
    max_s = std::max<double>(max_s, s[c]);
    max_t = std::max<double>(max_t, t[c]);
  }
  // Two exponentials per class (the softmaxes' numerators, kept), the rest from logarithms.
  double* e_s = work;            // student [0, C)
  double* e_t = work + classes;  // teacher [C, 2C)
  double sum_s = 0, sum_t = 0;
  for (int c = 0; c < classes; ++c) {
    sum_s += e_s[c] = std::exp((s[c] - max_s) * inv_tau);
    sum_t += e_t[c] = std::exp((t[c] - max_t) * inv_tau);
  }
  const double log_sum_s = std::log(sum_s), log_sum_t = std::log(sum_t);
  const double inv_sum_s = 1.0 / sum_s, inv_sum_t = 1.0 / sum_t;
  double kl = 0;
  for (int c = 0; c < classes; ++c) {
    const double log_p = (t[c] - max_t) * inv_tau - log_sum_t;  // teacher log-probability
    const double log_q = (s[c] - max_s) * inv_tau - log_sum_s;  // student log-probability
    const double p = e_t[c] * inv_sum_t;
    // A class the teacher gives probability 0 (logit −inf, e.g. one missing from a top-k file,
    // topk_reconstruction.h) adds nothing: 0·log 0 = 0, where 0·(−inf) would be NaN.
    if (p > 0) kl += p * (log_p - log_q);
    if (d_s) d_s[c] += static_cast<S>(scale * temperature * (e_s[c] * inv_sum_s - p));
  }
  return temperature * temperature * kl;
}

// Top-k logit distillation of one example (Tunix's definition): τ²·KL over the teacher's k
// largest classes only (top_k.h's order, as teacher-logits files store them), both tempered
// softmaxes renormalised over those k. If d_s is not null, adds scale·d/ds into d_s [C] (zero
// outside the k classes). Scratch: order [C]; gathered [3k] (student, teacher and gradient at the k
// classes); work [2k] (distillation_kl's).
template <typename S>
double top_k_distillation_kl(const S* s, const S* t, int classes, int k, double temperature,
                             double scale, S* d_s, int32_t* order, S* gathered, double* work) {
  top_k_order(t, classes, k, order);
  S* s_k = gathered;
  S* t_k = gathered + k;
  S* d_k = gathered + 2 * k;
  for (int i = 0; i < k; ++i) s_k[i] = s[order[i]], t_k[i] = t[order[i]], d_k[i] = S(0);
  const double loss = distillation_kl(s_k, t_k, k, temperature, scale, d_s ? d_k : nullptr, work);
  if (d_s)
    for (int i = 0; i < k; ++i) d_s[order[i]] += d_k[i];
  return loss;
}

// Σ (a − b)² over n elements; adds scale·2(a − b) into d_a if not null.
template <typename S>
double squared_error(const S* a, const S* b, int64_t n, double scale, S* d_a) {
  double sum = 0;
  const S two_scale = static_cast<S>(2 * scale);
  for (int64_t i = 0; i < n; ++i) {
    const S diff = a[i] - b[i];
    sum += static_cast<double>(diff) * diff;
    if (d_a) d_a[i] += two_scale * diff;
  }
  return sum;
}

// Σ (h − x·W)² over rows × out, the feature-projection error of one hidden state.
//   h [rows, out] student states, x [rows, in] teacher states, w [in, out] projector kernel.
// Adds scale·d/dh into d_h and scale·d/dW = −2·scale·xᵀ(h − x·W) into d_w (either may be
// null). scratch [rows, out] receives x·W, then the scaled residual.
template <typename S>
double projected_squared_error(const S* h, const S* x, const S* w, int rows, int in, int out,
                               double scale, S* d_h, S* d_w, S* scratch) {
  gemm(Trans::kNo, Trans::kNo, rows, out, in, S(1), x, in, w, out, S(0), scratch, out);  // x·W
  double sum = 0;
  const S two_scale = static_cast<S>(2 * scale);
  const int64_t n = int64_t{rows} * out;
  for (int64_t i = 0; i < n; ++i) {
    const S diff = h[i] - scratch[i];
    sum += static_cast<double>(diff) * diff;
    if (d_h) d_h[i] += two_scale * diff;
    scratch[i] = two_scale * diff;  // d(loss)/d(h), = −d(loss)/d(x·W)
  }
  if (d_w)  // d_w[in,out] −= xᵀ[in,rows] · scratch[rows,out]
    gemm(Trans::kYes, Trans::kNo, in, out, rows, S(-1), x, in, scratch, out, S(1), d_w, out);
  return sum;
}

}  // namespace grok

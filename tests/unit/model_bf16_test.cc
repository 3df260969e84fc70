// The float model under GemmPrecision::kBf16 (bf16 GEMM operands, fp32 accumulation) against
// the double model, whose gradients model_transformer_test checks by finite differences: the
// bf16 gradient check. Finite differences of the bf16 model itself would measure its rounding
// steps, not its slope, so the check is norm-wise, per tensor, against the exact gradient:
//   ‖g_bf16 − g_double‖ / ‖g_double‖ ≤ 2^-5 (and the logits likewise),
// eight times bf16's unit roundoff u = 2^-8, which errors of O(u) from each of the chained
// products stay within (measured: 0.7–1.6·10^-2 at width 64). fp32 on the same inputs is held to
// 10^-5, and bf16 must differ from fp32 by more than 10^-4, so that the check cannot pass by
// running fp32. Runs where the CPU has AVX512-BF16 or AMX-BF16 (core_gemm_test checks the refusal
// elsewhere).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "grokking/core/gemm.h"
#include "grokking/core/tensor.h"
#include "grokking/model/transformer.h"
#include "model_test_support.h"

namespace grok {
namespace {

using testing::random_tokens;
using testing::random_vector;

constexpr int kBatch = 24;
constexpr double kBf16Tolerance = 1.0 / 32;

// ‖x − ref‖ / ‖ref‖ over n entries.
template <typename S>
double relative_error(const S* x, const double* ref, std::size_t n) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < n; ++i) {
    diff += (x[i] - ref[i]) * (x[i] - ref[i]);
    norm += ref[i] * ref[i];
  }
  return std::sqrt(diff / norm);
}

struct FloatRun {
  std::vector<float> logits, grads;
};

FloatRun run_float(const ModelConfig& c, const std::vector<float>& params,
                   const std::vector<int32_t>& tokens, const std::vector<float>& w,
                   const ForwardOptions& opts, GemmPrecision precision) {
  set_gemm_precision(precision);
  Transformer<float> model(c, kBatch);
  const float* logits = model.forward(params.data(), tokens.data(), kBatch, opts);
  FloatRun run{{logits, logits + kBatch * c.n_classes}, std::vector<float>(params.size(), 0.0f)};
  model.backward(params.data(), w.data(), run.grads.data());
  set_gemm_precision(GemmPrecision::kFp32);
  return run;
}

class Bf16Gradient : public ::testing::TestWithParam<LastLayer> {};

TEST_P(Bf16Gradient, WithinBf16ToleranceOfTheExactGradient) {
  const std::string why = gemm_precision_unsupported(GemmPrecision::kBf16);
  if (!why.empty()) GTEST_SKIP() << why;
  ModelConfig c;
  c.vocab_size = c.n_classes = 13;
  c.dim = 64;
  c.heads = 2;
  c.depth = 2;
  c.dropout = 0.2;
  const TensorLayout layout = param_layout(c);
  std::vector<double> pd(layout.total_size());
  init_params(c, layout, 9, pd.data());
  const std::vector<float> pf(pd.begin(), pd.end());
  for (std::size_t i = 0; i < pd.size(); ++i) pd[i] = pf[i];  // the same (float) parameters
  const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 22);
  const std::vector<double> w = random_vector(kBatch * c.n_classes, 23);
  const std::vector<float> wf(w.begin(), w.end());
  ForwardOptions opts;
  opts.training = true;  // dropout masks are a function of (seed, step): the same in all three
  opts.dropout_seed = 4;
  opts.step = 3;
  opts.last_layer = GetParam();

  Transformer<double> exact(c, kBatch);
  const double* logits = exact.forward(pd.data(), tokens.data(), kBatch, opts);
  const std::vector<double> exact_logits(logits, logits + kBatch * c.n_classes);
  std::vector<double> exact_grads(pd.size(), 0.0);
  exact.backward(pd.data(), w.data(), exact_grads.data());

  const FloatRun fp32 = run_float(c, pf, tokens, wf, opts, GemmPrecision::kFp32);
  const FloatRun bf16 = run_float(c, pf, tokens, wf, opts, GemmPrecision::kBf16);
  const std::size_t n_logits = exact_logits.size();
  EXPECT_LT(relative_error(fp32.logits.data(), exact_logits.data(), n_logits), 1e-5);
  const double logit_error = relative_error(bf16.logits.data(), exact_logits.data(), n_logits);
  EXPECT_LT(logit_error, kBf16Tolerance);
  EXPECT_GT(logit_error, 1e-4) << "bf16 gave fp32's logits: were the operands rounded?";
  for (const TensorSpec& t : layout.tensors()) {
    const double* ref = exact_grads.data() + t.offset;
    const double fp32_error = relative_error(fp32.grads.data() + t.offset, ref, t.size());
    const double bf16_error = relative_error(bf16.grads.data() + t.offset, ref, t.size());
    EXPECT_LT(fp32_error, 1e-5) << t.name;
    EXPECT_LT(bf16_error, kBf16Tolerance) << t.name;
    EXPECT_GT(bf16_error, 1e-4) << t.name << ": bf16 gave fp32's gradient";
    std::printf("  %-28s fp32 %.2e  bf16 %.2e\n", t.name.c_str(), fp32_error, bf16_error);
  }
  std::printf("  %-28s bf16 %.2e\n", "logits", logit_error);
}

INSTANTIATE_TEST_SUITE_P(LastLayers, Bf16Gradient,
                         ::testing::Values(LastLayer::kTrimmed, LastLayer::kAttentionMaps,
                                           LastLayer::kFull),
                         [](const auto& p) {
                           return p.param == LastLayer::kTrimmed         ? "Trimmed"
                                  : p.param == LastLayer::kAttentionMaps ? "AttentionMaps"
                                                                         : "Full";
                         });

}  // namespace
}  // namespace grok

// Attention entropy, weight statistics and the Fourier spectrum of the embedding against
// hand-computed values: a uniform causal map, a small hand vector, a planted cosine embedding.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "grokking/analysis/attention_entropy.h"
#include "grokking/analysis/fourier.h"
#include "grokking/analysis/weight_stats.h"
#include "grokking/core/tensor.h"

namespace grok {
namespace {

constexpr int kT = 4;

// [T,T] causal map: row i uniform over keys 0..i.
std::vector<double> uniform_causal_map() {
  std::vector<double> m(kT * kT, 0.0);
  for (int i = 0; i < kT; ++i)
    for (int k = 0; k <= i; ++k) m[i * kT + k] = 1.0 / (i + 1);
  return m;
}

// [T,T] map attending only to key 0.
std::vector<double> first_key_map() {
  std::vector<double> m(kT * kT, 0.0);
  for (int i = 0; i < kT; ++i) m[i * kT] = 1;
  return m;
}

TEST(AttentionEntropy, RowEntropyByHand) {
  const double row[] = {0.5, 0.25, 0.25, 0};
  // 0.5·ln 2 + 2·0.25·ln 4 = 1.5·ln 2 (the 1e−10 inside the log shifts it by ~1e−10).
  EXPECT_NEAR(row_entropy_nats(row, 4), 1.5 * std::numbers::ln2, 1e-9);
  const float one_hot[] = {0, 1, 0, 0};
  EXPECT_NEAR(row_entropy_nats(one_hot, 4), 0, 1e-9);
}

TEST(AttentionEntropy, UniformCausalMap) {
  // Two examples, one head, both uniform causal: mean (0 + ln 2 + ln 3 + ln 4)/4 = 0.7945.
  std::vector<double> probs = uniform_causal_map();
  probs.insert(probs.end(), probs.begin(), probs.end());
  AttentionEntropy entropy(1, kT);
  entropy.add(probs.data(), 2);
  const auto r = entropy.result();
  const double want = (std::log(2.0) + std::log(3.0) + std::log(4.0)) / 4;
  EXPECT_NEAR(want, 0.7945, 1e-4);
  EXPECT_NEAR(r.mean_nats, want, 1e-8);
  EXPECT_NEAR(r.mean_bits, want / std::log(2.0), 1e-8);
  EXPECT_NEAR(r.mean_bits, (1 + std::log2(3.0) + 2) / 4, 1e-8);  // 0, 1, log2 3, 2 bits
  ASSERT_EQ(r.per_position_nats.size(), 4u);
  for (int i = 0; i < kT; ++i) {
    EXPECT_NEAR(r.per_position_nats[i], std::log(i + 1.0), 1e-8) << i;
    EXPECT_NEAR(r.per_position_bits[i], std::log2(i + 1.0), 1e-8) << i;
  }
}

TEST(AttentionEntropy, AveragesOverHeadsAndExamples) {
  // Heads: [uniform causal, first key]; examples: the same map twice, then chunk 2 with heads
  // swapped. Per head: mean of the two maps' entropies.
  const auto u = uniform_causal_map(), f = first_key_map();
  std::vector<float> chunk1, chunk2;
  for (const auto* m : {&u, &f}) chunk1.insert(chunk1.end(), m->begin(), m->end());
  for (const auto* m : {&f, &u}) chunk2.insert(chunk2.end(), m->begin(), m->end());
  AttentionEntropy entropy(2, kT);
  entropy.add(chunk1.data(), 1);
  entropy.add(chunk2.data(), 1);
  EXPECT_EQ(entropy.examples(), 2);
  const auto r = entropy.result();
  const double uniform = (std::log(2.0) + std::log(3.0) + std::log(4.0)) / 4;
  EXPECT_NEAR(r.mean_nats, uniform / 2, 1e-7);
  EXPECT_NEAR(r.per_head_nats[0], uniform / 2, 1e-7);
  EXPECT_NEAR(r.per_head_nats[1], uniform / 2, 1e-7);
  EXPECT_NEAR(r.per_position_nats[3], std::log(4.0) / 2, 1e-7);
  EXPECT_NEAR(r.per_position_nats[0], 0, 1e-7);
}

TEST(WeightStats, HandVector) {
  const float w[] = {3, -4, 0, 5e-7f, 0};
  const WeightStats s = weight_stats(w, 5);
  EXPECT_EQ(s.n, 5);
  EXPECT_EQ(s.l0, 2);  // 5e-7 is below the 1e-6 threshold
  EXPECT_NEAR(s.l1, 7 + 5e-7, 1e-12);
  EXPECT_NEAR(s.l2, 5, 1e-12);
  EXPECT_NEAR(s.sparsity, 0.6, 1e-15);
  EXPECT_NEAR(s.l1_over_l2, 1.4, 1e-7);
  const float zeros[] = {0, 0};
  EXPECT_EQ(weight_stats(zeros, 2).l1_over_l2, 0);
  EXPECT_EQ(weight_stats(zeros, 2).sparsity, 1);
}

TEST(WeightStats, PerTensorAndTotalSkipPadding) {
  TensorLayout layout;
  layout.add("a", {2});                                   // offset 0
  layout.add("b", {1, 3});                                // offset 16 (padding 2..15)
  std::vector<float> params(layout.total_size(), 99.0f);  // padding must not be counted
  params[0] = 1;
  params[1] = -1;
  const std::size_t b = layout.find("b").offset;
  params[b] = 2;
  params[b + 1] = 0;
  params[b + 2] = 0;
  const ModelWeightStats s = model_weight_stats(layout, params.data());
  ASSERT_EQ(s.tensors.size(), 2u);
  EXPECT_EQ(s.tensors[0].name, "a");
  EXPECT_NEAR(s.tensors[0].stats.l2, std::sqrt(2.0), 1e-12);
  EXPECT_EQ(s.tensors[1].stats.l0, 1);
  EXPECT_EQ(s.total.n, 5);
  EXPECT_EQ(s.total.l0, 3);
  EXPECT_NEAR(s.total.l1, 4, 1e-12);
  EXPECT_NEAR(s.total.l2, std::sqrt(6.0), 1e-12);
  EXPECT_NEAR(s.total.sparsity, 0.4, 1e-15);
}

// E[a] = mean + Σ_f amplitude·(cos(2πfa/p)·u_f + sin(2πfa/p)·w_f), [p,dim].
std::vector<double> planted_embedding(int p, int dim, const std::vector<int>& frequencies,
                                      uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> mean(dim);
  for (double& v : mean) v = normal(rng);
  std::vector<double> e(static_cast<std::size_t>(p) * dim);
  for (int a = 0; a < p; ++a)
    for (int d = 0; d < dim; ++d) e[a * dim + d] = mean[d];
  for (const int f : frequencies) {
    std::vector<double> u(dim), w(dim);
    for (int d = 0; d < dim; ++d) {
      u[d] = normal(rng);
      w[d] = normal(rng);
    }
    double norm = 0;  // scale so that sqrt(|u|² + |w|²) = 1
    for (int d = 0; d < dim; ++d) norm += u[d] * u[d] + w[d] * w[d];
    for (int a = 0; a < p; ++a) {
      const double angle = 2 * std::numbers::pi * f * a / p;
      for (int d = 0; d < dim; ++d)
        e[a * dim + d] += (std::cos(angle) * u[d] + std::sin(angle) * w[d]) / std::sqrt(norm);
    }
  }
  return e;
}

TEST(Fourier, PlantedSingleFrequency) {
  const int p = 23, dim = 8;  // 11 frequencies
  const auto e = planted_embedding(p, dim, {5}, 1);
  const FourierSpectrum s =
      fourier_spectrum(e.data(), dim, fourier_group(FourierBasis::kAdditive, p));
  ASSERT_EQ(s.frequencies.size(), 11u);
  EXPECT_EQ(s.frequencies.front(), 1);
  EXPECT_EQ(s.frequencies.back(), 11);
  // C_5 = Σ cos²·u = (p/2)·u, S_5 = (p/2)·w: norm_5 = p/2; every other frequency is 0 (the
  // constant mean row included).
  for (int k = 1; k <= 11; ++k) EXPECT_NEAR(s.norm[k - 1], k == 5 ? p / 2.0 : 0.0, 1e-10) << k;
  EXPECT_NEAR(s.fraction[4], 1, 1e-10);
  EXPECT_NEAR(s.power_fraction[4], 1, 1e-10);
  EXPECT_EQ(s.key_frequencies, (std::vector<int>{5}));
  EXPECT_NEAR(s.gini, 10.0 / 11.0, 1e-10);  // (K−1)/K for a single non-zero value
  // The float overload (the model's embedding) agrees to float precision.
  const std::vector<float> ef(e.begin(), e.end());
  const FourierSpectrum sf =
      fourier_spectrum(ef.data(), dim, fourier_group(FourierBasis::kAdditive, p));
  EXPECT_EQ(sf.key_frequencies, (std::vector<int>{5}));
  EXPECT_NEAR(sf.norm[4], p / 2.0, 1e-4);
}

TEST(Fourier, TwoFrequenciesAndShiftInvariance) {
  const int p = 31, dim = 6;
  const auto e = planted_embedding(p, dim, {3, 7}, 2);
  const FourierSpectrum s =
      fourier_spectrum(e.data(), dim, fourier_group(FourierBasis::kAdditive, p));
  EXPECT_EQ(s.key_frequencies, (std::vector<int>{3, 7}));
  EXPECT_NEAR(s.fraction[2] + s.fraction[6], 1, 1e-10);
  EXPECT_NEAR(s.fraction[2], 0.5, 1e-10);
  // Gini of two equal non-zero values among 15: Σ(2i−16)·x over i = 14, 15 / (15·2) = 26/30.
  EXPECT_NEAR(s.gini, 26.0 / 30.0, 1e-10);
  // Relabelling the tokens a → a + 4 (mod p) only changes phases.
  std::vector<double> shifted(e.size());
  for (int a = 0; a < p; ++a)
    for (int d = 0; d < dim; ++d) shifted[((a + 4) % p) * dim + d] = e[a * dim + d];
  const FourierSpectrum t =
      fourier_spectrum(shifted.data(), dim, fourier_group(FourierBasis::kAdditive, p));
  for (std::size_t k = 0; k < s.norm.size(); ++k) EXPECT_NEAR(t.norm[k], s.norm[k], 1e-10);
  // A larger threshold keeps none: both spikes are at mean + 2.55 sd.
  EXPECT_TRUE(fourier_spectrum(e.data(), dim, fourier_group(FourierBasis::kAdditive, p), 3.0)
                  .key_frequencies.empty());
}

TEST(Fourier, FlatSpectrumHasNoKeyFrequency) {
  // E[a] = one-hot(a) (p = dim): every frequency has norm sqrt(p) by Parseval.
  const int p = 11;
  std::vector<double> e(p * p, 0.0);
  for (int a = 0; a < p; ++a) e[a * p + a] = 1;
  const FourierSpectrum s =
      fourier_spectrum(e.data(), p, fourier_group(FourierBasis::kAdditive, p));
  for (const double v : s.norm) EXPECT_NEAR(v, std::sqrt(static_cast<double>(p)), 1e-12);
  EXPECT_TRUE(s.key_frequencies.empty());
  EXPECT_NEAR(s.gini, 0, 1e-12);
}

TEST(Fourier, GiniByHand) {
  EXPECT_NEAR(gini_coefficient({1, 2, 3, 4}), 0.25, 1e-15);
  EXPECT_NEAR(gini_coefficient({0, 0, 0, 1}), 0.75, 1e-15);
  EXPECT_EQ(gini_coefficient({2, 2, 2}), 0);
  EXPECT_EQ(gini_coefficient({0, 0}), 0);
}

}  // namespace
}  // namespace grok

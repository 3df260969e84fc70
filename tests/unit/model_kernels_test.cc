// The fast elementwise kernels against their references: the AVX2 dropout mask is bit-identical
// to the scalar one and to the formula of dropout.h written out with Philox; the float SiLU
// gate (AVX2+FMA where available) agrees with the double reference to float rounding, keeps
// NaN, and its backward with σ recomputed equals the one with σ saved. On a CPU without AVX2
// both paths are the reference and the comparisons hold trivially (the formula checks do not).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "grokking/core/philox.h"
#include "grokking/model/dropout.h"
#include "grokking/model/silu_gate.h"
#include "model_test_support.h"

namespace grok {
namespace {

using testing::random_vector;

TEST(ModelKernels, DispatchFollowsTheCpu) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  EXPECT_EQ(dropout_mask_uses_avx2(), __builtin_cpu_supports("avx2") != 0);
  EXPECT_EQ(silu_gate_uses_avx2(),
            __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0);
  EXPECT_EQ(dropout_mask_uses_avx512(), __builtin_cpu_supports("avx512f") != 0);
  EXPECT_EQ(silu_gate_uses_avx512(),
            silu_gate_uses_avx2() && __builtin_cpu_supports("avx512f") != 0);
#else
  EXPECT_FALSE(dropout_mask_uses_avx2());
  EXPECT_FALSE(silu_gate_uses_avx2());
  EXPECT_FALSE(dropout_mask_uses_avx512());
  EXPECT_FALSE(silu_gate_uses_avx512());
#endif
}

// Element (row, col) of dropout.h's formula: word col % 4 of Philox(seed, kDropout, step)
// .block(site·2^44 + row·2^20 + col/4), kept iff its top 24 bits ≥ round(rate·2^24).
uint8_t formula_bit(const DropoutSite& s, int row, int col) {
  const Philox rng(s.seed, RngPurpose::kDropout, s.step);
  const uint64_t index = (static_cast<uint64_t>(s.site) << 44) |
                         (static_cast<uint64_t>(row) << 20) | static_cast<uint64_t>(col / 4);
  const uint32_t threshold = static_cast<uint32_t>(std::llround(s.rate * 16777216.0));
  return (rng.block(index)[col % 4] >> 8) >= threshold;
}

TEST(ModelKernels, DropoutMaskFastEqualsReferenceAndFormula) {
  const DropoutSite sites[] = {{11, 7, 3, 0.2},
                               {0xFEDCBA9876543210ull, 0x123456789ull, 5, 0.5},
                               {1, 0, 0, 0.0},
                               {2, 9, 1, 0.999}};
  for (const DropoutSite& site : sites)
    for (int width : {1, 3, 4, 31, 32, 36, 64, 100, 128, 512}) {
      for (RowSet rows : {all_rows(5, 4), last_position_rows(5, 4), RowSet{4093, 3, 1}}) {
        const int n = (rows.row(rows.count - 1) + 1) * width;
        std::vector<uint8_t> fast(n, 9), ref(n, 9);
        dropout_mask(site, rows, width, fast.data());
        dropout_mask_reference(site, rows, width, ref.data());
        ASSERT_EQ(fast, ref) << "seed " << site.seed << " width " << width;
      }
      // Spot checks of the formula itself, in the vector body and in the tail.
      std::vector<uint8_t> mask(6 * width);
      dropout_mask(site, all_rows(3, 2), width, mask.data());
      for (int row : {0, 5})
        for (int col : {0, width / 2, width - 1})
          ASSERT_EQ(mask[row * width + col], formula_bit(site, row, col)) << row << " " << col;
    }
}

TEST(ModelKernels, DropoutMaskRateExtremes) {
  std::vector<uint8_t> mask(4 * 128);
  dropout_mask({3, 4, 0, 0.0}, all_rows(1, 4), 128, mask.data());
  for (uint8_t m : mask) ASSERT_EQ(m, 1);  // rate 0 keeps everything
  long kept = 0;
  dropout_mask({3, 4, 0, 0.75}, all_rows(1, 4), 128, mask.data());
  for (uint8_t m : mask) kept += m;
  EXPECT_NEAR(kept / 512.0, 0.25, 0.06);
}

struct GateCase {
  int n;
  bool mask;
  bool save_sig;
};

TEST(ModelKernels, SiluGateFloatAgreesWithDoubleReference) {
  for (GateCase c : {GateCase{512, true, true}, GateCase{512, false, false},
                     GateCase{37, true, false}, GateCase{5, false, true}}) {
    const std::vector<double> ad = random_vector(c.n, 1, 12.0), bd = random_vector(c.n, 2, 3.0);
    const std::vector<double> dgd = random_vector(c.n, 3, 2.0);
    std::vector<uint8_t> mask(c.n);
    for (int j = 0; j < c.n; ++j) mask[j] = (j * 7) % 5 != 0;
    const uint8_t* m = c.mask ? mask.data() : nullptr;
    std::vector<float> af(ad.begin(), ad.end()), bf(bd.begin(), bd.end());
    std::vector<double> a(af.begin(), af.end()), b(bf.begin(), bf.end());  // the same inputs
    const double keep = 1.25;
    std::vector<double> sig(c.n), g(c.n), da(dgd), db(c.n);
    silu_gate_forward(c.n, a.data(), b.data(), m, keep, sig.data(), g.data());
    silu_gate_backward(c.n, a.data(), b.data(), sig.data(), m, keep, da.data(), db.data());
    std::vector<float> sigf(c.n, -1.0f), gf(c.n), daf(dgd.begin(), dgd.end()), dbf(c.n);
    silu_gate_forward(c.n, af.data(), bf.data(), m, 1.25f, c.save_sig ? sigf.data() : nullptr,
                      gf.data());
    silu_gate_backward(c.n, af.data(), bf.data(), c.save_sig ? sigf.data() : nullptr, m, 1.25f,
                       daf.data(), dbf.data());
    for (int j = 0; j < c.n; ++j) {
      // A few float roundings of each formula; d_a's 1 − σ loses relative precision as σ → 1.
      ASSERT_NEAR(gf[j], g[j], 4e-7 * (std::abs(g[j]) + 1)) << j;
      ASSERT_NEAR(daf[j], da[j], 2e-6 * (std::abs(da[j]) + 1)) << j;
      ASSERT_NEAR(dbf[j], db[j], 4e-7 * (std::abs(db[j]) + 1)) << j;
      if (c.save_sig)
        ASSERT_NEAR(sigf[j], sig[j], 3e-7) << j;
      else
        ASSERT_EQ(sigf[j], -1.0f);  // not written
      if (c.mask && !mask[j]) {
        ASSERT_EQ(gf[j], 0.0f);
      }
    }
    // Hand value of one element: g = a·σ(a)·b·(mask·keep).
    EXPECT_NEAR(g[3], a[3] / (1 + std::exp(-a[3])) * b[3] * (m ? mask[3] * keep : 1.0), 1e-12);
  }
}

TEST(ModelKernels, SiluGateFastMatchesFloatReference) {
  const int n = 256;
  const std::vector<double> src = random_vector(n, 4, 100.0);  // beyond the exp clamps too
  std::vector<float> a(src.begin(), src.end()), b(n, 1.5f);
  std::vector<float> sig(n), g(n), sig_ref(n), g_ref(n);
  silu_gate_forward(n, a.data(), b.data(), nullptr, 1.0f, sig.data(), g.data());
  silu_gate_forward_reference(n, a.data(), b.data(), nullptr, 1.0f, sig_ref.data(), g_ref.data());
  for (int j = 0; j < n; ++j) {
    ASSERT_NEAR(sig[j], sig_ref[j], 2.5e-7f) << a[j];  // a few ulp: FMA rounding in exp
    ASSERT_TRUE(std::isfinite(g[j]));
  }
  // Backward: σ recomputed equals σ saved, bit for bit.
  const std::vector<double> dg = random_vector(n, 5);
  std::vector<float> da1(dg.begin(), dg.end()), da2 = da1, db1(n), db2(n);
  silu_gate_backward(n, a.data(), b.data(), sig.data(), nullptr, 1.0f, da1.data(), db1.data());
  silu_gate_backward(n, a.data(), b.data(), nullptr, nullptr, 1.0f, da2.data(), db2.data());
  EXPECT_EQ(da1, da2);
  EXPECT_EQ(db1, db2);
}

// The dispatched gate on a whole row (16 lanes at a time with AVX-512) against the same row
// in pieces of 8 (each too short for 16 lanes: the AVX2 code): bit for bit, forward and
// backward, with and without mask and saved σ.
TEST(ModelKernels, SiluGateWideAndNarrowLanesAgreeBitForBit) {
  const int n = 256;
  const std::vector<double> src = random_vector(n, 6, 30.0);
  const std::vector<double> dg = random_vector(n, 7);
  std::vector<float> a(src.begin(), src.end()), b(n);
  for (int j = 0; j < n; ++j) b[j] = 0.25f * static_cast<float>(j % 7) - 0.6f;
  std::vector<uint8_t> mask(n);
  for (int j = 0; j < n; ++j) mask[j] = (j * 7919) % 5 != 0;
  for (const uint8_t* m :
       {static_cast<const uint8_t*>(nullptr), static_cast<const uint8_t*>(mask.data())}) {
    std::vector<float> sig_w(n), g_w(n), sig_n(n), g_n(n);
    silu_gate_forward(n, a.data(), b.data(), m, 1.25f, sig_w.data(), g_w.data());
    for (int j = 0; j < n; j += 8)
      silu_gate_forward(8, a.data() + j, b.data() + j, m ? m + j : nullptr, 1.25f, sig_n.data() + j,
                        g_n.data() + j);
    EXPECT_EQ(sig_w, sig_n);
    EXPECT_EQ(g_w, g_n);
    for (const float* s :
         {static_cast<const float*>(nullptr), static_cast<const float*>(sig_w.data())}) {
      std::vector<float> da_w(dg.begin(), dg.end()), da_n = da_w, db_w(n), db_n(n);
      silu_gate_backward(n, a.data(), b.data(), s, m, 1.25f, da_w.data(), db_w.data());
      for (int j = 0; j < n; j += 8)
        silu_gate_backward(8, a.data() + j, b.data() + j, s ? s + j : nullptr, m ? m + j : nullptr,
                           1.25f, da_n.data() + j, db_n.data() + j);
      EXPECT_EQ(da_w, da_n);
      EXPECT_EQ(db_w, db_n);
    }
  }
}

TEST(ModelKernels, SiluGatePropagatesNaN) {
  std::vector<float> a(16, 0.5f), b(16, 1.0f), sig(16), g(16);
  a[2] = a[13] = std::numeric_limits<float>::quiet_NaN();
  silu_gate_forward(16, a.data(), b.data(), nullptr, 1.0f, sig.data(), g.data());
  EXPECT_TRUE(std::isnan(g[2]));
  EXPECT_TRUE(std::isnan(g[13]));
  EXPECT_TRUE(std::isnan(sig[2]));
  EXPECT_FALSE(std::isnan(g[3]));
}

}  // namespace
}  // namespace grok

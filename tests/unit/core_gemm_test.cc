// The float GEMMs against the naive reference run in double: every transpose combination,
// non-square and degenerate shapes, padded leading dimensions, alpha/beta semantics, and the
// model's own shapes (M = B·T = 2048, K/N in {128, 512, 99}), for each engine: the backend
// (oneDNN's dnnl_sgemm or CBLAS) at fp32, oneDNN's matmul primitive at fp32, and grok::gemm
// at GemmPrecision::kBf16, whose reference multiplies the operands rounded to bf16 (bf16.h):
// products of bf16 numbers are exact in fp32, so the fp32 accumulation bound applies as is.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "grokking/core/bf16.h"
#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/onednn_matmul.h"
#include "grokking/core/philox.h"
#include "grokking/core/threads.h"

namespace grok {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kPadSentinel = 12345.0f;  // written into C's padding; must survive the call

struct GemmCase {
  Trans trans_a = Trans::kNo;
  Trans trans_b = Trans::kNo;
  int m = 1, n = 1, k = 1;
  int pad_a = 0, pad_b = 0, pad_c = 0;  // extra elements per stored row (ld = cols + pad)
  float alpha = 1, beta = 0;
};

std::string describe(const GemmCase& c) {
  return fmt::format("trans_a={} trans_b={} m={} n={} k={} pads=({},{},{}) alpha={} beta={}",
                     c.trans_a == Trans::kYes, c.trans_b == Trans::kYes, c.m, c.n, c.k, c.pad_a,
                     c.pad_b, c.pad_c, c.alpha, c.beta);
}

// A row-major matrix as stored: rows × ld floats, the first cols of each row in use.
struct Stored {
  int rows = 0, cols = 0, ld = 0;
  std::vector<float> data;
  Stored(int rows_in, int cols_in, int pad)
      : rows(rows_in),
        cols(cols_in),
        ld(cols_in + pad),
        data(static_cast<std::size_t>(rows_in) * (cols_in + pad)) {}
  float& at(int i, int j) { return data[static_cast<std::size_t>(i) * ld + j]; }
};

// Values uniform in [-1, 1) in use, `pad_value` in the padding.
void fill(Stored& s, uint64_t seed, float pad_value) {
  const Philox rng(seed, RngPurpose::kTest, 0);
  for (int i = 0; i < s.rows; ++i)
    for (int j = 0; j < s.ld; ++j)
      s.at(i, j) = j < s.cols ? static_cast<float>(2 * rng.uniform(i * s.ld + j) - 1) : pad_value;
}

struct Inputs {
  Stored a, b, c;
  explicit Inputs(const GemmCase& g)
      : a(g.trans_a == Trans::kNo ? g.m : g.k, g.trans_a == Trans::kNo ? g.k : g.m, g.pad_a),
        b(g.trans_b == Trans::kNo ? g.k : g.n, g.trans_b == Trans::kNo ? g.n : g.k, g.pad_b),
        c(g.m, g.n, g.pad_c) {}
};

// NaN in A's and B's padding (a backend reading it would spread NaN into C), NaN in C itself
// when beta is 0 (BLAS semantics: C is then output only), a sentinel in C's padding.
Inputs make_inputs(const GemmCase& g, uint64_t seed) {
  Inputs in(g);
  fill(in.a, 3 * seed + 0, kNaN);
  fill(in.b, 3 * seed + 1, kNaN);
  fill(in.c, 3 * seed + 2, kPadSentinel);
  if (g.beta == 0)
    for (int i = 0; i < g.m; ++i)
      for (int j = 0; j < g.n; ++j) in.c.at(i, j) = kNaN;
  return in;
}

enum class Engine { kBackend, kMatmulF32, kBf16 };

std::string engine_name(Engine e) {
  return e == Engine::kBackend ? "backend" : e == Engine::kMatmulF32 ? "matmul_f32" : "bf16";
}

// op(X) of a stored matrix as a dense row-major double matrix (padding dropped), its entries
// rounded to bf16 first when `bf16`.
std::vector<double> dense_op(const Stored& s, Trans t, bool bf16) {
  const int rows = t == Trans::kNo ? s.rows : s.cols, cols = t == Trans::kNo ? s.cols : s.rows;
  std::vector<double> out(static_cast<std::size_t>(rows) * cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const float v = s.data[t == Trans::kNo ? static_cast<std::size_t>(i) * s.ld + j
                                             : static_cast<std::size_t>(j) * s.ld + i];
      out[static_cast<std::size_t>(i) * cols + j] = bf16 ? from_bf16(to_bf16(v)) : v;
    }
  return out;
}

// Euclidean norm of each row of a dense [rows, cols] matrix.
std::vector<double> row_norms(const std::vector<double>& x, int rows, int cols) {
  std::vector<double> norms(rows, 0.0);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j)
      norms[i] +=
          x[static_cast<std::size_t>(i) * cols + j] * x[static_cast<std::size_t>(i) * cols + j];
    norms[i] = std::sqrt(norms[i]);
  }
  return norms;
}

// The product in double (gemm_reference) and a per-entry tolerance, laid out like C.
// Tolerance: the classical dot-product error bound (k + 2)·eps·(|alpha|·Σ_p|a_ip||b_pj| +
// |beta·c_ij|), eps = 2^-23, i.e. relative to the k-scaled magnitude of the terms rather
// than of the result; Σ_p|a_ip||b_pj| is bounded by ‖a_i‖·‖b_j‖ (Cauchy–Schwarz), which costs
// O((m + n)·k) instead of a second product.
struct Reference {
  std::vector<double> c, tol;
};

Reference reference(const GemmCase& g, const Inputs& in, Trans ref_trans_b, bool bf16) {
  // Operands packed as op(A) [m,k] and op(B)ᵀ [n,k], so that the reference's inner loop runs
  // along contiguous memory: the same product, several times faster at the model's shapes.
  const std::vector<double> a = dense_op(in.a, g.trans_a, bf16);
  const std::vector<double> b_t =
      dense_op(in.b, ref_trans_b == Trans::kNo ? Trans::kYes : Trans::kNo, bf16);
  Reference ref{{in.c.data.begin(), in.c.data.end()}, std::vector<double>(in.c.data.size())};
  gemm_reference<double>(Trans::kNo, Trans::kYes, g.m, g.n, g.k, g.alpha, a.data(), g.k, b_t.data(),
                         g.k, g.beta, ref.c.data(), in.c.ld);
  const std::vector<double> norm_a = row_norms(a, g.m, g.k), norm_b = row_norms(b_t, g.n, g.k);
  const double eps = std::numeric_limits<float>::epsilon();
  for (int i = 0; i < g.m; ++i)
    for (int j = 0; j < g.n; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * in.c.ld + j;
      const double c_term = g.beta == 0 ? 0.0 : std::abs(g.beta * in.c.data[at]);
      ref.tol[at] = (g.k + 2) * eps * (std::abs(g.alpha) * norm_a[i] * norm_b[j] + c_term) +
                    std::numeric_limits<float>::denorm_min();
    }
  return ref;
}

struct Comparison {
  int64_t violations = 0;     // entries outside tolerance (NaN counts)
  int64_t pad_clobbered = 0;  // entries of C's padding that changed
  double worst_ratio = 0;     // max |error| / tolerance
};

Comparison compare(const GemmCase& g, const Reference& ref, const Stored& c_out) {
  Comparison result;
  for (int i = 0; i < g.m; ++i) {
    for (int j = 0; j < c_out.ld; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * c_out.ld + j;
      if (j >= g.n) {
        result.pad_clobbered += c_out.data[at] != kPadSentinel;
        continue;
      }
      const double err = std::abs(static_cast<double>(c_out.data[at]) - ref.c[at]);
      if (!(err <= ref.tol[at])) ++result.violations;  // NaN fails too
      if (std::isfinite(err)) result.worst_ratio = std::max(result.worst_ratio, err / ref.tol[at]);
    }
  }
  return result;
}

// Each test runs once per engine; the bf16 engine's reference rounds the operands.
class GemmEngine : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kMatmulF32 && gemm_backend_name() != "onednn")
      GTEST_SKIP() << "oneDNN's matmul primitive: the oneDNN build only";
    if (GetParam() == Engine::kBf16) {
      const std::string why = gemm_precision_unsupported(GemmPrecision::kBf16);
      if (!why.empty()) GTEST_SKIP() << why;  // GemmPrecision.Bf16Availability checks why
      set_gemm_precision(GemmPrecision::kBf16);
    }
  }
  void TearDown() override { set_gemm_precision(GemmPrecision::kFp32); }

  bool bf16() const { return GetParam() == Engine::kBf16; }

  Stored run(const GemmCase& g, const Inputs& in) const {
    Stored c = in.c;
    if (GetParam() == Engine::kMatmulF32)
      onednn_matmul(MatmulType::kF32, g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha,
                    in.a.data.data(), in.a.ld, in.b.data.data(), in.b.ld, g.beta, c.data.data(),
                    c.ld);
    else
      gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha, in.a.data.data(), in.a.ld,
           in.b.data.data(), in.b.ld, g.beta, c.data.data(), c.ld);
    return c;
  }

  Comparison compare_with(const GemmCase& g, const Inputs& in, const Stored& c_out,
                          Trans ref_trans_b) const {
    return compare(g, reference(g, in, ref_trans_b, bf16()), c_out);
  }

  void expect_matches_reference(const GemmCase& g, uint64_t seed) const {
    SCOPED_TRACE(describe(g));
    const Inputs in = make_inputs(g, seed);
    const Stored c = run(g, in);
    const Comparison cmp = compare_with(g, in, c, g.trans_b);
    EXPECT_EQ(cmp.violations, 0) << "worst |error|/tolerance " << cmp.worst_ratio;
    EXPECT_EQ(cmp.pad_clobbered, 0) << "the engine wrote into C's padding (ldc > n)";
  }
};

const Trans kBoth[] = {Trans::kNo, Trans::kYes};

TEST(GemmReference, MatchesHandComputedProduct) {
  // A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12]: A·B = [58 64; 139 154].
  const double a[] = {1, 2, 3, 4, 5, 6}, a_t[] = {1, 4, 2, 5, 3, 6};
  const double b[] = {7, 8, 9, 10, 11, 12}, b_t[] = {7, 9, 11, 8, 10, 12};
  for (Trans ta : kBoth)
    for (Trans tb : kBoth) {
      double c[] = {1, 2, 3, 4};
      gemm_reference(ta, tb, 2, 2, 3, 2.0, ta == Trans::kNo ? a : a_t, ta == Trans::kNo ? 3 : 2,
                     tb == Trans::kNo ? b : b_t, tb == Trans::kNo ? 2 : 3, 0.5, c, 2);
      EXPECT_EQ(c[0], 2 * 58 + 0.5);
      EXPECT_EQ(c[1], 2 * 64 + 1.0);
      EXPECT_EQ(c[2], 2 * 139 + 1.5);
      EXPECT_EQ(c[3], 2 * 154 + 2.0);
    }
}

TEST_P(GemmEngine, AllTransposesNonSquareAndPadded) {
  // (m, n, k) with no two equal, so that a swapped dimension cannot go unnoticed.
  const int shapes[][3] = {{7, 5, 3}, {13, 17, 19}, {64, 33, 100}, {3, 70, 129}, {130, 2, 41}};
  uint64_t seed = 1;
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (const auto& s : shapes)
        for (int pad : {0, 3}) {
          GemmCase g{ta, tb, s[0], s[1], s[2], pad, 2 * pad, pad + 1, 1.0f, 0.0f};
          expect_matches_reference(g, seed++);
        }
}

TEST_P(GemmEngine, DegenerateDimensionsOfOne) {
  const int shapes[][3] = {{1, 9, 8}, {9, 1, 8}, {9, 8, 1}, {1, 1, 1}, {1, 1, 300}, {1, 300, 1}};
  uint64_t seed = 100;
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (const auto& s : shapes) {
        expect_matches_reference({ta, tb, s[0], s[1], s[2], 0, 0, 0, 1.0f, 0.0f}, seed++);
        expect_matches_reference({ta, tb, s[0], s[1], s[2], 2, 1, 5, -0.5f, 1.0f}, seed++);
      }
}

TEST_P(GemmEngine, AlphaBeta) {
  uint64_t seed = 200;
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (float alpha : {1.0f, -0.75f, 3.0f})
        for (float beta : {0.0f, 1.0f, 0.5f, -2.0f})
          expect_matches_reference({ta, tb, 21, 11, 37, 1, 0, 2, alpha, beta}, seed++);
}

TEST_P(GemmEngine, BetaZeroIgnoresNaNInC) {
  for (Trans ta : kBoth)
    for (Trans tb : kBoth) {
      const GemmCase g{ta, tb, 16, 24, 8, 0, 0, 0, 1.0f, 0.0f};
      const Inputs in = make_inputs(g, 300);  // C is all NaN
      ASSERT_TRUE(std::isnan(in.c.data[0]));
      const Stored c = run(g, in);
      for (float v : c.data) ASSERT_TRUE(std::isfinite(v));
      EXPECT_EQ(compare_with(g, in, c, tb).violations, 0);
    }
}

TEST_P(GemmEngine, BetaOneAccumulates) {
  // Two calls with beta 1 on the same C add the product twice: C0 + 2·A·B (the way weight
  // gradients accumulate over uses).
  const GemmCase g{Trans::kYes, Trans::kNo, 12, 10, 30, 0, 0, 0, 1.0f, 1.0f};
  const Inputs in = make_inputs(g, 400);
  Inputs again = in;
  again.c = run(g, in);
  const Stored c = run(g, again);
  const GemmCase twice{g.trans_a, g.trans_b, g.m, g.n, g.k, 0, 0, 0, 2.0f, 1.0f};
  const Comparison cmp = compare_with(twice, in, c, g.trans_b);
  EXPECT_EQ(cmp.violations, 0) << "worst |error|/tolerance " << cmp.worst_ratio;
}

TEST_P(GemmEngine, ZeroDepthScalesC) {
  // k = 0: the product is empty, C = beta·C.
  for (float beta : {0.0f, 1.0f, 0.5f}) {
    const GemmCase g{Trans::kNo, Trans::kNo, 5, 7, 0, 1, 0, 0, 1.0f, beta};  // lda 1 >= max(1, k)
    const Inputs in = make_inputs(g, 500);
    const Stored c = run(g, in);
    for (int i = 0; i < g.m * g.n; ++i)
      EXPECT_EQ(c.data[i], beta == 0 ? 0.0f : beta * in.c.data[i]) << "beta " << beta;
  }
}

// The comparison must be able to fail: the product with B transposed is not the reference
// of the product without.
TEST_P(GemmEngine, ComparisonDetectsATransposeMistake) {
  const GemmCase g{Trans::kNo, Trans::kYes, 16, 16, 16, 0, 0, 0, 1.0f, 0.0f};
  const Inputs in = make_inputs(g, 600);
  const Stored c = run(g, in);
  EXPECT_EQ(compare_with(g, in, c, Trans::kYes).violations, 0);
  EXPECT_GT(compare_with(g, in, c, Trans::kNo).violations, 200);
}

// The model's products at batch 512 (M = B·T = 2048 rows; the trimmed last layer and the
// head have M = 512): forward x·W, backward d_x = d_y·Wᵀ and d_W = xᵀ·d_y (accumulating),
// at 1 and 2 threads.
TEST_P(GemmEngine, ModelShapesForwardAndBackward) {
  struct Product {
    int rows, in, out;  // x [rows, in] · W [in, out]
  };
  const Product products[] = {
      {2048, 128, 128}, {2048, 128, 512}, {2048, 512, 128}, {512, 128, 99}, {512, 512, 128}};
  uint64_t seed = 700;
  for (const Product& p : products) {
    const GemmCase cases[] = {
        {Trans::kNo, Trans::kNo, p.rows, p.out, p.in, 0, 0, 0, 1.0f, 0.0f},   // y = x·W
        {Trans::kNo, Trans::kYes, p.rows, p.in, p.out, 0, 0, 0, 1.0f, 0.0f},  // d_x = d_y·Wᵀ
        {Trans::kYes, Trans::kNo, p.in, p.out, p.rows, 0, 0, 0, 1.0f, 1.0f},  // d_W += xᵀ·d_y
    };
    for (const GemmCase& g : cases) {
      const Inputs in = make_inputs(g, seed++);
      const Reference ref = reference(g, in, g.trans_b, bf16());
      for (int threads : {1, 2}) {
        set_num_threads(threads);
        const Comparison cmp = compare(g, ref, run(g, in));
        EXPECT_EQ(cmp.violations, 0) << describe(g) << " threads=" << threads
                                     << " worst |error|/tolerance " << cmp.worst_ratio;
      }
    }
  }
  set_num_threads(1);
}

// Bit-identical runs need a backend that returns the same bits for the same inputs and
// thread count.
TEST_P(GemmEngine, RepeatableAtFixedThreadCount) {
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    for (Trans ta : kBoth) {
      const GemmCase g{ta,
                       Trans::kNo,
                       ta == Trans::kNo ? 2048 : 512,
                       128,
                       ta == Trans::kNo ? 512 : 2048,
                       0,
                       0,
                       0,
                       1.0f,
                       0.0f};
      const Inputs in = make_inputs(g, 800);
      const Stored first = run(g, in);
      const Stored second = run(g, in);
      EXPECT_EQ(first.data, second.data) << describe(g) << " threads=" << threads;
    }
  }
  set_num_threads(1);
}

// The bf16 engine rounds its operands: against the unrounded product it is off by far more
// than fp32 rounding allows (a bf16 engine that silently ran fp32 would fail here), and
// within the bf16 bound of 2^-8 relative per operand.
TEST(GemmBf16, RoundsItsOperands) {
  const std::string why = gemm_precision_unsupported(GemmPrecision::kBf16);
  if (!why.empty()) GTEST_SKIP() << why;
  const GemmCase g{Trans::kNo, Trans::kNo, 64, 48, 128, 0, 0, 0, 1.0f, 0.0f};
  const Inputs in = make_inputs(g, 900);
  set_gemm_precision(GemmPrecision::kBf16);
  Stored c = in.c;
  gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha, in.a.data.data(), in.a.ld, in.b.data.data(),
       in.b.ld, g.beta, c.data.data(), c.ld);
  set_gemm_precision(GemmPrecision::kFp32);
  const Reference exact = reference(g, in, g.trans_b, false);
  EXPECT_GT(compare(g, exact, c).violations, g.m * g.n / 2);
  Reference loose = exact;
  for (double& t : loose.tol) t *= 2.0 / 256 / ((g.k + 2) * std::numeric_limits<float>::epsilon());
  EXPECT_EQ(compare(g, loose, c).violations, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, GemmEngine,
                         ::testing::Values(Engine::kBackend, Engine::kMatmulF32, Engine::kBf16),
                         [](const auto& p) { return engine_name(p.param); });

}  // namespace
}  // namespace grok

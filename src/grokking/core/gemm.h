// The one matrix-product interface of the project. Row-major throughout:
//   C[M,N] = alpha * op(A)[M,K] · op(B)[K,N] + beta * C,  op(X) = X or Xᵀ.
// lda/ldb/ldc are the row strides of A, B, C as stored (A is [M,K] or, transposed, [K,M]).
// float goes to the configured BLAS-class backend (oneDNN by default, CBLAS optional) at the
// process's GemmPrecision; double goes to the naive reference (used by gradient checks and
// tests).
#pragma once

#include <string>

namespace grok {

enum class Trans { kNo, kYes };

void gemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);
void gemm(Trans trans_a, Trans trans_b, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc);

// The simple triple loop every backend is tested against.
template <typename S>
void gemm_reference(Trans trans_a, Trans trans_b, int m, int n, int k, S alpha, const S* a, int lda,
                    const S* b, int ldb, S beta, S* c, int ldc) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      S sum = 0;
      for (int p = 0; p < k; ++p) {
        const S av = trans_a == Trans::kNo ? a[i * lda + p] : a[p * lda + i];
        const S bv = trans_b == Trans::kNo ? b[p * ldb + j] : b[j * ldb + p];
        sum += av * bv;
      }
      c[i * ldc + j] = alpha * sum + (beta == S(0) ? S(0) : beta * c[i * ldc + j]);
    }
}

// What the float GEMMs multiply. kFp32: IEEE single precision throughout (the default).
// kBf16: op(A) and op(B) rounded to bfloat16 (bf16.h), products accumulated in fp32, C fp32
// (oneDNN's bf16 matmul: AVX512-BF16 or AMX-BF16 kernels); the caller's data stays fp32.
enum class GemmPrecision { kFp32, kBf16 };

// "fp32" or "bf16"; parse_gemm_precision throws UsageError naming `key` otherwise.
const char* to_string(GemmPrecision precision);
GemmPrecision parse_gemm_precision(const std::string& text, const std::string& key);
inline void from_string(const std::string& text, GemmPrecision& out) {
  out = parse_gemm_precision(text, "precision");
}

// Empty when `precision` runs on this CPU and build; otherwise why not, naming the missing
// CPU feature (e.g. an AVX2-only CPU for kBf16).
std::string gemm_precision_unsupported(GemmPrecision precision);

// Process-wide, for every float GEMM on every thread; set it before parallel regions (the
// trainer sets it once per run). Throws grok::Error if the precision is unsupported.
void set_gemm_precision(GemmPrecision precision);
GemmPrecision gemm_precision();

// Called after every float GEMM, on the calling thread, with its shape and wall time in
// seconds: a profiling hook (bench/bench_profile.cc); null (the default) costs one load per
// call. Set it before parallel regions.
using GemmObserver = void (*)(Trans trans_a, Trans trans_b, int m, int n, int k, double seconds);
void set_gemm_observer(GemmObserver observer);

// The degenerate products, m, n or k = 0: C = beta·C where the product is empty (C ignored
// when beta is 0). Returns whether it handled the call (every float engine starts with it).
bool gemm_degenerate(int m, int n, int k, float beta, float* c, int ldc);

// Name of the float backend compiled in ("onednn" or "cblas").
std::string gemm_backend_name();

// Whether float GEMMs called from inside an OpenMP parallel region run single-threaded on the
// calling thread, so that several threads can each run their own (oneDNN: yes; OpenBLAS's
// pthreads build: no, its calls share one thread pool).
bool gemm_runs_per_thread();

}  // namespace grok

// The one matrix-product interface of the project. Row-major throughout:
//   C[M,N] = alpha * op(A)[M,K] · op(B)[K,N] + beta * C,  op(X) = X or Xᵀ.
// lda/ldb/ldc are the row strides of A, B, C as stored (A is [M,K] or, transposed, [K,M]).
// float goes to the configured BLAS-class backend (oneDNN by default, CBLAS optional);
// double goes to the naive reference (used by gradient checks and tests).
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

// Name of the float backend compiled in ("onednn" or "cblas").
std::string gemm_backend_name();

// Whether float GEMMs called from inside an OpenMP parallel region run single-threaded on the
// calling thread, so that several threads can each run their own (oneDNN: yes; OpenBLAS's
// pthreads build: no, its calls share one thread pool).
bool gemm_runs_per_thread();

}  // namespace grok

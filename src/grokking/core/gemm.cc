#include "grokking/core/gemm.h"

#include "grokking/core/error.h"

#if defined(GROK_GEMM_ONEDNN)
#include <oneapi/dnnl/dnnl.h>
#elif defined(GROK_GEMM_CBLAS)
#include <cblas.h>
#else
#error "define GROK_GEMM_ONEDNN or GROK_GEMM_CBLAS"
#endif

namespace grok {

void gemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // An empty product: C = beta·C (C ignored when beta is 0). Done here because dnnl_sgemm
    // 2.6 leaves C untouched for k = 0 and rejects the null A/B an empty buffer gives.
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
#if defined(GROK_GEMM_ONEDNN)
  // dnnl_sgemm is row-major (oneDNN ≥ 1.0), exactly our convention.
  const dnnl_status_t status =
      dnnl_sgemm(trans_a == Trans::kYes ? 'T' : 'N', trans_b == Trans::kYes ? 'T' : 'N', m, n, k,
                 alpha, a, lda, b, ldb, beta, c, ldc);
  GROK_CHECK(status == dnnl_success, "dnnl_sgemm failed with status {} (m={} n={} k={})",
             static_cast<int>(status), m, n, k);
#else
  cblas_sgemm(CblasRowMajor, trans_a == Trans::kYes ? CblasTrans : CblasNoTrans,
              trans_b == Trans::kYes ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb,
              beta, c, ldc);
#endif
}

void gemm(Trans trans_a, Trans trans_b, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc) {
  gemm_reference(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

bool gemm_runs_per_thread() {
#if defined(GROK_GEMM_ONEDNN)
  return true;
#else
  return false;
#endif
}

std::string gemm_backend_name() {
#if defined(GROK_GEMM_ONEDNN)
  return "onednn";
#else
  return "cblas";
#endif
}

}  // namespace grok

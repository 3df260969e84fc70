#include "grokking/core/gemm.h"

#include <atomic>
#include <chrono>

#include "grokking/core/error.h"

#if defined(GROK_GEMM_ONEDNN)
#include <oneapi/dnnl/dnnl.h>

#include "grokking/core/onednn_matmul.h"
#elif defined(GROK_GEMM_CBLAS)
#include <cblas.h>
#else
#error "define GROK_GEMM_ONEDNN or GROK_GEMM_CBLAS"
#endif

namespace grok {
namespace {

std::atomic<GemmPrecision> g_precision{GemmPrecision::kFp32};
std::atomic<GemmObserver> g_observer{nullptr};

#if defined(GROK_GEMM_ONEDNN)
const char* isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41:
      return "SSE4.1";
    case dnnl_cpu_isa_avx:
      return "AVX";
    case dnnl_cpu_isa_avx2:
      return "AVX2";
    case dnnl_cpu_isa_avx2_vnni:
      return "AVX2-VNNI";
    case dnnl_cpu_isa_avx512_core:
      return "AVX-512";
    case dnnl_cpu_isa_avx512_core_vnni:
      return "AVX512-VNNI";
    case dnnl_cpu_isa_avx512_core_bf16:
      return "AVX512-BF16";
    case dnnl_cpu_isa_avx512_core_amx:
      return "AMX";
    default:
      return "an older ISA";
  }
}

// The widest vector extension the CPU reports, for messages.
const char* cpu_vector_isa() {
  if (__builtin_cpu_supports("avx512f")) return "AVX-512F";
  if (__builtin_cpu_supports("avx2")) return "AVX2";
  return "no AVX2";
}
#endif

}  // namespace

const char* to_string(GemmPrecision precision) {
  return precision == GemmPrecision::kBf16 ? "bf16" : "fp32";
}

GemmPrecision parse_gemm_precision(const std::string& text, const std::string& key) {
  if (text == "fp32") return GemmPrecision::kFp32;
  if (text == "bf16") return GemmPrecision::kBf16;
  throw UsageError(fmt::format("{}: '{}' is invalid; allowed: fp32, bf16", key, text));
}

std::string gemm_precision_unsupported(GemmPrecision precision) {
  if (precision == GemmPrecision::kFp32) return "";
#if defined(GROK_GEMM_ONEDNN)
    // clang before 16 (the fuzz preset's) lacks these feature names; oneDNN's check below decides.
#if !defined(__clang__) || __clang_major__ >= 16
  if (!__builtin_cpu_supports("avx512bf16") && !__builtin_cpu_supports("amx-bf16"))
    return fmt::format(
        "bf16 GEMMs need a CPU with AVX512-BF16 or AMX-BF16; this CPU has neither (it has {})",
        cpu_vector_isa());
#endif
  const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
  if ((isa & dnnl_cpu_isa_avx512_core_bf16) != dnnl_cpu_isa_avx512_core_bf16)
    return fmt::format(
        "bf16 GEMMs need oneDNN's AVX512-BF16 or AMX kernels; the CPU has AVX512-BF16 but "
        "oneDNN is limited to {} (ONEDNN_MAX_CPU_ISA?)",
        isa_name(isa));
  return "";
#else
  return "bf16 GEMMs need the oneDNN backend; this build uses cblas (GROK_GEMM_BACKEND)";
#endif
}

void set_gemm_precision(GemmPrecision precision) {
  const std::string why = gemm_precision_unsupported(precision);
  if (!why.empty()) throw Error(fmt::format("precision {}: {}", to_string(precision), why));
  g_precision.store(precision, std::memory_order_relaxed);
}

GemmPrecision gemm_precision() { return g_precision.load(std::memory_order_relaxed); }

namespace {

void float_gemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a,
                int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  if (gemm_degenerate(m, n, k, beta, c, ldc)) return;
#if defined(GROK_GEMM_ONEDNN)
  if (gemm_precision() == GemmPrecision::kBf16)
    return onednn_matmul(MatmulType::kBf16, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta,
                         c, ldc);
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

}  // namespace

bool gemm_degenerate(int m, int n, int k, float beta, float* c, int ldc) {
  if (m == 0 || n == 0) return true;
  if (k != 0) return false;
  // An empty product. Done here because dnnl_sgemm 2.6 leaves C untouched for k = 0 and
  // rejects the null A/B an empty buffer gives.
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
  return true;
}

void set_gemm_observer(GemmObserver observer) { g_observer.store(observer); }

void gemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  const GemmObserver observer = g_observer.load(std::memory_order_relaxed);
  if (!observer) return float_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  const auto start = std::chrono::steady_clock::now();
  float_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  observer(trans_a, trans_b, m, n, k,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
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

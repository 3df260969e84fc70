// GEMM throughput on the model's own products (docs/PERFORMANCE.md, "GEMM backends"):
// the configured grok::gemm backend (oneDNN's dnnl_sgemm by default), oneDNN's matmul
// primitive (core/onednn_matmul.h) in fp32 and with bf16 operands (the conversion included),
// OpenBLAS called directly through cblas_sgemm when the bench is linked against it, and the
// naive reference for scale.
//
// Products at batch 512 (M = B·T = 2048 token rows; the trimmed last layer and the head see
// one row per sequence, M = 512), D = 128, F = 512, C = 99; and the 0.5× student's (D = 64,
// F = 256) as one of two shards runs them (256 examples: M = 1024, or 256 in the last layer). Each
// x[M,K]·W[K,N] appears as
//   fwd  y = x·W        gemm(N, N, M, N, K)
//   d_x  d_x = d_y·Wᵀ   gemm(N, T, M, K, N)
//   d_w  d_W += xᵀ·d_y  gemm(T, N, K, N, M), beta 1
// at 1 and 2 threads (grok::set_num_threads; openblas_set_num_threads for OpenBLAS).
// FLOP/s counts 2·m·n·k per call over wall time.
//
// OpenBLAS picks its kernels when the library loads, so compare core types by running twice:
//   bench_gemm --benchmark_filter=openblas
//   OPENBLAS_CORETYPE=SkylakeX bench_gemm --benchmark_filter=openblas
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "grokking/core/gemm.h"
#include "grokking/core/onednn_matmul.h"
#include "grokking/core/philox.h"
#include "grokking/core/tensor.h"
#include "grokking/core/threads.h"

#if defined(GROK_BENCH_OPENBLAS)
#include <cblas.h>
extern "C" {
void openblas_set_num_threads(int num_threads);
char* openblas_get_corename(void);
char* openblas_get_config(void);
}
#endif
#if defined(GROK_GEMM_ONEDNN)
#include <oneapi/dnnl/dnnl.h>
#endif

namespace grok {
namespace {

struct Product {
  const char* name;
  int rows, in, out;  // x [rows, in] · W [in, out]
};

// The products of one training step at the default config (docs/PERFORMANCE.md).
const Product kProducts[] = {
    {"qkvo", 2048, 128, 128},          // q, k, v, o projections
    {"ffn_up", 2048, 128, 512},        // W1, W3
    {"ffn_down", 2048, 512, 128},      // W2
    {"last_qo", 512, 128, 128},        // trimmed last layer: q, o
    {"last_ffn_up", 512, 128, 512},    // trimmed last layer: W1, W3
    {"last_ffn_down", 512, 512, 128},  // trimmed last layer: W2
    {"head", 512, 128, 99},            // output dense
    {"s_qkvo", 1024, 64, 64},          // the student's, per shard of 256 examples
    {"s_ffn_up", 1024, 64, 256},      {"s_ffn_down", 1024, 256, 64},
    {"s_last_ffn_up", 256, 64, 256},  {"s_head", 256, 64, 99},
};

enum class Pass { kForward, kDInput, kDWeight };
const char* pass_name(Pass pass) {
  switch (pass) {
    case Pass::kForward:
      return "fwd";
    case Pass::kDInput:
      return "d_x";
    case Pass::kDWeight:
      return "d_w";
  }
  return "?";
}

// One gemm call's arguments, row-major and tightly packed.
struct Call {
  Trans trans_a, trans_b;
  int m, n, k;
  float beta;
  int lda() const { return trans_a == Trans::kNo ? k : m; }
  int ldb() const { return trans_b == Trans::kNo ? n : k; }
};

Call make_call(const Product& p, Pass pass) {
  switch (pass) {
    case Pass::kForward:
      return {Trans::kNo, Trans::kNo, p.rows, p.out, p.in, 0.0f};
    case Pass::kDInput:
      return {Trans::kNo, Trans::kYes, p.rows, p.in, p.out, 0.0f};
    case Pass::kDWeight:
      return {Trans::kYes, Trans::kNo, p.in, p.out, p.rows, 1.0f};
  }
  return {};
}

enum class Backend { kGrok, kMatmulF32, kMatmulBf16, kOpenBlas, kReference };

Buffer<float> random_buffer(std::size_t size, uint64_t step) {
  const Philox rng(1, RngPurpose::kTest, step);
  Buffer<float> out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<float>(2 * rng.uniform(i) - 1);
  return out;
}

void run_gemm(benchmark::State& state, Backend backend, Call call, int threads) {
  set_num_threads(threads);
#if defined(GROK_BENCH_OPENBLAS)
  openblas_set_num_threads(threads);
#endif
  const Buffer<float> a = random_buffer(static_cast<std::size_t>(call.m) * call.k, 0);
  const Buffer<float> b = random_buffer(static_cast<std::size_t>(call.k) * call.n, 1);
  Buffer<float> c = random_buffer(static_cast<std::size_t>(call.m) * call.n, 2);
  const auto call_once = [&] {
    switch (backend) {
      case Backend::kGrok:
        gemm(call.trans_a, call.trans_b, call.m, call.n, call.k, 1.0f, a.data(), call.lda(),
             b.data(), call.ldb(), call.beta, c.data(), call.n);
        break;
      case Backend::kMatmulF32:
      case Backend::kMatmulBf16:
#if defined(GROK_GEMM_ONEDNN)
        onednn_matmul(backend == Backend::kMatmulF32 ? MatmulType::kF32 : MatmulType::kBf16,
                      call.trans_a, call.trans_b, call.m, call.n, call.k, 1.0f, a.data(),
                      call.lda(), b.data(), call.ldb(), call.beta, c.data(), call.n);
#endif
        break;
      case Backend::kOpenBlas:
#if defined(GROK_BENCH_OPENBLAS)
        cblas_sgemm(CblasRowMajor, call.trans_a == Trans::kYes ? CblasTrans : CblasNoTrans,
                    call.trans_b == Trans::kYes ? CblasTrans : CblasNoTrans, call.m, call.n, call.k,
                    1.0f, a.data(), call.lda(), b.data(), call.ldb(), call.beta, c.data(), call.n);
#endif
        break;
      case Backend::kReference:
        gemm_reference<float>(call.trans_a, call.trans_b, call.m, call.n, call.k, 1.0f, a.data(),
                              call.lda(), b.data(), call.ldb(), call.beta, c.data(), call.n);
        break;
    }
  };
  call_once();  // outside the timing: oneDNN generates its kernels on the first call
  for (auto _ : state) {
    call_once();
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * call.m * call.n * call.k,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void register_one(const std::string& backend_name, Backend backend, const Product& p, Pass pass,
                  int threads) {
  const Call call = make_call(p, pass);
  const std::string name = backend_name + "/" + p.name + "/" + pass_name(pass) +
                           "/m:" + std::to_string(call.m) + "/n:" + std::to_string(call.n) +
                           "/k:" + std::to_string(call.k) + "/threads:" + std::to_string(threads);
  benchmark::RegisterBenchmark(name.c_str(), run_gemm, backend, call, threads)
      ->UseRealTime()  // several threads: wall time, not the main thread's CPU time
      ->Unit(benchmark::kMicrosecond)
      // With --benchmark_repetitions: the best repetition besides mean/median/stddev, since
      // on a shared machine other processes only ever slow a repetition down.
      ->ComputeStatistics(
          "min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); })
      ->ComputeStatistics("max", [](const std::vector<double>& v) {
        return *std::max_element(v.begin(), v.end());
      });
}

void register_all() {
  const Pass passes[] = {Pass::kForward, Pass::kDInput, Pass::kDWeight};
  std::vector<std::pair<std::string, Backend>> backends = {{gemm_backend_name(), Backend::kGrok}};
#if defined(GROK_GEMM_ONEDNN)
  backends.emplace_back("matmul_f32", Backend::kMatmulF32);
  if (gemm_precision_unsupported(GemmPrecision::kBf16).empty())
    backends.emplace_back("matmul_bf16", Backend::kMatmulBf16);
#endif
#if defined(GROK_BENCH_OPENBLAS)
  backends.emplace_back("openblas", Backend::kOpenBlas);
#endif
  for (const auto& [name, backend] : backends)
    for (int threads : {1, 2})
      for (const Product& p : kProducts)
        for (Pass pass : passes) register_one(name, backend, p, pass, threads);
  // The naive triple loop, single-threaded, on the smallest projection: for scale only.
  for (Pass pass : passes) register_one("reference", Backend::kReference, kProducts[3], pass, 1);
}

void add_context() {
  benchmark::AddCustomContext("grok_gemm_backend", gemm_backend_name());
#if defined(GROK_GEMM_ONEDNN)
  // dnnl_cpu_isa_t: 0x7 avx2, 0x27 avx512_core, ... (dnnl_types.h).
  benchmark::AddCustomContext("onednn_effective_isa",
                              std::to_string(static_cast<int>(dnnl_get_effective_cpu_isa())));
#endif
#if defined(GROK_BENCH_OPENBLAS)
  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  benchmark::AddCustomContext("openblas_config", openblas_get_config());
#endif
}

}  // namespace
}  // namespace grok

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  grok::add_context();
  grok::register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

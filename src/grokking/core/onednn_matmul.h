// oneDNN's matmul primitive behind grok::gemm's calling convention (gemm.h), one primitive per
// distinct call (type, transposes, shape, leading dimensions, alpha, beta), created on first
// use and cached per thread: creating one costs ~0.1 ms, far more than most of the model's
// products, while executing a cached one adds only ~1 µs. The oneDNN build only; not for the
// double reference.
//   kF32:  C = alpha·op(A)·op(B) + beta·C in fp32.
//   kBf16: op(A) and op(B) are rounded to bfloat16 (bf16.h) into per-thread scratch, the
//          products are accumulated in fp32 and C stays fp32 (AVX512-BF16 or AMX kernels).
#pragma once

#include "grokking/core/gemm.h"

namespace grok {

enum class MatmulType { kF32, kBf16 };

void onednn_matmul(MatmulType type, Trans trans_a, Trans trans_b, int m, int n, int k, float alpha,
                   const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);

// oneDNN's name of the implementation it runs for this call (e.g. "brg:avx512_core_amx_bf16").
const char* onednn_matmul_implementation(MatmulType type, Trans trans_a, Trans trans_b, int m,
                                         int n, int k, int lda, int ldb, int ldc);

}  // namespace grok

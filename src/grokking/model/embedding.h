// Token embedding (nnx.Embed): a table lookup and its scatter-add gradient.
#pragma once

#include <cstdint>
#include <cstring>

#include "grokking/model/rows.h"

namespace grok {

// tokens [N], table [V,D] → out [N,D]. Tokens must already be validated to lie in [0, V).
template <typename S>
void embedding_forward(int rows, int dim, const int32_t* tokens, const S* table, S* out) {
#pragma omp parallel for if (static_cast <long>(rows) * dim >= kParallelMinElements)
  for (int r = 0; r < rows; ++r)
    std::memcpy(out + static_cast<std::size_t>(r) * dim,
                table + static_cast<std::size_t>(tokens[r]) * dim, sizeof(S) * dim);
}

// d_out [N,D] → d_table [V,D] += scatter. Sequential in row order, so repeated tokens add up
// in a fixed order (bit-reproducible for any thread count).
template <typename S>
void embedding_backward(int rows, int dim, const int32_t* tokens, const S* d_out, S* d_table) {
  for (int r = 0; r < rows; ++r) {
    S* dst = d_table + static_cast<std::size_t>(tokens[r]) * dim;
    const S* src = d_out + static_cast<std::size_t>(r) * dim;
#pragma omp simd
    for (int j = 0; j < dim; ++j) dst[j] += src[j];
  }
}

}  // namespace grok

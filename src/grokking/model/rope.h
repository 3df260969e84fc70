// Rotary position embedding (REFERENCE.md §2): half-split convention, per head, positions
// 0..T-1, θ_i = base^(−2i/dh). Applied in place to q and k.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "grokking/model/rows.h"

namespace grok {

// cos/sin of pos·θ_i for positions first..first+t-1, each [t, dh/2], computed in double and
// rounded once to S. Row r of a [B·t, ·] matrix is at position first + r % t: first > 0 is
// for sequences that continue a shared prefix of `first` positions (attention.h).
template <typename S>
struct RopeTable {
  int seq_len = 0;
  int half = 0;
  std::vector<S> cos, sin;

  RopeTable() = default;
  RopeTable(int t, int head_dim, double base, int first = 0) : seq_len(t), half(head_dim / 2) {
    cos.resize(static_cast<std::size_t>(t) * half);
    sin.resize(cos.size());
    for (int i = 0; i < t; ++i)
      for (int j = 0; j < half; ++j) {
        const double theta = std::pow(base, -2.0 * j / head_dim);
        cos[i * half + j] = static_cast<S>(std::cos((first + i) * theta));
        sin[i * half + j] = static_cast<S>(std::sin((first + i) * theta));
      }
  }
};

// x [N, H·dh] in place: per head, [x1, x2] → [x1·cos − x2·sin, x1·sin + x2·cos]. With
// inverse, the transposed rotation (the backward: d_x from d_y, in place).
template <typename S>
void rope_rotate(RowSet rows, int heads, const RopeTable<S>& table, S* x, bool inverse) {
  const int half = table.half, width = heads * 2 * half;
#pragma omp parallel for if (static_cast <long>(rows.count) * width >= kParallelMinElements)
  for (int i = 0; i < rows.count; ++i) {
    const int r = rows.row(i);
    const S* c = table.cos.data() + static_cast<std::ptrdiff_t>(r % table.seq_len) * half;
    const S* s = table.sin.data() + static_cast<std::ptrdiff_t>(r % table.seq_len) * half;
    const S sign = inverse ? S(-1) : S(1);
    for (int h = 0; h < heads; ++h) {
      S* x1 = x + static_cast<std::ptrdiff_t>(r) * width + h * 2 * half;
      S* x2 = x1 + half;
#pragma omp simd
      for (int j = 0; j < half; ++j) {
        const S a = x1[j], b = x2[j], sj = sign * s[j];
        x1[j] = a * c[j] - b * sj;
        x2[j] = a * sj + b * c[j];
      }
    }
  }
}

// q or k [N, H·dh] → rotated in place.
template <typename S>
void rope_forward(RowSet rows, int heads, const RopeTable<S>& table, S* x) {
  rope_rotate(rows, heads, table, x, false);
}

// d_y [N, H·dh] → d_x in place (rotation by −angle).
template <typename S>
void rope_backward(RowSet rows, int heads, const RopeTable<S>& table, S* d) {
  rope_rotate(rows, heads, table, d, true);
}

}  // namespace grok

// Inverted dropout (REFERENCE.md §2): keep with probability 1 − rate, scale kept values by
// 1/(1 − rate). Two sites per layer: the attention output after Wo (site 2l) and the FFN
// gate g (site 2l+1).
//
// The mask is a pure function of (seed, step, site, row, column), where row = example·T +
// position is the row in position layout: element (row, col) of site s reads word col % 4 of
// Philox(seed, kDropout, step).block(s·2^44 + row·2^20 + col/4), and is kept iff its top 24
// bits ≥ round(rate·2^24). So an example's mask depends neither on the batch size, nor on
// max_batch, nor on which rows a trimmed layer computes. `first_row` shifts the rows: a shard
// holding examples e.. of a batch passes e·T and draws the masks those rows have in the batch.
#pragma once

#include <cstdint>

#include "grokking/core/philox.h"
#include "grokking/model/rows.h"

namespace grok {

inline constexpr int kDropoutRowBits = 24;  // rows < 2^24
inline constexpr int kDropoutColBits = 22;  // columns < 2^22

struct DropoutSite {
  uint64_t seed = 0;
  uint64_t step = 0;
  int site = 0;
  double rate = 0;
  int first_row = 0;  // row r of the mask is row first_row + r of the batch
  // 1/(1 − rate), the scale of kept values.
  double keep_scale() const { return 1.0 / (1.0 - rate); }
};

// mask [N, W] (bytes, 1 = keep) for the rows of `rows`. Runs 16 Philox blocks at a time with
// AVX-512F or 8 with AVX2 when the CPU has them, bit-identical to the reference.
void dropout_mask(const DropoutSite& site, RowSet rows, int width, uint8_t* mask);
void dropout_mask_reference(const DropoutSite& site, RowSet rows, int width, uint8_t* mask);
bool dropout_mask_uses_avx2();
// And whether it runs 16 blocks at a time with AVX-512F (then AVX2 on the rest of a row).
bool dropout_mask_uses_avx512();

}  // namespace grok

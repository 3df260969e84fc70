#include "grokking/model/dropout.h"

#include <cmath>
#include <cstddef>

#include "grokking/core/error.h"

namespace grok {

void dropout_mask(const DropoutSite& site, RowSet rows, int width, uint8_t* mask) {
  GROK_CHECK(width < (1 << kDropoutColBits), "dropout width {} too large", width);
  GROK_CHECK(rows.count == 0 || rows.row(rows.count - 1) < (1 << kDropoutRowBits),
             "dropout rows {} too many", rows.row(rows.count - 1));
  const Philox rng(site.seed, RngPurpose::kDropout, site.step);
  const uint32_t threshold = static_cast<uint32_t>(std::llround(site.rate * 0x1p24));
  const uint64_t site_base = static_cast<uint64_t>(site.site) << (kDropoutRowBits + 20);
#pragma omp parallel for if (static_cast <long>(rows.count) * width >= kParallelMinElements / 4)
  for (int i = 0; i < rows.count; ++i) {
    const int r = rows.row(i);
    uint8_t* m = mask + static_cast<std::ptrdiff_t>(r) * width;
    const uint64_t row_base = site_base | (static_cast<uint64_t>(r) << 20);
    for (int c = 0; c < width; c += 4) {
      const PhiloxBlock block = rng.block(row_base | static_cast<uint64_t>(c >> 2));
      for (int w = 0; w < 4 && c + w < width; ++w) m[c + w] = (block[w] >> 8) >= threshold;
    }
  }
}

}  // namespace grok

#include "grokking/core/threads.h"

#include <omp.h>

#include <thread>

#if defined(GROK_GEMM_CBLAS)
extern "C" void openblas_set_num_threads(int);
#endif

namespace grok {

void set_num_threads(int n) {
  if (n <= 0) n = hardware_threads();
  omp_set_num_threads(n);  // oneDNN's OpenMP runtime follows this too
  // One level of parallelism: a loop inside a parallel region (train/sharded_model.h) runs on
  // its own thread.
  omp_set_max_active_levels(1);
#if defined(GROK_GEMM_CBLAS)
  openblas_set_num_threads(n);
#endif
}

int num_threads() { return omp_get_max_threads(); }

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace grok

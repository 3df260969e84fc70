// Thread control: one place that sets how many threads OpenMP loops and the GEMM backend use.
#pragma once

namespace grok {

// Sets the thread count for OpenMP regions and the GEMM backend. n <= 0 means all cores.
void set_num_threads(int n);
int num_threads();
int hardware_threads();

}  // namespace grok

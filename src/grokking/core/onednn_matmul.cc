#include "grokking/core/onednn_matmul.h"

#if defined(GROK_GEMM_ONEDNN)

#include <bit>
#include <cstdint>
#include <cstring>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "grokking/core/bf16.h"
#include "grokking/core/error.h"

namespace grok {
namespace {

using dnnl::memory;

struct Key {
  MatmulType type;
  Trans trans_a, trans_b;
  int m, n, k, lda, ldb, ldc;
  uint32_t alpha, beta;  // bit patterns
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  std::size_t operator()(const Key& key) const {
    std::size_t h = static_cast<std::size_t>(key.type) * 4 +
                    static_cast<std::size_t>(key.trans_a) * 2 +
                    static_cast<std::size_t>(key.trans_b);
    for (const uint32_t v : {uint32_t(key.m), uint32_t(key.n), uint32_t(key.k), uint32_t(key.lda),
                             uint32_t(key.ldb), uint32_t(key.ldc), key.alpha, key.beta})
      h = h * 0x9e3779b97f4a7c15ull + v;
    return h;
  }
};

// A cached primitive and the memory objects its calls rebind to their pointers.
struct Entry {
  dnnl::matmul primitive;
  memory a, b, c;
  std::string implementation;
};

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// op(X) of a stored matrix (rows [r, c] as stored, stride ld) as a logical [r', c'] descriptor.
memory::desc operand_desc(Trans trans, int rows, int cols, int ld, memory::data_type type) {
  // Logical [rows, cols]; stored row-major with stride ld, or (transposed) column-major.
  const memory::dims strides = trans == Trans::kNo ? memory::dims{ld, 1} : memory::dims{1, ld};
  return memory::desc({rows, cols}, type, strides);
}

Entry make_entry(const Key& key) {
  const bool bf16 = key.type == MatmulType::kBf16;
  const auto operand_type = bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  // bf16 operands are packed into scratch in their stored orientation (ld = stored columns).
  const int lda = bf16 ? (key.trans_a == Trans::kNo ? key.k : key.m) : key.lda;
  const int ldb = bf16 ? (key.trans_b == Trans::kNo ? key.n : key.k) : key.ldb;
  const memory::desc a = operand_desc(key.trans_a, key.m, key.k, lda, operand_type);
  const memory::desc b = operand_desc(key.trans_b, key.k, key.n, ldb, operand_type);
  const memory::desc c({key.m, key.n}, memory::data_type::f32, memory::dims{key.ldc, 1});
  dnnl::primitive_attr attr;
  const float alpha = std::bit_cast<float>(key.alpha), beta = std::bit_cast<float>(key.beta);
  if (alpha != 1.0f) attr.set_output_scales(0, {alpha});
  if (beta != 0.0f) {
    dnnl::post_ops ops;
    ops.append_sum(beta);
    attr.set_post_ops(ops);
  }
  const dnnl::engine& engine = cpu_engine();
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), attr, engine);
  Entry entry{dnnl::matmul(pd), memory(a, engine, DNNL_MEMORY_NONE),
              memory(b, engine, DNNL_MEMORY_NONE), memory(c, engine, DNNL_MEMORY_NONE),
              pd.impl_info_str()};
  return entry;
}

struct ThreadState {
  std::unordered_map<Key, Entry, KeyHash> cache;
  dnnl::stream stream{cpu_engine()};
  std::vector<uint16_t> a_bf16, b_bf16;
};

ThreadState& thread_state() {
  thread_local ThreadState state;  // primitives are not run concurrently: one cache per thread
  return state;
}

Key make_key(MatmulType type, Trans trans_a, Trans trans_b, int m, int n, int k, float alpha,
             int lda, int ldb, float beta, int ldc) {
  if (type == MatmulType::kBf16) lda = ldb = 0;  // packed: the key does not depend on them
  return {type,
          trans_a,
          trans_b,
          m,
          n,
          k,
          lda,
          ldb,
          ldc,
          std::bit_cast<uint32_t>(alpha),
          std::bit_cast<uint32_t>(beta)};
}

Entry& find_entry(ThreadState& state, const Key& key) {
  auto it = state.cache.find(key);
  if (it == state.cache.end()) {
    try {
      it = state.cache.emplace(key, make_entry(key)).first;
    } catch (const dnnl::error& e) {
      GROK_CHECK(false, "oneDNN matmul m={} n={} k={}: {}", key.m, key.n, key.k, e.what());
    }
  }
  return it->second;
}

// The stored block of op(X) = [rows, cols] (transposed: stored [cols, rows]) packed as bf16.
const uint16_t* pack_bf16(std::vector<uint16_t>& scratch, Trans trans, int rows, int cols,
                          const float* x, int ld) {
  const int stored_rows = trans == Trans::kNo ? rows : cols;
  const int stored_cols = trans == Trans::kNo ? cols : rows;
  const std::size_t size = static_cast<std::size_t>(stored_rows) * stored_cols;
  if (scratch.size() < size) scratch.resize(size);  // grown only: no zero-fill on every call
  to_bf16_block(stored_rows, stored_cols, x, ld, scratch.data());
  return scratch.data();
}

}  // namespace

void onednn_matmul(MatmulType type, Trans trans_a, Trans trans_b, int m, int n, int k, float alpha,
                   const float* a, int lda, const float* b, int ldb, float beta, float* c,
                   int ldc) {
  if (gemm_degenerate(m, n, k, beta, c, ldc)) return;
  ThreadState& state = thread_state();
  Entry& entry =
      find_entry(state, make_key(type, trans_a, trans_b, m, n, k, alpha, lda, ldb, beta, ldc));
  const void* a_data = a;
  const void* b_data = b;
  if (type == MatmulType::kBf16) {
    a_data = pack_bf16(state.a_bf16, trans_a, m, k, a, lda);
    b_data = pack_bf16(state.b_bf16, trans_b, k, n, b, ldb);
  }
  // oneDNN reads but never writes the sources; its interface takes non-const handles.
  entry.a.set_data_handle(const_cast<void*>(a_data));
  entry.b.set_data_handle(const_cast<void*>(b_data));
  entry.c.set_data_handle(c);
  const dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, entry.a.get()},
                                  {DNNL_ARG_WEIGHTS, entry.b.get()},
                                  {DNNL_ARG_DST, entry.c.get()}};
  const dnnl_status_t status =
      dnnl_primitive_execute(entry.primitive.get(), state.stream.get(), 3, args);
  dnnl_stream_wait(state.stream.get());  // a no-op with OpenMP; the contract of the call
  GROK_CHECK(status == dnnl_success, "oneDNN matmul failed with status {} (m={} n={} k={})",
             static_cast<int>(status), m, n, k);
}

const char* onednn_matmul_implementation(MatmulType type, Trans trans_a, Trans trans_b, int m,
                                         int n, int k, int lda, int ldb, int ldc) {
  return find_entry(thread_state(),
                    make_key(type, trans_a, trans_b, m, n, k, 1.0f, lda, ldb, 0.0f, ldc))
      .implementation.c_str();
}

}  // namespace grok

#endif  // GROK_GEMM_ONEDNN

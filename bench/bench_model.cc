// The model's own speed at the default config (REFERENCE.md §2: p = 97, V = C = 99, T = 4,
// D = 128, F = 512, H = 1, depth 2, dropout 0.2, cls pooling, batch 512):
//   layer/<half>/<fwd|bwd>    one attention or FFN half at batch 512 (B·T = 2048 rows):
//                             attn_table = layer 0 (q, k, v from the token table),
//                             attn / ffn = a full later layer, *_last = the trimmed last layer
//   step/dim:D/…/shards:S     the trainer's step (train/sharded_model.h): forward (training,
//                             dropout) + softmax CE + backward over S shards + AdamW, at
//                             width 128 (the teacher) and 64 (the 0.5× student)
//   eval/dim:D/…/shards:S     the trainer's evaluation: inference forward + CE over 4656
//                             examples in pieces of ≤ 512 (≤ 512/S with S shards)
//   kernel/<name>/<path>      the elementwise kernels on the FFN gate's [2048, 512], the
//                             dispatched path (AVX2 where the CPU has it) against the scalar
//                             reference, one thread (Elem/s counts elements)
// at 1 and 2 threads (grok::set_num_threads). FLOP/s counts the GEMM FLOPs of
// grok::layer_forward_flops / training_step_flops / eval_flops (model/flops.h) over wall time,
// so it is comparable with bench_gemm's rates on the same products.
//
// Backward benchmarks restore the incoming gradient each iteration (an [N,D] copy, ≈ 1 % of
// the time) since the layers overwrite it in place.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "grokking/core/philox.h"
#include "grokking/core/tensor.h"
#include "grokking/core/threads.h"
#include "grokking/model/attention.h"
#include "grokking/model/ffn.h"
#include "grokking/model/flops.h"
#include "grokking/model/model_config.h"
#include "grokking/model/rope.h"
#include "grokking/model/silu_gate.h"
#include "grokking/model/token_table.h"
#include "grokking/model/transformer.h"
#include "grokking/optim/optimizer.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/sharded_model.h"
#include "model_bench.h"

namespace grok {
namespace {

using bench::kBatch;
using bench::kEvalChunk;
using bench::kEvalExamples;
using bench::random_examples;

ModelConfig default_config() { return ModelConfig{}; }  // the defaults are the teacher's

Buffer<float> random_buffer(std::size_t size, uint64_t step, float scale) {
  const Philox rng(7, RngPurpose::kTest, step);
  Buffer<float> out(size);
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<float>(scale * (2 * rng.uniform(i) - 1));
  return out;
}

void set_counters(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOP/s"] =
      benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- One layer half, standalone, with its own buffers. ----

enum class Half { kAttentionTable, kAttention, kAttentionLast, kFfn, kFfnLast };

struct LayerBench {
  ModelConfig c = default_config();
  int n = kBatch * c.seq_len, d = c.dim, f = c.ffn_dim(), v = c.vocab_size;
  LayerShape shape;
  RopeTable<float> rope{c.seq_len, c.head_dim(), c.rope_base};
  DropoutSite site{1, 0, 0, c.dropout};
  std::vector<int32_t> tokens, labels;
  Buffer<float> embedding = random_buffer(static_cast<std::size_t>(v) * d, 1, 1.0f);
  Buffer<float> x, params, grads, d_x_in, d_x, d_embedding;
  Buffer<float> saved_buf, scratch_buf, table_buf, out;
  Buffer<uint8_t> mask;
  AttentionSaved<float> attn_saved{};
  AttentionScratch<float> attn_scratch{};
  TokenTable<float> table{};
  FfnSaved<float> ffn_saved{};
  FfnScratch<float> ffn_scratch{};
  const TokenTable<float>* table_ptr = nullptr;

  explicit LayerBench(Half half)
      : shape{kBatch, c.seq_len, c.dim, c.heads,
              half == Half::kAttentionLast || half == Half::kFfnLast} {
    random_examples(kBatch, tokens, labels);
    x.resize(static_cast<std::size_t>(n) * d);
    for (int r = 0; r < n; ++r)
      std::memcpy(x.data() + static_cast<std::size_t>(r) * d, embedding.data() + tokens[r] * d,
                  sizeof(float) * d);
    params = random_buffer(2 * static_cast<std::size_t>(d) * f + d * f + d, 2, 0.08f);
    grads.assign(params.size(), 0.0f);
    d_x_in = random_buffer(static_cast<std::size_t>(n) * d, 3, 1e-3f);
    d_x = d_x_in;
    out.assign(static_cast<std::size_t>(n) * d, 0.0f);
    mask.assign(static_cast<std::size_t>(n) * f, 1);
    const std::size_t nd = static_cast<std::size_t>(n) * d, nf = static_cast<std::size_t>(n) * f;
    if (half == Half::kFfn || half == Half::kFfnLast) {
      site.site = 1;
      saved_buf.assign(nd + n + 3 * nf, 0.0f);
      float* s = saved_buf.data();
      ffn_saved = {s, s + nd, s + nd + n, s + nd + n + nf, s + nd + n + 2 * nf, mask.data()};
      scratch_buf.assign(2 * nf + nd, 0.0f);
      ffn_scratch = {scratch_buf.data(), scratch_buf.data() + nf, scratch_buf.data() + 2 * nf};
    } else {
      const std::size_t probs = static_cast<std::size_t>(kBatch) * c.heads * c.seq_len * c.seq_len;
      saved_buf.assign(5 * nd + n + probs, 0.0f);
      float* s = saved_buf.data();
      attn_saved = {s,
                    s + nd,
                    s + nd + n,
                    s + 2 * nd + n,
                    s + 3 * nd + n,
                    s + 4 * nd + n,
                    s + 4 * nd + n + probs,
                    mask.data()};
      scratch_buf.assign(4 * nd, 0.0f);
      float* t = scratch_buf.data();
      attn_scratch = {t, t + nd, t + 2 * nd, t + 3 * nd};
      if (half == Half::kAttentionTable) {
        table_buf.assign(TokenTable<float>::buffer_size(v, d), 0.0f);
        table = make_token_table(table_buf.data(), v, d, tokens.data(), embedding.data());
        d_embedding.assign(static_cast<std::size_t>(v) * d, 0.0f);
        table.d_embedding = d_embedding.data();
        table_ptr = &table;
      }
    }
  }
  AttentionParams<float> attention_params() const {
    const float* p = params.data();
    return {p + 4 * d * d, p, p + d * d, p + 2 * d * d, p + 3 * d * d};
  }
  AttentionGrads<float> attention_grads() {
    float* g = grads.data();
    return {g + 4 * d * d, g, g + d * d, g + 2 * d * d, g + 3 * d * d};
  }
  FfnParams<float> ffn_params() const {
    const float* p = params.data();
    return {p + 3 * d * f, p, p + d * f, p + 2 * d * f};
  }
  FfnGrads<float> ffn_grads() {
    float* g = grads.data();
    return {g + 3 * d * f, g, g + d * f, g + 2 * d * f};
  }
  void forward(Half half) {
    if (half == Half::kFfn || half == Half::kFfnLast)
      ffn_forward(ffn_params(), shape, &site, x.data(), ffn_saved, out.data());
    else
      attention_forward(attention_params(), shape, rope, &site, x.data(), attn_saved, attn_scratch,
                        out.data(), table_ptr);
  }
  void backward(Half half) {
    std::memcpy(d_x.data(), d_x_in.data(), sizeof(float) * d_x.size());
    if (half == Half::kFfn || half == Half::kFfnLast)
      ffn_backward(ffn_params(), shape, &site, x.data(), ffn_saved, ffn_scratch, ffn_grads(),
                   d_x.data());
    else
      attention_backward(attention_params(), shape, rope, &site, x.data(), attn_saved,
                         static_cast<const float*>(nullptr), attn_scratch, attention_grads(),
                         d_x.data(), table_ptr);
  }
};

// GEMM FLOPs of one forward of this half: layer 0 (table), or layer 1 = the last layer of
// the depth-2 model, trimmed or (for the full-layer halves) not.
double half_flops(Half half) {
  FlopModel m = flop_model(default_config(), LastLayer::kTrimmed);
  m.trimmed_last_layer = half == Half::kAttentionLast || half == Half::kFfnLast;
  const LayerFlops f = layer_forward_flops(m, kBatch, half == Half::kAttentionTable ? 0 : 1);
  return half == Half::kFfn || half == Half::kFfnLast ? f.ffn : f.attention;
}

void run_layer(benchmark::State& state, Half half, bool backward, int threads) {
  set_num_threads(threads);
  LayerBench bench(half);
  bench.forward(half);
  if (backward) bench.backward(half);  // warm-up outside the timing (oneDNN kernel generation)
  uint64_t step = 0;
  for (auto _ : state) {
    bench.site.step = ++step;  // a fresh dropout mask each forward, as in training
    if (backward)
      bench.backward(half);
    else
      bench.forward(half);
    benchmark::ClobberMemory();
  }
  const double flops = half_flops(half);
  set_counters(state, backward ? 2 * flops : flops);  // backward = 2 × forward (flops.cc)
}

// ---- Whole steps through the Transformer. ----

// FLOP/s counts what the trainer's model counts for one call (ShardedModel::gemm_flops: per
// shard, per evaluation piece), taken over the warm-up call.
void run_step(benchmark::State& state, int dim, int threads, int shards) {
  set_num_threads(threads);
  bench::ModelBench bench(bench::config_of_width(dim), kBatch, shards);
  uint64_t step = 0;
  bench.train_step(step++);
  const double flops = bench.model.gemm_flops();
  for (auto _ : state) {
    bench.train_step(step++);
    benchmark::ClobberMemory();
  }
  set_counters(state, flops);
}

void run_eval(benchmark::State& state, int dim, int threads, int shards) {
  set_num_threads(threads);
  bench::ModelBench bench(bench::config_of_width(dim), kEvalExamples, shards);
  bench.eval_pass();
  const double flops = bench.model.gemm_flops();
  for (auto _ : state) benchmark::DoNotOptimize(bench.eval_pass());
  set_counters(state, flops);
}

// ---- Elementwise kernels, fast path against reference. ----

enum class Kernel { kGateForward, kGateForwardInference, kGateBackward, kDropoutMask };

void run_kernel(benchmark::State& state, Kernel kernel, bool reference) {
  set_num_threads(1);
  const int rows = kBatch * 4, f = 512, n = rows * f;
  const Buffer<float> a = random_buffer(n, 4, 4.0f), b = random_buffer(n, 5, 1.0f);
  const Buffer<float> dg = random_buffer(n, 6, 1.0f);
  Buffer<float> sig(n), g(n), d_a(n), d_b(n);
  Buffer<uint8_t> mask(n);
  const DropoutSite site{1, 2, 1, 0.2};
  dropout_mask(site, all_rows(kBatch, 4), f, mask.data());
  const float keep = static_cast<float>(site.keep_scale());
  uint64_t step = 0;
  for (auto _ : state) {
    switch (kernel) {
      case Kernel::kGateForward:
      case Kernel::kGateForwardInference: {
        const bool infer = kernel == Kernel::kGateForwardInference;
        const uint8_t* m = infer ? nullptr : mask.data();
        float* s = infer ? nullptr : sig.data();
        for (int r = 0; r < rows; ++r) {
          const std::size_t o = static_cast<std::size_t>(r) * f;
          if (reference)
            silu_gate_forward_reference(f, a.data() + o, b.data() + o, m ? m + o : nullptr, keep,
                                        s ? s + o : nullptr, g.data() + o);
          else
            silu_gate_forward(f, a.data() + o, b.data() + o, m ? m + o : nullptr, keep,
                              s ? s + o : nullptr, g.data() + o);
        }
        break;
      }
      case Kernel::kGateBackward:
        std::memcpy(d_a.data(), dg.data(), sizeof(float) * n);
        for (int r = 0; r < rows; ++r) {
          const std::size_t o = static_cast<std::size_t>(r) * f;
          if (reference)
            silu_gate_backward_reference(f, a.data() + o, b.data() + o, sig.data() + o,
                                         mask.data() + o, keep, d_a.data() + o, d_b.data() + o);
          else
            silu_gate_backward(f, a.data() + o, b.data() + o, sig.data() + o, mask.data() + o, keep,
                               d_a.data() + o, d_b.data() + o);
        }
        break;
      case Kernel::kDropoutMask: {
        const DropoutSite s{1, ++step, 1, 0.2};
        if (reference)
          dropout_mask_reference(s, all_rows(kBatch, 4), f, mask.data());
        else
          dropout_mask(s, all_rows(kBatch, 4), f, mask.data());
        break;
      }
    }
    benchmark::ClobberMemory();
  }
  state.counters["Elem/s"] = benchmark::Counter(n, benchmark::Counter::kIsIterationInvariantRate);
}

template <typename Fn, typename... Args>
void register_one(const std::string& name, Fn fn, Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), fn, args...)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->ComputeStatistics(
          "min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); })
      ->ComputeStatistics("max", [](const std::vector<double>& v) {
        return *std::max_element(v.begin(), v.end());
      });
}

void register_all() {
  const std::pair<Kernel, const char*> kernels[] = {
      {Kernel::kGateForward, "silu_gate_fwd"},
      {Kernel::kGateForwardInference, "silu_gate_fwd_inference"},
      {Kernel::kGateBackward, "silu_gate_bwd"},
      {Kernel::kDropoutMask, "dropout_mask"}};
  for (const auto& [kernel, name] : kernels)
    for (bool reference : {false, true})
      register_one(std::string("kernel/") + name + (reference ? "/reference" : "/dispatch"),
                   run_kernel, kernel, reference);
  const std::pair<Half, const char*> halves[] = {{Half::kAttentionTable, "attn_table"},
                                                 {Half::kAttention, "attn"},
                                                 {Half::kAttentionLast, "attn_last"},
                                                 {Half::kFfn, "ffn"},
                                                 {Half::kFfnLast, "ffn_last"}};
  for (int threads : {1, 2}) {
    const std::string t = "/threads:" + std::to_string(threads);
    for (int dim : {128, 64})
      for (int shards = 1; shards <= 2; ++shards) {
        const std::string ts = t + "/shards:" + std::to_string(shards);
        const std::string w = "/dim:" + std::to_string(dim);
        register_one("step" + w + "/batch:512" + ts, run_step, dim, threads, shards);
        register_one("eval" + w + "/examples:4656" + ts, run_eval, dim, threads, shards);
      }
    for (const auto& [half, name] : halves) {
      register_one(std::string("layer/") + name + "/fwd" + t, run_layer, half, false, threads);
      register_one(std::string("layer/") + name + "/bwd" + t, run_layer, half, true, threads);
    }
  }
}

}  // namespace
}  // namespace grok

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  grok::register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

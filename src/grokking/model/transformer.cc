// The transformer: the layer kernels (embedding, attention, ffn, rms_norm, head) wired over
// one activation arena. Memory plan (N = max_batch·T rows, position layout):
//   hidden states (2L+2)·[N,D]; per layer the saved activations of attention.h and ffn.h;
//   final-norm inv_rms [N]; pooled, d_pooled [B,D]; logits [B,C]; d_h, d_hf [N,D]; shared
//   scratch max(4·[N,D], 2·[N,F] + [N,D]); tap seeds (2L+2)·[N,D] and L·[B,H,T,T];
//   layer 0's token table (token_table.h) V·(8D+1); dropout masks as bytes in a second arena.
#include "grokking/model/transformer.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/tensor.h"
#include "grokking/model/attention.h"
#include "grokking/model/embedding.h"
#include "grokking/model/ffn.h"
#include "grokking/model/head.h"
#include "grokking/model/rms_norm.h"
#include "grokking/model/rope.h"
#include "grokking/model/token_table.h"

namespace grok {

template <typename S>
struct Transformer<S>::Impl {
  ModelConfig config;
  int max_batch = 0;
  TensorLayout layout;
  RopeTable<S> rope;
  Buffer<S> arena;
  Buffer<uint8_t> mask_arena;
  Buffer<int32_t> tokens;  // [N], the last forward's batch (the embedding backward reads it)

  std::vector<S*> hs, d_hs, d_probs;
  std::vector<char> d_hs_used, d_probs_used;
  std::vector<AttentionSaved<S>> attn;
  std::vector<FfnSaved<S>> ffn;
  S* inv_final = nullptr;
  S* pooled = nullptr;
  S* d_pooled = nullptr;
  S* logits = nullptr;
  S* d_h = nullptr;
  S* d_hf = nullptr;
  S* scratch = nullptr;
  S* table_buffer = nullptr;

  // Parameter offsets in the param_layout arena.
  std::size_t off_embedding = 0, off_final_norm = 0, off_output = 0;
  std::vector<std::array<std::size_t, 5>> off_attn;  // norm, wq, wk, wv, wo
  std::vector<std::array<std::size_t, 4>> off_ffn;   // norm, w1, w3, w2

  // The last forward.
  int batch = 0;
  ForwardOptions opts;
  const SharedPrefix<S>* prefix = nullptr;  // forward_after_prefix
  RopeTable<S> suffix_rope;                 // positions after a prefix of suffix_first
  int suffix_first = -1;
  bool forwarded = false;
  bool use_table = false;                // layer 0 went through the token table
  std::set<std::size_t> frozen_offsets;  // of the kernels whose weight gradient is skipped

  Impl(const ModelConfig& c, int mb) : config(c), max_batch(mb), layout(param_layout(c)) {
    config.validate();
    GROK_CHECK(max_batch > 0, "max_batch must be positive, got {}", max_batch);
    GROK_CHECK(config.seq_len <= kMaxSeqLen, "seq_len {} exceeds {}", config.seq_len, kMaxSeqLen);
    rope = RopeTable<S>(config.seq_len, config.head_dim(), config.rope_base);
    find_params();
    plan(nullptr, nullptr);  // count
    plan(arena.data(), mask_arena.data());
    tokens.resize(static_cast<std::size_t>(max_batch) * config.seq_len);
  }

  void find_params() {
    off_embedding = layout.find("embedding.embedding").offset;
    off_final_norm = layout.find("final_norm.scale").offset;
    off_output = layout.find("output_dense.kernel").offset;
    for (int l = 0; l < config.depth; ++l) {
      const std::string p = fmt::format("layers.{}.", l);
      off_attn.push_back(
          {layout.find(p + "attn.norm.scale").offset, layout.find(p + "attn.wq.kernel").offset,
           layout.find(p + "attn.wk.kernel").offset, layout.find(p + "attn.wv.kernel").offset,
           layout.find(p + "attn.wo.kernel").offset});
      off_ffn.push_back(
          {layout.find(p + "ffn.norm.scale").offset, layout.find(p + "ffn.w1.kernel").offset,
           layout.find(p + "ffn.w3.kernel").offset, layout.find(p + "ffn.w2.kernel").offset});
    }
  }

  // Lays out every buffer. With null bases it only sizes the arenas (and allocates them).
  void plan(S* base, uint8_t* mask_base) {
    const std::size_t n = static_cast<std::size_t>(max_batch) * config.seq_len;
    const std::size_t d = config.dim, f = config.ffn_dim(), c = config.n_classes;
    const std::size_t b = max_batch;
    const std::size_t probs = b * config.heads * config.seq_len * config.seq_len;
    const int depth = config.depth, states = config.hidden_state_count();
    std::size_t used = 0, mask_used = 0;
    auto take = [&](std::size_t count) -> S* {
      const std::size_t at = used;
      used += (count + 15) / 16 * 16;  // 64-byte aligned views
      return base ? base + at : nullptr;
    };
    auto take_mask = [&](std::size_t count) -> uint8_t* {
      const std::size_t at = mask_used;
      mask_used += (count + 63) / 64 * 64;
      return mask_base ? mask_base + at : nullptr;
    };
    hs.assign(states, nullptr);
    d_hs.assign(states, nullptr);
    d_probs.assign(depth, nullptr);
    attn.assign(depth, {});
    ffn.assign(depth, {});
    for (int k = 0; k < states; ++k) hs[k] = take(n * d);
    for (int l = 0; l < depth; ++l) {
      attn[l] = {take(n * d), take(n),     take(n * d), take(n * d),
                 take(n * d), take(probs), take(n * d), take_mask(n * d)};
      ffn[l] = {take(n * d), take(n), take(n * f), take(n * f), take(n * f), take_mask(n * f)};
    }
    inv_final = take(n);
    pooled = take(b * d);
    d_pooled = take(b * d);
    logits = take(b * c);
    d_h = take(n * d);
    d_hf = take(n * d);
    scratch = take(std::max(4 * n * d, 2 * n * f + n * d));
    table_buffer = take(TokenTable<S>::buffer_size(config.vocab_size, config.dim));
    for (int k = 0; k < states; ++k) d_hs[k] = take(n * d);
    for (int l = 0; l < depth; ++l) d_probs[l] = take(probs);
    if (!base) {
      arena.assign(used, S(0));
      mask_arena.assign(mask_used, 0);
    }
    d_hs_used.assign(states, 0);
    d_probs_used.assign(depth, 0);
  }

  AttentionScratch<S> attention_scratch() const {
    const std::size_t nd = static_cast<std::size_t>(max_batch) * config.seq_len * config.dim;
    return {scratch, scratch + nd, scratch + 2 * nd, scratch + 3 * nd};
  }
  FfnScratch<S> ffn_scratch() const {
    const std::size_t nf = static_cast<std::size_t>(max_batch) * config.seq_len * config.ffn_dim();
    return {scratch, scratch + nf, scratch + 2 * nf};
  }
  AttentionParams<S> attention_params(const S* p, int l) const {
    const auto& o = off_attn[l];
    return {p + o[0], p + o[1], p + o[2], p + o[3], p + o[4]};
  }
  // The gradient of the kernel at offset o, or null if it is frozen (no weight-gradient GEMM).
  S* kernel_grad(S* g, std::size_t o) const { return frozen_offsets.count(o) ? nullptr : g + o; }
  AttentionGrads<S> attention_grads(S* g, int l) const {
    const auto& o = off_attn[l];
    return {g + o[0], kernel_grad(g, o[1]), kernel_grad(g, o[2]), kernel_grad(g, o[3]),
            kernel_grad(g, o[4])};
  }
  FfnParams<S> ffn_params(const S* p, int l) const {
    const auto& o = off_ffn[l];
    return {p + o[0], p + o[1], p + o[2], p + o[3]};
  }
  FfnGrads<S> ffn_grads(S* g, int l) const {
    const auto& o = off_ffn[l];
    return {g + o[0], kernel_grad(g, o[1]), kernel_grad(g, o[2]), kernel_grad(g, o[3])};
  }

  bool trimmed() const { return config.pool == Pool::kCls && opts.last_layer != LastLayer::kFull; }
  // Positions each sequence of the last forward holds: after a shared prefix, those after it.
  int seq_len() const { return config.seq_len - (prefix ? prefix->length : 0); }
  LayerShape shape(int l) const {
    return {batch,
            seq_len(),
            config.dim,
            config.heads,
            trimmed() && l == config.depth - 1,
            opts.last_layer == LastLayer::kAttentionMaps};
  }
  const RopeTable<S>& rope_table() {
    if (!prefix || prefix->length == 0) return rope;
    if (suffix_first != prefix->length) {
      suffix_rope = RopeTable<S>(seq_len(), config.head_dim(), config.rope_base, prefix->length);
      suffix_first = prefix->length;
    }
    return suffix_rope;
  }
  // Layer 0's token table over this forward's tokens; d_embedding (null here) is set by backward.
  TokenTable<S> token_table(const S* params) const {
    return make_token_table(table_buffer, config.vocab_size, config.dim, tokens.data(),
                            params + off_embedding);
  }
  bool dropout_on() const { return opts.training && config.dropout > 0; }
  DropoutSite dropout_site(int site) const {
    return {opts.dropout_seed, opts.step, site, config.dropout,
            opts.first_example * config.seq_len};
  }

  // dst[rows] += src[rows], [N, D] matrices.
  void add_rows(RowSet rows, const S* src, S* dst) const {
    const int d = config.dim;
#pragma omp parallel for if (static_cast <long>(rows.count) * d >= kParallelMinElements)
    for (int i = 0; i < rows.count; ++i) {
      const std::ptrdiff_t o = static_cast<std::ptrdiff_t>(rows.row(i)) * d;
#pragma omp simd
      for (int j = 0; j < d; ++j) dst[o + j] += src[o + j];
    }
  }
  void add_state_tap(int k, RowSet rows, S* dst) const {
    if (d_hs_used[k]) add_rows(rows, d_hs[k], dst);
  }
};

template <typename S>
Transformer<S>::Transformer(const ModelConfig& config, int max_batch)
    : impl_(std::make_unique<Impl>(config, max_batch)) {}
template <typename S>
Transformer<S>::~Transformer() = default;
template <typename S>
Transformer<S>::Transformer(Transformer&&) noexcept = default;
template <typename S>
Transformer<S>& Transformer<S>::operator=(Transformer&&) noexcept = default;

template <typename S>
const ModelConfig& Transformer<S>::config() const {
  return impl_->config;
}
template <typename S>
int Transformer<S>::max_batch() const {
  return impl_->max_batch;
}

template <typename S>
const S* Transformer<S>::forward(const S* params, const int32_t* tokens, int batch,
                                 const ForwardOptions& opts) {
  impl_->prefix = nullptr;
  return run_forward(params, tokens, batch, opts);
}

template <typename S>
const S* Transformer<S>::forward_after_prefix(const S* params, const int32_t* tokens, int batch,
                                              const SharedPrefix<S>& prefix) {
  const ModelConfig& c = impl_->config;
  GROK_CHECK(c.pool == Pool::kCls, "a shared prefix needs cls pooling");
  GROK_CHECK(prefix.length >= 0 && prefix.length < c.seq_len &&
                 static_cast<int>(prefix.keys.size()) == c.depth &&
                 static_cast<int>(prefix.values.size()) == c.depth &&
                 (prefix.length == 0 || prefix.index != nullptr),
             "shared prefix of {} positions, {} and {} layers, for seq_len {} and depth {}",
             prefix.length, prefix.keys.size(), prefix.values.size(), c.seq_len, c.depth);
  impl_->prefix = &prefix;
  return run_forward(params, tokens, batch, ForwardOptions{});
}

template <typename S>
const S* Transformer<S>::run_forward(const S* params, const int32_t* tokens, int batch,
                                     const ForwardOptions& opts) {
  Impl& m = *impl_;
  const ModelConfig& c = m.config;
  GROK_CHECK(batch > 0 && batch <= m.max_batch, "batch {} outside [1, {}]", batch, m.max_batch);
  for (int r = 0; r < batch * c.seq_len; ++r)
    GROK_CHECK(tokens[r] >= 0 && tokens[r] < c.vocab_size, "token {} at {} outside [0, {})",
               tokens[r], r, c.vocab_size);
  m.batch = batch;
  m.opts = opts;
  m.forwarded = true;
  // After a prefix of P tokens each sequence is its last T − P tokens (m.seq_len()).
  const int t = m.seq_len(), skip = c.seq_len - t, rows = batch * t;
  for (int b = 0; b < batch; ++b)
    std::copy_n(tokens + int64_t{b} * c.seq_len + skip, t, m.tokens.data() + int64_t{b} * t);
  // The choice the FLOP model makes (model/flops.h): V against the whole batch's B·T tokens.
  m.use_table = uses_token_table(c.vocab_size, batch * c.seq_len);
  const TokenTable<S> table = m.token_table(params);
  std::fill(m.d_hs_used.begin(), m.d_hs_used.end(), 0);
  std::fill(m.d_probs_used.begin(), m.d_probs_used.end(), 0);

  embedding_forward(rows, c.dim, m.tokens.data(), params + m.off_embedding, m.hs[0]);
  for (int l = 0; l < c.depth; ++l) {
    const LayerShape shape = m.shape(l);
    const DropoutSite attn_site = m.dropout_site(2 * l), ffn_site = m.dropout_site(2 * l + 1);
    PrefixKeysValues<S> prefix{};
    if (m.prefix)
      prefix = {m.prefix->length, m.prefix->keys[l], m.prefix->values[l], m.prefix->index};
    attention_forward(m.attention_params(params, l), shape, m.rope_table(),
                      m.dropout_on() ? &attn_site : nullptr, m.hs[2 * l], m.attn[l],
                      m.attention_scratch(), m.hs[2 * l + 1],
                      l == 0 && m.use_table ? &table : nullptr,
                      m.prefix && m.prefix->length > 0 ? &prefix : nullptr);
    ffn_forward(m.ffn_params(params, l), shape, m.dropout_on() ? &ffn_site : nullptr,
                m.hs[2 * l + 1], m.ffn[l], m.hs[2 * l + 2]);
  }
  const int top = 2 * c.depth;
  rms_norm_forward(m.shape(c.depth - 1).out_rows(), c.dim, m.hs[top], params + m.off_final_norm,
                   m.hs[top + 1], m.inv_final);
  head_forward(c.pool, batch, t, c.dim, c.n_classes, m.hs[top + 1], params + m.off_output, m.pooled,
               m.logits);
  return m.logits;
}

template <typename S>
void Transformer<S>::backward(const S* params, const S* d_logits, S* grads) {
  Impl& m = *impl_;
  const ModelConfig& c = m.config;
  GROK_CHECK(m.forwarded, "Transformer::backward called before forward");
  GROK_CHECK(m.prefix == nullptr, "Transformer::backward after forward_after_prefix");
  const int rows = m.batch * c.seq_len, top = 2 * c.depth;
  const RowSet all = all_rows(m.batch, c.seq_len);
  const RowSet top_rows = m.shape(c.depth - 1).out_rows();
  TokenTable<S> table = m.token_table(params);
  table.d_embedding = grads + m.off_embedding;

  head_backward(c.pool, m.batch, c.seq_len, c.dim, c.n_classes, m.hs[top + 1], m.pooled,
                params + m.off_output, d_logits, m.kernel_grad(grads, m.off_output), m.d_pooled,
                m.d_hf);
  m.add_state_tap(top + 1, top_rows, m.d_hf);
  // Trimmed: the rows the last layer skipped get gradient only through its keys and values,
  // which the attention backward adds onto zeros.
  if (m.trimmed()) std::memset(m.d_h, 0, sizeof(S) * rows * c.dim);
  rms_norm_backward(top_rows, c.dim, m.hs[top], params + m.off_final_norm, m.inv_final, m.d_hf,
                    grads + m.off_final_norm, m.d_h, m.trimmed());
  m.add_state_tap(top, top_rows, m.d_h);
  for (int l = c.depth - 1; l >= 0; --l) {
    const LayerShape shape = m.shape(l);
    const DropoutSite attn_site = m.dropout_site(2 * l), ffn_site = m.dropout_site(2 * l + 1);
    ffn_backward(m.ffn_params(params, l), shape, m.dropout_on() ? &ffn_site : nullptr,
                 m.hs[2 * l + 1], m.ffn[l], m.ffn_scratch(), m.ffn_grads(grads, l), m.d_h);
    m.add_state_tap(2 * l + 1, shape.out_rows(), m.d_h);
    attention_backward(
        m.attention_params(params, l), shape, m.rope, m.dropout_on() ? &attn_site : nullptr,
        m.hs[2 * l], m.attn[l], m.d_probs_used[l] ? m.d_probs[l] : nullptr, m.attention_scratch(),
        m.attention_grads(grads, l), m.d_h, l == 0 && m.use_table ? &table : nullptr);
    m.add_state_tap(2 * l, all, m.d_h);
  }
  embedding_backward(rows, c.dim, m.tokens.data(), m.d_h, grads + m.off_embedding);
}

template <typename S>
void Transformer<S>::set_frozen(const std::vector<bool>& frozen) {
  Impl& m = *impl_;
  const auto& tensors = m.layout.tensors();
  GROK_CHECK(frozen.size() == tensors.size(), "{} frozen flags for {} tensors", frozen.size(),
             tensors.size());
  m.frozen_offsets.clear();
  for (std::size_t i = 0; i < tensors.size(); ++i)
    if (frozen[i]) m.frozen_offsets.insert(tensors[i].offset);
}

template <typename S>
const S* Transformer<S>::hidden_state(int k) const {
  GROK_CHECK(k >= 0 && k < impl_->config.hidden_state_count(), "hidden state {} out of range", k);
  return impl_->hs[k];
}

template <typename S>
const S* Transformer<S>::attention_probs(int layer) const {
  GROK_CHECK(layer >= 0 && layer < impl_->config.depth, "layer {} out of range", layer);
  return impl_->attn[layer].probs;
}

template <typename S>
const S* Transformer<S>::attention_keys(int layer) const {
  GROK_CHECK(layer >= 0 && layer < impl_->config.depth, "layer {} out of range", layer);
  return impl_->attn[layer].k;
}

template <typename S>
const S* Transformer<S>::attention_values(int layer) const {
  GROK_CHECK(layer >= 0 && layer < impl_->config.depth, "layer {} out of range", layer);
  return impl_->attn[layer].v;
}

template <typename S>
S* Transformer<S>::d_hidden_state(int k) {
  Impl& m = *impl_;
  GROK_CHECK(k >= 0 && k < m.config.hidden_state_count(), "hidden state {} out of range", k);
  if (!m.d_hs_used[k]) {  // zeroed lazily: a backward without taps pays nothing
    std::memset(m.d_hs[k], 0, sizeof(S) * m.batch * m.config.seq_len * m.config.dim);
    m.d_hs_used[k] = 1;
  }
  return m.d_hs[k];
}

template <typename S>
S* Transformer<S>::d_attention_probs(int layer) {
  Impl& m = *impl_;
  GROK_CHECK(layer >= 0 && layer < m.config.depth, "layer {} out of range", layer);
  if (!m.d_probs_used[layer]) {
    const ModelConfig& c = m.config;
    std::memset(m.d_probs[layer], 0, sizeof(S) * m.batch * c.heads * c.seq_len * c.seq_len);
    m.d_probs_used[layer] = 1;
  }
  return m.d_probs[layer];
}

template class Transformer<float>;
template class Transformer<double>;

}  // namespace grok

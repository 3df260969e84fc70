// The whole Transformer in double: forward against an independent reference written from
// REFERENCE.md §2, whole-model gradient checks (every parameter, both pools, depth 1 and 2,
// heads 1 and 2, trimmed, attention-map and full last layer, dropout on), the distillation
// taps, trimmed == attention maps == full, forward after a shared prefix == forward, and
// float against double.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/tensor.h"
#include "grokking/model/token_table.h"
#include "grokking/model/transformer.h"
#include "model_test_support.h"

namespace grok {
namespace {

using testing::dot;
using testing::expect_gradient;
using testing::random_tokens;
using testing::random_vector;
using Vec = std::vector<double>;

constexpr int kBatch = 3;
constexpr LastLayer kTrim = LastLayer::kTrimmed, kMaps = LastLayer::kAttentionMaps,
                    kFull = LastLayer::kFull;
constexpr LastLayer kLastLayers[] = {kTrim, kMaps, kFull};

std::string last_layer_name(LastLayer last) {
  return last == kTrim ? "Trim" : last == kMaps ? "Maps" : "Full";
}

ModelConfig tiny_config(int heads, int depth, Pool pool, double dropout = 0.0) {
  ModelConfig c;
  c.vocab_size = 9;  // p = 7
  c.n_classes = 9;
  c.dim = 8;
  c.heads = heads;
  c.depth = depth;
  c.pool = pool;
  c.dropout = dropout;
  return c;
}

// Parameters: the Flax initialisation, norm scales perturbed away from 1 so that their
// gradients are generic.
Vec tiny_params(const ModelConfig& c, uint64_t seed = 5) {
  const TensorLayout layout = param_layout(c);
  Vec p(layout.total_size());
  init_params(c, layout, seed, p.data());
  const Vec noise = random_vector(p.size(), seed + 100, 0.3);
  for (const TensorSpec& t : layout.tensors())
    if (t.shape.size() == 1)
      for (std::size_t i = 0; i < t.size(); ++i) p[t.offset + i] += noise[t.offset + i];
  return p;
}

// ---- An independent forward, per example, straight from the formulas. ----
using Mat = std::vector<Vec>;  // [T][width]

Mat matmul(const Mat& x, const double* w, int in, int out) {
  Mat y(x.size(), Vec(out, 0.0));
  for (std::size_t t = 0; t < x.size(); ++t)
    for (int o = 0; o < out; ++o)
      for (int i = 0; i < in; ++i) y[t][o] += x[t][i] * w[i * out + o];
  return y;
}

Mat rms_norm(const Mat& x, const double* scale) {
  Mat y = x;
  for (auto& row : y) {
    double ms = 0;
    for (double v : row) ms += v * v / row.size();
    for (std::size_t j = 0; j < row.size(); ++j) row[j] = row[j] / std::sqrt(ms + 1e-6) * scale[j];
  }
  return y;
}

void rope(Mat& x, int heads, double base) {
  const int dh = static_cast<int>(x[0].size()) / heads, half = dh / 2;
  for (std::size_t pos = 0; pos < x.size(); ++pos)
    for (int h = 0; h < heads; ++h)
      for (int i = 0; i < half; ++i) {
        const double angle = pos * std::pow(base, -2.0 * i / dh);
        double& x1 = x[pos][h * dh + i];
        double& x2 = x[pos][h * dh + half + i];
        const double a = x1, b = x2;
        x1 = a * std::cos(angle) - b * std::sin(angle);
        x2 = a * std::sin(angle) + b * std::cos(angle);
      }
}

// Logits [B, C], and the attention maps [L][B,H,T,T] for comparison with the taps.
Vec reference_logits(const ModelConfig& c, const Vec& p, const std::vector<int32_t>& tokens,
                     int batch, std::vector<Vec>* probs_out = nullptr) {
  const TensorLayout layout = param_layout(c);
  auto w = [&](const std::string& name) { return p.data() + layout.find(name).offset; };
  const int d = c.dim, t_len = c.seq_len, dh = c.head_dim(), f = c.ffn_dim();
  Vec logits;
  if (probs_out) probs_out->assign(c.depth, Vec(batch * c.heads * t_len * t_len, 0.0));
  for (int b = 0; b < batch; ++b) {
    Mat h(t_len, Vec(d));
    for (int t = 0; t < t_len; ++t)
      for (int j = 0; j < d; ++j) h[t][j] = w("embedding.embedding")[tokens[b * t_len + t] * d + j];
    for (int l = 0; l < c.depth; ++l) {
      const std::string pre = "layers." + std::to_string(l) + ".";
      const Mat xn = rms_norm(h, w(pre + "attn.norm.scale"));
      Mat q = matmul(xn, w(pre + "attn.wq.kernel"), d, d);
      Mat k = matmul(xn, w(pre + "attn.wk.kernel"), d, d);
      const Mat v = matmul(xn, w(pre + "attn.wv.kernel"), d, d);
      rope(q, c.heads, c.rope_base);
      rope(k, c.heads, c.rope_base);
      Mat ctx(t_len, Vec(d, 0.0));
      for (int hd = 0; hd < c.heads; ++hd)
        for (int t = 0; t < t_len; ++t) {
          Vec e(t_len, 0.0);
          double z = 0;
          for (int s = 0; s <= t; ++s) {
            double score = 0;
            for (int j = 0; j < dh; ++j) score += q[t][hd * dh + j] * k[s][hd * dh + j];
            e[s] = std::exp(score / std::sqrt(double(dh)));
            z += e[s];
          }
          for (int s = 0; s <= t; ++s) {
            if (probs_out) (*probs_out)[l][((b * c.heads + hd) * t_len + t) * t_len + s] = e[s] / z;
            for (int j = 0; j < dh; ++j) ctx[t][hd * dh + j] += e[s] / z * v[s][hd * dh + j];
          }
        }
      const Mat o = matmul(ctx, w(pre + "attn.wo.kernel"), d, d);
      for (int t = 0; t < t_len; ++t)
        for (int j = 0; j < d; ++j) h[t][j] += o[t][j];
      const Mat xf = rms_norm(h, w(pre + "ffn.norm.scale"));
      const Mat a = matmul(xf, w(pre + "ffn.w1.kernel"), d, f);
      Mat g = matmul(xf, w(pre + "ffn.w3.kernel"), d, f);
      for (int t = 0; t < t_len; ++t)
        for (int j = 0; j < f; ++j) g[t][j] *= a[t][j] / (1 + std::exp(-a[t][j]));
      const Mat y = matmul(g, w(pre + "ffn.w2.kernel"), f, d);
      for (int t = 0; t < t_len; ++t)
        for (int j = 0; j < d; ++j) h[t][j] += y[t][j];
    }
    const Mat hf = rms_norm(h, w("final_norm.scale"));
    Mat pooled(1, Vec(d, 0.0));
    for (int j = 0; j < d; ++j)
      if (c.pool == Pool::kCls) {
        pooled[0][j] = hf[t_len - 1][j];
      } else {
        for (int t = 0; t < t_len; ++t) pooled[0][j] += hf[t][j] / t_len;
      }
    const Mat out = matmul(pooled, w("output_dense.kernel"), d, c.n_classes);
    logits.insert(logits.end(), out[0].begin(), out[0].end());
  }
  return logits;
}

TEST(Transformer, ForwardMatchesIndependentReference) {
  for (Pool pool : {Pool::kCls, Pool::kMean})
    for (int heads : {1, 2})
      for (int depth : {1, 2})
        for (LastLayer last : kLastLayers) {
          const ModelConfig c = tiny_config(heads, depth, pool);
          const Vec p = tiny_params(c);
          const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 11);
          Transformer<double> model(c, 5);
          ForwardOptions opts;
          opts.last_layer = last;
          const double* logits = model.forward(p.data(), tokens.data(), kBatch, opts);
          std::vector<Vec> probs;
          const Vec expected = reference_logits(c, p, tokens, kBatch, &probs);
          for (std::size_t i = 0; i < expected.size(); ++i)
            ASSERT_NEAR(logits[i], expected[i], 1e-12) << "heads " << heads << " depth " << depth;
          // Attention maps (the trimmed last layer's at position T-1 only).
          for (int l = 0; l < depth; ++l) {
            const bool trimmed =
                pool == Pool::kCls && last == LastLayer::kTrimmed && l == depth - 1;
            for (std::size_t i = 0; i < probs[l].size(); ++i) {
              if (trimmed && (i / 4) % 4 != 3) continue;
              ASSERT_NEAR(model.attention_probs(l)[i], probs[l][i], 1e-14) << l << " " << i;
            }
          }
        }
}

struct GradCase {
  int heads;
  int depth;
  Pool pool;
  LastLayer last_layer;
  double dropout;
};

std::string case_name(const ::testing::TestParamInfo<GradCase>& info) {
  const GradCase& g = info.param;
  return "H" + std::to_string(g.heads) + "L" + std::to_string(g.depth) + to_string(g.pool) +
         last_layer_name(g.last_layer) + (g.dropout > 0 ? "Dropout" : "");
}

class TransformerGradient : public ::testing::TestWithParam<GradCase> {};

// Every parameter of the model against central differences of Σ logits · W. With
// dropout the masks are fixed by (seed, step), so the loss is a smooth function of params.
TEST_P(TransformerGradient, AllParameters) {
  const GradCase g = GetParam();
  const ModelConfig c = tiny_config(g.heads, g.depth, g.pool, g.dropout);
  const TensorLayout layout = param_layout(c);
  Vec p = tiny_params(c);
  const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 12);
  const Vec w = random_vector(kBatch * c.n_classes, 13);
  Transformer<double> model(c, 4);
  ForwardOptions opts;
  opts.last_layer = g.last_layer;
  opts.training = g.dropout > 0;
  opts.dropout_seed = 21;
  opts.step = 6;
  auto loss = [&] {
    return dot(model.forward(p.data(), tokens.data(), kBatch, opts), w.data(), w.size());
  };
  loss();
  Vec grads(p.size(), 0.0);
  model.backward(p.data(), w.data(), grads.data());
  for (const TensorSpec& t : layout.tensors())
    expect_gradient(t.name, p.data() + t.offset, grads.data() + t.offset, t.size(), loss);
}

INSTANTIATE_TEST_SUITE_P(
    Model, TransformerGradient,
    ::testing::Values(GradCase{1, 1, Pool::kCls, kTrim, 0}, GradCase{1, 2, Pool::kCls, kTrim, 0},
                      GradCase{2, 1, Pool::kCls, kTrim, 0}, GradCase{2, 2, Pool::kCls, kTrim, 0},
                      GradCase{1, 2, Pool::kCls, kFull, 0}, GradCase{2, 1, Pool::kCls, kFull, 0},
                      GradCase{2, 2, Pool::kCls, kMaps, 0}, GradCase{1, 1, Pool::kCls, kMaps, 0},
                      GradCase{1, 1, Pool::kMean, kTrim, 0}, GradCase{1, 2, Pool::kMean, kTrim, 0},
                      GradCase{2, 1, Pool::kMean, kTrim, 0}, GradCase{2, 2, Pool::kMean, kTrim, 0},
                      GradCase{2, 2, Pool::kCls, kTrim, 0.3},
                      GradCase{2, 2, Pool::kCls, kFull, 0.3},
                      GradCase{2, 2, Pool::kCls, kMaps, 0.3},
                      GradCase{1, 2, Pool::kMean, kTrim, 0.3}),
    case_name);

// A loss that also reads hidden states and attention maps, seeded through the d_* taps.
// Trimmed: only the states the trimmed model computes in full (k < 2L−1, layers < L−1, or
// every layer's map with kAttentionMaps).
void check_taps(Pool pool, LastLayer last, int depth) {
  const ModelConfig c = tiny_config(2, depth, pool);
  const TensorLayout layout = param_layout(c);
  Vec p = tiny_params(c);
  const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 14);
  const Vec w = random_vector(kBatch * c.n_classes, 15);
  const int states = c.hidden_state_count(), state_size = kBatch * 4 * c.dim;
  const int probs_size = kBatch * c.heads * 16;
  const bool trimmed = pool == Pool::kCls && last != LastLayer::kFull;
  const int tapped_states = trimmed ? 2 * depth - 1 : states;
  const int tapped_layers = trimmed && last != LastLayer::kAttentionMaps ? depth - 1 : depth;
  std::vector<Vec> w_states, w_probs;
  for (int k = 0; k < states; ++k) w_states.push_back(random_vector(state_size, 30 + k));
  for (int l = 0; l < depth; ++l) w_probs.push_back(random_vector(probs_size, 60 + l, 3.0));
  Transformer<double> model(c, kBatch);
  ForwardOptions opts;
  opts.last_layer = last;
  auto loss = [&] {
    double s = dot(model.forward(p.data(), tokens.data(), kBatch, opts), w.data(), w.size());
    for (int k = 0; k < tapped_states; ++k)
      s += dot(model.hidden_state(k), w_states[k].data(), state_size);
    for (int l = 0; l < tapped_layers; ++l)
      s += dot(model.attention_probs(l), w_probs[l].data(), probs_size);
    return s;
  };
  loss();
  for (int k = 0; k < tapped_states; ++k) {
    double* d = model.d_hidden_state(k);
    for (int i = 0; i < state_size; ++i) d[i] += w_states[k][i];
  }
  for (int l = 0; l < tapped_layers; ++l) {
    double* d = model.d_attention_probs(l);
    for (int i = 0; i < probs_size; ++i) d[i] += w_probs[l][i];
  }
  Vec grads(p.size(), 0.0);
  model.backward(p.data(), w.data(), grads.data());
  for (const TensorSpec& t : layout.tensors())
    expect_gradient(t.name, p.data() + t.offset, grads.data() + t.offset, t.size(), loss);
}

TEST(TransformerTaps, GradientCheckClsFull) { check_taps(Pool::kCls, kFull, 2); }
TEST(TransformerTaps, GradientCheckMean) { check_taps(Pool::kMean, kTrim, 2); }
TEST(TransformerTaps, GradientCheckClsTrimmedEarlyStates) { check_taps(Pool::kCls, kTrim, 2); }
TEST(TransformerTaps, GradientCheckClsAttentionMaps) { check_taps(Pool::kCls, kMaps, 2); }
TEST(TransformerTaps, GradientCheckClsAttentionMapsDepthOne) { check_taps(Pool::kCls, kMaps, 1); }
TEST(TransformerTaps, GradientCheckDepthOne) { check_taps(Pool::kMean, kTrim, 1); }

TEST(TransformerTaps, HiddenStatesAreTheResidualStream) {
  const ModelConfig c = tiny_config(2, 2, Pool::kMean);
  const Vec p = tiny_params(c);
  const TensorLayout layout = param_layout(c);
  const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 16);
  Transformer<double> model(c, kBatch);
  model.forward(p.data(), tokens.data(), kBatch, {});
  // State 0 is the embedding lookup; the last is the final norm of the one before.
  const double* table = p.data() + layout.find("embedding.embedding").offset;
  EXPECT_EQ(model.hidden_state(0)[2 * c.dim + 5], table[tokens[2] * c.dim + 5]);
  const double* before = model.hidden_state(4);
  const double* after = model.hidden_state(5);
  const double* scale = p.data() + layout.find("final_norm.scale").offset;
  double ms = 0;
  for (int j = 0; j < c.dim; ++j) ms += before[j] * before[j] / c.dim;
  EXPECT_NEAR(after[3], before[3] / std::sqrt(ms + 1e-6) * scale[3], 1e-14);
}

// Accessing a tap without writing to it changes nothing; untouched taps cost nothing.
TEST(TransformerTaps, UnwrittenTapsAreZero) {
  const ModelConfig c = tiny_config(1, 2, Pool::kCls);
  const Vec p = tiny_params(c);
  const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 17);
  const Vec w = random_vector(kBatch * c.n_classes, 18);
  Transformer<double> model(c, kBatch);
  ForwardOptions opts;
  opts.last_layer = kFull;
  Vec g1(p.size(), 0.0), g2(p.size(), 0.0);
  model.forward(p.data(), tokens.data(), kBatch, opts);
  model.backward(p.data(), w.data(), g1.data());
  model.forward(p.data(), tokens.data(), kBatch, opts);
  model.d_hidden_state(2)[0] = 1.0;  // written, then the next forward must zero it again
  model.forward(p.data(), tokens.data(), kBatch, opts);
  for (int k = 0; k < c.hidden_state_count(); ++k) model.d_hidden_state(k);
  model.d_attention_probs(1);
  model.backward(p.data(), w.data(), g2.data());
  EXPECT_EQ(g1, g2);
}

// DESIGN.md "Only what the loss needs is computed": the trimmed last layer (and the one with
// every attention map) gives the same logits and gradients as the full computation.
TEST(TransformerTrim, TrimmedEqualsFullInDouble) {
  for (int depth : {1, 2})
    for (double dropout : {0.0, 0.3}) {
      const ModelConfig c = tiny_config(2, depth, Pool::kCls, dropout);
      const Vec p = tiny_params(c);
      const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 19);
      const Vec w = random_vector(kBatch * c.n_classes, 20);
      Transformer<double> model(c, kBatch);
      ForwardOptions opts;
      opts.training = dropout > 0;
      opts.step = 3;
      Vec logits[3], grads[3];
      for (int m = 0; m < 3; ++m) {
        opts.last_layer = kLastLayers[m];
        const double* l = model.forward(p.data(), tokens.data(), kBatch, opts);
        logits[m].assign(l, l + kBatch * c.n_classes);
        grads[m].assign(p.size(), 0.0);
        model.backward(p.data(), w.data(), grads[m].data());
      }
      for (int m = 0; m < 2; ++m) {
        for (std::size_t i = 0; i < logits[m].size(); ++i)
          EXPECT_NEAR(logits[m][i], logits[2][i], 1e-12);
        double largest = 0;
        for (std::size_t i = 0; i < p.size(); ++i) {
          EXPECT_NEAR(grads[m][i], grads[2][i], 1e-12) << m << " " << i;
          largest = std::max(largest, std::abs(grads[2][i]));
        }
        EXPECT_GT(largest, 1e-3);
      }
    }
}

// Layer 0 goes through the token table when B·T > V (here 3·4 > 9) and row by row otherwise
// (2·4 < 9): the same examples give the same logits and gradients either way (the third
// example's loss weight is zero, and dropout masks depend only on the row).
TEST(TransformerTokenTable, TableAndRowByRowAgree) {
  for (Pool pool : {Pool::kCls, Pool::kMean})
    for (LastLayer last : kLastLayers) {
      const ModelConfig c = tiny_config(2, 2, pool, 0.3);
      const Vec p = tiny_params(c);
      const auto tokens = random_tokens(kBatch * 4, c.vocab_size, 24);
      Vec w = random_vector(kBatch * c.n_classes, 25);
      std::fill(w.begin() + 2 * c.n_classes, w.end(), 0.0);
      ASSERT_TRUE(uses_token_table(c.vocab_size, 3 * 4));
      ASSERT_FALSE(uses_token_table(c.vocab_size, 2 * 4));
      Transformer<double> model(c, kBatch);
      ForwardOptions opts;
      opts.training = true;
      opts.step = 4;
      opts.last_layer = last;
      Vec logits[2], grads[2];
      for (int batch : {2, 3}) {
        const double* l = model.forward(p.data(), tokens.data(), batch, opts);
        logits[batch - 2].assign(l, l + 2 * c.n_classes);
        grads[batch - 2].assign(p.size(), 0.0);
        model.backward(p.data(), w.data(), grads[batch - 2].data());
      }
      for (std::size_t i = 0; i < logits[0].size(); ++i)
        EXPECT_NEAR(logits[0][i], logits[1][i], 1e-12);
      for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(grads[0][i], grads[1][i], 1e-12) << i;
    }
}

// Float against double on the same (rounded) parameters, at a realistic width, for
// forward and backward; also trimmed == full in float.
TEST(TransformerPrecision, FloatAgreesWithDouble) {
  ModelConfig c = tiny_config(2, 2, Pool::kCls);
  c.dim = 32;
  c.vocab_size = c.n_classes = 13;
  const TensorLayout layout = param_layout(c);
  Vec pd(layout.total_size());
  init_params(c, layout, 9, pd.data());
  std::vector<float> pf(pd.begin(), pd.end());
  for (std::size_t i = 0; i < pd.size(); ++i) pd[i] = pf[i];
  const int batch = 16;
  const auto tokens = random_tokens(batch * 4, c.vocab_size, 22);
  const Vec w = random_vector(batch * c.n_classes, 23);
  const std::vector<float> wf(w.begin(), w.end());
  Transformer<double> md(c, batch);
  Transformer<float> mf(c, batch);
  const double* ld = md.forward(pd.data(), tokens.data(), batch, {});
  Vec gd(pd.size(), 0.0);
  md.backward(pd.data(), w.data(), gd.data());
  double scale_g = 0;
  for (double v : gd) scale_g = std::max(scale_g, std::abs(v));
  for (LastLayer last : kLastLayers) {
    ForwardOptions opts;
    opts.last_layer = last;
    const float* lf = mf.forward(pf.data(), tokens.data(), batch, opts);
    for (int i = 0; i < batch * c.n_classes; ++i) EXPECT_NEAR(lf[i], ld[i], 2e-5) << i;
    std::vector<float> gf(pf.size(), 0.0f);
    mf.backward(pf.data(), wf.data(), gf.data());
    for (std::size_t i = 0; i < gd.size(); ++i) ASSERT_NEAR(gf[i], gd[i], 2e-5 * scale_g) << i;
  }
}

// Transformer::forward_after_prefix: examples whose first P tokens are shared, with those
// positions' keys and values taken from a forward over one representative per prefix, give
// forward's logits — for every prefix length, depth 1–3, one and two heads, with and without
// the token table (B·T = 24 > V = 9 and B·T = 8 < 9). The prefix must be the right one: the
// keys of another prefix change the logits.
TEST(TransformerPrefix, ForwardAfterPrefixEqualsForward) {
  for (int depth : {1, 2, 3})
    for (int heads : {1, 2})
      for (int batch : {6, 2})
        for (int length : {1, 2, 3}) {
          SCOPED_TRACE(::testing::Message() << "depth " << depth << " heads " << heads << " batch "
                                            << batch << " prefix " << length);
          const ModelConfig c = tiny_config(heads, depth, Pool::kCls);
          const Vec p = tiny_params(c);
          // Two distinct prefixes: examples alternate between representatives 0 and 1.
          auto tokens = random_tokens(batch * 4, c.vocab_size, 31);
          std::vector<int32_t> index(batch);
          for (int b = 0; b < batch; ++b) {
            index[b] = b % 2;
            std::copy_n(tokens.begin() + index[b] * 4, length, tokens.begin() + b * 4);
          }
          Transformer<double> model(c, batch);
          const double* l = model.forward(p.data(), tokens.data(), batch, {});
          const Vec expected(l, l + batch * c.n_classes);
          // Representatives 0 and 1 are examples 0 and 1: rows [g·4, g·4 + P) of their keys.
          std::vector<Vec> keys(depth), values(depth);
          SharedPrefix<double> prefix;
          prefix.length = length;
          prefix.index = index.data();
          for (int layer = 0; layer < depth; ++layer) {
            for (int g = 0; g < 2; ++g)
              for (int i = 0; i < length * c.dim; ++i) {
                keys[layer].push_back(model.attention_keys(layer)[g * 4 * c.dim + i]);
                values[layer].push_back(model.attention_values(layer)[g * 4 * c.dim + i]);
              }
            prefix.keys.push_back(keys[layer].data());
            prefix.values.push_back(values[layer].data());
          }
          Transformer<double> fresh(c, batch);  // nothing left over from the forward above
          const double* got = fresh.forward_after_prefix(p.data(), tokens.data(), batch, prefix);
          for (int i = 0; i < batch * c.n_classes; ++i) ASSERT_NEAR(got[i], expected[i], 1e-12);
          EXPECT_THROW(fresh.backward(p.data(), expected.data(), Vec(p.size()).data()), Error);
          std::vector<int32_t> swapped(index);
          for (int32_t& g : swapped) g = 1 - g;
          prefix.index = swapped.data();
          got = fresh.forward_after_prefix(p.data(), tokens.data(), batch, prefix);
          double change = 0;
          for (int i = 0; i < batch * c.n_classes; ++i)
            change = std::max(change, std::abs(got[i] - expected[i]));
          EXPECT_GT(change, 1e-6);
        }
}

TEST(TransformerPrefix, RejectsMeanPoolingAndBadPrefixes) {
  const ModelConfig mean = tiny_config(1, 2, Pool::kMean), cls = tiny_config(1, 2, Pool::kCls);
  const Vec p = tiny_params(cls);
  const std::vector<int32_t> tokens(8, 1), index(2, 0);
  const Vec kv(4 * cls.dim, 0.0);
  SharedPrefix<double> prefix{2, {kv.data(), kv.data()}, {kv.data(), kv.data()}, index.data()};
  EXPECT_THROW(
      Transformer<double>(mean, 2).forward_after_prefix(p.data(), tokens.data(), 2, prefix), Error);
  Transformer<double> model(cls, 2);
  EXPECT_NO_THROW(model.forward_after_prefix(p.data(), tokens.data(), 2, prefix));
  prefix.keys.pop_back();  // one layer short
  EXPECT_THROW(model.forward_after_prefix(p.data(), tokens.data(), 2, prefix), Error);
  prefix.keys.push_back(kv.data());
  prefix.length = 4;  // nothing left to compute
  EXPECT_THROW(model.forward_after_prefix(p.data(), tokens.data(), 2, prefix), Error);
}

TEST(Transformer, RejectsBadBatchAndTokens) {
  const ModelConfig c = tiny_config(1, 1, Pool::kCls);
  const Vec p = tiny_params(c);
  Transformer<double> model(c, 2);
  std::vector<int32_t> tokens(12, 1);
  EXPECT_THROW(model.forward(p.data(), tokens.data(), 3, {}), Error);
  tokens[5] = 9;
  EXPECT_THROW(model.forward(p.data(), tokens.data(), 2, {}), Error);
  ModelConfig bad = c;
  bad.heads = 3;
  EXPECT_THROW(Transformer<double>(bad, 2), UsageError);
}

}  // namespace
}  // namespace grok

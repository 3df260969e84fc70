// Each layer's backward against central differences of its forward, in double, standalone
// (no Transformer): embedding, RMSNorm, RoPE, attention core, attention block, FFN block,
// pooling + head. Loss = Σ output · random weights, so d_output = those weights.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grokking/model/activation.h"
#include "grokking/model/attention.h"
#include "grokking/model/attention_core.h"
#include "grokking/model/embedding.h"
#include "grokking/model/ffn.h"
#include "grokking/model/head.h"
#include "grokking/model/rms_norm.h"
#include "grokking/model/rope.h"
#include "grokking/model/token_table.h"
#include "model_test_support.h"

namespace grok {
namespace {

using testing::dot;
using testing::expect_gradient;
using testing::random_tokens;
using testing::random_vector;
using Vec = std::vector<double>;

constexpr int kB = 3, kT = 4, kD = 8, kV = 9, kC = 9;
constexpr int kN = kB * kT;

TEST(ModelLayers, VectorizableExpMatchesStdExp) {
  double worst = 0;
  for (int i = -870000; i <= 880000; i += 7) {
    const float x = i * 1e-4f;
    const double expected = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(exp_vectorizable(x) - expected) / expected);
  }
  EXPECT_LT(worst, 3e-7);  // about 2 ulp of float
  EXPECT_NEAR(sigmoid(0.5f), 1 / (1 + std::exp(-0.5)), 1e-7);
  EXPECT_EQ(sigmoid(-200.0f), 1 / (1 + exp_vectorizable(88.0f)));  // clamped, no inf/NaN
  EXPECT_GT(sigmoid(-200.0f), 0.0f);
  EXPECT_EQ(sigmoid(200.0f), 1.0f);
}

TEST(ModelLayers, EmbeddingGradient) {
  const auto tokens = random_tokens(kN, kV, 1);
  Vec table = random_vector(kV * kD, 2), w = random_vector(kN * kD, 3), out(kN * kD);
  auto loss = [&] {
    embedding_forward(kN, kD, tokens.data(), table.data(), out.data());
    return dot(out.data(), w.data(), out.size());
  };
  loss();
  EXPECT_EQ(out[5 * kD + 3], table[tokens[5] * kD + 3]);
  Vec d_table(table.size(), 0.0);
  embedding_backward(kN, kD, tokens.data(), w.data(), d_table.data());
  expect_gradient("d_table", table.data(), d_table.data(), table.size(), loss);
}

// RMSNorm on all rows and on the last position only; d_x overwritten or accumulated.
void check_rms_norm(RowSet rows, bool accumulate) {
  Vec x = random_vector(kN * kD, 4, 2.0), scale = random_vector(kD, 5, 1.5);
  Vec w = random_vector(kN * kD, 6), y(kN * kD, 0.0), inv(kN, 0.0);
  auto loss = [&] {
    rms_norm_forward(rows, kD, x.data(), scale.data(), y.data(), inv.data());
    double s = 0;
    for (int i = 0; i < rows.count; ++i)
      s += dot(y.data() + rows.row(i) * kD, w.data() + rows.row(i) * kD, kD);
    return s;
  };
  loss();
  // Hand value for one row: y = x / sqrt(mean(x²) + 1e-6) · scale.
  const int r = rows.row(1);
  double ms = 0;
  for (int j = 0; j < kD; ++j) ms += x[r * kD + j] * x[r * kD + j] / kD;
  EXPECT_NEAR(y[r * kD + 2], x[r * kD + 2] / std::sqrt(ms + 1e-6) * scale[2], 1e-14);
  Vec d_scale(kD, 0.0), d_x(kN * kD, accumulate ? 0.5 : 0.0);
  rms_norm_backward(rows, kD, x.data(), scale.data(), inv.data(), w.data(), d_scale.data(),
                    d_x.data(), accumulate);
  if (accumulate)
    for (double& v : d_x) v -= 0.5;
  expect_gradient("d_x", x.data(), d_x.data(), x.size(), loss);
  expect_gradient("d_scale", scale.data(), d_scale.data(), kD, loss);
}

TEST(ModelLayers, RmsNormGradientAllRows) { check_rms_norm(all_rows(kB, kT), false); }
TEST(ModelLayers, RmsNormGradientLastPositionAccumulating) {
  check_rms_norm(last_position_rows(kB, kT), true);
}

TEST(ModelLayers, RopeMatchesFormulaAndGradient) {
  const int heads = 2, dh = kD / heads;
  const RopeTable<double> table(kT, dh, 1e6);
  Vec x0 = random_vector(kN * kD, 7), w = random_vector(kN * kD, 8), y(kN * kD);
  const RowSet rows = all_rows(kB, kT);
  auto loss = [&] {
    y = x0;
    rope_forward(rows, heads, table, y.data());
    return dot(y.data(), w.data(), y.size());
  };
  loss();
  // Example 1, position 2, head 1, pair i = 1: angle = 2·(1e6)^(−2/4) = 2e-3.
  const int r = 1 * kT + 2, base = r * kD + 1 * dh;
  const double angle = 2.0 * std::pow(1e6, -2.0 * 1 / dh);
  EXPECT_NEAR(y[base + 1], x0[base + 1] * std::cos(angle) - x0[base + 3] * std::sin(angle), 1e-15);
  EXPECT_NEAR(y[base + 3], x0[base + 1] * std::sin(angle) + x0[base + 3] * std::cos(angle), 1e-15);
  for (int j = 0; j < kD; ++j) EXPECT_EQ(y[j], x0[j]);  // position 0 is the identity
  Vec d = w;
  rope_backward(rows, heads, table, d.data());
  expect_gradient("d_x", x0.data(), d.data(), x0.size(), loss);
}

// Attention core: q, k, v gradients and the probability tap, all queries or the last only.
void check_attention_core(int heads, int q_first) {
  const int dh = kD / heads;
  Vec q = random_vector(kN * kD, 9), k = random_vector(kN * kD, 10), v = random_vector(kN * kD, 11);
  Vec w = random_vector(kN * kD, 12), w_probs = random_vector(kB * heads * kT * kT, 13);
  Vec probs(w_probs.size()), ctx(kN * kD);
  auto loss = [&] {
    attention_core_forward(kB, kT, heads, dh, q_first, q.data(), k.data(), v.data(), probs.data(),
                           ctx.data());
    double s = 0;
    for (int b = 0; b < kB; ++b)
      for (int t = q_first; t < kT; ++t) {
        s += dot(ctx.data() + (b * kT + t) * kD, w.data() + (b * kT + t) * kD, kD);
        for (int h = 0; h < heads; ++h) {
          const int o = ((b * heads + h) * kT + t) * kT;
          s += dot(probs.data() + o, w_probs.data() + o, kT);
        }
      }
    return s;
  };
  loss();
  // Independent check of one probability: example 2, head heads-1, query 3, key 1.
  {
    const int b = 2, h = heads - 1, t = 3;
    double scores[kT], z = 0;
    for (int s = 0; s <= t; ++s) {
      scores[s] =
          dot(q.data() + (b * kT + t) * kD + h * dh, k.data() + (b * kT + s) * kD + h * dh, dh) /
          std::sqrt(double(dh));
      z += std::exp(scores[s]);
    }
    EXPECT_NEAR(probs[((b * heads + h) * kT + t) * kT + 1], std::exp(scores[1]) / z, 1e-14);
  }
  Vec d_q(kN * kD, 0.0), d_k(kN * kD), d_v(kN * kD);
  attention_core_backward(kB, kT, heads, dh, q_first, q.data(), k.data(), v.data(), probs.data(),
                          w.data(), w_probs.data(), d_q.data(), d_k.data(), d_v.data());
  expect_gradient("d_q", q.data(), d_q.data(), q.size(), loss);
  expect_gradient("d_k", k.data(), d_k.data(), k.size(), loss);
  expect_gradient("d_v", v.data(), d_v.data(), v.size(), loss);
}

TEST(ModelLayers, AttentionCoreGradientOneHead) { check_attention_core(1, 0); }
TEST(ModelLayers, AttentionCoreGradientTwoHeads) { check_attention_core(2, 0); }
TEST(ModelLayers, AttentionCoreGradientLastQueryOnly) { check_attention_core(2, kT - 1); }

// Parameters of one block, a flat vector with named views.
struct BlockParams {
  Vec norm, w[4];
};

void check_attention_block(int heads, bool last_only, double dropout_rate) {
  const LayerShape shape{kB, kT, kD, heads, last_only};
  const RopeTable<double> rope(kT, kD / heads, 1e6);
  const DropoutSite site{17, 3, 0, dropout_rate};
  const DropoutSite* dropout = dropout_rate > 0 ? &site : nullptr;
  BlockParams p{random_vector(kD, 20, 2.0), {}};
  for (int i = 0; i < 4; ++i) p.w[i] = random_vector(kD * kD, 21 + i, 0.6);
  Vec x = random_vector(kN * kD, 30), w = random_vector(kN * kD, 31);
  Vec w_probs = random_vector(kB * heads * kT * kT, 32);
  Vec xn(kN * kD), inv(kN), q(kN * kD), k(kN * kD), v(kN * kD), probs(w_probs.size()), ctx(kN * kD),
      scratch(4 * kN * kD), out(kN * kD, 0.0);
  std::vector<uint8_t> mask(kN * kD);
  const AttentionSaved<double> saved{xn.data(), inv.data(),   q.data(),   k.data(),
                                     v.data(),  probs.data(), ctx.data(), mask.data()};
  const AttentionScratch<double> s{scratch.data(), scratch.data() + kN * kD,
                                   scratch.data() + 2 * kN * kD, scratch.data() + 3 * kN * kD};
  const RowSet qr = shape.q_rows();
  auto loss = [&] {
    attention_forward(AttentionParams<double>{p.norm.data(), p.w[0].data(), p.w[1].data(),
                                              p.w[2].data(), p.w[3].data()},
                      shape, rope, dropout, x.data(), saved, s, out.data());
    double sum = 0;
    for (int i = 0; i < qr.count; ++i)
      sum += dot(out.data() + qr.row(i) * kD, w.data() + qr.row(i) * kD, kD);
    for (int b = 0; b < kB; ++b)
      for (int h = 0; h < heads; ++h)
        for (int t = qr.first; t < kT; ++t) {
          const int o = ((b * heads + h) * kT + t) * kT;
          sum += dot(probs.data() + o, w_probs.data() + o, kT);
        }
    return sum;
  };
  loss();
  if (dropout) {
    int dropped = 0;
    for (int i = 0; i < qr.count; ++i)
      for (int j = 0; j < kD; ++j) dropped += mask[qr.row(i) * kD + j] == 0;
    EXPECT_GT(dropped, 0);
  }
  BlockParams g{Vec(kD, 0.0), {}};
  for (auto& gw : g.w) gw.assign(kD * kD, 0.0);
  Vec d_x(kN * kD, 0.0);
  for (int i = 0; i < qr.count; ++i)
    for (int j = 0; j < kD; ++j) d_x[qr.row(i) * kD + j] = w[qr.row(i) * kD + j];
  attention_backward(AttentionParams<double>{p.norm.data(), p.w[0].data(), p.w[1].data(),
                                             p.w[2].data(), p.w[3].data()},
                     shape, rope, dropout, x.data(), saved, w_probs.data(), s,
                     AttentionGrads<double>{g.norm.data(), g.w[0].data(), g.w[1].data(),
                                            g.w[2].data(), g.w[3].data()},
                     d_x.data());
  expect_gradient("d_x", x.data(), d_x.data(), x.size(), loss);
  expect_gradient("d_norm", p.norm.data(), g.norm.data(), kD, loss);
  const char* names[4] = {"d_wq", "d_wk", "d_wv", "d_wo"};
  for (int i = 0; i < 4; ++i)
    expect_gradient(names[i], p.w[i].data(), g.w[i].data(), kD * kD, loss);
}

TEST(ModelLayers, AttentionBlockGradientOneHead) { check_attention_block(1, false, 0.0); }
TEST(ModelLayers, AttentionBlockGradientTwoHeads) { check_attention_block(2, false, 0.0); }
TEST(ModelLayers, AttentionBlockGradientLastOnly) { check_attention_block(2, true, 0.0); }
TEST(ModelLayers, AttentionBlockGradientWithDropout) { check_attention_block(2, false, 0.3); }
TEST(ModelLayers, AttentionBlockGradientLastOnlyWithDropout) {
  check_attention_block(1, true, 0.3);
}

// Layer 0 through the token table (token_table.h): the input is embedding rows, so the
// gradient is checked against the embedding itself (through the table and the skip path),
// and the table gives the same output and gradients as the row-by-row computation.
void check_attention_table(int heads, bool last_only, double dropout_rate) {
  const LayerShape shape{kB, kT, kD, heads, last_only};
  const RopeTable<double> rope(kT, kD / heads, 1e6);
  const DropoutSite site{17, 3, 0, dropout_rate};
  const DropoutSite* dropout = dropout_rate > 0 ? &site : nullptr;
  const auto tokens = random_tokens(kN, kV, 33);
  Vec embedding = random_vector(kV * kD, 34, 1.5);
  BlockParams p{random_vector(kD, 35, 2.0), {}};
  for (int i = 0; i < 4; ++i) p.w[i] = random_vector(kD * kD, 36 + i, 0.6);
  const Vec w = random_vector(kN * kD, 40), w_probs = random_vector(kB * heads * kT * kT, 41);
  Vec x(kN * kD), xn(kN * kD), inv(kN), q(kN * kD), k(kN * kD), v(kN * kD), probs(w_probs.size()),
      ctx(kN * kD), scratch(4 * kN * kD), out(kN * kD, 0.0);
  Vec table_buffer(TokenTable<double>::buffer_size(kV, kD));
  std::vector<uint8_t> mask(kN * kD);
  const AttentionSaved<double> saved{xn.data(), inv.data(),   q.data(),   k.data(),
                                     v.data(),  probs.data(), ctx.data(), mask.data()};
  const AttentionScratch<double> s{scratch.data(), scratch.data() + kN * kD,
                                   scratch.data() + 2 * kN * kD, scratch.data() + 3 * kN * kD};
  const AttentionParams<double> params{p.norm.data(), p.w[0].data(), p.w[1].data(), p.w[2].data(),
                                       p.w[3].data()};
  TokenTable<double> table =
      make_token_table(table_buffer.data(), kV, kD, tokens.data(), embedding.data());
  const RowSet qr = shape.q_rows();
  auto loss_with = [&](const TokenTable<double>* t) {
    embedding_forward(kN, kD, tokens.data(), embedding.data(), x.data());
    attention_forward(params, shape, rope, dropout, x.data(), saved, s, out.data(), t);
    double sum = 0;
    for (int i = 0; i < qr.count; ++i)
      sum += dot(out.data() + qr.row(i) * kD, w.data() + qr.row(i) * kD, kD);
    for (int b = 0; b < kB; ++b)
      for (int h = 0; h < heads; ++h)
        for (int t_q = qr.first; t_q < kT; ++t_q) {
          const int o = ((b * heads + h) * kT + t_q) * kT;
          sum += dot(probs.data() + o, w_probs.data() + o, kT);
        }
    return sum;
  };
  // Gradients of the loss: d_embedding, then norm, wq, wk, wv, wo.
  auto gradients = [&](const TokenTable<double>* t) {
    std::vector<Vec> g = {Vec(kV * kD, 0.0), Vec(kD, 0.0)};
    for (int i = 0; i < 4; ++i) g.emplace_back(kD * kD, 0.0);
    Vec d_x(kN * kD, 0.0);
    for (int i = 0; i < qr.count; ++i)
      for (int j = 0; j < kD; ++j) d_x[qr.row(i) * kD + j] = w[qr.row(i) * kD + j];
    TokenTable<double> with_grad = table;
    with_grad.d_embedding = g[0].data();
    attention_backward(
        params, shape, rope, dropout, x.data(), saved, w_probs.data(), s,
        AttentionGrads<double>{g[1].data(), g[2].data(), g[3].data(), g[4].data(), g[5].data()},
        d_x.data(), t ? &with_grad : nullptr);
    embedding_backward(kN, kD, tokens.data(), d_x.data(), g[0].data());
    return g;
  };
  const double direct_loss = loss_with(nullptr);
  const Vec direct_out = out;
  const std::vector<Vec> direct = gradients(nullptr);
  auto loss = [&] { return loss_with(&table); };
  EXPECT_NEAR(loss(), direct_loss, 1e-12);
  for (int i = 0; i < qr.count; ++i)
    for (int j = 0; j < kD; ++j)
      EXPECT_NEAR(out[qr.row(i) * kD + j], direct_out[qr.row(i) * kD + j], 1e-13);
  const std::vector<Vec> g = gradients(&table);
  for (std::size_t a = 0; a < g.size(); ++a)
    for (std::size_t i = 0; i < g[a].size(); ++i)
      EXPECT_NEAR(g[a][i], direct[a][i], 1e-12) << "gradient " << a << " at " << i;
  expect_gradient("d_embedding", embedding.data(), g[0].data(), embedding.size(), loss);
  expect_gradient("d_norm", p.norm.data(), g[1].data(), kD, loss);
  const char* names[4] = {"d_wq", "d_wk", "d_wv", "d_wo"};
  for (int i = 0; i < 4; ++i)
    expect_gradient(names[i], p.w[i].data(), g[2 + i].data(), kD * kD, loss);
}

TEST(ModelLayers, AttentionTokenTableOneHead) { check_attention_table(1, false, 0.0); }
TEST(ModelLayers, AttentionTokenTableTwoHeadsDropout) { check_attention_table(2, false, 0.3); }
TEST(ModelLayers, AttentionTokenTableLastOnly) { check_attention_table(2, true, 0.3); }

TEST(ModelLayers, TokenTableIsUsedOnlyWhenSmaller) {
  EXPECT_TRUE(uses_token_table(99, 2048));
  EXPECT_TRUE(uses_token_table(99, 100));
  EXPECT_FALSE(uses_token_table(99, 99));
  EXPECT_FALSE(uses_token_table(99, 4));
}

void check_ffn_block(bool last_only, double dropout_rate) {
  constexpr int kF = 4 * kD;
  const LayerShape shape{kB, kT, kD, 1, last_only};
  const DropoutSite site{17, 3, 1, dropout_rate};
  const DropoutSite* dropout = dropout_rate > 0 ? &site : nullptr;
  Vec norm = random_vector(kD, 40, 2.0), w1 = random_vector(kD * kF, 41, 0.8),
      w3 = random_vector(kD * kF, 42, 0.8), w2 = random_vector(kF * kD, 43, 0.4);
  Vec x = random_vector(kN * kD, 44), w = random_vector(kN * kD, 45);
  Vec xn(kN * kD), inv(kN), a(kN * kF), b(kN * kF), g(kN * kF), out(kN * kD, 0.0);
  Vec scratch(2 * kN * kF + kN * kD);
  std::vector<uint8_t> mask(kN * kF);
  const FfnSaved<double> saved{xn.data(), inv.data(), a.data(), b.data(), g.data(), mask.data()};
  const FfnScratch<double> s{scratch.data(), scratch.data() + kN * kF,
                             scratch.data() + 2 * kN * kF};
  const FfnParams<double> p{norm.data(), w1.data(), w3.data(), w2.data()};
  const RowSet rows = shape.q_rows();
  auto loss = [&] {
    ffn_forward(p, shape, dropout, x.data(), saved, out.data());
    double sum = 0;
    for (int i = 0; i < rows.count; ++i)
      sum += dot(out.data() + rows.row(i) * kD, w.data() + rows.row(i) * kD, kD);
    return sum;
  };
  loss();
  // Hand value of g at one element (no dropout): silu(a)·b.
  if (!dropout) {
    const int e = rows.row(1) * kF + 5;
    EXPECT_NEAR(g[e], a[e] / (1 + std::exp(-a[e])) * b[e], 1e-15);
  }
  Vec d_norm(kD, 0.0), d_w1(kD * kF, 0.0), d_w3(kD * kF, 0.0), d_w2(kF * kD, 0.0);
  Vec d_x(kN * kD, 0.0);
  for (int i = 0; i < rows.count; ++i)
    for (int j = 0; j < kD; ++j) d_x[rows.row(i) * kD + j] = w[rows.row(i) * kD + j];
  ffn_backward(p, shape, dropout, x.data(), saved, s,
               FfnGrads<double>{d_norm.data(), d_w1.data(), d_w3.data(), d_w2.data()}, d_x.data());
  expect_gradient("d_x", x.data(), d_x.data(), x.size(), loss);
  expect_gradient("d_norm", norm.data(), d_norm.data(), kD, loss);
  expect_gradient("d_w1", w1.data(), d_w1.data(), w1.size(), loss);
  expect_gradient("d_w3", w3.data(), d_w3.data(), w3.size(), loss);
  expect_gradient("d_w2", w2.data(), d_w2.data(), w2.size(), loss);
}

TEST(ModelLayers, FfnBlockGradient) { check_ffn_block(false, 0.0); }
TEST(ModelLayers, FfnBlockGradientLastOnly) { check_ffn_block(true, 0.0); }
TEST(ModelLayers, FfnBlockGradientWithDropout) { check_ffn_block(false, 0.3); }

void check_head(Pool pool) {
  Vec hf = random_vector(kN * kD, 50), w_out = random_vector(kD * kC, 51);
  Vec w = random_vector(kB * kC, 52), pooled(kB * kD), logits(kB * kC);
  auto loss = [&] {
    head_forward(pool, kB, kT, kD, kC, hf.data(), w_out.data(), pooled.data(), logits.data());
    return dot(logits.data(), w.data(), logits.size());
  };
  loss();
  // Hand value: logits[1][4] from the pooled row.
  double expected = 0;
  for (int j = 0; j < kD; ++j) {
    double pj = 0;
    if (pool == Pool::kCls) {
      pj = hf[(1 * kT + kT - 1) * kD + j];
    } else {
      for (int t = 0; t < kT; ++t) pj += hf[(1 * kT + t) * kD + j] / kT;
    }
    expected += pj * w_out[j * kC + 4];
  }
  EXPECT_NEAR(logits[1 * kC + 4], expected, 1e-14);
  Vec d_w_out(kD * kC, 0.0), d_pooled(kB * kD), d_hf(kN * kD, 7.0);
  head_backward(pool, kB, kT, kD, kC, hf.data(), pooled.data(), w_out.data(), w.data(),
                d_w_out.data(), d_pooled.data(), d_hf.data());
  expect_gradient("d_hf", hf.data(), d_hf.data(), hf.size(), loss);
  expect_gradient("d_w_out", w_out.data(), d_w_out.data(), w_out.size(), loss);
}

TEST(ModelLayers, HeadGradientCls) { check_head(Pool::kCls); }
TEST(ModelLayers, HeadGradientMean) { check_head(Pool::kMean); }

}  // namespace
}  // namespace grok

// The GEMM FLOP count against hand counts written out product by product.
#include <gtest/gtest.h>

#include "grokking/core/error.h"
#include "grokking/model/flops.h"

namespace grok {
namespace {

// Tiny config: B = 3, T = 4, D = 8, H = 2 (dh = 4), F = 32, C = 11, V = 7 (p = 5), so
// R = B·T = 12 token rows, more than V: layer 0 projects its 7-row token table.
constexpr int kB = 3, kT = 4, kD = 8, kH = 2, kF = 32, kC = 11, kV = 7;

FlopModel tiny(int depth, bool trimmed, int heads = kH, int vocab = kV) {
  return {kT, depth, kD, heads, kF, kC, vocab, trimmed};
}

// One full layer, every product written as 2·M·N·K.
constexpr double kFullLayer = 2.0 * 12 * 8 * 8             // q  [12,8]·[8,8]
                              + 2.0 * 12 * 8 * 8           // k
                              + 2.0 * 12 * 8 * 8           // v
                              + 2.0 * 12 * 8 * 8           // o
                              + 3 * 2 * (2.0 * 4 * 4 * 4)  // scores: per (b, h) [4,4]·[4,4]
                              + 3 * 2 * (2.0 * 4 * 4 * 4)  // probs·v: per (b, h) [4,4]·[4,4]
                              + 2.0 * 12 * 32 * 8          // W1 [12,8]·[8,32]
                              + 2.0 * 12 * 32 * 8          // W3
                              + 2.0 * 12 * 8 * 32;         // W2 [12,32]·[32,8]

// Layer 0 through the token table: q, k, v on the 7 table rows, the rest as a full layer.
constexpr double kTableLayer = 2.0 * 7 * 8 * 8              // q  [7,8]·[8,8]
                               + 2.0 * 7 * 8 * 8            // k  [7,8]·[8,8]
                               + 2.0 * 7 * 8 * 8            // v  [7,8]·[8,8]
                               + 2.0 * 12 * 8 * 8           // o  [12,8]·[8,8]
                               + 3 * 2 * (2.0 * 4 * 4 * 4)  // scores
                               + 3 * 2 * (2.0 * 4 * 4 * 4)  // probs·v
                               + 2.0 * 12 * 32 * 8          // W1
                               + 2.0 * 12 * 32 * 8          // W3
                               + 2.0 * 12 * 8 * 32;         // W2

// The trimmed last layer: keys and values for all 12 rows, the rest for 3 query rows.
constexpr double kTrimmedLayer = 2.0 * 3 * 8 * 8              // q  [3,8]·[8,8]
                                 + 2.0 * 12 * 8 * 8           // k  [12,8]·[8,8]
                                 + 2.0 * 12 * 8 * 8           // v
                                 + 2.0 * 3 * 8 * 8            // o  [3,8]·[8,8]
                                 + 3 * 2 * (2.0 * 1 * 4 * 4)  // scores: per (b, h) [1,4]·[4,4]
                                 + 3 * 2 * (2.0 * 1 * 4 * 4)  // probs·v: per (b, h) [1,4]·[4,4]
                                 + 2.0 * 3 * 32 * 8           // W1 [3,8]·[8,32]
                                 + 2.0 * 3 * 32 * 8           // W3
                                 + 2.0 * 3 * 8 * 32;          // W2 [3,32]·[32,8]

// Depth 1, trimmed: the only layer is both layer 0 (table) and the trimmed last layer.
constexpr double kTrimmedTableLayer = 2.0 * 7 * 8 * 8              // q table [7,8]·[8,8]
                                      + 2.0 * 7 * 8 * 8            // k table
                                      + 2.0 * 7 * 8 * 8            // v table
                                      + 2.0 * 3 * 8 * 8            // o  [3,8]·[8,8]
                                      + 3 * 2 * (2.0 * 1 * 4 * 4)  // scores
                                      + 3 * 2 * (2.0 * 1 * 4 * 4)  // probs·v
                                      + 2.0 * 3 * 32 * 8           // W1
                                      + 2.0 * 3 * 32 * 8           // W3
                                      + 2.0 * 3 * 8 * 32;          // W2

// The trimmed last layer keeping every attention map: q, scores and probs·v for all 12 rows,
// o and the FFN for the 3 output rows.
constexpr double kMapsLayer = 2.0 * 12 * 8 * 8             // q  [12,8]·[8,8]
                              + 2.0 * 12 * 8 * 8           // k
                              + 2.0 * 12 * 8 * 8           // v
                              + 2.0 * 3 * 8 * 8            // o  [3,8]·[8,8]
                              + 3 * 2 * (2.0 * 4 * 4 * 4)  // scores: per (b, h) [4,4]·[4,4]
                              + 3 * 2 * (2.0 * 4 * 4 * 4)  // probs·v
                              + 2.0 * 3 * 32 * 8           // W1 [3,8]·[8,32]
                              + 2.0 * 3 * 32 * 8           // W3
                              + 2.0 * 3 * 8 * 32;          // W2 [3,32]·[32,8]

constexpr double kHead = 2.0 * 3 * 11 * 8;  // [3,8]·[8,11]

TEST(Flops, HandCountOfTinyConfig) {
  // The same sums evaluated by hand, so that a mistake in the constexpr terms shows too.
  EXPECT_EQ(kFullLayer, 26112.0);
  EXPECT_EQ(kTableLayer, 24192.0);
  EXPECT_EQ(kTrimmedLayer, 8832.0);
  EXPECT_EQ(kTrimmedTableLayer, 8064.0);
  EXPECT_EQ(kHead, 528.0);

  const FlopCount full = training_step_flops(tiny(2, false), kB);
  EXPECT_EQ(full.forward, kTableLayer + kFullLayer + kHead);
  EXPECT_EQ(full.backward, 2 * full.forward);
  EXPECT_EQ(full.total, 3 * full.forward);

  const FlopCount trimmed = training_step_flops(tiny(2, true), kB);
  EXPECT_EQ(trimmed.forward, kTableLayer + kTrimmedLayer + kHead);
  EXPECT_EQ(trimmed.forward, 33552.0);
  EXPECT_EQ(trimmed.backward, 2 * trimmed.forward);
  EXPECT_EQ(trimmed.total, 3 * 33552.0);

  EXPECT_EQ(training_step_flops(tiny(1, true), kB).forward, kTrimmedTableLayer + kHead);
  EXPECT_EQ(training_step_flops(tiny(3, true), kB).forward,
            kTableLayer + kFullLayer + kTrimmedLayer + kHead);
}

TEST(Flops, TrimmedLayerWithEveryAttentionMap) {
  EXPECT_EQ(kMapsLayer, 4608.0 + 384.0 + 1536.0 + 4608.0);  // q k v, o, attention core, FFN
  FlopModel m = tiny(2, true);
  m.all_last_queries = true;
  EXPECT_EQ(training_step_flops(m, kB).forward, kTableLayer + kMapsLayer + kHead);
  m.trimmed_last_layer = false;  // without trimming there is nothing to keep
  EXPECT_EQ(training_step_flops(m, kB).forward, kTableLayer + kFullLayer + kHead);
}

// After a shared prefix of P = 2 positions (Transformer::forward_after_prefix) every layer
// computes positions 2 and 3 only: R = B·2 = 6 rows, queries still see all 4 keys. The table
// choice still compares V with B·T = 12.
TEST(Flops, AfterASharedPrefix) {
  constexpr double kLayer0 = 2.0 * 7 * 8 * 8              // q table [7,8]·[8,8]
                             + 2.0 * 7 * 8 * 8            // k table
                             + 2.0 * 7 * 8 * 8            // v table
                             + 2.0 * 6 * 8 * 8            // o  [6,8]·[8,8]
                             + 3 * 2 * (2.0 * 2 * 4 * 4)  // scores: per (b, h) [2,4]·[4,4]
                             + 3 * 2 * (2.0 * 2 * 4 * 4)  // probs·v
                             + 2.0 * 6 * 32 * 8           // W1 [6,8]·[8,32]
                             + 2.0 * 6 * 32 * 8           // W3
                             + 2.0 * 6 * 8 * 32;          // W2
  constexpr double kLast = 2.0 * 3 * 8 * 8                // q  [3,8]·[8,8]
                           + 2.0 * 6 * 8 * 8              // k  [6,8]·[8,8]
                           + 2.0 * 6 * 8 * 8              // v
                           + 2.0 * 3 * 8 * 8              // o
                           + 3 * 2 * (2.0 * 1 * 4 * 4)    // scores: per (b, h) [1,4]·[4,4]
                           + 3 * 2 * (2.0 * 1 * 4 * 4)    // probs·v
                           + 2.0 * 3 * 32 * 8             // W1
                           + 2.0 * 3 * 32 * 8             // W3
                           + 2.0 * 3 * 8 * 32;            // W2
  FlopModel m = tiny(2, true);
  m.first_position = 2;
  EXPECT_EQ(eval_flops(m, kB), kLayer0 + kLast + kHead);
  m.vocab_size = 12;  // V = B·T: layer 0 projects its 6 rows
  EXPECT_EQ(eval_flops(m, kB),
            kLayer0 - 3 * (2.0 * 7 * 8 * 8) + 3 * (2.0 * 6 * 8 * 8) + kLast + kHead);
  m.first_position = 4;  // nothing left to compute
  EXPECT_THROW(eval_flops(m, kB), Error);
}

TEST(Flops, TokenTableOnlyWhenTheVocabularyHasFewerRows) {
  // V = 12 = R: layer 0 projects its 12 rows directly, like any full layer.
  EXPECT_EQ(training_step_flops(tiny(2, true, kH, 12), kB).forward,
            kFullLayer + kTrimmedLayer + kHead);
  EXPECT_EQ(training_step_flops(tiny(1, true, kH, 12), kB).forward, kTrimmedLayer + kHead);
  // V = 11 < 12: the table, 3 · [11,8]·[8,8] instead of 3 · [12,8]·[8,8].
  EXPECT_EQ(training_step_flops(tiny(2, true, kH, 11), kB).forward,
            kFullLayer - 3 * (2.0 * 12 * 8 * 8) + 3 * (2.0 * 11 * 8 * 8) + kTrimmedLayer + kHead);
}

TEST(Flops, LayersSumToTheForward) {
  for (bool trimmed : {false, true}) {
    const FlopModel m = tiny(2, trimmed);
    const LayerFlops l0 = layer_forward_flops(m, kB, 0), l1 = layer_forward_flops(m, kB, 1);
    EXPECT_EQ(l0.attention + l0.ffn + l1.attention + l1.ffn + kHead,
              training_step_flops(m, kB).forward);
    EXPECT_EQ(l0.ffn, 3 * (2.0 * 12 * 32 * 8));
    EXPECT_EQ(l0.attention, kTableLayer - l0.ffn);
  }
  EXPECT_EQ(layer_forward_flops(tiny(2, true), kB, 1).ffn, 3 * (2.0 * 3 * 32 * 8));
  EXPECT_THROW(layer_forward_flops(tiny(2, true), kB, 2), Error);
}

TEST(Flops, HeadsDoNotChangeTheCount) {
  // B·H·T·T·dh = B·T·T·D whatever the split into heads.
  EXPECT_EQ(training_step_flops(tiny(2, true, 1), kB).forward,
            training_step_flops(tiny(2, true, 4), kB).forward);
}

TEST(Flops, EvalIsForward) {
  EXPECT_EQ(eval_flops(tiny(2, true), kB), kTableLayer + kTrimmedLayer + kHead);
  EXPECT_EQ(eval_flops(tiny(2, false), kB), kTableLayer + kFullLayer + kHead);
  // Twice the examples at once: everything doubles except the table, paid once per forward.
  const double table = 3 * (2.0 * 7 * 8 * 8);
  EXPECT_EQ(eval_flops(tiny(2, true), 2 * kB), 2 * (kTableLayer + kTrimmedLayer + kHead) - table);
}

TEST(Flops, DefaultConfigStep) {
  // B = 512, T = 4, L = 2, D = 128, H = 1, F = 512, C = V = 99, trimmed (docs/PERFORMANCE.md).
  const double table_layer = 3 * (2.0 * 99 * 128 * 128) + (2.0 * 2048 * 128 * 128) +
                             2 * (2.0 * 512 * 4 * 4 * 128) + 3 * (2.0 * 2048 * 128 * 512);
  const double trimmed_layer = 2 * (2.0 * 2048 * 128 * 128) + 2 * (2.0 * 512 * 128 * 128) +
                               2 * (2.0 * 512 * 1 * 4 * 128) + 3 * (2.0 * 512 * 128 * 512);
  const double head = 2.0 * 512 * 128 * 99;
  const FlopCount step = training_step_flops({4, 2, 128, 1, 512, 99, 99, true}, 512);
  EXPECT_EQ(step.forward, table_layer + trimmed_layer + head);
  EXPECT_EQ(step.forward, 1269465088.0);
  EXPECT_EQ(step.total, 3 * 1269465088.0);
}

TEST(Flops, RejectsBadConfig) {
  EXPECT_THROW(training_step_flops({kT, 2, 10, 4, kF, kC, kV, true}, kB), Error);  // 10 % 4
  EXPECT_THROW(training_step_flops(tiny(0, true), kB), Error);
  EXPECT_THROW(training_step_flops(tiny(2, true, kH, 0), kB), Error);  // vocab unset
  EXPECT_THROW(eval_flops(FlopModel{}, kB), Error);
}

}  // namespace
}  // namespace grok

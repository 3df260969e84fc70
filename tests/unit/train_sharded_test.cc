// Data parallelism (train/sharded_model.h): a step cut into shards computes the whole batch's
// loss, accuracy and gradient (dropout on, uneven shard sizes, a tap-reading objective), up to
// the order of floating-point sums; evaluation over shards equals evaluation in one piece and,
// after shared prefixes, a plain forward;
// shard masks are the batch's rows; and the shard count rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/model/dropout.h"
#include "grokking/train/sharded_model.h"
#include "unit/model_test_support.h"

namespace grok {
namespace {

constexpr int kBatch = 11;

ModelConfig tiny() {
  ModelConfig c;
  c.vocab_size = c.n_classes = 9;
  c.dim = 16;
  c.heads = 2;
  c.depth = 2;
  c.dropout = 0.3;
  return c;
}

// Cross-entropy plus Σ of the last hidden state's squares (a tap gradient, as distillation
// adds), normalised by the whole step.
class TapObjective : public Objective {
 public:
  explicit TapObjective(int classes) : ce_(classes) {}
  LastLayer last_layer() const override { return LastLayer::kFull; }
  ObjectiveSums loss_and_gradient(Transformer<float>& model, const float* logits,
                                  const int32_t* labels, const int32_t* example_ids, int batch,
                                  int normaliser, float* d_logits, float* d_extra,
                                  Scratch<float>& scratch) const override {
    ObjectiveSums sums = ce_.loss_and_gradient(model, logits, labels, example_ids, batch,
                                               normaliser, d_logits, d_extra, scratch);
    const ModelConfig& c = model.config();
    const int k = c.hidden_state_count() - 2;
    const float* h = model.hidden_state(k);
    float* d_h = model.d_hidden_state(k);
    for (int i = 0; i < batch * c.seq_len * c.dim; ++i) {
      sums.loss += double{h[i]} * h[i];
      d_h[i] += 2.0f * h[i] / static_cast<float>(normaliser);
    }
    return sums;
  }

 private:
  CrossEntropyObjective ce_;
};

struct Step {
  ObjectiveSums sums;
  std::vector<float> grads;
};

// One step over kBatch examples, in micro-batches of `micro` examples (gradient accumulation:
// each normalised by the whole step, at its place in the step unless `in_place` is false).
Step run_step(int shards, Objective& objective, uint64_t step, int micro = kBatch,
              bool in_place = true) {
  const ModelConfig c = tiny();
  const TensorLayout layout = param_layout(c);
  std::vector<float> params(layout.total_size());
  init_params(c, layout, 3, params.data());
  const std::vector<int32_t> tokens = testing::random_tokens(kBatch * c.seq_len, c.vocab_size, 4);
  std::vector<int32_t> labels, ids;
  for (int i = 0; i < kBatch; ++i) labels.push_back((i * 5) % c.n_classes), ids.push_back(i);
  ShardedModel model(c, micro, std::min(shards, micro));
  ForwardOptions opts;
  opts.training = true;
  opts.dropout_seed = 7;
  opts.step = step;
  opts.last_layer = objective.last_layer();
  Step out;
  out.grads.assign(layout.total_size(), 0.0f);
  for (int first = 0; first < kBatch; first += micro) {
    const int size = std::min(micro, kBatch - first);
    opts.first_example = in_place ? first : 0;
    const ObjectiveSums part =
        model.train_step(params.data(), tokens.data() + first * c.seq_len, labels.data() + first,
                         ids.data() + first, size, opts, objective, out.grads.data(), kBatch);
    out.sums.loss += part.loss;
    out.sums.correct += part.correct;
  }
  return out;
}

double max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double{std::abs(a[i] - b[i])});
  return worst;
}

double max_abs(const std::vector<float>& a) {
  double m = 0;
  for (const float v : a) m = std::max(m, double{std::abs(v)});
  return m;
}

void expect_same_step(Objective& objective) {
  const Step whole = run_step(1, objective, 5);
  ASSERT_GT(max_abs(whole.grads), 0.0);
  for (const int shards : {2, 3, kBatch}) {
    SCOPED_TRACE(shards);
    const Step sharded = run_step(shards, objective, 5);
    EXPECT_NEAR(sharded.sums.loss, whole.sums.loss, 1e-5 * std::abs(whole.sums.loss));
    EXPECT_EQ(sharded.sums.correct, whole.sums.correct);
    EXPECT_LE(max_abs_difference(sharded.grads, whole.grads), 1e-5 * max_abs(whole.grads));
  }
  // The comparison can fail: another step's dropout masks give another gradient.
  const Step other = run_step(2, objective, 6);
  EXPECT_GT(max_abs_difference(other.grads, whole.grads), 1e-2 * max_abs(whole.grads));
}

TEST(ShardedModel, CrossEntropyStepEqualsTheWholeBatch) {
  CrossEntropyObjective objective(tiny().n_classes);
  expect_same_step(objective);
}

TEST(ShardedModel, TapGradientsEqualTheWholeBatch) {
  TapObjective objective(tiny().n_classes);
  expect_same_step(objective);
}

// Gradient accumulation: micro-batches (uneven, on one or two shards each) add up to the step
// of the whole batch, dropout masks included.
void expect_micro_batches_make_the_step(Objective& objective) {
  const Step whole = run_step(1, objective, 5);
  for (const int micro : {1, 3, 4, 6}) {
    for (const int shards : {1, 2}) {
      SCOPED_TRACE(::testing::Message() << "micro " << micro << ", shards " << shards);
      const Step accumulated = run_step(shards, objective, 5, micro);
      EXPECT_NEAR(accumulated.sums.loss, whole.sums.loss, 1e-5 * std::abs(whole.sums.loss));
      EXPECT_EQ(accumulated.sums.correct, whole.sums.correct);
      EXPECT_LE(max_abs_difference(accumulated.grads, whole.grads), 1e-5 * max_abs(whole.grads));
    }
  }
  // It can fail: micro-batches that all take the masks of a step's first examples differ.
  const Step misplaced = run_step(1, objective, 5, 4, /*in_place=*/false);
  EXPECT_GT(max_abs_difference(misplaced.grads, whole.grads), 1e-2 * max_abs(whole.grads));
}

TEST(ShardedModel, MicroBatchesMakeTheStepOfTheWholeBatch) {
  CrossEntropyObjective cross_entropy(tiny().n_classes);
  expect_micro_batches_make_the_step(cross_entropy);
  TapObjective tap(tiny().n_classes);
  expect_micro_batches_make_the_step(tap);
}

TEST(ShardedModel, EvaluationEqualsOnePiece) {
  const ModelConfig c = tiny();
  const TensorLayout layout = param_layout(c);
  std::vector<float> params(layout.total_size());
  init_params(c, layout, 3, params.data());
  Dataset data;
  data.tokens = testing::random_tokens(23 * c.seq_len, c.vocab_size, 8);
  for (int i = 0; i < 23; ++i) data.labels.push_back(data.tokens[i * c.seq_len] % c.n_classes);
  ShardedModel one(c, 23, 1);
  const LossSum whole = one.evaluate(params.data(), data, 23);
  for (const int shards : {2, 3}) {
    ShardedModel model(c, 8, shards);
    const LossSum sum = model.evaluate(params.data(), data, 5);
    EXPECT_NEAR(sum.loss, whole.loss, 1e-5 * whole.loss) << shards;
    EXPECT_EQ(sum.correct, whole.correct) << shards;
  }
}

// Evaluation data shaped like the task's ([a, op, b, eq], 4 values of a, 60 examples): the
// prefix [a, op] runs once per a (prefix_groups.h), the pieces compute positions 2 and 3 only,
// and loss and accuracy equal a plain forward over every example. The FLOP count shows the
// shared-prefix path ran: the 4 representatives in full, then 60 examples from position 2.
TEST(ShardedModel, EvaluationAfterSharedPrefixesEqualsPlainForward) {
  ModelConfig c = tiny();
  c.vocab_size = c.n_classes = 23;
  const TensorLayout layout = param_layout(c);
  std::vector<float> params(layout.total_size());
  init_params(c, layout, 3, params.data());
  Dataset data;
  for (int i = 0; i < 60; ++i) {
    data.tokens.insert(data.tokens.end(), {(i * 7) % 4, 21, i % 21, 22});
    data.labels.push_back((i * 5) % 21);
  }
  Transformer<float> plain(c, 60);
  const float* logits = plain.forward(params.data(), data.tokens.data(), 60, {});
  const LossSum expected =
      softmax_cross_entropy(logits, data.labels.data(), 60, c.n_classes, nullptr, 1.0);
  for (const int shards : {1, 2, 3}) {
    SCOPED_TRACE(shards);
    ShardedModel model(c, 24, shards);
    const LossSum sum = model.evaluate(params.data(), data, 7);
    EXPECT_NEAR(sum.loss, expected.loss, 1e-5 * expected.loss);
    EXPECT_EQ(sum.correct, expected.correct);
    const FlopModel trimmed = flop_model(c, LastLayer::kTrimmed);
    const FlopModel after = flop_model(c, LastLayer::kTrimmed, 2);
    const int piece = std::min(7, (24 + shards - 1) / shards);
    double flops = eval_flops(trimmed, 4);
    for (int begin = 0; begin < 60; begin += piece)
      flops += eval_flops(after, std::min(piece, 60 - begin));
    EXPECT_EQ(model.gemm_flops(), flops);
    EXPECT_EQ(model.evaluate(params.data(), data, 7).correct, sum.correct);  // groups reused
  }
}

TEST(ShardedModel, ShardMasksAreTheBatchRows) {
  const int rows = 12, width = 40, first = 5;
  std::vector<uint8_t> whole(rows * width), shard((rows - first) * width);
  const DropoutSite site{3, 9, 1, 0.5};
  dropout_mask(site, {0, rows, 1}, width, whole.data());
  DropoutSite shifted = site;
  shifted.first_row = first;
  dropout_mask(shifted, {0, rows - first, 1}, width, shard.data());
  EXPECT_TRUE(std::equal(shard.begin(), shard.end(), whole.begin() + first * width));
  EXPECT_FALSE(std::equal(shard.begin(), shard.end(), whole.begin()));
}

// The FLOP count adds up what each shard ran: two shards of 5 and 6 examples, then an
// evaluation of 23 examples in pieces of 6 (the shard capacity caps the chunk of 8).
TEST(ShardedModel, CountsTheFlopsEachShardRan) {
  const ModelConfig c = tiny();
  CrossEntropyObjective objective(c.n_classes);
  std::vector<float> params(param_layout(c).total_size(), 0.01f);
  const std::vector<int32_t> tokens = testing::random_tokens(kBatch * c.seq_len, c.vocab_size, 4);
  std::vector<int32_t> labels(kBatch, 1), ids(kBatch, 0);
  std::vector<float> grads(params.size(), 0.0f);
  ShardedModel model(c, 12, 2);
  ForwardOptions opts;
  opts.last_layer = LastLayer::kAttentionMaps;
  model.train_step(params.data(), tokens.data(), labels.data(), ids.data(), kBatch, opts, objective,
                   grads.data());
  const FlopModel maps = flop_model(c, LastLayer::kAttentionMaps);
  const double step = training_step_flops(maps, 5).total + training_step_flops(maps, 6).total;
  EXPECT_EQ(model.gemm_flops(), step);
  Dataset data;
  data.tokens = testing::random_tokens(23 * c.seq_len, c.vocab_size, 8);
  data.labels.assign(23, 0);
  model.evaluate(params.data(), data, 8);
  const FlopModel trimmed = flop_model(c, LastLayer::kTrimmed);
  EXPECT_EQ(model.gemm_flops(), step + 3 * eval_flops(trimmed, 6) + eval_flops(trimmed, 5));
}

// An error inside one shard's thread (here a token out of range in the second shard) reaches
// the caller as the grok::Error it is, not as a terminate() from the parallel region.
TEST(ShardedModel, AShardsErrorReachesTheCaller) {
  const ModelConfig c = tiny();
  CrossEntropyObjective objective(c.n_classes);
  std::vector<float> params(param_layout(c).total_size(), 0.01f), grads(params.size(), 0.0f);
  std::vector<int32_t> tokens = testing::random_tokens(kBatch * c.seq_len, c.vocab_size, 4);
  tokens.back() = c.vocab_size;
  std::vector<int32_t> labels(kBatch, 1), ids(kBatch, 0);
  ShardedModel model(c, kBatch, 2);
  EXPECT_THROW(model.train_step(params.data(), tokens.data(), labels.data(), ids.data(), kBatch,
                                ForwardOptions{}, objective, grads.data()),
               Error);
}

TEST(ShardedModel, ShardCountRule) {
  if (!gemm_runs_per_thread()) {
    EXPECT_EQ(shard_count(8, 4096), 1);
    return;
  }
  EXPECT_EQ(shard_count(2, 512), 2);
  EXPECT_EQ(shard_count(1, 512), 1);
  EXPECT_EQ(shard_count(16, 512), 8);  // at least kMinShardExamples each
  EXPECT_EQ(shard_count(4, 100), 1);
  EXPECT_EQ(shard_count(0, 512), 1);
}

}  // namespace
}  // namespace grok

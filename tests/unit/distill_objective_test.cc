// The distillation objective (float, as the trainer runs it): the total and d_logits equal
// α·CE + (1−α)·L_logit + w_att·L_att + w_feat·L_feat computed independently; the history
// columns; --disable_ground_truth; zero loss and gradient when the student is the teacher.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grokking/distill/distill_math.h"
#include "grokking/distill/distillation_objective.h"
#include "grokking/train/sharded_model.h"
#include "unit/model_test_support.h"

namespace grok {
namespace {

using testing::random_tokens;

constexpr int kExamples = 12, kBatch = 4;
const std::vector<int32_t> kIds = {5, 0, 11, 2};

ModelConfig tiny(int dim) { return testing::tiny_model(dim, 2); }

struct Fixture {
  ModelConfig teacher_config = tiny(12);
  Buffer<float> teacher_params;
  Dataset data;
  std::vector<int32_t> tokens, labels;
  Fixture() {
    teacher_params.resize(param_layout(teacher_config).total_size());
    init_params(teacher_config, param_layout(teacher_config), 5, teacher_params.data());
    data.tokens = random_tokens(kExamples * 4, 7, 3);
    for (int i = 0; i < kExamples; ++i) {
      data.tokens[i * 4 + 1] = 7, data.tokens[i * 4 + 3] = 8;
      data.labels.push_back((data.tokens[i * 4] + data.tokens[i * 4 + 2]) % 7);
    }
    for (const int32_t id : kIds) {
      tokens.insert(tokens.end(), data.tokens.begin() + id * 4, data.tokens.begin() + id * 4 + 4);
      labels.push_back(data.labels[id]);
    }
  }
};

DistillSettings all_three(double alpha, bool ground_truth) {
  DistillSettings s;
  s.strategies = {"attention", "logit", "feature"};
  s.alpha = alpha;
  s.param("temperature") = 1.5;
  s.param("attention_weight") = 2.0;
  s.param("feature_weight") = 0.5;
  s.disable_ground_truth = !ground_truth;
  return s;
}

TEST(DistillationObjective, ColumnsAndLastLayerNeeds) {
  Fixture f;
  const TeacherCache<float> cache(f.teacher_config, f.teacher_params.data(), f.data,
                                  TeacherNeeds{true, true, true});
  DistillSettings logit;
  DistillationObjective only_logit(tiny(8), cache, &cache, logit, 1);
  EXPECT_EQ(only_logit.component_names(),
            (std::vector<std::string>{"logit_loss", "attention_loss", "feature_loss", "ce_loss",
                                      "logit_kl", "teacher_ce_loss"}));
  EXPECT_EQ(only_logit.validation_component_names(),
            (std::vector<std::string>{"logit_loss", "attention_loss", "feature_loss", "logit_kl",
                                      "teacher_ce_loss"}));
  EXPECT_EQ(only_logit.last_layer(), LastLayer::kTrimmed);
  EXPECT_EQ(only_logit.extra_layout(), nullptr);
  DistillSettings attention;
  attention.strategies = {"attention"};
  EXPECT_EQ(DistillationObjective(tiny(8), cache, nullptr, attention, 1).last_layer(),
            LastLayer::kAttentionMaps);
  DistillationObjective combined(tiny(8), cache, nullptr, all_three(0.5, true), 1);
  EXPECT_EQ(combined.last_layer(), LastLayer::kFull);
  EXPECT_TRUE(combined.validation_component_names().empty());  // no validation teacher
  ASSERT_NE(combined.extra_layout(), nullptr);
  EXPECT_EQ(combined.extra_layout()->parameter_count(), 6u * 12 * 8);
}

void check_combination(bool ground_truth) {
  SCOPED_TRACE(ground_truth ? "with ground truth" : "without ground truth");
  Fixture f;
  const TeacherCache<float> cache(f.teacher_config, f.teacher_params.data(), f.data,
                                  TeacherNeeds{true, true, true}, 5);
  const ModelConfig sc = tiny(8);
  Buffer<float> params(param_layout(sc).total_size());
  init_params(sc, param_layout(sc), 9, params.data());
  const double alpha = 0.3, tau = 1.5;
  DistillationObjective objective(sc, cache, nullptr, all_three(alpha, ground_truth), 1);
  Scratch<float> scratch;
  Transformer<float> model(sc, kBatch);
  ForwardOptions opts;
  opts.training = true;
  opts.last_layer = LastLayer::kFull;
  const float* logits = model.forward(params.data(), f.tokens.data(), kBatch, opts);
  std::vector<float> d_logits(kBatch * 9, 123.0f);  // overwritten, not accumulated
  const ObjectiveSums sums =
      objective.loss_and_gradient(model, logits, f.labels.data(), kIds.data(), kBatch, kBatch,
                                  d_logits.data(), objective.extra_grads(), scratch);

  // Independent terms, in double from the same float inputs.
  double ce = 0, kl = 0, att = 0, feat = 0, teacher_ce = 0;
  int64_t correct = 0;
  std::vector<double> expected_d(kBatch * 9, 0.0);
  for (int b = 0; b < kBatch; ++b) {
    std::vector<double> z(logits + b * 9, logits + b * 9 + 9), t(9);
    for (int c = 0; c < 9; ++c) t[c] = cache.logits(kIds[b])[c];
    double m = z[0];
    int arg = 0;
    for (int c = 1; c < 9; ++c)
      if (z[c] > m) m = z[c], arg = c;
    correct += arg == f.labels[b];
    double sum = 0;
    for (int c = 0; c < 9; ++c) sum += std::exp(z[c] - m);
    ce += -(z[f.labels[b]] - m - std::log(sum));
    double t_sum = 0;
    for (int c = 0; c < 9; ++c) t_sum += std::exp(t[c]);
    teacher_ce += std::log(t_sum) - t[f.labels[b]];
    std::vector<double> d_kl(9, 0.0);
    double work[18];
    kl += distillation_kl(z.data(), t.data(), 9, tau, 1.0, d_kl.data(), work);
    for (int c = 0; c < 9; ++c) {
      const double softmax = std::exp(z[c] - m) / sum;
      expected_d[b * 9 + c] =
          ((ground_truth ? alpha * (softmax - (c == f.labels[b])) : 0.0) + (1 - alpha) * d_kl[c]) /
          kBatch;
    }
  }
  for (int l = 0; l < 2; ++l)
    for (int b = 0; b < kBatch; ++b)
      for (int i = 0; i < 32; ++i) {
        const double d = model.attention_probs(l)[b * 32 + i] - cache.attention(l, kIds[b])[i];
        att += d * d / (2 * 32);  // mean over 2 layers, over H·T·T = 32 elements per example
      }
  const Projectors<float>& proj = *objective.projectors();
  for (int k = 0; k < 6; ++k)
    for (int b = 0; b < kBatch; ++b)
      for (int r = 0; r < 4; ++r)
        for (int o = 0; o < 8; ++o) {
          double y = 0;
          for (int i = 0; i < 12; ++i)
            y += double{cache.hidden_state(k, kIds[b])[r * 12 + i]} * proj.kernel(k)[i * 8 + o];
          const double d = model.hidden_state(k)[(b * 4 + r) * 8 + o] - y;
          feat += d * d / (6 * 4 * 8);
        }
  ASSERT_EQ(sums.components.size(), 6u);
  EXPECT_NEAR(sums.components[0], kl, 1e-5 * kl);
  EXPECT_NEAR(sums.components[1], att, 1e-5 * att);
  EXPECT_NEAR(sums.components[2], feat, 1e-5 * feat);
  EXPECT_NEAR(sums.components[3], ce, 1e-5 * ce);
  EXPECT_NEAR(sums.components[4], kl / (tau * tau), 1e-5 * kl);  // the KL without τ²
  EXPECT_NEAR(sums.components[5], teacher_ce, 1e-5 * teacher_ce);
  EXPECT_EQ(sums.correct, correct);
  const double total =
      (ground_truth ? alpha * ce : 0.0) + (1 - alpha) * kl + 2.0 * att + 0.5 * feat;
  EXPECT_NEAR(sums.loss, total, 1e-5 * total);
  for (int i = 0; i < kBatch * 9; ++i) EXPECT_NEAR(d_logits[i], expected_d[i], 1e-6) << i;
}

TEST(DistillationObjective, TotalIsTheWeightedSumOfTheTerms) { check_combination(true); }
TEST(DistillationObjective, DisableGroundTruthDropsOnlyTheCeTerm) { check_combination(false); }

TEST(DistillationObjective, ZeroWhenStudentIsTheTeacher) {
  Fixture f;
  const TeacherCache<float> cache(f.teacher_config, f.teacher_params.data(), f.data,
                                  TeacherNeeds{true, true, true}, 5);
  DistillationObjective objective(f.teacher_config, cache, nullptr, all_three(0.5, false), 1);
  objective.projectors()->set_identity();
  Scratch<float> scratch;
  Transformer<float> model(f.teacher_config, kBatch);
  ForwardOptions opts;
  opts.training = true;
  opts.last_layer = objective.last_layer();
  const float* logits = model.forward(f.teacher_params.data(), f.tokens.data(), kBatch, opts);
  std::vector<float> d_logits(kBatch * 9);
  const ObjectiveSums sums =
      objective.loss_and_gradient(model, logits, f.labels.data(), kIds.data(), kBatch, kBatch,
                                  d_logits.data(), objective.extra_grads(), scratch);
  EXPECT_LT(std::abs(sums.loss), 1e-9);
  for (int c = 0; c < 3; ++c) EXPECT_LT(std::abs(sums.components[c]), 1e-9) << c;
  EXPECT_GT(sums.components[3], 0.1);  // CE is still measured
  Buffer<float> grads(param_layout(f.teacher_config).total_size(), 0.0f);
  model.backward(f.teacher_params.data(), d_logits.data(), grads.data());
  for (const float g : grads) ASSERT_LT(std::abs(g), 1e-5f);
  const std::size_t n = objective.extra_layout()->total_size();
  for (std::size_t i = 0; i < n; ++i) ASSERT_LT(std::abs(objective.extra_grads()[i]), 1e-5f);
}

// The validation columns (evaluate with the objective over a validation split, pieces over two
// shards) equal the training terms of one whole-batch step on the same examples (dropout 0),
// the CE aside. The validation split holds the examples in reverse order, so a term read from
// the training split's teacher rows would differ.
TEST(DistillationObjective, ValidationTermsEqualTheTrainingTermsOnTheSameExamples) {
  Fixture f;
  const TeacherNeeds all_needs{true, true, true};
  const TeacherCache<float> cache(f.teacher_config, f.teacher_params.data(), f.data, all_needs, 5);
  Dataset reversed;
  for (int i = kExamples - 1; i >= 0; --i) {
    reversed.tokens.insert(reversed.tokens.end(), f.data.tokens.begin() + i * 4,
                           f.data.tokens.begin() + i * 4 + 4);
    reversed.labels.push_back(f.data.labels[i]);
  }
  const TeacherCache<float> val_cache(f.teacher_config, f.teacher_params.data(), reversed,
                                      all_needs, 5);
  const ModelConfig sc = tiny(8);
  Buffer<float> params(param_layout(sc).total_size());
  init_params(sc, param_layout(sc), 9, params.data());
  DistillationObjective objective(sc, cache, &val_cache, all_three(0.3, true), 1);
  std::vector<int32_t> all(kExamples);
  for (int i = 0; i < kExamples; ++i) all[i] = i;
  ShardedModel whole(sc, kExamples, 1);
  ForwardOptions opts;
  opts.training = true;  // dropout 0: the same forward as inference
  opts.last_layer = objective.last_layer();
  std::vector<float> grads(param_layout(sc).total_size(), 0.0f);
  const ObjectiveSums train =
      whole.train_step(params.data(), f.data.tokens.data(), f.data.labels.data(), all.data(),
                       kExamples, opts, objective, grads.data());
  ShardedModel pieces(sc, kExamples, 2);
  std::vector<double> val;
  const LossSum ce =
      pieces.evaluate(params.data(), reversed, 5, Loss::kSoftmax, objective, val);  // 3 pieces
  const std::vector<std::string> names = objective.validation_component_names();
  ASSERT_EQ(val.size(), names.size());
  const std::vector<double> expected = {train.components[0], train.components[1],
                                        train.components[2], train.components[4],
                                        train.components[5]};
  for (std::size_t c = 0; c < val.size(); ++c) {
    EXPECT_GT(expected[c], 1e-4) << names[c];
    EXPECT_NEAR(val[c], expected[c], 1e-5 * expected[c]) << names[c];
  }
  EXPECT_NEAR(ce.loss, train.components[3], 1e-5 * ce.loss);
}

// A step cut into shards (train/sharded_model.h: one objective call per shard on its own
// thread, normalised by the whole batch, projector gradients summed) gives the whole batch's loss,
// student gradient and projector gradient.
TEST(DistillationObjective, ShardedStepEqualsTheWholeBatch) {
  Fixture f;
  const TeacherCache<float> cache(f.teacher_config, f.teacher_params.data(), f.data,
                                  TeacherNeeds{true, true, true}, 5);
  ModelConfig sc = tiny(8);
  sc.dropout = 0.2;
  Buffer<float> params(param_layout(sc).total_size());
  init_params(sc, param_layout(sc), 9, params.data());
  struct Result {
    double loss;
    std::vector<float> grads, projector_grads;
  };
  auto step = [&](int shards) {
    DistillationObjective objective(sc, cache, nullptr, all_three(0.3, true), 1);
    ShardedModel model(sc, kBatch, shards);
    ForwardOptions opts;
    opts.training = true;
    opts.dropout_seed = 3;
    opts.last_layer = objective.last_layer();
    Result r;
    r.grads.assign(param_layout(sc).total_size(), 0.0f);
    r.loss = model
                 .train_step(params.data(), f.tokens.data(), f.labels.data(), kIds.data(), kBatch,
                             opts, objective, r.grads.data())
                 .loss;
    const float* pg = objective.extra_grads();
    r.projector_grads.assign(pg, pg + objective.extra_layout()->total_size());
    return r;
  };
  const Result whole = step(1);
  auto expect_close = [](const std::vector<float>& a, const std::vector<float>& b) {
    float scale = 0;
    for (const float v : b) scale = std::max(scale, std::abs(v));
    ASSERT_GT(scale, 0.0f);
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-5f * scale) << i;
  };
  for (const int shards : {2, 3}) {  // the shards' objectives run side by side
    SCOPED_TRACE(shards);
    const Result sharded = step(shards);
    EXPECT_NEAR(sharded.loss, whole.loss, 1e-5 * whole.loss);
    expect_close(sharded.grads, whole.grads);
    expect_close(sharded.projector_grads, whole.projector_grads);
  }
}

}  // namespace
}  // namespace grok

// The losses of --loss (train/cross_entropy.h): StableMax's value and gradient by hand and by
// finite differences, softmax64 against softmax, and the softmax-collapse count.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/train/cross_entropy.h"
#include "grokking/train/history.h"

namespace grok {
namespace {

TEST(StableMax, HandComputedLossAndGradient) {
  // z = (1, -1, 0.5), label 0: s = (2, 0.5, 1.5), Σ = 4, loss = −log(2/4) = log 2;
  // d = s'(z)/Σ − [c = 0]·s'(z_0)/s(z_0) = (1/4 − 1/2, (1/4)/4, 1/4).
  const float z[] = {1, -1, 0.5f};
  const int32_t label = 0;
  float d[3];
  const LossSum sum = cross_entropy(Loss::kStableMax, z, &label, 1, 3, d, 1.0);
  EXPECT_DOUBLE_EQ(sum.loss, std::log(2.0));
  EXPECT_EQ(sum.correct, 1);
  EXPECT_EQ(d[0], -0.25f);
  EXPECT_EQ(d[1], 1.0f / 16);
  EXPECT_EQ(d[2], 0.25f);
}

TEST(StableMax, GradientMatchesFiniteDifferences) {
  // Two examples, five classes, normaliser 2; logits away from s's kink at 0. h = 2^-12 is
  // exact in float, and the loss is computed in double from the float logits.
  std::vector<float> z = {0.75f, -1.5f, 2.25f, -0.375f, 1.125f, -2.5f, 0.625f, -0.125f, 3.0f, 1.5f};
  const int32_t labels[] = {2, 4};
  std::vector<float> d(z.size());
  cross_entropy(Loss::kStableMax, z.data(), labels, 2, 5, d.data(), 2.0);
  const float h = 1.0f / 4096;
  for (std::size_t i = 0; i < z.size(); ++i) {
    std::vector<float> up = z, down = z;
    up[i] += h;
    down[i] -= h;
    const double numeric =
        (cross_entropy(Loss::kStableMax, up.data(), labels, 2, 5, nullptr, 1).loss -
         cross_entropy(Loss::kStableMax, down.data(), labels, 2, 5, nullptr, 1).loss) /
        (2.0 * h) / 2.0;
    EXPECT_NEAR(d[i], numeric, 1e-6) << "logit " << i;
  }
  EXPECT_DOUBLE_EQ(stablemax_s(-3.0), 0.25);
  EXPECT_DOUBLE_EQ(stablemax_ds(-3.0), 1.0 / 16);
  EXPECT_DOUBLE_EQ(stablemax_s(2.0), 3.0);
}

TEST(Softmax64, AgreesWithSoftmaxOnOrdinaryLogits) {
  const float z[] = {0.3f, -1.2f, 2.0f, 0.7f};
  const int32_t label = 3;
  float d32[4], d64[4];
  const LossSum a = cross_entropy(Loss::kSoftmax, z, &label, 1, 4, d32, 1.0);
  const LossSum b = cross_entropy(Loss::kSoftmax64, z, &label, 1, 4, d64, 1.0);
  EXPECT_NEAR(a.loss, b.loss, 1e-6);
  double sum = 0;
  for (const float v : z) sum += std::exp(static_cast<double>(v));
  for (int c = 0; c < 4; ++c) {
    const double want = std::exp(static_cast<double>(z[c])) / sum - (c == label);
    EXPECT_NEAR(d64[c], want, 1e-7);
    EXPECT_NEAR(d32[c], want, 1e-6);
  }
}

TEST(SoftmaxCollapse, CountsExamplesWhoseCorrectClassGradientIsZero) {
  // A margin of 30: e^-30 ≈ 9e-14 is below float's half-ulp of 1 (6e-8), so float softmax
  // gives p_y = 1 exactly (no gradient at all); double keeps 1 − p_y ≈ 2e-13, and StableMax's
  // s = (31, 1, 1) is far from collapse. A margin of 1 collapses nothing.
  const float z[] = {30, 0, 0, 1, 0, 0};
  const int32_t labels[] = {0, 0};
  float d[6];
  const LossSum soft = cross_entropy(Loss::kSoftmax, z, labels, 2, 3, d, 2.0);
  EXPECT_EQ(soft.collapsed, 1);
  EXPECT_EQ(d[0], 0.0f);
  const LossSum wide = cross_entropy(Loss::kSoftmax64, z, labels, 2, 3, d, 2.0);
  EXPECT_EQ(wide.collapsed, 0);
  EXPECT_LT(d[0], 0.0f);
  EXPECT_EQ(cross_entropy(Loss::kStableMax, z, labels, 2, 3, d, 2.0).collapsed, 0);
  // A margin of 100 collapses double precision too.
  const float far[] = {100, 0, 0};
  EXPECT_EQ(cross_entropy(Loss::kSoftmax64, far, labels, 1, 3, nullptr, 1).collapsed, 1);
}

// A history written before the column existed (or by the reference) resumes with NaN there,
// which is written as null and read back.
TEST(SoftmaxCollapse, HistoriesWithoutTheColumnReadAsNaN) {
  const auto old = nlohmann::json::parse(R"({"epoch": [1, 2], "val_acc": [0.5, 0.75]})");
  const std::vector<std::string> columns = {"epoch", "val_acc", "softmax_collapse"};
  EXPECT_THROW(History::from_json(old, columns, "h.json"), Error);
  History h = History::from_json(old, columns, "h.json", {"softmax_collapse"});
  ASSERT_EQ(h.column("softmax_collapse").size(), 2u);
  EXPECT_TRUE(std::isnan(h.column("softmax_collapse")[1]));
  h.append({{"epoch", 3}, {"val_acc", 1.0}, {"softmax_collapse", 0.25}});
  const nlohmann::json written = nlohmann::json::parse(h.to_json().dump());
  EXPECT_TRUE(written["softmax_collapse"][0].is_null());
  const History back = History::from_json(written, columns, "h.json", {"softmax_collapse"});
  EXPECT_EQ(back.column("softmax_collapse")[2], 0.25);
  EXPECT_THROW(History::from_json(written, columns, "h.json"), Error);  // null is not a number
}

TEST(Loss, ParsesItsNames) {
  for (const Loss loss : {Loss::kSoftmax, Loss::kStableMax, Loss::kSoftmax64})
    EXPECT_EQ(parse_loss(to_string(loss)), loss);
  EXPECT_THROW(parse_loss("logsoftmax"), UsageError);
}

}  // namespace
}  // namespace grok

// The two-part definition of grokking (grok_events.h) on constructed histories: a late run
// that holds its crossing, a run that generalises before (or with) the training set, a run
// that crosses and collapses, a dip within the tolerance, and a run that never gets there.
#include <gtest/gtest.h>

#include <vector>

#include "grokking/train/grok_events.h"

namespace grok {
namespace {

// Epochs 1..n; train and val accuracy given per epoch.
History history(const std::vector<double>& train, const std::vector<double>& val) {
  History h({"epoch", "train_acc", "val_acc"});
  for (std::size_t i = 0; i < val.size(); ++i)
    h.append({{"epoch", static_cast<double>(i + 1)}, {"train_acc", train[i]}, {"val_acc", val[i]}});
  return h;
}

TEST(GrokDefinition, LateRunThatHoldsIsGeneralisedAndGrokked) {
  // 80 epochs; train at 99 % from epoch 20, val first reaches 99 % at epoch 73 and holds: the
  // old "10 consecutive epochs" rule ran out of epochs and called this not grokked.
  std::vector<double> train(80), val(80);
  for (int e = 1; e <= 80; ++e) {
    train[e - 1] = e >= 20 ? 0.995 : 0.5;
    val[e - 1] = e >= 73 ? 0.9994 : 0.3;
  }
  const GrokAssessment a = assess_grokking(history(train, val), {0.99, 0.01, 10});
  EXPECT_EQ(a.val_epoch, 73);
  EXPECT_EQ(a.train_epoch, 20);
  EXPECT_EQ(a.delay, 53);
  EXPECT_TRUE(a.generalised);
  EXPECT_TRUE(a.grokked);
  EXPECT_EQ(a.train_column, "train_acc");
}

TEST(GrokDefinition, NoDelayIsNotGrokking) {
  // Val reaches 99 % at epoch 51, train only at 53: generalised, delay −2, not grokked.
  std::vector<double> train(60), val(60);
  for (int e = 1; e <= 60; ++e) {
    train[e - 1] = e >= 53 ? 0.995 : 0.9;
    val[e - 1] = e >= 51 ? 0.995 : 0.5;
  }
  const GrokAssessment a = assess_grokking(history(train, val), {0.99, 0.01, 10});
  EXPECT_TRUE(a.generalised);
  EXPECT_EQ(a.delay, -2);
  EXPECT_FALSE(a.grokked);
  // With no minimum a delay of −2 is still below it; a minimum of −5 accepts it.
  EXPECT_TRUE(assess_grokking(history(train, val), {0.99, 0.01, -5}).grokked);
}

TEST(GrokDefinition, DropAfterCrossing) {
  std::vector<double> train(40, 1.0), val(40, 0.995);
  for (int e = 1; e <= 10; ++e) val[e - 1] = 0.2;
  // Crosses at 11, dips to 0.975 at epoch 25 (more than 0.01 below), recovers by the end.
  val[24] = 0.975;
  const GrokAssessment a = assess_grokking(history(train, val), {0.99, 0.01, 5});
  EXPECT_EQ(a.val_epoch, 11);
  EXPECT_FALSE(a.generalised);
  EXPECT_FALSE(a.grokked);
  // A dip within the tolerance is allowed.
  val[24] = 0.985;
  EXPECT_TRUE(assess_grokking(history(train, val), {0.99, 0.01, 5}).grokked);
  // Ending below the threshold is not generalised even without a deep dip.
  val[39] = 0.985;
  EXPECT_FALSE(assess_grokking(history(train, val), {0.99, 0.01, 5}).generalised);
}

TEST(GrokDefinition, NeverReachedIsCensoredAndThresholdIsFollowed) {
  const std::vector<double> train(20, 1.0), val(20, 0.96);
  const GrokAssessment a = assess_grokking(history(train, val), {0.99, 0.01, 10});
  EXPECT_FALSE(a.val_epoch.has_value());
  EXPECT_FALSE(a.delay.has_value());
  EXPECT_FALSE(a.generalised);
  // At threshold 0.95 the same run crossed at epoch 1, together with train: no delay.
  const GrokAssessment b = assess_grokking(history(train, val), {0.95, 0.01, 10});
  EXPECT_EQ(b.val_epoch, 1);
  EXPECT_EQ(b.delay, 0);
  EXPECT_TRUE(b.generalised);
  EXPECT_FALSE(b.grokked);
}

TEST(GrokDefinition, InferenceModeTrainAccuracyIsPreferred) {
  // train_acc (dropout on) reaches 99 % only at epoch 30; in inference mode the train set is
  // fitted at epoch 10; val at 30: delay 0 by the first, 20 by the second.
  History h({"epoch", "train_acc", "train_eval_acc", "val_acc"});
  for (int e = 1; e <= 40; ++e)
    h.append({{"epoch", e},
              {"train_acc", e >= 30 ? 0.995 : 0.9},
              {"train_eval_acc", e >= 10 ? 1.0 : 0.5},
              {"val_acc", e >= 30 ? 0.995 : 0.1}});
  const GrokAssessment a = assess_grokking(h, {0.99, 0.01, 10});
  EXPECT_EQ(a.train_column, "train_eval_acc");
  EXPECT_EQ(a.train_epoch, 10);
  EXPECT_EQ(a.delay, 20);
  EXPECT_TRUE(a.grokked);
}

}  // namespace
}  // namespace grok

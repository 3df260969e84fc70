// Optimizers as chains (optim/optimizer.h): gradient transforms run first and may rewrite the
// gradients, then each parameter group is updated with its own learning-rate multiplier and
// weight decay. One group with every tensor is bit-identical to the default; a group's first
// AdamW step matches the hand-computed one; groups must partition the tensors; a transform's
// state is checkpointed under its name.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/optim/optimizer.h"

namespace grok {
namespace {

TensorLayout layout3() {
  TensorLayout layout;
  layout.add("a", {2, 3});
  layout.add("b", {3});
  layout.add("c", {4, 2});
  return layout;
}

std::vector<float> values(const TensorLayout& layout, float scale) {
  std::vector<float> v(layout.total_size(), 0.0f);
  for (const auto& t : layout.tensors())
    for (std::size_t i = 0; i < t.size(); ++i)
      v[t.offset + i] = scale * (0.3f + 0.1f * static_cast<float>(i)) * (i % 2 ? -1.0f : 1.0f);
  return v;
}

OptimizerConfig no_warmup(const char* type) {
  OptimizerConfig c;
  c.type = type;
  c.warmup_steps = 0;
  c.learning_rate = 0.01;
  c.weight_decay = 0.5;
  return c;
}

TEST(OptimizerChain, OneGroupOfEveryTensorIsTheDefault) {
  const TensorLayout layout = layout3();
  for (const char* type : {"adamw", "muon"}) {
    const OptimizerConfig config = no_warmup(type);
    auto plain = make_optimizer(config, layout);
    auto grouped = make_optimizer(config, layout, single_group("all", layout, config));
    std::vector<float> p1 = values(layout, 1), p2 = p1;
    for (int step = 0; step < 3; ++step) {
      std::vector<float> g1 = values(layout, 0.1f * (step + 1)), g2 = g1;
      plain->step(p1.data(), g1.data());
      grouped->step(p2.data(), g2.data());
    }
    EXPECT_EQ(p1, p2) << type;  // bit for bit
  }
}

// AdamW's first step (t = 0, no warmup): m̂ = g, v̂ = g², so
// θ ← θ − η·m·(g/(|g| + ε) + λθ) with the group's multiplier m and decay λ.
TEST(OptimizerChain, EachGroupHasItsOwnRateAndDecay) {
  const TensorLayout layout = layout3();
  const OptimizerConfig config = no_warmup("adamw");
  std::vector<ParamGroup> groups = {{"ab", 0.5, 0.0, {0, 1}}, {"c", 2.0, 0.25, {2}}};
  auto opt = make_optimizer(config, layout, groups);
  std::vector<float> p = values(layout, 1), g = values(layout, 0.2f);
  const std::vector<float> p0 = p, g0 = g;
  opt->step(p.data(), g.data());
  for (std::size_t t = 0; t < 3; ++t) {
    const TensorSpec& spec = layout.at(t);
    const double mult = t < 2 ? 0.5 : 2.0, decay = t < 2 ? 0.0 : 0.25;
    for (std::size_t i = 0; i < spec.size(); ++i) {
      const double theta = p0[spec.offset + i], grad = g0[spec.offset + i];
      const double want = theta - 0.01 * mult * (grad / (std::abs(grad) + 1e-8) + decay * theta);
      EXPECT_NEAR(p[spec.offset + i], want, 2e-7) << spec.name << "[" << i << "]";
    }
  }
  // A multiplier of 0 leaves its tensors exactly as they were.
  auto frozen = make_optimizer(config, layout, {{"ab", 1.0, 0.5, {0, 1}}, {"c", 0.0, 0.5, {2}}});
  std::vector<float> q = values(layout, 1), h = values(layout, 0.2f);
  frozen->step(q.data(), h.data());
  const TensorSpec& c = layout.at(2);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(q[c.offset + i], p0[c.offset + i]);
  EXPECT_NE(q[0], p0[0]);
}

TEST(OptimizerChain, GroupsPartitionTheTensors) {
  const TensorLayout layout = layout3();
  const OptimizerConfig config = no_warmup("adamw");
  EXPECT_THROW(make_optimizer(config, layout, {{"x", 1, 0, {0, 1}}}), Error);  // c in none
  EXPECT_THROW(make_optimizer(config, layout, {{"x", 1, 0, {0, 1, 2}}, {"y", 1, 0, {1}}}),
               Error);                                                               // b twice
  EXPECT_THROW(make_optimizer(config, layout, {{"x", 1, 0, {0, 1, 2, 3}}}), Error);  // no tensor 3
  EXPECT_EQ(make_optimizer(config, layout)->groups().size(), 1u);
}

// Doubles the gradients and counts its calls in a state tensor.
class Doubler : public GradientTransform {
 public:
  Doubler() {
    layout_.add("calls", {1});
    state_.assign(layout_.total_size(), 0.0f);
  }
  std::string name() const override { return "doubler"; }
  void apply(const TensorLayout& layout, const float*, float* grads, int64_t step) override {
    EXPECT_EQ(static_cast<int64_t>(state_[0]), step);  // called once per step, before the update
    for (const auto& t : layout.tensors())
      for (std::size_t i = 0; i < t.size(); ++i) grads[t.offset + i] *= 2;
    state_[0] += 1;
  }
  const TensorLayout* state_layout() const override { return &layout_; }
  float* state_data() override { return state_.data(); }

 private:
  TensorLayout layout_;
  Buffer<float> state_;
};

TEST(OptimizerChain, TransformsRewriteGradientsBeforeTheUpdate) {
  const TensorLayout layout = layout3();
  const OptimizerConfig config = no_warmup("adamw");
  auto chained = make_optimizer(config, layout);
  chained->add_transform(std::make_unique<Doubler>());
  auto plain = make_optimizer(config, layout);
  std::vector<float> p1 = values(layout, 1), p2 = p1;
  for (int step = 0; step < 2; ++step) {
    std::vector<float> g1 = values(layout, 0.1f), g2 = g1;
    for (float& x : g2) x *= 2;
    chained->step(p1.data(), g1.data());
    plain->step(p2.data(), g2.data());
  }
  EXPECT_EQ(p1, p2);
  const auto blocks = chained->state_blocks();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].prefix, "");
  EXPECT_EQ(blocks[0].layout, &chained->state_layout());
  EXPECT_EQ(blocks[1].prefix, "doubler.");
  EXPECT_EQ(blocks[1].layout->at(0).name, "calls");
  EXPECT_EQ(blocks[1].data[0], 2.0f);
}

}  // namespace
}  // namespace grok

// Parameter groups by regex (optim/param_group_rule.h, param_group.h): the rule's parsing and
// its errors, first match wins, and frozen tensors (lr_multiplier 0) with AdamW and Muon: no
// state of any kind, weights bit-identical after steps, the other tensors updated as without
// freezing. The model's side (no weight-gradient GEMM) is model_frozen_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/optim/optimizer.h"
#include "grokking/optim/param_group.h"
#include "unit/test_support.h"

namespace grok {
namespace {

TEST(ParamGroupRule, ParsesFlowMappingsAndRoundTrips) {
  const ParamGroupRule rule = parse_param_group_rule(
      "{pattern: 'attn\\.w[qk]', lr_multiplier: 0.5, weight_decay: 0.1}", "--param_groups");
  EXPECT_EQ(rule.pattern, "attn\\.w[qk]");
  EXPECT_EQ(rule.lr_multiplier, 0.5);
  EXPECT_EQ(rule.weight_decay, 0.1);
  EXPECT_EQ(parse_param_group_rule(param_group_rule_yaml(rule), "k"), rule);
  EXPECT_EQ(param_group_rule_from_json(param_group_rule_json(rule)), rule);
  const ParamGroupRule plain = parse_param_group_rule("{pattern: embedding}", "k");
  EXPECT_EQ(plain.lr_multiplier, 1.0);
  EXPECT_FALSE(plain.weight_decay.has_value());
  // A list flag keeps each mapping whole.
  const auto rules = Codec<std::vector<ParamGroupRule>>::parse(
      "{pattern: a, lr_multiplier: 0}, {pattern: 'b,c'}", "k");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1].pattern, "b,c");
}

TEST(ParamGroupRule, RefusesBadRulesNamingTheProblem) {
  const auto message = [](const std::string& text) {
    EXPECT_THROW(parse_param_group_rule(text, "--param_groups"), UsageError) << text;
    return testing_support::error_of([&] { parse_param_group_rule(text, "--param_groups"); });
  };
  EXPECT_CONTAINS(message("{pattern: '(', lr_multiplier: 0}"), "'(' is not a valid regex");
  EXPECT_CONTAINS(message("{lr_multiplier: 0}"), "no pattern");
  EXPECT_CONTAINS(message("{pattern: a, lr: 0}"), "unknown field 'lr'");
  EXPECT_CONTAINS(message("{pattern: a, lr_multiplier: -2}"), "lr_multiplier -2");
  EXPECT_CONTAINS(message("{pattern: a, weight_decay: .nan}"), "weight_decay");
  EXPECT_CONTAINS(message("embedding"), "not a mapping");
  EXPECT_THROW(param_group_rule_from_json({{"pattern", "a"}, {"lr_multiplier", -1}}), UsageError);
}

TensorLayout three_tensors() {
  TensorLayout layout;
  layout.add("embedding.embedding", {3, 4});
  layout.add("layers.0.attn.wq.kernel", {4, 4});
  layout.add("final_norm.scale", {4});
  return layout;
}

TEST(ParamGroups, FirstMatchWinsAndTheRestKeepTheDefaults) {
  const std::vector<ParamGroupRule> rules = {
      {"attn", 0.5, 0.1}, {"kernel|embedding", 2.0, std::nullopt}, {"nothing", 3.0, std::nullopt}};
  std::vector<int> matches;
  const auto groups = groups_from_rules(rules, three_tensors(), "", 1.0, matches);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].name, "attn");
  EXPECT_EQ(groups[0].tensors, std::vector<std::size_t>{1});  // not the second rule's
  EXPECT_EQ(groups[0].weight_decay, 0.1);
  EXPECT_EQ(groups[1].tensors, std::vector<std::size_t>{0});
  EXPECT_EQ(groups[1].weight_decay, 1.0);
  EXPECT_EQ(groups[2].name, "default");
  EXPECT_EQ(groups[2].tensors, std::vector<std::size_t>{2});
  EXPECT_EQ(matches, (std::vector<int>{1, 1, 0}));
  // A prefix is part of the name matched.
  std::vector<int> projector_matches;
  groups_from_rules({{"^projectors\\.", 0.0, std::nullopt}}, three_tensors(), "projectors.", 1.0,
                    projector_matches);
  EXPECT_EQ(projector_matches, std::vector<int>{3});
}

// Steps of an optimizer with the embedding frozen against the same optimizer without groups.
void expect_frozen_stays_and_rest_moves(OptimizerConfig config) {
  SCOPED_TRACE(config.type);
  config.warmup_steps = 0;
  const TensorLayout layout = three_tensors();
  std::vector<int> matches;
  auto frozen = make_optimizer(config, layout,
                               groups_from_rules({{"^embedding", 0.0, std::nullopt}}, layout, "",
                                                 config.weight_decay, matches));
  auto plain = make_optimizer(config, layout);
  if (config.decay_to == DecayTo::kInit) {
    const std::vector<float> zeros(layout.total_size(), 0.5f);
    frozen->set_decay_anchor(zeros.data());
    plain->set_decay_anchor(zeros.data());
  }
  EXPECT_EQ(frozen->frozen(), (std::vector<bool>{true, false, false}));
  // No state of any kind for the frozen tensor.
  for (const StateBlock& block : frozen->state_blocks())
    for (const TensorSpec& spec : block.layout->tensors())
      EXPECT_EQ(spec.name.find("embedding"), std::string::npos) << block.prefix << spec.name;
  std::vector<float> a(layout.total_size()), b(layout.total_size());
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = b[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
  const std::vector<float> initial = a;
  for (int step = 0; step < 3; ++step) {
    std::vector<float> ga(a.size()), gb(a.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      ga[i] = gb[i] = 0.01f * static_cast<float>((i * 5 + step) % 11) - 0.05f;
    frozen->step(a.data(), ga.data());
    plain->step(b.data(), gb.data());
  }
  const TensorSpec& embedding = layout.at(0);
  for (std::size_t i = 0; i < layout.total_size(); ++i) {
    if (i < embedding.offset + embedding.size()) {
      EXPECT_EQ(a[i], initial[i]) << i;  // bit-identical
      EXPECT_NE(b[i], initial[i]) << i;  // and the comparison can fail
    } else {
      EXPECT_FLOAT_EQ(a[i], b[i]) << i;  // the rest as without groups
    }
  }
}

TEST(ParamGroups, FrozenTensorsHaveNoStateAndDoNotMove) {
  OptimizerConfig adamw;
  expect_frozen_stays_and_rest_moves(adamw);
  OptimizerConfig muon;
  muon.type = "muon";
  expect_frozen_stays_and_rest_moves(muon);
  OptimizerConfig transforms;  // the transforms and the anchor see the trainable tensors only
  transforms.grokfast = Grokfast::kEma;
  transforms.orthogonal_grad = true;
  transforms.decay_to = DecayTo::kInit;
  expect_frozen_stays_and_rest_moves(transforms);
}

}  // namespace
}  // namespace grok

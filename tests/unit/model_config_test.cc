// Model configuration: validation messages, parameter layout (names, order, shapes) and the
// parameter counts of REFERENCE.md §2.
#include "grokking/model/model_config.h"

#include <gtest/gtest.h>

#include <string>

#include "grokking/core/error.h"

namespace grok {
namespace {

ModelConfig with_dim(int dim) {
  ModelConfig c;
  c.dim = dim;
  return c;
}

TEST(ModelConfig, ParameterCountsMatchReference) {
  // P = 2·V·D + D + L·(16·D² + 2·D)
  EXPECT_EQ(param_layout(with_dim(128)).parameter_count(), 550272u);
  EXPECT_EQ(param_layout(with_dim(64)).parameter_count(), 144064u);
  EXPECT_EQ(param_layout(with_dim(32)).parameter_count(), 39264u);
}

TEST(ModelConfig, LayoutNamesOrderAndShapes) {
  ModelConfig c;
  c.depth = 2;
  c.dim = 8;
  c.vocab_size = 9;
  c.n_classes = 7;
  const TensorLayout layout = param_layout(c);
  const std::vector<std::string> expected = {
      "embedding.embedding",     "layers.0.attn.norm.scale", "layers.0.attn.wq.kernel",
      "layers.0.attn.wk.kernel", "layers.0.attn.wv.kernel",  "layers.0.attn.wo.kernel",
      "layers.0.ffn.norm.scale", "layers.0.ffn.w1.kernel",   "layers.0.ffn.w3.kernel",
      "layers.0.ffn.w2.kernel",  "layers.1.attn.norm.scale", "layers.1.attn.wq.kernel",
      "layers.1.attn.wk.kernel", "layers.1.attn.wv.kernel",  "layers.1.attn.wo.kernel",
      "layers.1.ffn.norm.scale", "layers.1.ffn.w1.kernel",   "layers.1.ffn.w3.kernel",
      "layers.1.ffn.w2.kernel",  "final_norm.scale",         "output_dense.kernel"};
  ASSERT_EQ(layout.tensors().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(layout.at(i).name, expected[i]);
  EXPECT_EQ(layout.find("embedding.embedding").shape, (Shape{9, 8}));
  EXPECT_EQ(layout.find("layers.1.ffn.w1.kernel").shape, (Shape{8, 32}));
  EXPECT_EQ(layout.find("layers.1.ffn.w2.kernel").shape, (Shape{32, 8}));
  EXPECT_EQ(layout.find("output_dense.kernel").shape, (Shape{8, 7}));
  EXPECT_EQ(layout.find("final_norm.scale").shape, (Shape{8}));
}

// The message names the key, the bad value and what is allowed.
void expect_usage_error(const ModelConfig& c, const std::vector<std::string>& parts) {
  try {
    c.validate();
    ADD_FAILURE() << "validate() accepted an invalid config";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    for (const auto& part : parts) EXPECT_NE(what.find(part), std::string::npos) << what;
    EXPECT_EQ(e.exit_code(), kExitUsage);
  }
}

TEST(ModelConfig, ValidateRejectsWithClearMessages) {
  ModelConfig c;
  EXPECT_NO_THROW(c.validate());
  c.heads = 3;
  expect_usage_error(c, {"heads: 3", "dim = 128", "dim % heads == 0"});
  c = ModelConfig{};
  c.dim = 6;
  c.heads = 2;  // head width 3
  expect_usage_error(c, {"heads: 2", "3", "even"});
  c = ModelConfig{};
  c.depth = 0;
  expect_usage_error(c, {"depth: 0", "an integer in [1, 256]"});
  c = ModelConfig{};
  c.dim = -4;
  expect_usage_error(c, {"dim: -4", "an integer in [1, 16384]"});
  c = ModelConfig{};
  c.dropout = 1.0;
  expect_usage_error(c, {"dropout: 1", "a number in [0, 1)"});
  c.dropout = -0.1;
  expect_usage_error(c, {"dropout: -0.1"});
  c = ModelConfig{};
  c.seq_len = 0;
  expect_usage_error(c, {"seq_len: 0"});
  c = ModelConfig{};
  c.vocab_size = 0;
  expect_usage_error(c, {"vocab_size: 0"});
}

TEST(ModelConfig, PoolParsing) {
  EXPECT_EQ(parse_pool("cls"), Pool::kCls);
  EXPECT_EQ(parse_pool("mean"), Pool::kMean);
  EXPECT_EQ(to_string(Pool::kMean), "mean");
  EXPECT_EQ(to_string(parse_pool("cls")), "cls");
  EXPECT_THROW(parse_pool("max"), UsageError);
}

// The model's shape follows its task in one place (model_config.h apply_task_shape).
TEST(Task, ShapesTheModel) {
  const Task task({13, Operation::kAdd, 0.5, 1});
  ModelConfig model;
  apply_task_shape(task, model);
  EXPECT_EQ(model.vocab_size, 15);
  EXPECT_EQ(model.n_classes, 15);
  EXPECT_EQ(model.seq_len, 4);
}

}  // namespace
}  // namespace grok

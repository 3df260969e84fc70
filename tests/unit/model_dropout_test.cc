// Dropout (REFERENCE.md §2, inverted, two sites per layer): off in inference and at rate 0,
// masks a pure function of (seed, step, site, row, column), independent of batch size and
// trimming, keep fraction 1 − rate.
#include <gtest/gtest.h>

#include <vector>

#include "grokking/core/tensor.h"
#include "grokking/model/dropout.h"
#include "grokking/model/transformer.h"
#include "model_test_support.h"

namespace grok {
namespace {

using testing::random_tokens;
using Vec = std::vector<double>;

ModelConfig tiny(double dropout, Pool pool = Pool::kCls) {
  ModelConfig c;
  c.vocab_size = c.n_classes = 9;
  c.dim = 8;
  c.heads = 2;
  c.depth = 2;
  c.dropout = dropout;
  c.pool = pool;
  return c;
}

Vec params(const ModelConfig& c) {
  const TensorLayout layout = param_layout(c);
  Vec p(layout.total_size());
  init_params(c, layout, 1, p.data());
  return p;
}

Vec run(Transformer<double>& model, const Vec& p, const std::vector<int32_t>& tokens, int batch,
        const ForwardOptions& opts) {
  const double* l = model.forward(p.data(), tokens.data(), batch, opts);
  return Vec(l, l + batch * model.config().n_classes);
}

ForwardOptions training(uint64_t seed, uint64_t step) {
  ForwardOptions o;
  o.training = true;
  o.dropout_seed = seed;
  o.step = step;
  return o;
}

TEST(ModelDropout, RateZeroTrainingEqualsInference) {
  for (Pool pool : {Pool::kCls, Pool::kMean}) {
    const ModelConfig c = tiny(0.0, pool);
    const Vec p = params(c);
    const auto tokens = random_tokens(5 * 4, 9, 1);
    Transformer<double> model(c, 5);
    EXPECT_EQ(run(model, p, tokens, 5, training(3, 4)), run(model, p, tokens, 5, {}));
  }
}

TEST(ModelDropout, InferenceIgnoresTheRate) {
  const auto tokens = random_tokens(5 * 4, 9, 2);
  const Vec p = params(tiny(0.0));
  Transformer<double> off(tiny(0.0), 5), on(tiny(0.4), 5);
  EXPECT_EQ(run(off, p, tokens, 5, {}), run(on, p, tokens, 5, {}));
  EXPECT_NE(run(on, p, tokens, 5, training(3, 4)), run(on, p, tokens, 5, {}));
}

TEST(ModelDropout, MasksArePureFunctionsOfSeedAndStep) {
  const ModelConfig c = tiny(0.3);
  const Vec p = params(c);
  const auto tokens = random_tokens(5 * 4, 9, 3);
  Transformer<double> a(c, 5), b(c, 8);
  const Vec base = run(a, p, tokens, 5, training(3, 4));
  EXPECT_EQ(base, run(b, p, tokens, 5, training(3, 4)));  // another model, another max_batch
  EXPECT_NE(base, run(a, p, tokens, 5, training(3, 5)));  // another step
  EXPECT_NE(base, run(a, p, tokens, 5, training(4, 4)));  // another seed
  // An example's mask does not depend on the batch size: the first two of five as a batch
  // of two give the same logits.
  const Vec prefix = run(a, p, tokens, 2, training(3, 4));
  for (std::size_t i = 0; i < prefix.size(); ++i) EXPECT_EQ(prefix[i], base[i]);
}

TEST(ModelDropout, MaskKeepFractionAndLayout) {
  const DropoutSite site{11, 7, 3, 0.2};
  const int rows = 1000, width = 64;
  std::vector<uint8_t> mask(rows * width, 9);
  dropout_mask(site, all_rows(rows / 4, 4), width, mask.data());
  long kept = 0;
  for (uint8_t m : mask) {
    ASSERT_LE(m, 1);
    kept += m;
  }
  EXPECT_NEAR(static_cast<double>(kept) / mask.size(), 0.8, 0.01);
  // A row subset gets exactly the same bits as the full mask at those rows.
  std::vector<uint8_t> last(rows * width, 9);
  dropout_mask(site, last_position_rows(rows / 4, 4), width, last.data());
  for (int r = 3; r < rows; r += 4)
    for (int j = 0; j < width; ++j) ASSERT_EQ(last[r * width + j], mask[r * width + j]);
  EXPECT_EQ(last[0], 9);  // rows outside the set are untouched
  // Another site gives another mask.
  std::vector<uint8_t> other(rows * width);
  dropout_mask(DropoutSite{11, 7, 4, 0.2}, all_rows(rows / 4, 4), width, other.data());
  EXPECT_NE(other, mask);
}

}  // namespace
}  // namespace grok

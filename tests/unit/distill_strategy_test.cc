// The strategies on a tiny model in double: zero loss and gradient when the student equals
// the teacher; whole-model finite-difference checks of each strategy's gradient through the
// student's taps (and the projectors); refusal of shapes that cannot be paired; projector
// shapes and initialisation; the teacher cache against direct forwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/distill/projectors.h"
#include "grokking/distill/strategy_table.h"
#include "grokking/distill/teacher_cache.h"
#include "unit/model_test_support.h"

namespace grok {
namespace {

using testing::expect_gradient;
using testing::random_tokens;
using testing::random_vector;
using Vec = std::vector<double>;

constexpr int kExamples = 10, kBatch = 3;
const std::vector<int32_t> kIds = {3, 0, 7};

ModelConfig tiny(int dim, int heads, int depth) {
  ModelConfig c;
  c.vocab_size = 9;  // p = 7
  c.n_classes = 9;
  c.dim = dim;
  c.heads = heads;
  c.depth = depth;
  c.dropout = 0.0;
  c.pool = Pool::kCls;
  return c;
}

Vec params_for(const ModelConfig& c, uint64_t seed) {
  const TensorLayout layout = param_layout(c);
  Vec p(layout.total_size());
  init_params(c, layout, seed, p.data());
  const Vec noise = random_vector(p.size(), seed + 100, 0.3);
  for (const TensorSpec& t : layout.tensors())  // norm scales away from 1: generic gradients
    if (t.shape.size() == 1)
      for (std::size_t i = 0; i < t.size(); ++i) p[t.offset + i] += noise[t.offset + i];
  return p;
}

Dataset examples() {
  Dataset d;
  d.tokens = random_tokens(kExamples * 4, 7, 21);
  for (int i = 0; i < kExamples; ++i) {
    d.tokens[i * 4 + 1] = 7, d.tokens[i * 4 + 3] = 8;
    d.labels.push_back(d.tokens[i * 4] % 7);
  }
  return d;
}

std::vector<int32_t> batch_tokens(const Dataset& d) {
  std::vector<int32_t> t;
  for (const int32_t id : kIds)
    t.insert(t.end(), d.tokens.begin() + id * 4, d.tokens.begin() + id * 4 + 4);
  return t;
}

const TeacherNeeds kAll{true, true, true};
const char* const kKinds[] = {"logit", "attention", "feature"};

// A strategy of the table by name, at temperature 2 (logit, over the teacher's top_k classes
// when top_k > 0) and projector seed `seed`.
std::unique_ptr<DistillStrategy<double>> build(const std::string& name, const ModelConfig& student,
                                               const TeacherCache<double>& cache,
                                               uint64_t seed = 42, int top_k = 0) {
  DistillSettings settings;
  settings.param("temperature") = 2.0;
  settings.distill_top_k = top_k;
  return make_strategy(strategy_info(name),
                       StrategyContext<double>{student, cache, settings, seed});
}

double max_abs(const double* v, std::size_t n) {
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::abs(v[i]));
  return m;
}

TEST(DistillStrategy, ZeroLossAndGradientWhenStudentEqualsTeacher) {
  const ModelConfig c = tiny(12, 2, 2);
  const Vec p = params_for(c, 5);
  const Dataset data = examples();
  const TeacherCache<double> cache(c, p.data(), data, kAll, 4);  // chunks differ from the batch
  const auto tokens = batch_tokens(data);
  Scratch<double> scratch;
  for (const std::string kind : kKinds) {
    SCOPED_TRACE(kind);
    auto strategy = build(kind, c, cache, 1);
    if (auto* proj = strategy->projectors()) proj->set_identity();
    Transformer<double> student(c, kBatch);
    ForwardOptions opts;
    opts.training = true;  // dropout 0: the training forward equals inference
    opts.last_layer = strategy_info(kind).last_layer;
    const double* logits = student.forward(p.data(), tokens.data(), kBatch, opts);
    Vec d_logits(kBatch * c.n_classes, 0.0);
    const double loss = strategy->add_loss_and_gradient(
        {student, logits, cache, kIds.data(), kBatch, kBatch}, 1.0, d_logits.data(),
        strategy->projectors() ? strategy->projectors()->grads() : nullptr, scratch);
    EXPECT_LE(std::abs(loss), 1e-24);
    EXPECT_LE(max_abs(d_logits.data(), d_logits.size()), 1e-13);
    for (int l = 0; l < c.depth; ++l)
      EXPECT_LE(max_abs(student.d_attention_probs(l), kBatch * c.heads * 16), 1e-13);
    for (int k = 0; k < c.hidden_state_count(); ++k)
      EXPECT_LE(max_abs(student.d_hidden_state(k), kBatch * 4 * c.dim), 1e-13);
    if (auto* proj = strategy->projectors()) {
      EXPECT_LE(max_abs(proj->grads(), proj->layout().total_size()), 1e-13);
    }
    Vec grads(p.size(), 0.0);
    student.backward(p.data(), d_logits.data(), grads.data());
    EXPECT_LE(max_abs(grads.data(), grads.size()), 1e-13);
  }
}

// loss(θ_student, projectors) = strategy's batch mean; the analytic gradient comes from the
// strategy's tap seeds and d_logits through the model's backward.
void check_whole_model_gradient(const std::string& kind, const ModelConfig& teacher_config,
                                const ModelConfig& student_config, int top_k = 0) {
  SCOPED_TRACE(kind + " top_k " + std::to_string(top_k));
  const Dataset data = examples();
  const Vec tp = params_for(teacher_config, 5);
  const TeacherCache<double> cache(teacher_config, tp.data(), data, strategy_info(kind).teacher,
                                   512);
  auto strategy = build(kind, student_config, cache, 3, top_k);
  Scratch<double> scratch;
  Vec p = params_for(student_config, 6);
  const auto tokens = batch_tokens(data);
  Transformer<double> student(student_config, kBatch);
  ForwardOptions opts;
  opts.last_layer = strategy_info(kind).last_layer;
  const double weight = 1.7;
  Vec d_logits(kBatch * student_config.n_classes, 0.0);
  auto loss = [&] {
    const double* logits = student.forward(p.data(), tokens.data(), kBatch, opts);
    return weight / kBatch *
           strategy->add_loss_and_gradient({student, logits, cache, kIds.data(), kBatch, kBatch},
                                           0.0, nullptr, nullptr, scratch);
  };
  const double* logits = student.forward(p.data(), tokens.data(), kBatch, opts);
  const double value = strategy->add_loss_and_gradient(
      {student, logits, cache, kIds.data(), kBatch, kBatch}, weight, d_logits.data(),
      strategy->projectors() ? strategy->projectors()->grads() : nullptr, scratch);
  EXPECT_GT(value, 1e-6);
  Vec grads(p.size(), 0.0);
  student.backward(p.data(), d_logits.data(), grads.data());
  Projectors<double>* proj = strategy->projectors();
  Vec proj_grads;
  if (proj) proj_grads.assign(proj->grads(), proj->grads() + proj->layout().total_size());
  const TensorLayout layout = param_layout(student_config);
  int independent = 0;
  for (const TensorSpec& t : layout.tensors()) {
    if (max_abs(grads.data() + t.offset, t.size()) == 0) {
      // A tensor the tapped quantity does not depend on (e.g. output_dense for attention):
      // the finite difference must vanish too.
      ++independent;
      for (std::size_t i = 0; i < t.size(); ++i) {
        double& x = p[t.offset + i];
        const double saved = x;
        x = saved + 1e-4;
        const double up = loss();
        x = saved - 1e-4;
        const double down = loss();
        x = saved;
        EXPECT_NEAR((up - down) / 2e-4, 0.0, 1e-9) << t.name << "[" << i << "]";
      }
      continue;
    }
    expect_gradient(t.name, p.data() + t.offset, grads.data() + t.offset, t.size(), loss);
  }
  EXPECT_LT(independent, static_cast<int>(layout.tensors().size()) / 2);
  if (proj)
    for (const TensorSpec& t : proj->layout().tensors())
      expect_gradient("projectors." + t.name, proj->params() + t.offset,
                      proj_grads.data() + t.offset, t.size(), loss);
}

TEST(DistillStrategy, LogitGradientThroughTheModel) {
  check_whole_model_gradient("logit", tiny(12, 2, 2), tiny(8, 2, 1));
}
// Top-k KD over 4 of the 9 classes: the gradient reaches only the teacher's top 4 per example,
// and the whole-model check holds.
TEST(DistillStrategy, LogitTopKGradientThroughTheModel) {
  check_whole_model_gradient("logit", tiny(12, 2, 2), tiny(8, 2, 1), 4);
}
TEST(DistillStrategy, AttentionGradientThroughTheModel) {
  check_whole_model_gradient("attention", tiny(12, 2, 2), tiny(8, 2, 2));
}
TEST(DistillStrategy, FeatureGradientThroughTheModelAndProjectors) {
  check_whole_model_gradient("feature", tiny(12, 2, 2), tiny(8, 1, 2));
}

TEST(DistillStrategy, RefusesShapesItCannotPair) {
  const Dataset data = examples();
  const ModelConfig t = tiny(12, 2, 2);
  const Vec tp = params_for(t, 5);
  const TeacherCache<double> cache(t, tp.data(), data, kAll);
  auto message = [&](const std::string& kind, const ModelConfig& s) -> std::string {
    try {
      build(kind, s, cache);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  };
  const std::string depth = message("attention", tiny(8, 2, 1));
  EXPECT_NE(depth.find("teacher depth 2 vs student depth 1"), std::string::npos) << depth;
  const std::string heads = message("attention", tiny(8, 1, 2));
  EXPECT_NE(heads.find("teacher heads 2 vs student heads 1"), std::string::npos) << heads;
  const std::string feature = message("feature", tiny(8, 2, 3));
  EXPECT_NE(feature.find("feature needs the student's depth"), std::string::npos) << feature;
  EXPECT_EQ(message("feature", tiny(8, 1, 2)), "");  // heads do not matter
  EXPECT_EQ(message("logit", tiny(8, 1, 1)), "");    // logits always pair
  ModelConfig other_task = tiny(8, 2, 2);
  other_task.n_classes = other_task.vocab_size = 13;
  EXPECT_NE(message("logit", other_task).find("classes"), std::string::npos);
}

// The table names the strategies; settings check a list of them; "combined" is all of them.
TEST(DistillStrategy, NamesFromTheTable) {
  EXPECT_EQ(strategy_names_text(), "logit, attention, feature");
  EXPECT_EQ(strategy_info("feature").loss_column(), "feature_loss");
  EXPECT_THROW(strategy_info("attention_transfer"), UsageError);
  EXPECT_EQ(expand_strategy("combined"),
            (std::vector<std::string>{"logit", "attention", "feature"}));
  EXPECT_EQ(expand_strategy("logit"), std::vector<std::string>{"logit"});
  EXPECT_THROW(expand_strategy("none"), UsageError);
  DistillSettings s;
  s.strategies = {"feature", "logit"};
  EXPECT_NO_THROW(validate_fields(s));
  s.strategies = {"logit", "logit"};
  EXPECT_THROW(validate_fields(s), UsageError);
  s.strategies = {};
  EXPECT_THROW(validate_fields(s), UsageError);
  // Each strategy's own hyperparameters are options of the settings, with their defaults.
  const DistillSettings defaults;
  EXPECT_EQ(defaults.param("temperature"), 2.0);
  EXPECT_EQ(defaults.param("attention_weight"), 1.0);
  EXPECT_EQ(defaults.param("feature_weight"), 1.0);
  const nlohmann::json j = to_json(defaults);
  EXPECT_EQ(j.at("temperature"), 2.0);
  EXPECT_EQ(j.at("strategies"), nlohmann::json::array({"logit"}));
}

TEST(Projectors, ShapesNamesAndInitialisation) {
  const Dataset data = examples();
  const ModelConfig t = tiny(12, 2, 2);
  const Vec tp = params_for(t, 5);
  const TeacherCache<double> cache(t, tp.data(), data, kAll);
  auto feature = build("feature", tiny(8, 2, 2), cache);
  const Projectors<double>* proj = feature->projectors();
  ASSERT_NE(proj, nullptr);
  ASSERT_EQ(proj->layout().tensors().size(), 6u);  // 2L + 2 hidden states
  for (int k = 0; k < 6; ++k) {
    EXPECT_EQ(proj->layout().at(k).name, std::to_string(k) + ".kernel");
    EXPECT_EQ(proj->layout().at(k).shape, (Shape{12, 8}));  // [teacher dim, student dim]
  }
  EXPECT_EQ(build("logit", tiny(8, 2, 2), cache)->projectors(), nullptr);

  // LeCun normal: mean 0, std sqrt(1/fan_in); a pure function of (seed, k).
  Projectors<double> a(2, 128, 64, 42), b(2, 128, 64, 42), c(2, 128, 64, 43);
  const int n = 128 * 64;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) sum += a.kernel(0)[i], sum_sq += a.kernel(0)[i] * a.kernel(0)[i];
  const double mean = sum / n, std = std::sqrt(sum_sq / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 4 * std::sqrt(1.0 / 128) / std::sqrt(n));
  EXPECT_NEAR(std / std::sqrt(1.0 / 128), 1.0, 0.03);
  EXPECT_TRUE(std::equal(a.kernel(1), a.kernel(1) + n, b.kernel(1)));
  EXPECT_FALSE(std::equal(a.kernel(1), a.kernel(1) + n, c.kernel(1)));
  EXPECT_FALSE(std::equal(a.kernel(0), a.kernel(0) + n, a.kernel(1)));
  EXPECT_EQ(max_abs(a.grads(), a.layout().total_size()), 0.0);
}

TEST(TeacherCache, HoldsOnlyWhatIsNeededAndMatchesDirectForwards) {
  const ModelConfig c = tiny(12, 2, 2);
  const Vec p = params_for(c, 5);
  const Dataset data = examples();
  const TeacherCache<double> logits_only(c, p.data(), data, TeacherNeeds{true, false, false}, 3);
  EXPECT_EQ(logits_only.bytes(), int64_t{kExamples} * 9 * 8);
  const TeacherCache<double> all(c, p.data(), data, kAll, 3);
  EXPECT_EQ(all.bytes(), int64_t{kExamples} * 8 * (9 + 2 * 2 * 16 + 6 * 4 * 12));
  EXPECT_THROW(logits_only.attention(0, 0), Error);

  // Example 7 alone, full last layer, inference mode.
  Transformer<double> model(c, 1);
  ForwardOptions opts;
  opts.last_layer = LastLayer::kFull;
  const double* z = model.forward(p.data(), data.tokens.data() + 7 * 4, 1, opts);
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(all.logits(7)[i], z[i], 1e-13);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(all.logits(7)[i], logits_only.logits(7)[i]);
  for (int l = 0; l < 2; ++l)
    for (int i = 0; i < 2 * 16; ++i)
      EXPECT_NEAR(all.attention(l, 7)[i], model.attention_probs(l)[i], 1e-13);
  for (int k = 0; k < 6; ++k)
    for (int i = 0; i < 4 * 12; ++i)
      EXPECT_NEAR(all.hidden_state(k, 7)[i], model.hidden_state(k)[i], 1e-13);
}

}  // namespace
}  // namespace grok

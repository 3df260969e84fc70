// analyze_models on small randomly initialised models: hidden states named by what they are;
// a model against itself gives CKA 1 for every state; streaming over chunks equals the one-shot
// measures computed from all examples at once; validation loss and accuracy are
// an independent count over the validation split; models of different tasks are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "grokking/analysis/cka.h"
#include "grokking/analysis/debiased_cka.h"
#include "grokking/analysis/model_analysis.h"
#include "grokking/core/error.h"
#include "grokking/data/dataset.h"
#include "grokking/model/transformer.h"

namespace grok {
namespace {

constexpr int kT = 4;  // positions of the modular task's rows

TaskConfig task_p7() {
  TaskConfig t;
  t.p = 7;
  t.operation = Operation::kAdd;
  t.train_fraction = 0.5;  // 49 pairs: 24 train, 25 val
  t.split_seed = 3;
  return t;
}

LoadedModel make_model(int dim, int depth, int heads, uint64_t seed,
                       const TaskConfig& task = task_p7()) {
  LoadedModel m;
  m.task = task;
  apply_task_shape(Task(task), m.config);
  m.config.dim = dim;
  m.config.depth = depth;
  m.config.heads = heads;
  m.config.dropout = 0.1;
  m.layout = param_layout(m.config);
  m.params.assign(m.layout.total_size(), 0.0f);
  init_params(m.config, m.layout, seed, m.params.data());
  return m;
}

// Every hidden state, attention map and logit row of `model` over the first `count`
// examples, forwarded in chunks of `chunk` (as the analysis does, so that the float
// activations are bit-identical and only the accumulation differs), concatenated.
struct Taps {
  std::vector<std::vector<double>> states;     // [k][count·T·D]
  std::vector<std::vector<double>> attention;  // [l][count·H·T·T]
  std::vector<std::vector<float>> logits;      // [count][C]
};

Taps taps(const LoadedModel& m, const Dataset& data, int count, int chunk) {
  Transformer<float> model(m.config, chunk);
  ForwardOptions full;
  full.last_layer = LastLayer::kFull;
  Taps t;
  t.states.resize(m.config.hidden_state_count());
  t.attention.resize(m.config.depth);
  const int classes = m.config.n_classes;
  for (int begin = 0; begin < count; begin += chunk) {
    const int n = std::min(chunk, count - begin);
    const int32_t* tokens = data.tokens.data() + begin * kT;
    const float* logits = model.forward(m.params.data(), tokens, n, ForwardOptions{});
    for (int i = 0; i < n; ++i)
      t.logits.emplace_back(logits + i * classes, logits + (i + 1) * classes);
    model.forward(m.params.data(), tokens, n, full);
    const std::size_t rows = static_cast<std::size_t>(n) * kT;
    for (int k = 0; k < m.config.hidden_state_count(); ++k)
      t.states[k].insert(t.states[k].end(), model.hidden_state(k),
                         model.hidden_state(k) + rows * m.config.dim);
    for (int l = 0; l < m.config.depth; ++l)
      t.attention[l].insert(t.attention[l].end(), model.attention_probs(l),
                            model.attention_probs(l) + rows * m.config.heads * kT);
  }
  return t;
}

TEST(AnalysisModel, HiddenStateNames) {
  const std::vector<std::string> want = {"embedding",       "layer1.post_attention",
                                         "layer1.post_ffn", "layer2.post_attention",
                                         "layer2.post_ffn", "final_norm"};
  for (int k = 0; k < 6; ++k) EXPECT_EQ(hidden_state_name(k, 2), want[k]);
  EXPECT_EQ(hidden_state_name(3, 1), "final_norm");
  EXPECT_THROW(hidden_state_name(4, 1), Error);
}

TEST(AnalysisModel, SameModelTwiceGivesCkaOne) {
  const LoadedModel m = make_model(16, 2, 2, 1);
  AnalysisOptions options;
  options.batch_size = 7;  // 25 val examples in chunks 7, 7, 7, 4
  const AnalysisResult r = analyze_models({m, m}, {"a", "a"}, options);
  EXPECT_EQ(r.val_size, 25);
  EXPECT_EQ(r.examples, 25);
  ASSERT_EQ(r.models.size(), 2u);
  EXPECT_TRUE(r.models[0].cka_vs_reference.empty());
  const auto& cka = r.models[1].cka_vs_reference;
  ASSERT_EQ(cka.size(), 6u);
  for (int k = 0; k < 6; ++k) {
    EXPECT_EQ(cka[k].state, hidden_state_name(k, 2));
    EXPECT_NEAR(cka[k].cka, 1.0, 1e-9) << cka[k].state;
  }
  const ModelAnalysis& a = r.models[0];
  EXPECT_EQ(a.parameters, static_cast<int64_t>(m.layout.parameter_count()));
  EXPECT_EQ(a.weights.total.n, a.parameters);
  ASSERT_EQ(a.hidden_states.size(), 6u);
  for (const auto& h : a.hidden_states) {
    EXPECT_EQ(h.dim, 16);
    EXPECT_GT(h.rank.effective_rank, 1.0);
    EXPECT_LE(h.rank.effective_rank, 16.0);
  }
  ASSERT_EQ(a.attention.size(), 2u);
  for (const auto& layer : a.attention) {  // causal: row i holds at most ln(i+1) nats
    EXPECT_NEAR(layer.per_position_nats[0], 0, 1e-6);
    for (int i = 1; i < kT; ++i) {
      EXPECT_GT(layer.per_position_nats[i], 0);
      EXPECT_LE(layer.per_position_nats[i], std::log(i + 1.0) + 1e-9);
    }
  }
  EXPECT_EQ(a.fourier.frequencies.size(), 3u);  // floor(7/2)
}

TEST(AnalysisModel, ChunkedMeasuresEqualOneShot) {
  const LoadedModel teacher = make_model(16, 2, 2, 4);
  const LoadedModel student = make_model(8, 1, 1, 5);
  AnalysisOptions options;
  options.batch_size = 5;
  options.max_examples = 17;
  const AnalysisResult r = analyze_models({teacher, student}, {"t", "s"}, options);
  EXPECT_EQ(r.examples, 17);
  const Dataset val = make_split(task_p7()).val;
  const Taps t = taps(teacher, val, 17, 5), s = taps(student, val, 17, 5);
  // The chance level: untrained models of the two shapes, init seeds 1 and 2.
  const Taps t0 = taps(make_model(16, 2, 2, kChanceInitSeedReference), val, 17, 5);
  const Taps s0 = taps(make_model(8, 1, 1, kChanceInitSeedModel), val, 17, 5);
  const int64_t rows = 17 * kT;

  // Same-named states: embedding, layer1.*, final_norm (the student has one layer).
  const auto& cka = r.models[1].cka_vs_reference;
  ASSERT_EQ(cka.size(), 4u);
  const int teacher_index[] = {0, 1, 2, 5}, student_index[] = {0, 1, 2, 3};
  const char* names[] = {"embedding", "layer1.post_attention", "layer1.post_ffn", "final_norm"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(cka[i].state, names[i]);
    const int a = teacher_index[i], b = student_index[i];
    const double want = debiased_linear_cka(t.states[a].data(), 16, s.states[b].data(), 8, rows);
    EXPECT_NEAR(cka[i].cka, want, 1e-9) << names[i];
    EXPECT_NEAR(cka[i].cka_biased, linear_cka(t.states[a].data(), 16, s.states[b].data(), 8, rows),
                1e-9)
        << names[i];
    EXPECT_NEAR(cka[i].chance,
                debiased_linear_cka(t0.states[a].data(), 16, s0.states[b].data(), 8, rows), 1e-9)
        << names[i];
    EXPECT_LT(cka[i].cka, 0.999) << names[i];  // different random models
  }
  for (int k = 0; k < 6; ++k)
    EXPECT_NEAR(r.models[0].hidden_states[k].rank.effective_rank,
                effective_rank(t.states[k].data(), 16, rows).effective_rank, 1e-9)
        << k;

  // Attention entropy and loss/accuracy counted directly.
  for (int l = 0; l < 2; ++l) {
    double sum = 0;
    for (std::size_t i = 0; i < t.attention[l].size(); ++i) {
      const double a = t.attention[l][i];
      sum -= a * std::log(a + 1e-10);
    }
    EXPECT_NEAR(r.models[0].attention[l].mean_nats, sum / (17 * 2 * kT), 1e-9);
  }
  double loss = 0;
  int correct = 0;
  for (int i = 0; i < 17; ++i) {
    const auto& z = t.logits[i];
    double norm = 0;
    for (const float v : z) norm += std::exp(static_cast<double>(v));
    loss -= z[val.labels[i]] - std::log(norm);
    correct += std::max_element(z.begin(), z.end()) - z.begin() == val.labels[i];
  }
  EXPECT_NEAR(r.models[0].val_loss, loss / 17, 1e-5);
  EXPECT_EQ(r.models[0].val_correct, correct);
  EXPECT_DOUBLE_EQ(r.models[0].val_acc, correct / 17.0);
}

TEST(AnalysisModel, RefusesModelsOfDifferentTasks) {
  TaskConfig other = task_p7();
  other.split_seed = 4;
  const LoadedModel a = make_model(8, 1, 1, 1), b = make_model(8, 1, 1, 1, other);
  try {
    analyze_models({a, b}, {"run_a", "run_b"}, AnalysisOptions{});
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("run_b"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("seed 4"), std::string::npos) << e.what();
  }
  AnalysisOptions bad;
  bad.max_examples = -1;
  EXPECT_THROW(analyze_models({a}, {"run_a"}, bad), UsageError);
}

}  // namespace
}  // namespace grok

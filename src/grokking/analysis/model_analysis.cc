#include "grokking/analysis/model_analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "grokking/analysis/cka.h"
#include "grokking/analysis/debiased_cka.h"
#include "grokking/core/error.h"
#include "grokking/data/dataset.h"
#include "grokking/model/transformer.h"
#include "grokking/train/cross_entropy.h"

namespace grok {
namespace {

std::string describe(const TaskConfig& task) {
  return fmt::format("p {} '{}' train_fraction {} seed {}", task.p, to_string(task.operation),
                     task.train_fraction, task.split_seed);
}

void validate(const std::vector<LoadedModel>& models, const std::vector<std::string>& paths,
              const AnalysisOptions& options) {
  GROK_CHECK(models.size() == paths.size(), "{} models, {} paths", models.size(), paths.size());
  if (models.empty()) throw UsageError("analyze: no model given");
  if (options.max_examples < 0)
    throw UsageError(fmt::format("--max_examples {}: must be >= 0 (0: all)", options.max_examples));
  if (options.batch_size < 1)
    throw UsageError(fmt::format("--batch_size {}: must be >= 1", options.batch_size));
  if (!(options.fourier_key_sd >= 0))
    throw UsageError(fmt::format("--fourier_key_sd {}: must be >= 0", options.fourier_key_sd));
  resolve_fourier_basis(options.fourier_basis, models[0].task);
  for (std::size_t i = 1; i < models.size(); ++i)
    if (!(models[i].task == models[0].task))
      throw UsageError(fmt::format(
          "{} was trained on task ({}) but {} on ({}); analyse models of one task together",
          paths[i], describe(models[i].task), paths[0], describe(models[0].task)));
}

// Everything accumulated for one model over the validation chunks.
struct Accumulators {
  std::unique_ptr<Transformer<float>> model;
  LossSum loss;
  std::vector<EffectiveRank> ranks;            // per hidden state
  std::vector<AttentionEntropy> entropies;     // per layer
  std::vector<std::pair<int, int>> cka_pairs;  // (reference state, this model's state)
  std::vector<LinearCka> cka, chance_cka;      // per entry of cka_pairs
  std::vector<DebiasedCka> dcka, chance_dcka;  // per entry of cka_pairs
  // An untrained model of the same shape, for the chance level.
  std::unique_ptr<Transformer<float>> untrained;
  std::vector<float> untrained_params;
};

}  // namespace

FourierBasis resolve_fourier_basis(const std::string& name, const TaskConfig& task) {
  if (name == "auto") return fourier_basis_for(task.operation, task.p);
  if (name == "additive") return FourierBasis::kAdditive;
  if (name == "multiplicative") {
    if (!is_prime(task.p))
      throw UsageError(fmt::format(
          "--fourier_basis multiplicative: p {} is not prime (no primitive root)", task.p));
    return FourierBasis::kMultiplicative;
  }
  throw UsageError(
      fmt::format("--fourier_basis '{}': must be auto, additive or multiplicative", name));
}

std::string hidden_state_name(int k, int depth) {
  GROK_CHECK(k >= 0 && k < 2 * depth + 2, "hidden state {} of a depth-{} model", k, depth);
  if (k == 0) return "embedding";
  if (k == 2 * depth + 1) return "final_norm";
  return fmt::format("layer{}.{}", (k + 1) / 2, k % 2 == 1 ? "post_attention" : "post_ffn");
}

AnalysisResult analyze_models(const std::vector<LoadedModel>& models,
                              const std::vector<std::string>& paths,
                              const AnalysisOptions& options) {
  validate(models, paths, options);
  AnalysisResult result;
  result.task = models[0].task;
  result.options = options;
  const FourierGroup group =
      fourier_group(resolve_fourier_basis(options.fourier_basis, result.task), result.task.p);
  result.basis = group.basis;
  result.generator = group.generator;
  const Dataset val = make_split(result.task).val;
  result.val_size = val.size();
  result.examples =
      options.max_examples > 0 ? std::min(options.max_examples, val.size()) : val.size();
  const int chunk = std::max(1, std::min(options.batch_size, result.examples));

  const ModelConfig& reference = models[0].config;
  std::vector<Accumulators> acc(models.size());
  for (std::size_t m = 0; m < models.size(); ++m) {
    const ModelConfig& c = models[m].config;
    acc[m].model = std::make_unique<Transformer<float>>(c, chunk);
    if (models.size() > 1) {
      acc[m].untrained = std::make_unique<Transformer<float>>(c, chunk);
      acc[m].untrained_params.resize(models[m].layout.total_size());
      init_params(c, models[m].layout, m == 0 ? kChanceInitSeedReference : kChanceInitSeedModel,
                  acc[m].untrained_params.data());
    }
    for (int k = 0; k < c.hidden_state_count(); ++k) acc[m].ranks.emplace_back(c.dim);
    for (int l = 0; l < c.depth; ++l) acc[m].entropies.emplace_back(c.heads, c.seq_len);
    if (m == 0) continue;
    for (int k = 0; k < c.hidden_state_count(); ++k)
      for (int r = 0; r < reference.hidden_state_count(); ++r)
        if (hidden_state_name(k, c.depth) == hidden_state_name(r, reference.depth)) {
          acc[m].cka_pairs.emplace_back(r, k);
          acc[m].cka.emplace_back(reference.dim, c.dim);
          acc[m].chance_cka.emplace_back(reference.dim, c.dim);
          acc[m].dcka.emplace_back(reference.dim, c.dim);
          acc[m].chance_dcka.emplace_back(reference.dim, c.dim);
        }
  }

  for (int begin = 0; begin < result.examples; begin += chunk) {
    const int count = std::min(chunk, result.examples - begin);
    const int32_t* tokens = val.tokens.data() + int64_t{begin} * val.seq_len;
    for (std::size_t m = 0; m < models.size(); ++m) {
      const ModelConfig& c = models[m].config;
      const float* params = models[m].params.data();
      // Loss and accuracy exactly as the trainer evaluates (trimmed last layer), then every
      // position of every layer for the taps.
      const float* logits = acc[m].model->forward(params, tokens, count, ForwardOptions{});
      const LossSum part =
          softmax_cross_entropy(logits, val.labels.data() + begin, count, c.n_classes, nullptr, 1);
      acc[m].loss.loss += part.loss;
      acc[m].loss.correct += part.correct;
      ForwardOptions full;
      full.last_layer = LastLayer::kFull;
      acc[m].model->forward(params, tokens, count, full);
      if (acc[m].untrained)
        acc[m].untrained->forward(acc[m].untrained_params.data(), tokens, count, full);
    }
    // Independent accumulations (each touches only its own sums): one task each.
    std::vector<std::pair<std::size_t, int>> jobs;  // (model, job index)
    for (std::size_t m = 0; m < models.size(); ++m) {
      const int n_jobs =
          static_cast<int>(acc[m].ranks.size() + acc[m].entropies.size() + acc[m].cka.size());
      for (int j = 0; j < n_jobs; ++j) jobs.emplace_back(m, j);
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      auto [m, j] = jobs[i];
      Accumulators& a = acc[m];
      const int64_t rows = int64_t{count} * models[m].config.seq_len;
      const int n_ranks = static_cast<int>(a.ranks.size());
      const int n_layers = static_cast<int>(a.entropies.size());
      if (j < n_ranks) {
        a.ranks[j].add(a.model->hidden_state(j), rows);
      } else if (j < n_ranks + n_layers) {
        a.entropies[j - n_ranks].add(a.model->attention_probs(j - n_ranks), count);
      } else {
        const int e = j - n_ranks - n_layers;
        const auto [r, k] = a.cka_pairs[e];
        const float* x = acc[0].model->hidden_state(r);
        const float* y = a.model->hidden_state(k);
        const float* x0 = acc[0].untrained->hidden_state(r);
        const float* y0 = a.untrained->hidden_state(k);
        a.cka[e].add(x, y, rows);
        a.dcka[e].add(x, y, rows);
        a.chance_cka[e].add(x0, y0, rows);
        a.chance_dcka[e].add(x0, y0, rows);
      }
    }
  }

  for (std::size_t m = 0; m < models.size(); ++m) {
    const LoadedModel& lm = models[m];
    ModelAnalysis ma;
    ma.path = paths[m];
    ma.config = lm.config;
    ma.step_dir = lm.step_dir.string();
    ma.step = lm.step;
    ma.epoch = lm.epoch;
    ma.parameters = static_cast<int64_t>(lm.layout.parameter_count());
    const double n = std::max(1, result.examples);
    ma.val_loss = acc[m].loss.loss / n;
    ma.val_correct = acc[m].loss.correct;
    ma.val_acc = static_cast<double>(acc[m].loss.correct) / n;
    for (int k = 0; k < lm.config.hidden_state_count(); ++k)
      ma.hidden_states.push_back(
          {hidden_state_name(k, lm.config.depth), lm.config.dim, acc[m].ranks[k].result()});
    for (const auto& e : acc[m].entropies) ma.attention.push_back(e.result());
    ma.weights = model_weight_stats(lm.layout, lm.params.data());
    const TensorSpec& embedding = lm.layout.find("embedding.embedding");  // [V,D]
    GROK_CHECK(lm.config.vocab_size >= result.task.p, "vocabulary {} < p {}", lm.config.vocab_size,
               result.task.p);
    ma.fourier = fourier_spectrum(lm.params.data() + embedding.offset, lm.config.dim, group,
                                  options.fourier_key_sd);
    if (options.sublayer_fourier)
      ma.sublayer_fourier = sublayer_spectra(lm, group, options.fourier_key_sd);
    for (std::size_t i = 0; i < acc[m].cka.size(); ++i)
      ma.cka_vs_reference.push_back({hidden_state_name(acc[m].cka_pairs[i].second, lm.config.depth),
                                     acc[m].dcka[i].value(), acc[m].chance_dcka[i].value(),
                                     acc[m].cka[i].value(), acc[m].chance_cka[i].value()});
    result.models.push_back(std::move(ma));
  }
  return result;
}

}  // namespace grok

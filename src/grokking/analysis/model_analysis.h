// The mechanistic analysis of trained models (REFERENCE.md §7, issue 7): on the VALIDATION
// split of their common task (the reference used a training split it called validation —
// **fix**), in inference mode, for each model: validation loss and accuracy, the effective rank
// of every hidden state, attention entropy per layer (nats and bits), weight statistics and the
// Fourier spectrum of the number embeddings; and for every model after the first, linear CKA
// against the first (the reference, e.g. the teacher) for each pair of same-named hidden
// states. Hidden states are named by what they are (the reference called them "Layer 0/1").
// Not the CLI (apps/grokking/cmd_analyze.cc) nor the JSON form (analysis_json.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grokking/analysis/attention_entropy.h"
#include "grokking/analysis/effective_rank.h"
#include "grokking/analysis/fourier.h"
#include "grokking/analysis/grid_fourier.h"
#include "grokking/analysis/weight_stats.h"
#include "grokking/data/task_config.h"
#include "grokking/model/model_config.h"
#include "grokking/train/model_loader.h"

namespace grok {

// Name of hidden state k of a model of `depth` layers, k in [0, 2·depth+2):
// "embedding", "layer1.post_attention", "layer1.post_ffn", ..., "layer{depth}.post_ffn",
// "final_norm" (layers counted from 1; the order of Transformer::hidden_state).
std::string hidden_state_name(int k, int depth);

struct AnalysisOptions {
  int max_examples = 0;  // the first N validation examples in split order (0: all)
  int batch_size = 512;  // examples per forward pass; 512 = train's eval_batch_size default,
                         // so that val accuracy reproduces the run's bit for bit
  double fourier_key_sd = kDefaultFourierKeySd;
  std::string fourier_basis = "auto";  // auto (by operation) | additive | multiplicative
  bool sublayer_fourier = true;        // the attention/MLP output spectra over the group grid
};

// The basis `options.fourier_basis` names for a task (auto: fourier_basis_for the operation).
// UsageError for an unknown name or a multiplicative basis of a composite p.
FourierBasis resolve_fourier_basis(const std::string& name, const TaskConfig& task);

struct HiddenStateAnalysis {
  std::string name;
  int dim = 0;
  EffectiveRankResult rank;
};

// CKA of one hidden state against the reference's (debiased_cka.h), beside its chance level:
// the same measure between untrained models of the two shapes (init seeds
// kChanceInitSeedReference and kChanceInitSeedModel) on the same inputs.
inline constexpr uint64_t kChanceInitSeedReference = 1, kChanceInitSeedModel = 2;
struct CkaEntry {
  std::string state;  // hidden state name, present in both models
  double cka = 0;     // debiased linear CKA, the reported measure; NaN if undefined
  double chance = 0;  // debiased, untrained models of the same shapes
  double cka_biased = 0, chance_biased = 0;  // the biased estimator (cka.h), for comparison
};

struct ModelAnalysis {
  std::string path;  // as given
  ModelConfig config;
  std::string step_dir;
  int64_t step = 0, epoch = 0;
  int64_t parameters = 0;
  double val_loss = 0;  // mean cross-entropy, nats
  double val_acc = 0;
  int64_t val_correct = 0;
  std::vector<HiddenStateAnalysis> hidden_states;  // 2·depth+2, in order
  std::vector<AttentionEntropyResult> attention;   // one per layer
  ModelWeightStats weights;
  FourierSpectrum fourier;                      // of the number embeddings
  std::vector<NamedSpectrum> sublayer_fourier;  // per layer: attention, MLP output
  std::vector<CkaEntry> cka_vs_reference;       // empty for the reference (models[0])
};

struct AnalysisResult {
  TaskConfig task;
  int val_size = 0;  // examples in the validation split
  int examples = 0;  // examples analysed (≤ val_size)
  AnalysisOptions options;
  FourierBasis basis = FourierBasis::kAdditive;  // of every spectrum
  int generator = 0;                             // the primitive root (multiplicative)
  std::vector<ModelAnalysis> models;             // models[0] is the reference
};

// models[i] was loaded from paths[i]. Throws UsageError if the models do not share one task
// (naming both paths and tasks), or if the options are invalid.
AnalysisResult analyze_models(const std::vector<LoadedModel>& models,
                              const std::vector<std::string>& paths,
                              const AnalysisOptions& options);

}  // namespace grok

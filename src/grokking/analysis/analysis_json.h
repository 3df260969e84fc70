// The JSON form of an analysis (grokking analyze --out FILE), read by plots and reports.
// Layout (format "grokking-analysis", format_version 2):
//   {format, format_version, split: "val", task {p, operation, train_fraction, seed},
//    val_size, examples, options {max_examples, batch_size, fourier_key_sd, fourier_basis},
//    fourier_basis {basis: "additive" | "multiplicative", generator (the primitive root; 0 for
//                   additive), order (p or p − 1)},
//    reference: path of models[0],
//    models: [{path, step_dir, step, epoch, parameters,
//              config {depth, dim, heads, vocab_size, n_classes, seq_len, dropout, pool,
//                      rope_base},
//              val {loss_nats, accuracy, correct, examples},
//              hidden_states [{index, name, dim, effective_rank, kept, singular_values}],
//              attention_entropy [{layer (from 1), mean_nats, mean_bits, per_position_nats,
//                                  per_position_bits, per_head_nats}],
//              weights {total {n, l0, l1, l2, sparsity, l1_over_l2},
//                       tensors [{name, n, l0, l1, l2, sparsity, l1_over_l2}]},
//              fourier {basis, generator, order, frequencies, norm, fraction,
//                       power_fraction, key_frequencies, key_threshold, key_sd, gini,
//                       zero_norm (token 0's row vs the group's mean; null if additive)},
//              sublayer_fourier [{name, basis, ..., gini}]  (grid_fourier.h: per layer the
//                       attention and MLP outputs over the group grid),
//              cka_vs_reference [{state, cka (debiased, debiased_cka.h), chance (the same for
//                                 untrained models of both shapes), cka_biased,
//                                 chance_biased}]   (models after the first only)}]}
// Non-finite numbers (a CKA with a constant state) are written as null.
#pragma once

#include <nlohmann/json.hpp>

#include "grokking/analysis/model_analysis.h"

namespace grok {

nlohmann::ordered_json analysis_to_json(const AnalysisResult& result);

}  // namespace grok

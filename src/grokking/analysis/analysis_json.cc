#include "grokking/analysis/analysis_json.h"

#include <cmath>

namespace grok {
namespace {

using Json = nlohmann::ordered_json;

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json stats_json(const WeightStats& s) {
  return Json{{"n", s.n},
              {"l0", s.l0},
              {"l1", s.l1},
              {"l2", s.l2},
              {"sparsity", s.sparsity},
              {"l1_over_l2", s.l1_over_l2}};
}

Json spectrum_json(const FourierSpectrum& f, double key_sd) {
  return Json{{"basis", to_string(f.basis)},
              {"generator", f.generator},
              {"order", f.order},
              {"frequencies", f.frequencies},
              {"norm", f.norm},
              {"fraction", f.fraction},
              {"power_fraction", f.power_fraction},
              {"key_frequencies", f.key_frequencies},
              {"key_threshold", f.key_threshold},
              {"key_sd", key_sd},
              {"gini", f.gini}};
}

Json model_json(const ModelAnalysis& m, int examples, double key_sd) {
  Json j;
  j["path"] = m.path;
  j["step_dir"] = m.step_dir;
  j["step"] = m.step;
  j["epoch"] = m.epoch;
  j["parameters"] = m.parameters;
  const ModelConfig& c = m.config;
  j["config"] = Json{{"depth", c.depth},         {"dim", c.dim},
                     {"heads", c.heads},         {"vocab_size", c.vocab_size},
                     {"n_classes", c.n_classes}, {"seq_len", c.seq_len},
                     {"dropout", c.dropout},     {"pool", to_string(c.pool)},
                     {"rope_base", c.rope_base}};
  j["val"] = Json{{"loss_nats", number(m.val_loss)},
                  {"accuracy", m.val_acc},
                  {"correct", m.val_correct},
                  {"examples", examples}};
  Json states = Json::array();
  for (std::size_t k = 0; k < m.hidden_states.size(); ++k) {
    const HiddenStateAnalysis& h = m.hidden_states[k];
    states.push_back(Json{{"index", k},
                          {"name", h.name},
                          {"dim", h.dim},
                          {"effective_rank", h.rank.effective_rank},
                          {"kept", h.rank.kept},
                          {"singular_values", h.rank.singular_values}});
  }
  j["hidden_states"] = std::move(states);
  Json attention = Json::array();
  for (std::size_t l = 0; l < m.attention.size(); ++l) {
    const AttentionEntropyResult& a = m.attention[l];
    attention.push_back(Json{{"layer", l + 1},
                             {"mean_nats", a.mean_nats},
                             {"mean_bits", a.mean_bits},
                             {"per_position_nats", a.per_position_nats},
                             {"per_position_bits", a.per_position_bits},
                             {"per_head_nats", a.per_head_nats}});
  }
  j["attention_entropy"] = std::move(attention);
  Json tensors = Json::array();
  for (const auto& t : m.weights.tensors) {
    Json entry{{"name", t.name}};
    entry.update(stats_json(t.stats));
    tensors.push_back(std::move(entry));
  }
  j["weights"] = Json{{"total", stats_json(m.weights.total)}, {"tensors", std::move(tensors)}};
  j["fourier"] = spectrum_json(m.fourier, key_sd);
  j["fourier"]["zero_norm"] = number(m.fourier.zero_norm);
  Json sublayers = Json::array();
  for (const NamedSpectrum& s : m.sublayer_fourier) {
    Json entry{{"name", s.name}};
    entry.update(spectrum_json(s.spectrum, key_sd));
    sublayers.push_back(std::move(entry));
  }
  j["sublayer_fourier"] = std::move(sublayers);
  if (!m.cka_vs_reference.empty()) {
    Json cka = Json::array();
    for (const CkaEntry& e : m.cka_vs_reference)
      cka.push_back(Json{{"state", e.state},
                         {"cka", number(e.cka)},
                         {"chance", number(e.chance)},
                         {"cka_biased", number(e.cka_biased)},
                         {"chance_biased", number(e.chance_biased)}});
    j["cka_vs_reference"] = std::move(cka);
  }
  return j;
}

}  // namespace

nlohmann::ordered_json analysis_to_json(const AnalysisResult& result) {
  Json j;
  j["format"] = "grokking-analysis";
  j["format_version"] = 2;
  j["split"] = "val";
  j["task"] = Json{{"p", result.task.p},
                   {"operation", to_string(result.task.operation)},
                   {"train_fraction", result.task.train_fraction},
                   {"seed", result.task.split_seed}};
  j["val_size"] = result.val_size;
  j["examples"] = result.examples;
  j["options"] = Json{{"max_examples", result.options.max_examples},
                      {"batch_size", result.options.batch_size},
                      {"fourier_key_sd", result.options.fourier_key_sd},
                      {"fourier_basis", result.options.fourier_basis}};
  j["fourier_basis"] =
      Json{{"basis", to_string(result.basis)},
           {"generator", result.generator},
           {"order", result.basis == FourierBasis::kAdditive ? result.task.p : result.task.p - 1}};
  j["reference"] = result.models.empty() ? "" : result.models[0].path;
  Json models = Json::array();
  for (const ModelAnalysis& m : result.models)
    models.push_back(model_json(m, result.examples, result.options.fourier_key_sd));
  j["models"] = std::move(models);
  return j;
}

}  // namespace grok

// grokking analyze RUN_OR_CHECKPOINT...: the mechanistic measures of
// REFERENCE.md §7 on the validation split of the models' common task —
// effective rank of every hidden state, attention entropy per layer, weight
// statistics, the Fourier spectrum of the embedding, and linear CKA of every
// later model against the first. JSON to --out (with a readable summary on
// standard output), or JSON to standard output without --out.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "grokking/analysis/analysis_json.h"
#include "grokking/analysis/model_analysis.h"
#include "grokking/analysis/progress_measures.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/core/options.h"
#include "grokking/core/threads.h"
#include "grokking/report/progress_figure.h"
#include "grokking/train/model_loader.h"

namespace grok::cli {
namespace {

std::string format_number(double v, const char* spec = "{:.4f}") {
  return std::isfinite(v) ? fmt::format(fmt::runtime(spec), v) : "n/a";
}

void print_summary(const AnalysisResult& r) {
  fmt::print(
      "analysis of {} model(s) on the validation split of p {} '{}' "
      "(seed {}): {} of {} "
      "examples\n",
      r.models.size(), r.task.p, to_string(r.task.operation), r.task.split_seed, r.examples,
      r.val_size);
  if (r.basis == FourierBasis::kMultiplicative)
    fmt::print(
        "Fourier basis: multiplicative (discrete log to the primitive root {} mod {}, "
        "frequencies of Z_{}; token 0 apart)\n",
        r.generator, r.task.p, r.task.p - 1);
  else
    fmt::print("Fourier basis: additive (frequencies of Z_{})\n", r.task.p);
  for (std::size_t m = 0; m < r.models.size(); ++m) {
    const ModelAnalysis& a = r.models[m];
    fmt::print("\nmodel {}{}: {}\n", m, m == 0 ? " (reference)" : "", a.path);
    fmt::print("  step {}, epoch {}; depth {}, dim {}, heads {}; {} parameters\n", a.step, a.epoch,
               a.config.depth, a.config.dim, a.config.heads, a.parameters);
    fmt::print("  val accuracy {:.2f} % ({} of {}), loss {} nats\n", 100 * a.val_acc, a.val_correct,
               r.examples, format_number(a.val_loss));
    fmt::print("  {:<24} {:>5} {:>10} {:>12} {:>8} {:>12}\n", "hidden state", "dim", "eff. rank",
               m == 0 ? "" : "CKA vs ref", m == 0 ? "" : "chance", m == 0 ? "" : "biased CKA");
    for (const HiddenStateAnalysis& h : a.hidden_states) {
      std::string cka = m == 0 ? "" : "-", chance = cka, biased = cka;
      for (const CkaEntry& e : a.cka_vs_reference)
        if (e.state == h.name) {
          cka = format_number(e.cka);
          chance = format_number(e.chance);
          biased = format_number(e.cka_biased);
        }
      fmt::print("  {:<24} {:>5} {:>10.3f} {:>12} {:>8} {:>12}\n", h.name, h.dim,
                 h.rank.effective_rank, cka, chance, biased);
    }
    for (std::size_t l = 0; l < a.attention.size(); ++l)
      fmt::print("  attention entropy layer{}: {:.4f} nats ({:.4f} bits)\n", l + 1,
                 a.attention[l].mean_nats, a.attention[l].mean_bits);
    const WeightStats& w = a.weights.total;
    fmt::print(
        "  weights: L0 {} of {} (sparsity {:.4f}), L1 {:.6g}, L2 "
        "{:.6g}, L1/L2 {:.6g}\n",
        w.l0, w.n, w.sparsity, w.l1, w.l2, w.l1_over_l2);
    fmt::print("  embedding Fourier: key frequencies [{}] (norm > {:.4g}), Gini {:.4f}\n",
               fmt::join(a.fourier.key_frequencies, ", "), a.fourier.key_threshold, a.fourier.gini);
    for (const NamedSpectrum& s : a.sublayer_fourier)
      fmt::print("  {} Fourier: key frequencies [{}], Gini {:.4f}\n", s.name,
                 fmt::join(s.spectrum.key_frequencies, ", "), s.spectrum.gini);
  }
}

// The JSON on standard output (no --out).
int print_json(const std::string& json) {
  std::cout << json;
  std::cout.flush();
  if (!std::cout) throw Error("writing the JSON to standard output failed");
  return 0;
}

void print_progress(const ProgressMeasures& m) {
  fmt::print("progress measures of {} over {} checkpoints; {} basis{}; key frequencies [{}]\n",
             m.run.string(), m.points.size(), to_string(m.basis),
             m.basis == FourierBasis::kMultiplicative ? fmt::format(" (g = {})", m.generator) : "",
             fmt::join(m.key_frequencies, ", "));
  auto epoch = [](const std::optional<int64_t>& e) { return e ? std::to_string(*e) : "-"; };
  fmt::print(
      "phases: train >= {0:g} % (inference mode) at epoch {1} (training mode: {2}), val >= 50 % "
      "at {3}, val >= {0:g} % at {4}\n",
      100 * m.threshold, epoch(m.phases.train_fit), epoch(m.phases.train_fit_training_mode),
      epoch(m.phases.val_rise), epoch(m.phases.generalised));
  fmt::print("{:>6} {:>7} {:>6} {:>7} | {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9}\n", "epoch",
             "train %", "val %", "Gini", "train", "restr.", "excl.", "val", "restr.", "excl.");
  for (const ProgressPoint& p : m.points)
    fmt::print(
        "{:>6} {:>7.2f} {:>6.2f} {:>7.4f} | {:>9.4f} {:>9.4f} {:>9.4f} | {:>9.4f} {:>9.4f} "
        "{:>9.4f}\n",
        p.epoch, 100 * p.train.accuracy, 100 * p.val.accuracy, p.embedding.gini, p.train.loss,
        p.train.restricted, p.train.excluded, p.val.loss, p.val.restricted, p.val.excluded);
}

int analyze_over_training(const std::string& run, const std::string& out_path,
                          const ProgressOptions& options) {
  const ProgressMeasures m = progress_over_training(run, options);
  const std::string json = progress_to_json(m).dump(2) + "\n";
  if (out_path.empty()) return print_json(json);
  const std::filesystem::path out(out_path);
  const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
  std::filesystem::create_directories(dir);
  write_file_atomic(out_path, json);
  plot_progress_measures(m, dir, out.stem().string());
  print_progress(m);
  fmt::print("\nwrote {} and {}.png/.svg\n", out_path, (dir / out.stem()).string());
  return 0;
}

}  // namespace

int cmd_analyze(int argc, const char* const* argv) {
  std::vector<std::string> paths;
  std::string out_path;
  AnalysisOptions analysis;
  int threads = 0;
  std::string over_training;
  double threshold = 0.99;
  OptionSet options("analyze",
                    "Measure trained models on the VALIDATION split of their common task "
                    "(REFERENCE.md §7): "
                    "effective rank of every hidden state (embedding, layerN.post_attention, "
                    "layerN.post_ffn, final_norm), attention entropy per layer in nats and "
                    "bits, weight "
                    "statistics (L0, L1, L2, sparsity, L1/L2), the Fourier spectrum of the "
                    "number "
                    "embeddings (norm of each frequency's cos/sin pair, key frequencies, "
                    "Gini), and linear "
                    "CKA of every model after the first against the first (the reference, "
                    "e.g. the teacher) "
                    "for each hidden state of the same name. Each path may be a run "
                    "directory, a checkpoint "
                    "directory or one step directory (the latest valid step is used). With "
                    "--out the JSON "
                    "goes to FILE and a summary table to standard output; without it the "
                    "JSON goes to "
                    "standard output.");
  options.positionals("RUN_OR_CHECKPOINT", &paths, "models to analyse; the first is the reference",
                      false);
  options.group("Analysis");
  options.add("max_examples", &analysis.max_examples,
              "analyse only the first N validation examples in split order (0: all)");
  options.add("batch_size", &analysis.batch_size,
              "examples per forward pass (512, train's eval_batch_size "
              "default, reproduces the "
              "run's validation accuracy bit for bit)");
  options.add("fourier_key_sd", &analysis.fourier_key_sd,
              "a key frequency's norm exceeds the mean norm by this many "
              "standard deviations");
  options.add("fourier_basis", &analysis.fourier_basis,
              "the group the spectra are taken over: auto (additive for + -, multiplicative "
              "i.e. discrete log to a primitive root for * /), additive or multiplicative");
  options.add("threads", &threads, "threads (0: all cores)");
  options.group("Over training");
  options.add("over_training", &over_training,
              "RUN: progress measures at every kept checkpoint of this run directory (train "
              "--keep_every N): key frequencies, Gini, restricted and excluded loss on train and "
              "val, and a figure beside --out with the phases marked");
  options.add("grokking_threshold", &threshold,
              "accuracy that ends memorisation (train) and cleanup (val) in --over_training");
  options.group("Output");
  options.add("out", &out_path, "JSON file to write (default: JSON to standard output)");
  if (!options.parse(argc, argv)) return 0;
  if (!over_training.empty() && !paths.empty())
    throw UsageError("analyze: give either RUN_OR_CHECKPOINT... or --over_training RUN, not both");
  if (over_training.empty() && paths.empty())
    throw UsageError("analyze: expected at least one RUN_OR_CHECKPOINT (or --over_training RUN)");
  if (!(threshold > 0 && threshold <= 1))
    throw UsageError(fmt::format("--grokking_threshold {}: must be in (0, 1]", threshold));
  if (threads < 0)
    throw UsageError(fmt::format("--threads {}: must be >= 0 (0: all cores)", threads));
  if (analysis.max_examples < 0)
    throw UsageError(
        fmt::format("--max_examples {}: must be >= 0 (0: all)", analysis.max_examples));
  if (analysis.batch_size < 1)
    throw UsageError(fmt::format("--batch_size {}: must be >= 1", analysis.batch_size));
  if (!(analysis.fourier_key_sd >= 0))
    throw UsageError(fmt::format("--fourier_key_sd {}: must be >= 0", analysis.fourier_key_sd));
  set_num_threads(threads);
  if (!over_training.empty()) {
    return analyze_over_training(
        over_training, out_path,
        {threshold, analysis.fourier_key_sd, analysis.fourier_basis, analysis.batch_size});
  }

  std::vector<LoadedModel> models;
  for (const std::string& path : paths) models.push_back(load_model(path));
  const AnalysisResult result = analyze_models(models, paths, analysis);
  const std::string json = analysis_to_json(result).dump(2) + "\n";
  if (out_path.empty()) return print_json(json);
  write_file_atomic(out_path, json);
  print_summary(result);
  fmt::print("\nwrote {}\n", out_path);
  return 0;
}

}  // namespace grok::cli

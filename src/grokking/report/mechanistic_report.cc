#include "grokking/report/mechanistic_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <limits>

#include "grokking/analysis/analysis_json.h"
#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/report/data_file.h"
#include "grokking/report/gnuplot.h"
#include "grokking/report/plot_style.h"
#include "grokking/train/model_loader.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// A data-file column name for a model label ("logit 0.5×" → "logit_0.5x").
std::string column_name(const std::string& label) {
  std::string out;
  for (std::size_t i = 0; i < label.size();) {
    if (label.compare(i, std::string("×").size(), "×") == 0) {
      out += 'x';
      i += std::string("×").size();
      continue;
    }
    out += label[i] == ' ' ? '_' : label[i];
    ++i;
  }
  return out;
}

const HiddenStateAnalysis* find_state(const ModelAnalysis& m, const std::string& name) {
  for (const auto& h : m.hidden_states)
    if (h.name == name) return &h;
  return nullptr;
}

const CkaEntry* cka_entry(const ModelAnalysis& m, const std::string& state) {
  for (const auto& c : m.cka_vs_reference)
    if (c.state == state) return &c;
  return nullptr;
}
double cka_of(const ModelAnalysis& m, const std::string& state) {
  const CkaEntry* c = cka_entry(m, state);
  return c ? c->cka : kMissing;
}
double chance_of(const ModelAnalysis& m, const std::string& state) {
  const CkaEntry* c = cka_entry(m, state);
  return c ? c->chance : kMissing;
}

// "multiplicative (discrete log, g = 5)" or "additive".
std::string basis_name(const AnalysisResult& r) {
  return r.basis == FourierBasis::kMultiplicative
             ? fmt::format("multiplicative (discrete log, g = {})", r.generator)
             : "additive";
}

// The Gini rows: the embedding's and each sublayer output's, by name.
std::vector<std::string> spectrum_names(const ModelAnalysis& m) {
  std::vector<std::string> names = {"embedding"};
  for (const auto& s : m.sublayer_fourier) names.push_back(s.name);
  return names;
}
const FourierSpectrum* spectrum_of(const ModelAnalysis& m, const std::string& name) {
  if (name == "embedding") return &m.fourier;
  for (const auto& s : m.sublayer_fourier)
    if (s.name == name) return &s.spectrum;
  return nullptr;
}

// Mean over query positions of ln(i + 1): the entropy of uniform causal attention.
double uniform_causal_entropy(int seq_len) {
  double sum = 0;
  for (int i = 0; i < seq_len; ++i) sum += std::log(i + 1.0);
  return seq_len > 0 ? sum / seq_len : 0;
}

std::string number(double v, int decimals) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "";
}

}  // namespace

std::vector<const ReportTrial*> mechanistic_models(const ExperimentData& data) {
  std::vector<const ReportTrial*> out;
  for (const ReportTrial& t : data.trials)
    if (t.kind == "teacher" && t.repeat == 0 && t.completed()) {
      out.push_back(&t);
      break;
    }
  if (out.empty()) return out;
  for (const ReportTrial& t : data.trials)
    if (t.kind != "teacher" && t.repeat == 0 && t.completed()) out.push_back(&t);
  return out;
}

Table mechanistic_table(const AnalysisResult& result,
                        const std::vector<const ReportTrial*>& models) {
  GROK_CHECK(result.models.size() == models.size() && !models.empty());
  Table table;
  table.caption = fmt::format(
      "Mechanistic measures on the validation split ({} of {} examples) of the teacher and the "
      "repeat-0 students and controls: debiased linear CKA against the teacher per hidden state "
      "with its chance level (the same measure between untrained models of the two shapes), "
      "effective rank per hidden state, attention entropy per layer in nats, and the Gini "
      "coefficient and key frequencies of the Fourier spectra (embedding; attention and MLP "
      "outputs over the whole grid) in the {} basis.",
      result.examples, result.val_size, basis_name(result));
  table.label = "tab:mechanistic";
  table.header = {"measure"};
  table.align = {Align::kLeft};
  for (const ReportTrial* t : models) {
    table.header.push_back(t->label);
    table.align.push_back(Align::kRight);
  }
  auto row = [&](const std::string& name, auto value) {
    std::vector<std::string> cells = {name};
    for (std::size_t m = 0; m < models.size(); ++m) cells.push_back(value(m));
    table.add_row(std::move(cells));
  };
  const ModelAnalysis& teacher = result.models[0];
  row("val accuracy (%)", [&](std::size_t m) { return number(100 * result.models[m].val_acc, 2); });
  for (const auto& h : teacher.hidden_states) {
    row("CKA " + h.name, [&](std::size_t m) {
      return m == 0 ? std::string("1") : number(cka_of(result.models[m], h.name), 3);
    });
    row("  chance (untrained)", [&](std::size_t m) {
      return m == 0 ? std::string() : number(chance_of(result.models[m], h.name), 3);
    });
  }
  for (const auto& h : teacher.hidden_states)
    row("eff. rank " + h.name, [&](std::size_t m) {
      const auto* s = find_state(result.models[m], h.name);
      return s ? number(s->rank.effective_rank, 2) : std::string();
    });
  for (std::size_t l = 0; l < teacher.attention.size(); ++l)
    row(fmt::format("attn. entropy layer{} (nats)", l + 1), [&](std::size_t m) {
      const auto& a = result.models[m].attention;
      return l < a.size() ? number(a[l].mean_nats, 3) : std::string();
    });
  const std::string basis = result.basis == FourierBasis::kMultiplicative ? "mult." : "add.";
  for (const std::string& name : spectrum_names(teacher)) {
    row(fmt::format("Fourier Gini {} ({})", name, basis), [&](std::size_t m) {
      const FourierSpectrum* f = spectrum_of(result.models[m], name);
      return f ? number(f->gini, 3) : std::string();
    });
  }
  row(fmt::format("key frequencies embedding ({})", basis), [&](std::size_t m) {
    return fmt::format("{}", fmt::join(result.models[m].fourier.key_frequencies, " "));
  });
  return table;
}

MechanisticReport mechanistic_report(const ExperimentData& data, const fs::path& dir,
                                     const AnalysisOptions& options) {
  MechanisticReport report;
  report.figure = {"mechanistic", "Mechanistic measures", "", ""};
  const std::vector<const ReportTrial*> models = mechanistic_models(data);
  if (models.size() < 2) {
    report.figure.stem.clear();
    report.figure.note = models.empty() ? "no completed teacher of repeat 0 to analyse"
                                        : "no completed student or control of repeat 0 to compare";
    return report;
  }
  std::vector<LoadedModel> loaded;
  std::vector<std::string> paths;
  for (const ReportTrial* t : models) {
    loaded.push_back(load_model(t->run_dir));
    paths.push_back(t->run_dir.string());
  }
  const AnalysisResult result = analyze_models(loaded, paths, options);
  loaded.clear();
  fs::create_directories(dir);
  report.json_file = "mechanistic_analysis.json";
  write_file_atomic(dir / report.json_file, analysis_to_json(result).dump(2) + "\n");
  report.table = mechanistic_table(result, models);

  // Data: one column per model (teacher first), one block per chart.
  const ModelAnalysis& teacher = result.models[0];
  std::vector<std::string> columns = {"state"};
  for (const ReportTrial* t : models) columns.push_back(column_name(t->label));
  DataFile file(columns);
  file.add_block("debiased linear CKA against the teacher (validation split)");
  for (const auto& h : teacher.hidden_states) {
    std::vector<double> v;
    for (const auto& m : result.models) v.push_back(&m == &teacher ? 1.0 : cka_of(m, h.name));
    file.add_row(h.name, v);
  }
  file.add_block("chance level: debiased CKA between untrained models of the same shapes");
  for (const auto& h : teacher.hidden_states) {
    std::vector<double> v;
    for (const auto& m : result.models)
      v.push_back(&m == &teacher ? kMissing : chance_of(m, h.name));
    file.add_row(h.name, v);
  }
  file.add_block("effective rank of each hidden state");
  for (const auto& h : teacher.hidden_states) {
    std::vector<double> v;
    for (const auto& m : result.models) {
      const auto* s = find_state(m, h.name);
      v.push_back(s ? s->rank.effective_rank : kMissing);
    }
    file.add_row(h.name, v);
  }
  file.add_block("attention entropy per layer (nats)");
  for (std::size_t l = 0; l < teacher.attention.size(); ++l) {
    std::vector<double> v;
    for (const auto& m : result.models)
      v.push_back(l < m.attention.size() ? m.attention[l].mean_nats : kMissing);
    file.add_row(fmt::format("layer{}", l + 1), v);
  }
  file.add_block("Fourier Gini per representation, " + basis_name(result) + " basis");
  for (const std::string& name : spectrum_names(teacher)) {
    std::vector<double> v;
    for (const auto& m : result.models) {
      const FourierSpectrum* sp = spectrum_of(m, name);
      v.push_back(sp ? sp->gini : kMissing);
    }
    file.add_row(name, v);
  }
  const std::string stem = report.figure.stem;
  write_file_atomic(dir / (stem + ".dat"), file.text());

  const std::string f = gnuplot_string(stem + ".dat");
  auto bars = [&](int block, std::size_t from) {
    std::string cmd = "  plot ";
    for (std::size_t m = from; m < models.size(); ++m)
      cmd += fmt::format("{}{} index {} using {}{} lc rgb \"{}\" notitle",
                         m == from ? "" : ", \\\n       ", m == from ? f : "\"\"", block, m + 2,
                         m == from ? ":xtic(1)" : "", strategy_colour(models[m]->colour_key));
    return cmd;
  };
  const double bound = uniform_causal_entropy(teacher.config.seq_len);
  std::string b = fmt::format(
      "  set multiplot layout 2,3 title {} font \",13\"\n",
      gnuplot_string(fmt::format("mechanistic measures on the validation split (seed {} models, "
                                 "{} examples)",
                                 models[0]->seed, result.examples)));
  b += "  set style data histogram\n  set style histogram clustered gap 1\n";
  b += "  set style fill solid 0.85 border rgb \"#333333\"\n  set boxwidth 0.9\n";
  b += "  set xtics rotate by 25 right scale 0\n  set grid noxtics ytics\n  set key off\n";
  b += "  set title \"debiased CKA with the teacher (solid), chance level (hatched)\"\n";
  b += "  set ylabel \"CKA (1 = same representation, 0 = unrelated)\"\n";
  b += "  set yrange [-0.1:1.05]\n";
  b += bars(0, 1);
  // The chance level of each model: a hatched bar of its colour after the solid ones.
  for (std::size_t m = 1; m < models.size(); ++m)
    b += fmt::format(", \\\n       \"\" index 1 using {} fs pattern 4 lc rgb \"{}\" notitle", m + 2,
                     strategy_colour(models[m]->colour_key));
  b += "\n";
  b += "  set title \"effective rank per hidden state\"\n";
  b += "  set ylabel \"effective rank (dimensions)\"\n  set yrange [0:*]\n";
  b += bars(2, 0) + "\n";
  b += "  set title \"attention entropy per layer\"\n  set ylabel \"entropy (nats)\"\n";
  b += fmt::format("  set yrange [0:{}]\n", std::max(bound, 0.1) * 1.15);
  b += bars(3, 0) +
       fmt::format(", \\\n       {} with lines dt 2 lw 2 lc rgb \"#CC0000\" notitle\n", bound);
  b += fmt::format("  set title {}\n",
                   gnuplot_string("Fourier Gini, " + basis_name(result) + " basis"));
  b += "  set ylabel \"Gini of the spectrum (0 = flat)\"\n  set yrange [0:1]\n";
  b += bars(4, 0) + "\n";
  // The fourth panel is the legend.
  b += "  unset title\n  unset border\n  unset tics\n  unset xlabel\n  unset ylabel\n";
  b += "  unset grid\n  set xrange [0:1]\n  set yrange [0:1]\n  set style data lines\n";
  b += "  set key center center box ls 100 spacing 1.4 samplen 3 font \",12\"\n  plot ";
  for (std::size_t m = 0; m < models.size(); ++m)
    b += fmt::format("{}NaN with boxes fs solid 0.85 lc rgb \"{}\" title {}", m ? ", " : "",
                     strategy_colour(models[m]->colour_key), gnuplot_string(models[m]->label));
  b += fmt::format(", NaN with lines dt 2 lw 2 lc rgb \"#CC0000\" title {}\n",
                   gnuplot_string(fmt::format("uniform causal attention ({:.4f} nats)", bound)));
  b += "  unset multiplot\n";
  render_figure(dir, stem, "mechanistic measures of the teacher and the repeat-0 students", b,
                {1650, 900});
  report.figure.caption = fmt::format(
      "Debiased linear CKA with the teacher (hatched: the same between untrained models of the "
      "same shapes) and effective rank of each hidden state, mean attention entropy per layer "
      "(dashed: uniform causal attention, {:.4f} nats), and the Gini of the Fourier spectra in "
      "the {} basis, of the seed-{} teacher, students and controls on the {} validation "
      "examples.",
      bound, basis_name(result), models[0]->seed, result.examples);
  return report;
}

}  // namespace grok

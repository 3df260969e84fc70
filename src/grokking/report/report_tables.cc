#include "grokking/report/report_tables.h"

#include <fmt/format.h>

#include <cmath>
#include <tuple>

namespace grok {
namespace {

std::string optional_number(const std::optional<double>& v, int decimals, double scale = 1) {
  return v ? table_number(*v, decimals, scale) : "";
}

std::string optional_int(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : ""; }

const nlohmann::json& field(const nlohmann::json& j, const char* a) {
  static const nlohmann::json null;
  return j.is_object() && j.contains(a) ? j[a] : null;
}

const nlohmann::json& element(const nlohmann::json& j, std::size_t i) {
  static const nlohmann::json null;
  return j.is_array() && i < j.size() ? j[i] : null;
}

// The epoch metric of statistics.json ("epoch_to_99" for threshold 0.99) and its label.
std::string epoch_key(const nlohmann::json& statistics) {
  const auto& k = field(field(statistics, "grokking"), "epoch_metric");
  return k.is_string() ? k.get<std::string>() : "epoch_to_99";
}
std::string epoch_label(const nlohmann::json& statistics) {
  const auto& t = field(field(statistics, "grokking"), "threshold");
  return fmt::format("{:g} %", t.is_number() ? 100 * t.get<double>() : 99.0);
}

}  // namespace

std::string table_number(const nlohmann::json& value, int decimals, double scale) {
  if (!value.is_number()) return "";
  const double v = value.get<double>() * scale;
  if (!std::isfinite(v)) return "";
  return fmt::format("{:.{}f}", v, decimals);
}

Table trials_table(const ExperimentData& data) {
  Table t;
  t.caption =
      "Every trial of the experiment: final and best validation accuracy, first epoch with "
      "validation accuracy ≥ 99 %, whether it grokked, parameters and wall time.";
  t.label = "tab:trials";
  t.header = {"trial",
              "kind",
              "strategy",
              "width (× teacher)",
              "round",
              "seed",
              "parameters",
              "final val acc (%)",
              "best val acc (%)",
              "epoch to 99 %",
              "grokked",
              "wall time (s)",
              "status"};
  t.align = {Align::kLeft,  Align::kLeft,  Align::kLeft,  Align::kRight, Align::kRight,
             Align::kRight, Align::kRight, Align::kRight, Align::kRight, Align::kRight,
             Align::kLeft,  Align::kRight, Align::kLeft};
  for (const ReportTrial& r : data.trials) {
    const bool done = r.completed();
    t.add_row({r.id, r.kind, r.strategy, fmt::format("{}", r.overall_scale),
               std::to_string(r.round), std::to_string(r.seed), optional_int(r.params),
               optional_number(r.val_acc, 2, 100), optional_number(r.best_val_acc, 2, 100),
               optional_int(r.epoch_to_99), done ? (r.grokked ? "yes" : "no") : "",
               optional_number(r.wall_s, 1), r.status});
  }
  return t;
}

std::optional<Table> configurations_table(const ExperimentData& data) {
  const nlohmann::json& configurations = field(data.statistics, "configurations");
  if (!configurations.is_array() || configurations.empty()) return std::nullopt;
  Table t;
  const std::string key = epoch_key(data.statistics), pct = epoch_label(data.statistics);
  t.caption = fmt::format(
      "Each configuration across its repeats (statistics.json; n = completed runs): final "
      "validation accuracy (mean, sd, 95 % Student-t interval of the mean), epochs to {0} over "
      "the runs that reached it (the others censored), the grokking delay (epochs from train "
      "to val reaching {0}), runs generalised and grokked (docs/ANALYSIS.md) with a Wilson "
      "95 % interval for grokked, parameters and mean wall time.",
      pct);
  t.label = "tab:configurations";
  t.header = {"configuration",
              "parameters",
              "n",
              "final val acc (%)",
              "sd",
              "95 % CI low",
              "95 % CI high",
              "epochs to " + pct,
              "sd epochs",
              "reached " + pct,
              "delay",
              "generalised",
              "grokked",
              "Wilson low",
              "Wilson high",
              "wall time (s)"};
  t.align.assign(t.header.size(), Align::kRight);
  t.align[0] = Align::kLeft;
  for (const auto& c : configurations) {
    const std::string name =
        field(c, "configuration").is_string() ? field(c, "configuration").get<std::string>() : "";
    std::optional<int64_t> params;
    double wall = 0;
    int walls = 0;
    for (const ReportTrial* r : data.trials_of(name)) {
      if (!params && r->params) params = r->params;
      if (r->completed() && r->wall_s) {
        wall += *r->wall_s;
        ++walls;
      }
    }
    const auto& acc = field(c, "final_val_acc");
    const auto& epochs = field(c, key.c_str());
    const auto& delay = field(field(c, "grokking_delay"), "reached");
    const auto& reached = field(epochs, "reached");
    const auto& grokked = field(c, "grokked");
    auto count = [](const nlohmann::json& j) {
      return j.is_number_integer() ? std::to_string(j.get<int64_t>()) : std::string("?");
    };
    t.add_row({name, optional_int(params),
               fmt::format("{}/{}", count(field(c, "completed")), count(field(c, "planned"))),
               table_number(field(acc, "mean"), 2, 100), table_number(field(acc, "sd"), 2, 100),
               table_number(element(field(acc, "ci95"), 0), 2, 100),
               table_number(element(field(acc, "ci95"), 1), 2, 100),
               table_number(field(reached, "mean"), 1), table_number(field(reached, "sd"), 1),
               fmt::format("{}/{}", count(field(reached, "n")), count(field(epochs, "runs"))),
               table_number(field(delay, "mean"), 1),
               fmt::format("{}/{}", count(field(field(c, "generalised"), "count")),
                           count(field(field(c, "generalised"), "n"))),
               fmt::format("{}/{}", count(field(grokked, "count")), count(field(grokked, "n"))),
               table_number(element(field(grokked, "wilson95"), 0), 2),
               table_number(element(field(grokked, "wilson95"), 1), 2),
               walls ? fmt::format("{:.1f}", wall / walls) : ""});
  }
  return t;
}

std::optional<Table> comparisons_table(const ExperimentData& data) {
  const nlohmann::json& comparisons = field(data.statistics, "comparisons");
  if (!comparisons.is_object()) return std::nullopt;
  Table t;
  const std::string key = epoch_key(data.statistics), pct = epoch_label(data.statistics);
  t.caption = fmt::format(
      "Comparisons between configurations (statistics.json), paired by seed: the difference "
      "a − b over the n seeds both completed (final validation accuracy in percentage points; "
      "epochs to {} over seeds where both reached it) with its 95 % Student-t interval, the "
      "paired t-test and Wilcoxon's signed-rank test, Holm-corrected paired-t p within each "
      "metric, and Hedges' g.",
      pct);
  t.label = "tab:comparisons";
  t.header = {"metric",       "a",        "b", "comparison", "n",      "mean a − b", "95 % CI low",
              "95 % CI high", "paired t", "p", "Wilcoxon p", "Holm p", "Hedges g"};
  t.align.assign(t.header.size(), Align::kRight);
  for (int i = 0; i < 4; ++i) t.align[static_cast<std::size_t>(i)] = Align::kLeft;
  const std::string epoch_name = "epochs to " + pct;
  for (const auto& [metric, label, scale, decimals] :
       {std::tuple{std::string("final_val_acc"), std::string("final val acc (pp)"), 100.0, 2},
        std::tuple{key, epoch_name, 1.0, 1}}) {
    const auto& list = field(comparisons, metric.c_str());
    if (!list.is_array()) continue;
    for (const auto& c : list) {
      auto text = [&](const char* name) {
        return field(c, name).is_string() ? field(c, name).get<std::string>() : std::string();
      };
      const auto& diff = field(c, "difference");
      const bool paired = field(c, "paired_t").is_object();
      const auto& test = paired ? field(c, "paired_t") : field(c, "welch");
      t.add_row({label, text("a"), text("b"),
                 text("kind") == "vs_control" ? "vs control" : "between strategies",
                 field(c, "paired_seeds").is_number() ? field(c, "paired_seeds").dump() : "",
                 table_number(field(diff, "mean"), decimals, scale),
                 table_number(element(field(diff, "ci95"), 0), decimals, scale),
                 table_number(element(field(diff, "ci95"), 1), decimals, scale),
                 table_number(field(test, "t"), 2), table_number(field(test, "p"), 4),
                 table_number(field(field(c, "wilcoxon"), "p"), 4),
                 table_number(field(c, "p_holm"), 4), table_number(field(c, "hedges_g"), 2)});
    }
  }
  if (t.rows.empty()) return std::nullopt;
  return t;
}

}  // namespace grok

#include "grokking/experiment/experiment_report.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>

#include "grokking/core/atomic_file.h"
#include "grokking/core/json_io.h"
#include "grokking/experiment/statistics.h"

namespace grok {
namespace {

// What makes trials of different repeats the same configuration.
std::string configuration_key(const Trial& t) {
  return configuration_name(to_string(t.kind), t.strategy, t.round, t.model.dim, t.model.depth);
}

struct Group {
  std::string key;
  const Trial* first = nullptr;
  std::map<uint64_t, const TrialRecord*> by_seed;  // completed runs
  int planned = 0;
};

nlohmann::ordered_json number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}
nlohmann::ordered_json interval_json(const Interval& ci) {
  return nlohmann::ordered_json::array({number(ci.lower), number(ci.upper)});
}
nlohmann::ordered_json summary_json(const Summary& s) {
  return {
      {"n", s.n}, {"mean", number(s.mean)}, {"sd", number(s.sd)}, {"ci95", interval_json(s.ci)}};
}

std::vector<double> values(const Group& g, const std::vector<uint64_t>& seeds, bool epochs) {
  std::vector<double> out;
  for (uint64_t seed : seeds) {
    const TrialRecord& r = *g.by_seed.at(seed);
    out.push_back(epochs ? static_cast<double>(*r.epoch_to_99) : *r.val_acc);
  }
  return out;
}

// Seeds both groups completed (for epochs: where both reached 99 %).
std::vector<uint64_t> shared_seeds(const Group& a, const Group& b, bool epochs) {
  std::vector<uint64_t> seeds;
  for (const auto& [seed, record] : a.by_seed) {
    const auto it = b.by_seed.find(seed);
    if (it == b.by_seed.end()) continue;
    if (epochs && (!record->epoch_to_99 || !it->second->epoch_to_99)) continue;
    seeds.push_back(seed);
  }
  return seeds;
}

}  // namespace

std::string configuration_name(const std::string& kind, const std::string& strategy, int round,
                               int dim, int depth) {
  std::string name = kind;
  if (kind == "student") name += fmt::format(" {} r{}", strategy, round);
  return name + fmt::format(" d{} l{}", dim, depth);
}

nlohmann::ordered_json experiment_statistics(const std::vector<Trial>& plan,
                                             const std::vector<TrialRecord>& records,
                                             uint64_t bootstrap_seed) {
  const BootstrapOptions bootstrap{10000, 0.95, bootstrap_seed};
  std::vector<Group> groups;
  std::map<std::string, std::size_t> group_index;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const std::string key = configuration_key(plan[i]);
    auto [it, inserted] = group_index.try_emplace(key, groups.size());
    if (inserted) groups.push_back({key, &plan[i], {}, 0});
    Group& g = groups[it->second];
    ++g.planned;
    if (records[i].status == TrialStatus::kCompleted && records[i].val_acc)
      g.by_seed[plan[i].seed] = &records[i];
  }

  nlohmann::ordered_json configurations = nlohmann::ordered_json::array();
  for (const Group& g : groups) {
    std::vector<double> acc;
    std::vector<std::optional<double>> epochs;
    int grokked = 0;
    for (const auto& [seed, r] : g.by_seed) {
      acc.push_back(*r->val_acc);
      epochs.push_back(r->epoch_to_99 ? std::optional<double>(*r->epoch_to_99) : std::nullopt);
      grokked += r->grokked;
    }
    const EventTimes times = summarize_event_times(epochs, bootstrap);
    const Proportion fraction = proportion(grokked, static_cast<int>(acc.size()));
    configurations.push_back({{"configuration", g.key},
                              {"kind", to_string(g.first->kind)},
                              {"strategy", g.first->strategy},
                              {"round", g.first->round},
                              {"dim", g.first->model.dim},
                              {"depth", g.first->model.depth},
                              {"overall_scale", g.first->overall_scale},
                              {"planned", g.planned},
                              {"completed", acc.size()},
                              {"final_val_acc", summary_json(summarize(acc, bootstrap))},
                              {"epoch_to_99",
                               {{"runs", times.runs},
                                {"censored", times.censored},
                                {"reached", summary_json(times.reached)}}},
                              {"grokked",
                               {{"count", fraction.successes},
                                {"n", fraction.n},
                                {"fraction", number(fraction.fraction)},
                                {"wilson95", interval_json(fraction.ci)}}}});
  }

  // Comparisons: each student configuration vs its shape's control, and strategies of the
  // same shape and round against each other. One Holm family per metric.
  struct Pair {
    const Group* a;
    const Group* b;
    std::string kind;
  };
  std::vector<Pair> pairs;
  for (const Group& a : groups) {
    if (a.first->kind != TrialKind::kStudent) continue;
    for (const Group& b : groups) {
      const bool same_shape =
          a.first->model.dim == b.first->model.dim && a.first->model.depth == b.first->model.depth;
      if (!same_shape || &a == &b) continue;
      if (b.first->kind == TrialKind::kScratch) pairs.push_back({&a, &b, "vs_control"});
      if (b.first->kind == TrialKind::kStudent && a.first->round == b.first->round && &a < &b)
        pairs.push_back({&a, &b, "between_strategies"});
    }
  }
  nlohmann::ordered_json comparisons = nlohmann::ordered_json::object();
  for (const bool epochs : {false, true}) {
    std::vector<Comparison> results;
    std::vector<std::size_t> sizes;
    for (const Pair& pair : pairs) {
      const auto seeds = shared_seeds(*pair.a, *pair.b, epochs);
      const auto a = values(*pair.a, seeds, epochs), b = values(*pair.b, seeds, epochs);
      results.push_back(compare(a, b, true, bootstrap));
      sizes.push_back(seeds.size());
    }
    adjust_holm(results);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const Comparison& c = results[i];
      list.push_back(
          {{"a", pairs[i].a->key},
           {"b", pairs[i].b->key},
           {"kind", pairs[i].kind},
           {"paired_seeds", sizes[i]},
           {"difference", c.paired ? summary_json(*c.paired) : nullptr},
           {"welch",
            {{"t", number(c.welch.t)}, {"df", number(c.welch.df)}, {"p", number(c.welch.p)}}},
           {"hedges_g", number(c.hedges_g)},
           {"p_holm", number(c.p_holm)}});
    }
    comparisons[epochs ? "epoch_to_99" : "final_val_acc"] = std::move(list);
  }
  return {
      {"bootstrap",
       {{"resamples", bootstrap.resamples}, {"level", bootstrap.level}, {"seed", bootstrap_seed}}},
      {"configurations", std::move(configurations)},
      {"comparisons", std::move(comparisons)}};
}

std::string statistics_markdown(const nlohmann::ordered_json& s) {
  auto fmt_num = [](const nlohmann::ordered_json& v, double scale, int digits) {
    return v.is_null() ? std::string("–") : fmt::format("{:.{}f}", v.get<double>() * scale, digits);
  };
  auto fmt_ci = [&](const nlohmann::ordered_json& ci, double scale, int digits) {
    return fmt::format("[{}, {}]", fmt_num(ci[0], scale, digits), fmt_num(ci[1], scale, digits));
  };
  std::string md = "## Configurations\n\n";
  md +=
      "| configuration | completed | final val % (mean ± sd) | 95 % CI | epochs to 99 % "
      "(mean, reached/runs) | grokked | Wilson 95 % |\n|---|---|---|---|---|---|---|\n";
  for (const auto& c : s["configurations"]) {
    const auto& acc = c["final_val_acc"];
    const auto& ep = c["epoch_to_99"];
    md += fmt::format(
        "| {} | {}/{} | {} ± {} | {} | {} ({}/{}) | {}/{} | {} |\n",
        c["configuration"].get<std::string>(), c["completed"].get<int>(), c["planned"].get<int>(),
        fmt_num(acc["mean"], 100, 2), fmt_num(acc["sd"], 100, 2), fmt_ci(acc["ci95"], 100, 2),
        fmt_num(ep["reached"]["mean"], 1, 1), ep["runs"].get<int>() - ep["censored"].get<int>(),
        ep["runs"].get<int>(), c["grokked"]["count"].get<int>(), c["grokked"]["n"].get<int>(),
        fmt_ci(c["grokked"]["wilson95"], 1, 2));
  }
  for (const char* metric : {"final_val_acc", "epoch_to_99"}) {
    const bool acc = std::string(metric) == "final_val_acc";
    md += fmt::format("\n## Comparisons: {}\n\n", acc ? "final val accuracy (percentage points)"
                                                      : "epochs to 99 % (runs that reached it)");
    md +=
        "| a | b | seeds | mean a − b | 95 % CI | Welch t | p | Holm p | Hedges g |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& c : s["comparisons"][metric]) {
      const auto& d = c["difference"];
      const double scale = acc ? 100 : 1;
      md += fmt::format(
          "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", c["a"].get<std::string>(),
          c["b"].get<std::string>(), c["paired_seeds"].get<int>(),
          d.is_null() ? "–" : fmt_num(d["mean"], scale, 2),
          d.is_null() ? "–" : fmt_ci(d["ci95"], scale, 2), fmt_num(c["welch"]["t"], 1, 2),
          fmt_num(c["welch"]["p"], 1, 4), fmt_num(c["p_holm"], 1, 4), fmt_num(c["hedges_g"], 1, 2));
    }
  }
  return md;
}

void write_experiment_statistics(const std::filesystem::path& out, const std::vector<Trial>& plan,
                                 const std::vector<TrialRecord>& records, uint64_t bootstrap_seed) {
  const auto statistics = experiment_statistics(plan, records, bootstrap_seed);
  write_json_file_atomic(out / "statistics.json", statistics);
  write_file_atomic(out / "statistics.md",
                    "# Experiment statistics\n\n" + statistics_markdown(statistics));
}

}  // namespace grok

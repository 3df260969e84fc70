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
  return {{"n", s.n},
          {"mean", number(s.mean)},
          {"sd", number(s.sd)},
          {"ci95", interval_json(s.ci)},
          {"ci_method", to_string(s.method)}};
}
nlohmann::ordered_json proportion_json(const Proportion& p) {
  return {{"count", p.successes},
          {"n", p.n},
          {"fraction", number(p.fraction)},
          {"wilson95", interval_json(p.ci)}};
}
nlohmann::ordered_json event_json(const EventTimes& t) {
  return {{"runs", t.runs}, {"censored", t.censored}, {"reached", summary_json(t.reached)}};
}
std::optional<double> as_double(const std::optional<int64_t>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

std::vector<double> values(const Group& g, const std::vector<uint64_t>& seeds, bool epochs) {
  std::vector<double> out;
  for (uint64_t seed : seeds) {
    const TrialRecord& r = *g.by_seed.at(seed);
    out.push_back(epochs ? static_cast<double>(*r.epoch_to_threshold) : *r.val_acc);
  }
  return out;
}

// Seeds both groups completed (for epochs: where both reached the threshold).
std::vector<uint64_t> shared_seeds(const Group& a, const Group& b, bool epochs) {
  std::vector<uint64_t> seeds;
  for (const auto& [seed, record] : a.by_seed) {
    const auto it = b.by_seed.find(seed);
    if (it == b.by_seed.end()) continue;
    if (epochs && (!record->epoch_to_threshold || !it->second->epoch_to_threshold)) continue;
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

std::string epoch_metric(double threshold) { return fmt::format("epoch_to_{:g}", 100 * threshold); }

nlohmann::ordered_json experiment_statistics(const std::vector<Trial>& plan,
                                             const std::vector<TrialRecord>& records,
                                             const GrokDefinition& grok, uint64_t bootstrap_seed) {
  BootstrapOptions bootstrap;  // Student-t intervals; the seed only matters for a bootstrap
  bootstrap.seed = bootstrap_seed;
  const std::string epoch_key = epoch_metric(grok.threshold);
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
    std::vector<std::optional<double>> epochs, delays;
    int grokked = 0, generalised = 0;
    for (const auto& [seed, r] : g.by_seed) {
      acc.push_back(*r->val_acc);
      epochs.push_back(as_double(r->epoch_to_threshold));
      delays.push_back(as_double(r->grokking_delay));
      grokked += r->grokked;
      generalised += r->generalised;
    }
    const int n = static_cast<int>(acc.size());
    configurations.push_back(
        {{"configuration", g.key},
         {"kind", to_string(g.first->kind)},
         {"strategy", g.first->strategy},
         {"round", g.first->round},
         {"dim", g.first->model.dim},
         {"depth", g.first->model.depth},
         {"overall_scale", g.first->overall_scale},
         {"planned", g.planned},
         {"completed", acc.size()},
         {"final_val_acc", summary_json(summarize(acc, bootstrap))},
         {epoch_key, event_json(summarize_event_times(epochs, bootstrap))},
         {"grokking_delay", event_json(summarize_event_times(delays, bootstrap))},
         {"generalised", proportion_json(proportion(generalised, n))},
         {"grokked", proportion_json(proportion(grokked, n))}});
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
           {"difference", c.paired ? summary_json(c.paired->difference) : nullptr},
           {"test", c.test()},
           {"paired_t", c.paired ? nlohmann::ordered_json{{"n", sizes[i]},
                                                          {"t", number(c.paired->t)},
                                                          {"df", number(c.paired->df)},
                                                          {"p", number(c.paired->p)}}
                                 : nullptr},
           {"wilcoxon",
            c.paired ? nlohmann::ordered_json{{"n", sizes[i]},
                                              {"nonzero", c.paired->wilcoxon_nonzero},
                                              {"statistic", number(c.paired->wilcoxon_statistic)},
                                              {"p", number(c.paired->wilcoxon_p)},
                                              {"exact", c.paired->wilcoxon_exact}}
                     : nullptr},
           {"welch",
            {{"t", number(c.welch.t)}, {"df", number(c.welch.df)}, {"p", number(c.welch.p)}}},
           {"hedges_g", number(c.hedges_g)},
           {"p_holm", number(c.p_holm)}});
    }
    comparisons[epochs ? epoch_key : "final_val_acc"] = std::move(list);
  }
  return {{"intervals", {{"method", to_string(bootstrap.method)}, {"level", bootstrap.level}}},
          {"grokking",
           {{"threshold", grok.threshold},
            {"tolerance", grok.tolerance},
            {"min_delay", grok.min_delay},
            {"epoch_metric", epoch_key}}},
          {"configurations", std::move(configurations)},
          {"comparisons", std::move(comparisons)}};
}

std::string statistics_markdown(const nlohmann::ordered_json& s) {
  auto fmt_num = [](const nlohmann::ordered_json& v, double scale, int digits) {
    return v.is_number() ? fmt::format("{:.{}f}", v.get<double>() * scale, digits)
                         : std::string("–");
  };
  auto fmt_ci = [&](const nlohmann::ordered_json& ci, double scale, int digits) {
    return fmt::format("[{}, {}]", fmt_num(ci[0], scale, digits), fmt_num(ci[1], scale, digits));
  };
  auto count = [](const nlohmann::ordered_json& p) {
    return fmt::format("{}/{}", p["count"].get<int>(), p["n"].get<int>());
  };
  const auto& grok = s["grokking"];
  const std::string epoch_key = grok["epoch_metric"].get<std::string>();
  const double pct = 100 * grok["threshold"].get<double>();
  std::string md = fmt::format(
      "Grokked = generalised (val ≥ {:g} % at the end, never more than {:g} percentage points "
      "below it "
      "after first reaching it) with val reaching {:g} % at least {} epochs after train did. "
      "Intervals: 95 % Student t of the mean (n = runs in the cell); fractions: Wilson 95 %. "
      "Runs that never reached {:g} % are censored: counted in `reached/runs`, not in the "
      "epoch means.\n\n## Configurations\n\n",
      pct, 100 * grok["tolerance"].get<double>(), pct, grok["min_delay"].get<int>(), pct);
  md += fmt::format(
      "| configuration | n | final val % (mean ± sd) | 95 % CI | epochs to {0:g} % (mean, "
      "reached/runs) | delay (mean, n) | generalised | grokked | Wilson 95 % |\n"
      "|---|---|---|---|---|---|---|---|---|\n",
      pct);
  for (const auto& c : s["configurations"]) {
    const auto& acc = c["final_val_acc"];
    const auto& ep = c[epoch_key];
    const auto& delay = c["grokking_delay"];
    md += fmt::format(
        "| {} | {}/{} | {} ± {} | {} | {} ({}/{}) | {} ({}) | {} | {} | {} |\n",
        c["configuration"].get<std::string>(), c["completed"].get<int>(), c["planned"].get<int>(),
        fmt_num(acc["mean"], 100, 2), fmt_num(acc["sd"], 100, 2), fmt_ci(acc["ci95"], 100, 2),
        fmt_num(ep["reached"]["mean"], 1, 1), ep["runs"].get<int>() - ep["censored"].get<int>(),
        ep["runs"].get<int>(), fmt_num(delay["reached"]["mean"], 1, 1),
        delay["reached"]["n"].get<int>(), count(c["generalised"]), count(c["grokked"]),
        fmt_ci(c["grokked"]["wilson95"], 1, 2));
  }
  for (const std::string& metric : {std::string("final_val_acc"), epoch_key}) {
    const bool acc = metric == "final_val_acc";
    md += fmt::format("\n## Comparisons: {}\n\n",
                      acc ? "final val accuracy (percentage points)"
                          : fmt::format("epochs to {:g} % (seeds where both reached it)", pct));
    md +=
        "| a | b | n (paired seeds) | mean a − b | 95 % CI (t) | paired t | p | Wilcoxon p | "
        "Holm p | Hedges g |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& c : s["comparisons"][metric]) {
      const auto& d = c["difference"];
      const double scale = acc ? 100 : 1;
      const bool paired = !c["paired_t"].is_null();
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                        c["a"].get<std::string>(), c["b"].get<std::string>(),
                        c["paired_seeds"].get<int>(),
                        d.is_null() ? "–" : fmt_num(d["mean"], scale, 2),
                        d.is_null() ? "–" : fmt_ci(d["ci95"], scale, 2),
                        paired ? fmt_num(c["paired_t"]["t"], 1, 2) : "–",
                        paired ? fmt_num(c["paired_t"]["p"], 1, 4) : fmt_num(c["welch"]["p"], 1, 4),
                        paired ? fmt_num(c["wilcoxon"]["p"], 1, 4) : "–",
                        fmt_num(c["p_holm"], 1, 4), fmt_num(c["hedges_g"], 1, 2));
    }
  }
  return md;
}

void write_experiment_statistics(const std::filesystem::path& out, const std::vector<Trial>& plan,
                                 const std::vector<TrialRecord>& records,
                                 const GrokDefinition& grok, uint64_t bootstrap_seed) {
  const auto statistics = experiment_statistics(plan, records, grok, bootstrap_seed);
  write_json_file_atomic(out / "statistics.json", statistics);
  write_file_atomic(out / "statistics.md",
                    "# Experiment statistics\n\n" + statistics_markdown(statistics));
}

}  // namespace grok

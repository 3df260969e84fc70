#include "grokking/train/run_summary.h"

#include <fmt/format.h>

#include <algorithm>

#include "grokking/core/gemm.h"
#include "grokking/core/memory.h"
#include "grokking/train/grok_events.h"

namespace grok {

nlohmann::ordered_json run_summary(const History& history, const RunFacts& facts) {
  nlohmann::ordered_json s;
  const auto last = [&](const char* column) {
    return history.rows() ? history.column(column).back() : 0.0;
  };
  s["verb"] = facts.verb;
  s["epochs"] = static_cast<int64_t>(last("epoch"));
  s["steps"] = facts.steps;
  s["final_train_loss"] = last("train_loss");
  s["final_train_acc"] = last("train_acc");
  s["final_val_loss"] = last("val_loss");
  s["final_val_acc"] = last("val_acc");
  const auto& val = history.column("val_acc");
  s["best_val_acc"] = history.rows() ? *std::max_element(val.begin(), val.end()) : 0.0;
  s["final_weight_norm"] = last("weight_norm");
  for (const double threshold : {0.5, 0.9, 0.99}) {
    const auto epoch = first_epoch_reaching(history, threshold);
    const std::string key = fmt::format("epoch_to_{}", static_cast<int>(threshold * 100));
    s[key] = epoch ? nlohmann::ordered_json(*epoch) : nlohmann::ordered_json(nullptr);
  }
  s["parameters"] = facts.parameters;
  const double seconds = facts.wall_s_this_process, gflop = facts.gemm_flops / 1e9;
  s["timing"] = nlohmann::ordered_json{
      {"wall_s", facts.wall_s},
      {"wall_s_this_process", seconds},
      {"steps_per_s", seconds > 0 ? facts.steps_this_process / seconds : 0.0},
      {"peak_rss_mb", static_cast<double>(peak_rss_bytes()) / (1 << 20)},
      {"threads", facts.threads},
      {"shards", facts.shards},
      {"ranks", facts.ranks},
      {"exchange_s_per_step",
       facts.steps_this_process > 0 ? facts.exchange_s / facts.steps_this_process : 0.0},
      {"gemm_gflop", gflop},
      {"gemm_gflop_per_epoch",
       facts.epochs_this_process > 0 ? gflop / facts.epochs_this_process : 0.0},
      {"gemm_gflop_per_s", seconds > 0 ? gflop / seconds : 0.0},
      {"precision", facts.precision}};
  s["versions"] = nlohmann::ordered_json{{"grokking", GROK_VERSION},
                                         {"gemm", gemm_backend_name()},
                                         {"compiler", std::string(__VERSION__)}};
  return s;
}

}  // namespace grok

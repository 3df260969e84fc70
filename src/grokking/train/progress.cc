#include "grokking/train/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

namespace grok {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

Progress::Progress(int log_every, bool quiet, std::FILE* out)
    : log_every_(log_every),
      quiet_(quiet),
      live_(out != nullptr && isatty(fileno(out)) != 0),
      out_(out) {}

std::string Progress::format(const EpochReport& r) const {
  return fmt::format(
      "{}epoch {:>{}}/{}  step {:>6}  train {:.4f} {:6.2f}%  val {:.4f} {:6.2f}%  lr {:.2e}  "
      "|w| {:.2f}{}  {:.0f} steps/s  ETA {}",
      r.stage.empty() ? "" : "[" + r.stage + "] ", r.epoch, std::to_string(r.epochs).size(),
      r.epochs, r.step, r.train_loss, 100 * r.train_acc, r.val_loss, 100 * r.val_acc, r.lr,
      r.weight_norm, r.extra, r.steps_per_s, format_duration(r.eta_s));
}

void Progress::epoch(const EpochReport& report) {
  if (quiet_) return;
  const bool last = report.epoch == report.epochs;
  if (live_) {
    fmt::print(out_, "\r\033[K{}", format(report));
    line_open_ = true;
    if (last) finish();
  } else if (report.epoch % log_every_ == 0 || last || report.epoch == 1) {
    fmt::print(out_, "{}\n", format(report));
  }
  std::fflush(out_);
}

void Progress::message(const std::string& text) {
  if (out_ == nullptr) return;
  if (line_open_) {
    fmt::print(out_, "\n");
    line_open_ = false;
  }
  fmt::print(out_, "{}\n", text);
  std::fflush(out_);
}

void Progress::warning(const std::string& text) {
  if (out_ == nullptr) return;
  if (line_open_) {
    fmt::print(out_, "\n");
    line_open_ = false;
  }
  std::fflush(out_);
  fmt::print(stderr, "warning: {}\n", text);
}

void Progress::finish() {
  if (out_ == nullptr) return;
  if (line_open_) fmt::print(out_, "\n");
  line_open_ = false;
  std::fflush(out_);
}

}  // namespace grok
